"""A message as a group robot's content: records' text kept as text (Markdown escaped,
mentions defused) and split into parts within the platform's length limit.

Text from records is text: in ``markdown`` content every character that could start
markup (emphasis, a link, an image, a heading, a list, a quote, HTML such as
``<font>`` or ``<@userid>``) is escaped with a backslash, so a unit named
``[点此](http://x)`` reads as those characters and links nowhere. Links are the
message's own and the words of its text that are addresses inside the dashboard
(``public_base_url``); any other address (``://``, ``www.``) gets a zero-width space
so that no chat client links it on its own. In ``text`` content, WeCom's
``<@userid>`` mention is defused with a zero-width space after ``<``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from reports.delivery.message import Message

# CommonMark's inline markup starters, everywhere in a line
_INLINE = re.compile(r"([\\`*_\[\]()<>#~|!{}&])")
# block markup that only counts at the start of a line: lists ("- ", "+ ", "1. ", "1) ")
_LIST_START = re.compile(r"^(\s*)([-+]|\d+[.)])(\s|$)")
ZERO_WIDTH_SPACE = "\u200b"
_WWW = re.compile(r"www\.", re.IGNORECASE)

# the last line of a message cut short: (English, with a link) -> wording
REST_NOTE = {
    (False, True): "……另有 {n} 行未显示，详见链接。",
    (False, False): "……另有 {n} 行未显示，详见邮件或外发文件夹。",
    (True, True): "... {n} more lines not shown: see the link.",
    (True, False): "... {n} more lines not shown: see the mail or the outbox.",
}


def escape_markdown(line: str) -> str:
    r"""One line of text as Markdown that renders as exactly that text.

    >>> escape_markdown("**B01** [点此](http://x.cn) <font>")
    '\\*\\*B01\\*\\* \\[点此\\]\\(http://x.cn\\) \\<font\\>'
    >>> escape_markdown("1. 第一")
    '1\\. 第一'
    >>> escape_markdown("- 85.3% 按期")
    '\\- 85.3% 按期'
    """
    line = _INLINE.sub(r"\\\1", line)
    return _LIST_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}{m[3]}", line)


def defuse_text(line: str) -> str:
    """One line of plain text with a mention (``<@userid>``, ``<@all>``) defused."""
    return line.replace("<@", f"<{ZERO_WIDTH_SPACE}@")


def markdown_link(url: str) -> str:
    """The message's link as ``[url](url)``: brackets, parentheses and spaces in the
    address percent-encoded, the shown text escaped."""
    safe = quote(url, safe=":/?#@!$&'*+,;=%-._~")
    return f"[{escape_markdown(safe)}]({safe})"


@dataclass(frozen=True)
class Layout:
    """How one platform's content is written and measured."""

    markdown: bool
    newline: str  # between lines (DingTalk's Markdown wants two spaces before it)
    fits: Callable[[str, str], bool]  # (title, content) within the platform's limit


def defuse_links(text: str) -> str:
    """``text`` with what a chat client would turn into a link on its own (``://``,
    ``www.``) broken by a zero-width space: it reads the same and links nowhere."""
    text = text.replace("://", f":{ZERO_WIDTH_SPACE}//")
    return _WWW.sub(lambda m: f"{m[0][:3]}{ZERO_WIDTH_SPACE}.", text)


def render_line(line: str, markdown: bool, own: str = "") -> str:
    r"""One line of the message's text as a robot's content: each word that is an
    address inside the dashboard (``own``, the setting ``public_base_url``) is a link,
    every other word is text (escaped for Markdown, mentions and links defused). A job's
    digest links each unit's page; a record's text links nowhere.

    >>> render_line("B01 按期办结率 70% https://o.cn/unit?unit=B01", True, "https://o.cn")
    'B01 按期办结率 70% [https://o.cn/unit?unit=B01](https://o.cn/unit?unit=B01)'
    >>> render_line("[x](https://o.cn.evil.cn/a)", True, "https://o.cn")
    '\\[x\\]\\(https:\u200b//o.cn.evil.cn/a\\)'
    >>> render_line("单位页面：https://o.cn/unit?unit=B01", True, "https://o.cn")
    '单位页面：[https://o.cn/unit?unit=B01](https://o.cn/unit?unit=B01)'
    """
    # words end at spaces and at a full-width colon (Chinese writes no space after it)
    words = re.split(r"(\s+|：)", line)
    out = []
    for i, word in enumerate(words):
        if i % 2:  # the spaces and colons between words
            out.append(word)
        elif own and (word == own or word.startswith(own + "/")):
            out.append(markdown_link(word) if markdown else word)
        elif markdown:
            out.append(escape_markdown(defuse_links(word)))  # a list mark is a word of its own
        else:
            out.append(defuse_text(defuse_links(word)))
    return "".join(out)


def parts(message: Message, layout: Layout, max_parts: int, own: str = "") -> list[tuple[str, str]]:
    """The message as (title, content) parts, each within the layout's limit, at most
    ``max_parts``. ``own``: the dashboard's address (:func:`render_line`). When more
    would be needed, the last part ends with a line saying how many lines are left out
    and pointing to the link (or to the mail and outbox)."""

    def esc(text: str) -> str:
        return render_line(text, layout.markdown)

    lines = [render_line(line, layout.markdown, own) for line in message.text.split("\n")]
    link = message.link
    footer = []
    if link:
        footer = [markdown_link(link) if layout.markdown else link]
    # a line too long for a part on its own is cut into pieces first
    lines = [p for line in lines for p in _pieces(message.subject, line, footer, layout, esc)]
    groups = _split(message.subject, lines, footer, layout, esc)
    if len(groups) > max_parts:
        groups = groups[: max_parts - 1]
        done = sum(len(g) for g in groups)
        groups.append(
            _last(message.subject, lines[done:], footer, layout, esc, max_parts, message.lang)
        )
    n = len(groups)
    return [
        _render(message.subject, g, footer, layout, esc, i + 1, n) for i, g in enumerate(groups)
    ]


def _title(subject: str, i: int, n: int) -> str:
    return subject if n == 1 else f"{subject} ({i}/{n})"


def _render(
    subject: str,
    lines: list[str],
    footer: list[str],
    layout: Layout,
    esc: Callable[[str], str],
    i: int,
    n: int,
) -> tuple[str, str]:
    title = _title(subject, i, n)
    head = f"**{esc(title)}**" if layout.markdown else esc(title)
    content = layout.newline.join([head, *lines, *footer])
    return title, content


def _split(
    subject: str, lines: list[str], footer: list[str], layout: Layout, esc: Callable[[str], str]
) -> list[list[str]]:
    """Lines grouped greedily so that each part (with a ``(99/99)`` title) fits."""
    groups: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        trial = [*current, line]
        if current and not layout.fits(*_render(subject, trial, footer, layout, esc, 99, 99)):
            groups.append(current)
            current = [line]
        else:
            current = trial
    groups.append(current)
    return groups


def _pieces(
    subject: str, line: str, footer: list[str], layout: Layout, esc: Callable[[str], str]
) -> list[str]:
    """A line too long for a part on its own, cut into pieces that fit (between
    characters, never inside an escape)."""
    if layout.fits(*_render(subject, [line], footer, layout, esc, 99, 99)):
        return [line]
    out, rest = [], line

    def fits(size: int) -> bool:
        return layout.fits(*_render(subject, [rest[:size]], footer, layout, esc, 99, 99))

    while rest:
        low, high = 1, len(rest)  # the longest head that fits: binary search
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if fits(mid) else (low, mid - 1)
        # never between a backslash and the mark it escapes (an odd run of them)
        while low > 1 and (len(rest[:low]) - len(rest[:low].rstrip("\\"))) % 2:
            low -= 1
        out.append(rest[:low])
        rest = rest[low:]
    return out


def _last(
    subject: str,
    lines: list[str],
    footer: list[str],
    layout: Layout,
    esc: Callable[[str], str],
    n: int,
    lang: str,
) -> list[str]:
    """The last allowed part: as many lines as fit beside the line about the rest."""
    kept: list[str] = []
    for k in range(len(lines) + 1):
        left = len(lines) - k
        note = REST_NOTE[(lang == "en", bool(footer))].format(n=left)
        trial = [*lines[:k], esc(note)]
        if k and not layout.fits(*_render(subject, trial, footer, layout, esc, n, n)):
            break
        kept = trial
    return kept
