"""Texts of the Data page (record counts, imports, rejects, freshness).

key -> :class:`~queries.vocabulary.text.Text`; shared terms come from
:mod:`queries.vocabulary` (never restated here). Merged by :mod:`dashboard.i18n`.
"""

from __future__ import annotations

from queries.vocabulary.terms import TERMS
from queries.vocabulary.text import Text

STRINGS: dict[str, Text] = {
    "data.title": Text("数据", "Data"),
    "data.as_of": Text("当前截至时间：{as_of}", "As-of in force: {as_of}"),
    "data.counts": Text("记录数", "Records held"),
    "data.imports": Text("导入记录", "Import log"),
    "data.imports.none": Text(
        "尚无导入记录（演示数据由生成器直接写入）。",
        "No imports logged (generated demo data is written directly).",
    ),
    "data.rejects": Text("被拒绝的行", "Rejected rows"),
    "data.rejects.none": Text("没有被拒绝的行。", "No rejected rows."),
    "data.freshness": Text("各单位数据新鲜度", "How fresh each unit's data is"),
    "data.freshness.help": Text(
        "每个单位各类记录的最近日期，距截至时间的天数。",
        "Each unit's latest record of each kind, and its age at the as-of.",
    ),
    "data.kind": Text("记录类型", "Record kind"),
    "data.kind.units": Text(TERMS["unit"].zh, "Units"),
    "data.kind.disclosures": Text("公开信息", "Disclosures"),
    "data.kind.feedback": Text("群众诉求", "Feedback"),
    "data.kind.supervision": Text("监督事项", "Supervision items"),
    "data.col.file": Text("文件", "File"),
    "data.col.started": Text("开始时间", "Started"),
    "data.col.finished": Text("完成时间", "Finished"),
    "data.col.read": Text("读取行数", "Rows read"),
    "data.col.accepted": Text("接收行数", "Accepted"),
    "data.col.rejected": Text("拒绝行数", "Rejected"),
    "data.col.import_status": Text("结果", "Result"),
    "data.col.import_id": Text("导入编号", "Import"),
    "data.col.row": Text("行号", "Row"),
    "data.col.column": Text("列", "Column"),
    "data.col.reason": Text("原因", "Reason"),
    "data.col.last": Text("最近{kind}", "Latest {kind}"),
    "data.col.age": Text("{kind}距今（天）", "{kind}: days old"),
    "data.status.committed": Text("已写入", "committed"),
    "data.status.rolled_back": Text("已回滚（严格模式）", "rolled back (strict)"),
    "data.status.failed": Text("失败（文件或环境不可用）", "failed (unusable file or environment)"),
    "data.status.running": Text("正在导入", "running"),
    "data.status.interrupted": Text("已中断（进程中止）", "interrupted (the process died)"),
    "data.db": Text("数据库：{url}", "Database: {url}"),
}
