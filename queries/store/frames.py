"""Loading the four record tables from the database into typed polars frames.

Columns are those of :mod:`queries.model.records`, typed ``pl.Date``,
``pl.Datetime("us")`` (naive local time), ``pl.Boolean`` or ``pl.String``
(enums as codes). SQL is SQLAlchemy Core; the rows are read in one pass per
table. SQLite stores dates and date-times as text: those columns are read as
text and parsed in polars, vectorised, instead of row by row in Python.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from queries.model.records import KINDS, FieldType, RecordKind
from queries.model.schema import RECORD_TABLES

_POLARS_TYPES: dict[FieldType, pl.DataType] = {
    FieldType.TEXT: pl.String(),
    FieldType.ENUM: pl.String(),
    FieldType.DATE: pl.Date(),
    FieldType.DATETIME: pl.Datetime("us"),
    FieldType.BOOL: pl.Boolean(),
}


def schema_of(kind: RecordKind) -> pl.Schema:
    """The polars schema of a record kind's frame."""
    return pl.Schema({f.name: _POLARS_TYPES[f.type] for f in kind.fields})


SCHEMAS: dict[str, pl.Schema] = {name: schema_of(k) for name, k in KINDS.items()}


@dataclass(frozen=True)
class Frames:
    """The four record tables as typed polars frames."""

    units: pl.DataFrame
    disclosures: pl.DataFrame
    feedback: pl.DataFrame
    supervision: pl.DataFrame
    # results computed from these frames (queries.engine.indicators), reused while they live
    memo: dict[Any, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __getitem__(self, name: str) -> pl.DataFrame:
        return getattr(self, name)  # type: ignore[no-any-return]

    @property
    def row_counts(self) -> dict[str, int]:
        return {n: self[n].height for n in SCHEMAS}


def _conform(name: str, df: pl.DataFrame | None) -> pl.DataFrame:
    """``df`` with exactly the columns of ``name``'s schema, in order, cast."""
    schema = SCHEMAS[name]
    if df is None:
        return pl.DataFrame(schema=schema)
    exprs = []
    for col, dtype in schema.items():
        if col not in df.columns:
            exprs.append(pl.lit(None, dtype=dtype).alias(col))
            continue
        src = df.schema[col]
        if src == dtype:
            exprs.append(pl.col(col))
        elif src == pl.String and dtype in (pl.Date, pl.Datetime("us")):
            exprs.append(_parse_temporal(df[col], dtype).alias(col))
        elif src == pl.String and dtype == pl.Boolean:
            exprs.append(_parse_bool(pl.col(col)).alias(col))
        else:
            exprs.append(pl.col(col).cast(dtype).alias(col))
    return df.select(exprs)


def _parse_temporal(s: pl.Series, dtype: pl.DataType) -> pl.Expr:
    """Text dates or date-times parsed: the exact form SQLAlchemy writes first, the
    lenient parser only when some value is in another form (polars evaluates every
    branch of a ``when`` over the whole column, so it is not one expression)."""
    if dtype == pl.Date:
        fast = s.str.to_date("%Y-%m-%d", strict=False, cache=False)
    else:
        fast = s.str.to_datetime("%Y-%m-%d %H:%M:%S.%6f", time_unit="us", strict=False, cache=False)
    if fast.null_count() == s.null_count():
        return pl.lit(fast)
    slow = _parse_date(pl.col(s.name)) if dtype == pl.Date else _parse_datetime(pl.col(s.name))
    return pl.coalesce(pl.lit(fast), slow)


def make_frames(
    units: pl.DataFrame | Mapping[str, Any] | list[dict[str, Any]] | None = None,
    disclosures: pl.DataFrame | Mapping[str, Any] | list[dict[str, Any]] | None = None,
    feedback: pl.DataFrame | Mapping[str, Any] | list[dict[str, Any]] | None = None,
    supervision: pl.DataFrame | Mapping[str, Any] | list[dict[str, Any]] | None = None,
) -> Frames:
    """Frames built in memory (tests, benchmarks, the seed), conformed to the schemas.

    Each argument may be a frame, a dict of columns or a list of row dicts;
    missing columns are null, text dates are parsed.
    """
    parts: dict[str, pl.DataFrame] = {}
    for name, data in (
        ("units", units),
        ("disclosures", disclosures),
        ("feedback", feedback),
        ("supervision", supervision),
    ):
        if data is None:
            parts[name] = _conform(name, None)
            continue
        if isinstance(data, pl.DataFrame):
            df = data
        elif isinstance(data, list):
            df = (
                pl.DataFrame(data, infer_schema_length=None)
                if data
                else pl.DataFrame(schema=SCHEMAS[name])
            )
        else:
            df = pl.DataFrame(dict(data))
        parts[name] = _conform(name, df)
    return Frames(**parts)


def _parse_date(e: pl.Expr) -> pl.Expr:
    s = e.str.strip_chars()
    fast = s.str.to_date("%Y-%m-%d", strict=False, cache=False)
    slow = s.str.slice(0, 10).str.replace_all("/", "-").str.to_date("%Y-%m-%d", strict=False)
    return pl.when(fast.is_not_null() | s.is_null()).then(fast).otherwise(slow)


def _parse_datetime(e: pl.Expr) -> pl.Expr:
    # SQLAlchemy writes "2026-03-02 14:05:00.000000" (or without the fraction);
    # the "T" form, no seconds and a bare date are accepted as well
    s = e.str.strip_chars()
    # the exact SQLAlchemy form first: polars' fast path (no cache: values are unique)
    full = s.str.to_datetime("%Y-%m-%d %H:%M:%S.%6f", time_unit="us", strict=False, cache=False)
    rest = s.str.replace("T", " ", literal=True)
    return (
        pl.when(full.is_not_null() | s.is_null())
        .then(full)
        .otherwise(
            pl.coalesce(
                rest.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us", strict=False),
                rest.str.to_datetime("%Y-%m-%d %H:%M", time_unit="us", strict=False),
                rest.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")),
            )
        )
    )


def _parse_bool(e: pl.Expr) -> pl.Expr:
    s = e.str.strip_chars().str.to_lowercase()
    return (
        pl.when(s.is_in(["1", "true", "t", "yes", "y"]))
        .then(True)
        .when(s.is_in(["0", "false", "f", "no", "n"]))
        .then(False)
        .otherwise(None)
    )


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
            raw_schema.append((f.name, _POLARS_TYPES[f.type]))
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
            chunks.append(_conform(name, raw))
    finally:
        cur.close()
    if not chunks:
        return _conform(name, None)
    return pl.concat(chunks, rechunk=False)


_CHUNK = 200_000


def _load_sqlalchemy(engine: sa.Engine) -> Frames:
    """Through SQLAlchemy's own connection, a DBAPI row per record (any dialect)."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        parts = {name: _read_table(conn, name, sqlite) for name in SCHEMAS}
    return Frames(**parts)


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
        parts[name] = _conform(name, df)
    return Frames(**parts)


def change_marker(engine: sa.Engine) -> str | None:
    """A string that changes whenever the database's data may have changed, or None.

    SQLite file: size and modification time of the file and of its WAL (every commit
    appends to the WAL; a checkpoint rewrites the file). PostgreSQL: the current WAL
    position (any write anywhere moves it: conservative, never stale).
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
        return f"sqlite:{path}|" + "|".join(parts)
    if url.get_backend_name() == "postgresql":
        try:
            with engine.connect() as conn:
                lsn = conn.execute(sa.text("SELECT pg_current_wal_lsn()::text")).scalar()
        except sa.exc.DBAPIError:  # e.g. a standby in recovery
            return None
        return f"postgresql:{url.render_as_string(hide_password=True)}|{lsn}"
    return None


CACHE_VERSION = "1"


def default_cache_dir() -> Path | None:
    """Where the command line and the dashboard keep frame caches: ``<data>/cache``,
    None when ``OPENNESS_FRAME_CACHE=0``."""
    if os.environ.get("OPENNESS_FRAME_CACHE", "1") == "0":
        return None
    from queries.model.db import data_dir

    return data_dir() / "cache"


def _cache_path(cache_dir: Path, engine: sa.Engine) -> Path:
    name = engine.url.render_as_string(hide_password=True)
    return cache_dir / hashlib.sha256(f"{CACHE_VERSION}|{name}".encode()).hexdigest()[:16]


def _read_cache(path: Path, marker: str) -> Frames | None:
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("marker") != marker or meta.get("version") != CACHE_VERSION:
            return None
        parts = {n: pl.read_parquet(path / f"{n}.parquet") for n in SCHEMAS}
    except (OSError, ValueError, pl.exceptions.PolarsError):
        return None
    if any(parts[n].schema != SCHEMAS[n] for n in SCHEMAS):
        return None
    return Frames(**parts)


def _write_cache(path: Path, marker: str, frames: Frames, keep: int = 4) -> None:
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for n in SCHEMAS:
            frames[n].write_parquet(tmp / f"{n}.parquet", compression="lz4")
        meta = {"marker": marker, "version": CACHE_VERSION}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        shutil.rmtree(path, ignore_errors=True)
        tmp.rename(path)
        # keep the most recently used few
        others = sorted(
            (p for p in path.parent.iterdir() if p.is_dir() and ".tmp" not in p.name),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in others[keep:]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


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
    """
    marker = change_marker(engine) if cache_dir is not None else None
    path = _cache_path(Path(cache_dir), engine) if cache_dir is not None else None
    if path is not None and marker is not None:
        cached = _read_cache(path, marker)
        if cached is not None:
            os.utime(path)
            return cached
    frames = None
    sqlite = engine.dialect.name == "sqlite"
    if reader == "sqlite-text" or (reader == "auto" and sqlite):
        if not sqlite:
            raise RuntimeError(f"not a SQLite database: {engine.url!r}")
        # imported here: the reader builds its Frames with this module's helpers
        from queries.store.sqlite_text import _load_sqlite_text

        frames = _load_sqlite_text(engine)
    elif reader in ("auto", "connectorx"):
        frames = _load_connectorx(engine)
        if frames is None and reader == "connectorx":
            raise RuntimeError(f"connectorx cannot read {engine.url!r}")
    if frames is None:
        frames = _load_sqlalchemy(engine)
    if path is not None and marker is not None and change_marker(engine) == marker:
        _write_cache(path, marker, frames)
    return frames


def refresh_cache(engine: sa.Engine, cache_dir: Path | str | None = None) -> bool:
    """After a write (an import, the seed): re-read the frames into the cache, so the
    next :func:`load_frames` is a cache hit. Only where a cache for this database is
    already kept (``cache_dir``, default :func:`default_cache_dir`); never raises (the
    write has been committed; a stale cache is never used anyway). True if refreshed.
    """
    try:
        base = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        if base is None or not _cache_path(base, engine).is_dir():
            return False
        load_frames(engine, cache_dir=base)
    except Exception:  # the next load_frames reads the database instead
        return False
    return True
