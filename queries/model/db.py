"""Connecting to the database, and creating or upgrading its schema.

The default database is a SQLite file in the project's data folder; any
SQLAlchemy URL can be given with ``--db`` or the ``OPENNESS_DB`` variable.
SQLite runs in WAL mode so the dashboard can read while an import writes.
"""

from __future__ import annotations

import os
import re
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


# a URL's password (user:PASSWORD@) and any query-string or keyword password
# (?password=, &sslpassword=, password=... in a libpq connection string)
_URL_PASSWORD = re.compile(r"(\w[\w+.-]*://[^:/@\s'\"]*:)[^@/\s'\"]*@")
_KEY_PASSWORD = re.compile(r"(\b\w*password\s*=\s*)('[^']*'|[^&\s'\";]*)", re.IGNORECASE)


def hide_secrets(text: str, url: str | sa.URL | None = None) -> str:
    """``text`` (a URL, an error message) with every password in it as ``***``: the
    password of any URL written in it, any ``password=`` value, and the passwords of
    ``url`` wherever they appear.

    >>> hide_secrets("postgresql+psycopg://ann:pw@db/openness?sslmode=require&password=s3")
    'postgresql+psycopg://ann:***@db/openness?sslmode=require&password=***'
    >>> hide_secrets("failed: password='x y' host=db")
    'failed: password=*** host=db'
    """
    secrets: set[str] = set()
    if url is not None:
        try:
            u = sa.engine.make_url(url)
        except (sa.exc.ArgumentError, ValueError):
            u = None
        if u is not None:
            secrets.add(str(u.password or ""))
            for key, value in u.query.items():
                if "password" in key.lower():
                    secrets.update([value] if isinstance(value, str) else value)
    # a value too short to be told from other text is left to the two patterns
    for secret in sorted({x for x in secrets if len(x) >= 4}, key=len, reverse=True):
        text = text.replace(secret, "***")
    text = _URL_PASSWORD.sub(r"\1***@", text)
    return _KEY_PASSWORD.sub(r"\1***", text)


def shown_url(url: str | sa.URL) -> str:
    """``url`` as it may be shown (a page, a message, a log): its passwords as ``***``,
    including a query-string ``?password=``.

    >>> shown_url("postgresql://ann:pw@db:5432/openness?password=s3&sslmode=require")
    'postgresql://ann:***@db:5432/openness?password=***&sslmode=require'
    >>> shown_url("sqlite:///data/openness.db")
    'sqlite:///data/openness.db'
    """
    try:
        text = sa.engine.make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        text = str(url)
    return hide_secrets(text, url)


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
