"""The embedded default (cli.md, "Engines and the lake"; queries/store/embedded.py): with
a SQLite file, tables, series and signals are computed by DuckDB over a columnar copy
of the records kept under the cache folder, reading no record into Python; the
records behind a figure are read on demand. The copy is rebuilt when missing, changed
or out of date, and never in the way (a folder that cannot be written, another
process's export). Imports keeping it current: tests/test_embedded_imports.py."""

from __future__ import annotations

import json
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from embedded_support import (
    lake_of,
    let_go,
    lock_held_elsewhere,
    lock_is_free,
    run_cli,
    run_python,
)
from lake_support import file_states, same_records
from polars.testing import assert_frame_equal

from queries.engine.control import control_signals
from queries.engine.drilldown import records_behind
from queries.engine.funnel import funnel_signals
from queries.engine.gaps import data_gaps
from queries.engine.indicators import compute_table
from queries.engine.series import monthly_series
from queries.model.db import init_db, make_engine
from queries.store import embedded
from queries.store.changes import note_record_write
from queries.store.frames import load_frames, whole_frames
from queries.store.lake import lake_is_current, read_manifest
from queries.store.schemas import Frames
from seed_data.generator import seed_database

AS_OF = "2026-06-30"


def _kept(cache: Path) -> list[str]:
    """What the cache folder holds besides the compiled SQL (``sql``, no record in it):
    ``lake-`` for the columnar copy, anything else a frame cache (records in memory)."""
    return sorted({p.name[:5] for p in cache.iterdir() if p.name != "sql"})


def _seeded(tmp_path: Path, name: str = "openness.db") -> sa.Engine:
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    init_db(engine)
    seed_database(engine, "tiny", 11, date(2026, 6, 30), progress=False)
    return engine


def _outputs(frames: Frames) -> dict[str, pl.DataFrame]:
    return {
        "table": compute_table(frames, "2026-Q2", AS_OF).table,
        "series": monthly_series(frames, AS_OF),
        "funnel": funnel_signals(frames, "2026-Q1", AS_OF),
        "control": control_signals(frames, "2026-Q2", AS_OF),
    }


def _same_outputs(a: Frames, b: Frames) -> None:
    got, want = _outputs(a), _outputs(b)
    assert want["table"]["R_ONTIME_n"].sum() > 0, "an empty table proves nothing"
    for name in want:
        assert_frame_equal(got[name], want[name], check_exact=True), name


def test_tables_series_and_signals_read_no_record(engine: sa.Engine, tmp_path: Path) -> None:
    """SQLite (DuckDB over the lake) and PostgreSQL (PostgreSQL itself): the outputs (and
    the data gaps the Overview names) are those of the records in memory, and no record
    table is read into Python until the drill-down asks for one."""
    seed_database(engine, "tiny", 11, date(2026, 6, 30), progress=False)
    with engine.begin() as conn:  # a field no record fills in: a data gap to name
        note_record_write(conn)
        conn.exec_driver_sql("UPDATE feedback SET return_visit_at = NULL")
    frames = load_frames(engine, cache_dir=tmp_path / "cache")
    _same_outputs(frames, whole_frames(engine))
    gaps = data_gaps(frames)
    assert ("feedback", "return_visit_at") in [(g.kind, g.field) for g in gaps]
    assert gaps == data_gaps(whole_frames(engine))
    assert frames.loaded == ()
    if engine.dialect.name == "sqlite":
        assert frames.source is not None and frames.source.partitioned  # the lake
        assert _kept(tmp_path / "cache") == ["lake-"]
    # the records behind a figure: read when asked
    root = frames.units.filter(pl.col("parent_id").is_null())["unit_id"][0]
    behind = records_behind(frames, "R_ONTIME", root, "2026-Q2", AS_OF)
    assert behind.height > 0
    assert "feedback" in frames.loaded


def test_a_fresh_process_reads_no_record(tmp_path: Path) -> None:
    """``openness indicators`` in a new process: the same table as the records in
    memory (no cache: OPENNESS_FRAME_CACHE=0), the copy kept, and no frame cache
    written (nothing read the records), by the briefing and the public bundle either."""
    engine = _seeded(tmp_path)
    url = str(engine.url)
    engine.dispose()
    data = tmp_path / "data"
    when = ["--period", "2026-Q2", "--as-of", AS_OF, "--db", url, "--format", "csv"]
    res = run_cli(["indicators", *when], data)
    assert res.returncode == 0, res.stderr
    memory = run_cli(["indicators", *when], tmp_path / "data0", OPENNESS_FRAME_CACHE="0")
    assert memory.returncode == 0, memory.stderr
    assert res.stdout == memory.stdout and res.stdout.count("\n") > 5
    cache = data / "cache"
    assert _kept(cache) == ["lake-"]
    # the command line's own frames, in a new process: nothing loaded by a table
    probe = (
        "import sys\n"
        "from openness.app import read_frames\n"
        "from queries.engine.indicators import compute_table\n"
        "from queries.model.db import make_engine\n"
        "frames = read_frames(make_engine(sys.argv[1]))\n"
        "compute_table(frames, '2026-Q2', '2026-06-30')\n"
        "print(frames.loaded, frames.source.name, frames.source.partitioned)\n"
    )
    res = run_python(["-c", probe, url], data)
    assert res.stdout.strip() == "() duckdb True", res.stderr
    # the briefing and the public bundle count by the engine too: still no record read,
    # so no frame cache written beside the copy
    out = tmp_path / "b.html"
    res = run_cli(["briefing", "--period", "2026-Q2", "--as-of", AS_OF, "--db", url,
                   "--format", "html", "--out", str(out)], data)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "人大代表" in out.read_text(encoding="utf-8")  # the deputies' part is there
    res = run_cli(["publish", "--period", "2026-Q2", "--as-of", AS_OF, "--db", url,
                   "--out", str(tmp_path / "site")], data)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert _kept(cache) == ["lake-"]


def test_a_deleted_or_changed_copy_is_rebuilt(tmp_path: Path) -> None:
    engine = _seeded(tmp_path)
    cache = tmp_path / "cache"
    truth = whole_frames(engine)
    load_frames(engine, cache_dir=cache)
    lake = lake_of(cache, engine)
    assert lake_is_current(engine, lake)
    # deleted: written again
    shutil.rmtree(lake)
    frames = load_frames(engine, cache_dir=cache)
    assert lake_is_current(engine, lake)
    _same_outputs(frames, truth)
    # a file changed (every case of a month now satisfied): found by its digest and
    # written again, the figures those of the database
    part = sorted(lake.glob("feedback/month=2026-04/*.parquet"))[0]
    forged = pl.read_parquet(part).with_columns(pl.lit("satisfied").alias("satisfaction"))
    forged.write_parquet(part)
    frames = load_frames(engine, cache_dir=cache)
    _same_outputs(frames, truth)
    same_records(lake, engine, "feedback", manifest=True)
    # a folder holding something else than a lake: cleared and written anew
    shutil.rmtree(lake)
    lake.mkdir()
    (lake / "notes.txt").write_text("not a lake", encoding="utf-8")
    frames = load_frames(engine, cache_dir=cache)
    assert lake_is_current(engine, lake) and not (lake / "notes.txt").exists()
    _same_outputs(frames, truth)
    engine.dispose()


def test_a_copy_that_cannot_be_written_falls_back_to_memory(tmp_path: Path) -> None:
    """No error, the records read into memory as without a cache: when the cache folder
    is a file (the lake cannot be made), and when the lake's manifest cannot be written
    (an export failing at its last step: the old lake is left as it was)."""
    engine = _seeded(tmp_path)
    truth = whole_frames(engine)
    blocked = tmp_path / "cache-is-a-file"
    blocked.write_text("", encoding="utf-8")
    frames = load_frames(engine, cache_dir=blocked)
    assert frames.source is None and frames.loaded == ("disclosures", "feedback", "supervision")
    _same_outputs(frames, truth)
    # a lake kept, the database written since, and the new manifest cannot be written
    cache = tmp_path / "cache"
    load_frames(engine, cache_dir=cache)
    lake = lake_of(cache, engine)
    with engine.begin() as conn:
        note_record_write(conn)
        conn.exec_driver_sql("UPDATE feedback SET outcome = 'withdrawn' WHERE outcome IS NULL")
    before = file_states(lake)
    (lake / f"._lake.json.tmp-{os.getpid()}").mkdir()  # in the way of the manifest's write
    frames = load_frames(engine, cache_dir=cache)
    assert frames.source is None, "fell back to the records in memory"
    _same_outputs(frames, whole_frames(engine))
    assert {f: s for f, s in file_states(lake).items() if f in before} == before
    assert not lake_is_current(engine, lake)
    (lake / f"._lake.json.tmp-{os.getpid()}").rmdir()
    frames = load_frames(engine, cache_dir=cache)
    assert frames.source is not None and lake_is_current(engine, lake)
    engine.dispose()


def test_an_export_in_another_process_is_waited_for_or_passed_by(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock of another process's export: waited for (then the lake is used), or,
    past the wait, the records read into memory; never an error."""
    engine = _seeded(tmp_path)
    cache = tmp_path / "cache"
    load_frames(engine, cache_dir=cache)
    lake = lake_of(cache, engine)
    with engine.begin() as conn:
        note_record_write(conn)
        conn.exec_driver_sql("UPDATE feedback SET channel = 'mailbox' WHERE channel = 'hotline'")
    truth = whole_frames(engine)
    monkeypatch.setattr(embedded, "WAIT_SECONDS", 0.5)
    with lock_held_elsewhere(lake):
        frames = load_frames(engine, cache_dir=cache)
        assert frames.source is None
        _same_outputs(frames, truth)
    assert not lake_is_current(engine, lake)
    monkeypatch.setattr(embedded, "WAIT_SECONDS", 60.0)
    with lock_held_elsewhere(lake) as holder:
        # the holder lets go a second after this process starts waiting
        timer = threading.Timer(1.0, let_go, (holder,))
        timer.start()
        frames = load_frames(engine, cache_dir=cache)
        timer.join()
    assert frames.source is not None and lake_is_current(engine, lake)
    _same_outputs(frames, truth)
    assert lock_is_free(lake)
    engine.dispose()


def test_threads_share_one_export_and_old_frames_follow_the_lake(tmp_path: Path) -> None:
    """Sessions of one dashboard: four threads load at once (one export, the same
    figures); frames opened before an export that replaced a month's file still
    compute (from the lake as it is now)."""
    engine = _seeded(tmp_path)
    cache = tmp_path / "cache"
    with ThreadPoolExecutor(4) as pool:
        loaded = list(pool.map(lambda _: load_frames(engine, cache_dir=cache), range(4)))
    tables = [compute_table(f, "2026-Q2", AS_OF).table for f in loaded]
    for t in tables[1:]:
        assert_frame_equal(t, tables[0], check_exact=True)
    old = loaded[0]
    lake = lake_of(cache, engine)
    m = read_manifest(lake)
    assert m is not None
    with engine.begin() as conn:
        note_record_write(conn)
        conn.exec_driver_sql(
            "UPDATE feedback SET outcome = 'withdrawn' WHERE received_at < '2026-02-01'"
        )
    load_frames(engine, cache_dir=cache)  # the export: January's file replaced
    gone = [f for f in (lake / p["file"] for p in m["tables"]["feedback"]["partitions"].values())
            if not f.exists()]  # fmt: skip
    assert gone, "the export replaced a file the old frames named"
    # a period the old frames have not computed yet (nor as a previous period): from
    # the lake as it is now
    got = compute_table(old, "2026-01", AS_OF).table
    want = compute_table(whole_frames(engine), "2026-01", AS_OF).table
    assert want["R_ONTIME_n"].sum() > 0
    assert_frame_equal(got, want, check_exact=True)
    assert old.loaded == ()
    engine.dispose()


def test_the_copy_of_a_database_gone_is_removed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _seeded(tmp_path, "first.db")
    load_frames(first, cache_dir=cache)
    first_lake = lake_of(cache, first)
    first.dispose()
    (tmp_path / "first.db").unlink()
    second = _seeded(tmp_path, "second.db")
    load_frames(second, cache_dir=cache)
    assert not first_lake.exists() and lake_of(cache, second).is_dir()
    m = read_manifest(lake_of(cache, second))
    assert m is not None and json.dumps(m["database"]).count("second.db") == 1
    second.dispose()
