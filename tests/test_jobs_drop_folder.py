"""queries.jobs.drop_folder: the ``import`` job on a real folder, on SQLite and PostgreSQL.

Files are imported by `openness import`'s own code, units first; a file modified in the
last minute (still being written) waits; content imported before moves aside untouched.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from import_helpers import FEEDBACK_HEADER, UNITS, logs, table, write

from queries.jobs.drop_folder import SETTLE_SECONDS, import_folder

pytestmark = pytest.mark.usefixtures("data_folder")

FEEDBACK = (
    FEEDBACK_HEADER
    + "\n"
    + "C1,PCS1,complaint,hotline,2026-03-02 14:05,,2026-03-02 15:00,2026-03-10,upheld,yes,"
    "2026-03-12,true,satisfied,\n"
    # row 3: a channel the records do not know (rejected, named in the rejects file)
     + "C2,PCS1,complaint,fax,2026-03-02,,,,,,,,,\n"
)


def _aged(path: Path, seconds: float = SETTLE_SECONDS + 5) -> Path:
    """``path`` modified ``seconds`` ago: a file whose writer has finished."""
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_each_new_file_imported_units_first_then_moved_aside(
    engine: sa.Engine, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    # by name, feedback sorts before units: units still go first (feedback needs PCS1)
    _aged(write(drop / "a_2026-03_feedback.csv", FEEDBACK))
    _aged(write(drop / "z_units.csv", UNITS))
    _aged(write(drop / "notes.csv", "unit_id\nX\n"))  # no kind in its name
    _aged(write(drop / "b_feedback.csv.part", FEEDBACK))  # still being copied by its name
    _aged(write(drop / ".c_feedback.csv", FEEDBACK))  # hidden: a copy's temporary name

    run = import_folder(engine, drop)

    assert [r[0] for r in logs(engine)] == ["units", "feedback"]
    assert table(engine, "feedback")["case_id"].to_list() == ["C1"]
    assert sorted(p.name for p in (drop / "done").iterdir()) == [
        "a_2026-03_feedback.csv",
        "a_2026-03_feedback.csv.rejects.csv",
        "z_units.csv",
    ]
    rejects = (drop / "done" / "a_2026-03_feedback.csv.rejects.csv").read_text("utf-8-sig")
    assert "C2" in rejects and "fax" in rejects
    assert sorted(p.name for p in (drop / "failed").iterdir()) == [
        "notes.csv",
        "notes.csv.error.txt",
    ]
    assert "cannot tell the kind" in (drop / "failed" / "notes.csv.error.txt").read_text("utf-8")
    # the in-transit names stay where they are, for a later run
    assert sorted(p.name for p in drop.iterdir() if p.is_file()) == [
        ".c_feedback.csv",
        "b_feedback.csv.part",
    ]
    assert run.imported == [
        "z_units.csv: 3 rows accepted",
        "a_2026-03_feedback.csv: 1 rows accepted",
    ]
    assert run.result.startswith("failed: notes.csv: ")
    assert "a_2026-03_feedback.csv: 1 rows rejected" in run.result


def test_a_file_being_written_waits_and_is_imported_once_finished(
    engine: sa.Engine, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    partial = UNITS[: UNITS.index("FJ1")]  # the header and the first row so far
    growing = write(drop / "units.csv", partial)  # modified just now

    run = import_folder(engine, drop)

    assert run.result == "skipped: still being written: units.csv"
    assert logs(engine) == []  # not a row of the partial file read
    assert growing.exists() and not (drop / "done").exists()

    write(growing, UNITS)  # the writer finishes; a minute passes
    _aged(growing)
    run = import_folder(engine, drop)

    assert run.result == "ok"
    assert logs(engine) == [("units", 3, 3, 0, "committed")]
    assert table(engine, "units")["unit_id"].to_list() == ["FJ1", "PCS1", "SJ"]


def test_content_imported_before_is_moved_to_done_untouched(
    engine: sa.Engine, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    _aged(write(drop / "units.csv", UNITS))
    import_folder(engine, drop)
    # the same bytes dropped again, under another name
    shutil.copyfile(drop / "done" / "units.csv", drop / "units_again.csv")
    _aged(drop / "units_again.csv")
    # and the same name again with the same bytes
    shutil.copyfile(drop / "done" / "units.csv", drop / "units.csv")
    _aged(drop / "units.csv")

    run = import_folder(engine, drop)

    assert run.already == ["units.csv", "units_again.csv"]
    assert run.result == "ok"
    assert logs(engine) == [("units", 3, 3, 0, "committed")]  # imported once, no more
    assert sorted(p.name for p in (drop / "done").iterdir()) == [
        "units.2.csv",
        "units.csv",
        "units_again.csv",
    ]


def test_an_empty_folder_is_skipped(engine: sa.Engine, tmp_path: Path) -> None:
    (tmp_path / "drop").mkdir()
    assert import_folder(engine, tmp_path / "drop").result == "skipped: no new file"
