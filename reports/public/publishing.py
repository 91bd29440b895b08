"""Publishing a folder of files atomically (``openness publish --out``).

The public website serves the folder as it stands, so it must never hold half a
bundle. :func:`publish_folder`:

1. writes every file into a new folder beside the target (same file system),
   each flushed to disk;
2. refuses a target that holds anything the product did not write (another
   name, a sub-folder, a symlink), or that is itself a symlink, unless
   ``force``;
3. swaps the new folder in by two renames (target -> old, new -> target) and
   removes the old one without following any symlink in it.

A failure in step 1 (disk full, permission) removes the new folder and leaves
the target exactly as it was. Between the two renames of step 3 the target is
briefly absent (POSIX has no portable atomic exchange of two folders); it is
never partial.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path


class PublishError(Exception):
    """The target cannot be published into; the message names the path and why."""


def foreign_entries(target: Path, names: Iterable[str]) -> list[str]:
    """What in ``target`` the product did not write: entries that are not one of
    ``names`` as a regular file (sub-folders, symlinks, other names), sorted."""
    allowed = set(names)
    out = []
    with os.scandir(target) as it:
        for entry in it:
            if entry.name not in allowed or not entry.is_file(follow_symlinks=False):
                out.append(entry.name)
    return sorted(out)


def publish_folder(files: Mapping[str, bytes], target: Path, *, force: bool = False) -> list[Path]:
    """Write ``files`` (name -> bytes) as the folder ``target``, atomically.

    Returns the paths written (inside ``target``). Raises :class:`PublishError` when
    ``target`` is a file, a symlink, or holds entries the product did not write
    (without ``force``); ``OSError`` when writing fails (``target`` untouched).
    """
    target = Path(target)
    if target.is_symlink():
        if not force:
            raise PublishError(f"{target} is a symlink (use --force to replace the link)")
    elif target.exists():
        if not target.is_dir():
            raise PublishError(f"{target} is not a folder")
        foreign = foreign_entries(target, files)
        if foreign and not force:
            shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
            raise PublishError(
                f"{target} holds files the product did not write ({shown}); "
                "use --force to replace the folder"
            )
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=parent))
    try:
        for name, data in files.items():
            if "/" in name or name in ("", ".", ".."):
                raise ValueError(f"not a file name: {name!r}")
            fd = os.open(new / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        os.chmod(new, 0o755)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    old: Path | None = None
    if target.is_symlink() or target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=parent))
        os.rmdir(old)
        os.rename(target, old)  # renames a symlink itself, never what it points to
    try:
        os.rename(new, target)
    except BaseException:
        if old is not None:
            os.rename(old, target)
        shutil.rmtree(new, ignore_errors=True)
        raise
    if old is not None:
        if old.is_symlink():
            old.unlink()
        else:
            shutil.rmtree(old)  # rmtree removes symlinks inside, never follows them
    return [target / name for name in files]
