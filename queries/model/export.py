"""The one export layer: every CSV and XLSX the product writes goes through here.

CSV formula injection (OWASP "CSV Injection"): a spreadsheet opening a CSV runs
a text cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, or any of these after leading spaces) as a formula. Every *text* cell
that does is written with a leading apostrophe (``'=1+1``), which spreadsheets
show as text. Numbers (numeric columns, and text cells that are a plain decimal
number such as ``-3.5``) are written untouched.

XLSX: strings are written as strings — never as formulas, never turned into
links (``https://…`` or ``external:\\\\host\\share`` stay plain text).

Files named by a path are written beside the target and renamed over it only
when complete (:func:`write_bytes_atomic`), so a failure part-way leaves the
previous file, not a truncated one; a symlink at the target is replaced, never
followed.

Functions
---------
- :func:`safe_text` — one cell's text, neutralised.
- :func:`neutralise_frame` — a polars frame with every text column neutralised.
- :func:`csv_bytes` / :func:`write_csv` — a frame as CSV (UTF-8, BOM by default).
- :func:`csv_rows_bytes` — header + rows of Python values as CSV (same rule).
- :func:`xlsx_bytes` — a frame as one XLSX worksheet, strings as strings.
- :func:`workbook_bytes` — a cover sheet and several frames as one XLSX, same rules.
- :func:`sheet_names` — titles made valid, distinct Excel sheet names.
- :func:`write_bytes_atomic` — bytes to a path, written beside then renamed.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO

import polars as pl

from queries.model.xlsx import write_xlsx

BOM = b"\xef\xbb\xbf"
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# OWASP's list (= + - @ tab CR) and their full-width forms, which some
# spreadsheets (WPS with a Chinese input method) also take as formula starts.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def safe_text(text: str) -> str:
    """``text`` as a spreadsheet will show it, never run it.

    A text beginning (after any spaces) with a formula character gets a leading
    apostrophe; a plain decimal number (``-3``, ``+4.5``, ``-12%``) is left as is.

    >>> safe_text("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> safe_text("-3.5"), safe_text("城区分局"), safe_text("  @cmd")
    ('-3.5', '城区分局', "'  @cmd")
    """
    stripped = text.lstrip(" ")
    if not stripped or stripped[0] not in FORMULA_STARTS:
        return text
    if _PLAIN_NUMBER.fullmatch(stripped):
        return text
    return "'" + text


def _text_columns(frame: pl.DataFrame) -> list[str]:
    return [
        name
        for name, dtype in frame.schema.items()
        if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)
    ]


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text column passed through :func:`safe_text`.

    Numeric, date and boolean columns are returned untouched; categorical and
    enum columns come back as strings.
    """
    texts = _text_columns(frame)
    if not texts:
        return frame
    return frame.with_columns(
        _neutralised(pl.col(name).cast(pl.String)).alias(name) for name in texts
    )


def _neutralised(text: pl.Expr) -> pl.Expr:
    """:func:`safe_text` as a polars expression (no Python function runs in polars'
    thread pool: docs/DECISIONS.md, "Many sessions at once")."""
    stripped = text.str.strip_chars_start(" ")
    risky = stripped.str.slice(0, 1).is_in(sorted(FORMULA_STARTS)) & ~stripped.str.contains(
        f"^(?:{_PLAIN_NUMBER.pattern})$"
    )
    return pl.when(risky).then(pl.lit("'") + text).otherwise(text)


def _safe_header(frame: pl.DataFrame) -> pl.DataFrame:
    renames = {c: safe_text(c) for c in frame.columns if safe_text(c) != c}
    return frame.rename(renames) if renames else frame


def csv_bytes(frame: pl.DataFrame, *, bom: bool = True) -> bytes:
    """``frame`` as CSV bytes: UTF-8 (with a BOM unless ``bom=False``), nulls empty,
    every text cell and header neutralised."""
    # a private copy: the frame may be a cached one that other threads read at the
    # same time (docs/DECISIONS.md, "Many sessions at once")
    safe = _safe_header(neutralise_frame(frame.clone()))
    data = safe.write_csv(include_bom=False, null_value="").encode("utf-8")
    return BOM + data if bom else data


def write_csv(frame: pl.DataFrame, target: Path | str | IO[bytes], *, bom: bool = True) -> None:
    """Write :func:`csv_bytes` of ``frame`` to a path (atomically) or a binary stream.

    Raises ``OSError`` when the path cannot be written (the previous file, if
    any, is left as it was).
    """
    data = csv_bytes(frame, bom=bom)
    if isinstance(target, str | Path):
        write_bytes_atomic(Path(target), data)
    else:
        target.write(data)


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    return value


def csv_rows_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = True
) -> bytes:
    """A header and rows of Python values as CSV bytes (CRLF line ends, UTF-8, BOM).

    ``None`` is written empty, ``str`` cells are neutralised, other values are
    written as ``str(value)`` by :mod:`csv`.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([safe_text(h) for h in header])
    for row in rows:
        w.writerow([_cell(v) for v in row])
    data = buf.getvalue().encode("utf-8")
    return BOM + data if bom else data


def _sheet_name(name: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and not starting or ending with '
    return re.sub(r"[\[\]:*?/\\]", "_", name).strip("'")[:31].strip("'") or "data"


def sheet_names(titles: Sequence[str]) -> list[str]:
    """Each title as a valid Excel sheet name, all distinct (case-insensitively, as
    Excel compares them): at most 31 characters, none of ``[]:*?/`` and the backslash, no apostrophe
    at either end; a repeated name gets `` (2)``, `` (3)``... within the 31.

    >>> sheet_names(["排名: 2026/Q1", "a" * 40, "排名: 2026/Q1", "History"])
    ['排名_ 2026_Q1', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '排名_ 2026_Q1 (2)', 'History (2)']
    """
    out: list[str] = []
    taken = {"history"}  # Excel keeps this name for itself
    for title in titles:
        name = _sheet_name(title)
        n = 1
        candidate = name
        while candidate.lower() in taken:
            n += 1
            tail = f" ({n})"
            candidate = name[: 31 - len(tail)] + tail
        taken.add(candidate.lower())
        out.append(candidate)
    return out


_WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "in_memory": True,
}


def xlsx_bytes(
    frame: pl.DataFrame, sheet: str = "data", progress: Callable[[float], None] | None = None
) -> bytes:
    """``frame`` as one XLSX worksheet with its header row (:mod:`queries.model.xlsx`):
    strings as strings, never formulas or links. ``progress`` is told the share done
    (0..1) as the rows are written."""
    buf = io.BytesIO()
    write_xlsx(frame, buf, _sheet_name(sheet), progress)
    return buf.getvalue()


def workbook_bytes(
    cover_title: str,
    cover: Sequence[tuple[str, str]],
    sheets: Sequence[tuple[str, pl.DataFrame]],
) -> bytes:
    """One XLSX: a cover sheet (``cover_title``; one ``(label, value)`` line each) then a
    sheet per ``(title, frame)`` with its header row, in order; sheet names made valid
    and distinct by :func:`sheet_names`. Strings stay strings, as in :func:`xlsx_bytes`:
    no formula, no link, whatever a cell holds.
    """
    from xlsxwriter import Workbook

    names = sheet_names([cover_title, *(title for title, _ in sheets)])
    buf = io.BytesIO()
    wb = Workbook(buf, _WORKBOOK_OPTIONS)
    bold = wb.add_format({"bold": True})
    front = wb.add_worksheet(names[0])
    for i, (label, value) in enumerate(cover):
        front.write_string(i, 0, label, bold)
        front.write_string(i, 1, value)
    front.set_column(0, 0, max((len(label) for label, _ in cover), default=8) + 4)
    front.set_column(1, 1, min(max((len(v) for _, v in cover), default=8) + 4, 100))
    for name, (_, frame) in zip(names[1:], sheets, strict=True):
        # a private copy, as in csv_bytes
        frame.clone().write_excel(wb, worksheet=name, autofit=True, include_header=True)
    wb.close()
    return buf.getvalue()


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``: to a new file beside it, flushed, then renamed over it.

    A symlink at ``path`` is replaced by the file, never followed; a failure
    part-way removes the partial file and leaves what was at ``path`` before.
    Raises ``OSError`` (e.g. ``ENOSPC``, ``EACCES``, a directory at ``path``).
    """
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file", str(path))
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
