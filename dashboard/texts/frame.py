"""The dashboard frame's texts: title, page names, filters, empty states, errors,
table columns and status notes.

key -> :class:`~queries.vocabulary.text.Text`; shared terms come from
:mod:`queries.vocabulary` (never restated here). Merged by :mod:`dashboard.i18n`.
"""

from __future__ import annotations

from queries.model.catalogue import DIMENSIONS
from queries.vocabulary.fields import FIELD_LABELS
from queries.vocabulary.formats import NA
from queries.vocabulary.terms import TERMS, dimension_score
from queries.vocabulary.text import Text

STRINGS: dict[str, Text] = {
    "app.title": Text("警务公开评价", "Police Affairs Openness"),
    "app.subtitle": Text("公开 · 响应 · 满意", "Openness · Responsiveness · Satisfaction"),
    "app.internal": Text(
        "内部版：含案件级数据，请勿外传",
        "Internal: shows record-level data, do not share outside",
    ),
    "lang.label": Text("语言 / Language", "Language / 语言"),
    "page.overview": Text("总览", "Overview"),
    "page.unit": Text("单位详情", "Unit"),
    "page.openness": Text("公开", "Openness"),
    "page.responsiveness": Text("响应", "Responsiveness"),
    "page.satisfaction": Text("满意", "Satisfaction"),
    "page.supervision": Text("监督", "Supervision"),
    "page.methodology": TERMS["methodology"],
    "page.data": Text("数据", "Data"),
    "page.briefing": Text("联络简报", "Briefing"),
    "page.public_preview": Text("公开摘要预览", "Public summary preview"),
    "filter.header": Text("筛选", "Filters"),
    "filter.period_type": Text("统计周期", "Period"),
    "filter.period_type.month": Text("月", "Month"),
    "filter.period_type.quarter": Text("季度", "Quarter"),
    "filter.period_type.year": Text("年", "Year"),
    "filter.period_type.custom": Text("自定义日期", "Custom days"),
    "filter.month": Text("月份", "Month"),
    "filter.quarter": Text("季度", "Quarter"),
    "filter.year": Text("年份", "Year"),
    "filter.days": Text("起止日期", "From – to"),
    "filter.as_of": Text("截至", "As of"),
    "filter.as_of.help": Text(
        "截至该日（含）已发生的记录与处理结果；之后的视为尚未发生。保持不变可复现同一结果。",
        "Records and actions up to the end of this day; anything later has not happened yet. "
        "Keep it fixed to reproduce the same numbers.",
    ),
    "filter.unit": Text("单位范围", "Unit scope"),
    "filter.unit.help": Text(
        "总览与各专题页统计该单位及其下属全部单位。",
        "The overview and topic pages cover this unit and every unit below it.",
    ),
    "filter.level": Text("排名层级", "Peer level"),
    "filter.level.help": Text(
        "参与排名比较的同级单位。",
        "The level of the units ranked against each other.",
    ),
    "filter.share": Text(
        "当前视图的链接已写入地址栏，可直接复制分享。",
        "This view is in the address bar: copy the link to share it.",
    ),
    "filter.period_shown": Text("{period}，截至 {as_of}", "{period}, as of {as_of}"),
    "empty.database": Text(
        "数据库中还没有任何记录。请先导入数据（openness import）或生成演示数据（openness seed --scale demo）。",
        "The database has no records yet. Import files (openness import) or generate demo data "
        "(openness seed --scale demo) first.",
    ),
    "empty.schema": Text(
        "数据库尚未初始化：请先运行 openness init。",
        "The database has no schema yet: run `openness init` first.",
    ),
    "empty.period": Text(
        "所选周期（{period}）内没有记录。",
        "No records in the selected period ({period}).",
    ),
    "empty.table": Text("没有可显示的数据。", "Nothing to show."),
    "empty.feedback": Text(
        "该范围内没有群众诉求（投诉、举报、建议等）记录。",
        "No feedback (complaints, reports, suggestions, ...) in this scope.",
    ),
    "empty.disclosures": Text(
        "该范围内没有公开记录。",
        "No disclosure records in this scope.",
    ),
    "empty.supervision": Text(
        "该范围内没有监督记录。",
        "No supervision records in this scope.",
    ),
    "empty.peers": Text(
        "范围内没有该层级的单位。",
        "No units of this level in the scope.",
    ),
    "error.db": Text(
        "无法读取数据库：{error}",
        "Cannot read the database: {error}",
    ),
    "error.read_only": Text(
        "数据库为只读（如只读副本）：看板把每次查看记入审计记录，不能在只读数据库上运行。"
        "请改用可写的主库地址。",
        "The database is read-only (a replica, say): the dashboard records every look in "
        "its audit trail and cannot run on a read-only database. Give it the primary's URL.",
    ),
    "error.settings": Text("配置文件有误：{error}", "The settings file is wrong: {error}"),
    "error.unknown_unit": Text(
        "找不到单位 {unit}，已改为显示 {fallback}。",
        "No unit {unit}; showing {fallback} instead.",
    ),
    "error.period": Text(
        "无法识别周期 {period}，已改为默认周期。",
        "Cannot read the period {period}; using the default period.",
    ),
    "error.page": Text(
        "页面出错（{error}），请调整筛选条件后重试，或联系系统管理员。",
        "This page hit an error ({error}); change the filters and retry, or contact the "
        "administrator.",
    ),
    "download.csv": Text("下载 CSV", "Download CSV"),
    "download.xlsx": Text("下载 Excel", "Download Excel"),
    "download.xlsx.prepare": Text("生成 Excel（{n} 行）", "Make the Excel file ({n} rows)"),
    "download.xlsx.progress": Text(
        "正在生成 Excel：已写 {done} / {n} 行", "Writing the Excel file: {done} of {n} rows"
    ),
    # a table on a phone (issue 21): the rest of a row behind a tap
    "table.details": Text("每行详情（全部列）", "Row details (every column)"),
    "table.details.pick": Text("选择一行", "Pick a row"),
    "table.details.field": Text("列", "Column"),
    "table.details.value": Text("值", "Value"),
    # one workbook of the page (issue 21): its button, cover and sheets
    "workbook.button": Text("下载本页（Excel 工作簿）", "Download this page (Excel workbook)"),
    "workbook.help": Text(
        "一个 Excel 文件：封面（页面、范围、周期、截至时间、筛选、下载人与时间），本页每个表格一张工作表。",
        "One Excel file: a cover (page, scope, period, as-of, filters, who downloaded it and "
        "when), then one sheet per table of this page.",
    ),
    "workbook.cover": Text("封面", "Cover"),
    "workbook.page": Text("页面", "Page"),
    "workbook.scope": Text("单位范围", "Scope"),
    "workbook.unit": TERMS["unit"],
    "workbook.period": Text("统计周期", "Period"),
    "workbook.as_of": Text("截至", "As of"),
    "workbook.filters": Text("筛选", "Filters"),
    "workbook.who": Text("下载人", "Downloaded by"),
    "workbook.when": Text("下载时间", "Downloaded at"),
    "workbook.sheets": Text("工作表", "Sheets"),
    "sheet.ranking": Text(TERMS["rank"].zh, "Ranking"),
    "sheet.indicators": Text(TERMS["indicator"].zh, "Indicators"),
    "sheet.children": Text("下级单位", "Units below"),
    "sheet.records": Text("记录 {code}", "Records {code}"),
    "sheet.import_log": Text("导入记录", "Import log"),
    "sheet.rejected_rows": Text("被拒绝的行", "Rejected rows"),
    "sheet.freshness": Text("数据新鲜度", "Freshness"),
    "sheet.overdue_cases": Text("逾期诉求", "Overdue cases"),
    "sheet.deputies_supervisors": Text("代表委员与监督员", "Deputies and supervisors"),
    "sheet.responsiveness_peers": Text("响应 同级比较", "Responsiveness peers"),
    "sheet.satisfaction_by_channel": Text("满意 按渠道", "Satisfaction by channel"),
    "sheet.satisfaction_by_kind": Text("满意 按类型", "Satisfaction by kind"),
    "sheet.satisfaction_peers": Text("满意 同级比较", "Satisfaction peers"),
    "sheet.methodology_indicators": Text("指标定义", "Indicators"),
    "sheet.methodology_dimension_weights": Text("维度权重", "Dimension weights"),
    "sheet.methodology_settings": Text("设置", "Settings"),
    "sheet.methodology_catalogue": Text("必须公开目录", "Mandatory catalogue"),
    "sheet.missing_categories": Text("缺失类别", "Missing categories"),
    "sheet.openness_peers": Text("公开 同级比较", "Openness peers"),
    "sheet.attention": Text("关注清单", "Attention"),
    "sheet.supervision_by_source": Text("监督 按来源", "Supervision by source"),
    "sheet.supervision_items": Text("监督事项", "Supervision items"),
    "download.refused.session": Text(
        "已拒绝：此下载不属于本会话。请刷新页面后重试。",
        "Refused: this download does not belong to this session. Reload the page and retry.",
    ),
    "download.refused.person": Text(
        "已拒绝：您已退出登录或不再有角色，文件未生成。",
        "Refused: you are signed out or no longer have a role; no file was made.",
    ),
    "download.refused.reach": Text(
        "已拒绝：按您现在的角色，无权取得此文件。",
        "Refused: your role, as it is now, does not reach this file.",
    ),
    "na": Text(NA, NA),
    "insufficient": TERMS["insufficient"],
    "incomplete": TERMS["incomplete"],
    "col.rank": TERMS["rank"],
    "col.rank_change": Text("名次变化", "Rank change"),
    "col.unit": TERMS["unit"],
    "col.unit_id": FIELD_LABELS["unit_id"],
    "col.level": TERMS["level"],
    "col.kind": FIELD_LABELS["kind"],
    "col.overall": TERMS["overall"],
    **{f"col.{d.code}": dimension_score(d.code) for d in DIMENSIONS},
    "col.status": Text("说明", "Note"),
    "col.indicator": TERMS["indicator"],
    "col.dimension": TERMS["dimension"],
    "col.value": Text("数值", "Value"),
    "col.n": TERMS["sample_size"],
    "col.interval": Text("95% 置信区间", "95% interval"),
    "col.lo": Text("区间下限", "Lower bound"),
    "col.hi": Text("区间上限", "Upper bound"),
    "col.explain": TERMS["explain"],
    "col.previous": TERMS["previous"].capitalized(),
    "col.change": Text("变化", "Change"),
    "col.weight": TERMS["weight"],
    "col.scored": Text("计分", "Scored"),
    "col.code": Text("代码", "Code"),
    "col.definition": Text("定义", "Definition"),
    "col.category": FIELD_LABELS["category"],
    "col.channel": FIELD_LABELS["channel"],
    "col.count": Text("数量", "Count"),
    "col.share": Text("占比", "Share"),
    "col.month": Text("月份", "Month"),
    "yes": Text("是", "yes"),
    "no": Text("否", "no"),
    "status.ranked": Text("", ""),
    "status.incomplete": Text(
        TERMS["incomplete"].zh + "：{dims} 无得分，不参与排名",
        TERMS["incomplete"].en + ": no {dims} score, not ranked",
    ),
    "status.insufficient": Text(
        TERMS["insufficient"].zh + "（n<{min}）：{codes}",
        TERMS["insufficient"].en + " (n<{min}): {codes}",
    ),
    "rank.new": Text("新上榜", "new"),
    "rank.same": TERMS["rank_same"],
    "peers.table": Text("{level}对比", "{level} units compared"),
}
