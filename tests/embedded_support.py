"""Record files and lake read-backs shared by the embedded default's tests
(tests/test_embedded*.py)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from import_helpers import FEEDBACK_HEADER, UNITS, write

from queries.importing.run import ImportResult, import_files
from queries.model.db import init_db, make_engine
from queries.store.embedded import lake_dir
from queries.store.lake_folder import LOCK

ROOT = Path(__file__).resolve().parent.parent


def feedback_csv(path: Path, cases: list[tuple[str, str]]) -> Path:
    """A feedback file of ``(case_id, received_at)`` cases, each at station PCS1, closed
    two days later (named ``<stem>_feedback.csv``: its kind told by its name)."""
    if "feedback" not in path.name:
        path = path.with_name(f"{path.stem}_feedback{path.suffix}")
    lines = [FEEDBACK_HEADER]
    for case, at in cases:
        day, time = at.split(" ") if " " in at else (at, "09:00")
        closed = f"{day[:8]}{int(day[8:]) + 2:02d} {time}"
        lines.append(f"{case},PCS1,complaint,hotline,{day} {time},,{closed},{closed},answered,,,,,")
    return write(path, "\n".join(lines) + "\n")


def month_cases(month: str, n: int, prefix: str = "C") -> list[tuple[str, str]]:
    """``n`` cases received in ``month`` (``YYYY-MM``), on days 3, 4, ..."""
    return [(f"{prefix}{month}-{i:03d}", f"{month}-{3 + i % 20:02d} 10:00") for i in range(n)]


def sqlite_with_months(tmp_path: Path, months: list[str], n: int = 12) -> sa.Engine:
    """A SQLite file with the import tests' unit tree and ``n`` feedback cases in each of
    ``months``, imported (one file)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'openness.db'}")
    init_db(engine)
    units = write(tmp_path / "units.csv", UNITS)
    cases = [c for m in months for c in month_cases(m, n)]
    imported(engine, [units, feedback_csv(tmp_path / "feedback.csv", cases)])
    return engine


def imported(engine: sa.Engine, files: list[Path]) -> list[ImportResult]:
    """``files`` imported, every row accepted."""
    results = import_files(engine, files, progress=False)
    assert [(r.status, r.rows_rejected) for r in results] == [("committed", 0)] * len(files)
    return results


def lake_of(cache: Path, engine: sa.Engine) -> Path:
    lake = lake_dir(cache, engine)
    assert lake is not None
    return lake


@contextmanager
def lock_held_elsewhere(lake: Path) -> Iterator[subprocess.Popen[str]]:
    """The lake's lock held by another process (as an export there holds it) until the
    block ends."""
    code = (
        "import fcntl, os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('held', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    lake.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(lake / LOCK)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        let_go(proc)
        proc.wait(timeout=30)


def let_go(holder: subprocess.Popen[str]) -> None:
    """The process of :func:`lock_held_elsewhere` ends (its lock with it)."""
    if holder.poll() is None and holder.stdin is not None and not holder.stdin.closed:
        holder.stdin.write("\n")
        holder.stdin.flush()


def lock_is_free(lake: Path) -> bool:
    fd = os.open(lake / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def run_cli(args: list[str], data: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``openness ARGS`` in a new process, its data folder (and so its caches) ``data``."""
    return run_python(["-m", "openness", *args], data, **env)


def run_python(args: list[str], data: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in a new process, its data folder ``data``."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, "OPENNESS_DATA": str(data), **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
