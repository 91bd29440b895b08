"""Whether the database changed: a marker string compared before and after a read,
and by the Parquet cache of :mod:`queries.store.frames`."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from queries.model.db import shown_url
from queries.model.schema import record_version
from queries.store.integrity import DatabaseUnreadable, write_marker


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
