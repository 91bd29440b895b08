"""Record files made to hurt the importer, built byte by byte: zip-bomb-like sheets, rows
wider than Excel's, many shared strings, and a few dozen malformed CSV and XLSX files
(seeded: the same files every run)."""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
UNITS_HEADER = ("unit_id", "name", "level", "kind")


def col(n: int) -> str:
    """Column letters of 0-based column ``n``: 0 -> A, 26 -> AA."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def row_xml(r: int, values: Iterable[str]) -> str:
    cells = "".join(
        f'<c r="{col(i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values)
    )
    return f'<row r="{r}">{cells}</row>'


def write_xlsx(
    path: Path,
    sheet_parts: Iterable[str],
    shared: Iterable[str] = (),
    sheet_head: str = "",
) -> Path:
    """A workbook of one sheet whose XML is ``sheet_parts`` joined (streamed into the zip,
    so a sheet of hundreds of megabytes costs no memory here)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/sharedStrings.xml", "w") as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'.encode())
            for s in shared:
                f.write(f"<si><t>{s}</t></si>".encode())
            f.write(b"</sst>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?>{sheet_head}'.encode())
            f.write(f'<worksheet xmlns="{NS}"><sheetData>'.encode())
            for part in sheet_parts:
                f.write(part.encode())
            f.write(b"</sheetData></worksheet>")
    return path


def units_rows(n: int, start: int = 2) -> Iterable[str]:
    for r in range(start, start + n):
        yield row_xml(r, (f"U{r}", "所", "station", "window"))


def bomb_xlsx(path: Path, sheet_mb: int = 180) -> Path:
    """A units workbook whose sheet XML unpacks to about ``sheet_mb`` MB from well under
    1 MB: the same row, over and over (as the 858 KB / 179 MB workbook of the issue)."""
    row = row_xml(2, ("U", "所", "station", "window")).replace(' r="A2"', "")
    block = row * 1000
    blocks = sheet_mb * 2**20 // len(block)
    return write_xlsx(path, [row_xml(1, UNITS_HEADER), *([block] * blocks)])


def wide_xlsx(path: Path, width: int, rows: int = 1) -> Path:
    """A units workbook whose rows after the header hold ``width`` cells each."""
    wide = (row_xml(r, ("x",) * width) for r in range(2, 2 + rows))
    return write_xlsx(path, [row_xml(1, UNITS_HEADER), *wide])


def shared_strings_xlsx(path: Path, count: int) -> Path:
    """A units workbook of two rows whose shared strings table holds ``count`` strings."""
    return write_xlsx(
        path,
        [row_xml(1, UNITS_HEADER), row_xml(2, ("A1", "所", "station", "window"))],
        shared=(f"s{i}" for i in range(count)),
    )


# -- a few dozen malformed files ----------------------------------------------------------

UNITS_CSV = (
    "unit_id,name,parent_id,level,kind\n"
    "SJ,市局,,bureau,management\n"
    "A1,一所,SJ,station,window\n"
    "A2,二所,SJ,station,window\n"
)


def _good_xlsx(path: Path) -> bytes:
    write_xlsx(path, [row_xml(1, UNITS_HEADER), *units_rows(20)])
    return path.read_bytes()


def _zip(path: Path, parts: dict[str, bytes | str]) -> bytes:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path.read_bytes()


def _xlsx_with_sheet(path: Path, sheet: str, shared: str = "") -> bytes:
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared or f'<sst xmlns="{NS}"><si><t>a</t></si></sst>',
    }
    return _zip(path, parts)


def _sheet(rows: str, head: str = "") -> str:
    return f'{head}<worksheet xmlns="{NS}"><sheetData>{rows}</sheetData></worksheet>'


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def malformed_files(folder: Path, seed: int = 19) -> list[Path]:
    """About forty malformed units files (``units_<what>.csv|.xlsx``), seeded."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    scratch = folder / "scratch"
    scratch.mkdir(exist_ok=True)
    good = _good_xlsx(scratch / "good.xlsx")
    csv = UNITS_CSV.encode("utf-8")
    header = UNITS_HEADER[0] + ","

    makers: dict[str, Callable[[], bytes]] = {
        # CSV
        "nul_in_header.csv": lambda: b"unit_id,na\x00me,level,kind\nA,B,station,window\n",
        "nul_in_row.csv": lambda: csv.replace(b"A1,", b"A\x001,"),
        "nuls_only.csv": lambda: b"\x00" * 5000,
        "mixed_encodings.csv": lambda: csv + "A3,三所,SJ,station,window\n".encode("gb18030") * 3,
        "gb18030_then_utf8.csv": lambda: (
            csv.replace("一所".encode(), "一所".encode("gb18030"))
            + "A4,四所,SJ,station,window\n".encode()
        ),
        "huge_header_field.csv": lambda: (header + "x" * 200_000 + ",name,level,kind\n").encode(),
        "huge_quoted_header.csv": lambda: (
            '"' + "y" * 300_000 + '",' + "unit_id,name,level,kind\n"
        ).encode(),
        "huge_body_field.csv": lambda: csv + b"A5," + b"z" * 300_000 + b",SJ,station,window\n",
        "huge_unclosed_quote.csv": lambda: csv + b'A6,"' + b"q" * 2_000_000 + b"\n",
        "utf16.csv": lambda: UNITS_CSV.encode("utf-16"),
        "utf16_no_bom.csv": lambda: UNITS_CSV.encode("utf-16-le"),
        "bom_only.csv": lambda: b"\xef\xbb\xbf",
        "bom_header_only.csv": lambda: b"\xef\xbb\xbfunit_id,name,level,kind",
        "cr_and_lf_mixed.csv": lambda: csv.replace(b"\n", b"\r", 2),
        "random_bytes.csv": lambda: bytes(rng.randrange(256) for _ in range(20_000)),
        "random_text.csv": lambda: "".join(
            chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x4E00, 0x9FFF), 10, 44, 34]))
            for _ in range(20_000)
        ).encode(),
        "ten_thousand_columns.csv": lambda: (
            "unit_id,name,level,kind," + ",".join(f"c{i}" for i in range(10_000)) + "\n"
            "A1,所,station,window," + ",".join("v" for _ in range(10_000)) + "\n"
        ).encode(),
        "invalid_utf8_late.csv": lambda: csv * 1000 + b"A9,\xff\xfe\xfd,SJ,station,window\n",
        "html_as_csv.csv": lambda: b"<html><body><table><tr><td>unit_id</td></tr></table>",
        "zip_named_csv.csv": lambda: good,
        # XLSX
        "truncated_half.xlsx": lambda: good[: len(good) // 2],
        "truncated_tail.xlsx": lambda: good[:-30],
        "truncated_head.xlsx": lambda: good[:100],
        "flipped_bytes.xlsx": lambda: bytes(
            b ^ 0xFF if 200 < i < 260 else b for i, b in enumerate(good)
        ),
        "empty_zip.xlsx": lambda: _zip(scratch / "e.zip", {}),
        "docx_not_xlsx.xlsx": lambda: _zip(
            scratch / "d.zip",
            {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"},
        ),
        "wrong_content_types.xlsx": lambda: _zip(
            scratch / "w.zip",
            {
                "[Content_Types].xml": "not xml at all",
                "_rels/.rels": ROOT_RELS,
                "xl/workbook.xml": WORKBOOK,
            },
        ),
        "sheet_not_xml.xlsx": lambda: _xlsx_with_sheet(scratch / "n.xlsx", "\x00\x01 not xml"),
        "sheet_truncated_xml.xlsx": lambda: _xlsx_with_sheet(
            scratch / "t.xlsx", _sheet(row_xml(1, UNITS_HEADER))[:-40]
        ),
        "sheet_invalid_utf8.xlsx": lambda: _zip(
            scratch / "u.xlsx",
            {
                "[Content_Types].xml": CONTENT_TYPES,
                "_rels/.rels": ROOT_RELS,
                "xl/workbook.xml": WORKBOOK,
                "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
                "xl/worksheets/sheet1.xml": _sheet(row_xml(1, UNITS_HEADER)).encode() + b"\xff\xfe",
            },
        ),
        "billion_laughs.xlsx": lambda: _xlsx_with_sheet(
            scratch / "l.xlsx",
            _sheet(
                row_xml(1, UNITS_HEADER) + row_xml(2, ("&lol9;", "x", "station", "window")),
                LAUGHS,
            ),
        ),
        "shared_string_out_of_range.xlsx": lambda: _xlsx_with_sheet(
            scratch / "s.xlsx",
            _sheet(
                row_xml(1, UNITS_HEADER)
                + '<row r="2"><c r="A2" t="s"><v>99999</v></c><c r="B2" t="s"><v>-1</v></c></row>'
            ),
        ),
        "bad_cell_refs.xlsx": lambda: _xlsx_with_sheet(
            scratch / "r.xlsx",
            _sheet(
                row_xml(1, UNITS_HEADER)
                + '<row r="2"><c r="ZZZZZZ2"><v>1</v></c><c r="!!"><v>2</v></c></row>'
            ),
        ),
        "bad_row_numbers.xlsx": lambda: _xlsx_with_sheet(
            scratch / "b.xlsx",
            _sheet(row_xml(1, UNITS_HEADER) + '<row r="abc"><c><v>1</v></c></row>'),
        ),
        "row_past_excel.xlsx": lambda: _xlsx_with_sheet(
            scratch / "p.xlsx",
            _sheet(row_xml(1, UNITS_HEADER) + row_xml(9_999_999, ("A", "b", "station", "window"))),
        ),
        "deep_nesting.xlsx": lambda: _xlsx_with_sheet(
            scratch / "x.xlsx", _sheet(row_xml(1, UNITS_HEADER) + "<a>" * 50_000 + "</a>" * 50_000)
        ),
        "number_cells_everywhere.xlsx": lambda: _xlsx_with_sheet(
            scratch / "m.xlsx",
            _sheet(
                row_xml(1, UNITS_HEADER)
                + '<row r="2"><c r="A2"><v>1e308</v></c><c r="B2"><v>NaN</v></c>'
                '<c r="C2"><v>-inf</v></c><c r="D2" t="d"><v>not a date</v></c></row>'
            ),
        ),
        "error_and_bool_cells.xlsx": lambda: _xlsx_with_sheet(
            scratch / "eb.xlsx",
            _sheet(
                row_xml(1, UNITS_HEADER)
                + '<row r="2"><c r="A2" t="e"><v>#REF!</v></c><c r="B2" t="b"><v>7</v></c>'
                '<c r="C2" t="b"><v>x</v></c></row>'
            ),
        ),
        "merge_storm.xlsx": lambda: _xlsx_with_sheet(
            scratch / "ms.xlsx",
            f'<worksheet xmlns="{NS}"><sheetData>{row_xml(1, UNITS_HEADER)}</sheetData>'
            "<mergeCells>"
            + "".join(f'<mergeCell ref="A{r}:D{r + 1}"/>' for r in range(2, 40_000))
            + "</mergeCells></worksheet>",
        ),
        "xls_magic_garbage.xls": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096),
    }
    paths = []
    for name, make in makers.items():
        path = folder / f"units_{name}"
        path.write_bytes(make())
        paths.append(path)
    return paths
