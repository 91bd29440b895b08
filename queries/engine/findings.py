"""Signals as findings: what stands out, in an order a reader can act on.

The funnel and control tables (:mod:`queries.engine.funnel`, :mod:`queries.engine.control`)
have one row per unit, indicator (and month). A finding is one thing worth saying: a
unit's funnel alert or alarm, or a control chart's point, shift or trend. The Overview's
"stands out" list, the Attention page and the briefing all read these frames.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from queries.engine.control import Chart
from queries.engine.signals import BASELINE_MONTHS, SIGNAL_CODES, favourable

FUNNEL_FINDING_COLUMNS: tuple[str, ...] = (
    "unit_id",
    "level",
    "code",
    "signal",
    "side",
    "favourable",
    "value",
    "n",
    "target",
)
CONTROL_FINDING_COLUMNS: tuple[str, ...] = (
    "unit_id",
    "code",
    "kind",
    "side",
    "favourable",
    "first_month",
    "last_month",
    "months",
    "value",
    "centre",
)
_SEVERITY = {"alarm": 0, "shift": 1, "trend": 2, "point": 3, "alert": 4}


def _code_order() -> pl.Expr:
    return pl.col("code").replace_strict(
        {c: i for i, c in enumerate(SIGNAL_CODES)}, return_dtype=pl.Int32
    )


def funnel_findings(funnel: pl.DataFrame) -> pl.DataFrame:
    """The funnel table's alerts and alarms (:data:`FUNNEL_FINDING_COLUMNS`): unfavourable
    first, then alarms before alerts, then the farthest from the target first."""
    higher = [c for c in SIGNAL_CODES if favourable(c, "above")]
    out = funnel.filter(pl.col("signal").is_in(["alert", "alarm"])).with_columns(
        (pl.col("code").is_in(higher) == (pl.col("side") == "above")).alias("favourable")
    )
    return out.sort(
        "favourable",
        pl.col("signal").replace_strict(_SEVERITY, return_dtype=pl.Int32),
        (pl.col("value") - pl.col("target")).abs(),
        "unit_id",
        _code_order(),
        descending=[False, False, True, False, False],
    ).select(FUNNEL_FINDING_COLUMNS)


def control_findings(
    charts: dict[tuple[str, str], Chart],
    months: Sequence[str],
    values: dict[tuple[str, str], Sequence[float | None]] | None = None,
) -> pl.DataFrame:
    """Every point, shift and trend of ``charts`` (keyed by unit_id, code) as findings
    (:data:`CONTROL_FINDING_COLUMNS`); ``months`` are the 24 months (oldest first).
    ``values``: the 24 monthly values per key, to give each finding its last value.
    Unfavourable first, then shifts, trends, points; newest first within each."""
    last = list(months[BASELINE_MONTHS:])
    rows: list[dict[str, object]] = []
    for (unit_id, code), ch in charts.items():
        vs = list((values or {}).get((unit_id, code), [None] * len(months)))[BASELINE_MONTHS:]
        for r in ch.runs:
            rows.append(
                {
                    "unit_id": unit_id,
                    "code": code,
                    "kind": r.kind,
                    "side": r.side,
                    "favourable": favourable(code, r.side),
                    "first_month": last[r.start],
                    "last_month": last[r.end],
                    "months": r.length,
                    "value": vs[r.end],
                    "centre": ch.centre,
                }
            )
        for i, side in ch.points:
            rows.append(
                {
                    "unit_id": unit_id,
                    "code": code,
                    "kind": "point",
                    "side": side,
                    "favourable": favourable(code, side),
                    "first_month": last[i],
                    "last_month": last[i],
                    "months": 1,
                    "value": vs[i],
                    "centre": ch.centre,
                }
            )
    schema = {
        "unit_id": pl.String,
        "code": pl.String,
        "kind": pl.String,
        "side": pl.String,
        "favourable": pl.Boolean,
        "first_month": pl.String,
        "last_month": pl.String,
        "months": pl.Int64,
        "value": pl.Float64,
        "centre": pl.Float64,
    }
    out = pl.DataFrame(rows, schema=schema)
    return out.sort(
        "favourable",
        pl.col("kind").replace_strict(_SEVERITY, return_dtype=pl.Int32),
        "last_month",
        "unit_id",
        _code_order(),
        descending=[False, False, True, False, False],
    )


def attention(funnel: pl.DataFrame, control: pl.DataFrame, unit_ids: Iterable[str]) -> pl.DataFrame:
    """``funnel``: :func:`funnel_findings`; ``control``: :func:`control_findings`.

    The Attention list: every unfavourable funnel alarm and control-chart point, shift
    and trend of the units ``unit_ids``, as (unit_id, code, kind, side, value, reference,
    n, first_month, last_month, months): ``reference`` is the funnel target or the chart's
    centre; ``kind`` is alarm / point / shift / trend. Alarms first, then shifts, trends,
    points, each by unit."""
    keep = list(unit_ids)
    f = funnel.filter(
        pl.col("unit_id").is_in(keep) & (pl.col("signal") == "alarm") & ~pl.col("favourable")
    ).select(
        "unit_id",
        "code",
        pl.lit("alarm").alias("kind"),
        "side",
        "value",
        pl.col("target").alias("reference"),
        pl.col("n").cast(pl.Int64),
        pl.lit(None, pl.String).alias("first_month"),
        pl.lit(None, pl.String).alias("last_month"),
        pl.lit(None, pl.Int64).alias("months"),
    )
    c = control.filter(pl.col("unit_id").is_in(keep) & ~pl.col("favourable")).select(
        "unit_id",
        "code",
        "kind",
        "side",
        "value",
        pl.col("centre").alias("reference"),
        pl.lit(None, pl.Int64).alias("n"),
        "first_month",
        "last_month",
        "months",
    )
    return pl.concat([f, c]).sort(
        pl.col("kind").replace_strict(_SEVERITY, return_dtype=pl.Int32),
        "unit_id",
        _code_order(),
        pl.col("last_month"),
        descending=[False, False, False, True],
        nulls_last=True,
    )


__all__ = [
    "CONTROL_FINDING_COLUMNS",
    "FUNNEL_FINDING_COLUMNS",
    "attention",
    "control_findings",
    "funnel_findings",
]
