"""``openness users add|list|remove`` and ``openness audit`` (access.md)."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from openness.app import (
    DbOption,
    OutOption,
    TableFormatOption,
    app,
    check_format,
    err,
    fail,
    open_database,
    write_output,
)

users_app = typer.Typer(
    help="Who may sign in to the dashboard, with which role (access.md).",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


def _who() -> str:
    """Who ran the command, for the audit trail's ``users_changed`` events."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (a container)
        return "cli"


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="The person's email (the ID token's claim).")],
    role: Annotated[
        str,
        typer.Option(
            "--role", help="admin, leadership, unit_head, liaison or viewer.", show_default=False
        ),
    ],
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="unit_head only: the unit whose subtree they reach."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Give EMAIL a role (replacing the one it had)."""
    from queries.access.users import UserError, add_user

    engine = open_database(db)
    try:
        person = add_user(engine, email, role, unit, by=_who())
    except UserError as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    where = f" for {person.unit_id} and below" if person.unit_id else ""
    err.print(f"{person.email}: {person.role}{where}")


@users_app.command("remove")
def users_remove(
    email: Annotated[str, typer.Argument(help="The person's email.")],
    db: DbOption = None,
) -> None:
    """Take EMAIL's role away: they can no longer see anything."""
    from queries.access.users import UserError, remove_user

    engine = open_database(db)
    try:
        remove_user(engine, email, by=_who())
    except UserError as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    err.print(f"{email.strip().lower()}: removed")


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """Every person with a role: email, role, unit, when added (CSV on stdout)."""
    import polars as pl

    from queries.access.users import list_users
    from queries.model.export import csv_bytes

    engine = open_database(db)
    frame = list_users(engine)
    engine.dispose()
    stamps = pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M:%S")
    sys.stdout.buffer.write(csv_bytes(frame.with_columns(stamps), bom=False))
    sys.stdout.buffer.flush()


@app.command("audit")
def audit_cmd(
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="Events at or after this date or date-time.", show_default=False
        ),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Only this person's events.", show_default=False)
    ] = None,
    fmt: TableFormatOption = "csv",
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """The audit trail (columns at, user, role, event, page, unit_id, period, as_of,
    records, detail), oldest first."""
    from queries.access.audit import read, trail_bytes
    from queries.model.periods import parse_as_of

    check_format(fmt)
    try:
        start = parse_as_of(since) if since is not None else None
    except ValueError as exc:
        fail(f"--since: {exc}")
    engine = open_database(db)
    frame = read(engine, since=start, user=user)
    engine.dispose()
    data = trail_bytes(frame, fmt)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_output(out, data)
        err.print(f"{frame.height} events written to {out}")
