"""Streaming an ``.xlsx`` sheet's cells within bounds of memory and time.

openpyxl's own parser holds a whole row (every cell element) before handing it
over, and whatever lies outside the rows until the sheet ends: a crafted row of
millions of cells, or a sheet unpacking to hundreds of megabytes from a few
hundred kilobytes, takes gigabytes and minutes. Here each cell element is
turned into a value (by openpyxl's ``parse_cell``, so values, shared strings and
dates are read as openpyxl reads them) and dropped at once, and every limit is
checked as the cells come:

- a part's unpacked size against its packed size (:data:`XLSX_MAX_RATIO`), at
  open: a table's XML packs 5 to 20 times, a "zip bomb" hundreds of times;
- the row width (:data:`EXCEL_MAX_COLUMNS`), the number of rows
  (:data:`EXCEL_MAX_ROWS`) and a cell's text (:data:`EXCEL_MAX_CELL_CHARS`): Excel's own;
- the cells of a sheet (:data:`XLSX_MAX_CELLS`) and the shared strings
  (:data:`XLSX_MAX_SHARED_STRINGS`);
- the time the reading of a workbook spends (:data:`XLSX_MAX_SECONDS`, :class:`ReadingClock`).

Over a limit, the file is unusable: the message says which limit and suggests CSV,
which is read in streamed chunks with no such limit.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element, iterparse

from queries.vocabulary.text import Text

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
EXCEL_MAX_CELL_CHARS = 32_767
# a sheet of 1,000,000 records of 20 columns
XLSX_MAX_CELLS = 20_000_000
XLSX_MAX_SHARED_STRINGS = 4_000_000
# the time the reading of a workbook may spend (its header search, merged ranges and
# rows; the validation and writing of the rows not counted)
XLSX_MAX_SECONDS = 30.0
# unpacked / packed size of a part, checked for parts over RATIO_MIN_BYTES unpacked
XLSX_MAX_RATIO = 100
RATIO_MIN_BYTES = 8 * 2**20
# merged ranges of a sheet (each is kept in memory while the sheet is read)
XLSX_MAX_MERGES = 200_000
# the limits are checked every this many cells (and rows)
_CHECK_EVERY = 4096

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW = f"{_NS}row"
_CELL = f"{_NS}c"

# The built-in number formats that zh-CN (and zh-TW, ja, ko) Excel and WPS write as
# ids with no definition in the file (ECMA-376 Part 1, 18.8.30: ids 27-36 and 50-58
# "are locale-specific"); openpyxl knows none of them. zh-CN: 27 yyyy"年"m"月",
# 28/29 m"月"d"日", 30 m-d-yy, 31 yyyy"年"m"月"d"日" (长日期), 32 h"时"mm"分",
# 33 h"时"mm"分"ss"秒", 34/35 上午/下午h"时"mm"分"(ss"秒"), 36 yyyy"年"m"月",
# 50-54 and 57-58 dates, 55/56 上午/下午 times. What the value is read as: date or time.
EAST_ASIAN_FORMATS: dict[int, str] = {
    **{i: "date" for i in (27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58)},
    **{i: "time" for i in (32, 33, 34, 35, 55, 56)},
}


class SheetLimitError(Exception):
    """A workbook over one of the limits: ``reason`` in both languages."""

    def __init__(self, reason: Text) -> None:
        super().__init__(reason.en)
        self.reason = reason


def _save_as_csv(zh: str, en: str) -> Text:
    return Text(f"{zh}：请把表格单独另存为 CSV", f"{en}: save the table alone as CSV")


def check_packing(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a part that unpacks far more than a table's XML does.

    Raises
    ------
    SheetLimitError
        A part over :data:`RATIO_MIN_BYTES` unpacked is packed more than
        :data:`XLSX_MAX_RATIO` times.
    """
    for info in infos:
        if info.file_size <= RATIO_MIN_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > XLSX_MAX_RATIO:
            mb = f"{info.file_size / 2**20:.0f}"
            kb = f"{info.compress_size / 2**10:.0f}"
            raise SheetLimitError(
                _save_as_csv(
                    f"“{info.filename}”从 {kb} KB 解压为 {mb} MB（压缩 {ratio:.0f} 倍，"
                    f"上限 {XLSX_MAX_RATIO} 倍），不像表格",
                    f"part {info.filename} unpacks from {kb} KB to {mb} MB (packed "
                    f"{ratio:.0f} times, over the limit of {XLSX_MAX_RATIO}): not a table's XML",
                )
            )


def check_shared_strings(count: int) -> None:
    """Refuse a workbook with more shared strings than :data:`XLSX_MAX_SHARED_STRINGS`."""
    if count > XLSX_MAX_SHARED_STRINGS:
        raise SheetLimitError(
            _save_as_csv(
                f"工作簿有 {count:,} 个共享字符串，超过 {XLSX_MAX_SHARED_STRINGS:,} 的上限",
                f"the workbook holds {count:,} shared strings, over the limit of "
                f"{XLSX_MAX_SHARED_STRINGS:,}",
            )
        )


def check_merges(count: int, sheet: str) -> None:
    """Refuse a sheet with more merged ranges than :data:`XLSX_MAX_MERGES`."""
    if count > XLSX_MAX_MERGES:
        raise SheetLimitError(
            _save_as_csv(
                f"工作表“{sheet}”有 {count:,} 个合并单元格区域，超过 {XLSX_MAX_MERGES:,} 的上限",
                f"sheet '{sheet}' holds {count:,} merged ranges, over the limit of "
                f"{XLSX_MAX_MERGES:,}",
            )
        )


def stream_rows(
    source: Any, parser: Any, sheet: str, clock: ReadingClock
) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(row number, cells) of a sheet's XML, each cell as openpyxl's ``parse_cell``
    gives it; only the current row's values are held.

    Raises
    ------
    SheetLimitError
        A row wider than Excel's columns, more rows than Excel's, more cells than
        :data:`XLSX_MAX_CELLS`, or ``clock`` over :data:`XLSX_MAX_SECONDS`.
    """
    max_cells = XLSX_MAX_CELLS
    stack: list[Element] = []
    in_cell = 0
    cells: list[dict[str, Any]] = []
    n_cells = n_rows = 0
    for event, el in iterparse(source, events=("start", "end")):
        if event == "start":
            if el.tag == _CELL:
                in_cell += 1
            elif el.tag == _ROW and not in_cell:
                n_rows += 1
                _start_row(parser, el)
                cells = []
                if parser.row_counter > EXCEL_MAX_ROWS or n_rows > EXCEL_MAX_ROWS:
                    raise _rows_error(sheet)
                if n_rows % _CHECK_EVERY == 0:
                    clock.check(sheet)
            stack.append(el)
            continue
        stack.pop()
        if el.tag == _CELL:
            in_cell -= 1
            if in_cell:
                continue
            cell = parser.parse_cell(el)
            cells.append(cell)
            n_cells += 1
            if len(cells) > EXCEL_MAX_COLUMNS or cell["column"] > EXCEL_MAX_COLUMNS:
                raise _width_error(sheet, parser.row_counter)
            value = cell["value"]
            if isinstance(value, str) and len(value) > EXCEL_MAX_CELL_CHARS:
                raise _text_error(sheet, parser.row_counter, len(value))
            if n_cells % _CHECK_EVERY == 0:
                if n_cells > max_cells:
                    raise _cells_error(sheet)
                clock.check(sheet)
        elif in_cell:
            continue  # the value inside a cell: read with the cell
        elif el.tag == _ROW:
            yield parser.row_counter, cells
            cells = []
        if stack:
            # done with it: dropped from its parent (the last child, so this is quick)
            stack[-1].remove(el)


def _start_row(parser: Any, el: Element) -> None:
    """The row's number, as openpyxl's ``parse_row`` sets it."""
    r = el.get("r")
    if r is None:
        parser.row_counter += 1
    else:
        try:
            parser.row_counter = int(r)
        except ValueError:
            value = float(r)
            if not value.is_integer():
                raise ValueError(f"{r} is not a valid row number") from None
            parser.row_counter = int(value)
    parser.col_counter = 0


class ReadingClock:
    """The seconds a workbook's reading spends, over every pass (the header search, the
    merged ranges, the rows), the pauses left out: while the rows handed over are
    validated and written, and between passes. Over :data:`XLSX_MAX_SECONDS`, the
    file is refused."""

    def __init__(self) -> None:
        self.spent = 0.0
        self.since: float | None = None

    def resume(self) -> None:
        self.since = time.monotonic()

    def pause(self) -> None:
        if self.since is not None:
            self.spent += time.monotonic() - self.since
            self.since = None

    def check(self, sheet: str) -> None:
        """Raises SheetLimitError when over the limit."""
        now = time.monotonic()
        spent = self.spent + (now - self.since if self.since is not None else 0.0)
        if spent > XLSX_MAX_SECONDS:
            raise SheetLimitError(
                _save_as_csv(
                    f"读取工作表“{sheet}”超过 {XLSX_MAX_SECONDS:g} 秒的上限",
                    f"reading sheet '{sheet}' took over the limit of {XLSX_MAX_SECONDS:g} seconds",
                )
            )


def _rows_error(sheet: str) -> SheetLimitError:
    return SheetLimitError(
        _save_as_csv(
            f"工作表“{sheet}”的行数超过 Excel 的上限 {EXCEL_MAX_ROWS:,} 行",
            f"sheet '{sheet}' has more rows than Excel's limit of {EXCEL_MAX_ROWS:,}",
        )
    )


def _width_error(sheet: str, row: int) -> SheetLimitError:
    return SheetLimitError(
        _save_as_csv(
            f"工作表“{sheet}”第 {row} 行超过 Excel 的上限 {EXCEL_MAX_COLUMNS:,} 列",
            f"sheet '{sheet}', row {row} is wider than Excel's limit of "
            f"{EXCEL_MAX_COLUMNS:,} columns",
        )
    )


def _text_error(sheet: str, row: int, length: int) -> SheetLimitError:
    return SheetLimitError(
        _save_as_csv(
            f"工作表“{sheet}”第 {row} 行有一个 {length:,} 字符的单元格，超过 Excel 的上限 "
            f"{EXCEL_MAX_CELL_CHARS:,} 字符",
            f"sheet '{sheet}', row {row} holds a cell of {length:,} characters, over Excel's "
            f"limit of {EXCEL_MAX_CELL_CHARS:,}",
        )
    )


def _cells_error(sheet: str) -> SheetLimitError:
    return SheetLimitError(
        _save_as_csv(
            f"工作表“{sheet}”的单元格超过 {XLSX_MAX_CELLS:,} 个的上限",
            f"sheet '{sheet}' holds more than the limit of {XLSX_MAX_CELLS:,} cells",
        )
    )
