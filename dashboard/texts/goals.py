"""Texts of goals (目标值) and notes on the charts (Overview, Unit page).

key -> :class:`~queries.vocabulary.text.Text`; the sentences that judge a value against
its goal come from :mod:`reports.goal_wording` (one wording with the briefing). Merged
by :mod:`dashboard.i18n`.
"""

from __future__ import annotations

from queries.vocabulary.terms import TERMS
from queries.vocabulary.text import Text

STRINGS: dict[str, Text] = {
    "col.goal": Text("目标值", "Goal"),
    "goal.col": Text("{indicator}（目标）", "{indicator} (goal)"),
    "goal.line": Text("目标值", "Goal"),
    "goal.filter": Text("只看未达目标值的单位", "Only the units not meeting the goal of"),
    "goal.filter.none": Text("（全部单位）", "(every unit)"),
    "goal.filter.count": Text(
        "未达{indicator}目标值的单位：{count} 个。",
        "Units not meeting the {indicator} goal: {count}.",
    ),
    "goal.apart": Text(
        "目标值是局领导设定的要求，不是信号，也不是漏斗图的“同级比率”：一个单位可能未达目标值，"
        "但在漏斗图内（与同级相比的差异在随机波动范围内）。",
        "A goal is what leadership asked for: not a signal, and not the funnel's peer rate. "
        "A unit can be below its goal and still inside its funnel (its difference from its "
        "peers within what chance explains).",
    ),
    "goals.title": Text("目标值", "Goals"),
    "goals.none": Text("尚未设定目标值。", "No goal has been set."),
    "goals.help": Text(
        "对全部单位、某一级别、某类单位或某一单位设定，自某年起生效；同一单位适用最具体的目标值"
        "（单位 > 类别 > 级别 > 全部），其中生效年份最近的一个。",
        "For every unit, a level, a unit kind or one unit, from a year on; a unit follows the "
        "most specific goal (unit, then kind, then level, then all), the latest in force.",
    ),
    "goals.form": Text("设定目标值", "Set a goal"),
    "goals.indicator": TERMS["indicator"],
    "goals.value.pct": Text("目标值（%）", "Goal (%)"),
    "goals.value.days": Text("目标值（天，越少越好）", "Goal (days, fewer is better)"),
    "goals.scope": Text("适用于", "For"),
    "goals.scope.all": Text("全部单位", "Every unit"),
    "goals.scope.level": Text("某一级别", "A level"),
    "goals.scope.kind": Text("某类单位", "A unit kind"),
    "goals.scope.unit": Text("某一单位", "One unit"),
    "goals.scope.which": Text("哪一个", "Which"),
    "goals.from": Text("自哪一年起", "From the year"),
    "goals.set": Text("设定", "Set"),
    "goals.done": Text("目标值已设定（编号 {id}）。", "Goal set (number {id})."),
    "goals.remove": Text("删除目标值", "Remove a goal"),
    "goals.remove.button": Text("删除", "Remove"),
    "goals.removed": Text("目标值 {id} 已删除。", "Goal {id} removed."),
    "goals.col.id": Text("编号", "No."),
    "goals.col.scope": Text("适用于", "For"),
    "goals.col.from": Text("起始年份", "From"),
    "goals.col.by": Text("设定人", "Set by"),
    "goals.col.at": Text("设定时间", "Set at"),
    "notes.title": Text("图表备注", "Notes on the charts"),
    "notes.help": Text(
        "对本单位及上级单位记下的情况说明（如“3月起启用新热线系统”），显示在趋势图和控制图上；"
        "上级单位的备注也适用于本单位。",
        'What was noted for this unit or a unit above it ("new hotline system from March"); '
        "shown on the trend and control charts. A note on a unit above covers this one too.",
    ),
    "notes.none": Text("暂无备注。", "No notes."),
    "notes.form": Text("添加备注", "Add a note"),
    "notes.from": Text("起始日期", "From"),
    "notes.to": Text("结束日期", "To"),
    "notes.text": Text("备注内容（纯文本）", "Note (plain text)"),
    "notes.add": Text("添加", "Add"),
    "notes.added": Text("备注已添加（编号 {id}）。", "Note added (number {id})."),
    "notes.remove": Text("删除", "Remove"),
    "notes.removed": Text("备注 {id} 已删除。", "Note {id} removed."),
    "notes.marker": Text("备注", "Note"),
    "notes.empty": Text("请填写备注内容。", "Write the note's text."),
    "notes.order": Text("结束日期早于起始日期。", "The last day is before the first."),
    "denied.goals": Text(
        "{role}不能设定或删除目标值（仅管理员和局领导可以）。",
        "{role} cannot set or remove goals (administrators and leadership can).",
    ),
    "denied.notes": Text(
        "{role}不能在{unit}添加或删除这条备注。",
        "{role} cannot add or remove this note on {unit}.",
    ),
    "notes.col.unit": TERMS["unit"],
    "notes.col.days": Text("日期", "Days"),
    "notes.col.text": Text("内容", "Text"),
    "notes.col.author": Text("写入人", "Written by"),
    "notes.col.at": Text("写入时间", "Written at"),
}
