"""How each kind of indicator turns its subtree counts into a value.

The counts are made by the engine (:mod:`queries.engine.relational`); what each kind
counts and how its value follows are chosen by the indicator's declared
:class:`~queries.model.indicator.Kind`, never by its code:

- every kind: ``X__num`` / ``X__den`` summed per unit from the status shares
  (:data:`~queries.engine.statuses.STATUS_RULES`); for a rate the value is
  num / den with a Wilson interval, for a balance or a distinct share ``X_n`` is
  den (the records it counts);
- balance: ``X__<group>``, the records of each status group of its terms;
- distinct share: ``X__distinct``, the distinct values of its column in a subtree;
- median: ``X__median`` and ``X__n`` over the records with its status.
"""

from __future__ import annotations

import polars as pl

from queries.engine.scoring import wilson
from queries.model.indicator import Indicator, Kind


def balance_groups(ind: Indicator) -> tuple[str, ...]:
    """The status groups a balance indicator counts, in the order of its terms."""
    return tuple(dict.fromkeys(g for term in ind.balance_terms for g in term))


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
