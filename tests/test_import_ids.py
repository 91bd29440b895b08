"""Keys and ids (docs/spec/records.md, "keys and ids"): invisible characters removed as
spaces are, and ids Excel has already destroyed rejected with a reason saying so; every
id column, both databases."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest
import sqlalchemy as sa
from import_helpers import FEEDBACK_HEADER, table, write

from queries.importing.run import import_files
from queries.model.schema import import_reject

pytestmark = pytest.mark.usefixtures("data_folder")

UNITS = "unit_id,name,parent_id,level,kind\nSJ,市局,,bureau,management\n"


def _rejects(engine: sa.Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        q = sa.select(
            import_reject.c.row_number, import_reject.c.column_name, import_reject.c.reason
        )
        return [tuple(r) for r in conn.execute(q.order_by(import_reject.c.row_number))]


def test_invisible_characters_are_removed_from_every_id(engine: sa.Engine, tmp_path: Path) -> None:
    # a zero-width space, a BOM, U+001F, a zero-width joiner, a direction mark: each an id's
    units = write(
        tmp_path / "units.csv",
        UNITS + "\u200bA1,一所,SJ\ufeff,station,window\n" + "A2\x1f,二所,\u200eSJ,station,window\n",
    )
    fb = write(
        tmp_path / "feedback.csv",
        FEEDBACK_HEADER
        + "\n"
        + "\ufeffF1,\u200bA1,complaint,hotline,2026-03-02,,,,,,,,,\n"
        + "F2\u200d,A2\x1f,complaint,hotline,2026-03-03,,,,,,,,,\u2060F1\n"
        # not an id: the invisible character stays, and the reason shows it escaped
        + "F3,A1,complaint\u200b,hotline,2026-03-04,,,,,,,,,\n",
    )
    u, f = import_files(engine, [units, fb], progress=False)
    assert (u.rows_rejected, f.rows_rejected) == (0, 1)
    assert table(engine, "units").select("unit_id", "parent_id").rows() == [
        ("A1", "SJ"),
        ("A2", "SJ"),
        ("SJ", None),
    ]
    assert table(engine, "feedback").select("case_id", "unit_id", "repeat_of").rows() == [
        ("F1", "A1", None),
        ("F2", "A2", "F1"),
    ]
    [(row, column, reason)] = _rejects(engine)
    assert (row, column) == (4, "kind")
    assert "'complaint\\u200b' is not one of" in reason


SCIENTIFIC = [
    # row 2, 3: the same case number, as Excel saved it twice: both rejected, none stored
    "1.10101E+17,A1,complaint,hotline,2026-03-02,,,,,,,,,",
    "1.10101E+17,A1,complaint,hotline,2026-03-03,,,,,,,,,",
    # row 4: the unit; row 5: the earlier case
    "F4,1.2E+5,complaint,hotline,2026-03-04,,,,,,,,,",
    "F5,A1,complaint,hotline,2026-03-05,,,,,,,,,1.10101e17",
    # row 6: sound
    "F6,A1,complaint,hotline,2026-03-06,,,,,,,,,",
]


def test_an_id_in_scientific_notation_is_rejected_saying_what_excel_did(
    engine: sa.Engine, tmp_path: Path
) -> None:
    units = write(tmp_path / "units.csv", UNITS + "A1,一所,SJ,station,window\n")
    fb = write(tmp_path / "feedback.csv", FEEDBACK_HEADER + "\n" + "\n".join(SCIENTIFIC) + "\n")
    _, f = import_files(engine, [units, fb], progress=False)
    assert f.reject_rows.select("row", "columns").rows() == [
        (2, "case_id"),
        (3, "case_id"),
        (4, "unit_id"),
        (5, "repeat_of"),
    ]
    for reason in f.reject_rows["reasons"]:
        assert "科学计数法" in reason and "scientific notation" in reason
        assert "文本" in reason and "format the id column as Text" in reason
    assert table(engine, "feedback")["case_id"].to_list() == ["F6"]

    # the clerk exports the ids as text and imports again: no phantom case stays
    fixed = write(
        tmp_path / "fixed_feedback.csv",
        FEEDBACK_HEADER
        + "\n"
        + "110101202603020001,A1,complaint,hotline,2026-03-02,,,,,,,,,\n"
        + "110101202603020002,A1,complaint,hotline,2026-03-03,,,,,,,,,110101202603020001\n",
    )
    [again] = import_files(engine, [fixed], progress=False)
    assert again.rows_rejected == 0
    assert table(engine, "feedback")["case_id"].to_list() == [
        "110101202603020001",
        "110101202603020002",
        "F6",
    ]


def test_a_number_cell_of_more_than_15_digits_is_rejected_in_an_id_column(
    engine: sa.Engine, tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["case_id", "unit_id", "kind", "channel", "received_at", "repeat_of"])
    # Excel keeps 15 significant digits: 110101202603021234 is stored 1.10101202603021E+17
    ws.append([1.10101202603021e17, "A1", "complaint", "hotline", "2026-03-02"])
    # openpyxl writes 1.101012026030212e+17 (16 digits): shown as Excel shows it, 15 kept
    ws.append([110101202603021234, "A1", "complaint", "hotline", "2026-03-02"])
    ws.append([123456789012345, "A1", "complaint", "hotline", "2026-03-03"])  # 15: kept
    ws.append(["F4", "A1", "complaint", "hotline", "2026-03-04", 1234567890123456])  # 16
    path = tmp_path / "feedback.xlsx"
    wb.save(path)
    units = write(tmp_path / "units.csv", UNITS + "A1,一所,SJ,station,window\n")
    _, f = import_files(engine, [units, path], progress=False)
    assert f.reject_rows.select("row", "columns").rows() == [
        (2, "case_id"),
        (3, "case_id"),
        (5, "repeat_of"),
    ]
    reasons = f.reject_rows["reasons"].to_list()
    assert "number cell of 18 digits (110101202603021000)" in reasons[0]
    assert "number cell of 18 digits (110101202603021000)" in reasons[1]
    assert "number cell of 16 digits (1234567890123456)" in reasons[2]
    for reason in reasons:
        assert "15 位" in reason and "Excel keeps 15 significant digits" in reason
        assert "format the id column as Text" in reason
    assert table(engine, "feedback")["case_id"].to_list() == ["123456789012345"]
    # the rejects file keeps what the cell shows, so the clerk sees which case it was
    assert f.reject_rows.filter(pl.col("row") == 2)["key"].to_list() == ["110101202603021000"]


def test_the_command_shows_a_rejected_key_with_its_invisible_characters_escaped(
    db_url: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from openness.cli import app

    units = write(tmp_path / "units.csv", UNITS + "A1,一所,SJ,station,window\n")
    fb = write(
        tmp_path / "feedback.csv",
        FEEDBACK_HEADER + "\n\u200bF9,A1,pigeon,hotline,2026-03-02,,,,,,,,,\n",
    )
    result = CliRunner().invoke(app, ["import", str(units), str(fb), "--db", db_url])
    assert result.exit_code == 1
    assert "row 2 (\\u200bF9), kind" in result.stderr
    assert "\u200b" not in result.stderr
