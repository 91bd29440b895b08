"""The public summary: what may leave the building (methodology.md "Public summary").

Aggregates only, from the indicator counts; units of ``public_levels`` only;
every figure passes disclosure control (:mod:`reports.public.disclosure_control`:
controlled counts 0 / "<5" / rounded to 5, rates withheld when a part is 1 to 4,
one decimal everywhere, public scores from the published values alone); no
record id, title, finding or timestamp can reach the bundle because nothing but
the indicator counts and the unit names is read.
The files published are built from a :class:`PublicSummary` by
:mod:`reports.public.bundle`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import NamedTuple

import polars as pl

from queries.engine.gaps import record_span
from queries.engine.indicators import compute_table, period_summaries
from queries.model.catalogue import DIMENSION_CODES, INDICATORS
from queries.model.periods import Period
from queries.model.records import LEVEL_ORDER
from queries.model.settings import Settings
from queries.model.tree import unit_names
from queries.store.schemas import Frames
from queries.vocabulary.terms import TERMS
from queries.vocabulary.text import Text
from reports.briefing.model import as_of_text, trend_months
from reports.public.disclosure_control import (
    OK,
    Published,
    competition_ranks,
    is_controlled,
    public_count,
    public_scores,
    publish_indicator,
)


# counts published, each the n of an indicator that counts exactly these records
class PublicCount(NamedTuple):
    key: str  # the column of summary.csv, the key of summary.json's counts
    column: str  # the indicator table's n column that counts these records
    label: Text


COUNTS: tuple[PublicCount, ...] = (
    PublicCount(
        "disclosures_published",
        "O_CHANNELS_n",
        Text("期内发布公开信息", "Disclosures published"),
    ),
    PublicCount(
        "feedback_received",
        "S_REPEAT_n",
        Text("期内收到投诉建议等诉求", "Complaints and suggestions received"),
    ),
    PublicCount(
        "supervision_rectified",
        "O_SUPERVISION_PUBLIC_n",
        Text("期内整改完成的监督事项", "Supervision items rectified"),
    ),
)
# and of the rectified items, those whose result was made public
SUPERVISION_PUBLISHED = PublicCount(
    "supervision_published",
    "O_SUPERVISION_PUBLIC__num",
    Text("其中结果已公开", "of which result published"),
)

# the words printed for them: the vocabulary's
INSUFFICIENT_TEXT, NO_DATA_TEXT, INCOMPLETE_TEXT = (
    TERMS["insufficient"],
    TERMS["no_data"],
    TERMS["incomplete"],
)

# an indicator as published (value, n and status after disclosure control)
PublicFigure = Published


@dataclass(frozen=True)
class PublicUnit:
    unit_id: str
    name: str
    name_en: str
    level: str
    rank: int | None  # by the public overall score, among units of the same level
    scores: dict[str, float | None]  # public scores: openness, ..., overall (one decimal)
    figures: tuple[PublicFigure, ...]  # catalogue order
    counts: dict[str, int | str]  # the keys of COUNTS and SUPERVISION_PUBLISHED, controlled

    def figure(self, code: str) -> PublicFigure:
        return next(f for f in self.figures if f.code == code)


@dataclass(frozen=True)
class PublicSummary:
    period: Period
    as_of: datetime
    settings: Settings
    units: tuple[PublicUnit, ...]  # public levels, top level first, then by unit_id
    months: tuple[str, ...]  # trend months, YYYY-MM
    # unit_id -> score code -> public scores per month (None: no score that month)
    trend: dict[str, dict[str, tuple[float | None, ...]]]
    calendar_complete: bool

    @property
    def as_of_text(self) -> str:
        return as_of_text(self.as_of)

    def period_label(self, lang: str) -> str:
        return self.period.label(lang)


SCORE_KEYS = (*DIMENSION_CODES, "overall")


def _public_rows(
    frames: Frames, periods: list[Period], as_of: datetime, settings: Settings, ids: list[str]
) -> list[
    dict[str, tuple[tuple[PublicFigure, ...], dict[str, int | str], dict[str, float | None]]]
]:
    """Per period: unit_id -> (published figures, published counts, public scores)."""
    summaries = period_summaries(frames, periods, as_of, settings)
    # S_SATISFACTION's numerator as a count (satisfied + basically satisfied) is its
    # num when the weight is 1: with another weight, count once more with weight 1
    ones = (
        summaries
        if settings.basically_satisfied_weight == 1.0
        else period_summaries(
            frames, periods, as_of, replace(settings, basically_satisfied_weight=1.0)
        )
    )
    out = []
    for (wide, counts, _), (_, counts1, _) in zip(summaries, ones, strict=True):
        w = {r["unit_id"]: r for r in wide.filter(pl.col("unit_id").is_in(ids)).to_dicts()}
        c = {r["unit_id"]: r for r in counts.filter(pl.col("unit_id").is_in(ids)).to_dicts()}
        c1 = {r["unit_id"]: r for r in counts1.filter(pl.col("unit_id").is_in(ids)).to_dicts()}
        per_unit = {}
        for uid in ids:
            r, k = w[uid], c[uid]
            figures = []
            for ind in INDICATORS:
                num = None
                if ind.is_rate:
                    src = c1[uid] if ind.code == "S_SATISFACTION" else k
                    num = src.get(f"{ind.code}__num")
                figures.append(
                    publish_indicator(ind.code, r[ind.code], r[f"{ind.code}_n"], num, settings)
                )
            shown = {f.code: f.value for f in figures if f.status == OK}
            scores = public_scores(shown, settings)
            cnt: dict[str, int | str] = {}
            for count in COUNTS:
                n = int(r[count.column] or 0)
                controlled = is_controlled(count.column[:-2])
                cnt[count.key] = public_count(n, settings) if controlled else n
            published = round(k.get(SUPERVISION_PUBLISHED.column) or 0)
            cnt[SUPERVISION_PUBLISHED.key] = public_count(published, settings)
            per_unit[uid] = (tuple(figures), cnt, scores)
        out.append(per_unit)
    return out


class OutsideTheRecords(ValueError):
    """A period the database holds no record of: nothing to publish for it.

    ``reason`` is the run's one-line account (``the period ends before the first
    record: DATE``), ``day`` the record's day named."""

    def __init__(self, period: Period, reason: str, day: date) -> None:
        self.period, self.reason, self.day = period, reason, day
        super().__init__(
            f"{period} {reason.removeprefix('the period ')}: nothing to publish for it"
        )


class BeforeTheRecords(OutsideTheRecords):
    """A period that ends before the first record (a mistyped year, a new database)."""

    def __init__(self, period: Period, first: date) -> None:
        self.first = first
        super().__init__(period, f"the period ends before the first record ({first})", first)


class AfterTheRecords(OutsideTheRecords):
    """A period that begins after the latest record (its records not imported yet)."""

    def __init__(self, period: Period, latest: date) -> None:
        self.latest = latest
        super().__init__(period, f"the period begins after the latest record ({latest})", latest)


def public_summary(
    frames: Frames, period: Period, as_of: datetime, settings: Settings
) -> PublicSummary:
    """The figures of the public bundle after disclosure control (disclosure_control.py):
    from the indicator counts only; scores and ranks from the published figures.

    Raises :class:`BeforeTheRecords` for a period that ends before the first record and
    :class:`AfterTheRecords` for one that begins after the latest record at the as-of:
    every unit would be published with a catalogue coverage of 0, for a time the
    database does not reach back to, or whose records are not imported yet."""
    first, latest = record_span(frames, as_of)
    if first is not None and period.end < first:
        raise BeforeTheRecords(period, first)
    if latest is not None and period.start > latest:
        raise AfterTheRecords(period, latest)
    result = compute_table(frames, period, as_of, settings)
    levels = [lv for lv in LEVEL_ORDER if lv in settings.public_levels]
    table = result.table.filter(pl.col("level").is_in(levels))
    order = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    rows = sorted(table.to_dicts(), key=lambda r: (order[r["level"]], r["unit_id"]))
    ids = [r["unit_id"] for r in rows]
    # a name two units share is made unique (its parent's name): never one bar for two
    names_zh, names_en = unit_names(frames.units, "zh"), unit_names(frames.units, "en")
    months = trend_months(period, as_of)
    # the period and the trend months overlap: two passes (period_summaries needs disjoint)
    (now,) = _public_rows(frames, [period], as_of, settings, ids)
    by_month = _public_rows(frames, months, as_of, settings, ids)
    ranks: dict[str, int | None] = {}
    for lv in levels:
        ranks |= competition_ranks(
            {r["unit_id"]: now[r["unit_id"]][2]["overall"] for r in rows if r["level"] == lv}
        )
    units = [
        PublicUnit(
            unit_id=r["unit_id"],
            name=names_zh[r["unit_id"]],
            name_en=names_en[r["unit_id"]],
            level=r["level"],
            rank=ranks[r["unit_id"]],
            scores=now[r["unit_id"]][2],
            figures=now[r["unit_id"]][0],
            counts=now[r["unit_id"]][1],
        )
        for r in rows
    ]
    trend = {uid: {c: tuple(m[uid][2][c] for m in by_month) for c in SCORE_KEYS} for uid in ids}
    return PublicSummary(
        period=period,
        as_of=as_of,
        settings=settings,
        units=tuple(units),
        months=tuple(str(m) for m in months),
        trend=trend,
        calendar_complete=result.calendar_complete,
    )
