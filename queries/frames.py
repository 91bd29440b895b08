"""Loading the four record tables from the database into typed polars frames.

Columns are those of :mod:`queries.records`, typed ``pl.Date``,
``pl.Datetime("us")`` (naive local time), ``pl.Boolean`` or ``pl.String``
(enums as codes). SQL is SQLAlchemy Core; the rows are read in one pass per
table. SQLite stores dates and date-times as text: those columns are read as
text and parsed in polars, vectorised, instead of row by row in Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa

from queries.records import KINDS, FieldType, RecordKind
from queries.schema import RECORD_TABLES

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
        elif src == pl.String and dtype == pl.Date:
            exprs.append(_parse_date(pl.col(col)).alias(col))
        elif src == pl.String and dtype == pl.Datetime("us"):
            exprs.append(_parse_datetime(pl.col(col)).alias(col))
        elif src == pl.String and dtype == pl.Boolean:
            exprs.append(_parse_bool(pl.col(col)).alias(col))
        else:
            exprs.append(pl.col(col).cast(dtype).alias(col))
    return df.select(exprs)


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
    s = e.str.strip_chars().str.slice(0, 10).str.replace_all("/", "-")
    return s.str.to_date("%Y-%m-%d", strict=False)


def _parse_datetime(e: pl.Expr) -> pl.Expr:
    # SQLAlchemy writes "2026-03-02 14:05:00.000000" (or without the fraction);
    # the "T" form and a bare date are accepted as well
    s = e.str.strip_chars().str.replace("T", " ", literal=True)
    full = s.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us", strict=False)
    no_sec = s.str.to_datetime("%Y-%m-%d %H:%M", time_unit="us", strict=False)
    day = s.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us"))
    return pl.coalesce(full, no_sec, day)


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
    table = RECORD_TABLES[name]
    kind = KINDS[name]
    cols: list[sa.ColumnElement[Any]] = []
    for f in kind.fields:
        c = table.c[f.name]
        if sqlite and f.type in (FieldType.DATE, FieldType.DATETIME):
            # raw text: no per-row conversion in Python
            cols.append(sa.type_coerce(c, sa.String()).label(f.name))
        elif sqlite and f.type == FieldType.BOOL:
            cols.append(sa.type_coerce(c, sa.Integer()).label(f.name))
        else:
            cols.append(c)
    stmt = sa.select(*cols).order_by(table.c[kind.key])
    result = conn.execute(stmt)
    rows = result.fetchall()
    names = list(result.keys())
    if not rows:
        return _conform(name, None)
    raw_schema: dict[str, pl.DataType] = {}
    for f in kind.fields:
        if sqlite and f.type in (FieldType.DATE, FieldType.DATETIME):
            raw_schema[f.name] = pl.String()
        elif sqlite and f.type == FieldType.BOOL:
            raw_schema[f.name] = pl.Int64()
        else:
            raw_schema[f.name] = _POLARS_TYPES[f.type]
    df = pl.DataFrame(rows, schema=[(n, raw_schema[n]) for n in names], orient="row")
    if sqlite:
        df = df.with_columns(
            pl.col(n).cast(pl.Boolean) for n, t in raw_schema.items() if t == pl.Int64()
        )
    return _conform(name, df)


def load_frames(engine: sa.Engine) -> Frames:
    """The four record tables of the database behind ``engine``, typed."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        parts = {name: _read_table(conn, name, sqlite) for name in SCHEMAS}
    return Frames(**parts)
