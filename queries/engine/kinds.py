"""How each kind of indicator is counted over subtrees and turned into a value.

Chosen by the indicator's declared :class:`~queries.model.indicator.Kind`, never
by its code:

- every kind: ``X__num`` / ``X__den`` summed per unit from the status shares
  (:data:`~queries.engine.statuses.STATUS_RULES`); for a rate the value is
  num / den with a Wilson interval, for a balance or a distinct share ``X_n`` is
  den (the records it counts);
- balance: ``X__<group>``, the records of each status group of its terms;
- distinct share: ``X__distinct``, the distinct values of its column in a subtree;
- median: ``X__median`` and ``X__n`` over the records with its status.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from queries.engine.classify import num_den_sums, st
from queries.engine.scoring import wilson
from queries.model.indicator import Indicator, Kind
from queries.model.settings import Settings


def balance_groups(ind: Indicator) -> tuple[str, ...]:
    """The status groups a balance indicator counts, in the order of its terms."""
    return tuple(dict.fromkeys(g for term in ind.balance_terms for g in term))


def sum_aggregations(ind: Indicator, settings: Settings) -> list[pl.Expr]:
    """Per (uid, bucket) group of ``ind``'s records: what is summed over subtrees."""
    if ind.kind == Kind.MEDIAN:
        return []
    aggs = list(num_den_sums(ind.code, settings))
    if ind.kind == Kind.BALANCE:
        col = pl.col(ind.code)
        aggs += [
            (col == st(ind.code, g)).sum().alias(f"{ind.code}__{g}") for g in balance_groups(ind)
        ]
    return aggs


def count_columns(ind: Indicator) -> list[str]:
    """The whole-number count columns of ``ind`` in the subtree counts (null means 0)."""
    c = ind.code
    if ind.kind == Kind.MEDIAN:
        return [f"{c}__n"]
    cols = [f"{c}__den"]
    if ind.kind == Kind.BALANCE:
        cols += [f"{c}__{g}" for g in balance_groups(ind)]
    if ind.kind == Kind.DISTINCT_SHARE:
        cols.append(f"{c}__distinct")
    return cols


def subtree_distinct(ind: Indicator, frame: pl.DataFrame, closure: pl.DataFrame) -> pl.DataFrame:
    """(uid, bucket, X__distinct): distinct non-null values of the indicator's column
    among its records of each subtree."""
    column = str(ind.distinct_column)
    return (
        frame.select("uid", "bucket", column)
        .unique()
        .join(closure, on="uid", how="inner")
        .group_by("aid", "bucket")
        .agg(pl.col(column).drop_nulls().n_unique().alias(f"{ind.code}__distinct"))
        .rename({"aid": "uid"})
    )


def subtree_medians(
    ind: Indicator, frame: pl.DataFrame, closure: pl.DataFrame, ancestors: np.ndarray | None
) -> pl.DataFrame:
    """(uid, bucket, X__median, X__n): the exact median of the indicator's column over
    each subtree's records with its status.

    One aggregation per depth of the hierarchy (each record once per level, keyed by
    its ancestor at that level) rather than a join that copies every record per
    ancestor; ``ancestors`` None (a cycle) falls back to the closure join.
    """
    column, code = str(ind.median_column), ind.code
    counted = frame.filter(pl.col(code) == st(code, str(ind.median_status))).select(
        "uid", "bucket", column
    )
    aggs = (
        pl.col(column).median().alias(f"{code}__median"),
        pl.len().alias(f"{code}__n"),
    )
    if ancestors is None:
        return (
            counted.join(closure, on="uid", how="inner")
            .group_by("aid", "bucket")
            .agg(*aggs)
            .rename({"aid": "uid"})
        )
    uid = counted["uid"].cast(pl.Int64).to_numpy()
    parts = []
    for level in ancestors:
        aid = pl.Series("aid", level[uid]).cast(pl.Int64)
        parts.append(
            counted.select("bucket", column)
            .with_columns(aid)
            .filter(pl.col("aid") >= 0)
            .group_by("aid", "bucket")
            .agg(*aggs)
        )
    schema = {
        "aid": pl.Int64,
        "bucket": pl.Int32,
        f"{code}__median": pl.Float64,
        f"{code}__n": pl.UInt32,
    }
    out = pl.concat(parts) if parts else pl.DataFrame(schema=schema)
    return out.with_columns(pl.col("aid").cast(pl.UInt32)).rename({"aid": "uid"})


def _term(x: pl.Expr, y: pl.Expr) -> pl.Expr:
    """term(x, y) = min(1, x/y) if y > 0; 1 if y = 0 and x > 0; null (undefined) if both 0."""
    return (
        pl.when(y > 0)
        .then(pl.min_horizontal(pl.lit(1.0), x.cast(pl.Float64) / y.cast(pl.Float64)))
        .when(x > 0)
        .then(pl.lit(1.0))
        .otherwise(pl.lit(None, pl.Float64))
    )


def value_columns(ind: Indicator) -> list[pl.Expr]:
    """From the subtree counts to the indicator's table columns: X, X_n (X_lo, X_hi)."""
    c = ind.code
    if ind.kind == Kind.RATE:
        num, n = pl.col(f"{c}__num"), pl.col(f"{c}__den")
        lo, hi = wilson(num, n)
        return [
            pl.when(n > 0).then(num / n.cast(pl.Float64)).alias(c),
            n.alias(f"{c}_n"),
            lo.alias(f"{c}_lo"),
            hi.alias(f"{c}_hi"),
        ]
    if ind.kind == Kind.BALANCE:
        terms = [_term(pl.col(f"{c}__{x}"), pl.col(f"{c}__{y}")) for x, y in ind.balance_terms]
        defined = pl.sum_horizontal(t.is_not_null().cast(pl.Int64) for t in terms)
        total = pl.sum_horizontal(t.fill_null(0.0) for t in terms)
        n = pl.col(f"{c}__den")
        return [
            pl.when(defined > 0).then(total / defined.cast(pl.Float64)).alias(c),
            n.alias(f"{c}_n"),
        ]
    if ind.kind == Kind.DISTINCT_SHARE:
        n = pl.col(f"{c}__den")
        share = pl.col(f"{c}__distinct").cast(pl.Float64) / float(ind.distinct_total or 1)
        return [pl.when(n > 0).then(share).alias(c), n.alias(f"{c}_n")]
    n = pl.col(f"{c}__n")  # Kind.MEDIAN
    return [pl.when(n > 0).then(pl.col(f"{c}__median")).alias(c), n.alias(f"{c}_n")]
