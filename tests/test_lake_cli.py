"""``openness lake export DIR`` (cli.md, "Engines and the lake"): a line per kind, exit 2
in one line on an unusable folder or database, audited as a ``download``; an export
that fails or dies partway leaves the previous lake whole and readable. Both
databases."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from db_records import insert_records
from lake_support import file_states, lake_table, manifest_intact, records, same_records
from typer.testing import CliRunner

from openness.cli import app
from queries.access.audit import read as read_audit
from queries.model.schema import RECORD_TABLES
from queries.store.changes import note_record_write
from queries.store.lake import PARTITIONED, export_lake

ROOT = Path(__file__).resolve().parent.parent

# the audit key and the frame cache under a per-test data folder (conftest.py)
pytestmark = pytest.mark.usefixtures("data_folder")


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["lake", "export", *map(str, args)])
    assert ("Traceback" not in result.stderr and result.exception is None) or isinstance(
        result.exception, SystemExit
    )
    return result.exit_code, result.stderr


def test_export_prints_a_line_per_kind_and_is_audited(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    insert_records(engine, records())
    lake = tmp_path / "lake"
    code, err = run(lake, "--db", db_url)
    assert code == 0, err
    lines = err.strip().splitlines()
    assert lines[:5] == [
        "units: 3 rows, written",
        "disclosures: 9 rows in 3 months: 3 written, 0 unchanged, 0 removed",
        "feedback: 30 rows in 3 months: 3 written, 0 unchanged, 0 removed",
        "supervision: 6 rows in 3 months: 3 written, 0 unchanged, 0 removed",
        f"calendar: {lake_table(lake, 'calendar').height:,} days, written",
    ]
    assert lines[5] == f"lake at {lake}: 11 files written, 0 removed" and len(lines) == 6
    for name in ("units", *PARTITIONED):
        same_records(lake, engine, name)
    # records left the database: a download, with how many, before anything was written
    [event] = read_audit(engine).filter(event="download").iter_rows(named=True)
    assert event["records"] == 3 + 9 + 30 + 6
    assert event["user"].startswith("cli") and str(lake) in event["detail"]
    code, err = run(lake, "--db", db_url)
    assert code == 0 and "feedback: 30 rows in 3 months: 0 written, 3 unchanged" in err
    # no record written since: nothing read, nothing left, no download
    assert f"lake at {lake}: up to date" in err
    assert read_audit(engine).filter(event="download").height == 1


def test_an_unwritable_folder_is_exit_2_in_one_line(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    """(Root writes anywhere, so an unwritable folder is made by a file in its place.)"""
    insert_records(engine, records())
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for target in (blocker, blocker / "lake"):
        code, err = run(target, "--db", db_url)
        assert code == 2, err
        assert len(err.strip().splitlines()) == 1 and str(target) in err
        assert "cannot write the lake" in err
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    code, err = run(other, "--db", db_url)
    assert code == 2 and "holds no lake" in err and len(err.strip().splitlines()) == 1
    assert [p.name for p in other.iterdir()] == ["notes.txt"]
    # nothing left: no download audited
    assert read_audit(engine).filter(event="download").height == 0


def test_an_unreadable_database_is_exit_2_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("this is not a database, only some text " * 100)
    code, err = run(tmp_path / "lake", "--db", f"sqlite:///{db}")
    assert code == 2 and "not a database" in err and len(err.strip().splitlines()) == 1


def test_an_export_failing_partway_leaves_the_old_lake(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    insert_records(engine, records())
    lake = tmp_path / "lake"
    export_lake(engine, lake)
    before = file_states(lake)
    manifest = (lake / "_lake.json").read_bytes()
    old = {name: lake_table(lake, name) for name in ("units", *PARTITIONED)}
    fb = RECORD_TABLES["feedback"]
    with engine.begin() as conn:
        note_record_write(conn)  # a writer other than the importer
        # an old month changes (written first), then a new month that cannot be written
        conn.execute(sa.update(fb).where(fb.c.case_id == "F000000").values(outcome="withdrawn"))
        moved = sa.update(fb).where(fb.c.case_id == "F000001")  # 2026-01 -> 2026-05
        conn.execute(moved.values(received_at=datetime(2026, 5, 2, 9, 0)))
    (lake / "feedback" / "month=2026-05").write_text("in the way")
    code, err = run(lake, "--db", db_url)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "feedback/month=2026-05" in err
    # the old manifest, its files, nothing else (the staged 2025-12 file was removed)
    assert (lake / "_lake.json").read_bytes() == manifest
    manifest_intact(lake)
    after = file_states(lake)
    assert {f: s for f, s in after.items() if f != "feedback/month=2026-05"} == before
    for name, frame in old.items():
        assert lake_table(lake, name).equals(frame)
        assert lake_table(lake, name, manifest=True).equals(frame)
    (lake / "feedback" / "month=2026-05").unlink()
    code, err = run(lake, "--db", db_url)
    assert code == 0, err
    assert "feedback: 30 rows in 4 months: 3 written, 1 unchanged, 0 removed" in err
    same_records(lake, engine, "feedback")
    manifest_intact(lake)


def _export_with_file_size_limit(db_url: str, lake: Path, limit: int) -> int:
    """``export_lake`` in a process of its own whose files may not grow past ``limit``
    bytes: the kernel kills it (SIGXFSZ) in the middle of the first larger write."""
    # (Python ignores SIGXFSZ, and gets EFBIG instead: the child restores the default)
    code = (
        "import signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_DFL); "
        "from queries.model.db import make_engine; "
        "from queries.store.lake import export_lake; "
        "export_lake(make_engine(sys.argv[1]), sys.argv[2])"
    )

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", code, db_url, str(lake)],
        cwd=ROOT,
        env=env,
        preexec_fn=limited,
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode != 1, proc.stderr.decode()[-3000:]
    return proc.returncode


def test_an_export_killed_partway_leaves_the_old_lake(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    # 2026-02 is a large month, 2026-01 a small one
    insert_records(engine, records(extra_feedback=20_000))
    lake = tmp_path / "lake"
    export_lake(engine, lake)
    m = manifest_intact(lake)
    small = m["tables"]["feedback"]["partitions"]["2026-01"]["bytes"]
    large = m["tables"]["feedback"]["partitions"]["2026-02"]["bytes"]
    limit = max(64 * 1024, small * 4)  # above SQLite's shared-memory file, the small month
    assert large > 2 * limit, (small, large)
    manifest = (lake / "_lake.json").read_bytes()
    old = lake_table(lake, "feedback")
    fb = RECORD_TABLES["feedback"]
    with engine.begin() as conn:
        note_record_write(conn)  # a writer other than the importer
        for case in ("F000001", "F020000"):  # 2026-01, then 2026-02
            conn.execute(sa.update(fb).where(fb.c.case_id == case).values(outcome="withdrawn"))
    engine.dispose()
    assert _export_with_file_size_limit(db_url, lake, limit) == -signal.SIGXFSZ
    # killed while writing: its temporary files are there, hidden from readers
    left = list(lake.rglob(".*.tmp-*"))
    assert len(left) == 2, left
    assert (lake / "_lake.json").read_bytes() == manifest
    manifest_intact(lake)
    assert lake_table(lake, "feedback").equals(old)
    assert lake_table(lake, "feedback", manifest=True).equals(old)
    # the next export finishes the work and clears what the dead one left
    result = export_lake(engine, lake)
    assert result.tables["feedback"].written == ("2026-01", "2026-02")
    assert not list(lake.rglob(".*.tmp-*"))
    same_records(lake, engine, "feedback")
    manifest_intact(lake)
