"""Vectorised draws shared by the record generators (numpy, no per-row loops)."""

from __future__ import annotations

import numpy as np
import polars as pl

SECOND = np.timedelta64(1, "s")
DAY_S = 86_400


def normalise(weights: np.ndarray) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum(axis=-1, keepdims=True)


def choose(rng: np.random.Generator, n: int, probs: dict[str, float]) -> np.ndarray:
    """``n`` indices into ``list(probs)`` drawn with the given probabilities."""
    return rng.choice(len(probs), n, p=normalise(np.array(list(probs.values()))))


def choose_by_row(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One column index per row of ``probs`` (rows need not be normalised)."""
    cdf = np.cumsum(normalise(probs), axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cdf).sum(axis=1), probs.shape[1] - 1)


def masked(s: pl.Series, known: np.ndarray | None) -> pl.Series:
    """``s`` with null where not ``known``."""
    if known is None:
        return s
    frame = pl.DataFrame([s, pl.Series("__known", known, dtype=pl.Boolean)])
    return frame.select(pl.when(pl.col("__known")).then(pl.col(s.name)).alias(s.name)).to_series()


def code_series(
    name: str, codes: tuple[str, ...] | list[str], idx: np.ndarray, known: np.ndarray | None = None
) -> pl.Series:
    """The codes at ``idx`` as a String series, null where not ``known``."""
    s = pl.Series(name, list(codes), dtype=pl.String).gather(np.asarray(idx, dtype=np.int64))
    return masked(s, known)


def bool_series(name: str, values: np.ndarray, known: np.ndarray) -> pl.Series:
    """A Boolean series, null where not ``known``."""
    return masked(pl.Series(name, values, dtype=pl.Boolean), known)


def datetime_series(name: str, values: np.ndarray) -> pl.Series:
    """datetime64[s] with NaT for null -> Datetime("us")."""
    return pl.Series(name, values.astype("datetime64[us]"), dtype=pl.Datetime("us"))


def date_series(name: str, values: np.ndarray) -> pl.Series:
    """datetime64[D] with NaT for null -> Date."""
    return pl.Series(name, values.astype("datetime64[D]"), dtype=pl.Date)


def sequence_ids(prefix: str, year: int, start: int, n: int, width: int) -> pl.Series:
    """``PREFIX-YYYY-000123`` for sequence numbers start+1 .. start+n."""
    seq = pl.int_range(start + 1, start + n + 1, eager=True).cast(pl.String).str.zfill(width)
    return (f"{prefix}-{year}-" + seq).alias("id")
