"""The importer writing records: re-imports and upserts, the units forest, personal
columns kept out, checksums, bulk loads and their indexes, the rejects file; both databases."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from conftest import REAL_RECORDS
from import_helpers import FEEDBACK_HEADER, UNITS, table, write
from polars.testing import assert_frame_equal

import queries.importing.write as write_module
from queries.importing.rejects import write_rejects_file
from queries.importing.run import (
    UnusableFileError,
    import_files,
    import_frame,
)
from queries.model.db import init_db, make_engine

# rejected-row files under a per-test data folder (conftest.py)
pytestmark = pytest.mark.usefixtures("data_folder")


def test_importing_the_same_file_twice_changes_nothing(engine: sa.Engine, units_csv: Path) -> None:
    real = REAL_RECORDS / "feedback.csv"
    import_files(engine, [units_csv], progress=False)
    units_before = table(engine, "units")
    import_files(engine, [REAL_RECORDS / "units.csv", real], progress=False)
    before = {k: table(engine, k) for k in ("units", "feedback")}
    second = import_files(engine, [REAL_RECORDS / "units.csv", real, units_csv], progress=False)
    after = {k: table(engine, k) for k in ("units", "feedback")}
    for k in before:
        assert_frame_equal(after[k], before[k])  # values and import_id alike
    assert before["feedback"].height == 4401
    assert units_before.height == 3
    assert [r.rows_rejected for r in second] == [0, 0, 81]


def test_upsert_updates_an_existing_record(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    first = write(
        tmp_path / "feedback.csv",
        FEEDBACK_HEADER + "\n"
        "C1,PCS1,complaint,hotline,2026-03-02,,,,,,,,,\n"
        "C2,PCS1,complaint,hotline,2026-03-02,,,,,,,,,\n",
    )
    r1 = import_files(engine, [units_csv, first], progress=False)[1]
    later = write(
        tmp_path / "2026-04_feedback.csv",
        # the case progressed: closed, with a reasoned reply
        FEEDBACK_HEADER + "\nC1,PCS1,complaint,hotline,2026-03-02,,,2026-03-20,upheld,1,,,,\n",
    )
    r2 = import_files(engine, [later], progress=False)[0]
    got = table(engine, "feedback").select(
        "case_id", "closed_at", "outcome", "reasoned_reply", "import_id"
    )
    expected = pl.DataFrame(
        {
            "case_id": ["C1", "C2"],
            "closed_at": [datetime(2026, 3, 20), None],
            "outcome": ["upheld", None],
            "reasoned_reply": [True, None],
            # C1 was written by the second import, C2 is untouched
            "import_id": [r2.import_id, r1.import_id],
        }
    )
    assert_frame_equal(got, expected, check_dtypes=False)


def test_units_must_form_a_forest(engine: sa.Engine, tmp_path: Path, units_csv: Path) -> None:
    import_files(engine, [units_csv], progress=False)
    more = write(
        tmp_path / "units_more.csv",
        "unit_id,name,parent_id,level,kind\n"
        "A,甲,B,station,window\n"  # row 2: A -> B -> A
        "B,乙,A,station,window\n"  # row 3
        "C,丙,C,station,window\n"  # row 4: its own parent
        "D,丁,NOWHERE,station,window\n"  # row 5: dangling
        "E,戊,D,station,window\n"  # row 6: under a rejected unit
        "F,己,FJ1,station,window\n"  # row 7: under a unit of the database
        "G,庚,F,station,window\n",  # row 8: under a unit of this file
    )
    [result] = import_files(engine, [more], progress=False)
    assert result.rejects.select("row", "column").rows() == [
        (2, "parent_id"),
        (3, "parent_id"),
        (4, "parent_id"),
        (5, "parent_id"),
        (6, "parent_id"),
    ]
    reasons = result.rejects["reason"].to_list()
    assert "makes a cycle: A → B → A" in reasons[0]
    assert "makes a cycle: B → A → B" in reasons[1]
    assert "makes a cycle: C → C" in reasons[2]
    assert "parent_id 'NOWHERE' names no unit" in reasons[3]
    assert "parent_id 'D' cannot be used" in reasons[4]
    assert table(engine, "units")["unit_id"].to_list() == ["F", "FJ1", "G", "PCS1", "SJ"]


def test_a_cycle_through_the_database_is_rejected(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    import_files(engine, [units_csv], progress=False)
    # moving the bureau under one of its own stations would close a loop
    moved = write(
        tmp_path / "units.csv",
        "unit_id,name,parent_id,level,kind\nSJ,市局,PCS1,bureau,management\n",
    )
    [result] = import_files(engine, [moved], progress=False)
    assert "makes a cycle: SJ → PCS1 → FJ1 → SJ" in result.rejects["reason"][0]
    assert table(engine, "units").filter(pl.col("unit_id") == "SJ")["parent_id"][0] is None


def test_personal_columns_never_reach_the_database(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    engine = make_engine(f"sqlite:///{db}")
    init_db(engine)
    units = write(tmp_path / "units.csv", UNITS)
    feedback = write(
        tmp_path / "feedback.csv",
        FEEDBACK_HEADER + ",complainant_name,phone,content\n"
        "C1,PCS1,complaint,hotline,2026-03-02,,,,,,,,,,欧阳蔷薇ZZQX,13912345678,投诉内容XYZZY\n"
        # a rejected row: its personal values must not reach the reject table either
        "C2,PCS1,complaint,fax,2026-03-02,,,,,,,,,,欧阳蔷薇ZZQX,13912345678,投诉内容XYZZY\n",
    )
    results = import_files(engine, [units, feedback], progress=False)
    assert results[1].rows_accepted == 1 and results[1].rows_rejected == 1
    with engine.connect() as conn:  # the data is there, in the WAL or the main file
        assert conn.exec_driver_sql("SELECT count(*) FROM feedback").scalar() == 1
    files = [db, db.with_name("p.db-wal")]
    assert files[1].exists()
    for f in files:
        raw = f.read_bytes()
        for secret in ("欧阳蔷薇ZZQX", "13912345678", "XYZZY"):
            for enc in ("utf-8", "utf-16-le"):
                assert secret.encode(enc) not in raw, (f, secret)
    assert b"PCS1" in files[0].read_bytes() + files[1].read_bytes()
    rejects = results[1].rejects_file
    assert rejects is not None and b"13912345678" not in rejects.read_bytes()
    engine.dispose()


def test_import_frame_checks_required_columns(engine: sa.Engine) -> None:
    with pytest.raises(UnusableFileError, match="missing required column"):
        import_frame(engine, pl.DataFrame({"unit_id": ["X"]}), "units")


def test_checksum_is_the_files_sha256(engine: sa.Engine, units_csv: Path) -> None:
    [result] = import_files(engine, [units_csv], progress=False)
    assert result.checksum == hashlib.sha256(units_csv.read_bytes()).hexdigest()


def test_bulk_load_rebuilds_the_indexes(
    engine: sa.Engine, units_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write_module, "BULK_MIN_ROWS", 3)  # 4 > 3 rows: a bulk load
    import_files(engine, [units_csv], progress=False)
    frame = pl.DataFrame(
        {
            "case_id": ["A", "B", "C", "D"],
            "unit_id": ["PCS1"] * 4,
            "kind": ["complaint"] * 4,
            "channel": ["hotline"] * 4,
            "received_at": ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"],
        }
    )
    # into an empty table, then into a smaller one: both bulk loads, the second an upsert
    first = import_frame(engine, frame, "feedback", batch_rows=2)
    assert first.rows_accepted == 4
    more = frame.with_columns(
        pl.Series("case_id", ["D", "E", "F", "G"]), pl.Series("channel", ["mailbox"] * 4)
    )
    second = import_frame(
        engine,
        pl.concat([more, more.with_columns(case_id=pl.lit("H"))[:1]]),
        "feedback",
        batch_rows=2,
    )
    assert second.rows_accepted == 5
    got = table(engine, "feedback").select("case_id", "channel", "import_id")
    a, b = first.import_id, second.import_id
    assert got.rows() == [
        ("A", "hotline", a),
        ("B", "hotline", a),
        ("C", "hotline", a),
        ("D", "mailbox", b),  # updated by the second import
        ("E", "mailbox", b),
        ("F", "mailbox", b),
        ("G", "mailbox", b),
        ("H", "mailbox", b),
    ]
    indexes = {i["name"] for i in sa.inspect(engine).get_indexes("feedback")}
    assert {"ix_feedback_unit", "ix_feedback_anchor"} <= indexes


@pytest.mark.parametrize("batch_rows", [7, 3, 1])
def test_multi_row_inserts_keep_every_value_in_place(
    engine: sa.Engine, units_csv: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int
) -> None:
    # SQLite loads 3 rows a statement here: 7 rows in one batch are two full
    # statements and one of a single row; batches of 3 fill statements exactly
    monkeypatch.setattr(write_module, "ROWS_PER_INSERT", 3)
    import_files(engine, [units_csv], progress=False)
    frame = pl.DataFrame(
        {
            "case_id": [f"C{i}" for i in range(1, 8)],
            "unit_id": ["PCS1", "FJ1", "SJ", "PCS1", "FJ1", "SJ", "PCS1"],
            "kind": ["complaint", "report", "suggestion", "opinion", "enquiry", "投诉", "举报"],
            "channel": ["hotline", "mailbox", "online", "in_person", "letter", "deputy", "media"],
            "received_at": [f"2026-03-0{i} 08:0{i}" for i in range(1, 8)],
            "closed_at": [None, "2026-03-09 10:00:00.5", None, None, None, None, "2026-03-20"],
            "outcome": [None, "upheld", None, None, None, None, "answered"],
            "reasoned_reply": [None, "1", "0", None, None, None, "否"],
            "repeat_of": [None, None, "", "C1", None, None, None],
        }
    )
    result = import_frame(engine, frame, "feedback", batch_rows=batch_rows)
    assert result.rows_accepted == 7
    got = table(engine, "feedback").select(
        "case_id", "unit_id", "kind", "received_at", "closed_at", "reasoned_reply", "repeat_of"
    )
    expected = pl.DataFrame(
        {
            "case_id": [f"C{i}" for i in range(1, 8)],
            "unit_id": ["PCS1", "FJ1", "SJ", "PCS1", "FJ1", "SJ", "PCS1"],
            # the Chinese labels 投诉 / 举报 are stored as their codes
            "kind": [
                *["complaint", "report", "suggestion", "opinion", "enquiry"],
                *["complaint", "report"],
            ],
            "received_at": [datetime(2026, 3, i, 8, i) for i in range(1, 8)],
            "closed_at": [
                *[None, datetime(2026, 3, 9, 10, 0, 0, 500_000), None, None, None, None],
                datetime(2026, 3, 20),
            ],
            "reasoned_reply": [None, True, False, None, None, None, False],
            # an empty cell is null, whatever the column
            "repeat_of": [None, None, None, "C1", None, None, None],
        }
    )
    assert_frame_equal(got, expected, check_dtypes=False)


def test_a_strict_rollback_of_a_bulk_load_keeps_the_indexes(
    engine: sa.Engine, units_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 3 rows > 2: a bulk load, which drops the indexes to rebuild them at the end;
    # the reject makes the strict import roll back, the dropping included
    monkeypatch.setattr(write_module, "BULK_MIN_ROWS", 2)
    import_files(engine, [units_csv], progress=False)
    frame = pl.DataFrame(
        {
            "case_id": ["A", "B", "C"],
            "unit_id": ["PCS1", "PCS1", "NOWHERE"],
            "kind": ["complaint"] * 3,
            "channel": ["hotline"] * 3,
            "received_at": ["2026-03-02", "2026-03-03", "2026-03-04"],
        }
    )
    result = import_frame(engine, frame, "feedback", strict=True)
    assert (result.status, result.rows_rejected) == ("rolled_back", 1)
    indexes = {i["name"] for i in sa.inspect(engine).get_indexes("feedback")}
    assert {"ix_feedback_unit", "ix_feedback_anchor"} <= indexes
    # and the next bulk load finds them to drop and rebuild
    again = import_frame(engine, frame.head(2), "feedback", strict=True)
    assert (again.status, again.rows_accepted) == ("committed", 2)
    assert table(engine, "feedback")["case_id"].to_list() == ["A", "B"]


def test_rejects_file_neutralises_hostile_cells(data_folder: Path) -> None:
    """The rejects file goes through the export layer: a cell beginning = is shown, never run."""
    lines = pl.DataFrame(
        {
            "row": [2],
            "key": ["U1"],
            "columns": ["unit_id"],
            "reasons": ["=1+1 is not a unit"],
            "unit_id": ['=HYPERLINK("http://evil.example")'],
        },
    )
    path = write_rejects_file(lines, sa.create_engine("sqlite://"), "x_units.csv", "units", 7)
    assert (
        path.parent.parent == data_folder / "rejects" and path.name == "000007_x_units_rejects.csv"
    )
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    written = pl.read_csv(raw, infer_schema=False)
    assert written.row(0) == (
        "2",
        "U1",
        "unit_id",
        "'=1+1 is not a unit",
        '\'=HYPERLINK("http://evil.example")',
    )


def test_the_import_log_keeps_beijing_time_whatever_the_machines_zone(
    engine: sa.Engine, units_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from queries.model.clock import now_local
    from queries.model.schema import import_log

    # a machine set to New York (UTC-5/-4): the log must still read like the records,
    # the audit trail and the as-of, in Beijing time
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        import_files(engine, [units_csv], progress=False)
        with engine.connect() as conn:
            started, finished = conn.execute(
                sa.select(import_log.c.started_at, import_log.c.finished_at)
            ).one()
        assert abs((started - now_local()).total_seconds()) < 600
        assert started <= finished
    finally:
        monkeypatch.undo()
        time.tzset()
