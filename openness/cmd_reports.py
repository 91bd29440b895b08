"""``openness briefing`` and ``openness publish``: the liaison briefing and the public bundle."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from openness.app import (
    AsOfOption,
    ConfigOption,
    DbOption,
    EngineOption,
    LakeOption,
    PeriodOption,
    app,
    check_format,
    engine_errors,
    err,
    fail,
    open_database,
    period_as_of_settings,
    read_frames,
    write_output,
)

if TYPE_CHECKING:
    import polars as pl

    from queries.model.periods import Period
    from queries.model.settings import Settings
    from queries.store.schemas import Frames

FORMATS = ("html", "docx")
LANGS = ("zh", "en")


def _inputs(
    period: str,
    as_of: str | None,
    config: Path | None,
    db: str | None,
    spark: str | None = None,
    lake: Path | None = None,
    marks: list[pl.DataFrame] | None = None,
) -> tuple[Period, datetime, Settings, Frames, datetime | None]:
    """Parse the shared options and load the records; exit 2 on bad input. ``marks``:
    filled with the goals and the period's notes (the briefing)."""
    from queries.access.goals import list_goals
    from queries.access.notes import list_notes
    from queries.importing.history import import_history

    p, at, settings = period_as_of_settings(period, as_of, config)
    engine = open_database(db)
    frames = read_frames(engine, spark or settings.engine or None, lake)
    history = import_history(engine, limit=50)
    if marks is not None:
        marks.extend([list_goals(engine), list_notes(engine, period=p)])
    engine.dispose()
    done = history.filter(history["status"] == "committed")["finished_at"].drop_nulls()
    latest = done.max() if done.len() else None
    return p, at, settings, frames, latest  # type: ignore[return-value]


@app.command("briefing")
def briefing(
    period: PeriodOption,
    fmt: Annotated[str, typer.Option("--format", help="html or docx", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The file to write.", show_default=False)],
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="This unit and the units below it (default: the whole bureau).",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    config: ConfigOption = None,
    lang: Annotated[str, typer.Option("--lang", help="zh (default) or en")] = "zh",
    db: DbOption = None,
    engine_url: EngineOption = None,
    lake: LakeOption = None,
) -> None:
    """The liaison briefing for NPC deputies and CPPCC members (HTML or DOCX)."""
    from reports.briefing.model import build_briefing

    check_format(fmt, FORMATS)
    if lang not in LANGS:
        fail(f"--lang must be zh or en, not {lang!r}")
    marks: list[pl.DataFrame] = []
    p, at, settings, frames, latest = _inputs(period, as_of, config, db, engine_url, lake, marks)
    if frames.units.height == 0:
        fail("the database has no units: import units.csv or run `openness seed` first")
    if unit is not None and unit not in set(frames.units["unit_id"].to_list()):
        fail(f"--unit: unknown unit {unit!r}")
    from reports.fonts import ChartFontMissing

    try:
        with engine_errors():
            b = build_briefing(
                frames,
                p,
                at,
                settings,
                unit_id=unit,
                lang=lang,
                latest_import_at=latest,
                goals=marks[0],
                notes=marks[1],
            )
        if fmt == "docx":
            from reports.briefing.docx import briefing_docx

            data = briefing_docx(b)
        else:
            from reports.briefing.html import briefing_html

            data = briefing_html(b).encode("utf-8")
    except ChartFontMissing as exc:  # never a chart of boxes
        fail(str(exc))
    write_output(out, data)
    err.print(f"briefing for {p} (as of {b.as_of_text}) written to {out}")


@app.command("publish")
def publish(
    period: PeriodOption,
    out: Annotated[
        Path, typer.Option("--out", help="The folder to write the bundle into.", show_default=False)
    ],
    as_of: AsOfOption = None,
    config: ConfigOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace the --out folder even if it holds files the product did not write.",
        ),
    ] = False,
    db: DbOption = None,
    engine_url: EngineOption = None,
    lake: LakeOption = None,
) -> None:
    """The public summary bundle (aggregates only): index.html, embed.html,
    methodology.html, summary.csv, summary.json; written beside --out and swapped in
    only when complete."""
    from reports.public.bundle import write_bundle
    from reports.public.publishing import PublishError
    from reports.public.summary import OutsideTheRecords, public_summary

    p, at, settings, frames, _ = _inputs(period, as_of, config, db, engine_url, lake)
    if frames.units.height == 0:
        fail("the database has no units: import units.csv or run `openness seed` first")
    with engine_errors():
        try:
            summary = public_summary(frames, p, at, settings)
        except OutsideTheRecords as exc:
            fail(f"--period {exc}")
    try:
        paths = write_bundle(summary, out, force=force)
    except PublishError as exc:
        fail(f"--out {exc}")
    except OSError as exc:
        fail(f"--out {out}: {exc.strerror or exc}")
    err.print(
        f"public summary for {p} (as of {summary.as_of_text}): {len(summary.units)} units, "
        f"{len(paths)} files written to {out}"
    )
