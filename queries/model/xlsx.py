"""An XLSX workbook of one sheet from a polars frame, written by polars expressions.

Each chunk of rows becomes the sheet's XML in one pass of polars expressions (a cell's
XML is a ``concat_str`` of its reference, type and escaped value), streamed into the
zip: no Python object per cell. A records table of 600,000 rows took 92 s through
xlsxwriter (one Python call per cell, and an autofit over every cell); see
``benchmarks/xlsx_export.py`` for the time now.

What a cell is:

- text: an inline string (never a formula, never a link: nothing in an XLSX is one
  unless written as one); an empty text or null is no cell; longer than Excel's 32,767
  characters is cut there. Control characters are written as Excel's ``_xHHHH_``
  escapes (as xlsxwriter does), and a literal ``_xHHHH_`` in the text is escaped so
  that it reads back as itself;
- numbers as numbers (NaN and infinities as Excel's ``#NUM!`` error); booleans as
  booleans; dates and date-times as Excel serial numbers with a date format;
- anything else as its text.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import IO
from xml.sax.saxutils import escape

import polars as pl

# Excel's limit of characters in a cell
MAX_CELL_TEXT = 32_767
# rows per pass: the XML of one chunk is held in memory at once
CHUNK_ROWS = 25_000
# widths: the header and this many rows are measured (a CJK character counts twice)
_WIDTH_SAMPLE = 2_000
_EPOCH_DAY = date(1899, 12, 30)
_EPOCH = datetime(1899, 12, 30)
# XML 1.0 has no place for these; Excel writes them as _xHHHH_ (tab and line feed are text)
_CONTROL = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A)]
_CONTROL_RE = "[" + "".join(f"\\x{ord(c):02x}" for c in _CONTROL) + "]"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# cell styles: 0 plain, 1 date, 2 date-time, 3 the header (bold)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def column_letters(i: int) -> str:
    """Excel's name of the ``i``-th column (0-based).

    >>> column_letters(0), column_letters(25), column_letters(26), column_letters(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _text(value: str) -> str:
    """One text as an inline string's content (escaped, control characters as _xHHHH_)."""
    value = value[:MAX_CELL_TEXT]
    value = value.replace("_x", "_x005F_x") if "_x" in value else value
    for c in _CONTROL:
        value = value.replace(c, f"_x{ord(c):04X}_")
    return escape(value)


# what a text may need done, by the pattern that shows it is needed (checked per chunk
# and column: most columns of most chunks need none of it)
_NEEDS = {
    "escape_x": "_x[0-9A-Fa-f]{4}_",
    "control": _CONTROL_RE,
    "markup": "[&<>]",
    "nonchar": "[\ufffe\uffff]",
}


def _escaped(expr: pl.Expr, needs: set[str]) -> pl.Expr:
    e = expr
    if "long" in needs:
        e = e.str.slice(0, MAX_CELL_TEXT)
    if "escape_x" in needs:
        e = e.str.replace_all(r"_x([0-9A-Fa-f]{4})_", "_x005F_x${1}_")
    if "control" in needs:
        for c in _CONTROL:
            e = e.str.replace_all(c, f"_x{ord(c):04X}_", literal=True)
    if "markup" in needs:
        e = e.str.replace_all("&", "&amp;", literal=True)
        e = e.str.replace_all("<", "&lt;", literal=True)
        e = e.str.replace_all(">", "&gt;", literal=True)
    if "nonchar" in needs:
        e = e.str.replace_all("[\ufffe\uffff]", "")
    return e


def _cell(name: str, dtype: pl.DataType, letter: str, row: pl.Expr, needs: set[str]) -> pl.Expr:
    """The XML of column ``name``'s cells (empty where there is no cell)."""
    col = pl.col(name)
    ref = [pl.lit(f'<c r="{letter}'), row]
    if dtype == pl.Boolean:
        xml = pl.concat_str([*ref, pl.lit('" t="b"><v>'), col.cast(pl.Int8).cast(pl.String),
                             pl.lit("</v></c>")])  # fmt: skip
    elif dtype.is_numeric():
        value = col.cast(pl.Float64) if dtype.is_decimal() else col
        number = pl.concat_str([*ref, pl.lit('"><v>'), value.cast(pl.String), pl.lit("</v></c>")])
        if dtype.is_float():
            error = pl.concat_str([*ref, pl.lit('" t="e"><v>#NUM!</v></c>')])
            number = pl.when(col.is_nan() | col.is_infinite()).then(error).otherwise(number)
        xml = number
    elif dtype == pl.Date:
        days = (col - pl.lit(_EPOCH_DAY)).dt.total_days()
        xml = pl.concat_str([*ref, pl.lit('" s="1"><v>'), days.cast(pl.String), pl.lit("</v></c>")])
    elif isinstance(dtype, pl.Datetime):
        naive = col.dt.replace_time_zone(None) if dtype.time_zone else col
        serial = (naive.cast(pl.Datetime("us")) - pl.lit(_EPOCH)).dt.total_microseconds() / (
            86_400_000_000
        )
        xml = pl.concat_str(
            [*ref, pl.lit('" s="2"><v>'), serial.cast(pl.String), pl.lit("</v></c>")]
        )
    else:
        text = _escaped(col.cast(pl.String), needs)
        xml = pl.concat_str(
            [*ref, pl.lit('" t="inlineStr"><is><t xml:space="preserve">'), text,
             pl.lit("</t></is></c>")]
        )  # fmt: skip
        xml = pl.when(col.cast(pl.String) == "").then(pl.lit("")).otherwise(xml)
    return xml.fill_null("")


def _width(text: str) -> float:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _widths(frame: pl.DataFrame) -> list[float]:
    """Column widths fitting the header and the first rows' text (as autofit did)."""
    sample = frame.head(_WIDTH_SAMPLE)
    out = []
    for name, dtype in frame.schema.items():
        widest = _width(name)
        if dtype == pl.Date:
            widest = max(widest, 10)
        elif isinstance(dtype, pl.Datetime):
            widest = max(widest, 19)
        else:
            texts = sample.get_column(name).cast(pl.String).drop_nulls()
            widest = max([widest, *(_width(t) for t in texts.head(_WIDTH_SAMPLE).to_list())])
        out.append(min(max(widest + 2, 6), 80))
    return out


def write_xlsx(
    frame: pl.DataFrame,
    target: IO[bytes],
    sheet: str,
    progress: Callable[[float], None] | None = None,
) -> None:
    """``frame`` with its header row as the one sheet ``sheet`` (a legal sheet name) of
    an XLSX written to ``target``; ``progress`` is told the share done (0..1) after each
    chunk of rows."""
    letters = [column_letters(i) for i in range(frame.width)]
    header = "".join(
        f'<c r="{letter}1" t="inlineStr" s="3"><is><t xml:space="preserve">{_text(name)}</t></is></c>'
        for letter, name in zip(letters, frame.columns, strict=True)
    )
    cols = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{w:.1f}" customWidth="1"/>'
        for i, w in enumerate(_widths(frame))
    )
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{escape(sheet, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            last = f"{letters[-1] if letters else 'A'}{frame.height + 1}"
            out.write(
                f'{_SHEET_HEAD}<dimension ref="A1:{last}"/><cols>{cols}</cols><sheetData>'.encode()
            )
            out.write(f'<row r="1">{header}</row>'.encode())
            texts = [n for n, d in frame.schema.items() if not _typed(d)]
            for start in range(0, frame.height, CHUNK_ROWS):
                chunk = frame.slice(start, CHUNK_ROWS)
                out.write(_rows_xml(chunk, start + 2, letters, texts).encode())
                if progress is not None:
                    progress(min(1.0, (start + chunk.height) / frame.height))
            out.write(b"</sheetData></worksheet>")


def _typed(dtype: pl.DataType) -> bool:
    return (
        dtype == pl.Boolean
        or dtype.is_numeric()
        or dtype == pl.Date
        or isinstance(dtype, pl.Datetime)
    )


def _rows_xml(chunk: pl.DataFrame, first_row: int, letters: list[str], texts: list[str]) -> str:
    checks = (
        {}
        if not texts
        else chunk.select(
            *(
                pl.col(n).cast(pl.String).str.contains(pattern).any().alias(f"{n}\0{need}")
                for n in texts
                for need, pattern in _NEEDS.items()
            ),
            *(
                (pl.col(n).cast(pl.String).str.len_chars().max() > MAX_CELL_TEXT).alias(
                    f"{n}\0long"
                )
                for n in texts
            ),
        ).row(0, named=True)
    )
    needs: dict[str, set[str]] = {n: set() for n in texts}
    for key, found in checks.items():
        if found:
            name, need = key.split("\0")
            needs[name].add(need)
    row = (pl.int_range(0, pl.len()) + first_row).cast(pl.String)
    cells = [
        _cell(name, dtype, letter, row, needs.get(name, set()))
        for (name, dtype), letter in zip(chunk.schema.items(), letters, strict=True)
    ]
    xml = chunk.select(
        pl.concat_str([pl.lit('<row r="'), row, pl.lit('">'), *cells, pl.lit("</row>")]).alias("x")
    )
    return str(xml.get_column("x").str.join("").item())
