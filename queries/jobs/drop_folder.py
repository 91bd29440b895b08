"""The ``import`` job: each new record file of a drop folder, imported by the same code
as ``openness import`` (:func:`queries.importing.run.import_files`), then moved aside.

Each file is imported on its own (units first, then by name), so that one unusable
file does not hold the others back. Then it moves to ``done/`` (imported, its rejects
file beside it as ``NAME.rejects.csv`` when rows were rejected) or to ``failed/``
(nothing imported, the cause beside it as ``NAME.error.txt``). A file whose content
(SHA-256) an import committed before moves to ``done/`` untouched; a file modified in
the last minute, or named like a file still being copied (``.name``, ``*.part``,
``*.tmp``), waits for the next run.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from queries.importing.run import (
    ImportResult,
    ImportUsageError,
    UnusableFileError,
    import_files,
    kind_from_name,
)
from queries.importing.validate import Labels
from queries.model.records import IMPORT_ORDER
from queries.model.schema import import_log

# a file modified less than this many seconds ago may still be being written
SETTLE_SECONDS = 60
# names of files still being copied by the usual tools (rsync, curl, browsers, sftp)
IN_TRANSIT = (".part", ".partial", ".tmp", ".crdownload", ".filepart")


class FolderError(Exception):
    """The drop folder cannot be used (missing, not a folder, not writable)."""


@dataclass
class FolderRun:
    """What one run of an ``import`` job did with each file (by name)."""

    imported: list[str] = field(default_factory=list)  # "name: N rows accepted"
    rejected: list[str] = field(default_factory=list)  # "name: N rows rejected"
    already: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "name: cause"

    @property
    def result(self) -> str:
        """cli.md's run result: ``ok``, ``failed: CAUSE`` or ``skipped: CAUSE``."""
        problems = self.failed + self.rejected
        if problems:
            return "failed: " + "; ".join(problems)
        if self.imported or self.already:
            return "ok"
        if self.waiting:
            return "skipped: still being written: " + ", ".join(self.waiting)
        return "skipped: no new file"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def imported_before(engine: sa.Engine, digest: str) -> bool:
    """Whether an import of a file with this SHA-256 committed."""
    q = (
        sa.select(import_log.c.import_id)
        .where(import_log.c.checksum == digest, import_log.c.status == "committed")
        .limit(1)
    )
    with engine.connect() as conn:
        return conn.execute(q).first() is not None


def _aside(path: Path, folder: Path) -> Path:
    """Move ``path`` into ``folder`` (made if missing), never over a file already there
    (a second ``feedback.csv`` becomes ``feedback.2.csv``)."""
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}.{n}{path.suffix}"
    path.rename(target)
    return target


def pending(folder: Path) -> list[tuple[Path, str | None]]:
    """The files of ``folder`` a run considers, with their kind (None: not told by the
    name): units first, then by name; hidden and in-transit names left out."""
    files = [
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.lower().endswith(IN_TRANSIT)
    ]
    kinds = [(p, kind_from_name(p)) for p in files]
    order = {k: i for i, k in enumerate(IMPORT_ORDER)}
    return sorted(kinds, key=lambda pk: (order.get(pk[1] or "", len(order)), pk[0].name))


def import_folder(
    engine: sa.Engine, folder: Path, *, labels: Labels | None = None, now: float | None = None
) -> FolderRun:
    """Import each new file of ``folder`` (module docstring). ``now``: the clock the files'
    modification times are read against (default the machine's: a file being written
    is a fact of this machine, whatever time a run is for)."""
    if not folder.is_dir():
        raise FolderError(f"drop folder {folder} does not exist or is not a folder")
    clock = time.time() if now is None else now
    run = FolderRun()
    for path, _kind in pending(folder):
        name = path.name
        try:
            if clock - path.stat().st_mtime < SETTLE_SECONDS:
                run.waiting.append(name)
                continue
            if imported_before(engine, _sha256(path)):
                _aside(path, folder / "done")
                run.already.append(name)
                continue
        except FileNotFoundError:  # taken away meanwhile
            continue
        try:
            # a name that tells no kind: import_files refuses it as `openness import` does
            results = import_files(engine, [path], progress=False, labels=labels)
        except (ImportUsageError, UnusableFileError) as exc:
            moved = _aside(path, folder / "failed")
            moved.with_name(moved.name + ".error.txt").write_text(f"{exc}\n", encoding="utf-8")
            run.failed.append(f"{name}: {exc}")
            continue
        try:
            _settle(path, folder, results[0], run)
        except FileNotFoundError:  # moved away meanwhile (a person, another job)
            run.imported.append(f"{name}: imported, then moved away by someone else")
    return run


def _settle(path: Path, folder: Path, r: ImportResult, run: FolderRun) -> None:
    """Move an imported file aside (its rejects file beside it) and say so in ``run``."""
    name = path.name
    if r.status != "committed":
        moved = _aside(path, folder / "failed")
        moved.with_name(moved.name + ".error.txt").write_text(f"{r.status}\n", encoding="utf-8")
        run.failed.append(f"{name}: {r.status}")
        return
    moved = _aside(path, folder / "done")
    run.imported.append(f"{name}: {r.rows_accepted} rows accepted")
    if r.rejects_file is not None:
        shutil.copyfile(r.rejects_file, moved.with_name(moved.name + ".rejects.csv"))
        run.rejected.append(
            f"{name}: {r.rows_rejected} rows rejected (done/{moved.name}.rejects.csv)"
        )
