"""Bulk upsert of validated batches: stage, then one INSERT ... SELECT ... ON CONFLICT.

Each batch is loaded into a temporary staging table (SQLite: ``executemany``
of multi-row ``INSERT ... VALUES`` fed from one flat list of plain values;
PostgreSQL: ``COPY``), then merged into the record table
with one statement. A record whose values are all unchanged is not touched
(``WHERE ... IS DISTINCT FROM``), so importing the same file twice changes
nothing, not even the ``import_id`` of the rows.

On SQLite the stage also notes the months (``YYYY-MM`` of the kind's anchor) that
each batch writes to: the staged rows' and, for a record already there, its month
before the write (an update that moves a case to another month changes both), so
that the columnar copy (:mod:`queries.store.embedded`) reads only those again.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import polars as pl
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from queries.model.records import FieldType, RecordKind
from queries.model.schema import RECORD_TABLES

# SQLAlchemy's own storage formats for SQLite, so that rows staged as plain
# values read back exactly as rows written through SQLAlchemy
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S%.6f"
_SQLITE_DATE = "%Y-%m-%d"
SQLITE_CACHE_KIB = 256 * 1024
# SQLite loads of at least this many rows into a smaller table rebuild the
# secondary indexes at the end instead of updating them row by row
BULK_MIN_ROWS = 200_000
# rows per INSERT statement when loading the SQLite stage (at most; a statement
# stays within 999 parameters, the limit of SQLite builds before 3.32)
ROWS_PER_INSERT = 64
_MAX_PARAMETERS = 999


class Stage:
    """A temporary staging table for one kind, on one connection."""

    def __init__(self, conn: sa.Connection, kind: RecordKind, expected_rows: int = 0) -> None:
        self.conn = conn
        self.kind = kind
        self.target = RECORD_TABLES[kind.name]
        self.columns = list(kind.columns)
        md = sa.MetaData()
        self.table = sa.Table(
            f"import_stage_{kind.name}",
            md,
            *[sa.Column(c, self.target.c[c].type) for c in self.columns],
            prefixes=["TEMPORARY"],
        )
        self.dialect = conn.dialect.name
        # the anchor months the batches wrote to, old and new (SQLite, a kind with months)
        self.months: set[str] | None = (
            set() if self.dialect == "sqlite" and kind.anchor is not None else None
        )
        self._merger: ThreadPoolExecutor | None = None
        self._pending: Future[object] | None = None
        if self.dialect == "sqlite":
            # a large page cache keeps the record table's four b-trees in memory
            conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            conn.exec_driver_sql("PRAGMA temp_store=MEMORY")
            # helper threads for the sorts of CREATE INDEX after a bulk load
            conn.exec_driver_sql("PRAGMA threads=2")
            # Python's sqlite3 opens its transaction at the first INSERT, not
            # before DDL: without this, dropping the indexes below would commit
            # at once, and a rollback (strict mode, an error) would leave the
            # table without them. IMMEDIATE: the write lock from the start (waiting for
            # it under busy_timeout); a deferred transaction that read first failed at
            # once with "database is locked" when the dashboard had written an audit
            # event in between
            if not conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
                conn.exec_driver_sql("BEGIN IMMEDIATE")
        self.table.drop(conn, checkfirst=True)
        self.table.create(conn)
        self.dropped_indexes: list[sa.Index] = []
        if self.dialect == "sqlite" and expected_rows >= BULK_MIN_ROWS:
            existing = conn.execute(sa.select(sa.func.count()).select_from(self.target)).scalar()
            if (existing or 0) < expected_rows:
                # a bulk load into a smaller table: building the secondary
                # indexes once at the end (a sort) beats updating them row by
                # row; it happens inside the file's transaction, so readers
                # (WAL) never see the table without them
                self.dropped_indexes = sorted(self.target.indexes, key=lambda i: str(i.name))
                for index in self.dropped_indexes:
                    index.drop(conn)

    def prepare(self, frame: pl.DataFrame) -> object:
        """The batch in the form the stage loads (polars only: runs in the reading thread)."""
        if self.dialect == "postgresql":
            return prepare_copy(self.kind, frame)
        return prepare_plain(self.kind, frame)

    def write(self, prepared: object, import_id: int) -> None:
        """Upsert a prepared batch into the record table.

        SQLite: the merge runs in a helper thread (it holds no GIL), while this
        thread turns the next batch into Python values; the next load waits for
        it. The values are not made in the reading thread: sqlite3 releases the
        GIL around each statement it runs, and a thread busy making Python
        objects then makes every statement wait for the GIL (measured: no gain,
        and one more batch of Python objects in memory).
        """
        if self.dialect == "postgresql":
            assert isinstance(prepared, bytes)
            self.conn.execute(self.table.delete())
            self._copy(prepared)
            self.conn.execute(self._merge(import_id))
            return
        assert isinstance(prepared, pl.DataFrame)
        values = flat_values(prepared)
        self.wait()
        self.conn.execute(self.table.delete())
        self._insert_many(values)
        del values
        if self._merger is None:
            self._merger = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-merge")
        self._pending = self._merger.submit(self._note_and_merge, self._merge(import_id))

    def _note_and_merge(self, merge: sa.Executable) -> None:
        """The staged batch's months noted (before the merge moves any record), then
        merged (in the merge thread: the reading thread goes on meanwhile)."""
        if self.months is not None:
            self.months.update(self._months())
        self.conn.execute(merge)

    def _months(self) -> set[str]:
        """The months of the staged rows' anchors and of the records they replace."""
        anchor, key = self.kind.anchor, self.kind.key
        assert anchor is not None
        stage, target = self.table, self.target

        def month(col: sa.ColumnElement[object]) -> sa.ColumnElement[str]:
            return sa.func.substr(sa.type_coerce(col, sa.String()), 1, 7)

        new = sa.select(month(stage.c[anchor]))
        old = sa.select(month(target.c[anchor])).select_from(
            stage.join(target, target.c[key] == stage.c[key])
        )
        rows = self.conn.execute(sa.union(new, old)).scalars()
        return {m for m in rows if m is not None}

    def wait(self) -> None:
        """Wait for the merge in flight, if any (raising its error)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Stop the merge thread (after the merge in flight, whatever its outcome)."""
        if self._merger is not None:
            self._merger.shutdown(wait=True)
            self._merger = None

    def finish(self) -> None:
        """Drop the stage, rebuild any index dropped for a bulk load."""
        self.wait()
        self.table.drop(self.conn)
        for index in self.dropped_indexes:
            index.create(self.conn)
        self.release()

    def release(self) -> None:
        """Give the connection back its usual settings (it returns to the pool)."""
        if self.dialect == "sqlite":
            self.conn.exec_driver_sql("PRAGMA cache_size=-2000")
            self.conn.exec_driver_sql("PRAGMA threads=0")

    # -- loading the stage -------------------------------------------------------

    def _insert_many(self, values: list[object]) -> None:
        """Load the stage from row-major values, ``ROWS_PER_INSERT`` rows a statement.

        A multi-row ``VALUES`` costs SQLite's per-statement work (reset, step,
        and the GIL handed back and forth) once per many rows: a third less
        CPU than one statement a row.
        """
        k = len(self.columns)
        rows = max(1, min(ROWS_PER_INSERT, _MAX_PARAMETERS // k))
        per = k * rows
        full = len(values) // per * per
        cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if full:
                # sqlite3 takes any iterable: one statement's values at a time
                statements = (values[i : i + per] for i in range(0, full, per))
                cursor.executemany(self._insert_sql(rows), statements)  # type: ignore[arg-type]
            if full < len(values):
                cursor.execute(self._insert_sql((len(values) - full) // k), values[full:])
        finally:
            cursor.close()

    def _insert_sql(self, rows: int) -> str:
        one = "(" + ", ".join("?" for _ in self.columns) + ")"
        return (
            f"INSERT INTO {self.table.name} ({', '.join(self.columns)}) "
            f"VALUES {', '.join([one] * rows)}"
        )

    def _copy(self, data: bytes) -> None:
        if not data:
            return
        sql = f"COPY {self.table.name} ({', '.join(self.columns)}) FROM STDIN (FORMAT csv, NULL '')"
        cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            with cursor.copy(sql) as copy:
                copy.write(data)
        finally:
            cursor.close()

    # -- merging -----------------------------------------------------------------

    def _merge(self, import_id: int) -> sa.Executable:
        key = self.kind.key
        values = [c for c in self.columns if c != key]
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        select = sa.select(
            *[self.table.c[c] for c in self.columns],
            sa.literal(import_id, sa.Integer).label("import_id"),
        ).where(sa.true())  # SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT
        stmt = insert(self.target).from_select([*self.columns, "import_id"], select)
        changed = sa.or_(*[self.target.c[c].is_distinct_from(stmt.excluded[c]) for c in values])
        return stmt.on_conflict_do_update(
            index_elements=[key],
            set_={**{c: stmt.excluded[c] for c in values}, "import_id": stmt.excluded.import_id},
            where=changed,
        )


def flat_values(frame: pl.DataFrame) -> list[object]:
    """The frame's values as one row-major list of Python values (row 1's, then row 2's...).

    One ``to_list`` per column, interleaved by slice assignment (C loops):
    cheaper than ``DataFrame.rows()`` and no tuple per row.
    """
    k = frame.width
    values: list[object] = [None] * (frame.height * k)
    for j, column in enumerate(frame.get_columns()):
        values[j::k] = column.to_list()
    return values


def prepare_plain(kind: RecordKind, frame: pl.DataFrame) -> pl.DataFrame:
    """SQLite: plain values, dates as text in SQLAlchemy's format, bools as 0/1."""
    exprs = []
    for f in kind.fields:
        c = pl.col(f.name)
        if f.type is FieldType.DATETIME:
            c = c.dt.strftime(_SQLITE_DATETIME)
        elif f.type is FieldType.DATE:
            c = c.dt.strftime(_SQLITE_DATE)
        elif f.type is FieldType.BOOL:
            c = c.cast(pl.Int8)
        exprs.append(c)
    return frame.select(exprs)


def prepare_copy(kind: RecordKind, frame: pl.DataFrame) -> bytes:
    """PostgreSQL: the CSV that COPY reads (empty unquoted = NULL)."""
    if frame.is_empty():
        return b""
    text = frame.select(kind.columns).write_csv(
        include_header=False,
        datetime_format="%Y-%m-%d %H:%M:%S%.6f",
        date_format="%Y-%m-%d",
        null_value="",
    )
    return text.encode("utf-8")
