"""Signals in plain words, in both languages: the sentences of the Overview's "stands out"
list, the Unit page's control charts, the Attention page and the briefing.

Each sentence is built from one finding (:mod:`queries.engine.findings`); figures go
through :mod:`reports.wording`, so "83.8%" reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping

from queries.model.catalogue import indicator
from queries.model.periods import Period
from queries.vocabulary.formats import pct
from queries.vocabulary.text import Text

# key -> Text; the signals' own words
TEXT: dict[str, Text] = {
    "signal.alarm": Text(
        "警报",
        "alarm",
    ),
    "signal.alert": Text(
        "预警",
        "alert",
    ),
    "signal.within": Text(
        "在正常波动范围内",
        "within chance",
    ),
    "signal.point": Text(
        "超出控制限",
        "beyond limits",
    ),
    "signal.shift": Text(
        "持续偏离",
        "shift",
    ),
    "signal.trend": Text(
        "持续变化",
        "trend",
    ),
    "side.above": Text(
        "高于",
        "above",
    ),
    "side.below": Text(
        "低于",
        "below",
    ),
    "side.up": Text(
        "上升",
        "rising",
    ),
    "side.down": Text(
        "下降",
        "falling",
    ),
    "limit.alarm": Text(
        "99.8%",
        "99.8%",
    ),
    "limit.alert": Text(
        "95%",
        "95%",
    ),
    "better": Text(
        "好于预期",
        "better than chance",
    ),
    # the briefing's part
    "b.signals.lead": Text(
        "排名相邻的单位往往只差一两分，其中许多差异只是偶然。下面按漏斗图（与同级单位比较）"
        "和控制图（与本单位前 12 个月比较）列出不太可能是偶然的差异，方法见说明。",
        "Units next to each other in a ranking often differ by a point or two, and many "
        "such differences are chance. Below are the differences unlikely to be chance, by "
        "the funnel (against the units of the same level) and the control chart (against the "
        "unit's own previous 12 months); see the notes on method.",
    ),
    "b.signals.unfavourable": Text(
        "需要关注（差于预期）：",
        "Needing attention (worse):",
    ),
    "b.signals.favourable": Text(
        "表现突出（好于预期）：",
        "Standing out (better):",
    ),
    "b.signals.none": Text(
        "本期没有超出控制限的差异：各单位之间以及与各自过去相比的差异都在偶然波动范围内。",
        "No difference this period lies outside the limits: the differences between "
        "units and against their own past are within chance.",
    ),
    "b.signals.more": Text(
        "另有 {k} 项未列出。",
        "{k} more not listed.",
    ),
    "b.signals.chart": Text(
        "漏斗图：{indicator}（{level}）",
        "Funnel plot: {indicator} ({level})",
    ),
    "b.signals.target": Text(
        "同级总体水平",
        "level's overall rate",
    ),
    "b.signals.95": Text(
        "95% 控制限",
        "95% limits",
    ),
    "b.signals.998": Text(
        "99.8% 控制限",
        "99.8% limits",
    ),
    "b.signals.method": Text(
        "差异信号：漏斗图把每个单位的比率与同级单位的总体水平 p0 比较，控制限为 "
        "p0 ± z·√(p0(1−p0)/n)，超出 99.8% 控制限为警报、只超出 95% 控制限为预警（样本不少于"
        "{min}件、同级可比单位不少于 3 个时计算）；控制图把每个单位近 12 个月与其前 12 个月的"
        "基线比较，控制限为基线 ± 3 倍标准误，连续 7 个月位于基线同侧为持续偏离，连续 7 个月"
        "逐月上升或下降为持续变化。信号只说明差异不太可能是偶然，不说明原因。方法出处："
        "Spiegelhalter（2005）漏斗图；NHS England “Making Data Count”。",
        "Signals: the funnel compares each unit's rate with its level's overall rate "
        "p0, with limits p0 ± z·√(p0(1−p0)/n); outside the 99.8% limits is an alarm, outside "
        "the 95% only an alert (computed with at least {min} cases and 3 comparable units). "
        "The control chart compares each unit's last 12 months with the baseline of the 12 "
        "before, limits the baseline ± 3 standard errors; 7 months in a row on one side is a "
        "shift, 7 months each higher or each lower than the last a trend. A signal says a "
        "difference is unlikely to be chance, not why. Sources: Spiegelhalter (2005), funnel "
        "plots; NHS England, “Making Data Count”.",
    ),
    "b.signals.x": Text(
        "样本量（对数刻度）",
        "sample size n (log scale)",
    ),
    "worse": Text(
        "差于预期",
        "worse than chance",
    ),
}


def word(key: str, lang: str) -> str:
    return TEXT[key].of(lang)


def _month(month: str, lang: str) -> str:
    if lang == "zh" and len(month) == 7:
        return f"{month[:4]}年{int(month[5:])}月"
    return month


def _calendar_months(first: str, last: str) -> int:
    """Calendar months from ``first`` to ``last`` (``YYYY-MM``), both counted."""
    return len(Period(Period.parse(first).start, Period.parse(last).end).months())


def _span(first: str, last: str, lang: str) -> str:
    if first == last:
        return _month(first, lang)
    sep = "至" if lang == "zh" else "–"
    return f"{_month(first, lang)}{sep}{_month(last, lang)}"


def funnel_sentence(f: Mapping[str, object], unit: str, lang: str) -> str:
    """One funnel finding (unit_id, code, signal, side, value, n, target) as a sentence:
    "城东分局 按期办结率 83.8%（n=792），低于同级 88.7%，超出 99.8% 控制限（警报）"."""
    ind = indicator(str(f["code"]))
    value, target = pct(float(f["value"])), pct(float(f["target"]))  # type: ignore[arg-type]
    side, signal = word(f"side.{f['side']}", lang), str(f["signal"])
    limit, label = word(f"limit.{signal}", lang), word(f"signal.{signal}", lang)
    if lang == "zh":
        return (
            f"{unit} {ind.name('zh')} {value}（n={f['n']}），{side}同级 {target}，"
            f"超出 {limit} 控制限（{label}）"
        )
    return (
        f"{unit}: {ind.name('en').lower()} {value} (n={f['n']}), {side} the level's "
        f"{target}, beyond the {limit} limit ({label})"
    )


def control_sentence(f: Mapping[str, object], lang: str, unit: str | None = None) -> str:
    """One control-chart finding (code, kind, side, first_month, last_month, months, value)
    as a sentence: "按期办结率连续 7 个月低于基线" / "on-time closure below its baseline
    7 months running"; ``unit`` in front when given."""
    ind = indicator(str(f["code"]))
    kind, side, k = str(f["kind"]), word(f"side.{f['side']}", lang), f["months"]
    first, last = str(f["first_month"]), str(f["last_month"])
    span = _span(first, last, lang)
    # months with no case neither break nor extend a run (methodology.md): a run of k
    # months may span more calendar months, and the sentence says how many had none
    empty = _calendar_months(first, last) - int(k)  # type: ignore[call-overload]
    if lang == "zh":
        name = ind.name("zh")
        if empty > 0:
            span = f"{span}，其间 {empty} 个月无记录"
        if kind == "shift":
            text = f"{name}连续 {k} 个月{side}基线（{span}）"
        elif kind == "trend":
            text = f"{name}连续 {k} 个月{side}（{span}）"
        else:
            value = pct(float(f["value"])) if f.get("value") is not None else ""  # type: ignore[arg-type]
            bound = "上限" if f["side"] == "above" else "下限"
            text = f"{name} {span} 为 {value}，{side}控制{bound}"
        return f"{unit} {text}" if unit else text
    name = ind.name("en")
    lower = name[0].lower() + name[1:]
    if empty > 0:
        span = f"{span}; {empty} month{'s' if empty > 1 else ''} without records"
    if kind == "shift":
        text = f"{lower} {side} its baseline {k} months running ({span})"
    elif kind == "trend":
        text = f"{lower} {side} {k} months running ({span})"
    else:
        value = pct(float(f["value"])) if f.get("value") is not None else ""  # type: ignore[arg-type]
        bound = "upper" if f["side"] == "above" else "lower"
        text = f"{lower} {value} in {span}, {side} its {bound} control limit"
    text = f"{unit}: {text}" if unit else text[0].upper() + text[1:]
    return text
