"""Reading a record table from an ``.xls`` workbook (xlrd, read whole): the same rules
as :mod:`queries.importing.sheets` (dates as shown, merged cells spread, error cells
rejecting their row), with a size limit since the file is read whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from queries.importing.sheets import CellError, Cells, Sheet, shown, unreadable
from queries.importing.source import UnusableFileError
from queries.importing.xlsx_stream import EAST_ASIAN_FORMATS
from queries.vocabulary.text import Text

# an .xls file, read whole by xlrd (its cells take about 20 times the file's size)
XLS_MAX_BYTES = 32 * 2**20


def xls_sheets(path: Path) -> list[Sheet]:
    """The sheets of an ``.xls`` workbook (xlrd, with formats for dates and merges).

    Raises
    ------
    UnusableFileError
        Not a workbook, or over the size limit.
    """
    size = path.stat().st_size
    if size > XLS_MAX_BYTES:
        mb, limit = f"{size / 2**20:.0f}", f"{XLS_MAX_BYTES / 2**20:g}"
        raise UnusableFileError(
            path,
            Text(
                f".xls 文件有 {mb} MB，超过 .xls 的上限 {limit} MB：请另存为 .xlsx 或 CSV",
                f"the .xls file is {mb} MB, over the limit of {limit} MB for .xls: "
                "save it as .xlsx or CSV",
            ),
        )
    import xlrd
    from openpyxl.styles.numbers import is_datetime

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises its own XLRDError and others
        raise UnusableFileError(path, unreadable(exc)) from None

    def fmt_kind(xf_index: int) -> str | None:
        try:
            key = book.xf_list[xf_index].format_key
            if key in EAST_ASIAN_FORMATS:
                return EAST_ASIAN_FORMATS[key]
            fmt = book.format_map[key].format_str
        except (IndexError, KeyError):
            return None
        return is_datetime(fmt) or "date"

    def make_rows(index: int) -> Any:
        def rows() -> Iterator[tuple[int, Cells]]:
            try:
                yield from _xls_rows(book, index, fmt_kind)
            except Exception as exc:  # xlrd raises its own XLRDError and others
                name = book.sheet_names()[index]
                raise UnusableFileError(path, unreadable(exc, name)) from None

        return rows

    return [
        Sheet(name, book.sheet_by_index(i).visibility == 0, make_rows(i))
        for i, name in enumerate(book.sheet_names())
    ]


def _xls_rows(book: Any, index: int, fmt_kind: Any) -> Iterator[tuple[int, Cells]]:
    """The rows of sheet ``index`` of an xlrd book, merged cells filled."""
    sh = book.sheet_by_index(index)
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    for r1, r2, c1, c2 in sh.merged_cells:  # half-open ranges
        for r in range(r1, r2):
            for c in range(c1, c2):
                merged[(r, c)] = (r1, c1)
    for r in range(sh.nrows):
        row: Cells = {}
        for c in range(sh.ncols):
            anchor = merged.get((r, c), (r, c))
            value = _xls_value(book, sh.cell(*anchor), fmt_kind)
            if value is not None:
                row[c] = value
        if row:
            yield r + 1, row


def _xls_value(book: Any, cell: Any, fmt_kind: Any) -> Any:
    import xlrd
    from xlrd.biffh import error_text_from_code

    t = cell.ctype
    if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if t == xlrd.XL_CELL_ERROR:
        return CellError(error_text_from_code.get(cell.value, "#ERROR"))
    if t == xlrd.XL_CELL_BOOLEAN:
        return shown(bool(cell.value), None)
    if t == xlrd.XL_CELL_DATE:
        try:
            value = xlrd.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError):
            return shown(cell.value, None)
        return shown(value, fmt_kind(cell.xf_index))
    return shown(cell.value, None)
