"""``openness users add|list|remove`` and ``openness audit`` (access.md)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from openness.app import (
    AUDIT_TABLES,
    EXIT_PROBLEMS,
    ConfigOption,
    DbOption,
    OutOption,
    TableFormatOption,
    app,
    audit_key,
    check_format,
    cli_user,
    err,
    fail,
    open_database,
    write_output,
)

# what users add and remove write: the people, their sign-ins, the audit trail
USER_TABLES = ("app_user", "user_identity", "sign_in", *AUDIT_TABLES)

users_app = typer.Typer(
    help="Who may sign in to the dashboard, with which role (access.md).",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")
audit_app = typer.Typer(
    help="The audit trail (access.md): print it, or `audit verify` its HMAC chain."
)
app.add_typer(audit_app, name="audit")


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
    config: ConfigOption = None,
) -> None:
    """Give EMAIL a role (replacing the one it had)."""
    from queries.access.chain import AuditKeyError
    from queries.access.users import UserError, add_user

    engine = open_database(db, writes=USER_TABLES)
    key = audit_key(config, create=True)
    try:
        person = add_user(engine, email, role, unit, by=cli_user(), key=key)
    except (UserError, AuditKeyError) as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    where = f" for {person.unit_id} and below" if person.unit_id else ""
    err.print(f"{person.email}: {person.role}{where}")


@users_app.command("remove")
def users_remove(
    email: Annotated[str, typer.Argument(help="The person's email.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Take EMAIL's role away: they can no longer see anything."""
    from queries.access.chain import AuditKeyError
    from queries.access.users import UserError, remove_user

    engine = open_database(db, writes=USER_TABLES)
    key = audit_key(config, create=True)
    try:
        remove_user(engine, email, by=cli_user(), key=key)
    except (UserError, AuditKeyError) as exc:
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


@audit_app.callback(invoke_without_command=True)
def audit_cmd(
    ctx: typer.Context,
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
    """The audit trail (columns at, user, iss, sub, role, event, page, unit_id, period,
    as_of, records, detail), oldest first."""
    if ctx.invoked_subcommand is not None:
        return
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


@audit_app.command("verify")
def audit_verify(db: DbOption = None, config: ConfigOption = None) -> None:
    """Check the trail's HMAC chain: exit 0 when it is whole, 1 naming what breaks it.

    What breaks it: the first event whose mac does not match, every event stamped
    earlier than the one before it, an end cut off.
    """
    from queries.access.chain import AuditKeyError, verify

    key = audit_key(config, create=False)
    engine = open_database(db)
    try:
        verdict = verify(engine, key)
    except AuditKeyError as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    before = (
        f"; {verdict.unchained} earlier events, written before the chain began, are not covered"
        if verdict.unchained
        else ""
    )
    if not verdict.whole:
        for line in verdict.problems():
            err.print(f"broken: {line}")
        err.print(f"the audit trail is NOT whole ({verdict.chained} chained events{before})")
        raise typer.Exit(EXIT_PROBLEMS)
    if verdict.chained == 0:
        err.print(f"the audit trail is whole: no chained event yet{before}")
        return
    err.print(
        f"the audit trail is whole: {verdict.chained} events chained, "
        f"{verdict.first_id} to {verdict.last_id}, the last mac {verdict.last_mac}{before}"
    )
