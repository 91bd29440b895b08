"""Imports keep the embedded default's columnar copy current (queries/store/embedded.py,
queries/importing/write.py): the import notes the months it writes (an updated case's
old month too), and the copy reads only those months again; the next table uses it as
it is. A write the import did not make is never assumed away."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from embedded_support import (
    feedback_csv,
    imported,
    lake_of,
    month_cases,
    run_cli,
    sqlite_with_months,
)
from import_helpers import UNITS, write
from lake_support import file_states, same_records

from queries.store.changes import note_record_write
from queries.store.frames import load_frames
from queries.store.lake import lake_is_current, read_manifest

BASE = ["2026-01", "2026-02", "2026-03"]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache folder the command line and the imports use (``<data>/cache``)."""
    monkeypatch.setenv("OPENNESS_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("OPENNESS_FRAME_CACHE", raising=False)
    return tmp_path / "data" / "cache"


def _changed(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> set[str]:
    """Files added, replaced or removed (by inode and modification time)."""
    return {f for f in before.keys() | after.keys() if before.get(f) != after.get(f)}


def _month_files(names: set[str]) -> set[str]:
    return {n.rsplit("/", 1)[0] for n in names if n.endswith(".parquet")}


def test_the_import_notes_the_months_it_writes(engine: sa.Engine, tmp_path: Path) -> None:
    """SQLite: the months of the rows written and, for a case already there, of its old
    received_at; PostgreSQL keeps no columnar copy: nothing noted."""
    units = write(tmp_path / "units.csv", UNITS)
    first = feedback_csv(tmp_path / "a.csv", month_cases("2026-01", 3) + month_cases("2026-02", 2))
    results = imported(engine, [units, first])
    moved = [("C2026-01-000", "2026-04-10 08:00"), ("N-1", "2026-05-02 09:30")]
    [again] = imported(engine, [feedback_csv(tmp_path / "b.csv", moved)])
    if engine.dialect.name == "postgresql":
        assert results[1].changes is None and again.changes is None
        return
    assert results[0].changes is not None and results[0].changes.months == {"units": frozenset()}
    assert results[1].changes is not None
    assert results[1].changes.months == {"feedback": {"2026-01", "2026-02"}}
    assert results[0].changes.after == results[1].changes.before  # one run of writes
    assert again.changes is not None
    assert again.changes.months == {"feedback": {"2026-01", "2026-04", "2026-05"}}


def test_an_import_reads_only_the_months_it_wrote(tmp_path: Path, cache: Path) -> None:
    """Two files of new months in one import: their months are written, every other
    file stays as it was; January, changed in the database behind the product's back
    (not seen by the change marker), is not read again, which shows it was not read."""
    engine = sqlite_with_months(tmp_path, BASE)
    load_frames(engine, cache_dir=cache)
    lake = lake_of(cache, engine)
    with engine.begin() as conn:  # no note_record_write: the import's months say it all
        conn.exec_driver_sql(
            "UPDATE feedback SET outcome = 'withdrawn' WHERE case_id LIKE 'C2026-01%'"
        )
    before = file_states(lake)
    files = [
        feedback_csv(tmp_path / "april.csv", month_cases("2026-04", 5)),
        feedback_csv(tmp_path / "may.csv", month_cases("2026-05", 4)),
    ]
    imported(engine, files)
    assert lake_is_current(engine, lake)
    changed = _changed(before, file_states(lake))
    assert _month_files(changed) == {"feedback/month=2026-04", "feedback/month=2026-05"}
    assert changed - {f for f in changed if f.endswith(".parquet")} == {"_lake.json"}
    m = read_manifest(lake)
    assert m is not None and m["tables"]["feedback"]["rows"] == 3 * 12 + 5 + 4
    # a full export (what a changed marker without months makes) would read January
    with engine.begin() as conn:
        note_record_write(conn)
    load_frames(engine, cache_dir=cache)
    assert _month_files(_changed(before, file_states(lake))) == {
        "feedback/month=2026-01",
        "feedback/month=2026-04",
        "feedback/month=2026-05",
    }
    same_records(lake, engine, "feedback")
    engine.dispose()


def test_a_case_moved_to_another_month_rewrites_both(tmp_path: Path, cache: Path) -> None:
    engine = sqlite_with_months(tmp_path, BASE)
    load_frames(engine, cache_dir=cache)
    lake = lake_of(cache, engine)
    before = file_states(lake)
    # a case of January received in April after all, one of February in March
    moved = [("C2026-01-000", "2026-04-10 08:00"), ("C2026-02-001", "2026-03-20 16:00")]
    [result] = imported(engine, [feedback_csv(tmp_path / "fix.csv", moved)])
    assert result.changes is not None
    assert result.changes.months == {"feedback": set(BASE) | {"2026-04"}}
    assert lake_is_current(engine, lake)
    changed = _month_files(_changed(before, file_states(lake)))
    assert changed == {f"feedback/month={m}" for m in [*BASE, "2026-04"]}
    # exactly the database's rows, each in its month, whether read by the manifest's
    # files or by a glob of the folders (the replaced files are gone)
    same_records(lake, engine, "feedback", manifest=True)
    same_records(lake, engine, "feedback")
    # moved back: April emptied, its folder removed
    [back] = imported(
        engine, [feedback_csv(tmp_path / "back.csv", [("C2026-01-000", "2026-01-05 10:00")])]
    )
    assert back.changes is not None and back.changes.months == {"feedback": {"2026-01", "2026-04"}}
    assert not (lake / "feedback" / "month=2026-04").exists()
    same_records(lake, engine, "feedback")
    engine.dispose()


def test_another_writer_between_imports_means_a_full_read(tmp_path: Path, cache: Path) -> None:
    """A write the import did not make (another writer, after the copy was exported):
    the import's months do not cover it, so the copy reads every month and has it."""
    engine = sqlite_with_months(tmp_path, BASE)
    load_frames(engine, cache_dir=cache)
    lake = lake_of(cache, engine)
    before = file_states(lake)
    with engine.begin() as conn:
        note_record_write(conn)  # a writer other than the importer
        conn.exec_driver_sql(
            "UPDATE feedback SET outcome = 'withdrawn' WHERE case_id LIKE 'C2026-02%'"
        )
    imported(engine, [feedback_csv(tmp_path / "april.csv", month_cases("2026-04", 5))])
    assert lake_is_current(engine, lake)
    assert _month_files(_changed(before, file_states(lake))) == {
        "feedback/month=2026-02",
        "feedback/month=2026-04",
    }
    same_records(lake, engine, "feedback")
    engine.dispose()


def test_the_next_table_uses_the_copy_the_import_refreshed(tmp_path: Path, cache: Path) -> None:
    """``openness indicators`` in a new process after an import: no export (every file of
    the copy as the import left it), the import's cases counted, the same table as the
    records in memory."""
    engine = sqlite_with_months(tmp_path, BASE)
    url = str(engine.url)
    data = cache.parent
    when = ["--period", "2026-04", "--as-of", "2026-05-31", "--db", url, "--format", "csv"]
    assert run_cli(["indicators", *when], data).returncode == 0
    lake = lake_of(cache, engine)
    imported(engine, [feedback_csv(tmp_path / "april.csv", month_cases("2026-04", 7))])
    after_import = file_states(lake)
    res = run_cli(["indicators", *when], data)
    assert res.returncode == 0, res.stderr
    assert file_states(lake) == after_import
    memory = run_cli(["indicators", *when], tmp_path / "data0", OPENNESS_FRAME_CACHE="0")
    assert res.stdout == memory.stdout
    header, *rows = res.stdout.lstrip("\ufeff").splitlines()
    station = dict(
        zip(
            header.split(","),
            next(r for r in rows if r.startswith("PCS1,")).split(","),
            strict=True,
        )
    )
    assert station["R_CLOSE_DAYS_n"] == "7"
    engine.dispose()
