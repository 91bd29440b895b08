"""The importer (spec/records.md, the `openness import` row of spec/cli.md), on both databases."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from conftest import REAL_RECORDS
from polars.testing import assert_frame_equal

import queries.importing.run as importer
import queries.importing.write as write_module
from queries.importing.read import ROW, open_record_file
from queries.importing.rejects import write_rejects_file
from queries.importing.run import (
    ImportUsageError,
    UnusableFileError,
    import_files,
    import_frame,
    kind_from_name,
)
from queries.model.db import init_db, make_engine
from queries.model.schema import RECORD_TABLES, import_log, import_reject

UNITS = """\
unit_id,name,name_en,parent_id,level,kind
SJ,市局,City bureau,,bureau,management
FJ1,一分局,Branch 1,SJ,branch,comprehensive
PCS1,城关派出所,Chengguan station,FJ1,station,window
"""

FEEDBACK_HEADER = (
    "case_id,unit_id,kind,channel,received_at,due_at,first_response_at,closed_at,outcome,"
    "reasoned_reply,return_visit_at,resolved,satisfaction,repeat_of"
)


@pytest.fixture(autouse=True)
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Rejected-row files go under a per-test data folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv("OPENNESS_DATA", str(folder))
    return folder


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def table(engine: sa.Engine, name: str) -> pl.DataFrame:
    t = RECORD_TABLES[name]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t).order_by(t.c[t.primary_key.columns.keys()[0]])).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=list(t.c.keys()), orient="row")


def logs(engine: sa.Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        q = sa.select(
            import_log.c.kind,
            import_log.c.rows_read,
            import_log.c.rows_accepted,
            import_log.c.rows_rejected,
            import_log.c.status,
        ).order_by(import_log.c.import_id)
        return [tuple(r) for r in conn.execute(q)]


@pytest.fixture
def units_csv(tmp_path: Path) -> Path:
    return write(tmp_path / "units.csv", UNITS)


def test_every_feedback_error_is_rejected_with_row_column_and_reason(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    feedback = write(
        tmp_path / "2026-03_feedback.csv",
        FEEDBACK_HEADER
        + "\n"
        + "\n".join(
            [
                # row 2: sound
                "C1,PCS1,complaint,hotline,2026-03-02 14:05,,2026-03-02 15:00,2026-03-10,upheld,yes,2026-03-12,true,satisfied,",
                # row 3: required unit_id empty
                "C2,,complaint,hotline,2026-03-02,,,,,,,,,",
                # row 4: unknown channel
                "C3,PCS1,complaint,fax,2026-03-02,,,,,,,,,",
                # row 5: month 13
                "C4,PCS1,complaint,hotline,2026-13-02,,,,,,,,,",
                # row 6: closed before received
                "C5,PCS1,complaint,hotline,2016-12-20,,,2016-12-01,,,,,,",
                # row 7: first response before received
                "C6,PCS1,report,online,2026-03-02 10:00,,2026-03-02 09:59,,,,,,,",
                # row 8: return visit before received
                "C7,PCS1,report,online,2026-03-02,,,,,,2026-03-01,,,",
                # row 9: resolved without a return visit
                "C8,PCS1,report,online,2026-03-02,,,,,,,yes,,",
                # row 10: satisfaction without a return visit
                "C9,PCS1,report,online,2026-03-02,,,,,,,,satisfied,",
                # row 11: not a yes/no value
                "C10,PCS1,report,online,2026-03-02,,,,,maybe,,,,",
                # row 12: a unit that does not exist
                "C11,PCS9,report,online,2026-03-02,,,,,,,,,",
                # row 13: repeats row 2's key
                "C1,PCS1,enquiry,online,2026-03-02,,,,,,,,,",
                # row 14: closed in the year 3019
                "C12,PCS1,complaint,letter,2019-01-02,,,3019-01-30,,,,,,",
                # row 15: sound, Chinese labels, `/` dates, spaces around codes
                "C13,PCS1,投诉, 热线 ,2026/3/2,,,2026/3/9 8:30,属实,是,2026/3/10,否,基本满意,C1",
                # row 16: sound, ISO T with seconds, upper-case codes
                "C14,FJ1,SUGGESTION,Mailbox,2026-03-02T14:05:33,2026-04-01,,,ADOPTED,0,,,,",
            ]
        )
        + "\n",
    )
    results = import_files(engine, [feedback, units_csv], progress=False)

    # units first whatever the order given
    assert [r.kind for r in results] == ["units", "feedback"]
    fb = results[1]
    assert (fb.rows_read, fb.rows_accepted, fb.rows_rejected) == (15, 3, 12)
    assert fb.status == "committed" and fb.exit_code == 1
    got = fb.rejects.select("row", "column").rows()
    assert got == [
        (3, "unit_id"),
        (4, "channel"),
        (5, "received_at"),
        (6, "closed_at"),
        (7, "first_response_at"),
        (8, "return_visit_at"),
        (9, "resolved"),
        (10, "satisfaction"),
        (11, "reasoned_reply"),
        (12, "unit_id"),
        (13, "case_id"),
        (14, "closed_at"),
    ]
    reasons = dict(zip(fb.rejects["row"], fb.rejects["reason"], strict=True))
    assert "unit_id is required but empty" in reasons[3]
    assert "channel 'fax' is not one of: hotline, mailbox" in reasons[4]
    assert "received_at '2026-13-02' is not a valid date-time" in reasons[5]
    assert "closed_at 2016-12-01 is before received_at 2016-12-20" in reasons[6]
    assert "first_response_at 2026-03-02 09:59 is before received_at 2026-03-02 10:00" in reasons[7]
    assert "return_visit_at 2026-03-01 is before received_at 2026-03-02" in reasons[8]
    assert "resolved 'yes' is given but return_visit_at is empty" in reasons[9]
    assert "satisfaction 'satisfied' is given but return_visit_at is empty" in reasons[10]
    assert "reasoned_reply 'maybe' is not a yes/no value" in reasons[11]
    assert "unit_id 'PCS9' names no unit" in reasons[12]
    assert "case_id 'C1' repeats row 2" in reasons[13]
    assert "closed_at '3019-01-30' is implausible" in reasons[14]

    expected = pl.DataFrame(
        {
            "case_id": ["C1", "C13", "C14"],
            "unit_id": ["PCS1", "PCS1", "FJ1"],
            "kind": ["complaint", "complaint", "suggestion"],
            "channel": ["hotline", "hotline", "mailbox"],
            "received_at": [
                datetime(2026, 3, 2, 14, 5),
                datetime(2026, 3, 2),
                datetime(2026, 3, 2, 14, 5, 33),
            ],
            "due_at": [None, None, datetime(2026, 4, 1)],
            "first_response_at": [datetime(2026, 3, 2, 15, 0), None, None],
            "closed_at": [datetime(2026, 3, 10), datetime(2026, 3, 9, 8, 30), None],
            "outcome": ["upheld", "upheld", "adopted"],
            "reasoned_reply": [True, True, False],
            "return_visit_at": [datetime(2026, 3, 12), datetime(2026, 3, 10), None],
            "resolved": [True, False, None],
            "satisfaction": ["satisfied", "basically_satisfied", None],
            "repeat_of": [None, "C1", None],
            "import_id": [fb.import_id] * 3,
        }
    )
    assert_frame_equal(table(engine, "feedback"), expected, check_dtypes=False)

    # the rejects CSV (spec "Rejected rows"): UTF-8 with BOM, under data/rejects/<database>/,
    # one line per rejected row: row, key, columns, reasons, then the record columns
    assert fb.rejects_file is not None and fb.rejects_file.parent.parent.name == "rejects"
    raw = fb.rejects_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    written = pl.read_csv(raw, infer_schema=False)
    assert written.columns == ["row", "key", "columns", "reasons", *FEEDBACK_HEADER.split(",")]
    assert written["row"].cast(pl.Int64).to_list() == sorted({r for r, _ in got})
    assert written["key"].to_list() == written["case_id"].to_list()
    # and the import_reject table: row, column, reason (with the key and record)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(import_reject.c.row_number, import_reject.c.column_name)
            .where(import_reject.c.import_id == fb.import_id)
            .order_by(import_reject.c.row_number)
        ).all()
    assert [tuple(r) for r in stored] == got
    assert logs(engine) == [("units", 3, 3, 0, "committed"), ("feedback", 15, 3, 12, "committed")]


def test_disclosure_and_supervision_values(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    disclosures = write(
        tmp_path / "disclosures.csv",
        "disclosure_id,unit_id,title,category,domain,channel,formed_on,published_on,updated_on,withdrawn_on\n"
        "D1,PCS1,办事指南,办事程序,行政,窗口/触摸屏,2026/1/5,2026-01-06,,\n"
        "D2,PCS1,,procedures,,触摸屏,,2026-01-06 00:00:00,,\n"
        "D3,PCS1,,procedures,,website,,2026-01-06 09:30,,\n"
        "D4,PCS1,,secrets,,website,,2026-02-30,,\n",
    )
    supervision = write(
        tmp_path / "supervision.csv",
        "item_id,unit_id,source,opened_on,severity,finding,rectify_due_on,rectified_on,result_published_on\n"
        "S1,FJ1,督察,2026-02-01,较重,窗口态度,2026-03-01,2026-02-20,\n"
        "S2,FJ1,npc_deputy,2026-02-01,huge,,,,\n",
    )
    results = import_files(engine, [units_csv, disclosures, supervision], progress=False)
    d, s = results[1], results[2]
    assert d.rejects.select("row", "column").rows() == [
        (4, "published_on"),
        (5, "category"),
        (5, "published_on"),
    ]
    reasons = d.rejects["reason"].to_list()
    assert "published_on '2026-01-06 09:30' has a time of day" in reasons[0]
    assert "category 'secrets' is not one of" in reasons[1]
    assert "published_on '2026-02-30' is not a valid date" in reasons[2]
    got = table(engine, "disclosures").select(
        "disclosure_id", "category", "domain", "channel", "formed_on", "published_on"
    )
    expected = pl.DataFrame(
        {
            "disclosure_id": ["D1", "D2"],
            "category": ["procedures", "procedures"],
            "domain": ["administrative", None],
            # 窗口/触摸屏 whole, and 触摸屏 (a part of that label) both mean service_window
            "channel": ["service_window", "service_window"],
            "formed_on": [date(2026, 1, 5), None],
            "published_on": [date(2026, 1, 6), date(2026, 1, 6)],
        }
    )
    assert_frame_equal(got, expected, check_dtypes=False)
    assert s.rejects.select("row", "column").rows() == [(3, "severity")]
    assert table(engine, "supervision").select("item_id", "source", "severity").rows() == [
        ("S1", "inspectorate", "moderate")
    ]


def test_strict_mode_writes_nothing_from_a_file_with_a_reject(
    engine: sa.Engine, tmp_path: Path, units_csv: Path
) -> None:
    feedback = write(
        tmp_path / "feedback.csv",
        FEEDBACK_HEADER + "\n"
        "C1,PCS1,complaint,hotline,2026-03-02,,,,,,,,,\n"
        "C2,PCS1,complaint,fax,2026-03-02,,,,,,,,,\n",
    )
    results = import_files(engine, [units_csv, feedback], strict=True, progress=False)
    assert [r.status for r in results] == ["committed", "rolled_back"]
    assert results[1].exit_code == 1 and results[1].rejects_file is not None
    assert table(engine, "feedback").is_empty()
    assert table(engine, "units").height == 3  # the sound units file is written
    assert logs(engine) == [("units", 3, 3, 0, "committed"), ("feedback", 2, 0, 1, "rolled_back")]
    with engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(import_reject)).scalar()
    assert n == 1


def test_strict_mode_is_all_or_nothing_across_batches(engine: sa.Engine, units_csv: Path) -> None:
    import_files(engine, [units_csv], progress=False)
    frame = pl.DataFrame(
        {
            "case_id": [f"C{i}" for i in range(7)],
            "unit_id": ["PCS1"] * 7,
            "kind": ["complaint"] * 7,
            "channel": ["hotline"] * 6 + ["fax"],  # the last batch has the reject
            "received_at": ["2026-03-02"] * 7,
        }
    )
    result = import_frame(engine, frame, "feedback", strict=True, batch_rows=2)
    assert (result.status, result.rows_read, result.rows_rejected) == ("rolled_back", 7, 1)
    assert result.rejects.rows()[0][:2] == (8, "channel")  # 7th data row = spreadsheet row 8
    assert table(engine, "feedback").is_empty()


def test_duplicate_key_across_batches_names_the_first_row(
    engine: sa.Engine, units_csv: Path
) -> None:
    import_files(engine, [units_csv], progress=False)
    frame = pl.DataFrame(
        {
            "case_id": ["A", "B", "C", "A", "B"],
            "unit_id": ["PCS1"] * 5,
            "kind": ["complaint"] * 5,
            "channel": ["hotline"] * 5,
            "received_at": ["2026-03-02"] * 5,
            "complainant_name": ["x"] * 5,
        }
    )
    result = import_frame(engine, frame, "feedback", batch_rows=2)
    # rows 2..6; A first at row 2 (batch 1), repeated at row 5 (batch 2);
    # B first at row 3, repeated at row 6 (batch 3)
    assert result.rejects.select("row", "column").rows() == [(5, "case_id"), (6, "case_id")]
    assert "repeats row 2" in result.rejects["reason"][0]
    assert "repeats row 3" in result.rejects["reason"][1]
    assert table(engine, "feedback")["case_id"].to_list() == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("units.csv", bytes(range(256)) * 8, "binary data"),
        ("units.csv", b"", "empty"),
        ("units.csv", b"foo,bar\n1,2\n", "missing required column(s) unit_id, name, level, kind"),
        ("units.xlsx", b"PK\x03\x04 not really a zip", "cannot read the spreadsheet"),
    ],
)
def test_unusable_file_writes_nothing(
    engine: sa.Engine, tmp_path: Path, units_csv: Path, name: str, content: bytes, reason: str
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    path = bad / name
    path.write_bytes(content)
    with pytest.raises(UnusableFileError) as info:
        import_files(engine, [units_csv, path], progress=False)
    assert str(path) in str(info.value) and reason in str(info.value)
    # checked before anything is written: not even the sound units file
    assert table(engine, "units").is_empty()
    assert logs(engine) == [("units", 0, 0, 0, "failed")]


def test_kind_from_the_name_or_given() -> None:
    assert kind_from_name("units.csv") == "units"
    assert kind_from_name("/x/2026-03_feedback.csv") == "feedback"
    assert kind_from_name("Supervision-2026Q1.xlsx") == "supervision"
    assert kind_from_name("feedbacks.csv") is None  # not a word of its own
    assert kind_from_name("units_and_feedback.csv") is None  # two kinds
    with pytest.raises(ImportUsageError, match="use --kind"):
        import_files(sa.create_engine("sqlite://"), ["complaints.csv"])
    with pytest.raises(ImportUsageError, match="unknown kind"):
        import_files(sa.create_engine("sqlite://"), ["x.csv"], kind="cases")


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


def test_import_frame_checks_required_columns(engine: sa.Engine) -> None:
    with pytest.raises(UnusableFileError, match="missing required column"):
        import_frame(engine, pl.DataFrame({"unit_id": ["X"]}), "units")


def test_checksum_is_the_files_sha256(engine: sa.Engine, units_csv: Path) -> None:
    [result] = import_files(engine, [units_csv], progress=False)
    assert result.checksum == hashlib.sha256(units_csv.read_bytes()).hexdigest()


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
