"""Reading a record table from a workbook (``.xlsx`` with openpyxl; ``.xls``: its sheets).

``docs/spec/records.md`` ("Files as offices export them"): the header is the first
row, among the first :data:`HEADER_SEARCH_ROWS`, that holds every required
column of the kind, wherever the table starts; rows above it are skipped and
counted. Hidden sheets are never read; the sheet read is the one named after
the kind (its code or Chinese name), else the first visible sheet whose header
fits. A merged cell's value applies to every cell it covers; a date cell
holds the date it shows (a time hidden by a date-only format is dropped); an
error cell (``#DIV/0!``) rejects its row. Row numbers are the sheet's own.

A number cell of more than 15 digits in an id column rejects its row (Excel has
lost the rest); footer rows below the table (:mod:`queries.importing.footers`) are
skipped and counted; the East Asian built-in date formats (ids 27-36, 50-58) are
dates. The ``.xls`` reader is :mod:`queries.importing.xls_book`.

Memory and time are bounded: an ``.xlsx`` sheet is streamed cell by cell
(:mod:`queries.importing.xlsx_stream`: row width, rows, cells, time, packing), and
the parts read whole (shared strings, styles) and the sheet's XML have size limits
checked before reading. Over a limit, the file is unusable, the message naming it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from queries.importing.footers import FooterFilter
from queries.importing.merges import MergeFiller, xlsx_merges
from queries.importing.source import (
    EXCEL_ID_HINT,
    EXCEL_ID_HINT_ZH,
    Batch,
    UnusableFileError,
    drop_blank,
    string_frame,
)
from queries.importing.xlsx_stream import (
    EAST_ASIAN_FORMATS,
    ReadingClock,
    SheetLimitError,
    check_packing,
    check_shared_strings,
    stream_rows,
)
from queries.model.records import RecordKind
from queries.vocabulary.text import Text

HEADER_SEARCH_ROWS = 20
# .xlsx parts that openpyxl holds whole in memory (shared strings, styles, workbook)
XLSX_MAX_WHOLE_PARTS_BYTES = 64 * 2**20
# a sheet's XML, streamed (bounds the time a crafted sheet can take)
XLSX_MAX_SHEET_BYTES = 512 * 2**20
BATCH_ROWS = 50_000


class CellError(str):
    """The text of a spreadsheet error cell (``#DIV/0!``): a row error, never a value."""


class LostDigits(str):
    """A number cell of more than 15 digits (Excel keeps 15 significant digits, the
    rest are lost), as Excel shows it: text anywhere but in an id column, where it
    rejects its row (records.md, "keys and ids")."""


# a number cell from this size on has more digits than Excel keeps
_EXCEL_DIGITS = 15
LOST_DIGITS_FROM = 10**_EXCEL_DIGITS

Cells = dict[int, Any]  # 0-based column -> value (str | CellError | None), per row


def shown(value: Any, fmt_kind: str | None) -> str | None:
    """A cell's value as text, as the sheet shows it.

    ``fmt_kind`` is ``date``, ``time`` or ``datetime`` for a cell with a date
    format (openpyxl's ``is_datetime``): a date-only format drops the time.
    """
    if value is None:
        return None
    if isinstance(value, CellError):
        return value
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if fmt_kind == "date":
            return value.strftime("%Y-%m-%d")
        if fmt_kind == "time":
            return value.strftime("%H:%M:%S")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, (int, float)) and abs(value) >= LOST_DIGITS_FROM:
        if isinstance(value, int):
            return LostDigits(value)
        if value.is_integer():
            return LostDigits(format(Decimal(f"{value:.{_EXCEL_DIGITS}g}"), "f"))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Sheet:
    """One sheet: its name, whether it is visible, and a way to stream its rows."""

    name: str
    visible: bool
    rows: Any  # () -> Iterator[tuple[int, Cells]]: 1-based row number, cells


@dataclass
class SheetTable:
    """The record table found in a workbook, ready to stream as batches."""

    path: Path
    sheet: Sheet
    header_row: int
    # spec column -> 0-based column of the sheet
    positions: dict[str, int]
    rows_above: int
    header: list[str] = field(default_factory=list)
    # the columns holding ids (a number cell of more than 15 digits rejects its row)
    ids: tuple[str, ...] = ()
    # footer rows below the table (totals, who filled it in), skipped: set once read
    rows_below: int = 0

    def batches(self, size: int, batch_rows: int = BATCH_ROWS) -> Iterator[Batch]:
        names = list(self.positions)
        cols = [self.positions[c] for c in names]
        good: list[list[str | None]] = []
        good_rows: list[int] = []
        bad: list[list[str | None]] = []
        bad_rows: list[int] = []
        problems: list[tuple[int, str, str]] = []

        def flush(final: bool) -> Iterator[Batch]:
            if not (good or bad) and not final:
                return
            batch = Batch(drop_blank(string_frame(names, good, good_rows)), size if final else 0)
            if problems:
                batch.problems = pl.DataFrame(
                    problems, schema=["row", "column", "reason"], orient="row"
                ).cast({"row": pl.Int64})
                batch.problem_values = string_frame(names, bad, bad_rows)
            for buffer in (good, good_rows, bad, bad_rows, problems):
                buffer.clear()
            yield batch

        footers = FooterFilter()
        below = ((number, cells) for number, cells in self.sheet.rows() if number > self.header_row)
        for number, cells in footers.rows(below):
            values = [cells.get(c) for c in cols]
            errors = [
                (n, _cell_problem(n, v))
                for n, v in zip(names, values, strict=True)
                if isinstance(v, CellError) or (isinstance(v, LostDigits) and n in self.ids)
            ]
            if errors:
                bad.append([None if isinstance(v, CellError) else v for v in values])
                bad_rows.append(number)
                for name, reason in errors:
                    problems.append((number, name, reason))
            else:
                good.append([v or None for v in values])
                good_rows.append(number)
            if len(good) + len(bad) >= batch_rows:
                yield from flush(False)
        self.rows_below = footers.skipped
        yield from flush(True)


def _cell_problem(name: str, value: str) -> str:
    """The reason a cell rejects its row: an error cell, or an id Excel cut short."""
    if isinstance(value, CellError):
        return (
            f"单元格错误 / {name} holds the spreadsheet error {value} "
            "(a formula that failed): correct the formula or type the value"
        )
    return (
        f"编号超过 15 位，Excel 已丢失其余数字（{EXCEL_ID_HINT_ZH}）/ {name} "
        f"is a number cell of {len(value.lstrip('-'))} digits ({value}): Excel keeps 15 "
        f"significant digits and the rest are lost; {EXCEL_ID_HINT}"
    )


def find_table(path: Path, sheets: list[Sheet], spec: RecordKind, positions_of: Any) -> SheetTable:
    """The sheet and header row holding ``spec``'s table.

    ``positions_of(header: list[str]) -> dict[str, int] | None`` maps a row's
    texts to spec column positions, None when required columns are missing
    (and raises for a header naming a column twice).

    Raises
    ------
    UnusableFileError
        No visible sheet has the kind's header in its first 20 rows.
    """
    visible = [s for s in sheets if s.visible]
    if not visible:
        raise UnusableFileError(
            path, Text("工作簿没有可见的工作表", "the workbook has no visible sheet")
        )
    names = {spec.name.lower(), spec.name_zh}
    named = [s for s in visible if s.name.strip().lower() in names]
    candidates = named or visible
    tried = []
    for sheet in candidates:
        found = _header_in(sheet, positions_of)
        if found is not None:
            header_row, header, positions = found
            rows_above = sum(1 for n, c in _head(sheet) if n < header_row and _texts(c))
            return SheetTable(
                path, sheet, header_row, positions, rows_above, header, spec.id_columns
            )
        tried.append(sheet.name)
    required = ", ".join(f.name for f in spec.fields if f.required)
    where = ", ".join(f"'{n}'" for n in tried)
    raise UnusableFileError(
        path,
        Text(
            f"不是“{spec.name_zh}”工作簿：工作表 {where} 的前 {HEADER_SEARCH_ROWS} 行中没有一行"
            f"含有必填列 {required}（隐藏的工作表不读取）",
            f"not a {spec.name} workbook: no row among the first {HEADER_SEARCH_ROWS} of "
            f"sheet(s) {where} holds the required columns {required} (hidden sheets are not read)",
        ),
    )


def _head(sheet: Sheet) -> Iterator[tuple[int, Cells]]:
    for number, cells in sheet.rows():
        if number > HEADER_SEARCH_ROWS:
            return
        yield number, cells


def _texts(cells: Cells) -> dict[int, str]:
    return {c: str(v) for c, v in cells.items() if v is not None and str(v).strip()}


def _header_in(sheet: Sheet, positions_of: Any) -> tuple[int, list[str], dict[str, int]] | None:
    for number, cells in _head(sheet):
        texts = _texts(cells)
        if not texts:
            continue
        width = max(texts) + 1
        header = [texts.get(c, "") for c in range(width)]
        positions = positions_of(header, sheet.name, number)
        if positions is not None:
            return number, header, positions
    return None


# -- .xlsx ------------------------------------------------------------------------------


def xlsx_sheets(path: Path) -> list[Sheet]:
    """The sheets of an ``.xlsx`` workbook (openpyxl, read-only, values not formulas).

    Raises
    ------
    UnusableFileError
        Not a workbook, or over a size limit.
    """
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnusableFileError(
            path,
            Text(
                f"无法读取电子表格：不是有效的 XLSX（{exc}）",
                f"cannot read the spreadsheet: not a valid XLSX ({exc})",
            ),
        ) from None
    whole = sum(
        i.file_size
        for i in infos
        if not i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
    )
    if whole > XLSX_MAX_WHOLE_PARTS_BYTES:
        size, limit = f"{whole / 2**20:.0f}", f"{XLSX_MAX_WHOLE_PARTS_BYTES / 2**20:g}"
        raise UnusableFileError(
            path,
            Text(
                f"工作簿的共享字符串和样式解压后占 {size} MB，超过 {limit} MB 的上限："
                "请把表格单独另存为 CSV",
                f"the workbook's shared strings and styles take {size} MB unpacked, over "
                f"the limit of {limit} MB: save the table alone as CSV",
            ),
        )
    try:
        check_packing(infos)
    except SheetLimitError as exc:
        raise UnusableFileError(path, exc.reason) from None
    sizes = {i.filename: i.file_size for i in infos}
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE, is_datetime
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        wb, shared, found = _open_xlsx(path)
    except SheetLimitError as exc:
        raise UnusableFileError(path, exc.reason) from None
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UnusableFileError(path, unreadable(exc)) from None
    # the East Asian built-in date formats, which openpyxl does not know (a format the
    # file defines under such an id has been renumbered from 164 by openpyxl)
    for style_id, style in enumerate(wb._cell_styles):
        if style.numFmtId in EAST_ASIAN_FORMATS:
            wb._date_formats.add(style_id)

    def fmt_kind(style_id: int) -> str | None:
        try:
            fid = wb._cell_styles[style_id].numFmtId
        except (IndexError, TypeError):
            return None
        if fid in EAST_ASIAN_FORMATS:
            return EAST_ASIAN_FORMATS[fid]
        if fid < BUILTIN_FORMATS_MAX_SIZE:
            fmt = BUILTIN_FORMATS.get(fid, "General")
        else:
            fmt = wb._number_formats[fid - BUILTIN_FORMATS_MAX_SIZE]
        return is_datetime(fmt)

    merged: dict[str, list[tuple[int, int, int, int]]] = {}
    clock = ReadingClock()  # every pass over every sheet of this workbook

    def make_rows(title: str, sheet_path: str) -> Any:
        def rows() -> Iterator[tuple[int, Cells]]:
            size = sizes.get(sheet_path, 0)
            if size > XLSX_MAX_SHEET_BYTES:
                mb, limit = f"{size / 2**20:.0f}", f"{XLSX_MAX_SHEET_BYTES / 2**20:g}"
                raise UnusableFileError(
                    path,
                    Text(
                        f"工作表“{title}”解压后占 {mb} MB，超过 {limit} MB 的上限："
                        "请把表格单独另存为 CSV",
                        f"sheet '{title}' takes {mb} MB unpacked, over the limit of "
                        f"{limit} MB: save the table alone as CSV",
                    ),
                )
            kinds: dict[int, str | None] = {}
            clock.resume()
            try:
                if sheet_path not in merged:  # read once: the header search reads again
                    merged[sheet_path] = xlsx_merges(wb._archive, sheet_path, title, clock)
                merges = merged[sheet_path]
                with wb._archive.open(sheet_path) as src:
                    parser = WorkSheetParser(
                        src,
                        shared,
                        data_only=True,
                        epoch=wb.epoch,
                        date_formats=wb._date_formats,
                        timedelta_formats=wb._timedelta_formats,
                    )
                    filler = MergeFiller(merges)
                    for number, cells in stream_rows(src, parser, title, clock):
                        row: Cells = {}
                        for cell in cells:
                            value = cell["value"]
                            if cell["data_type"] == "e":
                                value = CellError(value or "#ERROR")
                            elif value is not None and not isinstance(value, str):
                                sid = cell["style_id"]
                                if sid not in kinds:
                                    kinds[sid] = fmt_kind(sid)
                                value = shown(value, kinds[sid])
                            if value is not None:
                                row[cell["column"] - 1] = value
                        for filled in filler.rows(number, row):
                            clock.pause()
                            yield filled
                            clock.resume()
            except UnusableFileError:
                raise
            except SheetLimitError as exc:
                raise UnusableFileError(path, exc.reason) from None
            except Exception as exc:
                raise UnusableFileError(path, unreadable(exc, title)) from None
            finally:
                clock.pause()

        return rows

    return [
        Sheet(title, state == "visible", make_rows(title, part)) for title, state, part in found
    ]


def _open_xlsx(path: Path) -> tuple[Any, list[str], list[tuple[str, str, str]]]:
    """openpyxl's workbook (styles, dates), its shared strings and its worksheets (name,
    state, part), read as ``load_workbook(read_only=True)`` does but without its first
    pass over each sheet (for the sheet's size: the whole sheet when it states none).

    Raises
    ------
    SheetLimitError
        More shared strings than the limit.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(path, read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    check_shared_strings(len(reader.shared_strings))
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    reader.wb._archive = reader.archive
    found = [
        (sheet.name, sheet.state or "visible", rel.target)
        for sheet, rel in reader.parser.find_sheets()
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type
    ]
    return reader.wb, reader.shared_strings, found


def unreadable(exc: Exception, sheet: str | None = None) -> Text:
    """Why a spreadsheet, or one of its sheets, cannot be read."""
    why = _first_line(exc)
    if sheet is None:
        return Text(f"无法读取电子表格：{why}", f"cannot read the spreadsheet: {why}")
    return Text(f"无法读取工作表“{sheet}”：{why}", f"cannot read sheet '{sheet}': {why}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
