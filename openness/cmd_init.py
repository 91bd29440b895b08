"""``openness init``: create or upgrade the schema."""

from __future__ import annotations

from openness.app import DbOption, app, err, open_database


@app.command("init")
def init(db: DbOption = None) -> None:
    """Create the schema (idempotent; upgrades an older schema)."""
    from queries.model.db import head_revision, make_engine, resolve_url, schema_revision

    before = schema_revision(make_engine(resolve_url(db)))
    engine = open_database(db, create=True)
    after = head_revision()
    if before == after:
        err.print(f"schema already current (revision {after}) in {engine.url!r}")
    elif before is None:
        err.print(f"schema created (revision {after}) in {engine.url!r}")
    else:
        err.print(f"schema upgraded {before} -> {after} in {engine.url!r}")
