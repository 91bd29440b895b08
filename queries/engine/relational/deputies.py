"""The deputy channel's counts, per unit, where the records are: feedback received
through the deputy channel, by kind, and supervision findings raised by NPC deputies
and CPPCC members, by source (the briefing's "deputies" part,
:mod:`reports.briefing.deputies`).

They are not indicators (the indicator table has no per-channel rows), but they count
the same records with the same statuses: the expressions of
:mod:`queries.engine.relational.statuses` (a record's period by its anchor, a later
stamp treated as empty, R_ONTIME's and R_RECTIFY's deadlines), grouped by unit and
kind or source. Only these whole numbers leave the engine; a scope's figures are the
sums over its units (counts add up, so a subtree's are its units' sums).
"""

from __future__ import annotations

from datetime import datetime

import ibis.expr.types as ir
import polars as pl

from queries.engine.relational.kinds import count_if
from queries.engine.relational.plan import compiled
from queries.engine.relational.statuses import (
    CountScope,
    feedback_statuses,
    record_table,
    rectify_statuses,
)
from queries.model.periods import Period
from queries.model.settings import Settings
from queries.store.sources import EngineUnavailable, Sources, first_line

# records.md: the feedback channel of deputies and members, and the supervision sources
# that are deputies and members
DEPUTY_CHANNEL = "deputy"
DEPUTY_SOURCES = ("npc_deputy", "cppcc_member")
ADOPTED = ("adopted", "partly_adopted")
ADOPTION_OUTCOMES = ("adopted", "partly_adopted", "not_adopted")

FEEDBACK_COUNTS = ("received", "responded", "closed", "adopted", "adoption_decided", "overdue")
SUPERVISION_COUNTS = ("raised", "rectified", "rectified_on_time", "overdue", "published")


def deputy_plan(scope: CountScope, partitioned: bool) -> dict[str, ir.Table]:
    """Two queries over the records (a lake's when ``partitioned``):

    - ``feedback``: unit_id, kind, and per (unit, kind) of the deputy channel's feedback
      received in the period by the as-of: received, responded (first response by
      the as-of), closed, adopted (closed as adopted or partly adopted),
      adoption_decided (closed with an adoption outcome), overdue (open and R_ONTIME
      late: its due passed before the as-of);
    - ``supervision``: unit_id, source, and per (unit, source) of the findings of
      deputies and members opened in the period by the as-of: raised, rectified (by
      the as-of), rectified_on_time (R_RECTIFY on time), overdue (not rectified and
      R_RECTIFY late), published (result made public by the as-of).
    """
    fb = feedback_statuses(record_table("feedback", partitioned), scope, full=True)
    fb = fb.filter(fb.channel == DEPUTY_CHANNEL)
    closed = fb.closed_at.notnull()
    feedback = fb.group_by(["unit_id", "kind"]).aggregate(
        received=count_if(fb.unit_id.notnull()),
        responded=count_if(fb.first_response_at.notnull()),
        closed=count_if(closed),
        adopted=count_if(closed & fb.outcome.isin(ADOPTED)),
        adoption_decided=count_if(closed & fb.outcome.isin(ADOPTION_OUTCOMES)),
        overdue=count_if(~closed & (fb.R_ONTIME == "late")),
    )
    sv = rectify_statuses(record_table("supervision", partitioned), scope, full=True)
    sv = sv.filter(sv.source.isin(DEPUTY_SOURCES))
    rectified = sv.rectified_on.notnull()
    supervision = sv.group_by(["unit_id", "source"]).aggregate(
        raised=count_if(sv.unit_id.notnull()),
        rectified=count_if(rectified),
        rectified_on_time=count_if(sv.R_RECTIFY == "on_time"),
        overdue=count_if(~rectified & (sv.R_RECTIFY == "late")),
        published=count_if(sv.result_published_on.notnull()),
    )
    return {
        "feedback": feedback.order_by(["unit_id", "kind"]),
        "supervision": supervision.order_by(["unit_id", "source"]),
    }


def deputy_counts(
    src: Sources, period: Period, as_of: datetime, settings: Settings
) -> dict[str, pl.DataFrame]:
    """:func:`deputy_plan`'s two tables for ``period`` at ``as_of``, computed by the
    engine of ``src`` (counts as Int64; a unit with no such record has no row).

    Raises :class:`~queries.store.sources.EngineUnavailable` when the engine cannot run.
    """
    scope = CountScope((period,), as_of, settings)
    key = ("deputies", scope.periods, scope.as_of, settings.fingerprint(), src.partitioned)
    try:
        with src.open() as bound:
            sql = compiled(
                bound.dialect, key, lambda: deputy_plan(scope, src.partitioned), src.sql_store
            )
            got = {name: bound.run(q) for name, q in sql.items()}
    except EngineUnavailable:
        raise
    except Exception as exc:
        raise EngineUnavailable(f"the {src.name} engine failed: {first_line(exc)}") from exc
    # typed whatever the engine returns (an empty result from PostgreSQL has no types)
    keys = {"feedback": ("kind", FEEDBACK_COUNTS), "supervision": ("source", SUPERVISION_COUNTS)}
    return {
        name: got[name].select(
            pl.col("unit_id").cast(pl.String),
            pl.col(key).cast(pl.String),
            *(pl.col(c).cast(pl.Int64) for c in counts),
        )
        for name, (key, counts) in keys.items()
    }
