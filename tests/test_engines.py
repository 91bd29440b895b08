"""Every engine gives the same numbers (issue "Compute where the data lives").

The same records in a SQLite file (computed by DuckDB over them), in PostgreSQL
(computed by PostgreSQL itself), in a lake read by DuckDB (``--lake``) and by a real
Spark standalone cluster of two workers (``--engine spark://... --lake``): the
indicator table, both signal tables, the public summary and the briefing's text written
by the commands are equal byte for byte, for several as-ofs (pending and late depend on it), on
generated records and on the real records of examples/real. On PostgreSQL the
indicator table, the monthly series and the signals read no record row into Python:
only aggregates leave the database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import REAL_RECORDS, _wipe
from golden import html_text, without_import_time
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from openness.cli import app
from queries.engine.control import control_signals
from queries.engine.funnel import funnel_signals
from queries.engine.indicators import compute_table
from queries.engine.series import monthly_series
from queries.model.db import init_db, make_engine
from queries.model.periods import Period
from queries.model.settings import Settings
from queries.store.changes import note_record_write
from queries.store.frames import load_frames
from queries.store.schemas import Frames, conform
from reports.briefing.model import build_briefing
from reports.public.summary import public_summary
from seed_data.generator import generate, seed_database

runner = CliRunner()
EXAMPLES = REAL_RECORDS.parents[1]


def _seed(url: str) -> list[str]:
    engine = make_engine(url)
    seed_database(engine, "tiny", 11, date(2026, 6, 30), progress=False)
    engine.dispose()
    return []


def _real(name: str, *files: str) -> Callable[[str], list[str]]:
    def load(url: str) -> list[str]:
        folder = EXAMPLES / name / "records"
        args = ["import", *(str(folder / f) for f in files), "--db", url]
        config = ["--config", str(folder / "settings.toml")]
        res = runner.invoke(app, [*args, *config])
        assert res.exit_code in (0, 1), res.stderr  # 1: some rows rejected, as its README says
        return config

    return load


# (records, loader, [(period, as-of)]): as-ofs inside the period (pending cases) and after
DATASETS = {
    "generated": (
        _seed,
        [("2026-Q2", "2026-05-20 12:00"), ("2026-Q1", "2026-06-30"), ("2026-03", "2026-03-02")],
    ),
    "detroit": (
        _real("detroit-dpd-complaints", "units.csv", "feedback.csv"),
        # its records run from 2016 to 2019
        [("2019", "2020-06-30"), ("2019-Q3", "2019-08-15")],
    ),
    "new-orleans": (
        _real("nopd-misconduct", "units.csv", "feedback.csv", "supervision.csv"),
        # its feedback runs from 2016 to 2023
        [("2023", "2024-12-31"), ("2022-Q2", "2022-05-01")],
    ),
}


def _outputs(url: str, config: list[str], period: str, as_of: str, out: Path) -> dict[str, bytes]:
    when = ["--period", period, "--as-of", as_of, *config, "--db", url]
    got: dict[str, bytes] = {}
    for name, args in (
        ("indicators", ["indicators", "--format", "csv"]),
        ("funnel", ["signals", "--method", "funnel", "--format", "csv"]),
        ("control", ["signals", "--method", "control", "--format", "csv"]),
    ):
        res = runner.invoke(app, [*args, *when])
        assert res.exit_code == 0, f"{name}: {res.stderr}"
        got[name] = res.stdout_bytes
    res = runner.invoke(app, ["publish", "--out", str(out), *when])
    assert res.exit_code == 0, res.stderr
    for f in ("summary.csv", "summary.json"):
        got[f] = (out / f).read_bytes()
    page = out.with_name(out.name + "-briefing.html")
    res = runner.invoke(app, ["briefing", "--format", "html", "--out", str(page), *when])
    assert res.exit_code == 0, res.stderr
    got["briefing"] = without_import_time(html_text(page.read_text(encoding="utf-8"))).encode()
    return got


@pytest.mark.slow
@pytest.mark.parametrize("dataset", list(DATASETS))
def test_sqlite_and_postgresql_give_the_same_outputs(
    dataset: str, tmp_path: Path, pg_database_url: str
) -> None:
    load, whens = DATASETS[dataset]
    lite = f"sqlite:///{tmp_path / 'openness.db'}"
    pg = pg_database_url
    for url in (lite, pg):
        engine = make_engine(url)
        if url == pg:
            _wipe(engine)
        init_db(engine)
        engine.dispose()
    config = load(lite)
    load(pg)
    for i, (period, as_of) in enumerate(whens):
        a = _outputs(lite, config, period, as_of, tmp_path / f"lite{i}")
        b = _outputs(pg, config, period, as_of, tmp_path / f"pg{i}")
        assert a["indicators"].count(b"\n") > 2, "an empty table proves nothing"
        for name in a:
            assert a[name] == b[name], f"{dataset} {period} at {as_of}: {name} differs"


def test_postgresql_sends_only_aggregates(pg_database_url: str) -> None:
    """The table, the monthly series, the signals, the briefing and the public summary
    computed on PostgreSQL read no record table into the Python process (the frames'
    record tables stay unread)."""
    engine = make_engine(pg_database_url)
    _wipe(engine)
    init_db(engine)
    seed_database(engine, "tiny", 11, date(2026, 6, 30), progress=False)
    frames = load_frames(engine)
    table = compute_table(frames, "2026-Q2", "2026-06-30").table
    series = monthly_series(frames, "2026-06-30")
    assert table.height > 0 and series.height > 0
    assert table["R_ONTIME_n"].sum() > 0
    assert frames.loaded == ()
    # the signals, the briefing and the public summary: aggregates only as well
    at, quarter, settings = datetime(2026, 6, 30), Period.parse("2026-Q2"), Settings()
    assert funnel_signals(frames, quarter, at, settings).height > 0
    assert control_signals(frames, quarter, at, settings).height > 0
    assert build_briefing(frames, quarter, at, settings).sections
    assert public_summary(frames, quarter, at, settings).units
    assert frames.loaded == ()
    # the drill-down still reads records, on demand
    assert frames.feedback.height > 0
    assert frames.loaded == ("feedback",)
    engine.dispose()


def test_the_comparison_can_fail(tmp_path: Path) -> None:
    """Two databases with one record different give different tables: the byte
    comparison above would see a difference."""
    urls = [f"sqlite:///{tmp_path / n}" for n in ("a.db", "b.db")]
    for url in urls:
        engine = make_engine(url)
        init_db(engine)
        seed_database(engine, "tiny", 11, date(2026, 6, 30), progress=False)
        engine.dispose()
    engine = sa.create_engine(urls[1])
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE feedback SET closed_at = NULL WHERE case_id = "
            "(SELECT min(case_id) FROM feedback WHERE closed_at IS NOT NULL "
            "AND received_at >= '2026-04-01')"
        )
    engine.dispose()
    outs = [
        _outputs(u, [], "2026-Q2", "2026-06-30", tmp_path / f"o{i}") for i, u in enumerate(urls)
    ]
    assert outs[0]["indicators"] != outs[1]["indicators"]


def _sqlite_with(dataset: str, tmp_path: Path) -> tuple[str, list[str], Path]:
    """A SQLite database holding ``dataset``, its settings options and its lake."""
    load, _whens = DATASETS[dataset]
    url = f"sqlite:///{tmp_path / 'openness.db'}"
    engine = make_engine(url)
    init_db(engine)
    engine.dispose()
    config = load(url)
    lake = tmp_path / "lake"
    res = runner.invoke(app, ["lake", "export", str(lake), "--db", url])
    assert res.exit_code == 0, res.stderr
    return url, config, lake


@pytest.mark.slow
@pytest.mark.parametrize("dataset", list(DATASETS))
def test_the_lake_read_by_duckdb_gives_the_same_outputs(dataset: str, tmp_path: Path) -> None:
    url, config, lake = _sqlite_with(dataset, tmp_path)
    for i, (period, as_of) in enumerate(DATASETS[dataset][1]):
        a = _outputs(url, config, period, as_of, tmp_path / f"db{i}")
        b = _outputs(url, [*config, "--lake", str(lake)], period, as_of, tmp_path / f"lake{i}")
        for name in a:
            assert a[name] == b[name], f"{dataset} {period} at {as_of}: {name} differs"


# on the cluster: every output of the generated records at one as-of, and the table of
# each real set (each command is a few Spark jobs; the cluster's two 1-core workers)
SPARK_RUNS = [
    ("generated", 0, None),
    ("detroit", 0, "indicators"),
    ("new-orleans", 0, "indicators"),
]


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.parametrize(("dataset", "when", "only"), SPARK_RUNS)
def test_a_spark_cluster_gives_the_same_outputs(
    dataset: str,
    when: int,
    only: str | None,
    tmp_path: Path,
    spark_cluster: str,
    spark_session: object,
) -> None:
    """``spark_session``: this process's driver is already on the cluster, with an
    executor on each worker; the commands' session is that one."""
    url, config, lake = _sqlite_with(dataset, tmp_path)
    period, as_of = DATASETS[dataset][1][when]
    spark = ["--engine", spark_cluster, "--lake", str(lake)]
    if only == "indicators":
        when_ = ["--period", period, "--as-of", as_of, *config]
        a = runner.invoke(app, ["indicators", *when_, "--db", url])
        b = runner.invoke(app, ["indicators", *when_, *spark, "--db", url])
        assert a.exit_code == 0 and b.exit_code == 0, b.stderr
        assert a.stdout_bytes.count(b"\n") > 2
        assert a.stdout_bytes == b.stdout_bytes
        return
    a = _outputs(url, config, period, as_of, tmp_path / "db")
    b = _outputs(url, [*config, *spark], period, as_of, tmp_path / "spark")
    for name in a:
        assert a[name] == b[name], f"{dataset} {period} at {as_of}: {name} differs on Spark"


def test_a_stale_or_changed_lake_and_a_missing_engine_are_exit_2(tmp_path: Path) -> None:
    url, _config, lake = _sqlite_with("generated", tmp_path)
    when = ["--period", "2026-Q2", "--as-of", "2026-06-30", "--db", url]
    # a changed file of the lake: refused, in one line naming it
    part = next(lake.glob("feedback/month=*/*.parquet"))
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0xFF
    part.write_bytes(bytes(data))
    res = runner.invoke(app, ["indicators", *when, "--lake", str(lake)])
    assert res.exit_code == 2 and "not the file the lake wrote" in res.stderr
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    # exported again, then the database changes: the lake is older
    assert runner.invoke(app, ["lake", "export", str(lake), "--db", url]).exit_code == 0
    engine = make_engine(url)
    with engine.begin() as conn:
        note_record_write(conn)
    engine.dispose()
    res = runner.invoke(app, ["indicators", *when, "--lake", str(lake)])
    assert res.exit_code == 2 and "older than the database" in res.stderr
    # --engine without --lake; a master nobody answers at
    res = runner.invoke(app, ["indicators", *when, "--engine", "local[2]"])
    assert res.exit_code == 2 and "--engine needs --lake" in res.stderr
    res = runner.invoke(
        app, ["indicators", *when, "--engine", "spark://127.0.0.1:9", "--lake", str(lake)]
    )
    assert res.exit_code == 2 and "cannot be reached" in res.stderr
    res = runner.invoke(app, ["indicators", *when, "--engine", "yarn", "--lake", str(lake)])
    assert res.exit_code == 2 and "not spark://HOST:PORT or local[N]" in res.stderr


def test_a_previous_period_computed_for_ranks_gives_its_whole_table_later() -> None:
    """A table computes its previous period without medians (only its ranks are
    needed); asked for later, that period's own table has its medians, as computed
    afresh."""
    data = generate("tiny", 11, date(2026, 6, 30))
    kept, fresh = (Frames.of({k: conform(k, v) for k, v in data.items()}) for _ in range(2))
    compute_table(kept, "2026-Q2", "2026-06-30")
    later = compute_table(kept, "2026-Q1", "2026-06-30").table
    assert_frame_equal(later, compute_table(fresh, "2026-Q1", "2026-06-30").table)
    assert later["R_CLOSE_DAYS"].null_count() < later.height
