"""Fast bulk writes of generated frames into the record tables.

SQLite: the raw DBAPI ``executemany`` with values already in the text form
SQLAlchemy's SQLite types store (``2026-03-02 14:05:03.000000``, booleans as
0/1), so the rows read back exactly as rows the importer wrote.
PostgreSQL: ``COPY ... FROM STDIN`` (CSV) through psycopg. Any other
database: SQLAlchemy Core ``insert()`` with executemany, in chunks.
"""

from __future__ import annotations

import io

import polars as pl
import sqlalchemy as sa

from queries.model.schema import RECORD_TABLES

ROWS_PER_BATCH = 50_000
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S%.6f"


def _sqlite_rows(frame: pl.DataFrame) -> list[tuple]:
    cols = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Datetime:
            col = col.dt.strftime(SQLITE_DATETIME)
        elif dtype == pl.Date:
            col = col.dt.strftime("%Y-%m-%d")
        elif dtype == pl.Boolean:
            col = col.cast(pl.Int8)
        cols.append(col.alias(name))
    return frame.select(cols).rows()


def write_frame(conn: sa.Connection, kind: str, frame: pl.DataFrame) -> None:
    """Insert ``frame`` (columns of the table, in any order) into table ``kind``."""
    if frame.height == 0:
        return
    table = RECORD_TABLES[kind]
    names = frame.columns
    dialect = conn.dialect.name
    for start in range(0, frame.height, ROWS_PER_BATCH):
        batch = frame.slice(start, ROWS_PER_BATCH)
        if dialect == "sqlite":
            sql = (
                f"INSERT INTO {table.name} ({', '.join(names)}) "
                f"VALUES ({', '.join('?' for _ in names)})"
            )
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            cursor.executemany(sql, _sqlite_rows(batch))
            cursor.close()
        elif dialect == "postgresql" and conn.dialect.driver == "psycopg":
            buf = io.BytesIO()
            batch.write_csv(
                buf,
                include_header=False,
                datetime_format=SQLITE_DATETIME,
                date_format="%Y-%m-%d",
                null_value="",
            )
            raw = conn.connection.dbapi_connection
            with (
                raw.cursor() as cur,  # type: ignore[union-attr]
                cur.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN (FORMAT csv)") as cp,
            ):
                cp.write(buf.getvalue())
        else:
            conn.execute(sa.insert(table), batch.to_dicts())
