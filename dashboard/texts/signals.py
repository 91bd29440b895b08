"""Texts of the signals: the Overview's funnel, the Unit page's control charts, the
Attention page and the Methodology page's Signals section.

key -> :class:`~queries.vocabulary.text.Text`. Merged by :mod:`dashboard.i18n`.
"""

from __future__ import annotations

from queries.vocabulary.text import Text

STRINGS: dict[str, Text] = {
    "page.attention": Text("关注清单", "Attention"),
    "col.signal": Text("差异信号", "Signals"),
    "signal.alarm": Text("警报", "alarm"),
    "signal.alert": Text("预警", "alert"),
    "signal.within": Text("正常波动", "within chance"),
    "signal.none": Text("不参与比较", "not compared"),
    "signal.point": Text("超出控制限", "beyond limits"),
    "signal.shift": Text("持续偏离", "shift"),
    "signal.trend": Text("持续变化", "trend"),
    "funnel.heading": Text("哪些差异超出偶然波动", "Which differences are larger than chance"),
    "funnel.title": Text("漏斗图：{indicator}", "Funnel plot: {indicator}"),
    "funnel.target": Text("同级总体水平 {value}", "Level's overall rate {value}"),
    "funnel.limit95": Text("95% 控制限", "95% limits"),
    "funnel.limit998": Text("99.8% 控制限", "99.8% limits"),
    "funnel.value": Text("数值", "Value"),
    "funnel.n": Text("样本量", "n"),
    "funnel.limits": Text("控制限 95% / 99.8%", "Limits 95% / 99.8%"),
    "funnel.x": Text("样本量（对数刻度）", "Sample size n (log scale)"),
    "funnel.help": Text(
        "每个点是一个同级单位。漏斗内的差异可能只是偶然；落在 99.8% 控制限外的（警报）"
        "几乎不可能是偶然，落在 95% 控制限外的（预警）值得留意。样本量不足 {min} 的单位"
        "不参与比较。",
        "Each point is a unit of the level. Differences inside the funnel may be chance; "
        "a unit outside the 99.8% limits (alarm) is very unlikely to be there by chance, "
        "outside the 95% limits (alert) worth a look. Units with n below {min} are not "
        "compared.",
    ),
    "funnel.no_signal": Text(
        "“{indicator}”在本层级不足 3 个可比单位，或总体水平为 0 或 100%，不计算信号。",
        "“{indicator}” has fewer than 3 comparable units at this level, or an overall "
        "rate of 0 or 100%: no signals.",
    ),
    "funnel.coverage": Text(
        "目录覆盖率统计的是法定目录条目，不是抽样，不作漏斗比较。",
        "Catalogue coverage counts catalogue entries, not a sample: no funnel.",
    ),
    "stands_out": Text("差异显著的单位", "What stands out"),
    "stands_out.none": Text(
        "本层级没有超出控制限的单位：排名中的差异都在偶然波动范围内。",
        "No unit of this level is outside the limits: the ranking's differences are within chance.",
    ),
    "stands_out.worse": Text("偏差", "worse"),
    "stands_out.better": Text("偏好", "better"),
    "control.title": Text(
        "控制图（近 12 个月，与前 12 个月基线比较）",
        "Control charts (last 12 months against the 12 before)",
    ),
    "control.help": Text(
        "中线为前 12 个月的基线水平，虚线为每月的 3 倍标准误控制限。红点：超出控制限；"
        "橙点：连续 7 个月以上位于基线同侧；紫点：连续 7 个月以上持续上升或下降。",
        "The centre is the baseline of the 12 months before; dotted lines are each "
        "month's 3-sigma limits. Red: beyond the limits; amber: 7+ months on one side of "
        "the centre; purple: 7+ months each higher, or each lower, than the last.",
    ),
    "control.value": Text("本单位", "This unit"),
    "control.centre": Text("基线", "Centre"),
    "control.limits": Text("控制限", "Limits"),
    "control.none": Text("近 12 个月未发现显著变化。", "No signals in the last 12 months."),
    "control.no_baseline": Text(
        "以下指标基线样本不足 {min}，未作控制图：{indicators}",
        "Baseline below {min} cases, no control chart: {indicators}",
    ),
    "attention.title": Text("关注清单：{unit}", "Attention: {unit}"),
    "attention.help": Text(
        "本范围内所有不利的警报（漏斗图，超出 99.8% 控制限）与控制图信号（超出控制限、"
        "持续偏离、持续变化）。点击一行打开该单位。",
        "Every unfavourable alarm (funnel, outside the 99.8% limits) and control-chart "
        "signal (beyond limits, shift, trend) in this scope. Pick a row to open the unit.",
    ),
    "attention.none": Text(
        "本范围内没有需要关注的不利信号。",
        "No unfavourable signals in this scope.",
    ),
    "col.finding": Text("情况", "Finding"),
    "col.kind_signal": Text("信号", "Signal"),
    "col.reference": Text("参照（同级 / 基线）", "Reference (level / baseline)"),
    "col.months_span": Text("月份", "Months"),
}
