"""Disclosure control of the public summary (methodology.md "Public summary").

What may leave the building, decided here and nowhere else:

- Figures drawn from **feedback and supervision** records (people's complaints,
  oversight findings) are controlled so that no count from 1 to
  ``public_min_count - 1`` can be read or worked out:

  - a count is published as 0, ``"<5"`` (1 to 4), or rounded to the nearest
    multiple of ``public_rounding`` (:func:`public_count`); the n beside a rate
    is such a count;
  - a rate is published only when n >= ``min_sample`` and neither its numerator
    nor n - numerator lies in 1..4 (:func:`rate_publishable`); S_SATISFACTION's
    numerator is the satisfied plus basically satisfied, its complement the
    dissatisfied; R_CLOSE_DAYS (a median) only when n >= ``min_sample``.

- Figures drawn from **disclosures** (what units made public themselves) are
  shown as computed, with ``min_sample`` applied as in the scores (O_COVERAGE
  exempt); their n is the exact count.

- Every value is published at one precision only (:func:`public_value`):
  rates and other 0..1 values to one decimal of a percent (a fraction with
  three decimals, 0.478 = 47.8%), days to one decimal, scores to one decimal.

- Public scores (:func:`public_scores`) are computed from the published values
  alone, with the weights of the published values, exactly as the internal
  scores treat insufficient data; overall is the weighted mean of the
  *published* (rounded) dimension scores. Anyone can recompute them from the
  page; nothing withheld enters them, so nothing withheld can be solved back.

Modelled on opensafely-core/ehrql's ``ehrql/measures/disclosure_control.py``
(suppress small numbers, then round), with the methodology's rules. Pure
functions of numbers: no polars, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from queries.model.catalogue import BY_CODE, DIMENSION_CODES, indicators_of
from queries.model.settings import Settings

OK, INSUFFICIENT, NO_DATA = "ok", "insufficient", "no_data"
CONTROLLED_KINDS = frozenset({"feedback", "supervision"})
RATE_DECIMALS = 3  # a fraction to 0.001 = one decimal of a percent
DAYS_DECIMALS = 1
SCORE_DECIMALS = 1


def is_controlled(code: str) -> bool:
    """Whether an indicator is drawn from feedback or supervision records."""
    return BY_CODE[code].record_kind in CONTROLLED_KINDS


def _round_half_up(x: float, step: int) -> int:
    q, r = divmod(x, step)
    return int(step * (q + (1 if 2 * r >= step else 0)))


def public_count(n: int, settings: Settings) -> int | str:
    """A controlled count as published: 0; ``"<5"`` for 1..public_min_count-1; else
    rounded to the nearest multiple of ``public_rounding`` (halves up).

    >>> from queries.model.settings import DEFAULT_SETTINGS as S
    >>> [public_count(n, S) for n in (0, 1, 4, 5, 7, 8, 12, 13, 102)]
    [0, '<5', '<5', 5, 5, 10, 10, 15, 100]
    """
    if n < 0:
        raise ValueError(f"a count cannot be negative: {n}")
    if n == 0:
        return 0
    if n < settings.public_min_count:
        return f"<{settings.public_min_count}"
    return max(_round_half_up(n, public_rounding(settings)), settings.public_min_count)


def public_rounding(settings: Settings) -> int:
    """The ``public_rounding`` setting (5 by default)."""
    return settings.public_rounding


def rate_publishable(num: float, n: int, settings: Settings) -> bool:
    """n >= min_sample and neither num nor n - num lies in 1..public_min_count-1.

    >>> from queries.model.settings import DEFAULT_SETTINGS as S
    >>> rate_publishable(0, 10, S), rate_publishable(10, 10, S), rate_publishable(4, 12, S)
    (True, True, False)
    >>> rate_publishable(7, 12, S), rate_publishable(8, 12, S), rate_publishable(5, 9, S)
    (True, False, False)
    """
    if n < settings.min_sample:
        return False
    small = settings.public_min_count
    k = round(num)
    return not (1 <= k < small) and not (1 <= n - k < small)


def public_value(code: str, value: float) -> float:
    """A value at its one public precision: 0..1 values to 0.001, days to 0.1."""
    decimals = DAYS_DECIMALS if BY_CODE[code].unit == "days" else RATE_DECIMALS
    return round_half_up(value, decimals)


def round_half_up(value: float, decimals: int) -> float:
    """``value`` to ``decimals`` places, halves away from zero on its shortest decimal
    form (0.0625 -> 0.063, as a reader rounding 6.25% would), not Python's half-even.

    >>> round_half_up(0.0625, 3), round_half_up(2.25, 1), round_half_up(-2.25, 1)
    (0.063, 2.3, -2.3)
    """
    q = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return float(q)


@dataclass(frozen=True)
class Published:
    """One indicator as published: ``value`` only when status is ok; ``n`` the
    published count (exact for disclosure figures, controlled otherwise)."""

    code: str
    value: float | None
    n: int | str | None
    status: str  # ok | insufficient | no_data


def publish_indicator(
    code: str, value: float | None, n: int | None, num: float | None, settings: Settings
) -> Published:
    """The published form of one indicator of one unit and period.

    ``num`` is the rate's numerator as a count (for S_SATISFACTION: satisfied plus
    basically satisfied); ignored for non-rates and disclosure figures.
    """
    ind = BY_CODE[code]
    controlled = is_controlled(code)
    shown_n: int | str | None
    shown_n = None if n is None else public_count(int(n), settings) if controlled else int(n)
    if value is None or not n:
        return Published(code, None, shown_n, NO_DATA)
    enough = ind.min_sample_exempt or n >= settings.min_sample
    if controlled and ind.is_rate:
        enough = num is not None and rate_publishable(num, int(n), settings)
    if not enough:
        return Published(code, None, shown_n, INSUFFICIENT)
    return Published(code, public_value(code, value), shown_n, OK)


def public_scores(
    values: Mapping[str, float | None], settings: Settings
) -> dict[str, float | None]:
    """Dimension scores and ``overall`` (0..100, one decimal) from published values.

    ``values``: indicator code -> the published value (None when withheld or no
    data). Dimension = 100 x sum(w x v) / sum(w) over its scored indicators with a
    published value; overall = weighted mean of the published dimension scores,
    None if a positively weighted dimension has none.
    """
    out: dict[str, float | None] = {}
    for dim in DIMENSION_CODES:
        num = den = 0.0
        for ind in indicators_of(dim):
            w = settings.weights.get(dim, {}).get(ind.code, 0.0)
            v = values.get(ind.code)
            if not ind.scored or w <= 0 or v is None:
                continue
            num += w * v
            den += w
        out[dim] = round_half_up(100.0 * num / den, SCORE_DECIMALS) if den > 0 else None
    dims = [(d, settings.overall_weights.get(d, 0.0)) for d in DIMENSION_CODES]
    dims = [(d, w) for d, w in dims if w > 0]
    if not dims or any(out[d] is None for d, _ in dims):
        out["overall"] = None
    else:
        total = sum(w for _, w in dims)
        out["overall"] = round_half_up(
            sum(float(out[d] or 0.0) * w for d, w in dims) / total, SCORE_DECIMALS
        )
    return out


def competition_ranks(scores: Mapping[str, float | None]) -> dict[str, int | None]:
    """Standard competition ranks (1, 2, 2, 4), highest first, of the units with a score."""
    have = {u: s for u, s in scores.items() if s is not None}
    return {
        u: (None if s is None else 1 + sum(1 for o in have.values() if o > s + 1e-9))
        for u, s in scores.items()
    }
