"""Where the records are, as the engine layer (:mod:`queries.engine.relational`) reaches
them: an open connection that runs the engine's SQL and takes the small tables each
computation brings (the closure, the periods, the calendar).

- in memory (tests, the seed, frames already loaded): DuckDB reading the polars
  frames' Arrow buffers in place (no copy);
- PostgreSQL: PostgreSQL itself: only aggregates leave the database.

One engine per set of records; the SQL each runs is compiled from the same definitions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import psycopg
import sqlalchemy as sa

from queries.model.records import KINDS, FieldType
from queries.store.lake_read import lake_files
from queries.store.schemas import Frames

RECORD_TABLES = ("feedback", "disclosures", "supervision")


class EngineUnavailable(RuntimeError):
    """The engine asked for cannot compute: the message, one line, names it and why."""


def first_line(exc: BaseException) -> str:
    """An exception's message, its first line (Java's stack traces stay out)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass(frozen=True)
class Bound:
    """One open connection of an engine.

    ``dialect``: the SQLGlot dialect its SQL is compiled for (``duckdb``, ``postgres``,
    ``pyspark``); ``run(sql)``: the result as a polars frame; ``put(name, frame)``:
    a small table under that name for the connection's next queries.
    """

    dialect: str
    run: Callable[[str], pl.DataFrame]
    put: Callable[[str, pl.DataFrame], None]


# the folder, under the command line's and the dashboard's cache, where the compiled SQL
# of each computation shape is kept (queries.engine.relational.kept_sql)
SQL_FOLDER = "sql"


@dataclass(frozen=True)
class Sources:
    """Where the records are: an engine to open, and the unit tree.

    ``open()`` is a context manager giving a :class:`Bound` (closed, or given back, on
    exit). The record tables are named as the record kinds; their columns are those of
    :mod:`queries.model.records` typed Date, Timestamp (naive local time), Boolean or
    String, and, when ``partitioned`` (a lake), ``month`` (``YYYY-MM``). ``units`` is
    small, a polars frame (the closure is computed from it in Python).
    """

    units: pl.DataFrame
    open: Callable[[], AbstractContextManager[Bound]]
    # the engine's name, for messages: "duckdb", "postgres", "spark"
    name: str = ""
    partitioned: bool = False
    # where the compiled SQL of each shape is kept for the next process (None: only
    # in this one; queries.engine.relational.kept_sql)
    sql_store: Path | None = None


def duckdb_bound(con: duckdb.DuckDBPyConnection) -> Bound:
    """A DuckDB connection as a :class:`Bound` (small tables registered, not copied)."""

    def put(name: str, frame: pl.DataFrame) -> None:
        con.register(name, frame.to_arrow())

    return Bound("duckdb", lambda sql: con.sql(sql).pl(), put)


def duckdb_connect() -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB connection: the one place the embedded engine opens one
    (a memory limit would go here; DuckDB cannot spill a median's values, so the plan
    bounds them instead: ``MEDIAN_GROUPS`` in queries/engine/relational/plan.py)."""
    return duckdb.connect()


def in_memory_sources(frames: Frames) -> Sources:
    """DuckDB over ``frames`` as they are in memory (Arrow, read in place).

    One connection, one computation at a time (a lock): the dashboard computes from
    several threads, and a DuckDB connection is not shared between them.
    """
    con = duckdb_connect()
    for name in RECORD_TABLES:
        con.register(name, frames[name].to_arrow())
    bound = duckdb_bound(con)
    lock = threading.Lock()

    @contextmanager
    def open_() -> Iterator[Bound]:
        with lock:
            yield bound

    return Sources(frames.units, open_, "duckdb")


_PG_TYPES = {
    pl.String: "text",
    pl.Int32: "integer",
    pl.Int64: "bigint",
    pl.Date: "date",
    pl.Boolean: "boolean",
}


def postgres_bound(conn: psycopg.Connection) -> Bound:
    """A psycopg connection as a :class:`Bound`: small tables as temporary tables
    (COPY), results read through the cursor (aggregates: a few rows per unit)."""

    def put(name: str, frame: pl.DataFrame) -> None:
        cols = ", ".join(f'"{c}" {_PG_TYPES[type(t)]}' for c, t in frame.schema.items())
        with conn.cursor() as cur:
            cur.execute(f'DROP TABLE IF EXISTS "{name}"')
            cur.execute(f'CREATE TEMPORARY TABLE "{name}" ({cols})')
            with cur.copy(f'COPY "{name}" FROM STDIN') as copy:
                for row in frame.iter_rows():
                    copy.write_row(row)

    def run(sql: str) -> pl.DataFrame:
        with conn.cursor() as cur:
            cur.execute(sql)
            names = [d.name for d in cur.description or ()]
            return pl.DataFrame(
                cur.fetchall(), schema=names, orient="row", infer_schema_length=None
            )

    return Bound("postgres", run, put)


def postgres_sources(engine: sa.Engine, units: pl.DataFrame) -> Sources:
    """PostgreSQL computes: each computation opens its own connection (its temporary
    tables end with it) and closes it."""
    url = engine.url

    @contextmanager
    def open_() -> Iterator[Bound]:
        # the URL's libpq options too (a schema of our own by options=-csearch_path=...,
        # sslmode...), as SQLAlchemy passes them to its own connections
        options: dict[str, Any] = {k: v for k, v in url.query.items() if isinstance(v, str)}
        conn = psycopg.connect(
            host=url.host or "localhost",
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database,
            autocommit=True,
            **options,
        )
        try:
            yield postgres_bound(conn)
        finally:
            conn.close()

    return Sources(units, open_, "postgres")


_LOCK = threading.Lock()


def sources_of(frames: Frames) -> Sources:
    """The engine that computes for ``frames``: the one they were opened with, else
    DuckDB over the frames in memory (made once per frames object)."""
    if frames.source is not None:
        return frames.source
    with _LOCK:
        made: Sources | None = frames.memo.get("__sources__")
        if made is None:
            made = in_memory_sources(frames)
            frames.memo["__sources__"] = made
    return made


def _empty_select(name: str) -> str:
    """SQL of an empty table with the record kind's lake columns (a kind with no records
    has no partition to read)."""
    cols = [
        f"CAST(NULL AS {_SQL_TYPES[f.type]}) AS {f.name}"
        for f in KINDS[name].fields
        if not f.free_text
    ]
    return f"SELECT {', '.join(cols)}, CAST(NULL AS VARCHAR) AS month WHERE 1 = 0"


_SQL_TYPES = {
    FieldType.TEXT: "VARCHAR",
    FieldType.ENUM: "VARCHAR",
    FieldType.DATE: "DATE",
    FieldType.DATETIME: "TIMESTAMP",
    FieldType.BOOL: "BOOLEAN",
}


def lake_views(con: duckdb.DuckDBPyConnection, lake: Path, manifest: dict[str, Any]) -> None:
    """Each record kind a view (made or replaced) over the Parquet files of the lake at
    ``lake`` that ``manifest`` names, ``month`` from their folders."""
    for name in RECORD_TABLES:
        files = [lake / f for f in lake_files(manifest, name)]
        if files:
            paths = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
            con.execute(
                f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet([{paths}], "
                "hive_partitioning = true, hive_types = {'month': VARCHAR})"
            )
        else:
            con.execute(f"CREATE OR REPLACE VIEW {name} AS {_empty_select(name)}")


def lake_duckdb_sources(lake: Path, manifest: dict[str, Any], units: pl.DataFrame) -> Sources:
    """DuckDB over a lake (:mod:`queries.store.lake`): each record kind a view over the
    Parquet files its manifest names (``manifest``: checked by
    :func:`queries.store.lake.verified_manifest`); a computation's month filters select
    the files (the ``month`` of their folders), its date filters the row groups. A
    connection per computation (cheap, in memory), so threads never share one."""

    @contextmanager
    def open_() -> Iterator[Bound]:
        con = duckdb_connect()
        try:
            lake_views(con, lake, manifest)
            yield duckdb_bound(con)
        finally:
            con.close()

    return Sources(units, open_, "duckdb", partitioned=True)


def spark_session(master: str) -> Any:
    """The process's SparkSession on ``master`` (``spark://HOST:PORT`` or ``local[N]``).

    Date-times are naive local time: Parquet's timestamps without a zone are read as
    such (TIMESTAMP_NTZ) and the session's zone is UTC, so Spark shifts nothing;
    partition folders are read as text (``month=2026-03``). Needs the ``spark`` extra
    (pyspark) and Java 17.
    """
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master(master)
        .appName("openness")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_sources(
    session: Any, lake: Path, manifest: dict[str, Any], units: pl.DataFrame
) -> Sources:
    """A Spark cluster over a lake: each record kind a temporary view of the Parquet
    files its manifest names (``lake``: a folder the driver and every worker see at the
    same path); results come back as Arrow (aggregates only). One computation at a
    time per session."""
    lock = threading.Lock()

    def put(name: str, frame: pl.DataFrame) -> None:
        session.createDataFrame(frame.to_pandas()).createOrReplaceTempView(name)

    def run(sql: str) -> pl.DataFrame:
        out = pl.from_arrow(session.sql(sql).toArrow())
        assert isinstance(out, pl.DataFrame)
        return out

    # each kind's DataFrame, read once: reading lists the files and infers their
    # schema (a Spark job each time); a view name points at it again for each computation
    tables: dict[str, Any] = {}

    @contextmanager
    def open_() -> Iterator[Bound]:
        with lock:
            session.conf.set("spark.sql.session.timeZone", "UTC")
            for name in RECORD_TABLES:
                df = tables.get(name)
                if df is None:
                    files = [str(lake / f) for f in lake_files(manifest, name)]
                    if files:
                        df = session.read.option("basePath", str(lake / name)).parquet(*files)
                    else:  # a kind with no records has no partition to read
                        df = session.sql(_empty_select(name).replace("VARCHAR", "STRING"))
                    tables[name] = df
                df.createOrReplaceTempView(name)
            yield Bound("pyspark", run, put)

    return Sources(units, open_, "spark", partitioned=True)
