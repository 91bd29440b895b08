"""Texts of the signals: the Overview's funnel, the Unit page's control charts, the
Attention page and the Methodology page's Signals section.

key -> :class:`~queries.vocabulary.text.Text`. Merged by :mod:`dashboard.i18n`.
"""

from __future__ import annotations

from queries.vocabulary.terms import TERMS
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
    "funnel.n": TERMS["sample_size"],
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
    "month.unfinished": Text(
        "{month}截至{day}尚未结束：尚待办结、回访的诉求还会改变该月数值，不宜与整月直接比较。",
        "{month} is not over at the as-of ({day}): cases still to be closed or visited will "
        "change its values; compare it with whole months with care.",
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
    "control.show_quiet": Text(
        "显示其余 {n} 个指标的控制图（无信号）",
        "Show the other {n} control charts (no signal)",
    ),
    "control.no_baseline": Text(
        "以下指标基线（前 12 个月）合计少于 {min} 件，未作控制图：{indicators}",
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
    "method.signals": Text(
        "差异信号：哪些差异超出偶然波动",
        "Signals: which differences are larger than chance",
    ),
    "method.signals.text": Text(
        "排名按分数高低排列，但一两分的差距往往只是偶然：样本只有几十件的单位，两名群众"
        "的评价不同就可能让名次变动五位。差异信号回答“哪些差异不太可能是偶然”。两种方法"
        "都用于除目录覆盖率（统计目录条目，不是抽样）以外的全部比率指标：{indicators}。"
        "分子 = 数值 × 样本量；重复投诉率越低越好，其余越高越好，信号落在好的一侧即为“偏好”。\n\n"
        "**漏斗图：与同级单位比较。** 对一个统计周期、一个比率指标和一个层级，样本量不少于 "
        "{min} 且有数值的同级单位参与比较；不少于 3 个时，同级总体水平 p0 = 各单位分子之和 ÷ "
        "样本量之和，每个单位的控制限为 p0 ± z·√(p0(1−p0)/n)（95%：z = 1.959964；99.8%："
        "z = 3.090232），截断在 0 与 1 之间。超出 99.8% 控制限为“警报”，只超出 95% 控制限为"
        "“预警”，否则为“正常波动”。不足 3 个可比单位、或 p0 为 0 或 1 时不计算信号。\n\n"
        "**控制图：与本单位过去比较。** 取截至统计周期最后一个月（或截至日期所在月，取较早者）"
        "的 24 个自然月，每月按同一截至日期单独计算。前 12 个月为基线：中线 p = 分子之和 ÷ "
        "样本量之和，基线样本量不足 {min} 不作判断。后 12 个月中样本量 ≥ 1 的每月，控制限为 "
        "p ± 3·√(p(1−p)/n)，截断在 0 与 1 之间。样本量为 0 的月份跳过（既不中断也不延长连续）。"
        "信号：某月超出控制限；连续 7 个月或以上都高于（或都低于）中线（“持续偏离”，等于中线的"
        "月份中断连续）；连续 7 个月或以上每月都比上月高（或都比上月低）（“持续变化”）。"
        "中线为 0 或 1 时不计算信号。与控制限、目标或上月相差不超过 1e-9 视为相等。\n\n"
        "**局限。** 信号只说明差异不太可能是偶然，不说明原因：案件构成、登记口径的变化或数据"
        "错误同样会产生信号。单位多、指标多时，按 95% 控制限总会有少数偶然的“预警”，应先看"
        "“警报”。同一批案件的不同比率并不相互独立；控制限假定每件案件是独立的是/否结果。"
        "控制图以本单位自己的过去为基线，一直较差的单位在控制图上不会报警，需看漏斗图。"
        "样本量很大时，单位间的真实差异（过度离散）会让很多单位落在控制限外，本方法未作校正。\n\n"
        "**来源。** Spiegelhalter D. J., “Funnel plots for comparing institutional "
        "performance”, *Statistics in Medicine* 24 (2005) 1185–1202；英国国家医疗服务体系"
        "（NHS England）“Making Data Count”统计过程控制指南。",
        "Ranks order units by scores that may differ by chance: a unit with a few dozen "
        "cases can move five places when two people answer differently. Signals say which "
        "differences are unlikely to be chance. Both methods use every rate except catalogue "
        "coverage (a catalogue count, not a sample): {indicators}. num = value × n; higher is "
        "better for every rate but repeat feedback, and a signal on the better side is "
        "favourable.\n\n"
        "**Funnel: a unit against its peers.** For a period, a rate and a level, the peers "
        "are the units of the level with a value and n ≥ {min}. With at least 3 peers the "
        "target is p0 = sum(num) / sum(n) over them, and each peer's limits are "
        "p0 ± z·√(p0(1−p0)/n) (95%: z = 1.959964; 99.8%: z = 3.090232), clipped to [0, 1]. "
        "Outside the 99.8% limits is an alarm, outside the 95% limits only an alert, "
        "otherwise within chance. Fewer than 3 peers, or p0 of 0 or 1: no signal.\n\n"
        "**Control chart: a unit against its own past.** The 24 calendar months ending with "
        "the period's last month (or the as-of's month, if earlier), each computed as a "
        "one-month period at the same as-of. The first 12 are the baseline: centre p = "
        "sum(num) / sum(n), which needs sum(n) ≥ {min}. Each of the last 12 months with "
        "n ≥ 1 has limits p ± 3·√(p(1−p)/n), clipped to [0, 1]; months with n = 0 are "
        "skipped (they neither break nor extend a run). Signals: a month beyond its limits; "
        "a shift, 7 or more months in a row all above or all below the centre (a month on "
        "the centre ends it); a trend, 7 or more months each higher, or each lower, than the "
        "one before. Centre 0 or 1: no signal. Values within 1e-9 of a limit, the target or "
        "the month before count as equal.\n\n"
        "**Limits.** A signal says a difference is unlikely to be chance, not why: case mix, "
        "a change in recording or a data error give signals too. With many units and "
        "indicators a few alerts at 95% are expected by chance; read the alarms first. Rates "
        "drawn from the same cases are not independent, and the limits treat each case as an "
        "independent yes/no. The control chart's baseline is the unit's own past: a unit that "
        "was always poor shows nothing there; the funnel shows it. With very large n, real "
        "spread between units (overdispersion) puts many units outside the limits; it is not "
        "corrected for.\n\n"
        "**Sources.** Spiegelhalter D. J., “Funnel plots for comparing institutional "
        "performance”, *Statistics in Medicine* 24 (2005) 1185–1202; NHS England, “Making "
        "Data Count” (statistical process control).",
    ),
}
