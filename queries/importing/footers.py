"""A ledger's footer rows: skipped and counted, never stored (``docs/spec/records.md``).

Statistical forms and ledgers end with rows that are not records: the totals
(``合计：3 件``) and who filled the form in (``填报单位：… 填报人：张三 联系电话：…
填报日期：…``, ``制表人``, ``审核人``), usually after a blank row. A row is a footer
when its first cell begins with one of :data:`FOOTER_WORDS` and every row after it
is a footer too, or blank: the block of such rows that ends the sheet. A row that
looks like one but has records after it is a record (and is validated as one).
The footer's text is never kept (it names people and their telephone numbers):
only how many rows were skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

# what a footer's first cell begins with (spaces and a full-width colon may follow)
FOOTER_WORDS = (
    "合计",
    "总计",
    "填报",  # 填报人, 填报单位, 填报日期
    "填表",  # 填表人, 填表日期
    "制表",
    "审核",
    "审批",
    "统计人",
    "负责人",
    "单位负责人",
    "联系人",
    "联系电话",
)
# a footer is a few rows: more rows that look like one are records
FOOTER_MAX_ROWS = 100
_FOOTER = re.compile(r"^\s*(?:" + "|".join(FOOTER_WORDS) + r")")

Row = tuple[int, dict[int, Any]]


def is_footer(cells: dict[int, Any]) -> bool:
    """Whether a row looks like a footer: its first cell begins with a footer word."""
    if not cells:
        return False
    first = cells[min(cells)]
    return isinstance(first, str) and _FOOTER.match(first) is not None


class FooterFilter:
    """Passes a sheet's rows on, holding back rows that look like footers until a
    record follows them (then they are records too); those still held at the end are
    the footer, counted in :attr:`skipped`."""

    def __init__(self) -> None:
        self.skipped = 0

    def rows(self, rows: Iterable[Row]) -> Iterator[Row]:
        held: list[Row] = []
        for number, cells in rows:
            blank = not any(_text(v) for v in cells.values())
            if held and blank:
                continue  # a blank row within the footer
            if is_footer(cells) and len(held) < FOOTER_MAX_ROWS:
                held.append((number, cells))
                continue
            if held:
                yield from held
                held = []
            yield number, cells
        self.skipped = len(held)


def _text(value: Any) -> bool:
    return value is not None and str(value).strip() != ""
