"""Golden files (tests/golden/): a whole output compared with the file kept there.

Never edited by hand: ``pytest --regen-golden`` (or ``OPENNESS_REGEN_GOLDEN=1``) writes
them from the current code; review the diff in git before committing it.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def check_golden(name: str, data: bytes, *, regen: bool) -> None:
    """``data`` equals ``tests/golden/<name>`` byte for byte (compared as text when it
    decodes, for a readable diff); with ``regen``, the file is written instead."""
    path = GOLDEN / name
    if regen:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.exists(), f"no golden file {path}: run pytest --regen-golden"
    expected = path.read_bytes()
    try:
        assert data.decode("utf-8") == expected.decode("utf-8"), name
    except UnicodeDecodeError:
        assert data == expected, name


class _Text(html.parser.HTMLParser):
    SKIP = frozenset({"script", "style", "svg"})

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.lines.append(" ".join(data.split()))


def html_text(page: str) -> str:
    """The text a reader sees on ``page``: one line per text node, no scripts, styles
    or drawings.

    >>> html_text("<p>总分 <b>81.2</b></p><script>x = 1</script><svg><text>9</text></svg>")
    '总分\\n81.2\\n'
    """
    parser = _Text()
    parser.feed(page)
    parser.close()
    return "\n".join(parser.lines) + "\n"


# the briefing's data-freshness line names the wall-clock time of the latest import
# (the seed's, in the tests): the one part of the text that is not a function of the data
_IMPORT_TIME = re.compile(
    r"(最近一次导入时间为|latest import:? ?)\d{4}-\d{2}-\d{2} \d{2}:\d{2}", re.I
)


def without_import_time(text: str) -> str:
    """``text`` with the import's wall-clock time replaced by ``<import time>``.

    >>> without_import_time("最近一次导入时间为2026-11-30 10:58；")
    '最近一次导入时间为<import time>；'
    """
    return _IMPORT_TIME.sub(r"\1<import time>", text)
