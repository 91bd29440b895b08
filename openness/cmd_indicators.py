"""``openness indicators``: the indicator table of cli.md as CSV or JSON."""

from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import polars as pl

from openness.app import (
    AsOfOption,
    ConfigOption,
    DbOption,
    EngineOption,
    LakeOption,
    OutOption,
    PeriodOption,
    TableFormatOption,
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


def table_bytes(table: pl.DataFrame, fmt: str) -> bytes:
    """The table as cli.md writes it: CSV UTF-8 with BOM, or a JSON list of objects."""
    from queries.model.export import csv_bytes

    if fmt == "csv":
        return csv_bytes(table)
    buf = io.BytesIO()
    table.write_json(buf)
    return buf.getvalue()


@app.command("indicators")
def indicators(
    period: PeriodOption,
    as_of: AsOfOption = None,
    config: ConfigOption = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Only this unit and the units below it.", show_default=False),
    ] = None,
    fmt: TableFormatOption = "csv",
    out: OutOption = None,
    db: DbOption = None,
    engine_url: EngineOption = None,
    lake: LakeOption = None,
) -> None:
    """The indicator table (one row per unit, cli.md columns)."""
    from queries.access.goals import list_goals
    from queries.engine.gaps import data_gaps
    from queries.engine.indicators import UnknownUnitError, compute_table, subtree_of
    from reports.gap_wording import gap_sentence

    check_format(fmt)
    p, at, settings = period_as_of_settings(period, as_of, config)
    engine = open_database(db)
    frames = read_frames(engine, engine_url or settings.engine or None, lake)
    goals = list_goals(engine)
    engine.dispose()
    if unit is not None:
        try:
            subtree_of(frames.units, unit)
        except UnknownUnitError as exc:
            fail(f"--unit: {exc}")
    with engine_errors():
        result = compute_table(frames, p, at, settings)
        gaps = data_gaps(frames)
    table = result.for_unit(unit, goals)
    if gaps:  # the dashboard and the briefing say it beside the figures; so does this
        err.print(f"warning: {gap_sentence(gaps, 'en')}")
    if not result.calendar_complete:
        err.print(
            "warning: the official working-day calendar does not cover every day counted "
            "for O_TIMELY; Monday to Friday were taken as working days there "
            "(settings `holidays` / `workdays` can fill the gap)"
        )
    data = table_bytes(table, fmt)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_output(out, data)
        err.print(f"{table.height} units written to {out}")
