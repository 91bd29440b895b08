"""Ledger footers and the East Asian built-in date formats (issue "In the field, round
two"): what a zh-CN Excel or WPS ledger writes below and inside its table."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import sqlalchemy as sa
from test_import_shapes import HEADER, _xlsx, feedback, units_csv

from queries.importing.run import import_files

__all__ = ["units_csv"]  # the fixture, shared with test_import_shapes


FOOTED = (
    "\ufeffcase_id,unit_id,kind,channel,received_at\n"
    "F1,A1,投诉,热线,2026-03-02\n"
    "合计,,,,\n"  # row 3: looks like a footer, but a record follows: a (rejected) record
    "F2,A1,投诉,热线,2026-03-03\n"
    ",,,,\n"
    "合计：2 件,,,,\n"
    "填报单位（盖章）：甲一派出所    填报人：张三    联系电话：13812345678,,,,\n"
    "审核人：李四,,,,\n"
)


def test_csv_footers_are_skipped_counted_and_stored_nowhere(
    engine: sa.Engine, tmp_path: Path, units_csv: Path, data_folder: Path
) -> None:
    """A ledger saved as CSV: the three rows that end it (after a blank line) are a footer;
    the 合计 row with a record after it is not."""
    path = tmp_path / "feedback.csv"
    path.write_text(FOOTED, encoding="utf-8")
    _, fb = import_files(engine, [units_csv, path], progress=False)
    assert (fb.rows_read, fb.rows_accepted, fb.rows_rejected, fb.rows_below) == (3, 2, 1, 3)
    assert fb.reject_rows["row"].to_list() == [3]
    with engine.connect() as conn:
        stored = " ".join(
            str(r)
            for t in ("import_reject", "import_log", "feedback")
            for r in conn.exec_driver_sql(f"SELECT * FROM {t}")
        )
    written = " ".join(p.read_text(encoding="utf-8-sig") for p in data_folder.rglob("*.csv"))
    for personal in ("13812345678", "张三", "李四"):
        assert personal not in stored and personal not in written


def test_csv_footers_across_chunks(tmp_path: Path) -> None:
    """In 100-byte chunks the footer spans several batches, and a 合计 row in one batch is
    followed by a record in the next: still three footer rows, row 3 a record."""
    from queries.importing.read import open_record_file

    path = tmp_path / "feedback.csv"
    path.write_text(FOOTED, encoding="utf-8")
    rf = open_record_file(path, "feedback")
    batches = list(rf.batches(chunk_bytes=100))
    assert len(batches) > 2
    rows = [r for b in batches for r in b.frame["__row"].to_list()]
    assert rows == [2, 3, 4]
    assert rf.rows_below == 3


def _with_builtin_formats(path: Path, ids: dict[str, int]) -> Path:
    """``path`` rewritten as zh-CN Excel writes it: the cell formats given (code -> id)
    as built-in ids with no ``<numFmt>`` defining them."""
    import re

    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    styles = parts["xl/styles.xml"].decode()
    defined = dict(re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles))
    for number, code in defined.items():
        styles = styles.replace(f'numFmtId="{number}"', f'numFmtId="{ids[code]}"')
    parts["xl/styles.xml"] = re.sub(r"<numFmts.*?</numFmts>", "", styles).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_xlsx_east_asian_built_in_date_and_time_formats(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    """Ids 31 (yyyy年m月d日), 57 (yyyy年m月) and 58 (m月d日) are dates, 32 (h时mm分) a time:
    the serials are read as what the clerk sees. 46083 = 2026-03-02 (days after
    1899-12-30); 46083.4375 = 10:30 that day."""

    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        ws.append(HEADER[:6])
        rows = [("F1", "long"), ("F2", "ym"), ("F3", "md"), ("F4", "hm")]
        for r, (case, fmt) in enumerate(rows, start=2):
            ws.append([case, "A1", "complaint", "hotline", 46083.4375, 46084])
            ws.cell(row=r, column=5).number_format = fmt
            ws.cell(row=r, column=6).number_format = fmt

    path = _xlsx(tmp_path / "feedback.xlsx", build)
    _with_builtin_formats(path, {"long": 31, "ym": 57, "md": 58, "hm": 32})
    _, fb = import_files(engine, [units_csv, path], progress=False)
    # a date format drops the time of day; 46084 = 2026-03-03
    assert feedback(engine) == [
        ("F1", datetime(2026, 3, 2), datetime(2026, 3, 3)),
        ("F2", datetime(2026, 3, 2), datetime(2026, 3, 3)),
        ("F3", datetime(2026, 3, 2), datetime(2026, 3, 3)),
    ]
    # a time format shows the time alone: not a date-time, as the clerk sees it
    assert fb.rejects.select("row", "column").rows() == [(5, "received_at"), (5, "closed_at")]
    assert "'10:30:00' is not a valid date-time" in fb.rejects["reason"][0]


def test_a_csv_footer_line_longer_than_the_header_is_skipped_too(
    engine: sa.Engine, tmp_path: Path, units_csv: Path, data_folder: Path
) -> None:
    """A footer typed across more cells than the table has (填报人 | 张三 | 联系电话 | ...):
    a line longer than the header would be rejected, its text kept; it is a footer."""
    path = tmp_path / "feedback.csv"
    path.write_text(
        "case_id,unit_id,kind,channel,received_at\n"
        "F1,A1,投诉,热线,2026-03-02\n"
        ",,,,\n"
        "合计：1 件,,,,\n"
        "填报人：,张三,联系电话：,13812345678,填报日期：,2026-04-01,审核人：,李四\n",
        encoding="utf-8",
    )
    _, fb = import_files(engine, [units_csv, path], progress=False)
    assert (fb.rows_read, fb.rows_accepted, fb.rows_rejected, fb.rows_below) == (1, 1, 0, 2)
    written = " ".join(p.read_text(encoding="utf-8-sig") for p in data_folder.rglob("*.csv"))
    assert "13812345678" not in written
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM import_reject").scalar() == 0
