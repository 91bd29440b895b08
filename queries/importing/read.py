"""Opening record files: kind from the name, format from the content, the header checked.

CSV files are read by :mod:`queries.importing.csv_source` (streamed chunks),
workbooks by :mod:`queries.importing.sheets`. Only the columns that
``records.md`` names are kept: the others (names, phone numbers, free text of
the source system) are never parsed into records.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from queries.importing.csv_source import (
    CsvReader,
    Decoder,
    cr_only,
    first_record_boundary,
    record_boundary,
    to_lf,
)
from queries.importing.sheets import SheetTable, find_table, xlsx_sheets
from queries.importing.source import ROW, Batch, UnusableFileError
from queries.importing.xls_book import xls_sheets
from queries.model.records import KINDS, RecordKind
from queries.vocabulary.text import Text

__all__ = ["ROW", "Batch", "RecordFile", "UnusableFileError", "kind_from_name", "open_record_file"]

# 16 MB (about 70,000 feedback rows) a batch: measured against 32 MB, 0.5 s less wall
# time, 1 s less system CPU and 200 MB less memory for 2,000,000 rows
CHUNK_BYTES = 16 * 1024 * 1024
_KIND_IN_NAME = re.compile(r"(?<![a-z])(units|disclosures|feedback|supervision)(?![a-z])")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# characters of a header's name shown in a message
_MAX_SHOWN = 40
_HTML = re.compile(rb"^\s*<(!doctype\s+html|html|table|\?xml)", re.IGNORECASE)


def kind_from_name(path: Path | str) -> str | None:
    """The record kind a file name names, e.g. ``2026-03_feedback.csv`` -> feedback.

    The kind must appear in the file's stem as a word of its own (letters on
    neither side); a name naming no kind, or two, gives None.
    """
    found = set(_KIND_IN_NAME.findall(Path(path).stem.lower()))
    return found.pop() if len(found) == 1 else None


def normalise_header(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower()


@dataclass
class RecordFile:
    """An opened record file, its header checked against the kind.

    ``sheet`` and ``rows_above`` (title rows skipped above the header) are set
    for workbooks; ``rows_below`` (footer rows skipped) once their rows are read.
    """

    path: Path
    kind: RecordKind
    format: str  # csv | xlsx | xls
    size: int
    # spec column -> position in the file
    positions: dict[str, int]
    sha256: str = ""
    sheet: str | None = None
    rows_above: int = 0
    # the header row as read (every column, also those records.md does not name)
    header: list[str] = field(default_factory=list)
    _csv: CsvReader | None = None
    _table: SheetTable | None = None

    @property
    def rows_below(self) -> int:
        """Footer rows skipped below the table (known once the batches are read)."""
        if self._table is not None:
            return self._table.rows_below
        return self._csv.footers.skipped if self._csv is not None else 0

    @property
    def missing_optional(self) -> list[str]:
        return [c for c in self.kind.columns if c not in self.positions]

    @property
    def encoding(self) -> str:
        return self._csv.decoder.encoding if self._csv is not None else "binary"

    @property
    def label(self) -> str:
        """The file as messages name it: with the sheet read, for a workbook."""
        return f"{self.path} [{self.sheet}]" if self.sheet is not None else str(self.path)

    def batches(self, chunk_bytes: int = CHUNK_BYTES) -> Iterator[Batch]:
        """The file's records in batches."""
        if self._table is not None:
            yield from self._table.batches(self.size)
        else:
            assert self._csv is not None
            yield from self._csv.batches(chunk_bytes)
            self.sha256 = self._csv.sha256


def open_record_file(path: Path | str, kind: str) -> RecordFile:
    """Open ``path`` as a file of ``kind`` and check its header.

    Raises
    ------
    UnusableFileError
        The file is missing, empty, binary, HTML, UTF-16, not UTF-8/GB18030
        text, a workbook over a limit or without the kind's table, or its header
        lacks a required column or names one twice; or a reader failed in a way
        no check foresaw (a crafted file): its error in one line.
    """
    try:
        return _open(Path(path), kind)
    except UnusableFileError:
        raise
    except Exception as exc:
        text = str(exc).strip()
        why = f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"
        raise UnusableFileError(
            path, Text(f"无法读取文件：{why}", f"cannot read the file: {why}")
        ) from None


def _open(path: Path, kind: str) -> RecordFile:
    spec = KINDS[kind]
    if not path.is_file():
        raise UnusableFileError(path, Text("文件不存在", "no such file"))
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            start = f.read(min(size, 1024 * 1024))
    except OSError as exc:
        why = exc.strerror or exc
        raise UnusableFileError(
            path, Text(f"无法读取文件：{why}", f"cannot read the file: {why}")
        ) from None
    if not start.strip():
        raise UnusableFileError(
            path, Text("文件为空（没有表头行）", "the file is empty (no header row)")
        )
    if start.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        return _open_workbook(path, spec, size, xls=start.startswith(_OLE_MAGIC))
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or start[1:80:2].count(0) > 20:
        raise UnusableFileError(
            path,
            Text(
                "不支持 UTF-16 文本：请另存为“CSV UTF-8”",
                "UTF-16 text is not supported: save it as CSV UTF-8",
            ),
        )
    if _HTML.match(start.removeprefix(codecs.BOM_UTF8)):
        raise UnusableFileError(
            path,
            Text(
                "这是 HTML 或 XML 网页（有些系统这样保存“.xls”），不是电子表格：请用 Excel 或 "
                "WPS 打开后另存为 .xlsx",
                "an HTML or XML page (as some systems save '.xls'), not a spreadsheet: open it "
                "in Excel or WPS and save it as .xlsx",
            ),
        )
    if b"\x00" in start:
        raise UnusableFileError(
            path,
            Text(
                "二进制数据，不是 CSV 文本或工作簿",
                "binary data, not a CSV text file or a workbook",
            ),
        )
    cr = cr_only(start)
    text_start = to_lf(start) if cr else start
    header_end = first_record_boundary(text_start)
    raw_header = text_start[:header_end] if header_end else text_start
    decoder = Decoder(path)
    # the encoding is decided on the first megabyte; later chunks are checked as read
    decoder.to_utf8(raw_header)
    body = text_start[len(raw_header) :]
    decoder.to_utf8(body[: record_boundary(body) or len(body)])
    text = raw_header.decode("gb18030" if decoder.encoding == "gb18030" else "utf-8-sig")
    try:
        names = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as exc:  # a field over csv.field_size_limit(), a NUL
        raise UnusableFileError(
            path,
            Text(
                f"无法读取表头行（{exc}）：不是记录文件的表头",
                f"the header row cannot be read ({exc}): not a record file's header",
            ),
        ) from None
    positions = _positions(path, spec, names)
    if positions is None:
        raise UnusableFileError(path, _missing(spec, names))
    reader = CsvReader(path, decoder, len(raw_header), len(names), positions, cr)
    return RecordFile(path, spec, "csv", size, positions, header=names, _csv=reader)


def _open_workbook(path: Path, spec: RecordKind, size: int, xls: bool) -> RecordFile:
    sheets = xls_sheets(path) if xls else xlsx_sheets(path)

    def positions_of(header: list[str], sheet: str, row: int) -> dict[str, int] | None:
        where = Text(f"工作表“{sheet}”第 {row} 行：", f"sheet '{sheet}', row {row}: ")
        return _positions(path, spec, header, where)

    table = find_table(path, sheets, spec, positions_of)
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return RecordFile(
        path,
        spec,
        "xls" if xls else "xlsx",
        size,
        table.positions,
        sha256=digest.hexdigest(),
        sheet=table.sheet.name,
        rows_above=table.rows_above,
        header=list(table.header),
        _table=table,
    )


# no place to name before a header's message (a CSV file's only header)
NOWHERE = Text("", "")


def _positions(
    path: Path, spec: RecordKind, header: list[str], where: Text = NOWHERE
) -> dict[str, int] | None:
    """Spec column -> position in the header; None when a required column is missing.

    Raises
    ------
    UnusableFileError
        A spec column appears twice in a header holding every required column.
    """
    normalised = [normalise_header(h) for h in header]
    positions: dict[str, int] = {}
    twice = []
    for col in spec.columns:
        at = [i for i, h in enumerate(normalised) if h == col]
        if len(at) > 1:
            twice.append((col, len(at)))
        if at:
            positions[col] = at[0]
    if any(f.required and f.name not in positions for f in spec.fields):
        return None
    if twice:
        col, n = twice[0]
        raise UnusableFileError(
            path,
            Text(
                f"{where.zh}表头中列“{col}”出现了 {n} 次",
                f"{where.en}column {col!r} appears {n} times in the header",
            ),
        )
    return positions


def _missing(spec: RecordKind, header: list[str]) -> Text:
    present = {normalise_header(h) for h in header}
    missing = ", ".join(f.name for f in spec.fields if f.required and f.name not in present)
    cut = [h if len(h) <= _MAX_SHOWN else h[:_MAX_SHOWN] + "…" for h in header[:8]]
    shown = ", ".join(cut) + (", ..." if len(header) > 8 else "")
    return Text(
        f"不是“{spec.name_zh}”记录文件：缺少必填列 {missing}（表头：{shown or '空'}）",
        f"not a {spec.name} file: missing required column(s) {missing} "
        f"(header: {shown or 'empty'})",
    )
