"""Merged ranges of an ``.xlsx`` sheet: found in its XML, then spread over the rows read
(``docs/spec/records.md``: a merged cell's value applies to every cell it covers)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from typing import Any

from queries.importing.xlsx_stream import ReadingClock, check_merges

Cells = dict[int, Any]  # 0-based column -> value, per row

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def xlsx_merges(
    archive: Any, sheet_path: str, title: str, clock: ReadingClock
) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet (first row, first col, last row, last col; 1-based rows).

    Raises
    ------
    SheetLimitError
        More merged ranges than the limit, or ``clock`` over its limit.
    """
    found: list[tuple[int, int, int, int]] = []
    tail = b""
    with archive.open(sheet_path) as src:
        while True:
            block = src.read(1 << 20)
            if not block:
                break
            clock.check(title)
            data = tail + block
            for m in _MERGE.finditer(data):
                c1, r1 = _col_index(m.group(1)), int(m.group(2))
                c2 = _col_index(m.group(3)) if m.group(3) else c1
                r2 = int(m.group(4)) if m.group(4) else r1
                found.append((r1, c1, r2, c2))
            tail = data[-200:]
            # a match in the overlap is found twice: kept once below
            check_merges(len(found) // 2, title)
    found = sorted(set(found))
    check_merges(len(found), title)
    return found


class MergeFiller:
    """Spreads a merged range's value over every cell of the range, row by row."""

    def __init__(self, merges: list[tuple[int, int, int, int]]) -> None:
        self.pending = deque(sorted(merges))
        self.active: list[tuple[int, int, int, Any]] = []  # last row, first col, last col, value
        self.last = 0

    def rows(self, number: int, row: Cells) -> Iterator[tuple[int, Cells]]:
        # rows that only a merge covers (absent from the sheet's XML)
        while self.active and self.last + 1 < number:
            self.last += 1
            filled = self._fill(self.last, {})
            if filled:
                yield self.last, filled
        self.last = number
        yield number, self._fill(number, row)

    def _fill(self, number: int, row: Cells) -> Cells:
        while self.pending and self.pending[0][0] <= number:
            r1, c1, r2, c2 = self.pending.popleft()
            if r1 == number:
                self.active.append((r2, c1, c2, row.get(c1)))
        self.active = [a for a in self.active if a[0] >= number]
        for _r2, c1, c2, value in self.active:
            if value is not None:
                for c in range(c1, c2 + 1):
                    row[c] = value
        return row
