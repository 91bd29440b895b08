"""The lake's folder (:mod:`queries.store.lake`): made and checked, locked, its files
written and flushed, and the files no manifest names swept away."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

MANIFEST = "_lake.json"
LOCK = ".lake.lock"
PARTITIONED = ("disclosures", "feedback", "supervision")
TABLES = ("units", *PARTITIONED, "calendar")
FORMAT = "openness-lake"
VERSION = 1


class LakeError(RuntimeError):
    """The lake cannot be written (its folder, a file, another export); the message
    names the path and the cause."""


class LakeBusy(LakeError):
    """Another export holds the lake's lock (in this process or another)."""


def write_synced(path: Path, data: bytes) -> None:
    """``data`` written to ``path`` and flushed to the disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """The folder's entries (renames, new files) flushed to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def raw_manifest(root: Path) -> dict[str, Any] | None:
    """The manifest's JSON object as it is (any version), None if there is none."""
    try:
        raw = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return raw if isinstance(raw, dict) else None


def named_files(manifest: dict[str, Any] | None) -> set[str]:
    """Every file a manifest names (relative paths), also of another version."""
    names: set[str] = set()
    tables = manifest.get("tables") if manifest else None
    if not isinstance(tables, dict):
        return names
    for entry in tables.values():
        if not isinstance(entry, dict):
            continue
        parts = [entry.get("file"), *list((entry.get("partitions") or {}).values())]
        names.update(p["file"] for p in parts if isinstance(p, dict) and "file" in p)
    return names


def is_lake_file(name: str) -> bool:
    """A file name the lake writes (a part, or a temporary one)."""
    if name.startswith(".") and ".tmp-" in name:
        return True
    return name.endswith(".parquet") and name.startswith(("part-", "units-", "calendar-"))


def sweep(root: Path, keep: set[str]) -> None:
    """Remove the lake's own files that ``keep`` does not name, and emptied months."""
    for table in TABLES:
        base = root / table
        if not base.is_dir():
            continue
        folders = [base, *sorted(p for p in base.iterdir() if p.name.startswith("month="))]
        for folder in folders:
            if not folder.is_dir():
                continue
            for f in folder.iterdir():
                rel = f.relative_to(root).as_posix()
                if f.is_file() and is_lake_file(f.name) and rel not in keep:
                    with suppress(OSError):
                        f.unlink()
            if folder is not base:
                with suppress(OSError):
                    folder.rmdir()  # only when empty


def prepare_folder(root: Path) -> None:
    """The lake's folder, made if missing; :class:`LakeError` when it cannot be, or
    when it holds something other than a lake."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        entries = {p.name for p in root.iterdir()}
    except OSError as exc:
        raise LakeError(f"cannot write the lake at {root}: {exc.strerror or exc}") from exc
    if entries and not entries & {MANIFEST, LOCK}:
        raise LakeError(
            f"{root} is not empty and holds no lake ({MANIFEST}): give a new or empty folder"
        )


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Held while one export writes the lake; :class:`LakeError` when another holds it."""
    try:
        fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LakeError(f"cannot write the lake at {root}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise LakeBusy(f"another export is writing the lake at {root}") from exc
        yield
    finally:
        os.close(fd)


# (file, size, modification time) -> SHA-256 already checked in this process
_verified: dict[tuple[str, int, int], str] = {}
_verified_lock = threading.Lock()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, hashed once per process while its size and time stay."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _verified_lock:
        digest = _verified.get(key)
    if digest is None:
        h = hashlib.sha256()
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        digest = h.hexdigest()
        with _verified_lock:
            _verified[key] = digest
    return digest


def note_sha256(path: Path, digest: str) -> None:
    """Record the SHA-256 of a file this process has just written (from its bytes)."""
    st = path.stat()
    with _verified_lock:
        _verified[(str(path), st.st_size, st.st_mtime_ns)] = digest
