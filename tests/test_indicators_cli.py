"""``openness indicators``: columns, order, BOM, nulls, errors (cli.md)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from db_records import FEEDBACK, SUPERVISION, insert_records
from indicator_world import UNITS
from typer.testing import CliRunner

from openness.cli import app
from queries.engine.indicators import indicator_table
from queries.model.catalogue import table_columns
from queries.store.frames import load_frames

runner = CliRunner()


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # frame caches go to <OPENNESS_DATA>/cache: keep them out of the project's data/
    monkeypatch.setenv("OPENNESS_DATA", str(tmp_path / "data"))


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["indicators", *args])


def test_csv_columns_bom_and_full_precision(engine: sa.Engine, db_url: str) -> None:
    insert_records(engine, {"units": UNITS, "feedback": FEEDBACK, "supervision": SUPERVISION})
    res = _run("--period", "2026-Q2", "--as-of", "2026-04-10 12:00", "--db", db_url)
    assert res.exit_code == 0, res.stderr
    data = res.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(table_columns())
    assert [r[0] for r in rows[1:]] == ["B", "B1", "B1-S1", "B1-S2", "B2"]
    by_unit = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    # B1-S2: one enquiry, unanswered and open, due 04-09 12:00 < as-of: late
    assert by_unit["B1-S2"]["R_ONTIME"] == "0.0"
    assert by_unit["B1-S2"]["R_ONTIME_n"] == "1"
    # unknown values are empty cells
    assert by_unit["B1-S2"]["R_REPLY"] == "" and by_unit["B1-S2"]["R_REPLY_n"] == "0"
    # full precision: the value round-trips to the computed float exactly
    table = indicator_table(load_frames(engine), "2026-Q2", "2026-04-10 12:00")
    lo = table.filter(table["unit_id"] == "B")["R_RESPONSE_lo"][0]
    assert float(by_unit["B"]["R_RESPONSE_lo"]) == lo
    assert len(by_unit["B"]["R_RESPONSE_lo"]) > 10


def test_json_unit_subtree_and_out_file(engine: sa.Engine, db_url: str, tmp_path: Path) -> None:
    insert_records(engine, {"units": UNITS, "feedback": FEEDBACK})
    out = tmp_path / "t.json"
    res = _run(
        "--period", "2026-Q2", "--as-of", "2026-04-10", "--unit", "B1",
        "--format", "json", "--out", str(out), "--db", db_url,
    )  # fmt: skip
    assert res.exit_code == 0, res.stderr
    assert res.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["unit_id"] for r in data] == ["B1", "B1-S1", "B1-S2"]
    assert list(data[0]) == list(table_columns())
    # nothing disclosed in the period: null, not 0 or ""
    assert data[0]["O_TIMELY"] is None and data[0]["O_TIMELY_n"] == 0
    assert data[0]["parent_id"] == "B"


def test_config_changes_the_numbers(engine: sa.Engine, db_url: str, tmp_path: Path) -> None:
    insert_records(engine, {"units": UNITS, "feedback": FEEDBACK})
    cfg = tmp_path / "s.toml"
    # the enquiry was received 04-08 23:59:59 with due_at 04-09 12:00: due_at wins over
    # the kind's default, so only basically_satisfied_weight shows here: c1 is basically
    # satisfied -> S_SATISFACTION 0.9 with w = 0.9
    cfg.write_text("basically_satisfied_weight = 0.9\n", encoding="utf-8")
    args = ["--period", "2026-Q2", "--as-of", "2026-04-10", "--format", "json", "--db", db_url]
    plain = json.loads(_run(*args).stdout)
    tuned = json.loads(_run(*args, "--config", str(cfg)).stdout)
    assert plain[0]["S_SATISFACTION"] == 1.0
    assert tuned[0]["S_SATISFACTION"] == 0.9


def test_errors_exit_2_with_one_line(engine: sa.Engine, db_url: str, tmp_path: Path) -> None:
    insert_records(engine, {"units": UNITS})
    bad = tmp_path / "bad.toml"
    bad.write_text("[weights.openness]\nO_COVERAGE = -1\n", encoding="utf-8")
    cases = [
        (["--period", "2026-Q5"], "2026-Q5"),
        (["--period", "2026", "--as-of", "someday"], "someday"),
        (["--period", "2026", "--unit", "NOPE"], "NOPE"),
        (["--period", "2026", "--config", str(bad)], "weights.openness.O_COVERAGE"),
        (["--period", "2026", "--format", "xml"], "xml"),
        # --out naming a folder says so (its OSError has no strerror of its own)
        (["--period", "2026", "--out", str(tmp_path)], f"--out {tmp_path}: a folder, not a file"),
        # text quoted from the input stays as typed: no Rich markup, no emoji codes
        (["--period", "2026", "--unit", ":x: [b]B9[/b]"], ":x: [b]B9[/b]"),
    ]
    for args, needle in cases:
        res = _run(*args, "--db", db_url)
        assert res.exit_code == 2, (args, res.stderr)
        assert needle in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert res.stdout == ""


def test_incomplete_calendar_warning(engine: sa.Engine, db_url: str) -> None:
    from test_indicators_db import DISCLOSURES

    late = dict(
        DISCLOSURES[0],
        disclosure_id="d9",
        formed_on=DISCLOSURES[0]["formed_on"].replace(year=2026, month=12, day=20),
        published_on=DISCLOSURES[0]["published_on"].replace(year=2027, month=1, day=8),
        withdrawn_on=None,
    )
    insert_records(engine, {"units": UNITS, "disclosures": [late]})
    res = _run("--period", "2027-01", "--as-of", "2027-02-01", "--db", db_url)
    assert res.exit_code == 0
    # chinese_calendar 1.11 has no 2027 schedule: 12-20 -> 2027-01-08 counted Mon-Fri
    assert "working-day calendar" in res.stderr
    ok = _run("--period", "2026-12", "--as-of", "2027-02-01", "--db", db_url)
    assert "working-day calendar" not in ok.stderr


def test_csv_neutralises_a_hostile_unit_name(engine: sa.Engine, db_url: str) -> None:
    hostile = [dict(u) for u in UNITS]
    hostile[1]["name"] = '=HYPERLINK("http://evil.example","一分局")'
    hostile[2]["name"] = "@cmd|' /C calc'!A0"
    insert_records(engine, {"units": hostile})
    res = _run("--period", "2026-Q2", "--as-of", "2026-04-10", "--db", db_url)
    assert res.exit_code == 0, res.stderr
    rows = list(csv.reader(io.StringIO(res.stdout_bytes.decode("utf-8-sig"))))
    names = {r[0]: r[rows[0].index("name")] for r in rows[1:]}
    assert names["B1"] == '\'=HYPERLINK("http://evil.example","一分局")'
    assert names["B1-S1"] == "'@cmd|' /C calc'!A0"
    assert names["B"] == "市局"


def test_a_database_that_is_not_there_is_named_and_never_created(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "x.db"
    res = _run("--period", "2026", "--db", f"sqlite:///{missing}")
    assert res.exit_code == 2 and f"no database at {missing}" in res.stderr
    assert not missing.exists() and not missing.parent.exists()


def test_a_database_password_never_reaches_a_message() -> None:
    # nothing listens on port 1: the connection fails, and the message names the URL
    res = _run("--period", "2026", "--db", "postgresql+psycopg://clerk:S3cret-pw@127.0.0.1:1/x")
    assert res.exit_code == 2, res.stderr
    assert "clerk:***@127.0.0.1:1/x" in res.stderr and "S3cret-pw" not in res.stderr


def test_data_gaps_are_named_on_stderr(engine: sa.Engine, db_url: str) -> None:
    """An export without disclosures reads as units that disclose nothing: the command
    says so, as the dashboard and the briefing do (docs/DECISIONS.md, "Data gaps")."""
    from datetime import date

    from seed_data.generator import seed_database

    insert_records(engine, {"units": UNITS, "feedback": FEEDBACK, "supervision": SUPERVISION})
    res = _run("--period", "2026-Q2", "--as-of", "2026-04-10 12:00", "--db", db_url)
    assert res.exit_code == 0, res.stderr
    (line,) = [x for x in res.stderr.splitlines() if x.startswith("warning: Data gaps:")]
    assert "the database holds no disclosure records" in line
    assert "Catalogue coverage" in line  # O_COVERAGE, one of the indicators resting on them
    # a complete export: no such warning
    with engine.begin() as conn:
        for table in ("feedback", "supervision", "disclosures", "units"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    seed_database(engine, "tiny", 7, date(2026, 6, 30), progress=False)
    ok = _run("--period", "2026-Q2", "--as-of", "2026-06-30", "--db", db_url)
    assert ok.exit_code == 0, ok.stderr
    assert "Data gaps" not in ok.stderr
