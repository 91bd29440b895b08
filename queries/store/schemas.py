"""The typed shape of the record frames: polars schemas, :class:`Frames`, conforming.

Columns are those of :mod:`queries.model.records`, typed ``pl.Date``,
``pl.Datetime("us")`` (naive local time), ``pl.Boolean`` or ``pl.String``
(enums as codes). Text dates and booleans (SQLite, CSV) are parsed here,
vectorised. Shared by the readers (:mod:`queries.store.frames`,
:mod:`queries.store.sqlite_text`) and by in-memory frames (tests, the seed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from queries.model.records import KINDS, FieldType, RecordKind

POLARS_TYPES: dict[FieldType, pl.DataType] = {
    FieldType.TEXT: pl.String(),
    FieldType.ENUM: pl.String(),
    FieldType.DATE: pl.Date(),
    FieldType.DATETIME: pl.Datetime("us"),
    FieldType.BOOL: pl.Boolean(),
}


def schema_of(kind: RecordKind) -> pl.Schema:
    """The polars schema of a record kind's frame."""
    return pl.Schema({f.name: POLARS_TYPES[f.type] for f in kind.fields})


SCHEMAS: dict[str, pl.Schema] = {name: schema_of(k) for name, k in KINDS.items()}


class Frames:
    """The unit tree, the record tables as typed polars frames, and the engine that
    computes the indicators for them.

    Record frames are given, or read on first use by ``loader(name)`` (the records
    behind a figure, the drill-down); the indicator tables never need them when
    ``source`` (a :class:`queries.engine.relational.Sources`) computes where the
    records are. ``source`` None: DuckDB over these frames in memory.
    """

    def __init__(
        self,
        units: pl.DataFrame,
        disclosures: pl.DataFrame | None = None,
        feedback: pl.DataFrame | None = None,
        supervision: pl.DataFrame | None = None,
        *,
        loader: Callable[[str], pl.DataFrame] | None = None,
        source: Any = None,
    ) -> None:
        self.units = units
        self._records: dict[str, pl.DataFrame] = {}
        for name, df in (
            ("disclosures", disclosures),
            ("feedback", feedback),
            ("supervision", supervision),
        ):
            if df is not None:
                self._records[name] = df
            elif loader is None:
                raise ValueError(f"no {name} frame and no loader")
        self._loader = loader
        self._lock = threading.Lock()
        self.source = source
        # results computed from these records (queries.engine.indicators), reused while they live
        self.memo: dict[Any, Any] = {}

    @classmethod
    def of(cls, parts: Mapping[str, pl.DataFrame]) -> Frames:
        """Frames from the four frames by name (units, disclosures, feedback, supervision)."""
        return cls(parts["units"], parts["disclosures"], parts["feedback"], parts["supervision"])

    def _record(self, name: str) -> pl.DataFrame:
        with self._lock:
            df = self._records.get(name)
            if df is None:
                assert self._loader is not None
                df = self._records[name] = self._loader(name)
            return df

    @property
    def disclosures(self) -> pl.DataFrame:
        return self._record("disclosures")

    @property
    def feedback(self) -> pl.DataFrame:
        return self._record("feedback")

    @property
    def supervision(self) -> pl.DataFrame:
        return self._record("supervision")

    @property
    def loaded(self) -> tuple[str, ...]:
        """The record frames read into memory so far."""
        return tuple(sorted(self._records))

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.units if name == "units" else self._record(name)

    @property
    def row_counts(self) -> dict[str, int]:
        return {n: self[n].height for n in SCHEMAS}


def conform(name: str, df: pl.DataFrame | None) -> pl.DataFrame:
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
            parts[name] = conform(name, None)
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
        parts[name] = conform(name, df)
    return Frames.of(parts)


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
