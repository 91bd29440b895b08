"""Running jobs (cli.md, "Jobs"): each due job once per slot, or one job now.

Every kind runs the code its command runs: ``import`` :func:`queries.importing.run.
import_files` (through :mod:`queries.jobs.drop_folder`), ``briefing`` the briefing of
``openness briefing``, ``publish`` the bundle of ``openness publish``, ``alerts`` the
signals of the Attention page. The records are read as the command line reads them: the
database's own engine, or the lake (and cluster) given. A run's result is ``ok``,
``failed: CAUSE`` or ``skipped: CAUSE``; a failure of one job never stops the others.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from queries.access import chain
from queries.access.gate import Gate
from queries.access.roles import Area, Person
from queries.importing.history import import_history
from queries.jobs import store
from queries.jobs.drop_folder import import_folder
from queries.jobs.schedule import relative_period, slot_at
from queries.model.db import hide_secrets
from queries.model.settings import Settings
from queries.model.tree import Tree
from queries.store.frames import default_cache_dir, load_frames, open_records
from queries.store.schemas import Frames
from queries.vocabulary.text import Text
from reports.briefing.docx import briefing_docx
from reports.briefing.html import briefing_html
from reports.briefing.model import build_briefing
from reports.delivery import Message, deliver, page_link, parse_target
from reports.jobs.alerts import digest
from reports.public.bundle import write_bundle
from reports.public.summary import OutsideTheRecords, public_summary

# the words of a delivered briefing, in its language
TEXT: dict[str, Text] = {
    "briefing": Text("警务公开联络简报（{period}）", "Police openness liaison briefing ({period})"),
    "briefing.text": Text("{title}见附件 {name}。", "{title}: attached, {name}."),
}


@dataclass(frozen=True)
class Context:
    """Where and as whom jobs run: the database, the settings in force (channels, the
    dashboard's address), who runs them (``actor``: ``cli:NAME`` or a signed-in admin,
    ``person``), the lake and cluster of ``--lake``/``--engine``, the audit key."""

    engine: sa.Engine
    settings: Settings
    actor: str
    person: Person | None = None
    spark: str | None = None
    lake: Path | None = None
    key: bytes | None = None


@dataclass(frozen=True)
class Outcome:
    """One job's turn: its result, or None when another process had its slot."""

    job: str
    slot: datetime
    result: str | None

    @property
    def failed(self) -> bool:
        return self.result is not None and self.result.startswith("failed")


def run_due(ctx: Context, at: datetime) -> list[Outcome]:
    """Run each job due at ``at`` once, for its latest slot at or before ``at`` (after an
    outage the missed slots are one run); a slot another process claimed is left to it."""
    out = []
    for j in store.due_jobs(ctx.engine, at):
        slot = slot_at(j.schedule, at)
        out.append(_claimed(ctx, j, slot, at, scheduled=True))
    return out


def run_now(ctx: Context, j: store.Job, at: datetime) -> Outcome:
    """Run ``j`` now, whatever its schedule (its next scheduled run stays)."""
    return _claimed(ctx, j, at, at, scheduled=False)


def run_as(gate: Gate, settings: Settings, name: str, at: datetime) -> Outcome | None:
    """Run job ``name`` now for the gate's person (the Jobs page's "run now"): admins
    only, refused here (Denied, audited); None when there is no such job."""
    gate.check(Area.JOBS, None, Tree({}, {}, ()), f"run job {name}")
    j = store.get_job(gate.engine, name)
    if j is None:
        return None
    ctx = Context(
        engine=gate.engine,
        settings=settings,
        actor=gate.person.email,
        person=gate.person,
        key=chain.load_key(chain.key_path(settings), create=True),
    )
    return run_now(ctx, j, at)


def _claimed(
    ctx: Context, j: store.Job, slot: datetime, at: datetime, *, scheduled: bool
) -> Outcome:
    run_id = store.claim(ctx.engine, j, slot, ctx.actor)
    if run_id is None:
        return Outcome(j.name, slot, None)
    try:
        result, memory = _run(ctx, j, at)
    except Exception as exc:  # one job's failure, recorded: the others still run
        result, memory = f"failed: {_cause(exc)}", None
    store.finish(
        ctx.engine,
        j,
        run_id,
        result,
        at=at,
        scheduled=scheduled,
        actor=ctx.actor,
        person=ctx.person,
        memory=memory,
        key=ctx.key,
    )
    return Outcome(j.name, slot, result)


def _cause(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return hide_secrets(lines[0] if lines else type(exc).__name__)


def _frames(ctx: Context) -> Frames:
    spark = ctx.spark or ctx.settings.engine or None
    if ctx.lake is not None:
        return open_records(ctx.engine, lake=ctx.lake, spark=spark, cache_dir=default_cache_dir())
    return load_frames(ctx.engine, cache_dir=default_cache_dir())


def _run(ctx: Context, j: store.Job, at: datetime) -> tuple[str, Any]:
    o = j.options
    if j.kind == "import":
        labels = {f: dict(m) for f, m in ctx.settings.labels.items()}
        return import_folder(ctx.engine, Path(o["folder"]), labels=labels).result, None
    frames = _frames(ctx)
    if frames.units.height == 0:
        return "skipped: the database has no units", None
    if j.kind == "publish":
        return _publish(ctx, frames, o, at), None
    if j.kind == "briefing":
        return _briefing(ctx, frames, j, at), None
    return _alerts(ctx, frames, j, at)


def _publish(ctx: Context, frames: Frames, o: Any, at: datetime) -> str:
    p = relative_period(o["period"], at)
    try:
        summary = public_summary(frames, p, at, ctx.settings)
    except OutsideTheRecords as exc:  # a new database, or the period's records not yet in
        return f"skipped: {exc.reason}"
    write_bundle(summary, Path(o["out"]))
    return "ok"


def _briefing(ctx: Context, frames: Frames, j: store.Job, at: datetime) -> str:
    o = j.options
    p = relative_period(o["period"], at)
    history = import_history(ctx.engine, limit=50)
    done = history.filter(history["status"] == "committed")["finished_at"].drop_nulls()
    latest = done.max() if done.len() else None
    b = build_briefing(
        frames,
        p,
        at,
        ctx.settings,
        unit_id=j.unit_id,
        lang=o.get("lang", "zh"),
        latest_import_at=latest,  # type: ignore[arg-type]
    )
    fmt = o["format"]
    data = briefing_docx(b) if fmt == "docx" else briefing_html(b).encode("utf-8")
    name = f"briefing_{p}_{j.unit_id or 'all'}.{fmt}"
    lang = o.get("lang", "zh")
    title = TEXT["briefing"].of(lang, period=p.label(lang))
    with tempfile.TemporaryDirectory(prefix="openness-job-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        message = Message(
            subject=title,
            text=TEXT["briefing.text"].of(lang, title=title, name=name),
            link=page_link(ctx.settings, "briefing", period=str(p)),
            attachments=(path,),
            what=f"briefing {p} ({fmt})",
            lang=lang,
        )
        return _delivered(ctx, j, message)


def _alerts(ctx: Context, frames: Frames, j: store.Job, at: datetime) -> tuple[str, Any]:
    d = digest(frames, at, ctx.settings, j.unit_id, j.memory)
    if not d.new:
        return "skipped: no new signals", d.found
    message = Message(
        subject=d.subject,
        text=d.text,
        link=page_link(ctx.settings, "attention", period=str(d.period)),
        what=f"alerts {d.period}: {len(d.new)} new signal(s)",
    )
    # what did not reach a channel stays in the outbox (reports.delivery): the signals
    # are not news the next time either way
    return _delivered(ctx, j, message), d.found


def _delivered(ctx: Context, j: store.Job, message: Message) -> str:
    """Deliver ``message`` to the job's targets, audited as ``delivered`` by the job."""
    targets = [parse_target(t, ctx.settings) for t in j.options["to"]]
    results = deliver(
        message, targets, settings=ctx.settings, conn=ctx.engine, actor=f"job:{j.name}"
    )
    failed = [r for r in results if r.status != "delivered"]
    if failed:
        return "failed: " + "; ".join(f"{r.target}: {r.cause}" for r in failed)
    return "ok"
