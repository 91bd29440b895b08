"""Texts of the four topic pages: Openness, Responsiveness, Satisfaction, Supervision.

key -> :class:`~queries.vocabulary.text.Text`; shared terms come from
:mod:`queries.vocabulary` (never restated here). Merged by :mod:`dashboard.i18n`.
"""

from __future__ import annotations

from queries.vocabulary.text import Text

STRINGS: dict[str, Text] = {
    "openness.title": Text("公开：{unit}", "Openness: {unit}"),
    "openness.heatmap": Text("必公开目录覆盖", "Mandatory catalogue coverage"),
    "openness.heatmap.help": Text(
        "红色为必公开但本期未公开的类别；灰色为该类单位非必公开。",
        "Red: mandatory but not disclosed in the period; grey: not mandatory for the unit's kind.",
    ),
    "openness.covered": Text("已公开", "disclosed"),
    "openness.missing": Text("缺失", "missing"),
    "openness.not_required": Text("非必公开", "not mandatory"),
    "openness.depth": Text("公开深度", "Depth balance"),
    "openness.depth.results": Text("结果与过程 vs 程序", "Results vs procedures"),
    "openness.depth.rights": Text("权利救济 vs 群众义务", "Rights vs obligations"),
    "depth.result": Text("结果类", "Results"),
    "depth.procedure": Text("程序类", "Procedures"),
    "depth.rights": Text("权利类", "Rights"),
    "depth.obligation": Text("义务类", "Obligations"),
    "openness.timely": Text("公开时效分布", "Time to publish"),
    "openness.timely.x": Text("形成至公开的工作日数", "Working days from forming to publishing"),
    "openness.timely.limit": Text("时限 {days} 个工作日", "limit {days} working days"),
    "openness.channels": Text("公开渠道", "Channels used"),
    "resp.title": Text("响应：{unit}", "Responsiveness: {unit}"),
    "resp.rates": Text("响应与办结", "Response and closing"),
    "resp.backlog": Text("未办结案件（按已用天数）", "Open cases by age"),
    "resp.overdue": Text("超期未办结", "Overdue backlog"),
    "resp.backlog.none": Text("截至当日没有未办结案件。", "No open cases at the as-of date."),
    "resp.close_days": Text("办结用时分布", "Days to close"),
    "resp.close_days.x": Text("办结用时（天）", "Days to close"),
    "resp.channels": Text("人大代表、政协委员与特邀监督员件", "Deputies' and supervisors' items"),
    "resp.channels.help": Text(
        "人大代表/政协委员和特邀监督员提出的件单独列出。",
        "Items raised by deputies and police supervisors, shown apart.",
    ),
    "resp.age": Text("已用天数", "Age (days)"),
    "resp.overdue_days": Text("超期天数", "Days overdue"),
    "resp.open": Text("未办结", "Open"),
    "resp.open_count": Text("未办结件数", "Open cases"),
    "resp.overdue_count": Text("其中超期", "of which overdue"),
    "resp.not_overdue": Text("未超期", "Not overdue"),
    "resp.age_class": Text("{lo}–{hi} 天", "{lo}–{hi}"),  # the axis says "(days)"
    "resp.age_class_open": Text("{lo} 天以上", "{lo}+"),
    "resp.cases": Text("件数", "Cases"),
    "resp.all_channels": Text("全部渠道", "All channels"),
    "resp.overdue_list": Text("超期未办结案件", "Overdue open cases"),
    "sat.title": Text("满意：{unit}", "Satisfaction: {unit}"),
    "sat.rates": Text("满意与解决", "Satisfaction and resolution"),
    "sat.by_channel": Text("按渠道", "By channel"),
    "sat.by_kind": Text("按类型", "By kind"),
    "sat.trend": Text("月度趋势", "Monthly trend"),
    "sat.no_visits": Text(
        "该范围没有回访记录，满意率与解决率无法计算。",
        "No return visits in this scope: satisfaction and resolution cannot be computed.",
    ),
    "sup.title": Text("监督：{unit}", "Supervision: {unit}"),
    "sup.by_source": Text("按来源", "By source"),
    "sup.internal": Text("内部监督", "Internal"),
    "sup.external": Text("外部监督", "External"),
    "sup.rectify": Text("整改情况", "Rectification"),
    "sup.published": Text("结果公开", "Results made public"),
    "sup.items": Text("监督事项", "Supervision items"),
    "sup.opened": Text("立项", "Opened"),
    "sup.on_time": Text("按期整改", "Rectified on time"),
    "sup.late": Text("逾期", "Late"),
    "sup.pending": Text("整改中（未到期）", "In progress (not due)"),
    "sup.no_due": Text("无整改期限", "No deadline"),
    "sup.rectified": Text("期内整改完成", "Rectified in period"),
    "sup.published_yes": Text("结果已公开", "Result published"),
    "sup.published_no": Text("结果未公开", "Result not published"),
    "sup.items_count": Text("立项事项", "Items opened"),
    "sup.none": Text("本期该范围没有监督事项。", "No supervision items in this scope and period."),
    "openness.channels.used": Text("使用 {used} / 8 类渠道", "{used} of 8 channels used"),
    "openness.missing_list": Text("缺失的必公开类别", "Mandatory categories missing"),
    "openness.missing_none": Text(
        "所有必公开类别本期均有公开。",
        "Every mandatory category was disclosed.",
    ),
    "openness.disclosures": Text("公开信息条数", "Disclosures"),
}
