"""``openness jobs add|list|remove|run|run-due``: scheduled imports, briefings, public
bundles and alerts (cli.md, "Jobs"). ``run-due`` is what cron, a systemd timer or a
Kubernetes CronJob calls every minute (docs/deploy.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from openness.app import (
    AUDIT_TABLES,
    EXIT_PROBLEMS,
    DbOption,
    EngineOption,
    LakeOption,
    app,
    audit_key,
    cli_user,
    err,
    fail,
    open_database,
    read_settings,
)

# what every jobs command may write: the jobs, their runs, the audit trail
JOB_TABLES = ("job", "job_run", *AUDIT_TABLES)

if TYPE_CHECKING:
    import sqlalchemy as sa

    from queries.model.settings import Settings
    from reports.jobs.runner import Context

# the settings file: its channels, the dashboard's address, the audit key (cron and a
# CronJob give it once in the environment)
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        envvar="OPENNESS_CONFIG",
        help="Settings file (TOML): the \\[channels.NAME] jobs deliver to, public_base_url "
        "(default: $OPENNESS_CONFIG).",
        dir_okay=False,
        show_default=False,
    ),
]

jobs_app = typer.Typer(
    help="Scheduled imports, briefings, public bundles and alerts (cli.md, Jobs).",
    no_args_is_help=True,
)
app.add_typer(jobs_app, name="jobs")

# which options each kind takes (the rest are refused, naming the kind)
KIND_OPTIONS = {
    "import": {"folder"},
    "briefing": {"period", "unit", "lang", "format", "to"},
    "publish": {"period", "out"},
    "alerts": {"unit", "to"},
}
REQUIRED = {
    "import": ("folder",),
    "briefing": ("period", "format", "to"),
    "publish": ("period", "out"),
    "alerts": ("to",),
}


def _options(
    kind: str, given: dict[str, Any], engine: sa.Engine, settings: Settings | None
) -> dict[str, Any]:
    """The job's options checked for ``kind`` (with ``settings``: each --to names a channel
    of them); exit 2 naming the option at fault."""
    from queries.jobs.schedule import RELATIVE_PERIODS
    from reports.delivery import parse_target

    if kind not in KIND_OPTIONS:
        fail(f"KIND must be one of {', '.join(KIND_OPTIONS)}, not {kind!r}")
    present = {k for k, v in given.items() if v not in (None, [])}
    for k in sorted(present - KIND_OPTIONS[kind]):
        fail(f"--{k} is not an option of {kind} jobs")
    for k in REQUIRED[kind]:
        if k not in present:
            fail(f"{kind} jobs need --{k}")
    opts: dict[str, Any] = {}
    if "folder" in present:
        folder = Path(given["folder"]).resolve()
        if not folder.is_dir():
            fail(f"--folder {given['folder']}: no such folder")
        opts["folder"] = str(folder)
    if "out" in present:
        opts["out"] = str(Path(given["out"]).resolve())
    if "period" in present:
        if given["period"] not in RELATIVE_PERIODS:
            fail(f"--period must be one of {', '.join(RELATIVE_PERIODS)}, not {given['period']!r}")
        opts["period"] = given["period"]
    if kind == "briefing":
        if given["format"] not in ("docx", "html"):
            fail(f"--format must be docx or html, not {given['format']!r}")
        lang = given["lang"] or "zh"
        if lang not in ("zh", "en"):
            fail(f"--lang must be zh or en, not {lang!r}")
        opts["format"], opts["lang"] = given["format"], lang
    if "to" in present:
        for target in given["to"]:
            try:
                parse_target(target, settings)
            except ValueError as exc:  # its message names the --to value
                fail(str(exc))
        opts["to"] = list(given["to"])
    if "unit" in present:
        _check_unit(engine, given["unit"])
    return opts


def _check_unit(engine: sa.Engine, unit_id: str) -> None:
    import sqlalchemy as sa

    from queries.model.schema import units

    with engine.connect() as conn:
        found = conn.execute(sa.select(units.c.unit_id).where(units.c.unit_id == unit_id)).first()
    if found is None:
        fail(f"--unit: unknown unit {unit_id!r}")


@jobs_app.command("add")
def jobs_add(
    kind: Annotated[str, typer.Argument(help="import, briefing, publish or alerts.")],
    name: Annotated[str, typer.Option("--name", help="The job's name.", show_default=False)],
    schedule: Annotated[
        str,
        typer.Option(
            "--schedule",
            help="Five cron fields in Beijing time: '0 8 1 * *' is 08:00 on the 1st.",
            show_default=False,
        ),
    ],
    folder: Annotated[
        Path | None, typer.Option("--folder", help="import: the drop folder.", show_default=False)
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="briefing, publish: previous-month, previous-quarter or previous-year.",
            show_default=False,
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit", help="briefing, alerts: this unit and those below it.", show_default=False
        ),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="briefing: zh (default) or en.")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="briefing: docx or html.", show_default=False)
    ] = None,
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to",
            help="briefing, alerts: mail:ADDRESS, webhook:NAME, wecom:NAME, dingtalk:NAME or "
            "outbox:NAME (repeat for several).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="publish: the folder of the bundle.", show_default=False),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Add a job: KIND with its options, run on SCHEDULE by `openness jobs run-due`."""
    from queries.jobs.schedule import ScheduleError, check_schedule
    from queries.jobs.store import JobError, add_job

    try:
        cron = check_schedule(schedule)
    except ScheduleError as exc:
        fail(f"--schedule: {exc}")
    engine = open_database(db, writes=JOB_TABLES)
    given = {
        "folder": folder,
        "period": period,
        "unit": unit,
        "lang": lang,
        "format": fmt,
        "to": to or [],
        "out": out,
    }
    opts = _options(kind, given, engine, read_settings(config) if config else None)
    key = audit_key(config, create=True)
    try:
        j = add_job(engine, name, kind, cron, opts, unit_id=unit, actor=cli_user(), key=key)
    except JobError as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    err.print(f"job {j.name}: {j.kind}, {j.schedule}, next run {j.next_run:%Y-%m-%d %H:%M}")


@jobs_app.command("list")
def jobs_list(db: DbOption = None) -> None:
    """Every job (CSV on stdout).

    Columns: name, kind, schedule, scope, last_run, last_result, next_run.
    """
    import polars as pl

    from queries.jobs.store import jobs_frame, list_jobs
    from queries.model.export import csv_bytes

    engine = open_database(db)
    frame = jobs_frame(list_jobs(engine))
    engine.dispose()
    stamps = pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M")
    sys.stdout.buffer.write(csv_bytes(frame.with_columns(stamps), bom=False))
    sys.stdout.buffer.flush()


@jobs_app.command("remove")
def jobs_remove(
    name: Annotated[str, typer.Argument(help="The job's name.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Remove a job (the audit trail keeps what it did)."""
    from queries.jobs.store import JobError, remove_job

    engine = open_database(db, writes=JOB_TABLES)
    key = audit_key(config, create=True)
    try:
        remove_job(engine, name, actor=cli_user(), key=key)
    except JobError as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    err.print(f"job {name}: removed")


def _context(
    engine: sa.Engine, config: Path | None, spark: str | None, lake: Path | None
) -> Context:
    from reports.jobs.runner import Context

    if spark is not None and lake is None:
        fail("--engine needs --lake DIR (the lake `openness lake export DIR` writes)")
    return Context(
        engine=engine,
        settings=read_settings(config),
        actor=cli_user(),
        spark=spark,
        lake=lake,
        key=audit_key(config, create=True),
    )


@jobs_app.command("run")
def jobs_run(
    name: Annotated[str, typer.Argument(help="The job's name.")],
    db: DbOption = None,
    config: ConfigOption = None,
    engine_url: EngineOption = None,
    lake: LakeOption = None,
) -> None:
    """Run one job now, whatever its schedule.

    Exit 0 when it succeeded or had nothing to do, 1 when it failed.
    """
    from queries.jobs.store import get_job
    from queries.model.clock import now_local
    from reports.jobs.runner import run_now

    engine = open_database(db, writes=JOB_TABLES)
    try:
        j = get_job(engine, name)
        if j is None:
            fail(f"no job named {name!r}")
        outcome = run_now(_context(engine, config, engine_url, lake), j, now_local())
    finally:
        engine.dispose()
    if outcome.result is None:
        err.print(f"job {name}: not run: its last run is still going")
        raise typer.Exit(EXIT_PROBLEMS)
    err.print(f"job {name}: {outcome.result}")
    if outcome.failed:
        raise typer.Exit(EXIT_PROBLEMS)


@jobs_app.command("run-due")
def jobs_run_due(
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Run what is due at this date or date-time (default: now).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    engine_url: EngineOption = None,
    lake: LakeOption = None,
) -> None:
    """Run each job that is due, once (cron calls it every minute).

    Another process running the same slot runs it instead. Exit 0 when every run
    succeeded or none was due, 1 when one failed (named on stderr).
    """
    from queries.jobs.store import due_jobs
    from queries.model.clock import now_local
    from queries.model.periods import parse_as_of

    try:
        when = parse_as_of(at) if at is not None else now_local()
    except ValueError as exc:
        fail(f"--at: {exc}")
    engine = open_database(db, writes=JOB_TABLES)
    if not due_jobs(engine, when):  # most minutes: done before the engine is loaded
        engine.dispose()
        return
    from reports.jobs.runner import run_due

    try:
        outcomes = run_due(_context(engine, config, engine_url, lake), when)
    finally:
        engine.dispose()
    for o in outcomes:
        if o.result is None:
            err.print(
                f"job {o.job}: slot {o.slot:%Y-%m-%d %H:%M} left to another process "
                "(claimed there, or its last run is still going)"
            )
        else:
            err.print(f"job {o.job}: {o.result}")
    if any(o.failed for o in outcomes):
        raise typer.Exit(EXIT_PROBLEMS)
