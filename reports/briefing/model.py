"""The liaison briefing's facts: every number it prints and the sentences built from them.

The liaison office hands this to NPC deputies and CPPCC members. It is built
in one place, :func:`build_briefing`, and rendered by
:mod:`reports.briefing.docx` and :mod:`reports.briefing.html`, which add no
number of their own.

Every score and indicator figure is copied from
:func:`queries.engine.indicators.indicator_table` for the same period, scope and
as-of (and for the previous period and the same period last year); level
medians are medians of those copied values. The only counts that are not in
the indicator table, the deputies' own items, come from
:func:`reports.briefing.deputies.deputy_items`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

import polars as pl

from queries.engine.funnel import funnel_signals
from queries.engine.gaps import Gap, data_gaps, record_span
from queries.engine.indicators import compute_table, indicator_table
from queries.engine.series import monthly_scores
from queries.model.catalogue import DIMENSION_CODES, DIMENSIONS, INDICATORS, Indicator, Unit
from queries.model.periods import Period
from queries.model.settings import Settings
from queries.model.tree import Tree, unit_names
from queries.store.schemas import Frames
from queries.vocabulary.terms import dimension_score
from reports.briefing.deputies import DeputyItems, deputy_items, subtree_ids
from reports.briefing.goals import GoalPart, NoteLine, goal_part, note_lines
from reports.briefing.signals import SignalPart, signal_part
from reports.briefing.standings import LevelStanding, is_insufficient, level_standings
from reports.wording import change_sentence, indicator_value, pct, score, t


@dataclass(frozen=True)
class FigureLine:
    """A score or an indicator of the scope unit, now and at the two comparison points."""

    code: str  # overall, a dimension code or an indicator code
    label: str
    fmt: str  # score | pct | days
    now: float | None
    previous: float | None
    last_year: float | None
    n: int | None  # sample size now (indicators only)
    insufficient: bool  # n below min_sample: shown, flagged, not scored
    sentence: str
    dimension: str | None = None  # the indicator's dimension
    scored: bool = True

    def show(self, value: float | None, lang: str) -> str:
        if value is None:
            return t("no_data", lang)
        if self.fmt == "pct":
            return pct(value)
        if self.fmt == "days":
            return indicator_value(_ind(self.code), value, lang)
        return score(value)


@dataclass(frozen=True)
class SupervisionPublic:
    """O_SUPERVISION_PUBLIC of the scope unit, as counts."""

    rectified: int  # supervision items rectified in the period (the indicator's n)
    published: int  # of which the result was made public
    internal: int  # of which it was kept internal
    rate: float | None
    insufficient: bool
    sentence: str


@dataclass(frozen=True)
class ScopeSection:
    """Everything the briefing says about one scope unit (and its subtree)."""

    unit_id: str
    name: str
    level: str
    rank: int | None
    headline: tuple[FigureLine, ...]  # overall, then the dimensions
    indicators: tuple[FigureLine, ...]  # catalogue order
    levels: tuple[LevelStanding, ...]
    deputies: DeputyItems
    supervision_public: SupervisionPublic
    # overall and dimension scores per month of Briefing.trend_months (None: no score)
    trend: dict[str, tuple[float | None, ...]] = field(default_factory=dict)
    # which differences are larger than chance (reports.briefing.signals)
    signals: SignalPart | None = None
    goals: GoalPart | None = None  # None: no unit of the scope has a goal
    notes: tuple[NoteLine, ...] = ()  # the notes of the period that cover its units


@dataclass(frozen=True)
class Freshness:
    latest_import_at: datetime | None
    latest_record_on: date | None


@dataclass(frozen=True)
class Briefing:
    lang: str
    period: Period
    as_of: datetime
    sections: tuple[ScopeSection, ...]
    freshness: Freshness
    min_sample: int
    overall_weights: dict[str, float]
    weights: dict[str, dict[str, float]]
    calendar_complete: bool = True  # the working-day calendar covered every day counted
    trend_months: tuple[str, ...] = ()  # YYYY-MM, for ScopeSection.trend
    gaps: tuple[Gap, ...] = ()  # what the database lacks (queries.engine.gaps)

    @property
    def period_label(self) -> str:
        return self.period.label(self.lang)

    @property
    def previous_label(self) -> str:
        return self.period.previous().label(self.lang)

    @property
    def last_year_label(self) -> str:
        return self.period.same_period_last_year().label(self.lang)

    @property
    def as_of_text(self) -> str:
        return as_of_text(self.as_of)

    @property
    def shows_last_year(self) -> bool:
        """False for a year, whose previous period already is the same period last year."""
        return self.period.previous() != self.period.same_period_last_year()


def as_of_text(as_of: datetime) -> str:
    """``2026-04-10`` for midnight, else ``2026-04-10 12:00``."""
    if as_of.time() == datetime.min.time():
        return as_of.date().isoformat()
    return as_of.strftime("%Y-%m-%d %H:%M")


def _ind(code: str) -> Indicator:
    return next(i for i in INDICATORS if i.code == code)


def _fmt(ind: Indicator) -> str:
    return "days" if ind.unit == Unit.DAYS else "pct"


def _row(table: pl.DataFrame, unit_id: str) -> dict[str, object] | None:
    rows = table.filter(pl.col("unit_id") == unit_id).to_dicts()
    return rows[0] if rows else None


def _get(row: dict[str, object] | None, col: str) -> float | None:
    if row is None:
        return None
    v = row.get(col)
    return None if v is None else float(v)  # type: ignore[arg-type]


def _unit_names(frames: Frames, lang: str) -> dict[str, str]:
    return unit_names(frames.units, lang)


def scope_roots(frames: Frames, unit_id: str | None) -> list[str]:
    """The given unit, or every root unit (the whole bureau)."""
    if unit_id is not None:
        if unit_id not in set(frames.units["unit_id"].to_list()):
            raise ValueError(f"unknown unit {unit_id!r}")
        return [unit_id]
    # a unit whose parent is missing counts as a root (queries.model.tree)
    return list(Tree.from_units(frames.units).roots)


def build_briefing(
    frames: Frames,
    period: Period,
    as_of: datetime,
    settings: Settings,
    *,
    unit_id: str | None = None,
    lang: str = "zh",
    latest_import_at: datetime | None = None,
    goals: pl.DataFrame | None = None,
    notes: pl.DataFrame | None = None,
) -> Briefing:
    """The briefing for ``period`` at ``as_of``: one section per scope unit.

    The scope is ``unit_id`` and its subtree, or each root unit (the whole
    bureau) when it is None. ``goals`` (queries.access.goals.list_goals): a sentence
    per scope on its goals; ``notes`` (queries.access.notes.list_notes): those that
    overlap the period and cover a unit of the scope are listed.
    """
    roots = scope_roots(frames, unit_id)
    # compute_table(...).for_unit(unit) is indicator_table(..., unit_id=unit), plus
    # whether the working-day calendar covered every day counted
    current = compute_table(frames, period, as_of, settings)
    first, latest = record_span(frames, as_of)
    # a period that ends before the first record is not one where every unit did
    # nothing: the database does not reach back so far, so it has no figures to compare
    # with (not a score of 0; docs/DECISIONS.md, "Briefing")
    tables = {"now": current.for_unit(unit_id)} | {
        key: (
            indicator_table(frames, p, as_of, settings, unit_id=unit_id)
            if first is not None and p.end >= first
            else pl.DataFrame(schema={"unit_id": pl.String})
        )
        for key, p in (
            ("previous", period.previous()),
            ("last_year", period.same_period_last_year()),
        )
    }
    names = _unit_names(frames, lang)
    months = trend_months(period, as_of)
    labels = tuple(str(m) for m in months)
    scores = monthly_scores(frames, as_of, settings, unit_ids=roots, months=months)
    sections = tuple(
        _section(frames, period, as_of, settings, root, tables, names, lang) for root in roots
    )
    with_goals = current.for_unit(None, goals) if goals is not None and goals.height else None
    funnel = funnel_signals(frames, period, as_of, settings) if with_goals is not None else None
    sections = tuple(
        replace(
            s,
            goals=None
            if with_goals is None or funnel is None
            else goal_part(
                with_goals,
                s.unit_id,
                subtree_ids(frames.units, [s.unit_id]),
                funnel,
                names,
                lang,
            ),
            notes=_notes(frames, [s.unit_id], period, notes, names, lang),
            trend=_trend(scores, s.unit_id, labels),
            signals=signal_part(
                frames,
                period,
                as_of,
                settings,
                sorted(subtree_ids(frames.units, [s.unit_id])),
                names,
                lang,
            ),
        )
        for s in sections
    )
    return Briefing(
        calendar_complete=current.calendar_complete,
        trend_months=labels,
        lang=lang,
        period=period,
        as_of=as_of,
        sections=sections,
        freshness=Freshness(latest_import_at, latest),
        min_sample=settings.min_sample,
        overall_weights=dict(settings.overall_weights),
        weights={d: dict(w) for d, w in settings.weights.items()},
        gaps=tuple(data_gaps(frames)),
    )


def _notes(
    frames: Frames,
    roots: list[str],
    period: Period,
    notes: pl.DataFrame | None,
    names: dict[str, str],
    lang: str,
) -> tuple[NoteLine, ...]:
    """The notes that overlap ``period`` and cover a unit of the scope: on a unit of a
    root's subtree or above a root."""
    if notes is None or notes.height == 0:
        return ()
    tree = Tree.from_units(frames.units)
    ids = set(subtree_ids(frames.units, roots))
    for r in roots:
        ids.update(tree.ancestors(r))
    shown = notes.filter(
        pl.col("unit_id").is_in(sorted(ids))
        & (pl.col("from_date") <= period.end)
        & (pl.col("to_date") >= period.start)
    )
    return note_lines(shown, names, lang)


def trend_months(period: Period, as_of: datetime, count: int = 12) -> list[Period]:
    """The ``count`` months ending with the period's last month (or as-of's, if earlier)."""
    last = Period.containing_month(min(period.end, as_of.date()))
    out = [last]
    while len(out) < count:
        out.append(out[-1].previous())
    return out[::-1]


def _section(
    frames: Frames,
    period: Period,
    as_of: datetime,
    settings: Settings,
    root: str,
    tables: dict[str, pl.DataFrame],
    names: dict[str, str],
    lang: str,
) -> ScopeSection:
    rows = {k: _row(tab, root) for k, tab in tables.items()}
    distinct = period.previous() != period.same_period_last_year()
    now = rows["now"]
    assert now is not None, f"unit {root} missing from the indicator table"

    headline = []
    for code, label in [("overall", t("overall", lang))] + [
        (d.code, dimension_score(d.code).of(lang)) for d in DIMENSIONS
    ]:
        v_now, v_prev, v_last = (_get(rows[k], code) for k in ("now", "previous", "last_year"))
        # a year's previous period is the same period last year: compare once
        sentence = change_sentence(
            label, v_now, v_prev, v_last if distinct else None, "score", lang
        )
        if code == "overall" and v_now is None:
            sentence = (
                f"{label}：{t('incomplete', lang)}。"
                if lang == "zh"
                else (f"{label}: {t('incomplete', lang)}.")
            )
        headline.append(
            FigureLine(code, label, "score", v_now, v_prev, v_last, None, False, sentence)
        )

    indicators = []
    for ind in INDICATORS:
        v_now, v_prev, v_last = (_get(rows[k], ind.code) for k in ("now", "previous", "last_year"))
        n_raw = now.get(f"{ind.code}_n")
        n = None if n_raw is None else int(n_raw)  # type: ignore[call-overload]
        insufficient = is_insufficient(ind, n, settings.min_sample)
        label = ind.name(lang)
        sentence = change_sentence(
            label,
            v_now,
            v_prev,
            v_last if distinct else None,
            _fmt(ind),
            lang,
            n=n,
            insufficient=insufficient,
            min_sample=settings.min_sample,
        )
        indicators.append(
            FigureLine(
                ind.code,
                label,
                _fmt(ind),
                v_now,
                v_prev,
                v_last,
                n,
                insufficient,
                sentence,
                dimension=ind.dimension,
                scored=ind.scored,
            )
        )

    members = subtree_ids(frames.units, [root])
    scope_table = tables["now"].filter(pl.col("unit_id").is_in(list(members)))
    levels = level_standings(scope_table, str(now["level"]), settings, names, lang)

    deputies = deputy_items(frames, members, period, as_of, settings)
    rank = now.get("rank")
    return ScopeSection(
        unit_id=root,
        name=names[root],
        level=str(now["level"]),
        rank=None if rank is None else int(rank),  # type: ignore[call-overload]
        headline=tuple(headline),
        indicators=tuple(indicators),
        levels=levels,
        deputies=deputies,
        supervision_public=_supervision_public(now, settings, lang),
    )


def _trend(
    scores: pl.DataFrame, unit_id: str, months: tuple[str, ...]
) -> dict[str, tuple[float | None, ...]]:
    """The unit's scores in each of ``months`` (None where it has no row)."""
    rows = {r["month"]: r for r in scores.filter(pl.col("unit_id") == unit_id).to_dicts()}
    return {c: tuple(rows.get(m, {}).get(c) for m in months) for c in ("overall", *DIMENSION_CODES)}


def _supervision_public(row: dict[str, object], settings: Settings, lang: str) -> SupervisionPublic:
    rate = _get(row, "O_SUPERVISION_PUBLIC")
    n_raw = row.get("O_SUPERVISION_PUBLIC_n")
    n = 0 if n_raw is None else int(n_raw)  # type: ignore[call-overload]
    # the rate is published / n exactly, so this recovers the count
    published = 0 if rate is None else round(rate * n)
    insufficient = is_insufficient(_ind("O_SUPERVISION_PUBLIC"), n, settings.min_sample)
    if lang == "zh":
        sentence = (
            f"期内整改完成的监督事项{n}件，其中结果向社会公开{published}件、"
            f"仅内部掌握{n - published}件"
        )
        sentence += f"，公开率{pct(rate)}。" if rate is not None else "。"
    else:
        sentence = (
            f"Of {n} supervision items rectified in the period, {published} had their result "
            f"made public and {n - published} were kept internal"
        )
        sentence += f" ({pct(rate)} published)." if rate is not None else "."
    return SupervisionPublic(n, published, n - published, rate, insufficient, sentence)
