"""Texts of the Methodology page.

key -> :class:`~queries.vocabulary.text.Text`; shared terms come from
:mod:`queries.vocabulary` (never restated here). Merged by :mod:`dashboard.i18n`.
"""

from __future__ import annotations

from queries.vocabulary.terms import TERMS
from queries.vocabulary.text import Text

STRINGS: dict[str, Text] = {
    "method.title": TERMS["methodology"],
    "method.intro": Text(
        "本页由指标目录与当前生效的配置自动生成，与命令行、简报和公开摘要使用同一定义。",
        "Generated from the indicator catalogue and the settings in force; the command line, "
        "briefing and public summary use the same definitions.",
    ),
    "method.scope": Text("周期、截至时间与范围", "Period, as-of and scope"),
    "method.indicators": Text("指标定义", "Indicator definitions"),
    "method.weights": Text(TERMS["weight"].zh, "Weights"),
    "method.dimension_weights": Text("维度权重", "Dimension weights"),
    "method.catalogue": Text("必公开目录（按单位类型）", "Mandatory catalogue by unit kind"),
    "method.insufficient": Text("数据不足与数据不完整", "Insufficient and incomplete data"),
    "method.settings_file": Text("配置文件：{path}", "Settings file: {path}"),
    "method.settings_default": Text("使用默认配置。", "Default settings in force."),
    "method.scope.text": Text(
        "**周期**：年（2026）、季度（2026-Q1）、月（2026-03）或自定义起止日期；记录按其锚定时间归入周期"
        "（公开信息按公开日期，诉求按收到时间，监督事项按立项日期）。\n\n"
        "**截至时间**：截至该时点尚未发生的记录或处理（如之后才办结）一律视为未发生，因此同一截至时间重算结果不变，"
        "当前未结束周期中尚未到期的案件也不会被计为逾期。\n\n"
        "**范围**：单位的指标覆盖本单位及其下属全部单位的记录，先汇总分子分母再相除，"
        "上级单位的比率不是下级比率的平均。",
        "**Period**: a year (2026), quarter (2026-Q1), month (2026-03) or custom days; a record "
        "belongs to the period by its anchor (published on, received at, opened on).\n\n"
        "**As-of**: anything stamped after the as-of has not happened yet, so a rerun with the "
        "same as-of gives the same numbers and cases not yet due are not counted late.\n\n"
        "**Scope**: a unit's indicators cover its own records and those of every unit below "
        "it; counts are summed first, then divided: a branch's rate is never an average of its "
        "stations' rates.",
    ),
    "method.insufficient.text": Text(
        "每个比率都给出 95% Wilson 置信区间。样本量 n = 0 的指标没有数值；n < {min} 的指标标记为"
        "“数据不足”，照常显示但不计入得分（目录覆盖率统计的是目录条目，不受此限）。\n\n"
        "维度得分 = 100 × Σ(权重 × 指标值) ÷ Σ权重，只计有数值且样本充足的计分指标；一个维度没有可用指标时无得分。"
        "总分为各维度得分的加权平均；任一权重为正的维度无得分时，总分为空，该单位为“数据不完整”，不参与排名，"
        "但仍在排名表中列出并说明原因。\n\n"
        "排名：同一层级中有总分的单位按得分从高到低排列，并列者同名次（1, 2, 2, 4）。名次变化 = 上期名次 − 本期名次（正数为上升）。",
        "Every rate carries a 95% Wilson score interval. An indicator with n = 0 has no value; "
        "one with n < {min} is marked insufficient: shown, flagged and left out of the scores "
        "(catalogue coverage counts catalogue entries and is exempt).\n\n"
        "Dimension score = 100 × Σ(weight × value) / Σ weight over the dimension's scored "
        "indicators that have a value and enough data; none usable means no score. Overall = "
        "the weighted mean of the dimension scores; if a dimension with a positive weight has "
        "no score the overall is empty: the unit is incomplete, not ranked, and still listed "
        "in the ranking with the reason.\n\n"
        "Rank: among units of the same level with an overall score, highest first, ties share "
        "a rank (1, 2, 2, 4). Rank change = previous rank − rank now (positive = moved up).",
    ),
    "method.setting": Text("设置项", "Setting"),
    "method.value": Text("取值", "Value"),
    "method.type": Text("类型", "Type"),
    "method.default": Text("默认值", "Default"),
    "method.meaning": Text("说明", "What it does"),
    "method.settings": Text("全部配置项", "All settings"),
    "method.settings.text": Text(
        "由配置目录生成；配置文件只需写出要改的项。命令行 `openness settings` 列出同一张表。",
        "Generated from the settings catalogue; a settings file sets only what it changes. "
        "`openness settings` prints the same list.",
    ),
    "method.rate": Text("比率", "Rate"),
    "method.formula": TERMS["formula"],
}
