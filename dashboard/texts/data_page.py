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
    # uploads (issue 21; access.md, "Added with jobs, uploads, goals and notes")
    "data.upload": Text("上传记录文件", "Upload a record file"),
    "data.upload.help": Text(
        "与服务器上的 openness import 相同：CSV 或 Excel 工作簿，记录类型由文件名判断"
        "（如 2026-03_feedback.xlsx），也可在下面选择；每个文件不超过 {mb} MB。{reach}",
        "The same as openness import on the server: CSV or an Excel workbook, the kind told "
        "from the file's name (e.g. 2026-03_feedback.xlsx) or chosen below; at most {mb} MB a "
        "file. {reach}",
    ),
    "data.upload.reach.all": Text(
        "可上传所有单位的记录。", "You may upload records of every unit."
    ),
    "data.upload.reach.subtree": Text(
        "只能上传 {unit}（{unit_id}）及其下属单位的记录：其他单位的行会被拒绝并写明原因。",
        "You may upload records of {unit} ({unit_id}) and the units below it only: rows of "
        "any other "
        "unit are rejected, with that reason.",
    ),
    "data.upload.file": Text("记录文件（.csv、.xlsx、.xls）", "Record file (.csv, .xlsx, .xls)"),
    "data.upload.too_big": Text(
        "文件“{name}”有 {size} MB，超过上传上限 {mb} MB（设置 upload_max_mb）：请拆分文件，"
        "或在服务器上用 openness import 导入。",
        "The file '{name}' is {size} MB, over the upload limit of {mb} MB (setting "
        "upload_max_mb): split it, or import it on the server with openness import.",
    ),
    "data.upload.kind": Text("记录类型", "Record kind"),
    "data.upload.kind.pick": Text(
        "无法从文件名判断记录类型：请选择。", "The kind cannot be told from the name: pick it."
    ),
    "data.upload.preview": Text("导入前预览", "Preview before importing"),
    "data.upload.preview.what": Text(
        "类型：{kind} · 格式：{format} · 记录行数：{rows}",
        "Kind: {kind} · format: {format} · record rows: {rows}",
    ),
    "data.upload.preview.sheet": Text(
        "读取工作表：{sheet}（表头上方跳过 {above} 行）",
        "Sheet read: {sheet} ({above} row(s) above the header skipped)",
    ),
    "data.upload.preview.header": Text("读到的表头：", "Header as read:"),
    "data.upload.preview.missing": Text(
        "文件中没有这些可选列（将留空）：{cols}",
        "Optional columns not in the file (left empty): {cols}",
    ),
    "data.upload.preview.first": Text("前 {n} 行（原样）", "First {n} rows (as read)"),
    "data.upload.go": Text("导入", "Import"),
    "data.upload.progress": Text(
        "正在导入“{name}”：已读 {done} / {rows} 行",
        "Importing '{name}': {done} of {rows} rows read",
    ),
    "data.upload.done": Text(
        "“{name}”已导入：读取 {read} 行，接收 {accepted} 行，拒绝 {rejected} 行。",
        "'{name}' imported: {read} rows read, {accepted} accepted, {rejected} rejected.",
    ),
    "data.upload.failed": Text("未导入任何内容：{error}", "Nothing was imported: {error}"),
    "data.upload.rejects": Text("被拒绝的行", "Rejected rows"),
    "data.upload.rejects.file": Text(
        "下载被拒行文件（改正后可原样再导入）",
        "Download the rejects file (correct it and import it again as it is)",
    ),
    "data.upload.again": Text(
        "此文件已导入。要再次导入，请重新选择文件。",
        "This file has been imported. To import it again, choose the file again.",
    ),
}
