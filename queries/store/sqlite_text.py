"""The fast SQLite reader of :func:`queries.store.frames.load_frames`.

SQLite itself formats each chunk of rows as one text value (fields and rows
separated by ASCII unit and record separators, NULL as a marker, free text
escaped) and polars parses it with ``read_csv``: no Python object is built per
row. Row and NULL counts are checked against SQL; on any mismatch the caller
falls back to the row-by-row reader.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from queries.model.records import KINDS, Field, FieldType
from queries.model.schema import RECORD_TABLES
from queries.store.changes import change_marker
from queries.store.schemas import SCHEMAS, Frames, conform

# SQLite text dump: one row per record separated by RS, fields by US, NULL as NAK
_RS, _US, _NULL = "\x1e", "\x1f", "\x15"
# in free-text columns these control characters are escaped with DLE (decoded below)
_ESC = "\x10"
_ESCAPES = ((_ESC, "a"), (_NULL, "b"), (_RS, "c"), (_US, "d"))
_SQLITE_CHUNK = 500_000
_SQLITE_THREADS = 2
# at most this much text per chunk (bounds memory with long free text): a chunk
# whose text SQLite refuses as too long is split in two
_SQLITE_MAX_TEXT = 256 * 2**20


def _sqlite_dump_sql(name: str, dialect: sa.Dialect) -> sa.sql.compiler.SQLCompiler:
    """One chunk of table ``name`` (rowids ``:lo`` to ``:hi``) as one text value.

    SQLite formats every row in C (``printf``) and joins them (``group_concat``);
    polars parses the text (``read_csv``): Python never sees a row. Also selected:
    the number of rows and the number of values in each column of :func:`_counted`,
    to check the parse against.
    """
    table = RECORD_TABLES[name]
    args: list[sa.ColumnElement[Any]] = []
    counts: list[sa.ColumnElement[Any]] = []
    for f in KINDS[name].fields:
        c: sa.ColumnElement[Any] = sa.type_coerce(table.c[f.name], sa.String())
        if _counted(f):
            counts.append(sa.func.count(c))
        if f.free_text:
            for char, code in _ESCAPES:
                c = sa.func.replace(c, char, _ESC + code)
        args.append(sa.func.ifnull(c, _NULL))
    row = sa.func.printf(_US.join(["%s"] * len(args)), *args)
    rowid: sa.ColumnClause[int] = sa.literal_column("rowid")
    stmt = sa.select(
        sa.func.count(),
        sa.cast(sa.func.group_concat(row, _RS), sa.LargeBinary()),
        *counts,
    ).where(rowid.between(sa.bindparam("lo"), sa.bindparam("hi")))
    compiled = stmt.select_from(table).compile(dialect=dialect)
    assert isinstance(compiled, sa.sql.compiler.SQLCompiler)
    return compiled


def _counted(f: Field) -> bool:
    """Whether a value of ``f`` that is the NULL marker itself is told apart only by
    counting NULLs in SQL: nullable text that is not escaped. (A required column must
    have no NULL at all; a date that is the marker reads as NULL on every path;
    booleans are integers.)"""
    return f.type in (FieldType.TEXT, FieldType.ENUM) and not f.required and not f.free_text


def _sqlite_parse(name: str, blob: bytes, n_rows: int, counts: list[int]) -> pl.DataFrame | None:
    """The frame of one dumped chunk; None if a value held a separator or was the
    NULL marker (only free text is escaped): the counts would not match then."""
    kind = KINDS[name]
    cols = [f.name for f in kind.fields]
    values = iter(counts)
    nulls = [
        n_rows - next(values) if _counted(f) else (0 if f.required else None) for f in kind.fields
    ]
    # a separator inside a value: a stray RS splits a row (seen here, also where
    # polars would skip an empty line), a stray US adds a field (read_csv raises)
    if blob.count(_RS.encode()) != n_rows - 1:
        return None
    try:
        raw = pl.read_csv(
            blob,
            has_header=False,
            new_columns=cols,
            separator=_US,
            eol_char=_RS,
            quote_char=None,
            schema=dict.fromkeys(cols, pl.String()),
            null_values=_NULL,
            empty_string_is_null=False,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError:
        return None
    if raw.height != n_rows or any(
        k is not None and raw[c].null_count() != k for c, k in zip(cols, nulls, strict=True)
    ):
        return None
    exprs = []
    for f in kind.fields:
        e = pl.col(f.name)
        if f.free_text:
            for char, code in _ESCAPES[1:] + _ESCAPES[:1]:
                e = e.str.replace_all(_ESC + code, char, literal=True)
        elif f.type == FieldType.BOOL:
            e = e.cast(pl.Int64)
        exprs.append(e.alias(f.name))
    try:
        return conform(name, raw.select(exprs))
    except pl.exceptions.PolarsError:  # a boolean that is not 0 or 1
        return None


def _sqlite_path(engine: sa.Engine) -> str | None:
    db = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not db or db == ":memory:":
        return None
    if db.startswith("file:") or engine.url.query:
        return None
    return str(Path(db).resolve())


def load_sqlite_text(engine: sa.Engine) -> Frames | None:
    """The four tables of a SQLite database (see :func:`_read_sqlite_text`), read again
    if the database changed while they were read (the chunks come from separate
    read transactions); None if they cannot be read so."""
    path = _sqlite_path(engine)
    for _ in range(3):
        before = change_marker(engine) if path is not None else None
        frames = _read_sqlite_text(engine, path)
        if frames is None or path is None or change_marker(engine) == before:
            return frames
    return None


def _read_sqlite_text(engine: sa.Engine, path: str | None) -> Frames | None:
    """The four tables dumped as text by SQLite and parsed by polars, in rowid ranges.

    On a file, two ranges at a time in two threads, each with its own connection of
    the same SQLite library as the engine's (SQLite and polars release the GIL).
    None when a chunk does not parse (the row-by-row path reads the database then).
    """
    import sqlite3
    from concurrent.futures import ThreadPoolExecutor

    sqls = {n: _sqlite_dump_sql(n, engine.dialect) for n in SCHEMAS}
    local = threading.local()
    opened: list[Any] = []
    lock = threading.Lock()

    def connection() -> Any:
        con = getattr(local, "con", None)
        if con is None:
            assert path is not None
            con = sqlite3.connect(path, timeout=30, check_same_thread=False)
            con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, _SQLITE_MAX_TEXT)
            local.con = con
            with lock:
                opened.append(con)
        return con

    def chunk(task: tuple[str, int, int]) -> pl.DataFrame | None:
        name, lo, hi = task
        compiled = sqls[name]
        params = compiled.construct_params({"lo": lo, "hi": hi})
        assert params is not None and compiled.positiontup is not None
        args = [params[k] for k in compiled.positiontup]
        try:
            n, blob, *counts = connection().execute(str(compiled), args).fetchone()
        except sqlite3.DataError:  # string or blob too big
            if lo >= hi:
                return None
            mid = (lo + hi) // 2
            halves = [chunk((name, lo, mid)), chunk((name, mid + 1, hi))]
            if halves[0] is None or halves[1] is None:
                return None
            return pl.concat([halves[0], halves[1]], rechunk=False)
        if n == 0:
            return conform(name, None)
        return _sqlite_parse(name, blob, n, counts)

    with engine.connect() as conn:
        dbapi = conn.connection.driver_connection
        assert dbapi is not None
        tasks: list[tuple[str, int, int]] = []
        rowid: sa.ColumnClause[int] = sa.literal_column("rowid")
        for name, table in RECORD_TABLES.items():
            lo, hi = conn.execute(
                sa.select(sa.func.min(rowid), sa.func.max(rowid)).select_from(table)
            ).one()
            if lo is None:
                continue
            tasks += [
                (name, start, min(start + _SQLITE_CHUNK - 1, hi))
                for start in range(lo, hi + 1, _SQLITE_CHUNK)
            ]
        if path is None:
            local.con = dbapi
            limit = dbapi.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, _SQLITE_MAX_TEXT)
            try:
                results = [chunk(t) for t in tasks]
            finally:
                dbapi.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limit)
        else:
            try:
                with ThreadPoolExecutor(max_workers=_SQLITE_THREADS) as pool:
                    results = list(pool.map(chunk, tasks))
            finally:
                for con in opened:
                    con.close()
    if any(r is None for r in results):
        return None
    parts: dict[str, list[pl.DataFrame]] = {n: [] for n in SCHEMAS}
    for (name, *_), df in zip(tasks, results, strict=True):
        assert df is not None
        parts[name].append(df)
    return Frames.of(
        {n: pl.concat(dfs, rechunk=False) if dfs else conform(n, None) for n, dfs in parts.items()}
    )
