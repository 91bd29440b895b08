"""queries.jobs.store: jobs in the database, the claim of a slot, the Jobs page's read,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from queries.access import audit
from queries.access.gate import Denied, Gate
from queries.access.roles import Person, Role
from queries.jobs import store
from queries.model.schema import job_run

pytestmark = pytest.mark.usefixtures("data_folder")

ADDED = datetime(2026, 11, 20, 9, 30)


def _monthly(engine: sa.Engine) -> store.Job:
    return store.add_job(
        engine,
        "monthly",
        "briefing",
        "0 8 1 * *",
        {"period": "previous-month", "format": "docx", "to": ["mail:lo@bureau.cn"]},
        unit_id=None,
        actor="cli:ops",
        at=ADDED,
    )


def test_a_job_added_runs_first_at_its_schedule_s_next_slot(engine: sa.Engine) -> None:
    j = _monthly(engine)

    # added 20 November 09:30; "0 8 1 * *" next fires 1 December 08:00
    assert j.next_run == datetime(2026, 12, 1, 8, 0)
    assert (j.last_run, j.last_result, j.scope) == (None, None, "all")
    trail = audit.read(engine)
    assert trail.select("user", "event", "detail").rows() == [
        ("cli:ops", "changed", "job monthly added: briefing, schedule 0 8 1 * *")
    ]
    with pytest.raises(store.JobError, match="a job named 'monthly' exists"):
        _monthly(engine)


def test_a_slot_is_claimed_once_and_its_run_moves_the_next_run(engine: sa.Engine) -> None:
    j = _monthly(engine)
    slot = datetime(2026, 12, 1, 8, 0)
    assert store.due_jobs(engine, datetime(2026, 12, 1, 7, 59)) == []
    assert [d.name for d in store.due_jobs(engine, slot)] == ["monthly"]

    first = store.claim(engine, j, slot, "cli:a")
    second = store.claim(engine, j, slot, "cli:b")

    assert first is not None and second is None
    store.finish(engine, j, first, "ok", at=slot, scheduled=True, actor="cli:a")
    after = store.get_job(engine, "monthly")
    assert after is not None
    assert (after.last_run, after.last_result) == (slot, "ok")
    assert after.next_run == datetime(2027, 1, 1, 8, 0)
    runs = store.runs(engine)
    assert runs.select("job", "slot", "result", "started_by").rows() == [
        ("monthly", slot, "ok", "cli:a")
    ]
    events = audit.read(engine, events=("job_run",))
    assert events.select("user", "detail").rows() == [("cli:a", "job monthly: ok")]


def test_removing_a_job_removes_its_runs_and_is_audited(engine: sa.Engine) -> None:
    j = _monthly(engine)
    store.claim(engine, j, datetime(2026, 12, 1, 8), "cli:a")
    store.remove_job(engine, "monthly", actor="cli:ops")

    assert store.list_jobs(engine) == []
    assert store.runs(engine).is_empty()
    assert audit.read(engine)["detail"].to_list()[-1] == "job monthly removed"
    with pytest.raises(store.JobError, match="no job named 'monthly'"):
        store.remove_job(engine, "monthly", actor="cli:ops")


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.UNIT_HEAD, Role.LIAISON, Role.VIEWER])
def test_the_jobs_are_read_by_admins_only(engine: sa.Engine, role: Role) -> None:
    _monthly(engine)
    admin = Gate(engine, Person("admin@bureau.cn", Role.ADMIN))
    assert admin and store.jobs_view(admin).jobs["name"].to_list() == ["monthly"]

    other = Gate(engine, Person("x@bureau.cn", role, unit_id="B01"))
    with pytest.raises(Denied):
        store.jobs_view(other)
    denied = audit.read(engine, events=("denied",))
    assert denied.select("user", "detail").rows() == [("x@bureau.cn", "jobs: jobs page")]


def test_a_job_still_running_is_not_started_again_for_a_later_slot(engine: sa.Engine) -> None:
    j = store.add_job(
        engine, "each-minute", "import", "* * * * *", {"folder": "/srv/drop"},
        unit_id=None, actor="cli:ops", at=ADDED,
    )  # fmt: skip
    first = store.claim(engine, j, datetime(2026, 11, 20, 9, 31), "cli:a")
    assert first is not None
    # a minute later its run is still going: the next slot waits
    assert store.claim(engine, j, datetime(2026, 11, 20, 9, 32), "cli:b") is None
    store.finish(
        engine, j, first, "ok", at=datetime(2026, 11, 20, 9, 31), scheduled=True, actor="cli:a"
    )
    assert store.claim(engine, j, datetime(2026, 11, 20, 9, 33), "cli:b") is not None
    # a run that died (never finished) holds its job back for RUNNING_HOURS, no longer
    with engine.begin() as conn:
        conn.execute(
            sa.update(job_run)
            .where(job_run.c.finished.is_(None))
            .values(started=datetime(2026, 1, 1))  # long before now, more than 6 hours
        )
    assert store.claim(engine, j, datetime(2026, 11, 20, 9, 34), "cli:c") is not None


def test_a_run_that_died_is_listed_as_not_finished(engine: sa.Engine) -> None:
    """A run without a result is "running" while it may still be (RUNNING_HOURS = 6 h
    after its start), then "failed: did not finish" (its process died: nobody else will
    ever write its result), never an empty result."""
    j = _monthly(engine)
    run_id = store.claim(engine, j, datetime(2026, 12, 1, 8), "cli:a")
    assert run_id is not None
    with engine.begin() as conn:
        conn.execute(
            sa.update(job_run)
            .where(job_run.c.run_id == run_id)
            .values(started=datetime(2026, 12, 1, 8, 0, 5))
        )
    # 08:00:05 + 6 h = 14:00:05: at 14:00:04 it may still run, at 14:00:06 it died
    assert store.runs(engine, at=datetime(2026, 12, 1, 14, 0, 4))["result"].to_list() == ["running"]
    assert store.runs(engine, at=datetime(2026, 12, 1, 14, 0, 6))["result"].to_list() == [
        "failed: did not finish"
    ]
    store.finish(engine, j, run_id, "ok", at=datetime(2026, 12, 1, 8, 1), scheduled=True,
                 actor="cli:a")  # fmt: skip
    assert store.runs(engine, at=datetime(2026, 12, 2))["result"].to_list() == ["ok"]
