"""Deputies' and members' own items: the deputy channel and their supervision findings.

NPC deputies and CPPCC members read the briefing for what happened to what
*they* raised. These counts are not indicators (the indicator table has no
per-channel rows), so they are computed here, in one function,
:func:`deputy_items`, over the same frames and with the same period, as-of and
subtree rules as the indicators (methodology.md "Scope"):

- a record belongs to the period by its anchor (``received_at``, ``opened_on``),
  start 00:00 <= t < (day after end) 00:00, and does not exist if anchored after as-of;
- a later ``first_response_at``, ``closed_at``, ``rectified_on`` or
  ``result_published_on`` is treated as empty;
- the scope is a unit and every unit below it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import polars as pl

from queries.model.tree import Tree
from queries.vocabulary.enums import enum_label

# feedback kinds in the order the briefing lists them
FEEDBACK_KIND_ORDER = ("suggestion", "opinion", "complaint", "report", "enquiry")
# supervision sources that are deputies and members (records.md)
DEPUTY_SOURCES = ("npc_deputy", "cppcc_member")
ADOPTED = ("adopted", "partly_adopted")
ADOPTION_OUTCOMES = ("adopted", "partly_adopted", "not_adopted")
DEPUTY_CHANNEL = "deputy"


@dataclass(frozen=True)
class FeedbackCounts:
    """Deputy-channel feedback of one kind (or ``total``) received in the period."""

    kind: str
    received: int
    responded: int  # first response made by as-of
    closed: int  # closed (answered) by as-of
    adopted: int  # closed with outcome adopted / partly adopted
    adoption_decided: int  # closed with outcome adopted / partly adopted / not adopted
    open: int  # not closed by as-of
    overdue: int  # open and past due at as-of


@dataclass(frozen=True)
class SupervisionCounts:
    """Supervision findings of one deputy source (or ``total``) opened in the period."""

    source: str
    raised: int
    rectified: int  # rectified by as-of
    rectified_on_time: int  # rectified by as-of, on or before rectify_due_on
    open: int  # not rectified by as-of
    overdue: int  # not rectified and rectify_due_on < as-of
    published: int  # result made public by as-of


@dataclass(frozen=True)
class DeputyItems:
    feedback: tuple[FeedbackCounts, ...]  # kinds with at least one case, then ``total``
    supervision: tuple[SupervisionCounts, ...]  # both sources, then ``total``

    @property
    def feedback_total(self) -> FeedbackCounts:
        return self.feedback[-1]

    @property
    def supervision_total(self) -> SupervisionCounts:
        return self.supervision[-1]


def subtree_ids(units: pl.DataFrame, roots: Iterable[str]) -> set[str]:
    """The ids of ``roots`` and of every unit below them (:mod:`queries.model.tree`)."""
    return Tree.from_units(units).subtrees(roots)


def _instant(d: date) -> datetime:
    return datetime.combine(d, time())


def deputy_items(
    feedback: pl.DataFrame,
    supervision: pl.DataFrame,
    unit_ids: Iterable[str],
    start: date,
    end: date,
    as_of: datetime,
    due_days: Mapping[str, float],
) -> DeputyItems:
    """Count the deputy channel's feedback and the deputies' supervision findings.

    Parameters
    ----------
    feedback, supervision
        The frames of :func:`queries.store.frames.load_frames`.
    unit_ids
        The scope: a unit and its subtree (see :func:`subtree_ids`).
    start, end
        The period, inclusive days.
    as_of
        Nothing stamped after it has happened yet.
    due_days
        Default days to close, by feedback kind (settings ``due_days``).
    """
    lo, hi = _instant(start), _instant(end + timedelta(days=1))
    ids = list(unit_ids)
    as_of_day = as_of.date()

    fb = feedback.filter(
        (pl.col("channel") == DEPUTY_CHANNEL)
        & pl.col("unit_id").is_in(ids)
        & (pl.col("received_at") >= lo)
        & (pl.col("received_at") < hi)
        & (pl.col("received_at") <= as_of)
    )
    # a stamp after as-of has not happened yet
    responded = pl.col("first_response_at").is_not_null() & (pl.col("first_response_at") <= as_of)
    closed = pl.col("closed_at").is_not_null() & (pl.col("closed_at") <= as_of)
    # due_days may be fractional: work in microseconds
    due_us = {k: round(float(v) * 86_400_000_000) for k, v in due_days.items()}
    default_due = pl.col("received_at") + pl.duration(
        microseconds=pl.col("kind").replace_strict(due_us, return_dtype=pl.Int64)
    )
    due = pl.coalesce(pl.col("due_at"), default_due)
    fb = fb.with_columns(
        responded.alias("_responded"),
        closed.alias("_closed"),
        (closed & pl.col("outcome").is_in(ADOPTED)).alias("_adopted"),
        (closed & pl.col("outcome").is_in(ADOPTION_OUTCOMES)).alias("_decided"),
        (~closed & (due < as_of)).alias("_overdue"),
    )

    def fcounts(kind: str, frame: pl.DataFrame) -> FeedbackCounts:
        received = frame.height
        n_closed = int(frame["_closed"].sum())
        return FeedbackCounts(
            kind=kind,
            received=received,
            responded=int(frame["_responded"].sum()),
            closed=n_closed,
            adopted=int(frame["_adopted"].sum()),
            adoption_decided=int(frame["_decided"].sum()),
            open=received - n_closed,
            overdue=int(frame["_overdue"].sum()),
        )

    fb_rows = [
        fcounts(k, fb.filter(pl.col("kind") == k))
        for k in FEEDBACK_KIND_ORDER
        if fb.filter(pl.col("kind") == k).height
    ]
    fb_rows.append(fcounts("total", fb))

    sv = supervision.filter(
        pl.col("source").is_in(DEPUTY_SOURCES)
        & pl.col("unit_id").is_in(ids)
        & (pl.col("opened_on") >= start)
        & (pl.col("opened_on") <= end)
        # a date is the instant 00:00 of that day
        & (pl.col("opened_on") <= as_of_day)
    )
    rectified = pl.col("rectified_on").is_not_null() & (pl.col("rectified_on") <= as_of_day)
    sv = sv.with_columns(
        rectified.alias("_rectified"),
        (rectified & (pl.col("rectified_on") <= pl.col("rectify_due_on")).fill_null(False)).alias(
            "_on_time"
        ),
        # the deadline is the instant 00:00 of its day (methodology R_RECTIFY)
        (
            ~rectified & (pl.col("rectify_due_on").cast(pl.Datetime("us")) < as_of).fill_null(False)
        ).alias("_overdue"),
        (
            pl.col("result_published_on").is_not_null()
            & (pl.col("result_published_on") <= as_of_day)
        ).alias("_published"),
    )

    def scounts(source: str, frame: pl.DataFrame) -> SupervisionCounts:
        raised = frame.height
        n_rectified = int(frame["_rectified"].sum())
        return SupervisionCounts(
            source=source,
            raised=raised,
            rectified=n_rectified,
            rectified_on_time=int(frame["_on_time"].sum()),
            open=raised - n_rectified,
            overdue=int(frame["_overdue"].sum()),
            published=int(frame["_published"].sum()),
        )

    sv_rows = [scounts(s, sv.filter(pl.col("source") == s)) for s in DEPUTY_SOURCES]
    sv_rows.append(scounts("total", sv))
    return DeputyItems(feedback=tuple(fb_rows), supervision=tuple(sv_rows))


def deputy_sentences(items: DeputyItems, lang: str) -> tuple[str, str]:
    """Two sentences: the deputy channel's feedback, and the deputies' supervision findings."""
    zh = lang == "zh"
    fb = items.feedback_total
    kinds = [r for r in items.feedback if r.kind != "total"]
    if fb.received == 0:
        first = (
            "本期未收到经人大代表、政协委员渠道反映的诉求。"
            if zh
            else "No feedback came through the deputy and member channel in this period."
        )
    elif zh:
        parts = "、".join(
            f"{enum_label('feedback_kind', r.kind, 'zh')}{r.received}件" for r in kinds
        )
        first = (
            f"本期经人大代表、政协委员渠道收到诉求{fb.received}件（{parts}），"
            f"已办结{fb.closed}件，其中建议意见采纳或部分采纳{fb.adopted}件；"
            f"尚未办结{fb.open}件，其中已超过办理期限{fb.overdue}件。"
        )
    else:
        parts = ", ".join(
            f"{r.received} {enum_label('feedback_kind', r.kind, 'en').lower()}" for r in kinds
        )
        first = (
            f"{fb.received} items came through the deputy and member channel ({parts}); "
            f"{fb.closed} have been closed, {fb.adopted} of them adopted or partly adopted; "
            f"{fb.open} are still open, {fb.overdue} of them past their deadline."
        )
    sv = items.supervision_total
    by = {r.source: r for r in items.supervision}
    if sv.raised == 0:
        second = (
            "本期无人大代表、政协委员提出的监督事项。"
            if zh
            else "Deputies and members raised no supervision findings in this period."
        )
    elif zh:
        second = (
            f"人大代表、政协委员提出监督事项{sv.raised}件（人大代表{by['npc_deputy'].raised}件、"
            f"政协委员{by['cppcc_member'].raised}件），已整改{sv.rectified}件"
            f"（按期{sv.rectified_on_time}件），未整改{sv.open}件，其中逾期{sv.overdue}件；"
            f"整改结果已向社会公开{sv.published}件。"
        )
    else:
        second = (
            f"Deputies and members raised {sv.raised} supervision findings "
            f"({by['npc_deputy'].raised} by NPC deputies, {by['cppcc_member'].raised} by CPPCC "
            f"members); {sv.rectified} have been rectified ({sv.rectified_on_time} on time) and "
            f"{sv.open} not yet, {sv.overdue} of them overdue; {sv.published} results were "
            f"made public."
        )
    return first, second
