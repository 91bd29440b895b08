"""The records behind an indicator's numerator and denominator, for one unit's subtree.

Uses the same per-record classification as the indicator table
(:mod:`queries.engine.classify`), so the rows listed here always add up to the
table's numbers: ``numerator`` sums to the rate's numerator, ``denominator``
to its n.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from queries.engine.classify import STATUS_LABELS, classify, num_den_exprs
from queries.engine.indicators import subtree_of
from queries.model.catalogue import indicator
from queries.model.periods import Period, parse_as_of
from queries.model.settings import DEFAULT_SETTINGS, Settings
from queries.store.schemas import Frames

_FEEDBACK_BASE = ["case_id", "unit_id", "kind", "channel", "received_at"]
COLUMNS: dict[str, list[str]] = {
    "O_COVERAGE": ["unit_id", "category", "covered_by"],
    "O_TIMELY": [
        "disclosure_id",
        "unit_id",
        "title",
        "category",
        "channel",
        "formed_on",
        "published_on",
        "workdays",
    ],
    "O_DEPTH": ["disclosure_id", "unit_id", "title", "category", "channel", "published_on"],
    "O_CHANNELS": ["disclosure_id", "unit_id", "title", "category", "channel", "published_on"],
    "O_SUPERVISION_PUBLIC": [
        "item_id",
        "unit_id",
        "source",
        "severity",
        "opened_on",
        "rectified_on",
        "result_published_on",
    ],
    "R_RESPONSE": [*_FEEDBACK_BASE, "response_limit", "first_response_at"],
    "R_ONTIME": [*_FEEDBACK_BASE, "due", "closed_at"],
    "R_REPLY": [*_FEEDBACK_BASE, "closed_at", "reasoned_reply"],
    "R_RECTIFY": [
        "item_id",
        "unit_id",
        "source",
        "severity",
        "opened_on",
        "rectify_due_on",
        "rectified_on",
    ],
    "R_ADOPTION": [*_FEEDBACK_BASE, "closed_at", "outcome"],
    "R_CLOSE_DAYS": [*_FEEDBACK_BASE, "closed_at", "close_days"],
    "S_SATISFACTION": [*_FEEDBACK_BASE, "return_visit_at", "satisfaction"],
    "S_RESOLVED": [*_FEEDBACK_BASE, "return_visit_at", "resolved"],
    "S_RETURN_VISIT": [*_FEEDBACK_BASE, "closed_at", "return_visit_at"],
    "S_REPEAT": [*_FEEDBACK_BASE, "repeat_of"],
}


def records_behind(
    frames: Frames,
    code: str,
    unit_id: str,
    period: Period | str,
    as_of: datetime | date | str,
    settings: Settings | None = None,
    *,
    include_excluded: bool = True,
) -> pl.DataFrame:
    """The records of ``unit_id``'s subtree that ``code`` looks at in ``period``.

    Columns: the record's key and relevant fields (as they stand at as-of),
    ``status`` (e.g. on_time / late / pending), ``status_zh``, ``status_en``,
    ``numerator`` (its share of the numerator) and ``denominator`` (0 or 1).
    ``include_excluded=False`` keeps only the rows in the denominator.
    O_COVERAGE lists each unit's mandatory categories, covered or not.
    """
    indicator(code)  # KeyError for an unknown code
    p = period if isinstance(period, Period) else Period.parse(period)
    s = settings or DEFAULT_SETTINGS
    ids = subtree_of(frames.units, unit_id)
    # classification is per record (and per unit for O_COVERAGE): classifying only the
    # subtree's records gives the same statuses, much faster for one branch
    keep = pl.col("unit_id").is_in(ids)
    sub = Frames(
        units=frames.units.filter(keep),
        disclosures=frames.disclosures.filter(keep),
        feedback=frames.feedback.filter(keep),
        supervision=frames.supervision.filter(keep),
    )
    classified = classify(sub, [p], parse_as_of(as_of), s)
    src = classified.for_code(code)
    num, den = num_den_exprs(code, s)
    key = COLUMNS[code][0]
    status = pl.col(code).cast(pl.String)
    out = src.select(
        *COLUMNS[code],
        status.alias("status"),
        status.replace_strict({k: v[0] for k, v in STATUS_LABELS.items()}).alias("status_zh"),
        status.replace_strict({k: v[1] for k, v in STATUS_LABELS.items()}).alias("status_en"),
        num.alias("numerator"),
        den.cast(pl.Int64).alias("denominator"),
    )
    if not include_excluded:
        out = out.filter(pl.col("denominator") > 0)
    sort = ["unit_id", key] if key != "unit_id" else ["unit_id", "category"]
    return out.sort(sort)
