"""Deputies' and members' own items: the deputy channel and their supervision findings.

NPC deputies and CPPCC members read the briefing for what happened to what
*they* raised. These counts are not indicators (the indicator table has no
per-channel rows), so they are counted by :func:`deputy_items`, by the records'
engine from the indicators' own status expressions
(:mod:`queries.engine.relational.deputies`), with the same period, as-of and subtree
rules as the indicators (methodology.md "Scope"):

- a record belongs to the period by its anchor (``received_at``, ``opened_on``),
  start 00:00 <= t < (day after end) 00:00, and does not exist if anchored after as-of;
- a later ``first_response_at``, ``closed_at``, ``rectified_on`` or
  ``result_published_on`` is treated as empty;
- the scope is a unit and every unit below it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from queries.engine.relational.deputies import (
    DEPUTY_SOURCES,
    FEEDBACK_COUNTS,
    SUPERVISION_COUNTS,
    deputy_counts,
)
from queries.model.periods import Period
from queries.model.settings import Settings
from queries.model.tree import Tree
from queries.store.schemas import Frames
from queries.store.sources import sources_of
from queries.vocabulary.enums import enum_label

# feedback kinds in the order the briefing lists them
FEEDBACK_KIND_ORDER = ("suggestion", "opinion", "complaint", "report", "enquiry")


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


def deputy_items(
    frames: Frames,
    unit_ids: Iterable[str],
    period: Period,
    as_of: datetime,
    settings: Settings,
) -> DeputyItems:
    """Count the deputy channel's feedback and the deputies' supervision findings of
    ``period`` at ``as_of`` for the units ``unit_ids`` (a scope: a unit and its subtree,
    :func:`subtree_ids`).

    Computed by the records' engine (:mod:`queries.engine.relational.deputies`: the
    indicators' status expressions, grouped per unit; no record read into Python),
    once per frames, period and as-of; the scope's figures are the sums over its units.

    Raises :class:`~queries.store.sources.EngineUnavailable` when the engine cannot run.
    """
    key = ("deputy_counts", period, as_of, settings.fingerprint())
    counts: dict[str, pl.DataFrame] | None = frames.memo.get(key)
    if counts is None:
        counts = deputy_counts(sources_of(frames), period, as_of, settings)
        frames.memo[key] = counts
    ids = list(unit_ids)

    def summed(name: str, by: str, columns: tuple[str, ...]) -> dict[str, dict[str, int]]:
        mine = counts[name].filter(pl.col("unit_id").is_in(ids))
        per = mine.group_by(by).agg(pl.col(c).sum() for c in columns)
        total = {c: int(mine[c].sum()) for c in columns}
        return {str(r[by]): {c: int(r[c]) for c in columns} for r in per.iter_rows(named=True)} | {
            "total": total
        }

    fb = summed("feedback", "kind", FEEDBACK_COUNTS)

    def fcounts(kind: str, n: dict[str, int]) -> FeedbackCounts:
        return FeedbackCounts(kind=kind, open=n["received"] - n["closed"], **n)

    fb_rows = [fcounts(k, fb[k]) for k in FEEDBACK_KIND_ORDER if fb.get(k, {}).get("received")]
    fb_rows.append(fcounts("total", fb["total"]))

    sv = summed("supervision", "source", SUPERVISION_COUNTS)
    none = dict.fromkeys(SUPERVISION_COUNTS, 0)

    def scounts(source: str, n: dict[str, int]) -> SupervisionCounts:
        return SupervisionCounts(source=source, open=n["raised"] - n["rectified"], **n)

    sv_rows = [scounts(s, sv.get(s, none)) for s in DEPUTY_SOURCES]
    sv_rows.append(scounts("total", sv["total"]))
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
