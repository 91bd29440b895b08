"""``openness records remove`` (docs/spec/cli.md, "Removing records")."""

from __future__ import annotations

from typing import Annotated

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

records_app = typer.Typer(
    help="The records themselves: remove those that should never have been imported.",
    no_args_is_help=True,
)
app.add_typer(records_app, name="records")


@records_app.command("remove")
def records_remove(
    kind: Annotated[
        str, typer.Argument(help="disclosures, feedback or supervision.", show_default=False)
    ],
    keys: Annotated[
        list[str],
        typer.Argument(
            help="The records' ids (disclosure_id, case_id, item_id).", show_default=False
        ),
    ],
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why: kept with each removal in the audit trail."),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Remove the named records in one transaction, each removal audited (`changed`);
    a key naming no record removes nothing (exit 2)."""
    from queries.access.chain import AuditKeyError
    from queries.access.removal import RemovalError, remove_records

    engine = open_database(
        db, writes=("disclosures", "feedback", "supervision", "record_version", *AUDIT_TABLES)
    )
    key = audit_key(config, create=True)
    try:
        removed = remove_records(engine, kind, keys, reason, by=cli_user(), key=key)
    except (RemovalError, AuditKeyError) as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    for r in removed:
        err.print(f"{r.kind} {r.key}: 已删除 / removed", markup=False)
