"""``openness signals``: the signals tables of cli.md (funnel or control) as CSV or JSON."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

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
from openness.cmd_indicators import table_bytes

METHODS = ("funnel", "control")


@app.command("signals")
def signals(
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="funnel (a unit against its peers) or control (against its own past)",
            show_default=False,
        ),
    ],
    period: PeriodOption,
    as_of: AsOfOption = None,
    config: ConfigOption = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="Only this unit and the units below it (peers are still all units of a level).",
            show_default=False,
        ),
    ] = None,
    fmt: TableFormatOption = "csv",
    out: OutOption = None,
    db: DbOption = None,
    engine_url: EngineOption = None,
    lake: LakeOption = None,
) -> None:
    """The signals of methodology.md: funnel (one row per unit and rate) or control
    (one row per unit, rate and month of the last 12)."""
    from queries.engine.control import control_signals
    from queries.engine.funnel import funnel_signals
    from queries.engine.indicators import UnknownUnitError, subtree_of

    if method not in METHODS:
        fail(f"--method must be funnel or control, not {method!r}")
    check_format(fmt)
    p, at, settings = period_as_of_settings(period, as_of, config)
    engine = open_database(db)
    frames = read_frames(engine, engine_url or settings.engine or None, lake)
    engine.dispose()
    if unit is not None:
        try:
            subtree_of(frames.units, unit)
        except UnknownUnitError as exc:
            fail(f"--unit: {exc}")
    compute = funnel_signals if method == "funnel" else control_signals
    with engine_errors():
        table = compute(frames, p, at, settings, unit)
    data = table_bytes(table, fmt)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_output(out, data)
        err.print(f"{table.height} rows written to {out}")
