"""Feedback cases: complaints, reports, suggestions, opinions, enquiries.

How the realism comes about:
- volume follows the unit's weight (traffic and vehicle administration are
  busy) and the day weights (quiet weekends, Spring Festival dip);
- days to close are log-normal (long tail); chronically late units take
  3.5 times longer and answer the phone later;
- a case closes only if its closing instant is before the end of the
  reference date, so recent cases are still open;
- return visits follow closure; ``resolved`` drives ``satisfaction``;
- a few cases repeat an earlier case of the same unit (``repeat_of``);
- deputies' and supervisors' channels are a small share.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from queries.model.records import FEEDBACK
from seed_data.draws import (
    DAY_S,
    SECOND,
    bool_series,
    choose,
    choose_by_row,
    code_series,
    datetime_series,
    masked,
    sequence_ids,
)
from seed_data.world import Chunk, World, chunk_days

FB_KINDS = ("complaint", "report", "suggestion", "opinion", "enquiry")
# by unit kind (rows in seed_data.units.KINDS order): what people raise
KIND_BY_UNIT = np.array(
    [
        [0.34, 0.14, 0.09, 0.08, 0.35],  # comprehensive
        [0.25, 0.05, 0.10, 0.08, 0.52],  # window
        [0.38, 0.30, 0.05, 0.05, 0.22],  # case_handling
        [0.36, 0.16, 0.10, 0.10, 0.28],  # management
    ]
)
CHANNELS = {
    "hotline": 0.46,
    "online": 0.24,
    "mailbox": 0.08,
    "in_person": 0.10,
    "letter": 0.045,
    "deputy": 0.02,
    "supervisor": 0.01,
    "media": 0.045,
}
# what hour of the day a case arrives (hotline round the clock, peaks in office hours)
HOURS = np.array(
    [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 5, 8, 9, 8, 5, 5, 8, 9, 8, 7, 5, 4, 3.5, 3, 2, 1.5]
)
DEFAULT_DUE_DAYS = np.array([30, 30, 30, 30, 3])
# median days to close by kind (before the unit's multiplier), log-normal spread
CLOSE_MEDIAN_DAYS = np.array([9.0, 11.0, 8.0, 7.0, 1.0])
CLOSE_SIGMA = 0.85

OUTCOMES = (
    "upheld",
    "partly_upheld",
    "not_upheld",
    "adopted",
    "partly_adopted",
    "not_adopted",
    "answered",
    "withdrawn",
)
OUTCOME_BY_KIND = np.array(
    [
        [0.20, 0.25, 0.45, 0, 0, 0, 0, 0.10],  # complaint
        [0.30, 0.20, 0.45, 0, 0, 0, 0, 0.05],  # report
        [0, 0, 0, 0.25, 0.35, 0.33, 0.07, 0],  # suggestion
        [0, 0, 0, 0.20, 0.35, 0.38, 0.07, 0],  # opinion
        [0, 0, 0, 0, 0, 0, 0.97, 0.03],  # enquiry
    ]
)
SATISFACTION = ("satisfied", "basically_satisfied", "dissatisfied")
# rows: resolved, not resolved, resolved unknown
SATISFACTION_BY_RESOLVED = np.array([[0.72, 0.22, 0.06], [0.08, 0.27, 0.65], [0.5, 0.3, 0.2]])


def generate_feedback(world: World, chunk: Chunk) -> pl.DataFrame:
    """The feedback cases received in ``chunk``, ordered by received_at."""
    rng = world.rng("feedback", chunk)
    n = chunk.counts["feedback"]
    p = world.profiles
    end = world.end_s

    unit = rng.choice(len(p.level), n, p=p.feedback_weight / p.feedback_weight.sum())
    day = chunk_days(world, chunk, "feedback", n, rng)
    secs = rng.choice(24, n, p=HOURS / HOURS.sum()) * 3600 + rng.integers(0, 3600, n)
    received = world.grid.days[day].astype("datetime64[s]") + secs * SECOND
    order = np.argsort(received, kind="stable")
    unit, received = unit[order], received[order]

    kind = choose_by_row(rng, KIND_BY_UNIT[p.kind[unit]])
    channel = choose(rng, n, CHANNELS)

    default_due = received + DEFAULT_DUE_DAYS[kind] * DAY_S * SECOND
    # most source systems stamp the deadline; some leave it to the default,
    # a few complex complaints and reports get an extension
    r = rng.random(n)
    extended = (r < 0.04) & (kind <= 1)
    due = np.where(extended, received + 60 * DAY_S * SECOND, default_due)
    due = np.where(r > 0.8, np.datetime64("NaT"), due)

    close_days = rng.lognormal(np.log(CLOSE_MEDIAN_DAYS[kind]), CLOSE_SIGMA) * p.close_mult[unit]
    closed = received + (close_days * DAY_S).astype(np.int64) * SECOND
    stuck = rng.random(n) < 0.004
    closed = np.where(stuck | (closed >= end), np.datetime64("NaT"), closed)
    is_closed = ~np.isnat(closed)

    resp_hours = rng.lognormal(np.log(p.response_hours[unit]), 1.0)
    first = received + (resp_hours * 3600).astype(np.int64) * SECOND
    # contact comes at the latest with the closing answer
    first = np.where(is_closed & (first > closed), closed, first)
    first = np.where((rng.random(n) < 0.01) | (first >= end), np.datetime64("NaT"), first)

    outcome = choose_by_row(rng, OUTCOME_BY_KIND[kind])
    outcome_known = is_closed & (rng.random(n) > 0.02)
    reply_known = is_closed & (rng.random(n) > 0.03)
    reply = rng.random(n) < p.reply_p[unit]

    visit_p = p.visit_p[unit] * np.where(kind == 4, 0.5, 1.0)
    visit = closed + (rng.uniform(0.3, 7.0, n) * DAY_S).astype(np.int64) * SECOND
    visited = is_closed & (rng.random(n) < visit_p) & (visit < end)
    visit = np.where(visited, visit, np.datetime64("NaT"))

    # upheld complaints and adopted suggestions get solved more often
    good = np.isin(outcome, [0, 3, 6])
    bad = np.isin(outcome, [2, 5])
    resolve_p = np.clip(p.resolve_p[unit] + 0.08 * good - 0.15 * bad, 0.05, 0.99)
    resolved = rng.random(n) < resolve_p
    resolved_known = visited & (rng.random(n) > 0.04)
    sat_row = np.where(resolved_known, np.where(resolved, 0, 1), 2)
    satisfaction = choose_by_row(rng, SATISFACTION_BY_RESOLVED[sat_row])
    sat_known = visited & (rng.random(n) > 0.03)

    ids = sequence_ids("FB", chunk.year, chunk.offsets["feedback"], n, 7)
    repeat = _repeats(rng, unit, kind, ids)

    frame = pl.DataFrame(
        [
            ids.alias("case_id"),
            code_series("unit_id", world.units["unit_id"].to_list(), unit),
            code_series("kind", FB_KINDS, kind),
            code_series("channel", list(CHANNELS), channel),
            datetime_series("received_at", received),
            datetime_series("due_at", due),
            datetime_series("first_response_at", first),
            datetime_series("closed_at", closed),
            code_series("outcome", OUTCOMES, outcome, outcome_known),
            bool_series("reasoned_reply", reply, reply_known),
            datetime_series("return_visit_at", visit),
            bool_series("resolved", resolved, resolved_known),
            code_series("satisfaction", SATISFACTION, satisfaction, sat_known),
            repeat,
        ]
    )
    return frame.select(FEEDBACK.columns)


def _repeats(
    rng: np.random.Generator, unit: np.ndarray, kind: np.ndarray, ids: pl.Series
) -> pl.Series:
    """``repeat_of``: about 6% of complaints, reports and opinions name an
    earlier case of the same unit (rows are in received order)."""
    n = len(unit)
    by_unit = np.lexsort((np.arange(n), unit))  # unit, then time
    sorted_unit = unit[by_unit]
    group_start = np.searchsorted(sorted_unit, sorted_unit, side="left")
    pos = np.arange(n) - group_start  # earlier cases of the same unit
    pick = (pos > 0) & np.isin(kind[by_unit], [0, 1, 3]) & (rng.random(n) < 0.06)
    back = rng.integers(1, 1 << 30, n) % np.maximum(np.minimum(pos, 300), 1) + 1
    earlier = by_unit[np.where(pick, np.arange(n) - back, 0)]
    target = np.empty(n, dtype=np.int64)
    target[by_unit] = earlier
    known = np.zeros(n, dtype=bool)
    known[by_unit] = pick
    return masked(ids.gather(target).alias("repeat_of"), known)
