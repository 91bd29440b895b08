"""Holding back the claims of `openness jobs run-due` processes until each is about to
claim, so that a test starts their race at the same line whatever the machine's load."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psycopg
import sqlalchemy as sa

WAIT = 240.0  # seconds a loaded machine may take to start the processes


def _cpu(pid: int) -> tuple[str, int]:
    """A process's state letter and CPU ticks used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return fields[0], int(fields[11]) + int(fields[12])


def _has_open(pid: int, file: Path) -> bool:
    try:
        return any(p.resolve() == file for p in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def _sqlite_waiting(procs: Sequence[subprocess.Popen[str]], file: Path) -> bool:
    """Each process has the database open and sleeps without using the CPU: it waits in
    SQLite's busy handler for the write lock the test holds."""
    if not all(_has_open(p.pid, file) for p in procs):
        return False
    before = [_cpu(p.pid) for p in procs]
    time.sleep(1.5)
    after = [_cpu(p.pid) for p in procs]
    return all(a[0] == "S" and a[1] == b[1] for a, b in zip(after, before, strict=True))


@contextmanager
def claims_held(url: str) -> Iterator[list[subprocess.Popen[str]]]:
    """Hold every write of ``job_run`` (SQLite: the write lock; PostgreSQL: an EXCLUSIVE
    lock on the table, which reads pass) while the block starts processes into the list
    yielded; on leaving, wait until each is blocked on its claim, then let them go."""
    procs: list[subprocess.Popen[str]] = []
    u = sa.engine.make_url(url)
    if u.get_backend_name() == "sqlite":
        file = Path(str(u.database)).resolve()
        conn = sqlite3.connect(file, isolation_level=None, timeout=30)
        conn.execute("BEGIN IMMEDIATE")

        def ready() -> bool:
            return _sqlite_waiting(procs, file)

    else:
        conn = psycopg.connect(u.set(drivername="postgresql").render_as_string(False))
        conn.execute("LOCK TABLE job_run IN EXCLUSIVE MODE")

        def ready() -> bool:
            row = conn.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'job_run' AND NOT l.granted"
            ).fetchone()
            time.sleep(0.2)
            return row is not None and row[0] >= len(procs)

    try:
        yield procs
        deadline = time.monotonic() + WAIT
        while not ready():
            if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
                raise AssertionError("the run-due processes never reached their claims")
    finally:
        conn.rollback()
        conn.close()
