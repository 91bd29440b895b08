"""Texts of the Jobs page (admins): scheduled jobs, their runs and deliveries.

key -> :class:`~queries.vocabulary.text.Text`. Merged by :mod:`dashboard.i18n`.
"""

from __future__ import annotations

from queries.vocabulary.text import Text

STRINGS: dict[str, Text] = {
    "page.jobs": Text("定时任务", "Jobs"),
    "jobs.title": Text("定时任务", "Scheduled jobs"),
    "jobs.help": Text(
        "定时导入、简报、公开摘要和预警提醒（北京时间）。任务由命令 openness jobs add 添加，"
        "由服务器每分钟运行的 openness jobs run-due 按时执行；此处“立即运行”会记入审计日志。",
        "Scheduled imports, briefings, public summaries and alerts (Beijing time). Jobs are "
        "added with `openness jobs add` and run on time by `openness jobs run-due`, which "
        "the server calls every minute; “Run now” here is recorded in the audit trail.",
    ),
    "jobs.none": Text(
        "还没有定时任务。用 openness jobs add 添加（见部署说明）。",
        "No jobs yet. Add one with `openness jobs add` (see the deployment guide).",
    ),
    "jobs.col.name": Text("任务", "Job"),
    "jobs.col.kind": Text("类型", "Kind"),
    "jobs.col.schedule": Text("时间表（cron）", "Schedule (cron)"),
    "jobs.col.scope": Text("范围", "Scope"),
    "jobs.col.last_run": Text("上次运行", "Last run"),
    "jobs.col.last_result": Text("上次结果", "Last result"),
    "jobs.col.next_run": Text("下次运行", "Next run"),
    "jobs.col.job": Text("任务", "Job"),
    "jobs.col.slot": Text("计划时间", "Slot"),
    "jobs.col.started": Text("开始", "Started"),
    "jobs.col.finished": Text("结束", "Finished"),
    "jobs.col.result": Text("结果", "Result"),
    "jobs.col.started_by": Text("运行者", "Run by"),
    "jobs.col.at": Text("时间", "Time"),
    "jobs.col.user": Text("发送者", "Sent by"),
    "jobs.col.detail": Text("渠道、收件人与内容", "Channel, recipients and what"),
    "jobs.kind.import": Text("导入文件夹", "Import a folder"),
    "jobs.kind.briefing": Text("联络简报", "Liaison briefing"),
    "jobs.kind.publish": Text("公开摘要", "Public summary"),
    "jobs.kind.alerts": Text("预警提醒", "Alerts"),
    "jobs.scope.all": Text("全部单位", "every unit"),
    "jobs.result.ok": Text("成功", "ok"),
    "jobs.result.failed": Text("失败", "failed"),
    "jobs.result.skipped": Text("跳过", "skipped"),
    "jobs.result.running": Text("运行中", "running"),
    # the causes a run writes in words of its own (queries.jobs.drop_folder, reports.jobs
    # .runner); any other cause (a file's name and fault, a server's answer) shows as written
    "jobs.cause.no new file": Text("没有新文件", "no new file"),
    "jobs.cause.no new signals": Text("没有新的需关注信号", "no new signals"),
    "jobs.cause.the database has no units": Text("数据库中没有单位", "the database has no units"),
    "jobs.cause.still being written": Text("文件仍在写入", "still being written"),
    "jobs.cause.the period ends before the first record": Text(
        "统计周期早于最早的记录", "the period ends before the first record"
    ),
    "jobs.cause.did not finish": Text(
        "未运行完（进程中止）", "did not finish (its process stopped)"
    ),
    "jobs.run.pick": Text("任务", "Job"),
    "jobs.run.button": Text("立即运行", "Run now"),
    "jobs.run.running": Text("正在运行“{job}”……", "Running “{job}”…"),
    "jobs.run.done": Text("“{job}”：{result}", "“{job}”: {result}"),
    "jobs.run.busy": Text(
        "“{job}”此刻正由另一进程运行。", "“{job}” is being run by another process right now."
    ),
    "jobs.runs": Text("最近的运行", "Latest runs"),
    "jobs.runs.none": Text("还没有运行记录。", "No runs yet."),
    "jobs.deliveries": Text("投递记录（审计日志）", "Deliveries (from the audit trail)"),
    "jobs.deliveries.none": Text("还没有投递记录。", "Nothing delivered yet."),
}
