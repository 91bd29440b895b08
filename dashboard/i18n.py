"""The dashboard's own words in Chinese and English, and number/date formatting.

Indicator names and descriptions come from :mod:`queries.model.catalogue`; record
labels (levels, kinds, categories, channels, ...) from :mod:`queries.model.records`.
Only the interface's own text lives here. Every key has both languages; a
test checks it.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any, Literal

from queries.model import records

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

# key -> (中文, English)
STRINGS: dict[str, tuple[str, str]] = {
    # app frame
    "app.title": ("警务公开评价", "Police Affairs Openness"),
    "app.subtitle": ("公开 · 响应 · 满意", "Openness · Responsiveness · Satisfaction"),
    "app.internal": (
        "内部版：含案件级数据，请勿外传",
        "Internal: shows record-level data, do not share outside",
    ),
    "lang.label": ("语言 / Language", "Language / 语言"),
    # pages
    "page.overview": ("总览", "Overview"),
    "page.unit": ("单位详情", "Unit"),
    "page.openness": ("公开", "Openness"),
    "page.responsiveness": ("响应", "Responsiveness"),
    "page.satisfaction": ("满意", "Satisfaction"),
    "page.supervision": ("监督", "Supervision"),
    "page.methodology": ("计算方法", "Methodology"),
    "page.data": ("数据", "Data"),
    "page.briefing": ("联络简报", "Briefing"),
    "page.public_preview": ("公开摘要预览", "Public summary preview"),
    # filters
    "filter.header": ("筛选", "Filters"),
    "filter.period_type": ("统计周期", "Period"),
    "filter.period_type.month": ("月", "Month"),
    "filter.period_type.quarter": ("季度", "Quarter"),
    "filter.period_type.year": ("年", "Year"),
    "filter.period_type.custom": ("自定义日期", "Custom days"),
    "filter.month": ("月份", "Month"),
    "filter.quarter": ("季度", "Quarter"),
    "filter.year": ("年份", "Year"),
    "filter.days": ("起止日期", "From – to"),
    "filter.as_of": ("截至", "As of"),
    "filter.as_of.help": (
        "截至该日（含）已发生的记录与处理结果；之后的视为尚未发生。保持不变可复现同一结果。",
        "Records and actions up to the end of this day; anything later has not happened yet. "
        "Keep it fixed to reproduce the same numbers.",
    ),
    "filter.unit": ("单位范围", "Unit scope"),
    "filter.unit.help": (
        "总览与各专题页统计该单位及其下属全部单位。",
        "The overview and topic pages cover this unit and every unit below it.",
    ),
    "filter.level": ("排名层级", "Peer level"),
    "filter.level.help": (
        "参与排名比较的同级单位。",
        "The level of the units ranked against each other.",
    ),
    "filter.share": (
        "当前视图的链接已写入地址栏，可直接复制分享。",
        "This view is in the address bar: copy the link to share it.",
    ),
    "filter.period_shown": ("{period}，截至 {as_of}", "{period}, as of {as_of}"),
    # generic
    "empty.database": (
        "数据库中还没有任何记录。请先导入数据（openness import）或生成演示数据（openness seed --scale demo）。",
        "The database has no records yet. Import files (openness import) or generate demo data "
        "(openness seed --scale demo) first.",
    ),
    "empty.schema": (
        "数据库尚未初始化：请先运行 openness init。",
        "The database has no schema yet: run `openness init` first.",
    ),
    "empty.period": (
        "所选周期（{period}）内没有记录。",
        "No records in the selected period ({period}).",
    ),
    "empty.table": ("没有可显示的数据。", "Nothing to show."),
    "empty.feedback": (
        "该范围内没有群众诉求（投诉、举报、建议等）记录。",
        "No feedback (complaints, reports, suggestions, ...) in this scope.",
    ),
    "empty.disclosures": (
        "该范围内没有公开记录。",
        "No disclosure records in this scope.",
    ),
    "empty.supervision": (
        "该范围内没有监督记录。",
        "No supervision records in this scope.",
    ),
    "empty.peers": (
        "范围内没有该层级的单位。",
        "No units of this level in the scope.",
    ),
    "error.db": (
        "无法读取数据库：{error}",
        "Cannot read the database: {error}",
    ),
    "error.settings": ("配置文件有误：{error}", "The settings file is wrong: {error}"),
    "error.unknown_unit": (
        "找不到单位 {unit}，已改为显示 {fallback}。",
        "No unit {unit}; showing {fallback} instead.",
    ),
    "error.period": (
        "无法识别周期 {period}，已改为默认周期。",
        "Cannot read the period {period}; using the default period.",
    ),
    "error.page": (
        "页面出错（{error}），请调整筛选条件后重试，或联系系统管理员。",
        "This page hit an error ({error}); change the filters and retry, or contact the "
        "administrator.",
    ),
    "download.csv": ("下载 CSV", "Download CSV"),
    "download.xlsx": ("下载 Excel", "Download Excel"),
    "na": ("—", "—"),
    "insufficient": ("样本不足", "insufficient data"),
    "incomplete": ("不完整", "incomplete"),
    # columns
    "col.rank": ("排名", "Rank"),
    "col.rank_change": ("名次变化", "Rank change"),
    "col.unit": ("单位", "Unit"),
    "col.unit_id": ("单位编号", "Unit ID"),
    "col.level": ("层级", "Level"),
    "col.kind": ("类型", "Kind"),
    "col.overall": ("综合得分", "Overall score"),
    "col.openness": ("公开得分", "Openness score"),
    "col.responsiveness": ("响应得分", "Responsiveness score"),
    "col.satisfaction": ("满意得分", "Satisfaction score"),
    "col.status": ("说明", "Note"),
    "col.indicator": ("指标", "Indicator"),
    "col.dimension": ("维度", "Dimension"),
    "col.value": ("数值", "Value"),
    "col.n": ("样本量", "n"),
    "col.interval": ("95% 置信区间", "95% interval"),
    "col.lo": ("区间下限", "Lower bound"),
    "col.hi": ("区间上限", "Upper bound"),
    "col.explain": ("含义", "What it means"),
    "col.previous": ("上期", "Previous"),
    "col.change": ("变化", "Change"),
    "col.weight": ("权重", "Weight"),
    "col.scored": ("计分", "Scored"),
    "col.code": ("代码", "Code"),
    "col.definition": ("定义", "Definition"),
    "col.category": ("公开类别", "Category"),
    "col.channel": ("渠道", "Channel"),
    "col.count": ("数量", "Count"),
    "col.share": ("占比", "Share"),
    "col.month": ("月份", "Month"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # status notes
    "status.ranked": ("", ""),
    "status.incomplete": (
        "不完整：{dims} 无得分，不参与排名",
        "incomplete: no {dims} score, not ranked",
    ),
    "status.insufficient": (
        "样本不足（n<{min}）：{codes}",
        "insufficient data (n<{min}): {codes}",
    ),
    "rank.new": ("新上榜", "new"),
    "rank.same": ("持平", "same"),
    # overview
    "overview.title": ("总览：{unit}", "Overview: {unit}"),
    "overview.headline": ("得分与上期比较", "Scores against the previous period"),
    "overview.previous": ("上期 {period}", "previous period {period}"),
    "overview.rank.help": (
        "在同级全部单位中的名次；上期名次 {prev}。名次上升为正。",
        "Rank among all units of the same level; previous rank {prev}. Moving up is positive.",
    ),
    "overview.no_score": ("无得分", "no score"),
    "overview.ranking": ("{level}排名", "Ranking of {level} units"),
    "overview.ranking.help": (
        "点击任一行查看该单位详情。未排名的单位也列出，并说明原因。",
        "Click a row to open the unit. Units without a rank are listed too, with the reason.",
    ),
    "overview.ranking_chart": ("综合得分", "Overall score"),
    "overview.whiskers": ("指标对比（含 95% 置信区间）", "Indicator compared (95% interval)"),
    "overview.whiskers.indicator": ("选择指标", "Indicator"),
    "overview.map": ("公开 × 响应 × 满意分布", "Openness × responsiveness × satisfaction"),
    "overview.map.help": (
        "横轴公开得分，纵轴响应得分，颜色为满意得分；虚线为同级中位数，左下方为短板单位。",
        "Openness across, responsiveness up, colour is satisfaction; dashed lines are the peers' "
        "median, weak units sit bottom left.",
    ),
    "overview.map.missing": (
        "未在图中（缺少某一维度得分）：{units}",
        "Not on the map (a dimension has no score): {units}",
    ),
    "overview.unranked": (
        "{count} 个单位未排名（见“说明”列）。",
        "{count} units are not ranked (see the Note column).",
    ),
    "overview.open_unit": ("打开单位详情", "Open the unit"),
    # unit
    "unit.title": ("{unit}", "{unit}"),
    "unit.pick": ("单位", "Unit"),
    "unit.breadcrumb": ("所属", "Part of"),
    "unit.indicators": ("指标明细", "Indicators"),
    "unit.indicators.help": (
        "点击任一行查看该指标背后的记录（例如超期案件、未公开的必公开类别）。",
        "Click a row to see the records behind the rate (e.g. the late cases, the mandatory "
        "categories never disclosed).",
    ),
    "unit.records": ("“{indicator}”背后的记录", "Records behind “{indicator}”"),
    "unit.records.pick": ("选择指标查看记录", "Pick an indicator to see its records"),
    "unit.records.none": ("该指标在本周期没有记录。", "No records behind this indicator."),
    "unit.children": ("下属单位比较", "Units below compared"),
    "unit.no_children": ("该单位没有下属单位。", "This unit has no units below it."),
    "unit.trends": ("月度趋势（与同级中位数比较）", "Monthly trend against the peers' median"),
    "unit.trend.indicator": ("趋势指标", "Trend indicator"),
    "unit.trend.this": ("本单位", "This unit"),
    "unit.trend.median": ("同级中位数", "Peers' median"),
    "unit.status": ("状态", "Status"),
    # openness page
    "openness.title": ("公开：{unit}", "Openness: {unit}"),
    "openness.heatmap": ("必公开目录覆盖", "Mandatory catalogue coverage"),
    "openness.heatmap.help": (
        "红色为必公开但本期未公开的类别；灰色为该类单位非必公开。",
        "Red: mandatory but not disclosed in the period; grey: not mandatory for the unit's kind.",
    ),
    "openness.covered": ("已公开", "disclosed"),
    "openness.missing": ("缺失", "missing"),
    "openness.not_required": ("非必公开", "not mandatory"),
    "openness.depth": ("公开深度", "Depth balance"),
    "openness.depth.results": ("结果与过程 vs 程序", "Results vs procedures"),
    "openness.depth.rights": ("权利救济 vs 群众义务", "Rights vs obligations"),
    "depth.result": ("结果类", "Results"),
    "depth.procedure": ("程序类", "Procedures"),
    "depth.rights": ("权利类", "Rights"),
    "depth.obligation": ("义务类", "Obligations"),
    "openness.timely": ("公开时效分布", "Time to publish"),
    "openness.timely.x": ("形成至公开的工作日数", "Working days from forming to publishing"),
    "openness.timely.limit": ("时限 {days} 个工作日", "limit {days} working days"),
    "openness.channels": ("公开渠道", "Channels used"),
    # responsiveness
    "resp.title": ("响应：{unit}", "Responsiveness: {unit}"),
    "resp.rates": ("响应与办结", "Response and closing"),
    "resp.backlog": ("未办结案件（按已用天数）", "Open cases by age"),
    "resp.overdue": ("超期未办结", "Overdue backlog"),
    "resp.backlog.none": ("截至当日没有未办结案件。", "No open cases at the as-of date."),
    "resp.close_days": ("办结用时分布", "Days to close"),
    "resp.close_days.x": ("办结用时（天）", "Days to close"),
    "resp.channels": ("人大代表、政协委员与特邀监督员件", "Deputies' and supervisors' items"),
    "resp.channels.help": (
        "人大代表/政协委员和特邀监督员提出的件单独列出。",
        "Items raised by deputies and police supervisors, shown apart.",
    ),
    "resp.age": ("已用天数", "Age (days)"),
    "resp.overdue_days": ("超期天数", "Days overdue"),
    "resp.open": ("未办结", "Open"),
    "resp.open_count": ("未办结件数", "Open cases"),
    "resp.overdue_count": ("其中超期", "of which overdue"),
    "resp.not_overdue": ("未超期", "Not overdue"),
    "resp.age_class": ("{lo}–{hi} 天", "{lo}–{hi} days"),
    "resp.age_class_open": ("{lo} 天以上", "{lo}+ days"),
    "resp.cases": ("件数", "Cases"),
    "resp.all_channels": ("全部渠道", "All channels"),
    "resp.overdue_list": ("超期未办结案件", "Overdue open cases"),
    "peers.table": ("{level}对比", "{level} units compared"),
    # satisfaction
    "sat.title": ("满意：{unit}", "Satisfaction: {unit}"),
    "sat.rates": ("满意与解决", "Satisfaction and resolution"),
    "sat.by_channel": ("按渠道", "By channel"),
    "sat.by_kind": ("按类型", "By kind"),
    "sat.trend": ("月度趋势", "Monthly trend"),
    "sat.no_visits": (
        "该范围没有回访记录，满意率与解决率无法计算。",
        "No return visits in this scope: satisfaction and resolution cannot be computed.",
    ),
    # supervision
    "sup.title": ("监督：{unit}", "Supervision: {unit}"),
    "sup.by_source": ("按来源", "By source"),
    "sup.internal": ("内部监督", "Internal"),
    "sup.external": ("外部监督", "External"),
    "sup.rectify": ("整改情况", "Rectification"),
    "sup.published": ("结果公开", "Results made public"),
    "sup.items": ("监督事项", "Supervision items"),
    "sup.opened": ("立项", "Opened"),
    "sup.on_time": ("按期整改", "Rectified on time"),
    "sup.late": ("逾期", "Late"),
    "sup.pending": ("整改中（未到期）", "In progress (not due)"),
    "sup.no_due": ("无整改期限", "No deadline"),
    "sup.rectified": ("期内整改完成", "Rectified in period"),
    "sup.published_yes": ("结果已公开", "Result published"),
    "sup.published_no": ("结果未公开", "Result not published"),
    "sup.items_count": ("立项事项", "Items opened"),
    "sup.none": ("本期该范围没有监督事项。", "No supervision items in this scope and period."),
    "openness.channels.used": ("使用 {used} / 8 类渠道", "{used} of 8 channels used"),
    "openness.missing_list": ("缺失的必公开类别", "Mandatory categories missing"),
    "openness.missing_none": (
        "所有必公开类别本期均有公开。",
        "Every mandatory category was disclosed.",
    ),
    "openness.disclosures": ("公开信息条数", "Disclosures"),
    # methodology
    "method.title": ("计算方法", "Methodology"),
    "method.intro": (
        "本页由指标目录与当前生效的配置自动生成，与命令行、简报和公开摘要使用同一定义。",
        "Generated from the indicator catalogue and the settings in force; the command line, "
        "briefing and public summary use the same definitions.",
    ),
    "method.scope": ("周期、截至时间与范围", "Period, as-of and scope"),
    "method.indicators": ("指标定义", "Indicator definitions"),
    "method.weights": ("权重", "Weights"),
    "method.dimension_weights": ("维度权重", "Dimension weights"),
    "method.catalogue": ("必公开目录（按单位类型）", "Mandatory catalogue by unit kind"),
    "method.insufficient": ("样本不足与不完整", "Insufficient and incomplete"),
    "method.settings_file": ("配置文件：{path}", "Settings file: {path}"),
    "method.settings_default": ("使用默认配置。", "Default settings in force."),
    "method.scope.text": (
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
    "method.insufficient.text": (
        "每个比率都给出 95% Wilson 置信区间。样本量 n = 0 的指标没有数值；n < {min} 的指标标记为"
        "“样本不足”，照常显示但不计入得分（目录覆盖率统计的是目录条目，不受此限）。\n\n"
        "维度得分 = 100 × Σ(权重 × 指标值) ÷ Σ权重，只计有数值且样本充足的计分指标；一个维度没有可用指标时无得分。"
        "综合得分为各维度得分的加权平均；任一权重为正的维度无得分时，综合得分为空，该单位为“不完整”，不参与排名，"
        "但仍在排名表中列出并说明原因。\n\n"
        "排名：同一层级中有综合得分的单位按得分从高到低排列，并列者同名次（1, 2, 2, 4）。名次变化 = 上期名次 − 本期名次（正数为上升）。",
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
    "method.setting": ("设置项", "Setting"),
    "method.value": ("取值", "Value"),
    "method.type": ("类型", "Type"),
    "method.default": ("默认值", "Default"),
    "method.meaning": ("说明", "What it does"),
    "method.settings": ("全部配置项", "All settings"),
    "method.settings.text": (
        "由配置目录生成；配置文件只需写出要改的项。命令行 `openness settings` 列出同一张表。",
        "Generated from the settings catalogue; a settings file sets only what it changes. "
        "`openness settings` prints the same list.",
    ),
    "method.rate": ("比率", "Rate"),
    "method.formula": ("计算方法", "Formula"),
    # data
    "data.title": ("数据", "Data"),
    "data.as_of": ("当前截至时间：{as_of}", "As-of in force: {as_of}"),
    "data.counts": ("记录数", "Records held"),
    "data.imports": ("导入记录", "Import log"),
    "data.imports.none": (
        "尚无导入记录（演示数据由生成器直接写入）。",
        "No imports logged (generated demo data is written directly).",
    ),
    "data.rejects": ("被拒绝的行", "Rejected rows"),
    "data.rejects.none": ("没有被拒绝的行。", "No rejected rows."),
    "data.freshness": ("各单位数据新鲜度", "How fresh each unit's data is"),
    "data.freshness.help": (
        "每个单位各类记录的最近日期，距截至时间的天数。",
        "Each unit's latest record of each kind, and its age at the as-of.",
    ),
    "data.kind": ("记录类型", "Record kind"),
    "data.kind.units": ("单位", "Units"),
    "data.kind.disclosures": ("公开信息", "Disclosures"),
    "data.kind.feedback": ("群众诉求", "Feedback"),
    "data.kind.supervision": ("监督事项", "Supervision items"),
    "data.col.file": ("文件", "File"),
    "data.col.started": ("开始时间", "Started"),
    "data.col.finished": ("完成时间", "Finished"),
    "data.col.read": ("读取行数", "Rows read"),
    "data.col.accepted": ("接收行数", "Accepted"),
    "data.col.rejected": ("拒绝行数", "Rejected"),
    "data.col.import_status": ("结果", "Result"),
    "data.col.import_id": ("导入编号", "Import"),
    "data.col.row": ("行号", "Row"),
    "data.col.column": ("列", "Column"),
    "data.col.reason": ("原因", "Reason"),
    "data.col.last": ("最近{kind}", "Latest {kind}"),
    "data.col.age": ("{kind}距今（天）", "{kind}: days old"),
    "data.status.committed": ("已写入", "committed"),
    "data.status.rolled_back": ("已回滚（严格模式）", "rolled back (strict)"),
    "data.status.failed": ("失败（文件无法读取）", "failed (unreadable file)"),
    "data.db": ("数据库：{url}", "Database: {url}"),
    # briefing page
    "briefing.intro": (
        "为人大代表、政协委员生成工作情况通报：得分与上期、去年同期对比，各层级居前居后单位及失分指标，"
        "代表委员反映事项办理情况，监督结果公开情况，图表与方法说明。文件可直接提交。",
        "The briefing for NPC deputies and CPPCC members: scores against the previous period "
        "and last year, the strongest and weakest units of each level and what pulls them "
        "down, the deputies' own items, supervision results made public, charts and a note "
        "on method. Ready to hand over as it is.",
    ),
    "briefing.lang": ("文档语言", "Document language"),
    "briefing.format": ("下载格式", "Download format"),
    "briefing.scope": (
        "范围：{scope}（在侧栏“单位范围”中更改）",
        "Scope: {scope} (change it in the sidebar)",
    ),
    "briefing.whole": ("全局（根单位）", "the whole bureau (root units)"),
    "briefing.generate": ("生成简报", "Generate the briefing"),
    "briefing.generating": ("正在生成…", "Generating…"),
    "briefing.preview": ("预览", "Preview"),
    "briefing.download": ("下载 {fmt}", "Download {fmt}"),
    "briefing.stale": (
        "筛选条件已改变，请重新生成。",
        "The filters changed since it was generated: generate again.",
    ),
    # preview page
    "preview.intro": (
        "以下是将发布到公安局门户网站（警务网外）的静态页面，与 openness publish 生成的文件完全相同："
        "只含汇总数据；投诉建议与监督事项的数量1至{k}以下显示为“<{k}”、其余取整到{r}的倍数；"
        "样本少于{m}件或分子、余数在1至{k}以下的比率显示为“数据不足”；得分只由公布的数值计算；"
        "只包含{levels}。",
        "This is the static bundle for the bureau's public website (outside the police "
        "network), the same files `openness publish` writes: aggregates only; counts of "
        "complaints and supervision items below {k} shown as “<{k}”, others rounded to a "
        "multiple of {r}; rates from fewer than {m} cases, or whose numerator or remainder is "
        "below {k}, shown as “insufficient data”; scores computed from the published figures "
        "only; only {levels} units.",
    ),
    "preview.download": ("下载发布包（zip）", "Download the bundle (zip)"),
    "preview.files": ("包含文件", "Files"),
    "preview.building": ("正在生成…", "Building…"),
}

# record fields as column headers (records.md) and the drill-down's own columns
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "unit_id": ("单位编号", "Unit ID"),
    "unit": ("单位", "Unit"),
    "disclosure_id": ("信息编号", "Disclosure ID"),
    "title": ("标题", "Title"),
    "category": ("公开类别", "Category"),
    "domain": ("领域", "Domain"),
    "channel": ("渠道", "Channel"),
    "formed_on": ("形成日期", "Formed on"),
    "published_on": ("公开日期", "Published on"),
    "updated_on": ("更新日期", "Updated on"),
    "withdrawn_on": ("撤下日期", "Withdrawn on"),
    "workdays": ("工作日数", "Working days"),
    "case_id": ("案件编号", "Case ID"),
    "kind": ("类型", "Kind"),
    "received_at": ("收到时间", "Received"),
    "due_at": ("办理期限", "Due"),
    "due": ("办理期限", "Due"),
    "response_limit": ("响应时限", "Response limit"),
    "first_response_at": ("首次响应时间", "First response"),
    "closed_at": ("办结时间", "Closed"),
    "close_days": ("办结用时（天）", "Days to close"),
    "outcome": ("办理结果", "Outcome"),
    "reasoned_reply": ("说理答复", "Reasoned reply"),
    "return_visit_at": ("回访时间", "Return visit"),
    "resolved": ("是否解决", "Resolved"),
    "satisfaction": ("满意度", "Satisfaction"),
    "repeat_of": ("重复于", "Repeat of"),
    "item_id": ("事项编号", "Item ID"),
    "source": ("监督来源", "Source"),
    "opened_on": ("立项日期", "Opened on"),
    "severity": ("严重程度", "Severity"),
    "finding": ("发现问题", "Finding"),
    "rectify_due_on": ("整改期限", "Rectify by"),
    "rectified_on": ("整改完成", "Rectified on"),
    "result_published_on": ("结果公开日期", "Result published"),
    "covered_by": ("覆盖该类别的信息", "Covered by"),
    "status": ("状态", "Status"),
    "numerator": ("计入分子", "In numerator"),
    "denominator": ("计入分母", "In denominator"),
    "age_days": ("已用天数", "Age (days)"),
    "overdue": ("是否超期", "Overdue"),
    "overdue_days": ("超期天数", "Days overdue"),
    "internal": ("内部/外部", "Internal/external"),
}

# short names of the three dimensions and the overall score
DIMENSION_LABELS: dict[str, tuple[str, str]] = {
    "openness": ("公开", "Openness"),
    "responsiveness": ("响应", "Responsiveness"),
    "satisfaction": ("满意", "Satisfaction"),
    "overall": ("综合", "Overall"),
}

# records.py has no English labels for these three
_OUTCOMES_EN = {
    "upheld": "Upheld",
    "partly_upheld": "Partly upheld",
    "not_upheld": "Not upheld",
    "adopted": "Adopted",
    "partly_adopted": "Partly adopted",
    "not_adopted": "Not adopted",
    "answered": "Answered",
    "withdrawn": "Withdrawn",
}
_SEVERITIES_EN = {"minor": "Minor", "moderate": "Moderate", "serious": "Serious"}
_DOMAINS_EN = {"administrative": "Administrative", "criminal": "Criminal", "service": "Service"}

_ENUM_LABELS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "level": (records.UNIT_LEVELS, records.UNIT_LEVELS_EN),
    "kind": (records.UNIT_KINDS, records.UNIT_KINDS_EN),
    "category": (records.DISCLOSURE_CATEGORIES, records.DISCLOSURE_CATEGORIES_EN),
    "disclosure_channel": (records.DISCLOSURE_CHANNELS, records.DISCLOSURE_CHANNELS_EN),
    "feedback_kind": (records.FEEDBACK_KINDS, records.FEEDBACK_KINDS_EN),
    "feedback_channel": (records.FEEDBACK_CHANNELS, records.FEEDBACK_CHANNELS_EN),
    "satisfaction": (records.SATISFACTION, records.SATISFACTION_EN),
    "source": (records.SUPERVISION_SOURCES, records.SUPERVISION_SOURCES_EN),
    "outcome": (records.OUTCOMES, _OUTCOMES_EN),
    "severity": (records.SEVERITIES, _SEVERITIES_EN),
    "domain": (records.DISCLOSURE_DOMAINS, _DOMAINS_EN),
}


def t(key: str, lang: Lang, /, **kwargs: Any) -> str:
    """The interface text ``key`` in ``lang``, formatted with ``kwargs``."""
    zh, en = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**kwargs) if kwargs else text


def field_label(name: str, lang: Lang) -> str:
    zh, en = FIELD_LABELS.get(name, (name, name))
    return zh if lang == "zh" else en


def dimension(code: str, lang: Lang) -> str:
    zh, en = DIMENSION_LABELS[code]
    return zh if lang == "zh" else en


def enum_label(group: str, code: str | None, lang: Lang) -> str:
    """The label of an enum code (level, kind, category, channel, ...)."""
    if code is None:
        return "—"
    zh, en = _ENUM_LABELS[group]
    table = zh if lang == "zh" else en
    return table.get(code, code)


def enum_labels(group: str, lang: Lang) -> dict[str, str]:
    """code -> label of an enum group, for labelling a whole column at once."""
    zh, en = _ENUM_LABELS[group]
    return dict(zh if lang == "zh" else en)


def unit_name(name: str | None, name_en: str | None, lang: Lang) -> str:
    if lang == "en" and name_en:
        return name_en
    return name or name_en or ""


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_pct(value: float | None, lang: Lang) -> str:
    """A fraction 0..1 as a percent with one decimal: ``0.8567`` -> ``85.7%``."""
    if _missing(value):
        return t("na", lang)
    return f"{value * 100:.1f}%"  # type: ignore[operator]


def fmt_score(value: float | None, lang: Lang) -> str:
    """A 0..100 score with one decimal."""
    if _missing(value):
        return t("na", lang)
    return f"{value:.1f}"


def fmt_days(value: float | None, lang: Lang) -> str:
    if _missing(value):
        return t("na", lang)
    return f"{value:.1f} 天" if lang == "zh" else f"{value:.1f} days"


def fmt_int(value: int | None, lang: Lang) -> str:
    if _missing(value):
        return t("na", lang)
    return f"{int(value):,}"  # type: ignore[arg-type]


def fmt_signed(value: float | None, lang: Lang, *, decimals: int = 1, suffix: str = "") -> str:
    """A signed change: ``+2.3``, ``−1.0`` (true minus sign), ``0.0``."""
    if _missing(value):
        return t("na", lang)
    text = f"{abs(value):.{decimals}f}{suffix}"  # type: ignore[arg-type]
    if round(value, decimals) > 0:  # type: ignore[arg-type]
        return "+" + text
    if round(value, decimals) < 0:  # type: ignore[arg-type]
        return "−" + text
    return text


def fmt_date(value: date | datetime | None, lang: Lang) -> str:
    if value is None:
        return t("na", lang)
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second:
            return (
                f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
                if lang == "zh"
                else f"{value:%Y-%m-%d %H:%M}"
            )
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日" if lang == "zh" else value.isoformat()


def fmt_rank_change(value: int | None, lang: Lang) -> str:
    """Rank change as an arrow: ``▲2`` moved up two places, ``▼1`` down one."""
    if _missing(value):
        return t("na", lang)
    if value > 0:  # type: ignore[operator]
        return f"▲{value}"
    if value < 0:  # type: ignore[operator]
        return f"▼{-value}"  # type: ignore[operator]
    return t("rank.same", lang)


def fmt_month(month: str, lang: Lang) -> str:
    """``2026-03`` as ``2026年3月`` / ``2026-03``."""
    if lang == "zh" and len(month) == 7 and month[4] == "-":
        return f"{month[:4]}年{int(month[5:])}月"
    return month


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md(text: object) -> str:
    """``text`` (from records or a URL) made inert for Streamlit's Markdown: every
    punctuation character that Markdown, its HTML or its math could read is escaped."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def language_from_locale(locale: str | None) -> Lang:
    """Chinese when the browser asks for it, else English; Chinese when unknown."""
    if not locale:
        return "zh"
    return "zh" if locale.lower().startswith("zh") else "en"
