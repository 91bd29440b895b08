"""From the database to the table: load_frames on SQLite and PostgreSQL, real records."""

from __future__ import annotations

import csv
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa
from conftest import REAL_RECORDS
from db_records import DISCLOSURES, FEEDBACK, SUPERVISION, insert_records
from indicator_world import UNITS
from polars.testing import assert_frame_equal

from queries.engine.indicators import compute_table, indicator_table
from queries.model.catalogue import table_columns
from queries.model.periods import parse_as_of
from queries.model.settings import load_settings
from queries.store.changes import change_marker
from queries.store.frames import load_frames
from queries.store.schemas import SCHEMAS, make_frames


def test_load_frames_types_and_values(engine: sa.Engine) -> None:
    insert_records(
        engine,
        {
            "units": UNITS,
            "feedback": FEEDBACK,
            "disclosures": DISCLOSURES,
            "supervision": SUPERVISION,
        },
    )
    f = load_frames(engine)
    for name, schema in SCHEMAS.items():
        assert f[name].schema == schema, name
    expected = make_frames(
        units=UNITS, feedback=FEEDBACK, disclosures=DISCLOSURES, supervision=SUPERVISION
    )
    for name in SCHEMAS:
        key = f[name].columns[0]
        assert_frame_equal(f[name].sort(key), expected[name].sort(key), check_row_order=True)
    # the table from the database equals the table from the same records in memory
    as_of = "2026-04-10 12:00"
    assert_frame_equal(
        indicator_table(f, "2026-Q2", as_of), indicator_table(expected, "2026-Q2", as_of)
    )


def test_empty_database(engine: sa.Engine) -> None:
    f = load_frames(engine)
    assert f.row_counts == {"units": 0, "disclosures": 0, "feedback": 0, "supervision": 0}
    t = indicator_table(f, "2026", "2026-12-31")
    assert t.height == 0 and t.columns == list(table_columns())


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(REAL_RECORDS / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _real_rows() -> dict[str, list[dict[str, Any]]]:
    """units.csv and feedback.csv of the real Detroit records, typed by hand."""
    units = [{k: (v or None) for k, v in r.items()} for r in _read_csv("units.csv")]
    feedback = []
    for r in _read_csv("feedback.csv"):
        row: dict[str, Any] = {k: (v or None) for k, v in r.items()}
        for k in ("received_at", "due_at", "first_response_at", "closed_at", "return_visit_at"):
            if row[k]:
                row[k] = parse_as_of(row[k])
        for k in ("reasoned_reply", "resolved"):
            if row[k] is not None:
                row[k] = row[k].strip().lower() in ("true", "1", "yes", "是")
        feedback.append(row)
    return {"units": units, "feedback": feedback}


def test_units_and_feedback_only_gives_a_complete_table(engine: sa.Engine) -> None:
    rows = _real_rows()
    known = {u["unit_id"] for u in rows["units"]}
    insert_records(engine, rows)
    f = load_frames(engine)
    s = load_settings(REAL_RECORDS / "settings.toml")
    res = compute_table(f, "2016", "2017-06-30", s)
    t = res.table
    assert t.columns == list(table_columns())
    assert t.height == len(known)
    assert t["unit_id"].to_list() == sorted(known)
    # no disclosures or supervision: those indicators have n = 0 and no value
    for code in ("O_TIMELY", "O_DEPTH", "O_CHANNELS", "O_SUPERVISION_PUBLIC", "R_RECTIFY"):
        assert t[code].null_count() == t.height
        assert t[f"{code}_n"].sum() == 0
    # coverage: nothing disclosed, every catalogue entry missing
    assert t["O_COVERAGE"].drop_nulls().to_list() == [0.0] * t["O_COVERAGE"].drop_nulls().len()
    # the root's R_ONTIME n counts every 2016 case of the known units that is due or closed
    root = t.filter(pl.col("parent_id").is_null())
    received_2016 = [
        r for r in rows["feedback"] if r["received_at"].year == 2016 and r["unit_id"] in known
    ]
    assert root["S_REPEAT_n"].sum() == len(received_2016)
    assert res.calendar_complete


def test_readers_agree_and_the_cache_follows_changes(engine: sa.Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]

    insert_records(
        engine,
        {
            "units": UNITS,
            "feedback": FEEDBACK,
            "disclosures": DISCLOSURES,
            "supervision": SUPERVISION,
        },
    )
    by_sa = load_frames(engine, reader="sqlalchemy")
    if engine.dialect.name == "postgresql":
        by_cx = load_frames(engine, reader="connectorx")
        for name in SCHEMAS:
            key = by_sa[name].columns[0]
            assert_frame_equal(by_cx[name].sort(key), by_sa[name].sort(key))
    else:
        # connectorx's own SQLite library would break our connections' locks
        with pytest.raises(RuntimeError, match="connectorx cannot read"):
            load_frames(engine, reader="connectorx")
    marker = change_marker(engine)
    assert marker is not None
    cached = load_frames(engine, cache_dir=tmp_path)
    again = load_frames(engine, cache_dir=tmp_path)
    for name in SCHEMAS:
        assert_frame_equal(again[name], cached[name])
    # nothing wrote to the records: the marker stays (SQLite: the second load came
    # from the cache; PostgreSQL: the reads moved nothing, nor did writes elsewhere)
    assert change_marker(engine) == marker
    if engine.dialect.name == "sqlite":
        assert len(list(tmp_path.glob("*/meta.json"))) == 1
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE elsewhere (x int)"))
            conn.execute(sa.text("INSERT INTO elsewhere VALUES (1)"))
            conn.execute(sa.text("DROP TABLE elsewhere"))
        assert change_marker(engine) == marker
    # a write changes the marker: the cache is not used
    more = dict(FEEDBACK[0], case_id="c9", unit_id="B2")
    insert_records(engine, {"feedback": [more]})
    assert change_marker(engine) != marker
    after = load_frames(engine, cache_dir=tmp_path)
    assert after.feedback.height == by_sa.feedback.height + 1
    assert "c9" in after.feedback["case_id"].to_list()
