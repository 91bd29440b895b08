"""The reports' own texts and the plain sentences built from their figures.

Number formats (:func:`pct`, :func:`score`, :func:`days`, :func:`count`) are
the vocabulary's (:mod:`queries.vocabulary.formats`), re-exported, so that
"78.0%" in a sentence, a table, a chart label and the dashboard is the same
rounding of the same table value.
"""

from __future__ import annotations

from queries.model.catalogue import Indicator, Unit
from queries.vocabulary.formats import count, days, pct, score, score_points
from queries.vocabulary.terms import TERMS, UNITS
from queries.vocabulary.text import Text

__all__ = [
    "TEXT",
    "change_sentence",
    "count",
    "days",
    "indicator_value",
    "pct",
    "score",
    "score_points",
    "t",
]

_INSUFFICIENT, _INCOMPLETE, _MEDIAN = (
    TERMS["insufficient"],
    TERMS["incomplete"],
    TERMS["peers_median"],
)

# the reports' own texts, keyed by an id; shared terms come from queries.vocabulary
TEXT: dict[str, Text] = {
    "no_data": TERMS["no_data"],
    "insufficient": _INSUFFICIENT,
    "incomplete": Text(
        f"{_INCOMPLETE.zh}，{TERMS['not_ranked'].zh}", f"{_INCOMPLETE.en}, {TERMS['not_ranked'].en}"
    ),
    "previous": TERMS["previous"],
    "last_year": TERMS["last_year"],
    "now": TERMS["this_period"],
    "overall": TERMS["overall"],
    # the briefing
    "b.title": Text("警务公开工作情况通报", "Police Affairs Openness Briefing"),
    "b.subtitle": Text("供人大代表、政协委员参阅", "For NPC deputies and CPPCC members"),
    "b.scope": Text("范围", "Scope"),
    "b.period": Text("统计周期", "Period"),
    "b.as_of": Text("数据截至", "As of"),
    "b.part.overall": Text("总体情况", "Overall"),
    "b.part.indicators": Text("分项指标", "Indicators"),
    "b.part.units": Text("各单位情况", "Units"),
    "b.part.deputies": Text("代表委员反映事项办理情况", "Items raised by deputies and members"),
    "b.part.supervision_public": Text("监督结果公开情况", "Supervision results made public"),
    "b.part.signals": Text("差异是否超出偶然", "Which differences are real"),
    "b.part.notes": Text("说明", "Notes on method"),
    "b.goals": Text("目标值", "Goals"),
    "b.notes": Text("图表备注", "Notes on the charts"),
    "b.notes.lead": Text(
        "本期内各单位记下的情况说明（写入者在括号内），供解读上述数字时参考。",
        "What was noted on the units' charts for this period (by whom, in brackets), to read "
        "the figures above with.",
    ),
    "col.item": Text("项目", "Item"),
    "col.now": TERMS["this_period"].capitalized(),
    "col.previous": TERMS["previous"].capitalized(),
    "col.last_year": TERMS["last_year"].capitalized(),
    "col.indicator": TERMS["indicator"],
    "col.n": TERMS["sample_size"],
    "col.unit": TERMS["unit"],
    "col.rank": TERMS["rank"],
    "col.weak": Text(f"主要失分指标（{_MEDIAN.zh}）", f"Held back by ({_MEDIAN.en})"),
    "col.kind": Text("类别", "Kind"),
    "col.source": Text("提出方", "Raised by"),
    "col.received": Text("收到", "Received"),
    "col.responded": Text("已响应", "Responded"),
    "col.closed": Text("已办结", "Closed"),
    "col.adopted": Text("采纳（含部分）", "Adopted (incl. partly)"),
    "col.open": Text("未办结", "Open"),
    "col.overdue": Text("其中逾期", "of which overdue"),
    "col.raised": Text("提出", "Raised"),
    "col.rectified": Text("已整改", "Rectified"),
    "col.on_time": Text("按期整改", "On time"),
    "col.not_rectified": Text("未整改", "Not rectified"),
    "col.published": Text("结果已公开", "Result published"),
    "col.internal": Text("仅内部掌握", "Kept internal"),
    "col.rate": Text("公开率", "Share published"),
    "col.explain": TERMS["explain"],
    "col.formula": TERMS["formula"],
    "total": TERMS["total"],
    "strongest": Text("居前", "Top"),
    "weakest": Text("居后", "Bottom"),
    "flag.insufficient": Text(
        f"* 样本少于{{min}}件：{_INSUFFICIENT.zh}，仅供参考，不计入得分。",
        f"* Fewer than {{min}} cases: {_INSUFFICIENT.en}, indicative only, not scored.",
    ),
    "flag.not_scored": Text(
        f"† {TERMS['not_scored'].zh}。", f"† {TERMS['not_scored'].capitalized().en}."
    ),
    "chart.scores": Text("得分对比", "Scores compared"),
    "chart.level": Text("{level}" + TERMS["overall"].zh, "{level}: overall score"),
    "chart.level_cut": Text(
        "{level}" + TERMS["overall"].zh + "（前{k}名与后{k}名）",
        "{level}: overall score (top {k} and bottom {k})",
    ),
    "chart.median": TERMS["median"],
}


def t(key: str, lang: str) -> str:
    """The report text ``key`` in ``lang``."""
    return TEXT[key].of(lang)


def indicator_value(ind: Indicator, value: float | None, lang: str) -> str:
    """An indicator's value as printed (``no data`` for null)."""
    if value is None:
        return t("no_data", lang)
    if ind.unit == Unit.DAYS:
        return days(value, lang)
    return pct(value)


def score_value(value: float | None, lang: str) -> str:
    if value is None:
        return t("no_data", lang)
    return score_points(value, lang)


def _delta(now: float, before: float, *, fmt: str, lang: str) -> str:
    """The signed difference as printed: percentage points for shares, days for days."""
    diff = (now - before) * (100 if fmt == "pct" else 1)
    sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
    if fmt == "days":
        return sign + days(abs(diff), lang)
    unit = UNITS["points" if fmt == "pct" else "score"].of(lang)
    return f"{sign}{abs(diff):.1f}{unit}"


def change_sentence(
    label: str,
    now: float | None,
    previous: float | None,
    last_year: float | None,
    fmt: str,
    lang: str,
    *,
    n: int | None = None,
    insufficient: bool = False,
    min_sample: int = 10,
) -> str:
    """One plain sentence comparing a figure with the previous period and last year.

    ``fmt`` is ``pct``, ``score`` or ``days``. Comparisons are made on the
    printed (rounded) values, so "rose from 71.0% to 78.0%" never reads
    "rose from 78.0% to 78.0%".

    >>> change_sentence("按期办结率", 0.78, 0.71, 0.65, "pct", "zh")
    '按期办结率由上期的71.0%升至78.0%，去年同期为65.0%（+13.0个百分点）。'
    >>> change_sentence("On-time closure", 0.78, 0.71, None, "pct", "en")
    'On-time closure rose from 71.0% in the previous period to 78.0%.'
    """

    def show(v: float) -> str:
        if fmt == "pct":
            return pct(v)
        if fmt == "days":
            return days(v, lang)
        return score_points(v, lang)

    zh = lang == "zh"
    if now is None:
        return f"{label}本期无数据。" if zh else f"{label}: no data for this period."
    if previous is None:
        main = f"{label}为{show(now)}" if zh else f"{label} was {show(now)}"
        main += "（上期无数据）" if zh else " (no data for the previous period)"
    elif show(now) == show(previous):
        main = f"{label}与上期持平，为{show(now)}" if zh else f"{label} held at {show(now)}"
    else:
        up = round(now, 6) > round(previous, 6)
        if zh:
            main = f"{label}由上期的{show(previous)}{'升至' if up else '降至'}{show(now)}"
        else:
            verb = "rose" if up else "fell"
            main = f"{label} {verb} from {show(previous)} in the previous period to {show(now)}"
    if last_year is not None:
        delta = _delta(now, last_year, fmt=fmt, lang=lang)
        if zh:
            main += f"，去年同期为{show(last_year)}（{delta}）"
        else:
            main += f"; {show(last_year)} a year earlier ({delta})"
    if insufficient and n is not None:
        if zh:
            main += f"；样本仅{n}件（少于{min_sample}件），仅供参考，不计入得分"
        else:
            main += f"; only {n} cases (fewer than {min_sample}), indicative and not scored"
    return main + ("。" if zh else ".")
