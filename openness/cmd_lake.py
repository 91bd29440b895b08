"""``openness lake export DIR``: the records as partitioned Parquet for a cluster
(cli.md, "Engines and the lake"; queries/store/lake.py)."""

from __future__ import annotations

from pathlib import Path
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
    read_settings,
)

lake_app = typer.Typer(
    help="The lake: the records as Parquet in Hive layout, for a cluster (cli.md).",
    no_args_is_help=True,
)
app.add_typer(lake_app, name="lake")


@lake_app.command("export")
def lake_export(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help="The lake's folder (made if missing; a folder holding anything else is refused).",
            show_default=False,
        ),
    ],
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Write the records as Parquet in Hive layout (DIR/<kind>/month=YYYY-MM/, DIR/units/,
    DIR/calendar/, the manifest DIR/_lake.json), without titles or findings, rewriting
    only the months whose records changed. Audited as a `download`."""
    import sqlalchemy as sa

    from queries.access import audit
    from queries.access.chain import AuditKeyError
    from queries.model.schema import RECORD_TABLES
    from queries.model.workdays import WorkdayCalendar
    from queries.store.integrity import DatabaseUnreadable
    from queries.store.lake import LakeError, export_lake

    settings = read_settings(config)
    engine = open_database(
        db, writes=AUDIT_TABLES, why_write="the export is recorded in its audit trail"
    )
    key = audit_key(config, create=True)
    where = directory.resolve()

    def audited() -> None:
        # records leave the database: a `download` (access.md), before any file is written
        with engine.connect() as conn:
            n = sum(
                conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in RECORD_TABLES.values()
            )
        audit.write(
            engine,
            "download",
            None,
            email=cli_user(),
            records=n,
            detail=f"lake export to {where} (units, disclosures, feedback, supervision, "
            "calendar; no title or finding)",
            key=key,
        )

    try:
        result = export_lake(
            engine,
            directory,
            calendar=WorkdayCalendar.from_settings(settings),
            before_write=audited,
        )
    except (LakeError, DatabaseUnreadable, AuditKeyError) as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    for t in result.tables.values():
        if t.name in ("units", "calendar"):
            what = "days" if t.name == "calendar" else "rows"
            err.print(f"{t.name}: {t.rows:,} {what}, {'written' if t.written else 'unchanged'}")
        else:
            err.print(
                f"{t.name}: {t.rows:,} rows in {t.partitions} months: "
                f"{len(t.written)} written, {t.kept} unchanged, {len(t.removed)} removed"
            )
    if result.change_marker is None:
        err.print(
            "warning: the database gives no change marker: the lake cannot be checked "
            "against it later"
        )
    if not result.read:
        err.print(f"lake at {where}: up to date (the database has not changed since)")
    else:
        err.print(f"lake at {where}: {result.written} files written, {result.removed} removed")
