"""``openness jobs`` (cli.md, "Jobs") as cron runs it: real processes on SQLite and
PostgreSQL. Two `run-due` started together run a slot once; after an outage the slots
missed are one run; each slot once, and the audit trail says so."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import own_database
from db_records import record_days
from import_helpers import UNITS, logs, write
from jobs_support import claims_held
from typer.testing import CliRunner

from openness.cli import app
from queries.access import audit
from queries.jobs import store
from queries.jobs.schedule import next_slot
from queries.model.clock import now_local
from queries.model.db import init_db, make_engine
from seed_data.generator import seed_database

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("data_folder")


def _openness(*args: str, data: Path) -> subprocess.Popen[str]:
    """``openness ARGS`` in a process of its own, as cron starts it."""
    env = {**os.environ, "OPENNESS_DATA": str(data)}
    env.pop("OPENNESS_DB", None)
    return subprocess.Popen(
        [sys.executable, "-m", "openness", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _aged(path: Path) -> Path:
    then = time.time() - 120
    os.utime(path, (then, then))
    return path


def _cli(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_two_run_due_processes_started_together_run_a_slot_once(
    kind: str, tmp_path: Path, data_folder: Path
) -> None:
    with own_database(kind, tmp_path, "jobs_race") as url:
        engine = make_engine(url)
        init_db(engine)
        drop = tmp_path / "drop"
        drop.mkdir()
        _aged(write(drop / "units.csv", UNITS))
        code, _, err = _cli(
            "jobs", "add", "import", "--name", "hourly", "--schedule", "0 * * * *",
            "--folder", str(drop), "--db", url,
        )  # fmt: skip
        assert code == 0, err
        j = store.get_job(engine, "hourly")
        assert j is not None
        at = f"{j.next_run:%Y-%m-%d %H:%M}"

        # both processes find the job due and are held at their claims, then let go
        with claims_held(url) as procs:
            for _ in range(2):
                procs.append(
                    _openness("jobs", "run-due", "--at", at, "--db", url, data=data_folder)
                )
        done = [p.communicate(timeout=120) for p in procs]

        assert [p.returncode for p in procs] == [0, 0], done
        said = "".join(e for _, e in done)
        assert said.count("job hourly: ok") == 1, said
        assert logs(engine) == [("units", 3, 3, 0, "committed")]
        assert store.runs(engine, "hourly").select("slot", "result").rows() == [(j.next_run, "ok")]
        trail = audit.read(engine, events=("job_run",))
        assert trail["detail"].to_list() == ["job hourly: ok"]
        engine.dispose()


def test_a_job_missed_during_an_outage_runs_once_on_return(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    code, _, err = _cli(
        "jobs", "add", "import", "--name", "nightly", "--schedule", "30 2 * * *",
        "--folder", str(drop), "--db", db_url,
    )  # fmt: skip
    assert code == 0, err
    j = store.get_job(engine, "nightly")
    assert j is not None
    # the server was down for three nights; it is back at 09:00 on the fourth day
    back = j.next_run + timedelta(days=3, hours=6, minutes=30)

    first = _cli("jobs", "run-due", "--at", f"{back:%Y-%m-%d %H:%M}", "--db", db_url)
    again = _cli(
        "jobs", "run-due", "--at", f"{back + timedelta(minutes=1):%Y-%m-%d %H:%M}", "--db", db_url
    )

    assert first[0] == 0 and again[0] == 0, (first, again)
    assert "job nightly: skipped: no new file" in first[2]
    assert again[2] == ""  # nothing due any more
    last_missed = j.next_run + timedelta(days=3)  # 02:30 on the day it came back
    runs = store.runs(engine, "nightly")
    assert runs.select("slot", "result").rows() == [(last_missed, "skipped: no new file")]
    after = store.get_job(engine, "nightly")
    assert after is not None and after.next_run == last_missed + timedelta(days=1)


def test_each_slot_once_with_the_audit_trail_saying_so(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    """A nightly public bundle, run by cron every minute over two nights."""
    out = tmp_path / "public"
    code, _, err = _cli(
        "jobs", "add", "publish", "--name", "bundle", "--schedule", "0 1 * * *",
        "--period", "previous-month", "--out", str(out), "--db", db_url,
    )  # fmt: skip
    assert code == 0, err
    j = store.get_job(engine, "bundle")
    assert j is not None
    night = j.next_run  # the first night after now: the records reach up to it
    seed_database(engine, "tiny", 7, night.date(), progress=False)
    # cron at the slot, a minute after, and at the next night's slot
    for at in (night, night + timedelta(minutes=1), night + timedelta(days=1)):
        code, _, err = _cli("jobs", "run-due", "--at", f"{at:%Y-%m-%d %H:%M}", "--db", db_url)
        assert code == 0, err
        assert (out / "summary.csv").is_file()

    runs = store.runs(engine, "bundle").sort("slot")
    assert runs.select("slot", "result").rows() == [
        (night, "ok"),
        (night + timedelta(days=1), "ok"),
    ]
    trail = audit.read(engine, events=("job_run", "changed"))
    assert trail.select("event", "detail").rows() == [
        ("changed", "job bundle added: publish, schedule 0 1 * * *"),
        ("job_run", "job bundle: ok"),
        ("job_run", "job bundle: ok"),
    ]
    code, listed, _ = _cli("jobs", "list", "--db", db_url)
    rows = list(csv.DictReader(io.StringIO(listed)))
    assert list(rows[0]) == [
        "name",
        "kind",
        "schedule",
        "scope",
        "last_run",
        "last_result",
        "next_run",
    ]
    assert rows[0]["last_result"] == "ok"
    assert rows[0]["next_run"] == f"{night + timedelta(days=2):%Y-%m-%d %H:%M}"


def test_a_bundle_for_a_month_outside_the_records_is_skipped(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    """A nightly bundle of the previous month, due on 2025-07-11: June 2025 ends before
    the tiny city's first record (2025-07-01), so nothing is published (a bundle of zeros
    for a month the database does not reach), and the run says why; likewise a month
    after the latest record (its records not imported yet)."""
    seed_database(engine, "tiny", 7, date(2026, 6, 30), progress=False)
    out = tmp_path / "public"
    store.add_job(
        engine, "bundle", "publish", "0 1 * * *", {"period": "previous-month", "out": str(out)},
        unit_id=None, actor="cli:ops", at=datetime(2025, 7, 10, 12),
    )  # fmt: skip
    code, _, said = _cli("jobs", "run-due", "--at", "2025-07-11 01:00", "--db", db_url)
    assert code == 0, said
    assert said == "job bundle: skipped: the period ends before the first record (2025-07-01)\n"
    assert not out.exists()
    # a month later, July 2025 holds records: published
    code, _, said = _cli("jobs", "run-due", "--at", "2025-08-11 01:00", "--db", db_url)
    assert (code, said) == (0, "job bundle: ok\n"), said
    assert (out / "summary.csv").is_file()
    published = (out / "summary.csv").read_bytes()
    # the records end in June 2026: on 2026-08-11 July holds none (not imported yet),
    # so the bundle on the website stays the one published before
    _first, latest = record_days(engine)
    assert latest.startswith("2026-06")
    code, _, said = _cli("jobs", "run-due", "--at", "2026-08-11 01:00", "--db", db_url)
    assert (code, said) == (
        0,
        f"job bundle: skipped: the period begins after the latest record ({latest})\n",
    ), said
    assert (out / "summary.csv").read_bytes() == published


def test_run_due_exits_1_naming_the_job_that_failed(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    _cli(
        "jobs",
        "add",
        "import",
        "--name",
        "gone",
        "--schedule",
        "* * * * *",
        "--folder",
        str(drop),
        "--db",
        db_url,
    )
    drop.rmdir()
    at = next_slot("* * * * *", now_local())

    code, _, err = _cli("jobs", "run-due", "--at", f"{at:%Y-%m-%d %H:%M}", "--db", db_url)

    assert code == 1
    assert f"job gone: failed: drop folder {drop} does not exist or is not a folder" in err
    code, _, err = _cli("jobs", "run", "gone", "--db", db_url)
    assert code == 1 and "job gone: failed: drop folder" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--name", "x", "--schedule", "* * * * *"], "KIND must be one of import"),
        (["import", "--name", "x", "--schedule", "0 8 * *"], "--schedule: a schedule is five cron fields"),
        (["import", "--name", "x", "--schedule", "61 8 * * *"], "--schedule: schedule '61 8 * * *': the minute field '61' is not within 0-59"),
        (["import", "--name", "x", "--schedule", "0 8 31 2 *"], "the day field '31' is not a day 1-31 that the months given have"),
        (["import", "--name", "x", "--schedule", "* * * * *"], "import jobs need --folder"),
        (["import", "--name", "x y", "--schedule", "* * * * *", "--folder", "."], "a job's name is"),
        (["publish", "--name", "x", "--schedule", "* * * * *", "--period", "2026-03", "--out", "p"], "--period must be one of previous-month"),
        (["alerts", "--name", "x", "--schedule", "* * * * *", "--to", "pager:ops"], "the channel must be one of"),
        (["alerts", "--name", "x", "--schedule", "* * * * *", "--to", "dingtalk:ops", "--folder", "."], "--folder is not an option of alerts jobs"),
        (["alerts", "--name", "x", "--schedule", "* * * * *", "--to", "dingtalk:ops", "--unit", "NOPE"], "--unit: unknown unit 'NOPE'"),
    ],
)  # fmt: skip
def test_bad_jobs_are_refused_with_exit_2(db_url: str, args: list[str], message: str) -> None:
    code, _, err = _cli("jobs", "add", *args, "--db", db_url)
    assert code == 2
    assert message in " ".join(err.split()), err
    assert (
        _cli("jobs", "list", "--db", db_url)[1].strip()
        == "name,kind,schedule,scope,last_run,last_result,next_run"
    )


def test_unknown_job_names_exit_2(db_url: str) -> None:
    assert _cli("jobs", "run", "nope", "--db", db_url)[0] == 2
    assert _cli("jobs", "remove", "nope", "--db", db_url)[0] == 2
    assert _cli("jobs", "run-due", "--at", "not a time", "--db", db_url)[0] == 2


def test_a_target_is_checked_against_the_settings_channels(db_url: str, tmp_path: Path) -> None:
    config = write(tmp_path / "settings.toml", '[channels.ops]\nkind = "outbox"\n')
    add = ["jobs", "add", "alerts", "--name", "daily", "--schedule", "0 9 * * *", "--db", db_url]

    # one line, the --to value named once
    code, _, err = _cli(*add, "--to", "dingtalk:group", "--config", str(config))
    assert (code, err) == (
        2,
        "error: --to 'dingtalk:group': the settings have no [channels.group] table\n",
    )
    code, _, err = _cli(*add, "--to", "dingtalk:ops", "--config", str(config))
    assert (code, err) == (
        2,
        "error: --to 'dingtalk:ops': [channels.ops] is an outbox channel, not dingtalk\n",
    )

    code, _, err = _cli(*add, "--to", "outbox:ops", "--config", str(config))
    assert code == 0, err
