"""Whether the database changed: a marker string compared before and after a read,
and by the Parquet cache of :mod:`queries.store.frames`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from queries.model.db import shown_url
from queries.model.schema import record_version
from queries.store.integrity import DatabaseUnreadable, log_marker, write_marker


def change_marker(engine: sa.Engine) -> str | None:
    """A string that changes whenever the database's data may have changed, or None.

    SQLite file: size and modification time of the file and of its WAL (every commit
    appends to the WAL; a checkpoint rewrites the file). PostgreSQL: ``record_version``,
    which a statement trigger on each record table moves in the writer's transaction
    (migration 0006; a write elsewhere on the server does not move it, so a lake stays
    current while the records do). Both: the import
    log's count, last id, last finish time and rows accepted, which every committed
    import and seed moves even when the file keeps its size and time. None when the
    database cannot say (no caching then).
    """
    url = engine.url
    if url.get_backend_name() == "sqlite":
        db = url.database
        if not db or db == ":memory:" or db.startswith("file:"):
            return None
        path = Path(db).resolve()
        parts = []
        for p in (path, Path(f"{path}-wal")):
            try:
                st = p.stat()
            except FileNotFoundError:
                parts.append("0:0")
                continue
            # an empty WAL (a reader opened the file) is the same as none
            parts.append(f"{st.st_size}:{st.st_mtime_ns}" if st.st_size else "0:0")
        try:
            parts.append(write_marker(engine))
        except DatabaseUnreadable:
            return None
        return f"sqlite:{path}|" + "|".join(parts)
    if url.get_backend_name() == "postgresql":
        try:
            with engine.connect() as conn:
                version = conn.execute(
                    sa.select(record_version.c.version).where(record_version.c.id == 1)
                ).scalar()
        except sa.exc.DBAPIError:  # not upgraded yet (no record_version)
            return None
        if version is None:
            return None
        try:
            log = write_marker(engine)
        except DatabaseUnreadable:
            return None
        # the marker is written beside the cached frames: no password in it
        return f"postgresql:{shown_url(url)}|v{version}|{log}"
    return None


def records_marker(engine: sa.Engine) -> str | None:
    """A string that changes whenever the product writes records: what a lake records
    and is checked against (cli.md, "Engines and the lake").

    PostgreSQL: :func:`change_marker` (``record_version`` moves with any write to a
    record table, the product's or not). SQLite: the database's path and the import
    log's marker, which every import and seed moves in its own transaction, and
    ``record_version``, which any other writer moves (:func:`note_record_write`);
    not the file's size and time, which a checkpoint changes when a process that only
    read (or wrote its audit trail) closes: a lake would never stay current. A record
    changed behind the product's back (the sqlite3 shell) is not seen: export the lake
    again. None when the database cannot say.
    """
    if engine.url.get_backend_name() != "sqlite":
        return change_marker(engine)
    if _sqlite_path(engine) is None:
        return None
    try:
        with engine.connect() as conn:
            return records_marker_on(conn)
    except (DatabaseUnreadable, sa.exc.DBAPIError):
        return None


def records_marker_on(conn: sa.Connection) -> str | None:
    """:func:`records_marker` of a SQLite file read on ``conn``, in its transaction: a
    writer reads the marker its own writes make before it commits (an import, for the
    lake it refreshes after: :func:`queries.store.lake.export_lake`'s ``since``).
    None for any other database."""
    path = _sqlite_path(conn.engine)
    if path is None:
        return None
    version = conn.execute(
        sa.select(record_version.c.version).where(record_version.c.id == 1)
    ).scalar()
    return f"sqlite:{path}|v{version}|{log_marker(conn)}"


def _sqlite_path(engine: sa.Engine) -> Path | None:
    db = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not db or db == ":memory:":
        return None
    if db.startswith("file:"):
        return None
    return Path(db).resolve()


@dataclass(frozen=True)
class RecordChanges:
    """What a run of imports wrote to a SQLite file: the record kinds' anchor months
    (``YYYY-MM``) it touched, old and new, and the change markers
    (:func:`records_marker_on`) before its first write and after its last, read in
    its own transactions. ``before`` None: not one run of writes (another writer's
    commit fell between two of its files): the months do not say everything."""

    before: str | None
    after: str | None
    months: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, before: str | None, after: str | None, kind: str, months: set[str] | None
    ) -> RecordChanges | None:
        """One file's changes (None when the markers are unknown: not SQLite)."""
        if before is None or after is None:
            return None
        return cls(before, after, {kind: frozenset(months or ())})

    def then(self, nxt: RecordChanges) -> RecordChanges:
        """These changes followed by ``nxt``: one run when ``nxt`` starts where these
        end."""
        months = {
            k: self.months.get(k, frozenset()) | nxt.months.get(k, frozenset())
            for k in {*self.months, *nxt.months}
        }
        joined = self.after is not None and self.after == nxt.before
        return RecordChanges(self.before if joined else None, nxt.after, months)


def note_record_write(conn: sa.Connection) -> None:
    """Move ``record_version`` in the writer's transaction: what a writer of the record
    tables other than the importer (which moves the import log) does on SQLite, where
    no statement trigger does it (PostgreSQL's triggers also count this one)."""
    conn.execute(
        sa.update(record_version)
        .where(record_version.c.id == 1)
        .values(version=record_version.c.version + 1)
    )


def run_of(changes: list[RecordChanges | None]) -> RecordChanges | None:
    """The changes of files written one after another (None: one of them unknown, a
    file rolled back or not on SQLite)."""
    if not changes or any(c is None for c in changes):
        return None
    run = changes[0]
    for nxt in changes[1:]:
        assert run is not None and nxt is not None
        run = run.then(nxt)
    return run
