"""Goals in words, one wording for the dashboard and the briefing: a value against its
goal (met / not met, by how much), and a unit below its goal said apart from the
funnel's target (the peers' rate): a goal is what leadership asked for, the funnel what
chance explains among peers; a unit can be below the one and inside the other.
"""

from __future__ import annotations

from collections.abc import Sequence

from queries.engine.goals import Standing
from queries.model.catalogue import indicator
from queries.model.indicator import Direction, Unit
from queries.vocabulary.formats import days, pct
from queries.vocabulary.text import Text

GOAL_TEXTS: dict[str, Text] = {
    "goal": Text("目标值", "goal"),
    "met": Text("达到目标值", "meets the goal"),
    "not_met": Text("未达目标值", "below the goal"),
    # fewer is better (days to close): missing the goal is being above it
    "not_met_lower": Text("未达目标值", "above the goal"),
    "by": Text("差{gap}", "short by {gap}"),
    "by_lower": Text("差{gap}", "over by {gap}"),
    "ahead": Text("优于目标{gap}", "ahead by {gap}"),
    "exactly": Text("恰好持平", "exactly on it"),
    "points": Text("个百分点", " pt"),
    # a goal is not a signal: below the goal but inside the funnel is both
    "inside_funnel": Text(
        "但与同级单位相比，差异在随机波动范围内（漏斗图内，不构成信号）",
        "yet among its peers the difference is within what chance explains (inside the "
        "funnel: not a signal)",
    ),
    "worse_funnel": Text(
        "与同级单位相比也差于随机波动所能解释的程度（不利的漏斗图信号）",
        "and among its peers it is also worse than chance explains (an unfavourable funnel signal)",
    ),
    "better_funnel": Text(
        "而与同级单位相比好于随机波动所能解释的程度（有利的漏斗图信号）",
        "while among its peers it is better than chance explains (a favourable funnel signal)",
    ),
    "sentence": Text(
        "{name}{value}，{verdict}{goal}（{how}）",
        "{name} {value}: {verdict} of {goal} ({how})",
    ),
    # {are}: "unit is" / "units are"; {side}: below, or above where fewer is better
    "below_list": Text(
        "{name}目标值为{goal}，未达到的单位{count}个：{units}。",
        "{count} {are} {side} the {name} goal of {goal}: {units}.",
    ),
    "below_list_own": Text(
        "{name}未达到本单位目标值的单位{count}个：{units}。",
        "{count} {are} {side} {own} own {name} goal: {units}.",
    ),
    "more": Text("等", " and {k} more"),
    "all_met": Text("{name}：有目标值的单位均已达到。", "{name}: every unit with a goal meets it."),
    "goal_note": Text(
        "目标值由局领导设定，是对工作的要求；它不是漏斗图的“同级比率”，也不是信号。",
        "Goals are set by leadership as what the work should reach; a goal is not the "
        "funnel's peer rate, and not a signal.",
    ),
}


def word(key: str, lang: str) -> str:
    return GOAL_TEXTS[key].of(lang)


def _fewer_is_better(code: str) -> bool:
    return indicator(code).direction != Direction.HIGHER


def _not_met(code: str, lang: str) -> str:
    return word("not_met_lower" if _fewer_is_better(code) else "not_met", lang)


def value_text(code: str, value: float, lang: str) -> str:
    """A value or a goal as printed: a percent for shares, days for R_CLOSE_DAYS."""
    return days(value, lang) if indicator(code).unit == Unit.DAYS else pct(value)


def gap_text(code: str, gap: float, lang: str) -> str:
    """How far from the goal, without a sign: ``2.0 个百分点`` / ``2.0 pt``, or days.

    >>> gap_text("R_ONTIME", -0.02, "en"), gap_text("R_CLOSE_DAYS", 1.5, "zh")
    ('2.0 pt', '1.5 天')
    """
    if indicator(code).unit == Unit.DAYS:
        return days(abs(gap), lang)
    return f"{abs(gap) * 100:.1f}{word('points', lang)}"


def how_far(s: Standing, lang: str) -> str:
    """``差 2.0 个百分点`` / ``short by 2.0 pt`` below the goal, ``ahead by ...`` above it
    (for lower-is-better indicators "ahead" is below the goal)."""
    better = s.gap if indicator(s.code).direction == Direction.HIGHER else -s.gap
    if round(abs(s.gap) * (1 if indicator(s.code).unit == Unit.DAYS else 100), 1) == 0:
        return word("exactly", lang)
    key = "ahead" if better > 0 else "by_lower" if _fewer_is_better(s.code) else "by"
    return GOAL_TEXTS[key].of(lang).format(gap=gap_text(s.code, s.gap, lang))


def standing_cell(s: Standing | None, lang: str) -> str:
    """A table cell: ``✓ 达到目标值 95.0%（超出 1.0 个百分点）`` / ``✗ below the goal ...``;
    "" where no goal applies or the value is unknown.

    >>> s = Standing("R_ONTIME", 0.93, 0.95, False)
    >>> standing_cell(s, "en")
    '✗ below the goal 95.0% (short by 2.0 pt)'
    """
    if s is None:
        return ""
    mark = "✓ " if s.met else "✗ "
    verdict = word("met", lang) if s.met else _not_met(s.code, lang)
    goal = value_text(s.code, s.goal, lang)
    how = how_far(s, lang)
    return mark + (f"{verdict}{goal}（{how}）" if lang == "zh" else f"{verdict} {goal} ({how})")


def standing_sentence(s: Standing, lang: str, funnel: str | None = None) -> str:
    """One unit's value against its goal in a sentence; below the goal, what the funnel
    says beside it, kept apart (``funnel``: :func:`queries.engine.goals.funnel_state`).

    >>> s = Standing("R_ONTIME", 0.93, 0.95, False)
    >>> standing_sentence(s, "en", "within")  # doctest: +NORMALIZE_WHITESPACE
    'Closed on time 93.0%: below the goal of 95.0% (short by 2.0 pt); yet among its peers
    the difference is within what chance explains (inside the funnel: not a signal).'
    """
    name = indicator(s.code).name(lang)
    text = (
        GOAL_TEXTS["sentence"]
        .of(lang)
        .format(
            name=name,
            value=value_text(s.code, s.value, lang),
            verdict=word("met", lang) if s.met else _not_met(s.code, lang),
            goal=value_text(s.code, s.goal, lang),
            how=how_far(s, lang),
        )
    )
    said = {"within": "inside_funnel", "worse": "worse_funnel", "better": "better_funnel"}
    if not s.met and funnel in said:
        text += ("，" if lang == "zh" else "; ") + word(said[funnel], lang)
    return text + ("。" if lang == "zh" else ".")


def below_list_sentence(
    code: str, goal: float | None, below: Sequence[tuple[str, Standing]], lang: str, most: int = 10
) -> str:
    """Which units are below the goal of ``code``, furthest first with by how much
    (``goal``: the one goal they share, or None when theirs differ); at most ``most``
    named. Every unit meeting it when ``below`` is empty.

    >>> s = Standing("R_ONTIME", 0.93, 0.95, False)
    >>> below_list_sentence("R_ONTIME", 0.95, [("B01", s)], "en")
    '1 unit is below the Closed on time goal of 95.0%: B01 (short by 2.0 pt).'
    >>> d = Standing("R_CLOSE_DAYS", 7.5, 3.0, False)
    >>> below_list_sentence("R_CLOSE_DAYS", 3.0, [("B01", d), ("B02", d)], "en")
    '2 units are above the Days to close goal of 3.0 days: B01 (over by 4.5 days), B02 (over by 4.5 days).'
    """
    name = indicator(code).name(lang)
    if not below:
        return GOAL_TEXTS["all_met"].of(lang).format(name=name)
    sep = "、" if lang == "zh" else ", "
    ranked = sorted(below, key=lambda b: -abs(b[1].gap))
    items = [
        f"{u}（{how_far(s, lang)}）" if lang == "zh" else f"{u} ({how_far(s, lang)})"
        for u, s in ranked[:most]
    ]
    units = sep.join(items)
    if len(ranked) > most:
        units += word("more", lang).format(k=len(ranked) - most)
    key = "below_list" if goal is not None else "below_list_own"
    shown = value_text(code, goal, lang) if goal is not None else ""
    one = len(below) == 1
    return GOAL_TEXTS[key].of(
        lang,
        name=name,
        goal=shown,
        count=len(below),
        units=units,
        are="unit is" if one else "units are",
        side="above" if _fewer_is_better(code) else "below",
        own="its" if one else "their",
    )
