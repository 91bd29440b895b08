"""What each kind of indicator counts, as Ibis aggregates over classified records and
the closure: whole numbers per status (rates, balances), distinct values and medians
from each subtree's own records. Chosen by the indicator's declared Kind."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import polars as pl

from queries.engine.kinds import balance_groups
from queries.engine.relational.sql import middle_low
from queries.engine.statuses import STATUS_RULES
from queries.model.catalogue import INDICATORS
from queries.model.indicator import Indicator, Kind
from queries.model.settings import Settings


def _weights(code: str, settings: Settings) -> tuple[dict[str, float], list[str]]:
    w = settings.basically_satisfied_weight
    rules = STATUS_RULES[code]
    nums = {s: float(w if n == "w" else n) for s, (n, _d) in rules.items()}
    return {s: v for s, v in nums.items() if v}, [s for s, (_n, d) in rules.items() if d]


def count_if(cond: ir.Value) -> ir.Value:
    """How many rows of the group meet ``cond`` (Int64; a boolean is not summed, as
    PostgreSQL cannot cast it to a number)."""
    return cond.ifelse(ibis.literal(1, "int64"), ibis.literal(0, "int64")).sum()


def _weighted(code: str) -> str:
    return f"{code}__with_"


def sums(ind: Indicator, t: ir.Table, settings: Settings) -> dict[str, ir.Value]:
    """Per group of records, whole numbers only: X__den, X__with_<status> for each status
    that adds to the numerator (its weight is applied to the aggregate, the same float
    operations whatever the engine: :func:`numerators`) and (balance) X__<group>."""
    col = t[ind.code]
    nums, dens = _weights(ind.code, settings)
    out: dict[str, ir.Value] = {f"{ind.code}__den": count_if(col.isin(dens))}
    for status in nums:
        out[f"{_weighted(ind.code)}{status}"] = count_if(col == status)
    if ind.kind == Kind.BALANCE:
        for g in balance_groups(ind):
            out[f"{ind.code}__{g}"] = count_if(col == g)
    return out


def numerators(counts: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    """X__num = the sum over X's statuses of weight x records, from the aggregates."""
    exprs = []
    drop = []
    for ind in INDICATORS:
        if ind.kind == Kind.MEDIAN:
            continue
        nums, _dens = _weights(ind.code, settings)
        num = pl.lit(0.0, pl.Float64)
        for status, w in nums.items():
            column = f"{_weighted(ind.code)}{status}"
            num = num + w * pl.col(column).fill_null(0).cast(pl.Float64)
            drop.append(column)
        exprs.append(num.alias(f"{ind.code}__num"))
    return counts.with_columns(exprs).drop(drop)


def distinct_counts(ind: Indicator, t: ir.Table, closure: ir.Table) -> ir.Table:
    """(unit_id, bucket, X__distinct): distinct non-null values of the indicator's column
    among each subtree's records."""
    column = str(ind.distinct_column)
    j = t.select("unit_id", "bucket", column).join(closure, "unit_id")
    return (
        j.group_by([j.ancestor, j.bucket])
        .aggregate(**{f"{ind.code}__distinct": j[column].nunique()})
        .rename(unit_id="ancestor")
    )


def medians(ind: Indicator, t: ir.Table, closure: ir.Table) -> ir.Table:
    """(unit_id, bucket, X__median, X__n): the exact median of the indicator's column over
    each subtree's records with its status.

    ``(a + b) / 2`` of the two middle values a <= b (the same value twice for an odd
    count), each picked by the engine's discrete percentile (:func:`middle_low`, an
    actual value, no interpolation), so that every engine does the same two operations
    (engines' own medians interpolate as a + (b - a) / 2 or use approximations, which
    differ in the last bit). One aggregate per subtree, no window: each engine keeps
    the group's values and selects, instead of sorting every ancestor's records.
    """
    column, code = str(ind.median_column), ind.code
    counted = t.filter(t[code] == str(ind.median_status), t[column].notnull())
    j = counted.select("unit_id", "bucket", column).join(closure, "unit_id")
    x = j[column].cast("float64")
    return (
        j.group_by([j.ancestor, j.bucket])
        .aggregate(
            **{
                f"{code}__median": (middle_low(x) + -middle_low(-x)) / 2.0,
                f"{code}__n": j.count().cast("int64"),
            }
        )
        .rename(unit_id="ancestor")
    )


def roll_up(per_unit: ir.Table, closure: ir.Table, cols: Sequence[str]) -> ir.Table:
    j = per_unit.join(closure, "unit_id")
    return (
        j.group_by([j.ancestor, j.bucket])
        .aggregate(**{c: j[c].sum() for c in cols})
        .rename(unit_id="ancestor")
    )
