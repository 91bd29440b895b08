"""Helpers of the audit chain tests: what a database administrator could do around the
triggers, and a writer run in its own process."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import sqlalchemy as sa

from queries.model.db import make_engine


def without_triggers(engine: sa.Engine, sql: str, params: dict[str, object] | None = None) -> None:
    """Run ``sql`` on ``audit_event`` with its triggers out of the way, as the table's
    owner could (PostgreSQL: disabled for the statement; SQLite: dropped, then made again
    as migration 0002 makes them)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
            conn.execute(sa.text(sql), params or {})
            conn.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER USER")
            return
        rows = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
        ).all()
        conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
        conn.exec_driver_sql("DROP TRIGGER audit_event_no_delete")
        conn.execute(sa.text(sql), params or {})
        for (create,) in rows:
            conn.exec_driver_sql(create)


WRITER = """
import sys
from queries.access import audit
from queries.access.roles import Person, Role
from queries.model.db import make_engine

engine = make_engine(sys.argv[1])
who = Person(sys.argv[2], Role.VIEWER)
for i in range(int(sys.argv[3])):
    audit.write(engine, "view_records", who, audit.Where(page="unit"), records=i)
engine.dispose()
"""


def writer_command(url: str, email: str, n: int) -> list[str]:
    """A process that appends ``n`` events for ``email`` (the key from its environment)."""
    return [sys.executable, "-c", WRITER, url, email, str(n)]


def event_ids(url: str) -> list[int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT event_id FROM audit_event ORDER BY 1")]
    engine.dispose()
    return ids


DEPLOY = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"


def deploy_grants() -> str:
    """docs/deploy.md's grants to the service user (the SQL block that grants USAGE)."""
    blocks = re.findall(r"```sql\n(.*?)```", DEPLOY.read_text(encoding="utf-8"), re.S)
    (grants,) = [b for b in blocks if "GRANT USAGE ON SCHEMA" in b]
    return grants
