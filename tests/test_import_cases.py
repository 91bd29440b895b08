"""The field cases of tests/cases/import/, each as its README says, through `openness import`."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from conftest import CASES as ALL_CASES
from conftest import REAL_RECORDS
from typer.testing import CliRunner

from openness.cli import app

CASES = ALL_CASES / "import"


# rejected-row files under a per-test data folder (conftest.py)
pytestmark = pytest.mark.usefixtures("data_folder")


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["import", *map(str, args)])
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stderr


def rows(db_url: str, sql: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        got = [tuple(r) for r in conn.exec_driver_sql(sql)]
    engine.dispose()
    return got


def test_csv_cr_line_ends(db_url: str) -> None:
    case = CASES / "csv-cr-line-ends"
    assert b"\n" not in (case / "feedback.csv").read_bytes()
    code, err = run(case / "units.csv", case / "feedback.csv", "--db", db_url)
    assert code == 0, err
    assert "3 rows read, 3 accepted, 0 rejected" in err.splitlines()[-1]
    assert rows(db_url, "SELECT case_id FROM feedback ORDER BY case_id") == [
        ("F1",),
        ("F2",),
        ("F3",),
    ]


def test_csv_short_rows(db_url: str) -> None:
    case = CASES / "csv-short-rows"
    code, err = run(case / "units.csv", case / "feedback.csv", "--db", db_url)
    assert code == 0, err
    assert rows(db_url, "SELECT case_id, repeat_of FROM feedback ORDER BY case_id") == [
        ("F1", None),
        ("F2", None),
        ("F3", "F1"),
    ]


def test_csv_stray_quote(db_url: str, data_folder: Path) -> None:
    case = CASES / "csv-stray-quote"
    code, err = run(case / "units.csv", case / "disclosures.csv", "--db", db_url)
    assert code == 1, err
    assert "row 7 (D2)" in err and "row 2" not in err
    assert rows(db_url, "SELECT disclosure_id, title FROM disclosures ORDER BY disclosure_id") == [
        ("D1", '关于"净网"行动的通告'),
        ("D3", "普通标题"),
        ("D4", "又一个标题"),
        ("D5", "第五"),
        ("D6", "第六"),
        ("D7", "第七"),
    ]
    [rejects] = (data_folder / "rejects").glob("*/*.csv")
    written = pl.read_csv(rejects, infer_schema=False)
    assert written.select("row", "key").rows() == [("7", "D2")]
    assert str(rejects) in err
    # the broken title as typed, quotes kept: the clerk sees what to fix, and the
    # rejects file (valid CSV) imports it as it was meant
    assert written["title"].to_list() == ['"净网"行动通告']
    code, err = run(rejects, "--db", db_url)
    assert code == 0, err
    assert rows(db_url, "SELECT title FROM disclosures WHERE disclosure_id = 'D2'") == [
        ('"净网"行动通告',)
    ]


def test_xlsx_table_from_column_b(db_url: str) -> None:
    case = CASES / "xlsx-table-from-column-b"
    code, err = run(case / "units.csv", case / "feedback.xlsx", "--db", db_url)
    assert code == 0, err
    got = rows(db_url, "SELECT case_id, unit_id, kind, channel FROM feedback ORDER BY case_id")
    assert len(got) == 3 and all(None not in r for r in got)


def test_xlsx_zh_cn_long_date(db_url: str) -> None:
    """Rows 3 and 4 hold their dates under built-in format 31 (长日期), which the file does
    not define; row 2 under 14. The serials: 46083 = 2026-03-02 (46083 days after
    1899-12-30), 46101 = 2026-03-20, 46086 = 2026-03-05, 46106 = 2026-03-25."""
    case = CASES / "xlsx-zh-cn-long-date"
    code, err = run(case / "units.csv", case / "feedback.xlsx", "--db", db_url)
    assert code == 0, err
    assert "46083" not in err
    got = rows(
        db_url,
        "SELECT case_id, CAST(received_at AS TEXT), CAST(closed_at AS TEXT) FROM feedback "
        "ORDER BY case_id",
    )
    assert [(c, r[:10], d[:10]) for c, r, d in got] == [
        ("F1", "2026-03-02", "2026-03-20"),
        ("F2", "2026-03-02", "2026-03-20"),
        ("F3", "2026-03-05", "2026-03-25"),
    ]


def test_xlsx_ledger_footer(db_url: str, data_folder: Path) -> None:
    """A title row, three cases, a blank row, then 合计 and 填报人/联系电话 (merged rows 7, 8)."""
    case = CASES / "xlsx-ledger-footer"
    code, err = run(case / "units.csv", case / "feedback.xlsx", "--db", db_url)
    assert code == 0, err
    assert "3 rows read, 3 accepted, 0 rejected" in err
    assert "1 row(s) above the header" in err and "2 footer row(s) below the table" in err
    assert rows(db_url, "SELECT case_id FROM feedback ORDER BY case_id") == [
        ("F1",),
        ("F2",),
        ("F3",),
    ]
    # nothing of the footer anywhere: not the rejects table, not a rejects file, not the log
    assert rows(db_url, "SELECT count(*) FROM import_reject") == [(0,)]
    assert not list((data_folder / "rejects").glob("*/*.csv"))
    logged = " ".join(str(r) for r in rows(db_url, "SELECT * FROM import_log"))
    assert "13812345678" not in logged and "张三" not in logged
    assert "13812345678" not in err


def test_rejects_roundtrip(db_url: str, data_folder: Path, tmp_path: Path) -> None:
    case = CASES / "rejects-roundtrip"
    code, err = run(case / "units.csv", case / "feedback.csv", "--db", db_url)
    assert code == 1, err
    good = ["FB-26-100", *[f"FB-26-10{i}" for i in range(1, 8)]]
    assert [r[0] for r in rows(db_url, "SELECT case_id FROM feedback ORDER BY case_id")] == good
    [path] = (data_folder / "rejects").glob("*/*.csv")
    assert str(path) in err and "row 6 (FB-26-901), channel" in err
    written = pl.read_csv(path, infer_schema=False)
    # one line per rejected row, with its line number and case id; never a personal column
    assert written.select("row", "key", "columns").rows() == [
        ("6", "FB-26-901", "channel"),
        ("7", "FB-26-902", "closed_at"),
        ("8", "FB-26-903", "unit_id"),
        ("9", "FB-26-904", "received_at"),
        ("14", "FB-26-905", "kind"),
        ("15", "FB-26-101", "case_id"),
        ("16", "FB-26-906", "satisfaction"),
        ("17", "FB-26-907", "reasoned_reply"),
    ]
    assert not {"complainant_name", "complainant_phone", "content"} & set(written.columns)
    assert "13800001111" not in path.read_text(encoding="utf-8-sig")

    # the clerk corrects the bad cells in the rejects file and imports it again as it is
    fixed = written.with_columns(
        channel=pl.when(pl.col("key") == "FB-26-901").then(pl.lit("hotline")).otherwise("channel"),
        closed_at=pl.when(pl.col("key") == "FB-26-902")
        .then(pl.lit("2026-06-11 09:00"))
        .otherwise("closed_at"),
        unit_id=pl.when(pl.col("key") == "FB-26-903").then(pl.lit("A1")).otherwise("unit_id"),
        received_at=pl.when(pl.col("key") == "FB-26-904")
        .then(pl.lit("2026-06-05 09:00"))
        .otherwise("received_at"),
        kind=pl.when(pl.col("key") == "FB-26-905").then(pl.lit("report")).otherwise("kind"),
        case_id=pl.when(pl.col("row") == "15").then(pl.lit("FB-26-108")).otherwise("case_id"),
        return_visit_at=pl.when(pl.col("key") == "FB-26-906")
        .then(pl.lit("2026-06-07 09:00"))
        .otherwise("return_visit_at"),
        reasoned_reply=pl.when(pl.col("key") == "FB-26-907")
        .then(pl.lit("是"))
        .otherwise("reasoned_reply"),
    )
    again = tmp_path / path.name
    fixed.write_csv(again, include_bom=True)
    code, err = run(again, "--db", db_url)
    assert code == 0, err
    assert "8 rows read, 8 accepted, 0 rejected" in err
    stored = [r[0] for r in rows(db_url, "SELECT case_id FROM feedback ORDER BY case_id")]
    assert stored == sorted([*good, "FB-26-108", *[f"FB-26-90{i}" for i in range(1, 8)]])


def test_every_case_has_a_test() -> None:
    names = {p.name for p in CASES.iterdir() if p.is_dir()}
    tested = {n.removeprefix("test_").replace("_", "-") for n in globals() if n.startswith("test_")}
    assert names <= tested, names - tested


def test_a_case_copied_elsewhere_imports_the_same(db_url: str, tmp_path: Path) -> None:
    """The cases hold nothing tied to their folder (a copy imports the same)."""
    copy = tmp_path / "copy"
    shutil.copytree(CASES / "csv-cr-line-ends", copy)
    code, err = run(copy / "units.csv", copy / "feedback.csv", "--db", db_url)
    assert code == 0, err


def test_the_new_orleans_records_import_as_their_readme_says(db_url: str) -> None:
    """examples/real/nopd-misconduct/records: what its README keeps for the importer.

    feedback: 3,323 rows; rejected are the 115 with no key, the 296 with no unit and the 10
    closed before received, counted once per row where they overlap (307 rows), so
    3,323 - 307 = 3,016 stored. supervision: 1,834 rows; 65 with no key and 121 with no
    unit, 122 rows in all, so 1,834 - 122 = 1,712 stored. units: 86.
    """
    real = REAL_RECORDS.parents[1] / "nopd-misconduct" / "records"
    code, err = run(
        real / "units.csv",
        real / "feedback.csv",
        real / "supervision.csv",
        "--config",
        real / "settings.toml",
        "--db",
        db_url,
    )
    assert code == 1, err
    assert rows(db_url, "SELECT count(*) FROM units") == [(86,)]
    assert rows(db_url, "SELECT count(*) FROM feedback") == [(3016,)]
    assert rows(db_url, "SELECT count(*) FROM supervision") == [(1712,)]
    assert "3323 rows read 3016 accepted 307 rejected" in err.replace(",", "")
    assert "1834 rows read 1712 accepted 122 rejected" in err.replace(",", "")
