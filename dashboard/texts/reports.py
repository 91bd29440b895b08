"""Texts of the Briefing and Public-summary preview pages.

key -> :class:`~queries.vocabulary.text.Text`; shared terms come from
:mod:`queries.vocabulary` (never restated here). Merged by :mod:`dashboard.i18n`.
"""

from __future__ import annotations

from queries.vocabulary.text import Text

STRINGS: dict[str, Text] = {
    "briefing.intro": Text(
        "为人大代表、政协委员生成工作情况通报：得分与上期、去年同期对比，各层级居前居后单位及失分指标，"
        "代表委员反映事项办理情况，监督结果公开情况，图表与方法说明。文件可直接提交。",
        "The briefing for NPC deputies and CPPCC members: scores against the previous period "
        "and last year, the strongest and weakest units of each level and what pulls them "
        "down, the deputies' own items, supervision results made public, charts and a note "
        "on method. Ready to hand over as it is.",
    ),
    "briefing.lang": Text("文档语言", "Document language"),
    "briefing.format": Text("下载格式", "Download format"),
    "briefing.scope": Text(
        "范围：{scope}（在侧栏“单位范围”中更改）",
        "Scope: {scope} (change it in the sidebar)",
    ),
    "briefing.whole": Text("全局（根单位）", "the whole bureau (root units)"),
    "briefing.generate": Text("生成简报", "Generate the briefing"),
    "briefing.generating": Text("正在生成…", "Generating…"),
    "briefing.no_font": Text(
        "本机没有能显示中文的字体，简报的图表无法绘制（否则中文会显示为方框）。"
        "请服务器管理员安装中文字体 fonts-noto-cjk（Debian、Ubuntu：apt install fonts-noto-cjk），"
        "或微软雅黑、黑体。",
        "No font on this server can draw Chinese, so the briefing's charts cannot be drawn "
        "(they would show boxes). The server's administrator should install a Chinese font: "
        "fonts-noto-cjk (Debian, Ubuntu: apt install fonts-noto-cjk), or Microsoft YaHei "
        "or SimHei.",
    ),
    "briefing.preview": Text("预览", "Preview"),
    "briefing.download": Text("下载 {fmt}", "Download {fmt}"),
    "briefing.stale": Text(
        "筛选条件已改变，请重新生成。",
        "The filters changed since it was generated: generate again.",
    ),
    "preview.intro": Text(
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
    "preview.download": Text("下载发布包（zip）", "Download the bundle (zip)"),
    "preview.files": Text("包含文件", "Files"),
    "preview.building": Text("正在生成…", "Building…"),
    "preview.before_records": Text(
        "{period}早于数据库中最早的记录（{day}），没有可公开的数据：请选择其后的统计周期。",
        "{period} ends before the first record in the database ({day}): there is nothing "
        "to publish for it. Choose a later period.",
    ),
    "preview.after_records": Text(
        "{period}晚于数据库中最新的记录（{day}），尚无可公开的数据：请先导入该周期的记录，"
        "或选择更早的统计周期。",
        "{period} begins after the latest record in the database ({day}): there is nothing "
        "to publish for it yet. Import its records first, or choose an earlier period.",
    ),
}
