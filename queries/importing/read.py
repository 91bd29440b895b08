"""Reading record files: kind from the name, encoding, header, batches.

A CSV file is read in one pass of byte chunks cut at record boundaries (a
newline outside quotes), so a file of any size streams in bounded memory; the
same pass computes the file's sha256 and checks its encoding. Only the columns
that ``records.md`` names are parsed: the others (names, phone numbers, free
text of the source system) are never read into memory past the raw bytes.
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

import polars as pl

from queries.model.records import KINDS, RecordKind

# the spreadsheet row number of each record (header = row 1)
ROW = "__row"

# 16 MB (about 70,000 feedback rows) a batch: measured against 32 MB, 0.5 s less wall
# time, 1 s less system CPU and 200 MB less memory for 2,000,000 rows
CHUNK_BYTES = 16 * 1024 * 1024
_KIND_IN_NAME = re.compile(r"(?<![a-z])(units|disclosures|feedback|supervision)(?![a-z])")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_BOM = codecs.BOM_UTF8


class UnusableFileError(Exception):
    """A file that is not a readable record table (exit status 2)."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


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
class Batch:
    """Some records of a file: the spec's columns as strings, plus ``__row``."""

    frame: pl.DataFrame
    bytes_read: int


@dataclass
class RecordFile:
    """An opened record file, its header checked against the kind."""

    path: Path
    kind: RecordKind
    format: str  # csv | xlsx
    size: int
    # spec column -> position in the file
    positions: dict[str, int]
    header_bytes: int = 0
    encoding: str = "ascii"
    sha256: str = ""
    _hash: hashlib._Hash | None = field(default=None, repr=False)

    @property
    def missing_optional(self) -> list[str]:
        return [c for c in self.kind.columns if c not in self.positions]

    def batches(self, chunk_bytes: int = CHUNK_BYTES) -> Iterator[Batch]:
        """The file's records in batches (a whole XLSX sheet is one batch)."""
        if self.format == "xlsx":
            yield from self._xlsx_batches()
        else:
            yield from self._csv_batches(chunk_bytes)

    # -- CSV -----------------------------------------------------------------

    def _csv_batches(self, chunk_bytes: int) -> Iterator[Batch]:
        digest = hashlib.sha256()
        names = list(self.positions)
        indexes = [self.positions[c] for c in names]
        next_row = 2
        with self.path.open("rb") as f:
            head = f.read(self.header_bytes)
            digest.update(head)
            rest = b""
            while True:
                data = f.read(chunk_bytes)
                digest.update(data)
                buf = rest + data
                if not data:
                    chunk, rest = buf, b""
                else:
                    cut = _record_boundary(buf)
                    if cut <= 0:  # one record longer than a chunk: read on
                        rest = buf
                        continue
                    chunk, rest = buf[:cut], buf[cut:]
                if chunk.strip():
                    frame = self._parse_chunk(chunk, names, indexes, next_row)
                    next_row += frame.height
                    yield Batch(_drop_blank(frame), len(chunk))
                if not data:
                    break
        self.sha256 = digest.hexdigest()

    def _parse_chunk(
        self, chunk: bytes, names: list[str], indexes: list[int], first_row: int
    ) -> pl.DataFrame:
        chunk = self._to_utf8(chunk)
        try:
            frame = pl.read_csv(
                chunk,
                has_header=False,
                columns=indexes,
                infer_schema=False,
                raise_if_empty=False,
            )
        except (pl.exceptions.PolarsError, OSError) as exc:
            first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UnusableFileError(
                self.path, f"malformed CSV near row {first_row}: {first_line}"
            ) from exc
        if frame.width != len(names):
            raise UnusableFileError(self.path, f"malformed CSV near row {first_row}")
        frame.columns = names
        return frame.with_row_index(ROW, offset=first_row).with_columns(pl.col(ROW).cast(pl.Int64))

    def _to_utf8(self, chunk: bytes) -> bytes:
        if self.encoding in ("ascii", "utf-8"):
            if chunk.isascii():
                return chunk
            if _is_utf8(chunk):
                self.encoding = "utf-8"
                return chunk
            if self.encoding == "utf-8":
                raise UnusableFileError(
                    self.path, "invalid UTF-8 after the start of the file (mixed encodings)"
                )
            self.encoding = "gb18030"
        try:
            return chunk.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError:
            raise UnusableFileError(
                self.path, "text is neither UTF-8 nor GB18030 (mixed encodings?)"
            ) from None

    # -- XLSX ----------------------------------------------------------------

    def _xlsx_batches(self) -> Iterator[Batch]:
        names = list(self.positions)
        try:
            frame = pl.read_excel(
                self.path,
                columns=[self.positions[c] for c in names],
                infer_schema_length=0,
                drop_empty_rows=False,
                drop_empty_cols=False,
                raise_if_empty=False,
            )
        except Exception as exc:  # calamine raises its own error types
            raise UnusableFileError(self.path, f"cannot read the spreadsheet: {exc}") from exc
        frame.columns = names
        frame = frame.with_columns(pl.all().cast(pl.String))
        frame = frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
        yield Batch(_drop_blank(frame), self.size)


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8 (checked in polars: 3x faster than decoding)."""
    try:
        pl.Series([data], dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.ComputeError:
        return False
    return True


def _drop_blank(frame: pl.DataFrame) -> pl.DataFrame:
    """Drop rows with no value at all (blank lines keep their row numbers)."""
    values = [c for c in frame.columns if c != ROW]
    if not values:
        return frame
    # empty fields read as null; a row of spaces fails the required columns
    return frame.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in values]))


def _record_boundary(buf: bytes) -> int:
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


def open_record_file(path: Path | str, kind: str) -> RecordFile:
    """Open ``path`` as a file of ``kind`` and check its header.

    Raises
    ------
    UnusableFileError
        The file is missing, empty, binary, not UTF-8/GB18030 text, or its
        header lacks a required column.
    """
    path = Path(path)
    spec = KINDS[kind]
    if not path.is_file():
        raise UnusableFileError(path, "no such file")
    size = path.stat().st_size
    with path.open("rb") as f:
        start = f.read(min(size, 1024 * 1024))
    if not start.strip():
        raise UnusableFileError(path, "the file is empty (no header row)")
    if start.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        header = _xlsx_header(path)
        rf = RecordFile(path, spec, "xlsx", size, _positions(path, spec, header))
        rf.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        return rf
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnusableFileError(path, "UTF-16 text is not supported: save it as CSV UTF-8")
    if b"\x00" in start:
        raise UnusableFileError(path, "binary data, not a CSV text file or an XLSX workbook")
    header_end = _record_boundary_first(start)
    raw_header = start[:header_end] if header_end else start
    rf = RecordFile(path, spec, "csv", size, {})
    # the encoding is decided on the first megabyte; later chunks are checked as read
    rf._to_utf8(raw_header)
    body = start[len(raw_header) :]
    rf._to_utf8(body[: _record_boundary(body) or len(body)])
    text = raw_header.decode("gb18030" if rf.encoding == "gb18030" else "utf-8-sig")
    names = next(csv.reader(io.StringIO(text)), [])
    rf.positions = _positions(path, spec, names)
    rf.header_bytes = len(raw_header)
    return rf


def _record_boundary_first(buf: bytes) -> int:
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


def _xlsx_header(path: Path) -> list[str]:
    try:
        frame = pl.read_excel(
            path, infer_schema_length=0, raise_if_empty=False, read_options={"n_rows": 0}
        )
    except Exception as exc:  # calamine raises its own error types
        raise UnusableFileError(path, f"cannot read the spreadsheet: {exc}") from exc
    return list(frame.columns)


def _positions(path: Path, spec: RecordKind, header: list[str]) -> dict[str, int]:
    """Spec column -> position in the header; a missing required column is fatal."""
    normalised = [normalise_header(h) for h in header]
    positions: dict[str, int] = {}
    for col in spec.columns:
        where = [i for i, h in enumerate(normalised) if h == col]
        if len(where) > 1:
            raise UnusableFileError(
                path, f"column {col!r} appears {len(where)} times in the header"
            )
        if where:
            positions[col] = where[0]
    missing = [f.name for f in spec.fields if f.required and f.name not in positions]
    if missing:
        shown = ", ".join(h for h in header[:8]) + (", ..." if len(header) > 8 else "")
        raise UnusableFileError(
            path,
            f"not a {spec.name} file: missing required column(s) {', '.join(missing)} "
            f"(header: {shown or 'empty'})",
        )
    return positions
