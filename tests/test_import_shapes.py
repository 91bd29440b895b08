"""Files as offices export them (docs/spec/records.md): every way a table sits in a sheet,
every line ending, every position of a malformed row, the new value spellings; both databases.

Inputs are built here: workbooks with openpyxl (.xlsx) and xlwt (.xls), CSVs byte by byte.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
import xlwt

from queries.importing.run import UnusableFileError, import_files
from queries.model.schema import RECORD_TABLES, import_log

UNITS = (
    b"unit_id,name,parent_id,level,kind\nSJ,City,,bureau,management\nA1,Station,SJ,station,window\n"
)
HEADER = ["case_id", "unit_id", "kind", "channel", "received_at", "closed_at", "phone"]


# rejected-row files under a per-test data folder (conftest.py)
pytestmark = pytest.mark.usefixtures("data_folder")


@pytest.fixture
def units_csv(tmp_path: Path) -> Path:
    path = tmp_path / "units.csv"
    path.write_bytes(UNITS)
    return path


def feedback(engine: sa.Engine) -> list[tuple[object, ...]]:
    t = RECORD_TABLES["feedback"]
    with engine.connect() as conn:
        q = sa.select(t.c.case_id, t.c.received_at, t.c.closed_at).order_by(t.c.case_id)
        return [tuple(r) for r in conn.execute(q)]


# -- CSV -----------------------------------------------------------------------------


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"], ids=["LF", "CRLF", "CR"])
@pytest.mark.parametrize("last_end", [True, False], ids=["ended", "unended"])
def test_every_line_ending_reads_the_same(
    engine: sa.Engine, tmp_path: Path, units_csv: Path, end: bytes, last_end: bool
) -> None:
    lines = [
        b"case_id,unit_id,kind,channel,received_at,closed_at",
        b"F1,A1,complaint,hotline,2026-03-02 09:00,2026-03-03 09:00",
        b"",  # a blank line: skipped, but counted (F3 is row 4)
        b"F3,A1,complaint,hotline,2026-03-04,bad",
    ]
    path = tmp_path / "feedback.csv"
    path.write_bytes(end.join(lines) + (end if last_end else b""))
    _, fb = import_files(engine, [units_csv, path], progress=False)
    assert feedback(engine) == [("F1", datetime(2026, 3, 2, 9), datetime(2026, 3, 3, 9))]
    assert fb.rejects.select("row", "column").rows() == [(4, "closed_at")]
    assert fb.rows_read == 2


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_stray_quote_rejects_its_line_alone_wherever_it_is(
    engine: sa.Engine, tmp_path: Path, units_csv: Path, where: str
) -> None:
    good = [f"F{i},A1,complaint,hotline,2026-03-02,,张三" for i in range(1, 6)]
    stray = 'X1,A1,complaint,"hot"line,2026-03-02,,李四'
    at = {"first": 0, "middle": 2, "last": 5}[where]
    rows = [*good[:at], stray, *good[at:]]
    path = tmp_path / "feedback.csv"
    path.write_bytes(("\n".join([",".join(HEADER), *rows]) + "\n").encode())
    _, fb = import_files(engine, [units_csv, path], progress=False)
    assert [r[0] for r in feedback(engine)] == [f"F{i}" for i in range(1, 6)]
    assert fb.rejects["row"].to_list() == [at + 2]
    assert fb.reject_rows["key"].to_list() == ["X1"]
    # the reason never quotes the line (it holds a personal column)
    assert "李四" not in fb.rejects["reason"][0]


def test_an_unpaired_quote_does_not_swallow_the_lines_after_it(
    engine: sa.Engine, tmp_path: Path, units_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An opening quote never closed: its line is rejected, every later line is read,
    with small chunks so that the quote also crosses chunk boundaries."""
    rows = [f"F{i:02d},A1,complaint,hotline,2026-03-02,," for i in range(1, 40)]
    rows[9] = 'F10,A1,complaint,"hotline,2026-03-02,,'
    path = tmp_path / "feedback.csv"
    path.write_bytes(("\n".join([",".join(HEADER), *rows]) + "\n").encode())
    import queries.importing.read as read

    monkeypatch.setattr(read, "CHUNK_BYTES", 256)
    _, fb = import_files(engine, [units_csv, path], progress=False)
    assert len(feedback(engine)) == 38
    assert fb.rejects["row"].to_list() == [11]  # header 1, F01 row 2, F10 row 11


def test_short_rows_anywhere_are_padded_long_rows_rejected(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    path = tmp_path / "feedback.csv"
    path.write_bytes(
        b"case_id,unit_id,kind,channel,received_at,closed_at,repeat_of\n"
        b"F1,A1,complaint,hotline,2026-03-02\n"  # 5 of 7 fields
        b"F2,A1,complaint,hotline,2026-03-02,2026-03-04,F1\n"
        b"F3,A1,complaint,hotline,2026-03-02,,,extra\n"  # 8 of 7
        b"F4,A1,complaint,hotline,2026-03-05,2026-03-06\n"
    )
    _, fb = import_files(engine, [units_csv, path], progress=False)
    assert [r[0] for r in feedback(engine)] == ["F1", "F2", "F4"]
    assert fb.rejects["row"].to_list() == [4]
    assert "8 fields but the header has 7" in fb.rejects["reason"][0]


def test_multi_line_cells_keep_row_numbers_as_a_spreadsheet_shows_them(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    path = tmp_path / "feedback.csv"
    path.write_bytes(
        b"case_id,unit_id,kind,channel,received_at,closed_at,phone\n"
        b'F1,A1,complaint,hotline,2026-03-02,,"two\nlines"\n'
        b"F2,A1,complaint,hotline,2026-03-02,bad,\n"
    )
    _, fb = import_files(engine, [units_csv, path], progress=False)
    assert fb.rejects.select("row", "column").rows() == [(3, "closed_at")]


# -- values ---------------------------------------------------------------------------


def test_date_spellings_full_width_and_ticks(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    path = tmp_path / "feedback.csv"
    path.write_text(
        "case_id,unit_id,kind,channel,received_at,closed_at,reasoned_reply,return_visit_at,resolved\n"
        "F1,A1,complaint,hotline,2026年3月2日,2026.3.4,√,2026年3月5日 14:05,✓\n"
        "F2,A1,complaint,hotline,２０２６－０３－０２ １４：０５,2026/3/4,×,,\n"
        "F3,A1,complaint,hotline,2026-03-02,,✗,,\n",
        encoding="utf-8",
    )
    _, fb = import_files(engine, [units_csv, path], progress=False)
    assert fb.rows_rejected == 0, fb.rejects.rows()
    t = RECORD_TABLES["feedback"]
    with engine.connect() as conn:
        got = conn.execute(
            sa.select(
                t.c.received_at,
                t.c.closed_at,
                t.c.reasoned_reply,
                t.c.return_visit_at,
                t.c.resolved,
            ).order_by(t.c.case_id)
        ).all()
    assert [tuple(r) for r in got] == [
        (datetime(2026, 3, 2), datetime(2026, 3, 4), True, datetime(2026, 3, 5, 14, 5), True),
        (datetime(2026, 3, 2, 14, 5), datetime(2026, 3, 4), False, None, None),
        (datetime(2026, 3, 2), None, False, None, None),
    ]


def test_labels_of_the_settings_map_source_labels(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    from queries.model.settings import load_settings

    settings = load_settings(
        Path(__file__).resolve().parent.parent / "docs/examples/hotline-12345.toml"
    )
    path = tmp_path / "feedback.csv"
    path.write_text(
        "case_id,unit_id,kind,channel,received_at,return_visit_at,resolved,satisfaction\n"
        "F1,A1,complaint,hotline,2026-03-02,2026-03-05,已解决,非常满意\n"
        "F2,A1,complaint,hotline,2026-03-02,2026-03-05,未解决,非常不满意\n"
        "F3,A1,complaint,hotline,2026-03-02,2026-03-05,是,满意\n"
        "F4,A1,complaint,hotline,2026-03-02,2026-03-05,,很难说\n",
        encoding="utf-8",
    )
    _, fb = import_files(engine, [units_csv, path], progress=False, labels=settings.labels)
    t = RECORD_TABLES["feedback"]
    with engine.connect() as conn:
        got = conn.execute(
            sa.select(t.c.case_id, t.c.resolved, t.c.satisfaction).order_by(t.c.case_id)
        ).all()
    assert [tuple(r) for r in got] == [
        ("F1", True, "satisfied"),
        ("F2", False, "dissatisfied"),
        ("F3", True, "satisfied"),
    ]
    assert fb.rejects.select("row", "column").rows() == [(5, "satisfaction")]


# -- workbooks ------------------------------------------------------------------------


def _xlsx(path: Path, build) -> Path:  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook()
    build(wb)
    wb.save(path)
    return path


def test_xlsx_titles_above_a_table_in_column_c_hidden_sheet_merged_dates_errors(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    def build(wb: openpyxl.Workbook) -> None:
        hidden = wb.active
        hidden.title = "旧表"
        hidden.append(HEADER)  # a fitting header, but hidden: never read
        hidden.append(["H1", "A1", "complaint", "hotline", "2026-01-01"])
        hidden.sheet_state = "hidden"
        ws = wb.create_sheet("台账")
        ws["C1"] = "2026年3月 投诉建议台账"  # title row
        ws["C2"] = "单位：城关派出所"  # note row
        for j, name in enumerate(HEADER[:6]):
            ws.cell(row=4, column=3 + j, value=name)
        ws.cell(row=5, column=3, value="F1")
        ws.cell(row=5, column=4, value="A1")  # merged C..: unit A1 for rows 5-7
        ws.merge_cells(start_row=5, start_column=4, end_row=7, end_column=4)
        for r, case in ((5, "F1"), (6, "F2"), (7, "F3")):
            ws.cell(row=r, column=3, value=case)
            ws.cell(row=r, column=5, value="complaint")
            ws.cell(row=r, column=6, value="hotline")
            cell = ws.cell(row=r, column=7, value=datetime(2026, 3, 2, 9, 30))
            cell.number_format = "yyyy-mm-dd"  # the time is hidden: the date is what shows
        ws.cell(
            row=6, column=8, value=datetime(2026, 3, 3, 10, 0)
        ).number_format = "yyyy-mm-dd hh:mm"
        ws.cell(row=7, column=8, value="#DIV/0!").data_type = "e"

    path = _xlsx(tmp_path / "feedback.xlsx", build)
    _, fb = import_files(engine, [units_csv, path], progress=False)
    assert (fb.sheet, fb.rows_above) == ("台账", 2)
    assert feedback(engine) == [
        ("F1", datetime(2026, 3, 2), None),
        ("F2", datetime(2026, 3, 2), datetime(2026, 3, 3, 10)),
    ]
    # the error cell rejects its row, named by the sheet's own row number
    assert fb.rejects.select("row", "column").rows() == [(7, "closed_at")]
    assert "#DIV/0!" in fb.rejects["reason"][0]
    assert fb.reject_rows["key"].to_list() == ["F3"]


def test_xlsx_sheet_named_after_the_kind_is_chosen(engine: sa.Engine, tmp_path: Path) -> None:
    def build(wb: openpyxl.Workbook) -> None:
        other = wb.active
        other.title = "说明"
        other.append(["unit_id", "name", "level", "kind"])  # fits, but the named sheet wins
        other.append(["X", "x", "station", "window"])
        ws = wb.create_sheet("单位")
        ws.append(["unit_id", "name", "level", "kind"])
        ws.append(["A1", "Station", "station", "window"])

    [units] = import_files(engine, [_xlsx(tmp_path / "units.xlsx", build)], progress=False)
    assert units.sheet == "单位" and units.rows_accepted == 1


def test_xlsx_without_the_table_names_the_sheets_tried(engine: sa.Engine, tmp_path: Path) -> None:
    def build(wb: openpyxl.Workbook) -> None:
        wb.active.title = "Sheet1"
        wb.active.append(["a", "b"])

    path = _xlsx(tmp_path / "units.xlsx", build)
    with pytest.raises(UnusableFileError, match=r"first 20 of sheet\(s\) 'Sheet1'"):
        import_files(engine, [path], progress=False)
    with engine.connect() as conn:
        assert (
            conn.execute(sa.select(import_log.c.status, import_log.c.message)).one()[0] == "failed"
        )


def test_xls_titles_merged_hidden_dates_errors(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    wb = xlwt.Workbook()
    hidden = wb.add_sheet("hidden")
    for j, name in enumerate(HEADER):
        hidden.write(0, j, name)
    hidden.visibility = 1  # hidden
    ws = wb.add_sheet("投诉建议")
    ws.write(0, 1, "标题")
    for j, name in enumerate(HEADER[:6]):
        ws.write(2, 1 + j, name)
    date_only = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    ws.write(3, 1, "F1")
    ws.write_merge(3, 4, 2, 2, "A1")  # unit merged over rows 4-5
    ws.write(4, 1, "F2")
    for r in (3, 4):
        ws.write(r, 3, "complaint")
        ws.write(r, 4, "hotline")
        ws.write(r, 5, datetime(2026, 3, 2, 9, 30), date_only)
    ws.write(4, 6, xlwt.Formula("1/0"))  # no cached value: read as empty by xlrd
    for j, value in enumerate(["F3", "A1", "complaint", "hotline", "2026-03-02"]):
        ws.write(5, 1 + j, value)
    ws.row(5).set_cell_error(6, "#DIV/0!")  # an error cell: its row is rejected
    path = tmp_path / "feedback.xls"
    wb.save(str(path))
    _, fb = import_files(engine, [units_csv, path], progress=False)
    assert (fb.sheet, fb.rows_above) == ("投诉建议", 1)
    assert feedback(engine) == [
        ("F1", datetime(2026, 3, 2), None),
        ("F2", datetime(2026, 3, 2), None),
    ]
    assert fb.rejects.select("row", "column").rows() == [(6, "closed_at")]
    assert "#DIV/0!" in fb.rejects["reason"][0]


def test_an_html_page_saved_as_xls_is_unusable(engine: sa.Engine, tmp_path: Path) -> None:
    path = tmp_path / "units.xls"
    path.write_bytes(b"<html><body><table><tr><td>unit_id</td></tr></table></body></html>")
    with pytest.raises(UnusableFileError, match="HTML"):
        import_files(engine, [path], progress=False)


def test_a_workbook_over_the_memory_limit_is_refused_saying_the_limit(
    engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import queries.importing.sheets as sheets

    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        ws.append(["unit_id", "name", "level", "kind"])
        for i in range(2000):
            ws.append([f"U{i}", f"名称{i}" * 5, "station", "window"])

    path = _xlsx(tmp_path / "units.xlsx", build)
    monkeypatch.setattr(sheets, "XLSX_MAX_WHOLE_PARTS_BYTES", 2**10)
    with pytest.raises(UnusableFileError, match=r"over the limit of 0\.000976562 MB"):
        import_files(engine, [path], progress=False)


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"], ids=["LF", "CRLF", "CR"])
def test_a_blank_line_right_after_the_header_is_skipped(
    engine: sa.Engine, tmp_path: Path, units_csv: Path, end: bytes
) -> None:
    path = tmp_path / "feedback.csv"
    path.write_bytes(
        end.join(
            [
                b"case_id,unit_id,kind,channel,received_at",
                b"",
                b"F1,A1,complaint,hotline,2026-03-02",
                b"F2,A1,complaint,hotline,",
                b"",
            ]
        )
    )
    _, fb = import_files(engine, [units_csv, path], progress=False)
    assert [r[0] for r in feedback(engine)] == ["F1"]
    # header 1, blank 2, F1 3, F2 4
    assert fb.rejects.select("row", "column").rows() == [(4, "received_at")]


def test_import_config_applies_the_labels_through_the_command(
    db_url: str, tmp_path: Path, units_csv: Path
) -> None:
    from typer.testing import CliRunner

    from openness.cli import app

    example = Path(__file__).resolve().parent.parent / "docs" / "examples" / "hotline-12345.toml"
    path = tmp_path / "feedback.csv"
    path.write_text(
        "case_id,unit_id,kind,channel,received_at,return_visit_at,resolved,satisfaction\n"
        "F1,A1,complaint,hotline,2026-03-02,2026-03-05,已解决,非常满意\n"
        "F2,A1,complaint,hotline,2026-03-02,2026-03-05,未解决,一般\n",
        encoding="utf-8",
    )
    run = CliRunner().invoke
    result = run(app, ["import", str(units_csv), str(path), "--db", db_url])
    assert result.exit_code == 1  # without the settings, 已解决 and 非常满意 are unknown
    result = run(app, ["import", str(path), "--db", db_url, "--config", str(example)])
    assert result.exit_code == 0, result.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[labels.satisfaction]\n"很好" = "delighted"\n', encoding="utf-8")
    result = run(app, ["import", str(path), "--db", db_url, "--config", str(bad)])
    assert result.exit_code == 2 and 'labels.satisfaction."很好"' in result.stderr
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        t = RECORD_TABLES["feedback"]
        got = conn.execute(
            sa.select(t.c.case_id, t.c.resolved, t.c.satisfaction).order_by(t.c.case_id)
        )
        assert [tuple(r) for r in got] == [
            ("F1", True, "satisfied"),
            ("F2", False, "basically_satisfied"),
        ]
    engine.dispose()
