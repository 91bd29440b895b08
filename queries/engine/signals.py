"""Signals (methodology.md "Signals"): which differences are larger than chance.

Two methods share the indicators, the tolerance and what "favourable" means:

- the funnel (:mod:`queries.engine.funnel`): a unit against the other units of its level;
- the control chart (:mod:`queries.engine.control`): a unit against its own past 12 months.

Both use every rate indicator of the catalogue except the one exempt from
``min_sample`` (O_COVERAGE counts catalogue entries, not a sample), with
num = value x n. This module holds what both need and the "stands out" /
Attention lists built from their tables.
"""

from __future__ import annotations

from queries.model.catalogue import INDICATORS, Direction, indicator

# rate indicators with a sample: the catalogue's rates but the catalogue count
SIGNAL_CODES: tuple[str, ...] = tuple(
    i.code for i in INDICATORS if i.is_rate and not i.min_sample_exempt
)

# a value within this of a limit is inside it; of the target / centre / previous month, equal
EPS = 1e-9

# funnel limits: 95% and 99.8% two-sided normal quantiles
Z95 = 1.959964
Z998 = 3.090232
# control chart limits: three standard errors
Z_CONTROL = 3.0
# control chart: the baseline and the monitored window, in months; runs of this many
CONTROL_MONTHS = 24
BASELINE_MONTHS = 12
RUN_LENGTH = 7


def favourable(code: str, side: str | None) -> bool | None:
    """Whether a signal on ``side`` ("above" / "below", or "up" / "down" for a trend) of the
    target or centre is on the better side of indicator ``code``; None without a side.

    Higher is better for every rate but the lower-is-better ones (S_REPEAT)."""
    if side is None:
        return None
    up = side in ("above", "up")
    return up if indicator(code).direction == Direction.HIGHER else not up


__all__ = [
    "BASELINE_MONTHS",
    "CONTROL_MONTHS",
    "EPS",
    "RUN_LENGTH",
    "SIGNAL_CODES",
    "Z95",
    "Z998",
    "Z_CONTROL",
    "favourable",
]
