"""Wilson intervals, dimension and overall scores, ranks (methodology "Scores and ranking")."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from queries.model.catalogue import (
    DIMENSION_CODES,
    INDICATORS,
    WILSON_Z,
    Direction,
    Indicator,
)
from queries.model.settings import Settings

# scores within this of each other tie
RANK_TOLERANCE = 1e-9


def wilson(num: pl.Expr, n: pl.Expr, z: float = WILSON_Z) -> tuple[pl.Expr, pl.Expr]:
    """95% Wilson score interval (lo, hi) of the rate num / n; null when n = 0."""
    nf = n.cast(pl.Float64)
    p = num / nf
    z2 = z * z
    denom = 1.0 + z2 / nf
    center = (p + z2 / (2.0 * nf)) / denom
    half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom
    ok = n > 0
    # clip: only floating-point noise at p = 0 or 1 can leave [0, 1]
    lo = pl.when(ok).then((center - half).clip(0.0, 1.0))
    hi = pl.when(ok).then((center + half).clip(0.0, 1.0))
    return lo, hi


def wilson_interval(num: float, n: int, z: float = WILSON_Z) -> tuple[float, float] | None:
    """Scalar Wilson interval (for tests and text); None when n = 0."""
    if n <= 0:
        return None
    p = num / n
    denom = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z * float(np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / denom
    return max(0.0, center - half), min(1.0, center + half)


def usable(code: str, settings: Settings) -> pl.Expr:
    """Whether an indicator's value may enter the scores (has a value, enough data)."""
    ind = next(i for i in INDICATORS if i.code == code)
    has_value = pl.col(code).is_not_null()
    if ind.min_sample_exempt:
        return has_value
    return has_value & (pl.col(f"{code}_n") >= settings.min_sample)


def insufficient(code: str, settings: Settings) -> pl.Expr:
    """n < min_sample (O_COVERAGE exempt); n = 0 counts too: there is no value."""
    ind = next(i for i in INDICATORS if i.code == code)
    if ind.min_sample_exempt:
        return pl.lit(False)
    return pl.col(f"{code}_n") < settings.min_sample


def score_value(ind: Indicator) -> pl.Expr:
    """What the indicator adds to its dimension's score, 0..1 with 1 best: the value
    (a share) if higher is better, 1 - value if lower is better (its declared direction)."""
    value = pl.col(ind.code)
    return value if ind.direction == Direction.HIGHER else 1.0 - value


def with_scores(
    wide: pl.DataFrame, settings: Settings, indicators: Sequence[Indicator] = INDICATORS
) -> pl.DataFrame:
    """Add the dimension scores and ``overall`` (0..100) to a wide indicator frame.

    A dimension's score is 100 x the weighted mean of :func:`score_value` over its
    scored, usable ``indicators`` (the catalogue's) with a weight > 0; the catalogue's rule
    ``scored_are_shares`` guarantees every scored value is a share."""
    exprs = []
    for dim in DIMENSION_CODES:
        num: pl.Expr = pl.lit(0.0)
        den: pl.Expr = pl.lit(0.0)
        for ind in (i for i in indicators if i.dimension == dim):
            w = settings.weights.get(dim, {}).get(ind.code, 0.0)
            if not ind.scored or w <= 0:
                continue
            ok = usable(ind.code, settings)
            num = num + pl.when(ok).then(w * score_value(ind)).otherwise(0.0)
            den = den + pl.when(ok).then(w).otherwise(0.0)
        exprs.append(pl.when(den > 0).then(100.0 * num / den).otherwise(None).alias(dim))
    out = wide.with_columns(exprs)
    dims = [(d, settings.overall_weights.get(d, 0.0)) for d in DIMENSION_CODES]
    dims = [(d, w) for d, w in dims if w > 0]
    total = sum(w for _, w in dims)
    complete = pl.all_horizontal([pl.col(d).is_not_null() for d, _ in dims])
    weighted = pl.sum_horizontal([pl.col(d) * w for d, w in dims]) / total
    return out.with_columns(pl.when(complete).then(weighted).otherwise(None).alias("overall"))


def competition_rank(scores: np.ndarray) -> np.ndarray:
    """Standard competition ranks, highest first: 1 + the number of scores above by > 1e-9."""
    s = np.sort(scores)
    above = len(s) - np.searchsorted(s, scores + RANK_TOLERANCE, side="right")
    return (above + 1).astype(np.int64)


def with_ranks(df: pl.DataFrame, group_cols: list[str]) -> pl.DataFrame:
    """Add ``rank`` (Int64) among rows of the same ``group_cols`` with an ``overall`` score."""
    parts = []
    for _, g in df.group_by(group_cols, maintain_order=True):
        has = g["overall"].is_not_null()
        vals = g["overall"].filter(has).to_numpy()
        ranks = competition_rank(vals)
        full = np.full(g.height, -1, dtype=np.int64)
        full[has.to_numpy()] = ranks
        parts.append(g.with_columns(pl.Series("rank", full, dtype=pl.Int64).replace(-1, None)))
    if not parts:
        return df.with_columns(pl.lit(None, dtype=pl.Int64).alias("rank"))
    return pl.concat(parts)
