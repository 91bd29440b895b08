"""The importer (docs/spec/records.md, the `openness import` row of docs/spec/cli.md), on both databases:
every check rejects the row with its row, column and reason; strict mode; unusable files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from import_helpers import FEEDBACK_HEADER, logs, table, write
from polars.testing import assert_frame_equal

from queries.importing.run import (
    ImportUsageError,
    UnusableFileError,
    import_files,
    import_frame,
    kind_from_name,
)
from queries.model.schema import import_reject

# rejected-row files under a per-test data folder (conftest.py)
pytestmark = pytest.mark.usefixtures("data_folder")


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


def test_kind_from_the_name_or_given(tmp_path: Path) -> None:
    assert kind_from_name("units.csv") == "units"
    assert kind_from_name("/x/2026-03_feedback.csv") == "feedback"
    assert kind_from_name("Supervision-2026Q1.xlsx") == "supervision"
    assert kind_from_name("feedbacks.csv") is None  # not a word of its own
    assert kind_from_name("units_and_feedback.csv") is None  # two kinds
    complaints = tmp_path / "complaints.csv"
    complaints.write_text("a\n", encoding="utf-8")
    with pytest.raises(ImportUsageError, match="use --kind"):
        import_files(sa.create_engine("sqlite://"), [complaints])
    with pytest.raises(ImportUsageError, match="unknown kind"):
        import_files(sa.create_engine("sqlite://"), ["x.csv"], kind="cases")
