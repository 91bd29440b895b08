"""Connecting to the database, and creating or upgrading its schema.

The default database is a SQLite file in the project's data folder; any
SQLAlchemy URL can be given with ``--db`` or the ``OPENNESS_DB`` variable.
SQLite runs in WAL mode so the dashboard can read while an import writes.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
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


# what to write instead of the characters a URL's password may not hold raw
PERCENT_HINT = (
    "write the password's @ : / # % ? percent-encoded in the URL (as %40 %3A %2F %23 %25 %3F)"
)


def raw_password_fault(raw: str) -> str | None:
    """Why ``raw`` (a server URL as written) cannot be read as its writer meant, when its
    password holds an ``@`` written raw (the host would then be read from the password's
    tail), else None; never quoting the password.

    >>> raw_password_fault("postgresql://ann:p@ss:w/rd@db:5432/o")
    'its password holds a raw @'
    >>> raw_password_fault("postgresql://ann:p%40ss@db/o") is None
    True
    """
    scheme, sep, rest = raw.partition("://")
    if not sep or scheme.startswith("sqlite"):
        return None
    if rest.count("@") > 1:
        return "its password holds a raw @"
    return None


def shown_raw_url(raw: str) -> str:
    """``raw`` as it may be shown when it cannot be parsed: all between ``://`` and its
    last ``@`` but the user name is ``***`` (a raw password may hold ``@ : /``).

    >>> shown_raw_url("postgresql://ann:p@ss:w/rd@db:5432/o")
    'postgresql://ann:***@db:5432/o'
    """
    scheme, sep, rest = raw.partition("://")
    if not sep or "@" not in rest:
        return hide_secrets(raw)
    userinfo, _, tail = rest.rpartition("@")
    user = re.split(r"[:/]", userinfo, maxsplit=1)[0]
    return hide_secrets(f"{scheme}://{user}:***@{tail}")


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


# our own Alembic version table: a database shared with another Alembic-managed
# application keeps its ``alembic_version`` and ours apart (deploy.md)
VERSION_TABLE = "openness_alembic_version"
# where revisions before 0007 kept ours
LEGACY_VERSION_TABLE = "alembic_version"


def _alembic_config(engine: sa.Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    cfg.attributes["version_table"] = VERSION_TABLE
    return cfg


@functools.lru_cache(maxsize=1)
def _our_revisions() -> frozenset[str]:
    script = ScriptDirectory.from_config(_alembic_config(sa.create_engine("sqlite://")))
    return frozenset(rev.revision for rev in script.walk_revisions())


def _revision_in(conn: sa.Connection, table: str) -> str | None:
    return MigrationContext.configure(conn, opts={"version_table": table}).get_current_revision()


def _legacy_revision(conn: sa.Connection) -> str | None:
    """Our revision when it is still in ``alembic_version`` (a deployment from before our
    own version table), None when that table is absent or holds another application's."""
    if not sa.inspect(conn).has_table(LEGACY_VERSION_TABLE):
        return None
    rows = conn.execute(sa.text(f"SELECT version_num FROM {LEGACY_VERSION_TABLE}")).scalars()
    ours = [r for r in rows if r in _our_revisions()]
    return ours[0] if ours else None


def schema_revision(engine: sa.Engine) -> str | None:
    """The schema's current migration revision, None for an empty database (another
    application's ``alembic_version`` is not ours)."""
    with engine.connect() as conn:
        return _revision_in(conn, VERSION_TABLE) or _legacy_revision(conn)


def _adopt_legacy_version(engine: sa.Engine) -> None:
    """Move our revision from ``alembic_version`` to our own table (dropping the old
    table when nothing else is left in it), so the upgrade continues from it."""
    with engine.begin() as conn:
        if sa.inspect(conn).has_table(VERSION_TABLE):
            return
        revision = _legacy_revision(conn)
        if revision is None:
            return
        MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).stamp(
            ScriptDirectory.from_config(_alembic_config(engine)), revision
        )
        conn.execute(
            sa.text(f"DELETE FROM {LEGACY_VERSION_TABLE} WHERE version_num = :r"), {"r": revision}
        )
        left = conn.execute(sa.text(f"SELECT count(*) FROM {LEGACY_VERSION_TABLE}")).scalar_one()
        if not left:
            conn.execute(sa.text(f"DROP TABLE {LEGACY_VERSION_TABLE}"))


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
    _adopt_legacy_version(engine)
    command.upgrade(_alembic_config(engine), "head")
    return before, head_revision()


def is_initialised(engine: sa.Engine) -> bool:
    return schema_revision(engine) == head_revision()


# PostgreSQL's "read-only SQL transaction" (a hot standby, default_transaction_read_only)
_PG_READ_ONLY = "25006"
# and "insufficient privilege": a role that may only read, when it meets a write
_PG_NO_PRIVILEGE = "42501"
_SQLITE_READONLY = 8  # SQLite's primary result code for a read-only file or mode=ro


def read_only_cause(exc: BaseException, *, writing: bool = False) -> str | None:
    """Why the database refused a write, when ``exc`` is that refusal (else None):
    a read-only transaction or file always; a missing privilege only when ``writing``
    (the same code refuses a read of a table the role may not see)."""
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None)
    if state == _PG_READ_ONLY:
        return "the server accepts no writes (a replica, or default_transaction_read_only)"
    if writing and state == _PG_NO_PRIVILEGE:
        return "the role may only read (no INSERT privilege)"
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(orig, sqlite3.Error) and code is not None and code & 0xFF == _SQLITE_READONLY:
        return "the file is opened read-only (mode=ro, or a read-only file or folder)"
    return None


def read_only_reason(engine: sa.Engine, tables: tuple[str, ...]) -> str | None:
    """Why ``tables`` (those of them that exist) cannot be written, or None: each is
    sent an insert of no rows, in a transaction rolled back (nothing is written; the
    database checks read-only mode and privileges all the same)."""
    with engine.connect() as conn:
        present = [t for t in tables if sa.inspect(conn).has_table(t)]
        conn.rollback()
        try:
            with conn.begin() as tx:
                for table in present:
                    conn.execute(sa.text(f"INSERT INTO {table} SELECT * FROM {table} WHERE 1 = 0"))
                tx.rollback()
        except sa.exc.DBAPIError as exc:
            why = read_only_cause(exc, writing=True)
            if why is None:
                raise
            return why
    return None
