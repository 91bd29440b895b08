"""Texts of the Overview and Unit pages.

key -> :class:`~queries.vocabulary.text.Text`; shared terms come from
:mod:`queries.vocabulary` (never restated here). Merged by :mod:`dashboard.i18n`.
"""

from __future__ import annotations

from queries.vocabulary.terms import TERMS
from queries.vocabulary.text import Text

STRINGS: dict[str, Text] = {
    "overview.title": Text("总览：{unit}", "Overview: {unit}"),
    "overview.headline": Text("得分与上期比较", "Scores against the previous period"),
    "overview.previous": Text("上期 {period}", "previous period {period}"),
    "overview.no_previous": Text(
        "上期（{period}）没有可比较的数据：数据库中的记录始于其后，或该单位当时尚无记录。",
        "Nothing to compare with for the previous period ({period}): the records in the "
        "database begin after it, or the unit had none then.",
    ),
    "overview.rank.help": Text(
        "在同级全部单位中的名次；上期名次 {prev}。名次上升为正。",
        "Rank among all units of the same level; previous rank {prev}. Moving up is positive.",
    ),
    "overview.no_score": Text("无得分", "no score"),
    "overview.ranking": Text("{level}排名", "{level} ranking"),
    "overview.ranking.help": Text(
        "点击任一行查看该单位详情。未排名的单位也列出，并说明原因。",
        "Click a row to open the unit. Units without a rank are listed too, with the reason.",
    ),
    "overview.ranking_chart": TERMS["overall"],
    "overview.whiskers": Text("指标对比（含 95% 置信区间）", "Indicator compared (95% interval)"),
    "overview.whiskers.indicator": Text("选择指标", "Indicator"),
    "overview.map": Text("公开 × 响应 × 满意分布", "Openness × responsiveness × satisfaction"),
    "overview.map.help": Text(
        "横轴公开得分，纵轴响应得分，颜色为满意得分；虚线为同级中位数，左下方为短板单位。",
        "Openness across, responsiveness up, colour is satisfaction; dashed lines are the peers' "
        "median, weak units sit bottom left.",
    ),
    "overview.map.missing": Text(
        "未在图中（缺少某一维度得分）：{units}",
        "Not on the map (a dimension has no score): {units}",
    ),
    "overview.unranked": Text(
        "{count} 个单位未排名（见“说明”列）。",
        "{count} units are not ranked (see the Note column).",
    ),
    "overview.open_unit": Text("打开单位详情", "Open the unit"),
    "unit.title": Text("{unit}", "{unit}"),
    "unit.pick": TERMS["unit"],
    "unit.breadcrumb": Text("所属", "Part of"),
    "unit.indicators": Text("指标明细", "Indicators"),
    "unit.indicators.help": Text(
        "点击任一行查看该指标背后的记录（例如超期案件、未公开的必公开类别）。",
        "Click a row to see the records behind the rate (e.g. the late cases, the mandatory "
        "categories never disclosed).",
    ),
    "unit.records": Text("“{indicator}”背后的记录", "Records behind “{indicator}”"),
    "unit.records.pick": Text("选择指标查看记录", "Pick an indicator to see its records"),
    "unit.records.none": Text("该指标在本周期没有记录。", "No records behind this indicator."),
    "unit.children": Text("下属单位比较", "Units below compared"),
    "unit.no_children": Text("该单位没有下属单位。", "This unit has no units below it."),
    "unit.trends": Text("月度趋势（与同级中位数比较）", "Monthly trend against the peers' median"),
    "unit.trend.indicator": Text("趋势指标", "Trend indicator"),
    "unit.trend.this": Text("本单位", "This unit"),
    "unit.trend.median": TERMS["peers_median"].capitalized(),
    "unit.status": Text("状态", "Status"),
}
