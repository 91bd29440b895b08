"""Signals in plain words, in both languages: the sentences of the Overview's "stands out"
list, the Unit page's control charts, the Attention page and the briefing.

Each sentence is built from one finding (:mod:`queries.engine.findings`); figures go
through :mod:`reports.wording`, so "83.8%" reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping

from queries.model.catalogue import indicator
from reports.wording import pct

# key -> {zh, en}; the signals' own words
TEXT: dict[str, dict[str, str]] = {
    "signal.alarm": {"zh": "警报", "en": "alarm"},
    "signal.alert": {"zh": "预警", "en": "alert"},
    "signal.within": {"zh": "在正常波动范围内", "en": "within chance"},
    "signal.point": {"zh": "超出控制限", "en": "beyond limits"},
    "signal.shift": {"zh": "持续偏离", "en": "shift"},
    "signal.trend": {"zh": "持续变化", "en": "trend"},
    "side.above": {"zh": "高于", "en": "above"},
    "side.below": {"zh": "低于", "en": "below"},
    "side.up": {"zh": "上升", "en": "rising"},
    "side.down": {"zh": "下降", "en": "falling"},
    "limit.alarm": {"zh": "99.8%", "en": "99.8%"},
    "limit.alert": {"zh": "95%", "en": "95%"},
    "better": {"zh": "好于预期", "en": "better than chance"},
    "worse": {"zh": "差于预期", "en": "worse than chance"},
}


def word(key: str, lang: str) -> str:
    return TEXT[key][lang]


def _month(month: str, lang: str) -> str:
    if lang == "zh" and len(month) == 7:
        return f"{month[:4]}年{int(month[5:])}月"
    return month


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
    span = _span(str(f["first_month"]), str(f["last_month"]), lang)
    if lang == "zh":
        name = ind.name("zh")
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
