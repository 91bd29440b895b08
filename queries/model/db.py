"""Connecting to the database, and creating or upgrading its schema.

The default database is a SQLite file in the project's data folder; any
SQLAlchemy URL can be given with ``--db`` or the ``OPENNESS_DB`` variable.
SQLite runs in WAL mode so the dashboard can read while an import writes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def data_dir() -> Path:
    """The folder holding the default database and the rejected-row files."""
    return Path(os.environ.get("OPENNESS_DATA", PROJECT_ROOT / "data"))


def default_url() -> str:
    return os.environ.get("OPENNESS_DB") or f"sqlite:///{data_dir() / 'openness.db'}"


def resolve_url(url: str | None) -> str:
    return url or default_url()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=OFF")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str | None = None) -> sa.Engine:
    """An engine for ``url`` (or the default database), SQLite in WAL mode."""
    url = resolve_url(url)
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _alembic_config(engine: sa.Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def schema_revision(engine: sa.Engine) -> str | None:
    """The schema's current migration revision, None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    script = ScriptDirectory.from_config(_alembic_config(sa.create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def init_db(engine: sa.Engine) -> tuple[str | None, str]:
    """Create the schema, or upgrade an older one; idempotent.

    Returns the revision before and after.
    """
    before = schema_revision(engine)
    command.upgrade(_alembic_config(engine), "head")
    return before, head_revision()


def is_initialised(engine: sa.Engine) -> bool:
    return schema_revision(engine) == head_revision()
