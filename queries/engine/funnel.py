"""Funnel signals (methodology.md "Funnel: a unit against its peers"; cli.md "The signals
tables", ``--method funnel``).

For a period, a rate indicator X and a level L, the peers are the units of level L whose
X has a value and n >= ``min_sample``. With at least 3 peers the target is
p0 = sum(num) / sum(n) over them and each peer's limits are p0 +/- z sqrt(p0 (1 - p0) / n)
(z = 1.959964 for 95%, 3.090232 for 99.8%), clipped to [0, 1]. Outside the 99.8% limits:
``alarm``; outside the 95% only: ``alert``; else ``within``; side ``above`` / ``below`` p0.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from queries.engine.indicators import compute_table, subtree_of
from queries.engine.signals import EPS, SIGNAL_CODES, Z95, Z998
from queries.model.periods import Period
from queries.model.settings import DEFAULT_SETTINGS, Settings
from queries.store.schemas import Frames

FUNNEL_COLUMNS: tuple[str, ...] = (
    "unit_id",
    "level",
    "code",
    "value",
    "n",
    "target",
    "lo95",
    "hi95",
    "lo998",
    "hi998",
    "signal",
    "side",
)
SIGNALS: tuple[str, ...] = ("within", "alert", "alarm")
MIN_PEERS = 3


def _clip(e: pl.Expr) -> pl.Expr:
    return e.clip(0.0, 1.0)


def funnel_frame(rows: pl.DataFrame, min_sample: int) -> pl.DataFrame:
    """The funnel columns for ``rows`` (unit_id, level, code, value, n), any order.

    Returns cli.md's columns (:data:`FUNNEL_COLUMNS`), one row per input row, in the
    input's order. ``value`` is a fraction 0..1 (null when n = 0), ``n`` an integer.
    """
    peer = (pl.col("value").is_not_null() & (pl.col("n") > 0) & (pl.col("n") >= min_sample)).alias(
        "peer"
    )
    df = rows.select(
        pl.col("unit_id").cast(pl.String),
        pl.col("level").cast(pl.String),
        pl.col("code").cast(pl.String),
        pl.col("value").cast(pl.Float64),
        pl.col("n").cast(pl.Int64),
    ).with_columns(peer)
    group = ["level", "code"]
    num = pl.when("peer").then(pl.col("value") * pl.col("n")).otherwise(0.0)
    den = pl.when("peer").then(pl.col("n")).otherwise(0)
    df = df.with_columns(
        pl.col("peer").sum().over(group).alias("_peers"),
        (num.sum().over(group) / den.sum().over(group).cast(pl.Float64)).alias("_p0"),
    )
    p0 = pl.col("_p0")
    target = pl.when(pl.col("_peers") >= MIN_PEERS).then(p0)
    shown = pl.col("peer") & (pl.col("_peers") >= MIN_PEERS)
    # p0 (1 - p0) can be a hair below 0 at p0 = 1 in floating point
    sd = (p0 * (1.0 - p0)).clip(0.0, None).truediv(pl.col("n").cast(pl.Float64)).sqrt()
    df = df.with_columns(
        target.alias("target"),
        pl.when(shown).then(_clip(p0 - Z95 * sd)).alias("lo95"),
        pl.when(shown).then(_clip(p0 + Z95 * sd)).alias("hi95"),
        pl.when(shown).then(_clip(p0 - Z998 * sd)).alias("lo998"),
        pl.when(shown).then(_clip(p0 + Z998 * sd)).alias("hi998"),
    )
    v = pl.col("value")
    computed = shown & (p0 > EPS) & (p0 < 1.0 - EPS)
    outside998 = (v < pl.col("lo998") - EPS) | (v > pl.col("hi998") + EPS)
    outside95 = (v < pl.col("lo95") - EPS) | (v > pl.col("hi95") + EPS)
    signal = (
        pl.when(~computed)
        .then(pl.lit(None, pl.String))
        .when(outside998)
        .then(pl.lit("alarm"))
        .when(outside95)
        .then(pl.lit("alert"))
        .otherwise(pl.lit("within"))
    )
    side = (
        pl.when(~computed)
        .then(pl.lit(None, pl.String))
        .when(v > p0 + EPS)
        .then(pl.lit("above"))
        .when(v < p0 - EPS)
        .then(pl.lit("below"))
    )
    return df.with_columns(signal.alias("signal"), side.alias("side")).select(FUNNEL_COLUMNS)


def _code_order() -> pl.Expr:
    order = {c: i for i, c in enumerate(SIGNAL_CODES)}
    return pl.col("code").replace_strict(order, return_dtype=pl.Int32)


def funnel_signals(
    frames: Frames,
    period: Period | str,
    as_of: datetime | date | str,
    settings: Settings | None = None,
    unit_id: str | None = None,
) -> pl.DataFrame:
    """cli.md's funnel table: one row per unit and signal indicator (every unit, or
    ``unit_id`` and its subtree; peers and targets always over all units of the level),
    ordered by unit_id, then the indicators in methodology.md's order.

    Raises :class:`queries.engine.indicators.UnknownUnitError` for an unknown ``unit_id``.
    """
    s = settings or DEFAULT_SETTINGS
    if unit_id is not None:
        keep = subtree_of(frames.units, unit_id)
    res = compute_table(frames, period, as_of, s)
    levels = res.table.select("unit_id", "level")
    rows = res.long.filter(pl.col("code").is_in(SIGNAL_CODES)).join(
        levels, on="unit_id", how="left"
    )
    out = funnel_frame(rows, s.min_sample).sort("unit_id", _code_order())
    if unit_id is not None:
        out = out.filter(pl.col("unit_id").is_in(keep))
    return out


__all__ = ["FUNNEL_COLUMNS", "MIN_PEERS", "SIGNALS", "funnel_frame", "funnel_signals"]
