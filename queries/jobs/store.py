"""Jobs declared in the database (cli.md, "Jobs"): add, list, remove; which are due; a
run claimed once per slot and its result kept. SQLAlchemy Core, the same on SQLite and
PostgreSQL.

The lock of ``openness jobs run-due`` is the unique (job_id, slot) of ``job_run``: a
process claims a run by inserting its row, and a second process that finds the same
slot due fails to insert and leaves it (:func:`claim`). A run that dies half-way keeps
its claim: the slot is not run twice; a later slot runs once :data:`RUNNING_HOURS` have
passed, and the runs list (:func:`runs`) shows it as ``failed: did not finish``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import polars as pl
import sqlalchemy as sa

from queries.access import audit
from queries.access.roles import Area, Person
from queries.jobs.schedule import next_slot
from queries.model.clock import now_local
from queries.model.schema import job, job_run
from queries.model.tree import Tree

if TYPE_CHECKING:  # run-due finds nothing due without loading the engine the gate reads
    from queries.access.gate import Gate

KINDS = ("import", "briefing", "publish", "alerts")
# a job's name: what a person types after `jobs run` (letters, digits, - _ .)
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

# an unfinished run younger than this holds its job back (a run that died: after this long)
RUNNING_HOURS = 6

# cli.md's `jobs list` columns
LIST_COLUMNS = ("name", "kind", "schedule", "scope", "last_run", "last_result", "next_run")


class JobError(ValueError):
    """A job that cannot be added or found (the message names it)."""


@dataclass(frozen=True)
class Job:
    """One job as the database holds it."""

    job_id: int
    name: str
    kind: str
    schedule: str
    options: Mapping[str, Any]
    unit_id: str | None
    created_by: str
    created_at: datetime
    last_run: datetime | None
    last_result: str | None
    next_run: datetime
    memory: Any = field(default=None, compare=False)

    @property
    def scope(self) -> str:
        """What the job covers: its unit, else every unit (``all``), or its folder."""
        if self.kind == "import":
            return str(self.options.get("folder", ""))
        return self.unit_id or "all"


def _job(row: Any) -> Job:
    m = row._mapping
    return Job(
        job_id=m["job_id"],
        name=m["name"],
        kind=m["kind"],
        schedule=m["schedule"],
        options=json.loads(m["options"]),
        unit_id=m["unit_id"],
        created_by=m["created_by"],
        created_at=m["created_at"],
        last_run=m["last_run"],
        last_result=m["last_result"],
        next_run=m["next_run"],
        memory=json.loads(m["memory"]) if m["memory"] else None,
    )


def check_name(name: str) -> str:
    """``name`` when it is 1-64 of letters, digits, ``-``, ``_`` and ``.``; else JobError."""
    if not name or len(name) > 64 or not set(name) <= NAME_CHARS:
        raise JobError(f"a job's name is 1-64 letters, digits, '-', '_' or '.', not {name!r}")
    return name


def add_job(
    engine: sa.Engine,
    name: str,
    kind: str,
    schedule: str,
    options: Mapping[str, Any],
    *,
    unit_id: str | None,
    actor: str,
    person: Person | None = None,
    at: datetime | None = None,
    key: bytes | None = None,
) -> Job:
    """Add a job (its first run: the schedule's first slot after ``at``, default now),
    audited as ``changed`` in the same transaction. JobError when the name is taken."""
    if kind not in KINDS:
        raise JobError(f"a job's kind is one of {', '.join(KINDS)}, not {kind!r}")
    check_name(name)
    now = at or now_local()
    row = {
        "name": name,
        "kind": kind,
        "schedule": schedule,
        "options": json.dumps(dict(options), ensure_ascii=False, sort_keys=True),
        "unit_id": unit_id,
        "created_by": actor,
        "created_at": now,
        "next_run": next_slot(schedule, now),
    }
    # every transaction here writes first: on SQLite a transaction that read first cannot
    # wait for the write lock (it fails at once when another process wrote meanwhile)
    try:
        with engine.begin() as conn:
            conn.execute(job.insert().values(**row))
            _audit_added(conn, row, person, actor, key)
    except sa.exc.IntegrityError:
        raise JobError(f"a job named {name!r} exists: remove it first") from None
    found = get_job(engine, name)
    assert found is not None
    return found


def _audit_added(
    conn: sa.Connection, row: dict[str, Any], person: Person | None, actor: str, key: bytes | None
) -> None:
    """The ``changed`` event of a job added (``row``: its row)."""
    detail = f"job {row['name']} added: {row['kind']}, schedule {row['schedule']}"
    if row["unit_id"]:
        detail += f", unit {row['unit_id']}"
    audit.write(conn, "changed", person, detail=detail, email=actor, key=key)


def remove_job(
    engine: sa.Engine,
    name: str,
    *,
    actor: str,
    person: Person | None = None,
    key: bytes | None = None,
) -> None:
    """Remove a job and its runs (the audit trail keeps what they did), audited as
    ``changed``. JobError when there is no such job."""
    with engine.begin() as conn:
        found = conn.execute(job.delete().where(job.c.name == name).returning(job.c.job_id)).first()
        if found is None:
            raise JobError(f"no job named {name!r}")
        conn.execute(job_run.delete().where(job_run.c.job_id == found[0]))
        audit.write(conn, "changed", person, detail=f"job {name} removed", email=actor, key=key)


def get_job(engine: sa.Engine, name: str) -> Job | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(job).where(job.c.name == name)).first()
    return _job(row) if row is not None else None


def list_jobs(engine: sa.Engine) -> list[Job]:
    """Every job, by name."""
    with engine.connect() as conn:
        return [_job(r) for r in conn.execute(sa.select(job).order_by(job.c.name))]


def due_jobs(engine: sa.Engine, at: datetime) -> list[Job]:
    """The jobs whose next run is at or before ``at``, by next run then name."""
    q = sa.select(job).where(job.c.next_run <= at).order_by(job.c.next_run, job.c.name)
    with engine.connect() as conn:
        return [_job(r) for r in conn.execute(q)]


def claim(engine: sa.Engine, j: Job, slot: datetime, actor: str) -> int | None:
    """Claim the run of ``j`` for ``slot``: its run id, or None when another process
    claimed that slot first (the insert meets the unique (job_id, slot)), or when a run of
    ``j`` started less than :data:`RUNNING_HOURS` ago has not finished (a job slower than
    its schedule is not run twice at once; a run that died is waited for that long)."""
    now = now_local()
    with engine.connect() as conn, conn.begin() as tx:
        try:  # the insert first: the write lock (SQLite) before anything is read
            result = conn.execute(
                job_run.insert().values(job_id=j.job_id, slot=slot, started=now, started_by=actor)
            )
        except sa.exc.IntegrityError:
            tx.rollback()
            return None
        key = result.inserted_primary_key
        assert key is not None
        run_id = int(key[0])
        running = conn.execute(
            sa.select(job_run.c.run_id)
            .where(
                job_run.c.job_id == j.job_id,
                job_run.c.run_id != run_id,
                job_run.c.finished.is_(None),
                job_run.c.started > now - timedelta(hours=RUNNING_HOURS),
            )
            .limit(1)
        ).first()
        if running is not None:
            tx.rollback()
            return None
    return run_id


def finish(
    engine: sa.Engine,
    j: Job,
    run_id: int,
    result: str,
    *,
    at: datetime,
    scheduled: bool,
    actor: str,
    person: Person | None = None,
    memory: Any = None,
    key: bytes | None = None,
) -> None:
    """Record a run's result on its row and on the job (last run and result; a
    scheduled run also moves the next run past ``at``; ``memory``: what the job keeps
    for its next run, None to keep what it had), audited as ``job_run``."""
    values: dict[str, Any] = {"last_run": at, "last_result": result}
    if scheduled:
        values["next_run"] = next_slot(j.schedule, at)
    if memory is not None:
        values["memory"] = json.dumps(memory, ensure_ascii=False, sort_keys=True)
    with engine.begin() as conn:
        conn.execute(
            job_run.update()
            .where(job_run.c.run_id == run_id)
            .values(finished=now_local(), result=result)
        )
        conn.execute(job.update().where(job.c.job_id == j.job_id).values(**values))
        audit.write(conn, "job_run", person, detail=f"job {j.name}: {result}", email=actor, key=key)


# what a run without a result is shown as: still running, or (started more than
# RUNNING_HOURS ago) a run that died on the way (its process killed, the machine
# stopped), which never wrote one
RUNNING = "running"
DID_NOT_FINISH = "failed: did not finish"


def runs(
    engine: sa.Engine, name: str | None = None, limit: int = 200, at: datetime | None = None
) -> pl.DataFrame:
    """The latest runs (of job ``name``, else of every job), newest first: job, slot,
    started, finished, result, started_by. A run not finished has the result
    :data:`RUNNING`, or :data:`DID_NOT_FINISH` when it started more than
    :data:`RUNNING_HOURS` before ``at`` (default now)."""
    q = (
        sa.select(
            job.c.name.label("job"),
            job_run.c.slot,
            job_run.c.started,
            job_run.c.finished,
            job_run.c.result,
            job_run.c.started_by,
        )
        .join(job, job.c.job_id == job_run.c.job_id)
        .order_by(job_run.c.run_id.desc())
        .limit(limit)
    )
    if name is not None:
        q = q.where(job.c.name == name)
    schema: dict[str, pl.DataType] = {
        "job": pl.String(),
        "slot": pl.Datetime("us"),
        "started": pl.Datetime("us"),
        "finished": pl.Datetime("us"),
        "result": pl.String(),
        "started_by": pl.String(),
    }
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(q)]
    gone = (at or now_local()) - timedelta(hours=RUNNING_HOURS)
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(
        pl.when(pl.col("result").is_not_null())
        .then(pl.col("result"))
        .when(pl.col("started") < gone)
        .then(pl.lit(DID_NOT_FINISH))
        .otherwise(pl.lit(RUNNING))
        .alias("result")
    )


def jobs_frame(jobs: list[Job]) -> pl.DataFrame:
    """``jobs`` as cli.md's `jobs list` table (:data:`LIST_COLUMNS`)."""
    schema: dict[str, pl.DataType] = {
        "name": pl.String(),
        "kind": pl.String(),
        "schedule": pl.String(),
        "scope": pl.String(),
        "last_run": pl.Datetime("us"),
        "last_result": pl.String(),
        "next_run": pl.Datetime("us"),
    }
    rows = [
        (j.name, j.kind, j.schedule, j.scope, j.last_run, j.last_result, j.next_run) for j in jobs
    ]
    return pl.DataFrame(rows, schema=schema, orient="row")


@dataclass(frozen=True)
class JobsView:
    """What the Jobs page shows: every job, the latest runs, the deliveries."""

    jobs: pl.DataFrame
    runs: pl.DataFrame
    deliveries: pl.DataFrame


def jobs_view(gate: Gate, limit: int = 200) -> JobsView:
    """The Jobs page's tables for the gate's person: admins only (access.md); anyone
    else is refused here, where they are read (Denied, audited)."""
    gate.check(Area.JOBS, None, Tree({}, {}, ()), "jobs page")
    engine = gate.engine
    trail = audit.read(engine, events=("delivered",), limit=limit).reverse()
    return JobsView(
        jobs=jobs_frame(list_jobs(engine)),
        runs=runs(engine, limit=limit),
        deliveries=trail.select("at", "user", "detail"),
    )
