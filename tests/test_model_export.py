"""The export layer (queries/model/export.py): CSV injection, XLSX strings, atomic files."""

from __future__ import annotations

import csv
import errno
import io
import os
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hostile import ALL, FORMULAS, LINKS

from queries.model.export import (
    BOM,
    FORMULA_STARTS,
    csv_bytes,
    csv_rows_bytes,
    neutralise_frame,
    safe_text,
    workbook_bytes,
    write_bytes_atomic,
    write_csv,
    xlsx_bytes,
)


def _runs_as_formula(cell: str) -> bool:
    # what Excel/LibreOffice do with a CSV cell: a formula if it starts (after spaces) with
    # one of = + - @ (tab/CR count too) and is not a plain number
    s = cell.lstrip(" ")
    return bool(s) and s[0] in FORMULA_STARTS and safe_text(cell) != cell


def _csv_cells(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM) and data.count(BOM) == 1
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline="")))


def test_safe_text_cases() -> None:
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("+1") == "+1"  # a plain number stays a number
    assert safe_text("+A1") == "'+A1"
    assert safe_text("-3.5") == "-3.5" and safe_text("-12%") == "-12%"
    assert safe_text("-") == "'-"
    assert safe_text("@x") == "'@x"
    assert safe_text("\t=1") == "'\t=1" and safe_text("\r=1") == "'\r=1"
    assert safe_text("  =1+1") == "'  =1+1"
    assert safe_text("＝1+1") == "'＝1+1"
    # harmless text is untouched, including a formula character further in
    for text in ("", "城区分局", "a=b", "2026-03", "x-1", "B01-S03"):
        assert safe_text(text) == text


def test_csv_neutralises_text_and_leaves_numbers() -> None:
    frame = pl.DataFrame(
        {
            "单位": [*FORMULAS, "城区分局"],
            "得分": [-1.5, 2.0, None, 3.25, -0.0, 1e-3, 7.0, 8.0, -9.0],
            "n": [-1, 2, 3, 4, 5, 6, 7, 8, 9],
        }
    )
    rows = _csv_cells(csv_bytes(frame))
    assert rows[0] == ["单位", "得分", "n"]
    names = [r[0] for r in rows[1:]]
    assert names == ["'" + f for f in FORMULAS] + ["城区分局"]
    assert not any(_runs_as_formula(c) for c in names)
    # numbers are written as polars writes them: negative numbers keep their sign
    assert [r[1] for r in rows[1:]] == [
        "-1.5",
        "2.0",
        "",
        "3.25",
        "-0.0",
        "0.001",
        "7.0",
        "8.0",
        "-9.0",
    ]
    assert [r[2] for r in rows[1:]] == [str(i) for i in [-1, 2, 3, 4, 5, 6, 7, 8, 9]]


def test_categorical_and_enum_columns_are_neutralised() -> None:
    frame = pl.DataFrame({"c": ["=1", "ok"], "e": ["@x", "ok"]}).with_columns(
        pl.col("c").cast(pl.Categorical), pl.col("e").cast(pl.Enum(["@x", "ok"]))
    )
    out = neutralise_frame(frame)
    assert out["c"].to_list() == ["'=1", "ok"] and out["e"].to_list() == ["'@x", "ok"]


def test_csv_header_is_neutralised_too() -> None:
    rows = _csv_cells(csv_bytes(pl.DataFrame({"=h": ["x"]})))
    assert rows[0] == ["'=h"]


def test_csv_rows_neutralises_str_cells_only() -> None:
    data = csv_rows_bytes(["a", "b", "c"], [["=1+1", -4, None], ["-2", 0.5, "<5"]])
    assert _csv_cells(data) == [["a", "b", "c"], ["'=1+1", "-4", ""], ["-2", "0.5", "<5"]]
    assert data.endswith(b"\r\n")


def test_every_hostile_text_survives_a_round_trip_readably() -> None:
    frame = pl.DataFrame({"t": list(ALL)})
    back = [r[0] for r in _csv_cells(csv_bytes(frame))[1:]]
    # the text is all there; only a leading apostrophe may have been added
    assert [b.removeprefix("'") if b != a else b for a, b in zip(ALL, back, strict=True)] == list(
        ALL
    )
    assert not any(_runs_as_formula(c) for c in back)


def test_xlsx_strings_are_strings_no_formula_no_link() -> None:
    texts = [*FORMULAS, *LINKS]
    frame = pl.DataFrame({"名称": texts, "值": list(range(len(texts)))})
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, "x")))
    sheet = book.active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [
        t.replace("\r", "_x000D_") for t in texts
    ]  # how openpyxl reads a CR back
    assert all(c.data_type == "s" for c in cells), [c.data_type for c in cells]
    assert all(c.hyperlink is None for c in cells)
    assert not sheet._hyperlinks  # no link anywhere on the sheet
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == list(range(len(texts)))


def test_xlsx_sheet_name_cannot_start_with_a_quote() -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(pl.DataFrame({"a": [1]}), "'x")))
    assert book.active.title == "x"


def test_write_csv_to_a_path_and_a_stream(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": ["=x"]})
    write_csv(frame, tmp_path / "f.csv")
    buf = io.BytesIO()
    write_csv(frame, buf)
    assert (tmp_path / "f.csv").read_bytes() == buf.getvalue() == BOM + b"a\n'=x\n"


def test_atomic_write_replaces_a_symlink_and_never_follows_it(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious")
    link = tmp_path / "out.csv"
    link.symlink_to(outside)
    write_bytes_atomic(link, b"new")
    assert outside.read_bytes() == b"precious"
    assert not link.is_symlink() and link.read_bytes() == b"new"


def test_atomic_write_failure_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "index.html"
    target.write_bytes(b"old and whole")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_bytes_atomic(target, b"new" * 1000)
    assert target.read_bytes() == b"old and whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]  # no partial file left


def test_atomic_write_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        write_bytes_atomic(tmp_path, b"x")


def test_xlsx_cells_keep_their_types_and_text() -> None:
    from datetime import date, datetime

    frame = pl.DataFrame(
        {
            "文本": ["a<b&c>", "_x0041_", "tab\there", "bell\x07", "x" * 40_000, None],
            "整数": [1, -2, 3, None, 5, 6],
            "小数": [0.5, float("nan"), float("inf"), None, 1e20, -3.25],
            "日期": [date(2026, 3, 2), None, date(1900, 3, 1), None, None, None],
            "时间": [datetime(2026, 3, 2, 9, 30), None, None, None, None, None],
            "是否": [True, False, None, True, True, False],
        }
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, "x"))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["文本", "整数", "小数", "日期", "时间", "是否"]
    texts = [r[0] for r in rows[1:]]
    # markup as text; a control character as Excel's escape, and a literal _x0041_
    # with its underscore escaped (_x005F_), so that Excel shows it as itself: openpyxl
    # reads both back undecoded; Excel's 32,767 characters at most
    assert texts[:4] == ["a<b&c>", "_x005F_x0041_", "tab\there", "bell_x0007_"]
    assert texts[4] == "x" * 32_767 and texts[5] is None
    assert [r[1] for r in rows[1:]] == [1, -2, 3, None, 5, 6]
    assert [r[2] for r in rows[1:]] == [0.5, "#NUM!", "#NUM!", None, 1e20, -3.25]
    # dates: Excel serial numbers with a date format, read back as date-times
    assert rows[1][3] == datetime(2026, 3, 2) and rows[3][3] == datetime(1900, 3, 1)
    assert rows[1][4] == datetime(2026, 3, 2, 9, 30)
    assert sheet["D2"].number_format == "yyyy-mm-dd"
    assert [r[5] for r in rows[1:]] == [True, False, None, True, True, False]


def test_xlsx_reports_its_progress_by_chunks_of_rows() -> None:
    from queries.model.xlsx import CHUNK_ROWS

    frame = pl.DataFrame({"n": range(2 * CHUNK_ROWS + 10_000)})
    shares: list[float] = []
    data = xlsx_bytes(frame, "x", progress=shares.append)
    # 25,000 + 25,000 + 10,000 rows of 60,000
    assert shares == [25_000 / 60_000, 50_000 / 60_000, 1.0]
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    assert sheet.max_row == 60_001


def test_a_workbook_cover_and_sheets_values_only_names_valid() -> None:
    """Issue 21, one workbook: a cover, then a sheet per table; sheet names valid in
    Excel (<= 31 characters, none of []:*?/\\, distinct); no formula, no link."""
    texts = [*FORMULAS, *LINKS]
    tables = [
        ("排名: 2026/Q1 [分局]", pl.DataFrame({"单位": texts})),
        ("排名: 2026/Q1 [分局]", pl.DataFrame({"n": [1, 2]})),
        ("x" * 40, pl.DataFrame({"a": [1.5]})),
    ]
    data = workbook_bytes("封面", [("页面", "总览"), ("下载人", "=cmd@x.cn")], tables)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["封面", "排名_ 2026_Q1 _分局_", "排名_ 2026_Q1 _分局_ (2)", "x" * 31]
    assert [[c.value for c in r] for r in book["封面"].iter_rows()] == [
        ["页面", "总览"],
        ["下载人", "=cmd@x.cn"],
    ]
    for sheet in book.worksheets:
        assert not sheet._hyperlinks
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row)
    first = [r[0].value for r in book.worksheets[1].iter_rows(min_row=2)]
    assert first == [t.replace("\r", "_x000D_") for t in texts]
