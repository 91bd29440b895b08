"""Reading the record tables a month at a time, in one consistent snapshot.

For the lake (:mod:`queries.store.lake`): each month of a record kind (by its
anchor column) is one query on the anchor's index, so memory holds one month of
one table, never the whole history. Every query of a :class:`Snapshot` runs in
one read transaction (PostgreSQL ``REPEATABLE READ``, read only; SQLite one
``BEGIN``), so the months read belong to one state of the database however long
the export takes. Personal and free-text columns (``Field.free_text``) are never
selected. Columns are typed as :mod:`queries.store.schemas` types them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import polars as pl
import sqlalchemy as sa

from queries.model.records import KINDS, FieldType, RecordKind
from queries.model.schema import RECORD_TABLES
from queries.store.schemas import POLARS_TYPES, conform

# rows fetched from the driver at a time (bounds the Python tuples alive at once)
_CHUNK = 20_000


def lake_fields(kind: RecordKind) -> tuple[str, ...]:
    """The columns of ``kind`` that may leave the database for the lake: every field
    but the personal and free-text ones (``Field.free_text``: titles, findings)."""
    return tuple(f.name for f in kind.fields if not f.free_text)


def lake_schema(name: str) -> pl.Schema:
    """The polars schema of table ``name`` in the lake."""
    kind = KINDS[name]
    return pl.Schema({f.name: POLARS_TYPES[f.type] for f in kind.fields if not f.free_text})


def month_start(month: str) -> date:
    """``2026-03`` -> 2026-03-01."""
    return date(int(month[:4]), int(month[5:7]), 1)


def next_month(month: str) -> str:
    """``2026-12`` -> ``2027-01``."""
    y, m = int(month[:4]), int(month[5:7])
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"


class Snapshot:
    """Reads of one database state (see the module). Made by :func:`snapshot`."""

    def __init__(self, conn: sa.Connection, dbapi: Any) -> None:
        self._conn = conn
        self._dbapi = dbapi
        self._sqlite = conn.dialect.name == "sqlite"

    def _sql(self, stmt: sa.Select[Any]) -> str:
        return str(stmt.compile(dialect=self._conn.dialect, compile_kwargs={"literal_binds": True}))

    def _scalar_row(self, stmt: sa.Select[Any]) -> tuple[Any, ...]:
        cur = self._dbapi.cursor()
        try:
            cur.execute(self._sql(stmt))
            return tuple(cur.fetchone())
        finally:
            cur.close()

    def count(self, name: str) -> int:
        """Rows of table ``name``."""
        table = RECORD_TABLES[name]
        return int(self._scalar_row(sa.select(sa.func.count()).select_from(table))[0])

    def next_month(self, name: str, after: str | None) -> str | None:
        """The first month (``YYYY-MM``) at or after ``after`` holding a record of kind
        ``name`` (by its anchor), None when there is none. An index lookup."""
        kind = KINDS[name]
        assert kind.anchor is not None
        col = RECORD_TABLES[name].c[kind.anchor]
        stmt = sa.select(sa.func.min(col))
        if after is not None:
            stmt = stmt.where(col >= sa.literal(month_start(after).isoformat(), sa.String()))
        first = self._scalar_row(stmt)[0]
        return None if first is None else str(first)[:7]

    def read(self, name: str, month: str | None = None) -> pl.DataFrame:
        """Table ``name`` (the month ``month`` of its anchor, or all of it), typed, its
        lake columns only, sorted by its key."""
        kind = KINDS[name]
        table = RECORD_TABLES[name]
        cols: list[sa.ColumnElement[Any]] = []
        raw_schema: list[tuple[str, pl.DataType]] = []
        for fname in lake_fields(kind):
            f = kind.field(fname)
            c = table.c[fname]
            if self._sqlite and f.type in (FieldType.DATE, FieldType.DATETIME):
                cols.append(sa.type_coerce(c, sa.String()).label(fname))
                raw_schema.append((fname, pl.String()))
            elif self._sqlite and f.type == FieldType.BOOL:
                cols.append(sa.type_coerce(c, sa.Integer()).label(fname))
                raw_schema.append((fname, pl.Int64()))
            else:
                cols.append(c)
                raw_schema.append((fname, POLARS_TYPES[f.type]))
        stmt = sa.select(*cols)
        if month is not None:
            assert kind.anchor is not None
            anchor = table.c[kind.anchor]
            # text bounds: SQLite compares its stored text ('2026-03-01 08:00:00.000000'
            # >= '2026-03-01'); PostgreSQL casts them to the column's type
            lo = month_start(month).isoformat()
            hi = month_start(next_month(month)).isoformat()
            stmt = stmt.where(
                anchor >= sa.literal(lo, sa.String()), anchor < sa.literal(hi, sa.String())
            )
        chunks = []
        cur = self._dbapi.cursor()
        try:
            cur.execute(self._sql(stmt))
            while rows := cur.fetchmany(_CHUNK):
                raw = pl.DataFrame(rows, schema=raw_schema, orient="row")
                del rows
                chunks.append(conform(name, raw).select(lake_fields(kind)))
        finally:
            cur.close()
        if not chunks:
            return conform(name, None).select(lake_fields(kind))
        return pl.concat(chunks).sort(kind.key)


@contextmanager
def snapshot(engine: sa.Engine) -> Iterator[Snapshot]:
    """A :class:`Snapshot` of the database behind ``engine``: one read transaction,
    ended (rolled back) on leaving."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        dbapi = conn.connection.driver_connection
        assert dbapi is not None
        if conn.dialect.name == "sqlite":
            # the sqlite3 module opens no transaction for a SELECT: one BEGIN holds the
            # snapshot (WAL mode) for every read below
            dbapi.execute("BEGIN")
        try:
            yield Snapshot(conn, dbapi)
        finally:
            dbapi.rollback()
