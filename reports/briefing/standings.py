"""The strongest and weakest units of each level, and what pulls the weak ones down.

Works on rows of the indicator table (already restricted to a scope): the
units of a level are ordered by their overall score; a weak unit's weak
points are its scored indicators furthest below the level's median (over the
units of the level with enough data for that indicator).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import polars as pl

from queries.model.catalogue import INDICATORS, Indicator
from queries.model.records import LEVEL_ORDER
from queries.model.settings import Settings
from queries.vocabulary.enums import enum_label
from queries.vocabulary.terms import TERMS
from reports.wording import pct, score_points

# how many units of a level the briefing names as strongest and as weakest
TOP_K = 3
# how many indicators it names as pulling a weak unit down
WEAK_POINTS = 2


def _ind(code: str) -> Indicator:
    return next(i for i in INDICATORS if i.code == code)


def is_insufficient(ind: Indicator, n: int | None, min_sample: int) -> bool:
    """Marked insufficient (methodology "Confidence and small samples")."""
    return (not ind.min_sample_exempt) and n is not None and 0 < n < min_sample


@dataclass(frozen=True)
class WeakPoint:
    """An indicator on which a unit is below its level's median."""

    code: str
    label: str
    value: float
    median: float


@dataclass(frozen=True)
class UnitLine:
    unit_id: str
    name: str
    overall: float
    rank: int | None
    weak: tuple[WeakPoint, ...] = ()


@dataclass(frozen=True)
class LevelStanding:
    """The strongest and weakest units of one level within the scope."""

    level: str
    label: str
    units: int  # units of this level in the scope
    ranked: int  # of which have an overall score
    median_overall: float | None
    strongest: tuple[UnitLine, ...]
    weakest: tuple[UnitLine, ...]  # lowest first
    all_ranked: tuple[UnitLine, ...]  # every ranked unit, highest first (for the chart)
    sentences: tuple[str, ...]


def level_standings(
    scope_table: pl.DataFrame,
    scope_level: str,
    settings: Settings,
    names: dict[str, str],
    lang: str,
) -> tuple[LevelStanding, ...]:
    """Strongest and weakest units of each level below the scope unit's."""
    below = LEVEL_ORDER[LEVEL_ORDER.index(scope_level) + 1 :]
    out = []
    for level in below:
        rows = scope_table.filter(pl.col("level") == level).to_dicts()
        if not rows:
            continue
        ranked = sorted(
            (r for r in rows if r["overall"] is not None),
            key=lambda r: (-r["overall"], r["unit_id"]),
        )
        medians = _level_medians(rows, settings)
        m = len(ranked)
        k_top = min(TOP_K, (m + 1) // 2)
        k_bottom = min(TOP_K, m - k_top)

        strongest = tuple(_unit_line(r, names) for r in ranked[:k_top])
        weakest = tuple(
            _unit_line(r, names, _weak_points(r, medians, settings, lang))
            for r in reversed(ranked[m - k_bottom :])
        )
        label = enum_label("level", level, lang)
        overall_median = statistics.median(float(r["overall"]) for r in ranked) if ranked else None
        out.append(
            LevelStanding(
                level=level,
                label=label,
                units=len(rows),
                ranked=m,
                median_overall=overall_median,
                strongest=strongest,
                weakest=weakest,
                all_ranked=tuple(_unit_line(r, names) for r in ranked),
                sentences=_level_sentences(label, len(rows), m, strongest, weakest, lang),
            )
        )
    return tuple(out)


def _unit_line(
    r: dict[str, object], names: dict[str, str], weak: tuple[WeakPoint, ...] = ()
) -> UnitLine:
    return UnitLine(
        unit_id=str(r["unit_id"]),
        name=names[str(r["unit_id"])],
        overall=float(r["overall"]),  # type: ignore[arg-type]
        rank=None if r["rank"] is None else int(r["rank"]),  # type: ignore[call-overload]
        weak=weak,
    )


def _level_medians(rows: list[dict[str, object]], settings: Settings) -> dict[str, float]:
    """Median of each scored indicator over the level's units that have enough data."""
    out = {}
    for ind in INDICATORS:
        if not ind.scored or settings.indicator_weight(ind.code) <= 0:
            continue
        values = [
            float(r[ind.code])  # type: ignore[arg-type]
            for r in rows
            if r[ind.code] is not None
            and not is_insufficient(ind, r[f"{ind.code}_n"], settings.min_sample)  # type: ignore[arg-type]
        ]
        if values:
            out[ind.code] = statistics.median(values)
    return out


def _weak_points(
    row: dict[str, object], medians: dict[str, float], settings: Settings, lang: str
) -> tuple[WeakPoint, ...]:
    """The unit's scored indicators furthest below the level median."""
    gaps = []
    for code, median in medians.items():
        ind = _ind(code)
        v = row[code]
        if v is None or is_insufficient(ind, row[f"{code}_n"], settings.min_sample):  # type: ignore[arg-type]
            continue
        if float(v) < median:  # type: ignore[arg-type]
            gaps.append(WeakPoint(code, ind.name(lang), float(v), median))  # type: ignore[arg-type]
    gaps.sort(key=lambda w: (w.value - w.median, w.code))
    return tuple(gaps[:WEAK_POINTS])


def _level_sentences(
    label: str,
    units: int,
    ranked: int,
    strongest: tuple[UnitLine, ...],
    weakest: tuple[UnitLine, ...],
    lang: str,
) -> tuple[str, ...]:
    zh = lang == "zh"
    if not ranked:
        return (
            (f"{units}个{label}均因数据不完整未排名。",)
            if zh
            else (f"None of the {units} {label.lower()} units has a complete score.",)
        )

    def names(lines: tuple[UnitLine, ...]) -> str:
        sep = "、" if zh else ", "
        fmt = "{}（{}）" if zh else "{} ({})"
        return sep.join(fmt.format(u.name, score_points(u.overall, lang)) for u in lines)

    if ranked == 1 and strongest:  # one score is no ranking: nobody leads or trails it
        only = strongest[0]
        return (
            (
                f"{units}个{label}中只有{only.name}有完整得分"
                f"（{score_points(only.overall, lang)}），不作排名比较。",
            )
            if zh
            else (
                f"Only {only.name} of the {units} {label.lower()} units has a complete score "
                f"({score_points(only.overall, lang)}): there is no ranking to compare.",
            )
        )
    median = TERMS["peers_median"].of(lang)
    out = []
    if zh:
        head = f"{units}个{label}中{ranked}个有完整得分"
        head += f"，{names(strongest)}居前" if strongest else ""
        head += f"；{names(weakest)}居后。" if weakest else "。"
    else:
        head = f"{ranked} of {units} {label.lower()} units have a complete score"
        head += f"; {names(strongest)} lead" if strongest else ""
        head += f", and {names(weakest)} trail." if weakest else "."
    out.append(head)
    for u in weakest:
        if not u.weak:
            continue
        if zh:
            parts = "、".join(f"{w.label}{pct(w.value)}（{median}{pct(w.median)}）" for w in u.weak)
            out.append(f"{u.name}主要失分在{parts}。")
        else:
            parts = " and ".join(
                f"{w.label.lower()} at {pct(w.value)} ({median} {pct(w.median)})" for w in u.weak
            )
            out.append(f"{u.name} is held back by {parts}.")
    return tuple(out)
