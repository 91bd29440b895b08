"""A message as a robot's content (reports/delivery/chat_text.py): records' text
escaped so it renders as itself, split within a byte limit, nothing lost."""

from __future__ import annotations

import pytest

from reports.delivery import Message
from reports.delivery.chat_text import Layout, escape_markdown, parts, render_line


def _bytes(limit: int, markdown: bool = True) -> Layout:
    return Layout(markdown, "\n", lambda title, content: len(content.encode()) <= limit)


@pytest.mark.parametrize(
    ("line", "escaped"),
    [
        ("[点此](http://x.cn)", "\\[点此\\]\\(http://x.cn\\)"),
        ("![img](http://x.cn/a.png)", "\\!\\[img\\]\\(http://x.cn/a.png\\)"),
        ("<font color=red>红</font>", "\\<font color=red\\>红\\</font\\>"),
        ("# 标题", "\\# 标题"),
        ("> 引用", "\\> 引用"),
        ("- 列表", "\\- 列表"),
        ("+ 列表", "\\+ 列表"),
        ("12) 列表", "12\\) 列表"),
        ("a_b*c`d~e|f", "a\\_b\\*c\\`d\\~e\\|f"),
        ("&lt;", "\\&lt;"),
        ("C:\\temp", "C:\\\\temp"),
        ("85.0% - 90.5%", "85.0% - 90.5%"),  # mid-line: nothing to escape
    ],
)
def test_markup_in_records_text_is_escaped(line: str, escaped: str) -> None:
    assert escape_markdown(line) == escaped


def test_a_line_longer_than_a_part_is_cut_between_escapes_and_loses_nothing() -> None:
    # escaped, "城*" is "城\\*": 3 + 2 = 5 bytes, 500 bytes in all. Pieces are cut to fit
    # beside the widest title, "**告警 \\(99/99\\)**" (20 bytes) and "\n" (1): 99 bytes,
    # that is 19 x 5 = 95 bytes and one more "城" (98; "\\" alone would be 100 and is
    # never cut from its "*"); the next piece starts "\\*城...": 19 x 5 + "\\*" = 97, and
    # so on, alternating: 98 + 97 + 98 + 97 + 98 = 488, the last piece 12 bytes
    text = "城*" * 100
    got = parts(Message("告警", text), _bytes(120), 10)
    contents = [c for _, c in got]
    assert all(len(c.encode()) <= 120 for c in contents)
    pieces = [c.split("\n", 1)[1] for c in contents]
    assert "".join(pieces) == escape_markdown(text)
    assert all(not p.endswith("\\") or p.endswith("\\\\") for p in pieces)
    assert [len(p.encode()) for p in pieces] == [98, 97, 98, 97, 98, 12]


def test_past_max_parts_the_last_line_says_how_many_are_left() -> None:
    text = "\n".join(f"line {i}" for i in range(40))  # 6-7 bytes a line
    got = parts(Message("Alerts", text, lang="en"), _bytes(80), 2)
    assert [t for t, _ in got] == ["Alerts (1/2)", "Alerts (2/2)"]
    first = got[0][1].split("\n")[1:]
    last = got[1][1].split("\n")[1:]
    shown = len(first) + len(last) - 1
    assert first + last[:-1] == [f"line {i}" for i in range(shown)]
    assert last[-1] == f"... {40 - shown} more lines not shown: see the mail or the outbox."


@pytest.mark.parametrize("markdown", [True, False])
def test_an_address_in_the_text_links_nowhere_unless_it_is_the_dashboard_s(
    markdown: bool,
) -> None:
    zw = "\u200b"
    line = "见 www.evil.cn 与 https://o.cn/unit?unit=B01"
    got = render_line(line, markdown, own="https://o.cn")
    own = "https://o.cn/unit?unit=B01"
    assert got == f"见 www{zw}.evil.cn 与 " + (f"[{own}]({own})" if markdown else own)
    assert render_line(line, markdown).count(f":{zw}//") == 1  # no dashboard: no link
