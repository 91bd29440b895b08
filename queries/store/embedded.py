"""The embedded default (cli.md, "Engines and the lake"): with a SQLite file, the
indicator tables, series and signals are computed by DuckDB over a columnar copy of
the records, a lake (:mod:`queries.store.lake`) kept under the frame cache's folder
(``<cache>/lake-<hash of the database's path>``); SQLite stays the system of record.

- Kept current: before use, the lake's change marker is compared with the
  database's (:func:`queries.store.changes.records_marker`); when they differ it is
  exported again, rewriting only the months whose rows changed; after an import, only
  the months the import wrote are read again (:func:`refresh_lake`).
- Never trusted blindly: every file it names is checked against its SHA-256
  (:func:`queries.store.lake_read.verified_manifest`); a changed or missing file is
  written again by the export, a folder holding something else is cleared and rebuilt.
- Never in the way: when the lake cannot be written (a read-only folder, a full disk)
  the frames are those of today's path (every record in memory); when another process
  holds its lock (an export), this one waits for it, up to :data:`WAIT_SECONDS`, then
  takes that path too. Threads of one process take turns (a lock per lake).
- Readers and writers at once: an export switches the manifest in one rename; a
  computation reads the files of the manifest it was opened with while they are
  there, else the lake as it is now (an export in between removed a replaced month),
  else the records in memory.
- ``OPENNESS_FRAME_CACHE=0`` (no cache folder): no lake either, the records in memory.

The record frames themselves (the records behind a figure, the topic pages) are read
only when first asked, by the loader given (the fast reader and the frame cache).
"""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import sqlalchemy as sa

from queries.model.records import KINDS
from queries.store.changes import RecordChanges
from queries.store.lake import export_lake
from queries.store.lake_folder import MANIFEST, LakeBusy, LakeError
from queries.store.lake_read import lake_files, lake_is_current, read_manifest, verified_manifest
from queries.store.schemas import Frames
from queries.store.sources import (
    RECORD_TABLES,
    Bound,
    Sources,
    duckdb_bound,
    duckdb_connect,
    lake_views,
)

# how long a reader waits for another process's export of the same lake
WAIT_SECONDS = 120.0
PREFIX = "lake-"

_locks: dict[Path, threading.Lock] = {}
_locks_lock = threading.Lock()


def lake_dir(cache_dir: Path, engine: sa.Engine) -> Path | None:
    """Where the lake of the SQLite file behind ``engine`` is kept under ``cache_dir``;
    None for another database (or one in memory)."""
    db = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not db or db == ":memory:":
        return None
    if db.startswith("file:"):
        return None
    key = hashlib.sha256(str(Path(db).resolve()).encode()).hexdigest()[:16]
    return Path(cache_dir) / f"{PREFIX}{key}"


def _thread_lock(root: Path) -> threading.Lock:
    with _locks_lock:
        return _locks.setdefault(root, threading.Lock())


def current_lake(
    engine: sa.Engine,
    root: Path,
    changes: RecordChanges | None = None,
    wait: float | None = None,
) -> dict[str, Any] | None:
    """The checked manifest of the lake at ``root`` once it holds the database's records
    as they are (exported first when it does not: after an import, ``changes`` names
    the months to read again); None when the lake cannot be kept (see the module).

    Raises :class:`~queries.store.integrity.DatabaseUnreadable` (the database itself
    cannot be read: no figure from any copy then)."""
    with _thread_lock(root):
        deadline = time.monotonic() + (WAIT_SECONDS if wait is None else wait)
        cleared = False
        while True:
            try:
                return _up_to_date(engine, root, changes)
            except LakeBusy:
                if time.monotonic() >= deadline:
                    return None
                time.sleep(0.1)
            except LakeError:
                # a folder holding something else, or only a crashed first export's
                # files: cleared once and written anew; a lake that cannot be written
                # (read-only, disk full) is left as it is
                if cleared or read_manifest(root) is not None:
                    return None
                cleared = True
                shutil.rmtree(root, ignore_errors=True)
            except OSError:
                return None


def _up_to_date(
    engine: sa.Engine, root: Path, changes: RecordChanges | None
) -> dict[str, Any] | None:
    if lake_is_current(engine, root):
        try:
            return verified_manifest(root)
        except LakeError:
            pass  # a file changed or gone: the export below writes it again
    months = since = None
    if changes is not None and changes.before is not None and changes.after is not None:
        months = {k: set(v) for k, v in changes.months.items()}
        since = (changes.before, changes.after)
    export_lake(engine, root, months=months, since=since)
    return verified_manifest(root)


def refresh_lake(engine: sa.Engine, cache_dir: Path, changes: RecordChanges | None = None) -> bool:
    """After a write (an import, the seed): the lake of this database brought up to date,
    where one is kept under ``cache_dir`` (none is started here). After an import,
    ``changes`` (its months and change markers) limit the reading to the months it
    wrote. Never raises (the write is committed; a lake out of date is never used).
    True when the lake is current."""
    root = lake_dir(cache_dir, engine)
    if root is None or not (root / MANIFEST).is_file():
        return False
    try:
        return current_lake(engine, root, changes) is not None
    except Exception:  # the next reader brings it up to date instead
        return False


def embedded_frames(
    engine: sa.Engine,
    cache_dir: Path,
    *,
    units: Callable[[], pl.DataFrame],
    records: Callable[[], Frames],
) -> Frames | None:
    """Frames whose tables are computed by DuckDB over the lake of this database (kept
    under ``cache_dir``): the units read now (``units()``), the record frames read
    together by ``records()`` on first use. None when no lake can be kept (the caller
    reads the records into memory then)."""
    root = lake_dir(cache_dir, engine)
    if root is None:
        return None
    new = not (root / MANIFEST).is_file()
    manifest = current_lake(engine, root)
    if manifest is None:
        return None
    if new:
        _prune(Path(cache_dir), root)
    kept: list[Frames] = []
    lock = threading.Lock()

    def loader(name: str) -> pl.DataFrame:
        with lock:
            if not kept:
                kept.append(records())
            return kept[0][name]

    unit_frame = units()
    source = _lake_sources(engine, root, manifest, unit_frame, loader)
    return Frames(unit_frame, loader=loader, source=source)


def _lake_sources(
    engine: sa.Engine,
    root: Path,
    manifest: dict[str, Any],
    units: pl.DataFrame,
    loader: Callable[[str], pl.DataFrame],
) -> Sources:
    """DuckDB over the lake at ``root``: the files of ``manifest`` while they are all
    there, else the lake brought up to date, else the records in memory (see the
    module). A connection per computation, so threads never share one."""
    pinned: list[dict[str, Any] | None] = [manifest]
    lock = threading.Lock()

    def current(stale: bool = False) -> dict[str, Any] | None:
        with lock:
            m = pinned[0]
            if stale or m is None or not _all_there(root, m):
                m = pinned[0] = current_lake(engine, root)
            return m

    def views(con: duckdb.DuckDBPyConnection, m: dict[str, Any] | None) -> None:
        if m is not None:
            lake_views(con, root, m)
        else:
            memory_views(con, loader)

    @contextmanager
    def open_() -> Iterator[Bound]:
        con = duckdb_connect()
        try:
            try:
                views(con, current())
            except duckdb.IOException:  # a file removed since it was found there
                views(con, current(stale=True))
            bound = duckdb_bound(con)

            def run(sql: str) -> pl.DataFrame:
                try:
                    return bound.run(sql)
                except duckdb.IOException:  # a file removed by an export in between
                    views(con, current(stale=True))
                    return bound.run(sql)

            yield Bound(bound.dialect, run, bound.put)
        finally:
            con.close()

    return Sources(units, open_, "duckdb", partitioned=True)


def _all_there(root: Path, manifest: dict[str, Any]) -> bool:
    return all((root / f).is_file() for t in RECORD_TABLES for f in lake_files(manifest, t))


def memory_views(con: duckdb.DuckDBPyConnection, loader: Callable[[str], pl.DataFrame]) -> None:
    """Each record kind a view over its frame in memory, with the lake's ``month`` (of
    its anchor), so that the same SQL runs on it."""
    for name in RECORD_TABLES:
        anchor = KINDS[name].anchor
        con.register(f"{name}__frame", loader(name).to_arrow())
        con.execute(
            f"CREATE OR REPLACE VIEW {name} AS SELECT *, "
            f"strftime({anchor}, '%Y-%m') AS month FROM {name}__frame"
        )


def _prune(cache_dir: Path, keep: Path) -> None:
    """Remove the lakes under ``cache_dir`` whose database file is gone (a database
    named by an absolute path only: a relative one depends on the folder a command
    ran in)."""
    try:
        folders = [p for p in cache_dir.iterdir() if p.name.startswith(PREFIX) and p != keep]
    except OSError:
        return
    for folder in folders:
        manifest = read_manifest(folder)
        db = _database_of(manifest)
        if db is not None and Path(db).is_absolute() and not Path(db).exists():
            shutil.rmtree(folder, ignore_errors=True)


def _database_of(manifest: dict[str, Any] | None) -> str | None:
    """The SQLite file a lake's manifest was exported from, None when it does not say."""
    try:
        url = sa.engine.make_url(str((manifest or {})["database"]))
    except (KeyError, sa.exc.ArgumentError, ValueError):
        return None
    return url.database if url.get_backend_name() == "sqlite" else None
