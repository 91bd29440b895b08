"""Loading the four record tables from the database into typed polars frames.

Columns are those of :mod:`queries.model.records`, typed ``pl.Date``,
``pl.Datetime("us")`` (naive local time), ``pl.Boolean`` or ``pl.String``
(enums as codes). SQL is SQLAlchemy Core; the rows are read in one pass per
table. SQLite stores dates and date-times as text: those columns are read as
text and parsed in polars, vectorised, instead of row by row in Python
(:mod:`queries.store.schemas`). A Parquet copy of the frames is kept while
:func:`queries.store.changes.change_marker` says the database has not changed.

With a SQLite file and a cache folder (the command line, the dashboard), the frames
are lazy: their tables are computed by DuckDB over the database's columnar copy
(:mod:`queries.store.embedded`), and the records are read (as above) only when
something needs their rows.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import polars as pl
import sqlalchemy as sa

from queries.model.db import data_dir, hide_secrets, shown_url
from queries.model.records import KINDS, FieldType
from queries.model.schema import RECORD_TABLES
from queries.model.settings.values import ENGINE_URL
from queries.store.changes import RecordChanges, change_marker
from queries.store.embedded import PREFIX, embedded_frames, refresh_lake
from queries.store.integrity import (
    DatabaseUnreadable,
    check_sqlite,
    digests,
    digests_match,
)
from queries.store.lake_folder import LakeError
from queries.store.lake_read import lake_is_current, verified_manifest
from queries.store.schemas import POLARS_TYPES, SCHEMAS, Frames, conform
from queries.store.sources import (
    SQL_FOLDER,
    EngineUnavailable,
    first_line,
    lake_duckdb_sources,
    postgres_sources,
    spark_session,
    spark_sources,
)
from queries.store.sqlite_text import load_sqlite_text


def _read_table(conn: sa.Connection, name: str, sqlite: bool) -> pl.DataFrame:
    """One table through the connection's DBAPI cursor, in chunks of plain tuples.

    The statement is SQLAlchemy Core compiled for the dialect; rows skip SQLAlchemy's
    per-row result processing (SQLite dates arrive as text and are parsed vectorised).
    No ORDER BY: walking a text primary key is slow in SQLite, and no result depends
    on the order of the rows.
    """
    table = RECORD_TABLES[name]
    kind = KINDS[name]
    cols: list[sa.ColumnElement[Any]] = []
    raw_schema: list[tuple[str, pl.DataType]] = []
    for f in kind.fields:
        c = table.c[f.name]
        if sqlite and f.type in (FieldType.DATE, FieldType.DATETIME):
            cols.append(sa.type_coerce(c, sa.String()).label(f.name))
            raw_schema.append((f.name, pl.String()))
        elif sqlite and f.type == FieldType.BOOL:
            cols.append(sa.type_coerce(c, sa.Integer()).label(f.name))
            raw_schema.append((f.name, pl.Int64()))
        else:
            cols.append(c)
            raw_schema.append((f.name, POLARS_TYPES[f.type]))
    stmt = sa.select(*cols)
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    cur = dbapi.cursor()
    chunks = []
    try:
        cur.execute(sql)
        # typed chunk by chunk: the raw text never exists for the whole table at once
        while rows := cur.fetchmany(_CHUNK):
            raw = pl.DataFrame(rows, schema=raw_schema, orient="row")
            del rows
            chunks.append(conform(name, raw))
    finally:
        cur.close()
    if not chunks:
        return conform(name, None)
    return pl.concat(chunks, rechunk=False)


_CHUNK = 200_000


def _load_sqlalchemy(engine: sa.Engine) -> Frames:
    """Through SQLAlchemy's own connection, a DBAPI row per record (any dialect)."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        parts = {name: _read_table(conn, name, sqlite) for name in SCHEMAS}
    return Frames.of(parts)


def _connectorx_url(engine: sa.Engine) -> str | None:
    """The URL connectorx understands for this engine, None if it cannot read it."""
    url = engine.url
    # Never SQLite: connectorx bundles its own SQLite library, and two SQLite
    # libraries in one process break each other's POSIX locks (closing its file
    # handle drops the locks of our connections; its checkpoint-on-close then
    # deleted the WAL under an open connection in a test here).
    if url.get_backend_name() == "postgresql":
        return url.set(drivername="postgresql").render_as_string(hide_password=False)
    return None


def _load_connectorx(engine: sa.Engine) -> Frames | None:
    """The four tables read by connectorx (Rust, straight into Arrow), None if unavailable.

    The SQL is the SQLAlchemy Core select compiled for the engine's dialect.
    """
    try:
        import connectorx as cx
    except ImportError:
        return None
    cx_url = _connectorx_url(engine)
    if cx_url is None:
        return None
    parts = {}
    for name, kind in KINDS.items():
        table = RECORD_TABLES[name]
        stmt = sa.select(*(table.c[f.name] for f in kind.fields))
        sql = str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
        try:
            df = cx.read_sql(cx_url, sql, return_type="polars")
        except Exception:  # any driver trouble: the SQLAlchemy path reads it instead
            return None
        if not isinstance(df, pl.DataFrame):
            return None
        # left in connectorx's chunks: a rechunk would hold the table twice at the peak
        # (3.5 GB instead of 1.8 GB at province scale) for no measurable speed-up
        parts[name] = conform(name, df)
    return Frames.of(parts)


CACHE_VERSION = "2"


def default_cache_dir() -> Path | None:
    """Where the command line and the dashboard keep frame caches: ``<data>/cache``,
    None when ``OPENNESS_FRAME_CACHE=0``."""
    if os.environ.get("OPENNESS_FRAME_CACHE", "1") == "0":
        return None
    return data_dir() / "cache"


def _cache_path(cache_dir: Path, engine: sa.Engine) -> Path:
    name = engine.url.render_as_string(hide_password=True)
    return cache_dir / hashlib.sha256(f"{CACHE_VERSION}|{name}".encode()).hexdigest()[:16]


def _read_cache(path: Path, marker: str) -> Frames | None:
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("marker") != marker or meta.get("version") != CACHE_VERSION:
            return None
        # an edited Parquet file is not used: the figures come from the database then
        if not digests_match(path, meta.get("files")):
            return None
        parts = {n: pl.read_parquet(path / f"{n}.parquet") for n in SCHEMAS}
    except (OSError, ValueError, pl.exceptions.PolarsError):
        return None
    if any(parts[n].schema != SCHEMAS[n] for n in SCHEMAS):
        return None
    return Frames.of(parts)


def _write_cache(path: Path, marker: str, frames: Frames, keep: int = 4) -> None:
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for n in SCHEMAS:
            frames[n].write_parquet(tmp / f"{n}.parquet", compression="lz4")
        files = digests(tmp, [f"{n}.parquet" for n in SCHEMAS])
        meta = {"marker": marker, "version": CACHE_VERSION, "files": files}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        shutil.rmtree(path, ignore_errors=True)
        tmp.rename(path)
        # keep the most recently used few (the lakes beside them are not frame caches)
        others = sorted(
            (
                p
                for p in path.parent.iterdir()
                if p.is_dir()
                and ".tmp" not in p.name
                and not p.name.startswith(PREFIX)
                and p.name != SQL_FOLDER
            ),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in others[keep:]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


def _unreadable(engine: sa.Engine, exc: Exception) -> DatabaseUnreadable:
    """The error that says the database cannot be read completely, and why."""
    cause = getattr(exc, "orig", None) or exc
    return DatabaseUnreadable(
        f"database {shown_url(engine.url)} cannot be read "
        f"completely: {hide_secrets(str(cause), engine.url)}"
    )


def load_frames(
    engine: sa.Engine, *, cache_dir: Path | str | None = None, reader: str = "auto"
) -> Frames:
    """The four record tables of the database behind ``engine``, typed.

    ``reader``: ``auto`` (SQLite: ``sqlite-text``; PostgreSQL: connectorx when
    installed; else SQLAlchemy), ``sqlite-text`` (SQLite formats the rows as text,
    polars parses them), ``connectorx`` or ``sqlalchemy`` (a DBAPI row per record,
    any dialect). ``cache_dir``: keep a Parquet copy
    of the frames there, reused while :func:`change_marker` says the database has not
    changed (it is re-read otherwise).

    PostgreSQL: lazy frames, their tables computed by PostgreSQL. A SQLite file with
    ``cache_dir`` (and the ``auto`` reader): lazy frames, their tables computed by
    DuckDB over the database's columnar copy kept there (:mod:`queries.store.embedded`),
    the records read as above on first use; when no copy can be kept, every record
    read now, as without ``cache_dir``.
    """
    if engine.dialect.name == "postgresql":
        return _keeping_sql(_postgres_frames(engine, reader), cache_dir)
    if cache_dir is not None and reader == "auto":
        lazy = embedded_frames(
            engine,
            Path(cache_dir),
            units=lambda: _guarded(engine, _units_of),
            records=lambda: whole_frames(engine, cache_dir=cache_dir),
        )
        if lazy is not None:
            return _keeping_sql(lazy, cache_dir)
    return whole_frames(engine, cache_dir=cache_dir, reader=reader)


def _keeping_sql(frames: Frames, cache_dir: Path | str | None) -> Frames:
    """``frames`` whose engine keeps each shape's compiled SQL under ``<cache_dir>/sql``
    for the next process (:mod:`queries.engine.relational.kept_sql`)."""
    if cache_dir is not None and frames.source is not None:
        frames.source = dataclasses.replace(frames.source, sql_store=Path(cache_dir) / SQL_FOLDER)
    return frames


def whole_frames(
    engine: sa.Engine, *, cache_dir: Path | str | None = None, reader: str = "auto"
) -> Frames:
    """Every record of the SQLite (or other) database read into memory, through the
    Parquet copy under ``cache_dir`` when it is current (see :func:`load_frames`)."""
    marker = change_marker(engine) if cache_dir is not None else None
    path = _cache_path(Path(cache_dir), engine) if cache_dir is not None else None
    if path is not None and marker is not None:
        cached = _read_cache(path, marker)
        if cached is not None:
            os.utime(path)
            return cached
    frames = _guarded(engine, lambda e: _read_database(e, reader))
    if path is not None and marker is not None and change_marker(engine) == marker:
        _write_cache(path, marker, frames)
    return frames


_T = TypeVar("_T")


def _guarded(engine: sa.Engine, read: Callable[[sa.Engine], _T]) -> _T:
    """``read(engine)``, a database error as :class:`DatabaseUnreadable`."""
    try:
        return read(engine)
    except (sqlite3.DatabaseError, sa.exc.DBAPIError) as exc:
        raise _unreadable(engine, exc) from exc


def _has_connectorx() -> bool:
    try:
        import connectorx  # noqa: F401
    except ImportError:
        return False
    return True


def _read_one(engine: sa.Engine, name: str, reader: str) -> pl.DataFrame:
    """One table of a PostgreSQL database: connectorx when installed, else SQLAlchemy."""
    if reader in ("auto", "connectorx"):
        cx_url = _connectorx_url(engine)
        if cx_url is not None and _has_connectorx():
            table = RECORD_TABLES[name]
            stmt = sa.select(*(table.c[f.name] for f in KINDS[name].fields))
            sql = str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
            import connectorx as cx

            try:
                df = cx.read_sql(cx_url, sql, return_type="polars")
            except Exception:  # any driver trouble: the SQLAlchemy path reads it instead
                df = None
            if isinstance(df, pl.DataFrame):
                return conform(name, df)
        if reader == "connectorx":
            raise RuntimeError(f"connectorx cannot read {shown_url(engine.url)}")
    with engine.connect() as conn:
        return _read_table(conn, name, False)


def _postgres_frames(engine: sa.Engine, reader: str) -> Frames:
    """PostgreSQL: the units read now; the indicators computed by PostgreSQL itself
    (:func:`queries.engine.backends.postgres_sources`); a record table read only when
    something needs its rows (the records behind a figure)."""

    def guarded(name: str) -> pl.DataFrame:
        try:
            return _read_one(engine, name, reader)
        except (sqlite3.DatabaseError, sa.exc.DBAPIError) as exc:
            raise _unreadable(engine, exc) from exc

    units = guarded("units")
    return Frames(units, loader=guarded, source=postgres_sources(engine, units))


def _read_database(engine: sa.Engine, reader: str) -> Frames:
    """The frames read by ``reader``; a SQLite file is checked whole first
    (:func:`queries.store.integrity.check_sqlite`)."""
    frames = None
    sqlite = engine.dialect.name == "sqlite"
    db = engine.url.database
    if sqlite and db and db != ":memory:" and not db.startswith("file:"):
        check_sqlite(str(Path(db).resolve()), change_marker(engine))
    if reader == "sqlite-text" or (reader == "auto" and sqlite):
        if not sqlite:
            raise RuntimeError(f"not a SQLite database: {shown_url(engine.url)}")
        frames = load_sqlite_text(engine)
    elif reader in ("auto", "connectorx"):
        frames = _load_connectorx(engine)
        if frames is None and reader == "connectorx":
            raise RuntimeError(f"connectorx cannot read {shown_url(engine.url)}")
    if frames is None:
        frames = _load_sqlalchemy(engine)
    return frames


def refresh_cache(
    engine: sa.Engine,
    cache_dir: Path | str | None = None,
    changes: RecordChanges | None = None,
) -> bool:
    """After a write (an import, the seed): bring what is kept for this database under
    ``cache_dir`` (default :func:`default_cache_dir`) up to date, so the next
    :func:`load_frames` uses it as it is: the columnar copy (after an import, only the
    months ``changes`` names are read again: :func:`queries.store.embedded.refresh_lake`)
    and the Parquet copy of the frames (read anew). Only what is already kept; never
    raises (the write has been committed; a stale copy is never used anyway). True
    if something was refreshed.
    """
    try:
        base = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        if base is None:
            return False
        refreshed = refresh_lake(engine, base, changes)
        if _cache_path(base, engine).is_dir():
            whole_frames(engine, cache_dir=base)
            refreshed = True
    except Exception:  # the next load_frames reads the database instead
        return False
    return refreshed


def check_engine_url(url: str) -> None:
    """``spark://HOST:PORT`` or ``local[N]``; else :class:`EngineUnavailable`. A standalone
    master that does not answer is refused at once (Spark itself retries for a minute)."""
    m = ENGINE_URL.match(url)
    if m is None:
        raise EngineUnavailable(f"--engine {url}: not spark://HOST:PORT or local[N]")
    if m.group("host"):
        try:
            socket.create_connection((m.group("host"), int(m.group("port"))), timeout=10).close()
        except OSError as exc:
            raise EngineUnavailable(
                f"Spark master {url} cannot be reached: {exc.strerror or exc}"
            ) from None


def _records_of(engine: sa.Engine) -> Callable[[str], pl.DataFrame]:
    """A loader of the database's record tables, read when first asked (SQLite: all
    three at once, by the fast reader)."""
    if engine.dialect.name == "postgresql":
        return lambda name: _read_one(engine, name, "auto")
    kept: list[Frames] = []

    def load(name: str) -> pl.DataFrame:
        if not kept:
            kept.append(_read_database(engine, "auto"))
        return kept[0][name]

    return load


def _units_of(engine: sa.Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        return _read_table(conn, "units", engine.dialect.name == "sqlite")


def open_records(
    engine: sa.Engine, *, lake: Path, spark: str | None = None, cache_dir: Path | None = None
) -> Frames:
    """The database's records, their tables computed from the lake at ``lake``: by a
    Spark cluster (``spark``: ``spark://HOST:PORT`` or ``local[N]``) or else by DuckDB.
    The units and, on demand, the records behind a figure come from the database.

    Raises :class:`~queries.store.lake_folder.LakeError` (no lake, a file changed, or
    the lake older than the database: its change marker differs) and
    :class:`EngineUnavailable` (a bad engine URL, a master that does not answer).
    ``cache_dir``: the compiled SQL kept under ``<cache_dir>/sql`` (as :func:`load_frames`).
    """
    if spark is not None:
        check_engine_url(spark)
    manifest = verified_manifest(lake)
    if not lake_is_current(engine, lake):
        raise LakeError(
            f"the lake at {lake} is older than the database {shown_url(engine.url)}: "
            f"export it again (openness lake export {lake})"
        )
    units = _units_of(engine)
    if spark is None:
        source = lake_duckdb_sources(Path(lake), manifest, units)
    else:
        try:
            session = spark_session(spark)
        except ImportError:
            raise EngineUnavailable(
                'Spark needs the spark extra (pip install "openness[spark]") and Java 17'
            ) from None
        except Exception as exc:  # the JVM or the master refused
            raise EngineUnavailable(f"Spark at {spark} cannot start: {first_line(exc)}") from None
        source = spark_sources(session, Path(lake).resolve(), manifest, units)
    return _keeping_sql(Frames(units, loader=_records_of(engine), source=source), cache_dir)
