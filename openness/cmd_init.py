"""``openness init``: create or upgrade the schema."""

from __future__ import annotations

from openness.app import DbOption, app, database_errors, err, open_database


@app.command("init")
def init(db: DbOption = None) -> None:
    """Create the schema (idempotent; upgrades an older schema)."""
    from queries.model.db import head_revision, make_engine, schema_revision

    with database_errors(db) as (url, shown):
        probe = make_engine(url.render_as_string(hide_password=False))
        try:
            before = schema_revision(probe)
        finally:
            probe.dispose()
    engine = open_database(db, create=True)
    engine.dispose()
    after = head_revision()
    if before == after:
        err.print(f"schema already current (revision {after}) in {shown}")
    elif before is None:
        err.print(f"schema created (revision {after}) in {shown}")
    else:
        err.print(f"schema upgraded {before} -> {after} in {shown}")
