"""The importer reading files: encodings, workbooks, the real Detroit records, rows
longer than the header, chunk boundaries, progress, mixed encodings."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from conftest import REAL_RECORDS
from import_helpers import FEEDBACK_HEADER, UNITS, logs, table, write

import queries.importing.run as importer
from queries.importing.read import ROW, open_record_file
from queries.importing.run import (
    UnusableFileError,
    import_files,
)

# rejected-row files under a per-test data folder (conftest.py)
pytestmark = pytest.mark.usefixtures("data_folder")


def test_gb18030_and_bom_files_are_read(engine: sa.Engine, tmp_path: Path) -> None:
    text = (
        UNITS.replace("城关派出所", "城关派出所（东）") + "PCS2,西关派出所,,FJ1,派出所,窗口服务\n"
    )
    gb = write(tmp_path / "units.csv", text, "gb18030")
    with pytest.raises(UnicodeDecodeError):
        gb.read_bytes().decode("utf-8")  # the file really is not UTF-8
    [result] = import_files(engine, [gb], progress=False)
    assert result.rows_rejected == 0
    got = table(engine, "units").select("unit_id", "name", "level", "kind")
    assert got.filter(pl.col("unit_id").str.starts_with("PCS")).rows() == [
        ("PCS1", "城关派出所（东）", "station", "window"),
        ("PCS2", "西关派出所", "station", "window"),
    ]
    bom = write(tmp_path / "units_bom.csv", "\ufeff" + UNITS.replace("市局,", "市公安局,", 1))
    [result] = import_files(engine, [bom], kind="units", progress=False)
    assert result.rows_rejected == 0
    assert table(engine, "units").filter(pl.col("unit_id") == "SJ")["name"][0] == "市公安局"


def test_xlsx_is_read(engine: sa.Engine, tmp_path: Path, units_csv: Path) -> None:
    import xlsxwriter

    path = tmp_path / "feedback.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(
        0, 0, ["case_id", "unit_id", "kind", "channel", "received_at", "closed_at", "phone"]
    )
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_number(1, 0, 67127)  # a numeric id
    sheet.write_row(1, 1, ["PCS1", "投诉", "hotline"])
    sheet.write_datetime(1, 4, datetime(2026, 3, 2, 14, 5), stamp)
    sheet.write_string(1, 5, "2026/3/9")
    sheet.write_string(1, 6, "13800000000")
    # row 3 left blank: row numbers still count it
    sheet.write_row(3, 0, ["67128", "PCS1", "complaint", "pigeon", "2026-03-02"])
    book.close()
    results = import_files(engine, [units_csv, path], progress=False)
    fb = results[1]
    assert (fb.rows_read, fb.rows_accepted) == (2, 1)
    assert fb.rejects.select("row", "column").rows() == [(4, "channel")]
    got = table(engine, "feedback").select("case_id", "kind", "received_at", "closed_at").rows()
    assert got == [("67127", "complaint", datetime(2026, 3, 2, 14, 5), datetime(2026, 3, 9))]


def test_real_detroit_complaints_import_as_a_user_expects(engine: sa.Engine) -> None:
    results = import_files(
        engine, [REAL_RECORDS / "feedback.csv", REAL_RECORDS / "units.csv"], progress=False
    )
    units, feedback = results
    assert (units.rows_read, units.rows_accepted, units.rows_rejected) == (132, 132, 0)
    # 4,482 complaints (README); 75 closed before received + 1 closed in 3019
    # + 5 with channel Unknown = 81 rejected; 4,482 - 81 = 4,401 kept
    assert (feedback.rows_read, feedback.rows_accepted, feedback.rows_rejected) == (4482, 4401, 81)
    by_kind = feedback.rejects.with_columns(
        pl.when(pl.col("reason").str.contains("is before received_at"))
        .then(pl.lit("closed before received"))
        .when(pl.col("reason").str.contains("implausible"))
        .then(pl.lit("year out of range"))
        .when(pl.col("reason").str.contains("channel 'Unknown'"))
        .then(pl.lit("unknown channel"))
        .alias("what")
    )
    counts = dict(by_kind.group_by("what").len().rows())
    assert counts == {"closed before received": 75, "year out of range": 1, "unknown channel": 5}
    assert by_kind.filter(pl.col("what") == "year out of range")["reason"][0].count("3019") == 1
    assert table(engine, "feedback").height == 4401
    assert table(engine, "units").height == 132


def test_a_row_longer_than_the_header_is_rejected_alone(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    """spec "Files as offices export them": a longer row is an error for that row only
    (it used to make the whole file unusable)."""
    feedback = write(
        tmp_path / "feedback.csv",
        FEEDBACK_HEADER + "\n"
        "C1,PCS1,complaint,hotline,2026-03-02,,,,,,,,,\n"
        "C2,PCS1,complaint,hotline,2026-03-02,,,,,,,,,,,,surplus\n"
        "C3,PCS1,complaint,hotline,2026-03-03,,,,,,,,,\n",
    )
    _, fb = import_files(engine, [units_csv, feedback], progress=False)
    assert table(engine, "feedback")["case_id"].to_list() == ["C1", "C3"]
    # 14 header fields; the row has 14 + 3 = 17
    assert fb.rejects.rows() == [
        (
            3,
            "",
            "字段多于表头 / the row has 17 fields but the header has 14: a value holds an "
            "unquoted comma, or cells are shifted",
        )
    ]
    assert fb.reject_rows["key"].to_list() == ["C2"]
    assert logs(engine) == [("units", 3, 3, 0, "committed"), ("feedback", 3, 2, 1, "committed")]


def test_chunks_cut_between_records_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Small chunks: quoted newlines and GB18030 text met late keep rows and numbers right."""
    lines = ["unit_id,name,name_en,parent_id,level,kind"]
    for i in range(40):
        name = f'"第{i}所\n(二楼)"' if i % 7 == 3 else f"U{i}"  # multi-line quoted cells
        lines.append(f"U{i},{name},,,station,window")
    path = write(tmp_path / "units.csv", "\n".join(lines) + "\n", "gb18030")
    # the first 1 MB read at opening decides nothing here: 40 rows are all in it,
    # so read in 64-byte chunks to force cuts everywhere
    rf = open_record_file(path, "units")
    frames = [b.frame for b in rf.batches(chunk_bytes=64)]
    assert len(frames) > 10
    got = pl.concat(frames)
    assert got[ROW].to_list() == list(range(2, 42))
    assert got["unit_id"].to_list() == [f"U{i}" for i in range(40)]
    assert got["name"][3] == "第3所\n(二楼)"
    assert rf.encoding == "gb18030"
    assert rf.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_progress_bar_on_stderr(
    engine: sa.Engine, units_csv: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]

    monkeypatch.setattr(importer, "PROGRESS_MIN_BYTES", 0)
    [result] = import_files(engine, [units_csv], progress=True)
    assert result.rows_accepted == 3
    assert capsys.readouterr().out == ""  # stdout stays clean for data


def test_mixed_encodings_make_the_file_unusable(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    """UTF-8 for the first megabyte (which decides), GB18030 further on."""
    rows = "".join(f"U{i},第{i}所,,station,window\n" for i in range(60_000))
    utf8 = ("unit_id,name,parent_id,level,kind\n" + rows).encode()
    assert len(utf8) > 1024 * 1024
    path = tmp_path / "units.csv"
    path.write_bytes(utf8 + "B,乙所,,station,window\n".encode("gb18030"))
    with pytest.raises(UnusableFileError, match="invalid UTF-8 after the start"):
        import_files(engine, [path], progress=False)
    assert table(engine, "units").is_empty()
    assert logs(engine) == [("units", 0, 0, 0, "failed")]
