"""``openness goals set|list|remove`` and ``openness notes add|list|remove`` (cli.md,
"Goals and notes"). The command line acts with an admin's reach, as ``users`` does,
and every change is audited as ``changed`` under ``cli:<user>``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from openness.app import (
    AUDIT_TABLES,
    ConfigOption,
    DbOption,
    app,
    audit_key,
    cli_user,
    err,
    fail,
    open_database,
)

if TYPE_CHECKING:
    import polars as pl

    from queries.access.roles import Person

goals_app = typer.Typer(
    help="Goals (目标值): an indicator's value to reach, for all units, a level, a unit "
    "kind or one unit, from a year on.",
    no_args_is_help=True,
)
app.add_typer(goals_app, name="goals")
notes_app = typer.Typer(
    help="Notes on the charts: a text for a unit (and the units below) over some days.",
    no_args_is_help=True,
)
app.add_typer(notes_app, name="notes")


def _cli_person() -> Person:
    from queries.access.roles import Person, Role

    return Person(email=cli_user(), role=Role.ADMIN)


def _print_csv(frame: pl.DataFrame) -> None:
    import polars as pl

    from queries.model.export import csv_bytes

    stamps = pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M:%S")
    sys.stdout.buffer.write(csv_bytes(frame.with_columns(stamps), bom=False))
    sys.stdout.buffer.flush()


@goals_app.command("set")
def goals_set(
    code: Annotated[str, typer.Argument(help="The indicator's code (R_ONTIME, ...).")],
    value: Annotated[
        str,
        typer.Argument(
            help="As the indicator table writes it: a fraction for rates (0.95), days for "
            "R_CLOSE_DAYS."
        ),
    ],
    level: Annotated[
        str | None, typer.Option("--level", help="For the units of this level.")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="For the units of this kind.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="For this unit only.")] = None,
    from_year: Annotated[
        str | None,
        typer.Option(
            "--from", help="In force from this year on (default: this year).", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Set the goal of CODE (replacing the one with the same scope and year)."""
    from queries.access.chain import AuditKeyError
    from queries.access.goals import GoalError, set_goal

    year: int | None = None
    if from_year is not None:
        if not from_year.strip().isdigit():
            fail(f"--from: {from_year!r} is not a year (2026)")
        year = int(from_year)
    engine = open_database(db, writes=("goal", *AUDIT_TABLES))
    key = audit_key(config, create=True)
    try:
        goal_id = set_goal(
            engine,
            _cli_person(),
            code,
            value,
            level=level,
            kind=kind,
            unit_id=unit,
            from_year=year,
            key=key,
        )
    except (GoalError, AuditKeyError) as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    err.print(f"goal {goal_id}: {code} {value}")


@goals_app.command("list")
def goals_list(db: DbOption = None) -> None:
    """Every goal (CSV on stdout): goal_id, code, value, level, kind, unit_id, from_year,
    set_by, set_at."""
    from queries.access.goals import list_goals

    engine = open_database(db)
    frame = list_goals(engine)
    engine.dispose()
    _print_csv(frame)


@goals_app.command("remove")
def goals_remove(
    goal_id: Annotated[int, typer.Argument(metavar="ID", help="The goal's id (goals list).")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Remove goal ID."""
    from queries.access.chain import AuditKeyError
    from queries.access.goals import GoalError, remove_goal

    engine = open_database(db, writes=("goal", *AUDIT_TABLES))
    key = audit_key(config, create=True)
    try:
        remove_goal(engine, _cli_person(), goal_id, key=key)
    except (GoalError, AuditKeyError) as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    err.print(f"goal {goal_id}: removed")


@notes_app.command("add")
def notes_add(
    text: Annotated[str, typer.Argument(help="The note (plain text, at most 500 characters).")],
    unit: Annotated[str, typer.Option("--unit", help="The unit (it covers the units below).")],
    start: Annotated[
        str, typer.Option("--from", help="First day (2026-03-02), or a month (2026-03).")
    ],
    end: Annotated[
        str | None,
        typer.Option(
            "--to", help="Last day, or a month (default: --from's last day).", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Add a note TEXT to a unit's charts for some days."""
    from queries.access.chain import AuditKeyError
    from queries.access.notes import NoteError, add_note, note_days, unit_tree

    try:
        first, last = note_days(start, end)
    except NoteError as exc:
        fail(str(exc))
    engine = open_database(db, writes=("note", *AUDIT_TABLES))
    key = audit_key(config, create=True)
    try:
        tree = unit_tree(engine)
        note_id = add_note(engine, _cli_person(), unit, first, last, text, tree, key=key)
    except (NoteError, AuditKeyError) as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    err.print(f"note {note_id}: {unit} {first}..{last}")


@notes_app.command("list")
def notes_list(
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit", help="The notes that cover this unit (its own and above).", show_default=False
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="The notes whose days overlap this period.", show_default=False
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """The notes (CSV on stdout): note_id, unit_id, from_date, to_date, text, author,
    created_at."""
    from queries.access.notes import list_notes, unit_tree
    from queries.model.periods import Period

    try:
        p = Period.parse(period) if period is not None else None
    except ValueError as exc:
        fail(f"--period: {exc}")
    engine = open_database(db)
    tree = unit_tree(engine)
    if unit is not None and unit not in tree.parent:
        engine.dispose()
        fail(f"--unit: no unit {unit!r} in the database")
    frame = list_notes(engine, unit_id=unit, tree=tree, period=p)
    engine.dispose()
    _print_csv(frame)


@notes_app.command("remove")
def notes_remove(
    note_id: Annotated[int, typer.Argument(metavar="ID", help="The note's id (notes list).")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Remove note ID."""
    from queries.access.chain import AuditKeyError
    from queries.access.notes import NoteError, remove_note, unit_tree

    engine = open_database(db, writes=("note", *AUDIT_TABLES))
    key = audit_key(config, create=True)
    try:
        tree = unit_tree(engine)
        remove_note(engine, _cli_person(), note_id, tree, key=key)
    except (NoteError, AuditKeyError) as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    err.print(f"note {note_id}: removed")
