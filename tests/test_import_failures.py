"""Unusable environments (docs/spec/records.md, issue 9): exit 2 with one line naming the file and
the cause, nothing half-written, the import log `failed` with the cause; a dead import
shows as `interrupted`. Through the real command, on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from openness.cli import app
from queries.importing.log import live_status, settle_interrupted
from queries.model.schema import import_log

UNITS = "unit_id,name,parent_id,level,kind\nSJ,市局,,bureau,management\nA1,所,SJ,station,window\n"
BAD = "case_id,unit_id,kind,channel,received_at\nF1,A1,complaint,pigeon,2026-03-02\n"


# rejected-row files under a per-test data folder (conftest.py)
pytestmark = pytest.mark.usefixtures("data_folder")


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["import", *map(str, args)])
    assert ("Traceback" not in result.stderr and result.exception is None) or isinstance(
        result.exception, SystemExit
    )
    return result.exit_code, result.stderr


def log_rows(db_url: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        q = sa.select(import_log.c.kind, import_log.c.status, import_log.c.message).order_by(
            import_log.c.import_id
        )
        got = [tuple(r) for r in conn.execute(q)]
    engine.dispose()
    return got


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_rejects_folder_not_writable_is_exit_2(
    db_url: str, tmp_path: Path, data_folder: Path
) -> None:
    data_folder.mkdir()
    (data_folder / "rejects").mkdir()
    (data_folder / "rejects").chmod(0o500)
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    code, err = run(tmp_path / "units.csv", "--db", db_url)
    assert code == 2 and "rejects" in err


def test_rejects_folder_that_is_a_file_is_exit_2_and_nothing_written(
    db_url: str, tmp_path: Path, data_folder: Path
) -> None:
    """(Root writes anywhere, so an unwritable folder is made by a file in its place.)"""
    data_folder.mkdir()
    (data_folder / "rejects").write_text("not a folder")
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    code, err = run(tmp_path / "units.csv", "--db", db_url)
    assert code == 2, err
    assert "rejects" in err and "cannot be written" in err and len(err.strip().splitlines()) <= 2
    [(kind, status, message)] = log_rows(db_url)
    assert (kind, status) == ("units", "failed") and "cannot be written" in str(message)
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM units").scalar() == 0
    engine.dispose()


def test_a_244_character_file_name_imports(db_url: str, tmp_path: Path, data_folder: Path) -> None:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    long = tmp_path / ("x" * (244 - len("_feedback.csv")) + "_feedback.csv")
    assert len(long.name) == 244
    long.write_text(BAD, encoding="utf-8")
    code, err = run(tmp_path / "units.csv", long, "--db", db_url)
    assert code == 1, err
    [rejects] = (data_folder / "rejects").glob("*/*.csv")
    assert len(rejects.name.encode()) <= 255 and str(rejects) in err


def test_not_a_database_is_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("this is not a database, only some text " * 100)
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    code, err = run(tmp_path / "units.csv", "--db", f"sqlite:///{db}")
    assert code == 2 and "not a database" in err


def test_two_databases_sharing_a_data_folder_keep_their_own_rejects(
    tmp_path: Path, data_folder: Path
) -> None:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "feedback.csv").write_text(BAD, encoding="utf-8")
    for name in ("a.db", "b.db", "a.db"):
        code, _ = run(
            tmp_path / "units.csv",
            tmp_path / "feedback.csv",
            "--db",
            f"sqlite:///{tmp_path / name}",
        )
        assert code == 1
    files = sorted(
        p.relative_to(data_folder / "rejects") for p in (data_folder / "rejects").glob("*/*.csv")
    )
    # a.db: imports 2 and 4 (units 1 and 3); b.db: import 2; none overwritten
    assert [p.name for p in files] == [
        "000002_feedback_rejects.csv",
        "000004_feedback_rejects.csv",
        "000002_feedback_rejects.csv",
    ]
    assert len({p.parent for p in files}) == 2


def test_a_killed_import_shows_as_interrupted(db_url: str, tmp_path: Path) -> None:
    """A log row left `running` by a process that died is `interrupted` (read, then settled)."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(child.stdout)
    import socket

    engine = sa.create_engine(db_url)
    from queries.model.db import init_db

    init_db(engine)
    with engine.begin() as conn:
        conn.execute(
            import_log.insert().values(
                file="f.csv",
                kind="feedback",
                started_at=sa.func.now(),
                rows_read=0,
                rows_accepted=0,
                rows_rejected=0,
                checksum="",
                status="running",
                owner=f"{socket.gethostname()}:{dead_pid}",
            )
        )
    assert live_status("running", f"{socket.gethostname()}:{dead_pid}") == "interrupted"
    assert live_status("running", f"{socket.gethostname()}:{os.getpid()}") == "running"
    assert live_status("running", "another-host:1") == "running"
    from queries.importing.history import import_history

    # the dashboard's Data page reads it as interrupted before anything settles it
    assert import_history(engine)["status"].to_list() == ["interrupted"]
    assert settle_interrupted(engine) == 1
    engine.dispose()
    assert log_rows(db_url)[0][1] == "interrupted"


def test_a_full_disk_is_exit_2_the_file_rolled_back_and_logged(tmp_path: Path) -> None:
    """The disk fills while SQLite writes (a file-size limit on the importing process, as
    a full disk; PostgreSQL's disk is the server's, out of reach here)."""
    import resource
    import signal

    db = f"sqlite:///{tmp_path / 'full.db'}"
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    rows = "".join(f"F{i},A1,complaint,hotline,2026-03-02 09:00\n" for i in range(20_000))
    (tmp_path / "feedback.csv").write_text(
        "case_id,unit_id,kind,channel,received_at\n" + rows, encoding="utf-8"
    )
    assert run(tmp_path / "units.csv", "--db", db)[0] == 0

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail (EFBIG) instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (600_000, 600_000))

    openness = Path(sys.executable).parent / "openness"
    done = subprocess.run(
        [str(openness), "import", str(tmp_path / "feedback.csv"), "--db", db],
        preexec_fn=full_disk,
        capture_output=True,
        text=True,
        env={**os.environ, "OPENNESS_DATA": str(tmp_path / "data")},
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "disk I/O error" in done.stderr or "full" in done.stderr
    assert log_rows(db)[-1][:2] == ("feedback", "failed")
    engine = sa.create_engine(db)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM feedback").scalar() == 0
    engine.dispose()


def test_a_locked_database_is_exit_2_naming_the_database(db_url: str, tmp_path: Path) -> None:
    """Another writer holds the database: a clear error, not a traceback (waits shortened:
    SQLite's busy timeout, PostgreSQL's lock_timeout)."""
    from queries.importing.run import UnusableFileError, import_files
    from queries.model.db import init_db, make_engine

    init_db(make_engine(db_url))
    if db_url.startswith("sqlite"):
        engine = make_engine(db_url)
        sa.event.listen(engine, "connect", lambda c, _r: c.execute("PRAGMA busy_timeout=200"))
        holder = sa.create_engine(db_url).connect()
        holder.exec_driver_sql("BEGIN IMMEDIATE")
        expected = "database is locked"
    else:
        engine = sa.create_engine(db_url, connect_args={"options": "-c lock_timeout=300"})
        holder = sa.create_engine(db_url).connect()
        holder.exec_driver_sql("BEGIN")
        holder.exec_driver_sql("LOCK TABLE import_log IN ACCESS EXCLUSIVE MODE")
        expected = "lock timeout"
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    try:
        with pytest.raises(UnusableFileError, match=expected) as info:
            import_files(engine, [tmp_path / "units.csv"], progress=False)
        assert str(info.value).startswith("database ")
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
