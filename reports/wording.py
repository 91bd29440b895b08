"""How figures are written: number formats and the plain sentences built from them.

Every figure the briefing and the public summary print goes through these
functions, so that "78.0%" in a sentence, a table and a chart label is the
same rounding of the same table value.
"""

from __future__ import annotations

from queries.model.catalogue import Indicator, Unit

# texts in both languages, keyed by an id; the only place report wording lives
TEXT: dict[str, dict[str, str]] = {
    "no_data": {"zh": "无数据", "en": "no data"},
    "insufficient": {"zh": "数据不足", "en": "insufficient data"},
    "incomplete": {"zh": "数据不完整，未排名", "en": "incomplete, not ranked"},
    "previous": {"zh": "上期", "en": "previous period"},
    "last_year": {"zh": "去年同期", "en": "same period last year"},
    "now": {"zh": "本期", "en": "this period"},
    "overall": {"zh": "总分", "en": "Overall score"},
    # the briefing
    "b.title": {"zh": "警务公开工作情况通报", "en": "Police Affairs Openness Briefing"},
    "b.subtitle": {
        "zh": "供人大代表、政协委员参阅",
        "en": "For NPC deputies and CPPCC members",
    },
    "b.scope": {"zh": "范围", "en": "Scope"},
    "b.period": {"zh": "统计周期", "en": "Period"},
    "b.as_of": {"zh": "数据截至", "en": "As of"},
    "b.part.overall": {"zh": "总体情况", "en": "Overall"},
    "b.part.indicators": {"zh": "分项指标", "en": "Indicators"},
    "b.part.units": {"zh": "各单位情况", "en": "Units"},
    "b.part.deputies": {
        "zh": "代表委员反映事项办理情况",
        "en": "Items raised by deputies and members",
    },
    "b.part.supervision_public": {
        "zh": "监督结果公开情况",
        "en": "Supervision results made public",
    },
    "b.part.notes": {"zh": "说明", "en": "Notes on method"},
    "col.item": {"zh": "项目", "en": "Item"},
    "col.now": {"zh": "本期", "en": "This period"},
    "col.previous": {"zh": "上期", "en": "Previous period"},
    "col.last_year": {"zh": "去年同期", "en": "Same period last year"},
    "col.indicator": {"zh": "指标", "en": "Indicator"},
    "col.n": {"zh": "样本量", "en": "n"},
    "col.unit": {"zh": "单位", "en": "Unit"},
    "col.rank": {"zh": "排名", "en": "Rank"},
    "col.weak": {"zh": "主要失分指标（同级中位数）", "en": "Held back by (level median)"},
    "col.kind": {"zh": "类别", "en": "Kind"},
    "col.source": {"zh": "提出方", "en": "Raised by"},
    "col.received": {"zh": "收到", "en": "Received"},
    "col.responded": {"zh": "已响应", "en": "Responded"},
    "col.closed": {"zh": "已办结", "en": "Closed"},
    "col.adopted": {"zh": "采纳（含部分）", "en": "Adopted (incl. partly)"},
    "col.open": {"zh": "未办结", "en": "Open"},
    "col.overdue": {"zh": "其中逾期", "en": "of which overdue"},
    "col.raised": {"zh": "提出", "en": "Raised"},
    "col.rectified": {"zh": "已整改", "en": "Rectified"},
    "col.on_time": {"zh": "按期整改", "en": "On time"},
    "col.not_rectified": {"zh": "未整改", "en": "Not rectified"},
    "col.published": {"zh": "结果已公开", "en": "Result published"},
    "col.internal": {"zh": "仅内部掌握", "en": "Kept internal"},
    "col.rate": {"zh": "公开率", "en": "Share published"},
    "col.explain": {"zh": "含义", "en": "What it measures"},
    "col.formula": {"zh": "计算方法", "en": "How it is computed"},
    "total": {"zh": "合计", "en": "Total"},
    "strongest": {"zh": "居前", "en": "Top"},
    "weakest": {"zh": "居后", "en": "Bottom"},
    "flag.insufficient": {
        "zh": "* 样本不足{min}件，仅供参考，不计入得分。",
        "en": "* Fewer than {min} cases: indicative only, not scored.",
    },
    "flag.not_scored": {"zh": "† 仅展示，不计分。", "en": "† Shown, not scored."},
    "chart.scores": {"zh": "得分对比", "en": "Scores compared"},
    "chart.level": {"zh": "{level}总分", "en": "{level}: overall score"},
    "chart.level_cut": {
        "zh": "{level}总分（前{k}名与后{k}名）",
        "en": "{level}: overall score (top {k} and bottom {k})",
    },
    "chart.median": {"zh": "中位数", "en": "median"},
}


def t(key: str, lang: str) -> str:
    return TEXT[key][lang]


def pct(value: float) -> str:
    """A fraction as a percentage with one decimal: 0.78 -> ``78.0%``."""
    return f"{value * 100:.1f}%"


def score(value: float) -> str:
    """A 0..100 score with one decimal."""
    return f"{value:.1f}"


def days(value: float, lang: str) -> str:
    return f"{value:.1f}天" if lang == "zh" else f"{value:.1f} days"


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
    return score(value) + ("分" if lang == "zh" else "")


def count(n: int, lang: str) -> str:
    return f"{n}件" if lang == "zh" else f"{n}"


def _delta(now: float, before: float, *, share: bool, lang: str) -> str:
    """The signed difference as printed: percentage points for shares."""
    diff = (now - before) * (100 if share else 1)
    sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
    unit = ("个百分点" if lang == "zh" else " points") if share else ("分" if lang == "zh" else "")
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
    share = fmt == "pct"

    def show(v: float) -> str:
        if fmt == "pct":
            return pct(v)
        if fmt == "days":
            return days(v, lang)
        return score(v) + ("分" if lang == "zh" else "")

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
        delta = _delta(now, last_year, share=share, lang=lang)
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
