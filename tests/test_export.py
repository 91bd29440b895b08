"""Downloads: CSV with a UTF-8 BOM and XLSX, of exactly the frame given."""

from __future__ import annotations

import io

import openpyxl
import polars as pl

from dashboard.export import BOM, file_name, to_csv_bytes, to_xlsx_bytes

SHOWN = pl.DataFrame(
    {
        "单位": ["白沙分局", "城关分局"],
        "综合得分": [77.5, None],
        "说明": ["", "不完整：满意 无得分，不参与排名"],
    }
)


def test_csv_is_utf8_with_a_bom_and_chinese_headers() -> None:
    data = to_csv_bytes(SHOWN)
    assert data.startswith(BOM)
    text = data[len(BOM) :].decode("utf-8")
    # an empty text is quoted (""), a missing number is an empty cell
    expected = '单位,综合得分,说明\n白沙分局,77.5,""\n城关分局,,不完整：满意 无得分，不参与排名\n'
    assert text == expected
    # the BOM once, not twice
    assert data.count(BOM) == 1


def test_csv_reads_back_to_the_same_frame() -> None:
    back = pl.read_csv(io.BytesIO(to_csv_bytes(SHOWN)), encoding="utf8")
    assert back.columns == SHOWN.columns
    assert back["单位"].to_list() == ["白沙分局", "城关分局"]
    assert back["综合得分"].to_list() == [77.5, None]


def test_xlsx_holds_the_same_cells() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(SHOWN, "ranking")))
    sheet = book.active
    assert sheet.title == "ranking"
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows == [
        ["单位", "综合得分", "说明"],
        ["白沙分局", 77.5, None],
        ["城关分局", None, "不完整：满意 无得分，不参与排名"],
    ]


def test_xlsx_sheet_names_are_made_legal() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(SHOWN, "a/b:c*" + "x" * 40)))
    assert book.active.title == "a_b_c_" + "x" * 25  # 31 characters at most


def test_file_names_carry_the_period_and_the_unit() -> None:
    assert file_name("ranking", "2026-Q1", "HQ", "csv") == "ranking_2026-Q1_HQ.csv"
    assert (
        file_name("records_R_ONTIME", "2026-03-01..2026-03-20", "B01-S03", "xlsx")
        == "records_R_ONTIME_2026-03-01_2026-03-20_B01-S03.xlsx"
    )
    assert file_name("import_log", "2026", None, "csv") == "import_log_2026.csv"
    assert file_name("x", "2026", "a/b c", "csv") == "x_2026_a-b-c.csv"


def test_downloads_neutralise_hostile_cells_and_keep_links_dead() -> None:
    # the dashboard's record tables carry titles, findings, case ids and unit names
    shown = pl.DataFrame(
        {
            "标题": ['=HYPERLINK("http://evil.example","x")', "external:\\\\host\\share"],
            "编号": ["@SUM(1)", "-1+1"],
            "天数": [-3, 4],
        }
    )
    text = to_csv_bytes(shown)[len(BOM) :].decode("utf-8")
    assert text.splitlines() == [
        "标题,编号,天数",
        '"\'=HYPERLINK(""http://evil.example"",""x"")",\'@SUM(1),-3',
        "external:\\\\host\\share,'-1+1,4",
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(shown, "records"))).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert [c.value for c in cells] == [
        '=HYPERLINK("http://evil.example","x")',
        "@SUM(1)",
        -3,
        "external:\\\\host\\share",
        "-1+1",
        4,
    ]
    assert [c.data_type for c in cells] == ["s", "s", "n", "s", "s", "n"]
    assert all(c.hyperlink is None for c in cells)


def _large_table_page() -> None:
    """A page with one table of 60 rows, its XLSX made behind a button above 10 rows."""
    import polars as pl
    import sqlalchemy as sa

    from dashboard.downloads import Asker, Needs
    from dashboard.export import download_buttons
    from queries.access.audit import Where
    from queries.model.tree import Tree

    frame = pl.DataFrame({"编号": [f"C{i}" for i in range(60)], "天数": list(range(60))})
    tree = Tree.from_units(pl.DataFrame({"unit_id": ["A"], "parent_id": [None]}))
    who = Asker(None, sa.create_engine("sqlite://"), Where(page="t"), tree, "en")
    download_buttons(
        frame, stem="records", period="2026", unit=None, lang="en", key="t",
        who=who, needs=Needs(), prepare_above=10,
    )  # fmt: skip


def test_a_large_tables_xlsx_is_made_behind_a_button_with_progress() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_large_table_page, default_timeout=60)
    at.run()
    assert not at.exception
    # the CSV at once; the Excel file first made, its rows counted on a progress bar
    assert [b.label for b in at.button] == ["Make the Excel file (60 rows)"]
    assert len(at.get("download_button")) == 1
    at.button[0].click().run()
    assert not at.exception
    assert len(at.get("download_button")) == 2
    _, data = at.session_state["t_xlsx_made"]
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0] == ("编号", "天数") and rows[60] == ("C59", 59) and len(rows) == 61
    # the next run keeps the file made for this table: the button is not asked again
    at.run()
    assert [b.label for b in at.button] == [] and len(at.get("download_button")) == 2
