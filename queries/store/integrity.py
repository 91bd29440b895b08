"""No silently wrong figure: the database read whole, the frame cache checked.

- :class:`DatabaseUnreadable`: the database cannot be read completely (a corrupted
  page, an I/O error, a lock that does not clear). The command line exits 2 with
  the cause; the dashboard shows the error instead of numbers.
- :func:`check_sqlite`: SQLite's own ``PRAGMA quick_check`` (every page of every
  table and index walked), run once per change of the file; a corruption that
  would let a scan skip rows is an error before any figure is computed.
- :func:`write_marker`: a part of the cache's change marker that every committed
  import and seed changes, read from the import log inside the same database
  (the log row is written in the import's transaction), so a change that keeps
  the file's size and time still invalidates the cache.
- :func:`digests` / :func:`digests_match`: SHA-256 of each cached Parquet file,
  recorded beside them and checked before use; an edited file is not used.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa

from queries.model.schema import import_log


class DatabaseUnreadable(RuntimeError):
    """The database cannot be read completely; the message names it and the cause."""


# (database path) -> the change marker already checked, so a check runs once per change
_checked: dict[str, str] = {}


def check_sqlite(path: str, marker: str | None) -> None:
    """Raise :class:`DatabaseUnreadable` unless ``PRAGMA quick_check`` says ``ok``.

    Skipped when this process already checked the file at the same ``marker``.
    """
    if marker is not None and _checked.get(path) == marker:
        return
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            rows = con.execute("PRAGMA quick_check(5)").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise DatabaseUnreadable(f"database {path} cannot be read: {exc}") from exc
    problems = [str(r[0]) for r in rows]
    if problems != ["ok"]:
        first = problems[0].splitlines()
        detail = first[-1] if first else "?"
        raise DatabaseUnreadable(f"database {path} is damaged (SQLite quick_check: {detail})")
    if marker is not None:
        _checked[path] = marker


def write_marker(engine: sa.Engine) -> str:
    """The import log's count, last id and last finish time of the imports that ended:
    every committed import and seed moves it (an import that starts does not: it has
    written nothing yet). Raises :class:`DatabaseUnreadable` when it cannot be read."""
    try:
        with engine.connect() as conn:
            return log_marker(conn)
    except sa.exc.DBAPIError as exc:
        raise DatabaseUnreadable(f"database cannot be read: {exc.orig}") from exc


def log_marker(conn: sa.Connection) -> str:
    """:func:`write_marker` read on ``conn`` (in its transaction: a writer sees its own
    log row before it commits)."""
    q = sa.select(
        sa.func.count(),
        sa.func.max(import_log.c.import_id),
        sa.func.max(import_log.c.finished_at),
        sa.func.sum(import_log.c.rows_accepted),
    ).where(import_log.c.status != "running")
    row = conn.execute(q).one()
    return "log:" + ":".join("" if v is None else str(v) for v in row)


def digests(folder: Path, names: Iterable[str]) -> dict[str, str]:
    """SHA-256 (hex) of each file ``folder/name``."""
    out = {}
    for name in names:
        h = hashlib.sha256()
        with open(folder / name, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        out[name] = h.hexdigest()
    return out


def digests_match(folder: Path, expected: object) -> bool:
    """Whether every file recorded in ``expected`` (name -> hex) still has that digest."""
    if not isinstance(expected, dict) or not expected:
        return False
    try:
        return digests(folder, expected) == expected
    except OSError:
        return False
