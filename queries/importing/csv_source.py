"""Reading a CSV record file in streamed chunks (``docs/spec/records.md``, "Files as offices export them").

The file is read in byte chunks cut at record boundaries (a line end outside
quotes), so a file of any size streams in bounded memory; the same pass
computes the file's sha256 and checks its encoding. Line ends may be LF, CRLF
or CR alone (a CR-only file is read with each CR as a line end).

Each chunk is parsed by polars (fast path) when it is sound; a chunk polars
refuses, or whose lines do not each hold one record, is parsed line by line
(slow path), so that a row longer than the header or a line that is not CSV
(a stray quote) is rejected alone, with its own row number, and the rest of
the chunk is read. Row numbers count records as a spreadsheet shows the file
(header = 1, blank lines counted): the line number when no cell spans lines.
Footer rows ending the file (合计, 填报人...: :mod:`queries.importing.footers`) are
left out and counted.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from queries.importing.footers import CsvFooters
from queries.importing.source import ROW, Batch, UnusableFileError, drop_blank, string_frame
from queries.vocabulary.text import Text

# a record spanning more lines than this is taken as a stray quote
MAX_RECORD_LINES = 1000
# (the line itself is not quoted: it may hold personal columns)
UNREADABLE = (
    "不是有效的 CSV 行（引号不成对）/ the line is not valid CSV: a stray or unpaired quote "
    '(a cell that begins with " must end with " right before the next comma)'
)


class Decoder:
    """Turns chunks of a file into UTF-8, deciding between UTF-8 and GB18030 once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.encoding = "ascii"

    def to_utf8(self, chunk: bytes) -> bytes:
        """``chunk`` as UTF-8 bytes.

        Raises
        ------
        UnusableFileError
            Text that is neither UTF-8 nor GB18030, or that changes encoding part-way.
        """
        if self.encoding in ("ascii", "utf-8"):
            if chunk.isascii():
                return chunk
            if _is_utf8(chunk):
                self.encoding = "utf-8"
                return chunk
            if self.encoding == "utf-8":
                raise UnusableFileError(
                    self.path,
                    Text(
                        "文件开头之后出现无效的 UTF-8 字符（编码混杂）",
                        "invalid UTF-8 after the start of the file (mixed encodings)",
                    ),
                )
            self.encoding = "gb18030"
        try:
            return chunk.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError:
            raise UnusableFileError(
                self.path,
                Text(
                    "文本既不是 UTF-8 也不是 GB18030（编码混杂？）",
                    "text is neither UTF-8 nor GB18030 (mixed encodings?)",
                ),
            ) from None


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8 (checked in polars: 3x faster than decoding)."""
    try:
        pl.Series([data], dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.ComputeError:
        return False
    return True


def cr_only(start: bytes) -> bool:
    """Whether lines end in CR alone (Excel for Mac): CRs and no LF in ``start``."""
    return b"\r" in start and b"\n" not in start


def to_lf(data: bytes) -> bytes:
    """A CR-only text's line ends as LF."""
    return data.replace(b"\r", b"\n")


def record_boundary(buf: bytes) -> int:
    """Index just past the last newline of ``buf`` that is outside quotes, or 0.

    ``buf`` starts at a record boundary; a newline ends a record when the
    number of quote characters before it is even (``""`` escapes count two).
    """
    end = buf.rfind(b"\n")
    if end < 0:
        return 0
    quotes_before = buf.count(b'"', 0, end)
    while quotes_before % 2:
        prev = buf.rfind(b"\n", 0, end)
        if prev < 0:
            return 0
        quotes_before -= buf.count(b'"', prev, end)
        end = prev
    return end + 1


def first_record_boundary(buf: bytes) -> int:
    """Index just past the first newline outside quotes, or 0."""
    pos, quotes = 0, 0
    while True:
        nl = buf.find(b"\n", pos)
        if nl < 0:
            return 0
        quotes += buf.count(b'"', pos, nl)
        if quotes % 2 == 0:
            return nl + 1
        pos = nl + 1


class CsvReader:
    """The records of one CSV file after its header, in batches.

    ``width`` is the number of fields of the header; ``positions`` maps each
    spec column present to its field index.
    """

    def __init__(
        self,
        path: Path,
        decoder: Decoder,
        header_bytes: int,
        width: int,
        positions: dict[str, int],
        cr: bool,
    ) -> None:
        self.path = path
        self.decoder = decoder
        self.header_bytes = header_bytes
        self.width = width
        self.names = list(positions)
        self.indexes = [positions[c] for c in self.names]
        self.cr = cr
        self.sha256 = ""
        self.footers = CsvFooters(sorted(positions, key=positions.__getitem__))

    def batches(self, chunk_bytes: int) -> Iterator[Batch]:
        """The records in batches, footer rows at the end of the file left out."""
        yield from self.footers.batches(self._batches(chunk_bytes))

    def _batches(self, chunk_bytes: int) -> Iterator[Batch]:
        digest = hashlib.sha256()
        next_row = 2
        with self.path.open("rb") as f:
            head = f.read(self.header_bytes)
            digest.update(head)
            rest = b""
            while True:
                data = f.read(chunk_bytes)
                digest.update(data)
                if self.cr:
                    data = to_lf(data)
                buf = rest + data
                if not data:
                    chunk, rest = buf, b""
                else:
                    cut = record_boundary(buf)
                    if cut <= 0:
                        if len(buf) < chunk_bytes:  # one record longer than a chunk: read on
                            rest = buf
                            continue
                        # a full chunk and no newline outside quotes: a stray
                        # quote; cut at the last line end, the slow path copes
                        cut = buf.rfind(b"\n") + 1
                        if cut <= 0:
                            mb = chunk_bytes // 2**20
                            raise UnusableFileError(
                                self.path,
                                Text(
                                    f"第 {next_row} 行超过 {mb} MB：不是记录文件",
                                    f"row {next_row} is longer than {mb} MB: not a record file",
                                ),
                            )
                    chunk, rest = buf[:cut], buf[cut:]
                if chunk:
                    batch, rows = self._parse_chunk(chunk, next_row)
                    next_row += rows
                    yield batch
                if not data:
                    break
        self.sha256 = digest.hexdigest()

    def _parse_chunk(self, chunk: bytes, first_row: int) -> tuple[Batch, int]:
        """The chunk's batch and its number of rows (records and blank lines)."""
        utf8 = self.decoder.to_utf8(chunk)
        frame = self._fast(utf8, first_row)
        if frame is not None:
            return Batch(drop_blank(frame), len(chunk)), frame.height
        return self._slow(utf8, first_row, len(chunk))

    def _fast(self, chunk: bytes, first_row: int) -> pl.DataFrame | None:
        """Polars' parse of a sound chunk; None when the chunk needs the slow path."""
        if chunk.count(b'"') % 2:
            return None
        try:
            frame = pl.read_csv(
                chunk,
                has_header=False,
                schema={f"c{i}": pl.String for i in range(self.width)},
                columns=self.indexes,
                missing_columns="insert",
                raise_if_empty=False,
            )
        except (pl.exceptions.PolarsError, OSError):
            return None
        lines = chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
        if frame.height != lines:  # a cell spans lines: check each record's shape
            return None
        frame.columns = self.names
        return frame.with_row_index(ROW, offset=first_row).with_columns(pl.col(ROW).cast(pl.Int64))

    def _slow(self, chunk: bytes, first_row: int, nbytes: int) -> tuple[Batch, int]:
        """Line by line: each record parsed alone, a broken line rejected alone."""
        lines = chunk.decode("utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        good: list[list[str | None]] = []
        good_rows: list[int] = []
        bad: list[list[str | None]] = []
        bad_rows: list[int] = []
        problems: list[tuple[int, str, str]] = []
        row = first_row
        i = 0
        while i < len(lines):
            fields, used = _one_record(lines, i, self.width)
            if fields is None:  # not CSV: this line alone is rejected
                bad.append(self._pick(_as_typed(lines[i], self.width)))
                bad_rows.append(row)
                problems.append((row, "", UNREADABLE))
                i += 1
            elif len(fields) > self.width:
                bad.append(self._pick(fields))
                bad_rows.append(row)
                problems.append(
                    (
                        row,
                        "",
                        f"字段多于表头 / the row has {len(fields)} fields but the header has "
                        f"{self.width}: a value holds an unquoted comma, or cells are shifted",
                    )
                )
                i += used
            else:
                good.append(self._pick(fields))
                good_rows.append(row)
                i += used
            row += 1
        frame = drop_blank(string_frame(self.names, good, good_rows))
        batch = Batch(frame, nbytes)
        if problems:
            batch.problems = pl.DataFrame(
                problems, schema=["row", "column", "reason"], orient="row"
            ).cast({"row": pl.Int64})
            batch.problem_values = string_frame(self.names, bad, bad_rows)
        return batch, row - first_row

    def _pick(self, fields: list[str]) -> list[str | None]:
        """The spec columns of a parsed record; empty and missing cells None."""
        n = len(fields)
        return [(fields[i] or None) if i < n else None for i in self.indexes]


def _as_typed(line: str, width: int) -> list[str]:
    """The cells of a line that is not valid CSV, for the rejects file: split at every
    comma with its quotes kept as typed, when that gives the header's width (a clerk
    fixing ``"净网"行动通告`` must see it, not 净网行动通告); else read leniently.

    >>> _as_typed('D2,A1,"净网"行动通告,obligations', 4)
    ['D2', 'A1', '"净网"行动通告', 'obligations']
    """
    text = line.removesuffix("\r")
    cells = text.split(",")
    if len(cells) == width:
        return cells
    try:
        return next(csv.reader([text]), [])
    except csv.Error:  # a field over csv.field_size_limit(): the cells as split
        return cells


def _one_record(lines: list[str], i: int, width: int) -> tuple[list[str] | None, int]:
    """The record starting at ``lines[i]`` and how many lines it takes; None if not CSV.

    A line with an odd number of quotes continues on the next lines until the
    count is even; such a multi-line record must parse to exactly ``width``
    fields (a stray quote would swallow lines otherwise).
    """
    text = lines[i].removesuffix("\r")
    quotes = text.count('"')
    used = 1
    while quotes % 2 and i + used < len(lines) and used < MAX_RECORD_LINES:
        more = lines[i + used].removesuffix("\r")
        text += "\n" + more
        quotes += more.count('"')
        used += 1
    if quotes % 2:
        return None, 1
    if text == "":
        return [], 1
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        return None, 1
    if len(records) != 1:
        return None, 1
    if used > 1 and len(records[0]) != width:
        return None, 1
    return records[0], used
