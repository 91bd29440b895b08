"""queries/engine/relational/kept_sql.py: each shape's compiled SQL kept for the next
process. A shape's digest is the same in every process and differs whenever the SQL
would (the number of periods, the settings, the dialect, a lake or a database); the kept
SQL is what compiling gives, and a file that is not exactly a shape's queries is
compiled again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openness.cli import app
from queries.engine.relational import kept_sql, plan
from queries.engine.relational.kept_sql import read_kept, shape_digest, write_kept
from queries.engine.relational.plan import _plan, _span_query, _statements
from queries.engine.relational.statuses import CountScope, placeholders
from queries.model.db import init_db, make_engine
from queries.model.periods import Period
from queries.model.settings import load_settings
from queries.store.sources import SQL_FOLDER
from seed_data.generator import seed_database

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = load_settings(None)


def _scope(
    *periods: str, as_of: str = "2026-06-30 12:00", settings: object = SETTINGS
) -> CountScope:
    return CountScope(
        tuple(Period.parse(p) for p in periods),
        datetime.fromisoformat(as_of),
        settings,  # type: ignore[arg-type]
    )


def _digest(scope: CountScope, dialect: str = "duckdb", partitioned: bool = True) -> str | None:
    with placeholders():
        made = {"span": _span_query(scope, partitioned), **_plan(scope, None, partitioned, 4)}
    return shape_digest(made, dialect)


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's own kept shapes and statements forgotten (as in a new process)."""
    monkeypatch.setattr(plan, "_SHAPES", {})
    monkeypatch.setattr(plan, "_STATEMENTS", {})


def test_the_digest_names_the_shape_not_its_dates() -> None:
    q2 = _digest(_scope("2026-Q2", "2026-Q1"))
    assert q2 is not None and len(q2) == 64
    # other dates, other as-of, the same shape (they are placeholders)
    assert _digest(_scope("2025-Q3", "2025-Q2", as_of="2025-09-02 08:15")) == q2
    # what changes the SQL changes the digest
    others = {
        "three periods": _digest(_scope("2026-Q2", "2026-Q1", "2025-Q4")),
        "postgres": _digest(_scope("2026-Q2", "2026-Q1"), dialect="postgres"),
        "a database, not a lake": _digest(_scope("2026-Q2", "2026-Q1"), partitioned=False),
        "other settings": _digest(
            _scope("2026-Q2", "2026-Q1", settings=replace(SETTINGS, response_hours=48))
        ),
    }
    assert None not in others.values()
    assert len({q2, *others.values()}) == 1 + len(others), others


def test_the_digest_is_the_same_in_every_process() -> None:
    code = (
        "import sys; sys.path.insert(0, 'tests'); from test_kept_sql import _digest, _scope; "
        "print(_digest(_scope('2026-Q2', '2026-Q1')))"
    )
    seen = set()
    for seed in ("1", "2"):  # string hashing differs from process to process
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        )
        seen.add(out.stdout.strip())
    assert seen == {_digest(_scope("2026-Q2", "2026-Q1"))}


def test_the_next_process_reads_the_sql_instead_of_compiling(
    tmp_path: Path, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "sql"
    scope = _scope("2026-Q2", "2026-Q1")
    first = _statements("duckdb", scope, None, True, store)
    assert len(list(store.glob("*.sql.json"))) == 1
    # a new process: nothing compiled in it, and compiling would fail
    monkeypatch.setattr(plan, "_SHAPES", {})
    monkeypatch.setattr(plan, "_STATEMENTS", {})

    def no_compiling(*_: object) -> str:
        raise AssertionError("compiled again")

    monkeypatch.setattr(plan, "compile_sql", no_compiling)
    assert _statements("duckdb", scope, None, True, store) == first
    # another scope of the shape: its own values written into the kept SQL
    other = _scope("2025-Q3", "2025-Q2", as_of="2025-09-02 08:15")
    monkeypatch.undo()
    monkeypatch.setattr(plan, "_SHAPES", {})
    monkeypatch.setattr(plan, "_STATEMENTS", {})
    expected = _statements("duckdb", other, None, True)  # compiled, no store
    monkeypatch.setattr(plan, "_SHAPES", {})
    monkeypatch.setattr(plan, "_STATEMENTS", {})
    monkeypatch.setattr(plan, "compile_sql", no_compiling)
    assert _statements("duckdb", other, None, True, store) == expected


@pytest.mark.parametrize(
    "content",
    [
        "",  # a file cut short
        "{not json",
        json.dumps(["SELECT 1"]),
        json.dumps({"span": "SELECT 1"}),  # not every query of the shape
        "NAMES",  # every query, one of them not a text
    ],
)
def test_a_file_that_is_not_the_shape_s_queries_is_compiled_again(
    tmp_path: Path, fresh: None, content: str
) -> None:
    store = tmp_path / "sql"
    scope = _scope("2026-Q2", "2026-Q1")
    expected = _statements("duckdb", scope, None, True, store)
    (path,) = store.glob("*.sql.json")
    if content == "NAMES":
        content = json.dumps({name: (1 if i == 0 else "x") for i, name in enumerate(expected)})
    path.write_text(content, encoding="utf-8")
    plan._SHAPES.clear()
    plan._STATEMENTS.clear()
    assert _statements("duckdb", scope, None, True, store) == expected
    # and written again whole
    assert read_kept(store, path.name.split(".")[0], list(expected)) is not None


def test_a_folder_that_cannot_be_written_only_costs_the_compiling(
    tmp_path: Path, fresh: None
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    scope = _scope("2026-Q2", "2026-Q1")
    assert _statements("duckdb", scope, None, True, blocked / "sql") == _statements(
        "duckdb", scope, None, True
    )


def test_the_folder_keeps_the_latest_shapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept_sql, "KEPT", 2)
    for i, digest in enumerate(("a" * 64, "b" * 64, "c" * 64)):
        write_kept(tmp_path, digest, {"q": f"SELECT {i}"})
        os.utime(tmp_path / f"{digest}.sql.json", (1_000_000 + i, 1_000_000 + i))
    write_kept(tmp_path, "d" * 64, {"q": "SELECT 3"})
    assert sorted(p.name[:1] for p in tmp_path.glob("*.sql.json")) == ["c", "d"]
    assert read_kept(tmp_path, "d" * 64, ["q"]) == {"q": "SELECT 3"}
    assert list(tmp_path.glob(".*.tmp")) == []


def test_commands_keep_the_sql_in_the_data_folder_and_give_the_same_table(
    tmp_path: Path, data_folder: Path, fresh: None
) -> None:
    url = f"sqlite:///{tmp_path / 'city.db'}"
    engine = make_engine(url)
    init_db(engine)
    seed_database(engine, "tiny", 5, datetime(2026, 6, 30).date(), progress=False)
    engine.dispose()
    runner = CliRunner()
    args = ["indicators", "--period", "2026-Q2", "--as-of", "2026-06-30", "--format", "csv"]
    first = runner.invoke(app, [*args, "--db", url])
    assert first.exit_code == 0, first.stderr
    kept = sorted((data_folder / "cache" / "sql").glob("*.sql.json"))
    assert kept, "no SQL kept"
    plan._SHAPES.clear()
    plan._STATEMENTS.clear()
    again = runner.invoke(app, [*args, "--db", url])
    assert again.exit_code == 0, again.stderr
    assert again.stdout_bytes == first.stdout_bytes
    assert first.stdout_bytes.count(b"\n") > 5


def test_the_frame_cache_s_pruning_leaves_the_kept_sql(tmp_path: Path) -> None:
    """The frame cache keeps its newest few folders beside the lakes: the SQL folder is
    neither, and stays."""
    from queries.store.frames import _write_cache, whole_frames

    write_kept(tmp_path / SQL_FOLDER, "e" * 64, {"q": "SELECT 1"})
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    init_db(engine)
    seed_database(engine, "tiny", 5, datetime(2026, 6, 30).date(), progress=False)
    frames = whole_frames(engine)
    engine.dispose()
    for i in range(3):
        _write_cache(tmp_path / f"frames{i}", f"marker{i}", frames, keep=1)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["frames2", "sql"]
    assert read_kept(tmp_path / SQL_FOLDER, "e" * 64, ["q"]) == {"q": "SELECT 1"}
