"""The Jobs page's results in the page's language (dashboard/views/jobs.py): the words
and the causes a run writes itself translated, a file's or a server's cause as written."""

from __future__ import annotations

import pytest

from dashboard.views.jobs import result_text


@pytest.mark.parametrize(
    ("result", "zh", "en"),
    [
        ("ok", "成功", "ok"),
        ("skipped: no new file", "跳过：没有新文件", "skipped: no new file"),
        ("skipped: no new signals", "跳过：没有新的需关注信号", "skipped: no new signals"),
        (
            "skipped: the database has no units",
            "跳过：数据库中没有单位",
            "skipped: the database has no units",
        ),
        (
            "skipped: still being written: a.csv, b.xlsx",
            "跳过：文件仍在写入：a.csv, b.xlsx",
            "skipped: still being written: a.csv, b.xlsx",
        ),
        # a cause naming a file: the file and its fault as the run wrote them
        (
            "failed: feedback.csv: 8 rows rejected (done/feedback.csv.rejects.csv)",
            "失败：feedback.csv: 8 rows rejected (done/feedback.csv.rejects.csv)",
            "failed: feedback.csv: 8 rows rejected (done/feedback.csv.rejects.csv)",
        ),
    ],
)
def test_a_run_s_result_reads_in_the_page_s_language(result: str, zh: str, en: str) -> None:
    assert (result_text(result, "zh"), result_text(result, "en")) == (zh, en)
