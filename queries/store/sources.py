"""Where the records are, as the engine layer (:mod:`queries.engine.relational`) reads them.

- in memory (tests, the seed, frames already loaded): DuckDB reading the polars
  frames' Arrow buffers in place (no copy);
- PostgreSQL: PostgreSQL itself, through Ibis: only aggregates leave the database;
- Apache Spark: a cluster reading the lake (``--engine spark://HOST:PORT --lake DIR``).

One engine per set of records; the definitions are the same for all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import polars as pl
import sqlalchemy as sa

from queries.store.schemas import Frames


@dataclass(frozen=True)
class Bound:
    """The record tables as Ibis tables of one open backend connection."""

    backend: Any  # an ibis BaseBackend
    feedback: ir.Table
    disclosures: ir.Table
    supervision: ir.Table


@dataclass(frozen=True)
class Sources:
    """Where the records are: an engine to open, and the unit tree.

    ``open()`` is a context manager giving a :class:`Bound` (its connection closed, or
    given back, on exit). Record columns are those of :mod:`queries.model.records`
    typed Date, Timestamp (naive local time), Boolean or String. ``units`` is small
    and given as a polars frame (the closure is computed from it in Python).
    """

    units: pl.DataFrame
    open: Callable[[], AbstractContextManager[Bound]]
    # the engine's name, for messages: "duckdb", "postgres", "pyspark"
    name: str = ""


_LOCK = threading.Lock()
RECORD_TABLES = ("feedback", "disclosures", "supervision")


def in_memory_sources(frames: Frames) -> Sources:
    """DuckDB over ``frames`` as they are in memory (Arrow, read in place).

    One connection, one query at a time (a lock): the dashboard computes from several
    threads, and a DuckDB connection is not shared between them.
    """
    con = ibis.duckdb.connect()
    for name in RECORD_TABLES:
        con.con.register(name, frames[name].to_arrow())
    bound = Bound(con, con.table("feedback"), con.table("disclosures"), con.table("supervision"))
    lock = threading.Lock()

    @contextmanager
    def open_() -> Iterator[Bound]:
        with lock:
            yield bound

    return Sources(frames.units, open_, "duckdb")


def postgres_sources(engine: sa.Engine, units: pl.DataFrame) -> Sources:
    """PostgreSQL computes: each computation opens its own connection (its temporary
    tables, the closure and the calendar, end with it) and closes it."""
    url = engine.url

    @contextmanager
    def open_() -> Iterator[Bound]:
        con = ibis.postgres.connect(
            host=url.host or "localhost",
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            database=url.database,
        )
        try:
            yield Bound(
                con, con.table("feedback"), con.table("disclosures"), con.table("supervision")
            )
        finally:
            con.disconnect()

    return Sources(units, open_, "postgres")


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
