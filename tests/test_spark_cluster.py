"""The Spark tests' cluster is a real one (tests/spark_cluster.py): a master and two
workers, the tasks of an Ibis query run by an executor on each worker, not ``local[*]``.
A small Hive-partitioned Parquet lake written by polars is read on it; the aggregate,
its exact median and distinct count, and the wall-clock readings of naive date-times
equal what polars computes from the same rows."""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import ibis
import polars as pl
import pytest
from spark_cluster import JVM_TIME_ZONE, WORKERS, SparkCluster, executors

pytestmark = pytest.mark.spark

MONTHS = ("2026-01", "2026-02", "2026-03")
UNITS = ("B1-S1", "B1-S2", "B2-S1")
CHANNELS = ("12345", "110", "web", "letter", "visit")
# naive wall-clock times that move to another day, month or hour if anything on the
# way converts them through a zone: month ends and starts near midnight (UTC+8 is eight
# hours away), microseconds, and 1991-04-14 02:30, which never happened in
# Asia/Shanghai (clocks went from 02:00 to 03:00 that night)
EDGE_TIMES = (
    datetime(2026, 1, 31, 23, 30),
    datetime(2026, 2, 1, 0, 30),
    datetime(2026, 2, 28, 16, 0, 0, 1),
    datetime(2026, 3, 1, 7, 59, 59, 999999),
    datetime(2026, 3, 31, 23, 59, 59),
    datetime(1991, 4, 14, 2, 30),
)


def feedback_rows(n: int = 240, seed: int = 11) -> pl.DataFrame:
    """Generated feedback records: a string id, unit and channel, the received date
    and date-time, whether closed (some unknown), days to the reply (some none)."""
    rng = random.Random(seed)
    received = [
        datetime(2026, 1, 1) + timedelta(minutes=rng.randrange(90 * 24 * 60)) for _ in range(n)
    ]
    received[: len(EDGE_TIMES)] = EDGE_TIMES
    return pl.DataFrame(
        {
            "case_id": [f"F{i:05d}" for i in range(n)],
            "unit": [rng.choice(UNITS) for _ in range(n)],
            "channel": [rng.choice(CHANNELS) for _ in range(n)],
            "received_at": received,
            "received_date": [t.date() for t in received],
            "closed": [rng.choice((True, False, None)) for _ in range(n)],
            "reply_days": [rng.choice((None, *range(30))) for _ in range(n)],
        },
        schema_overrides={"received_at": pl.Datetime("us"), "reply_days": pl.Int64},
    )


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pl.DataFrame]:
    """``feedback/month=YYYY-MM/part-N.parquet``, two files a month (the 1991 row goes
    with January); the rows with their ``month``."""
    root = tmp_path_factory.mktemp("lake") / "feedback"
    rows = feedback_rows().with_columns(
        month=pl.when(pl.col("received_date") < date(2026, 1, 1))
        .then(pl.lit("2026-01"))
        .otherwise(pl.col("received_date").dt.strftime("%Y-%m"))
    )
    for month in MONTHS:
        part = rows.filter(pl.col("month") == month).drop("month")
        folder = root / f"month={month}"
        folder.mkdir(parents=True)
        half = part.height // 2
        part.slice(0, half).write_parquet(folder / "part-0.parquet")
        part.slice(half).write_parquet(folder / "part-1.parquet")
    return root, rows


def _tasks_by_executor(session: Any) -> dict[str, int]:
    return {e["id"]: e["completed_tasks"] for e in executors(session)}


def test_the_cluster_is_a_master_and_two_workers(
    spark_standalone: SparkCluster, spark_cluster: str, spark_session: Any
) -> None:
    """The driver's master is the standalone master; the master has both workers alive
    and gives the application one core of each; each of the two executors belongs to
    a different worker (its log links point at that worker's web UI)."""
    assert spark_cluster.startswith("spark://127.0.0.1:")
    assert spark_session.sparkContext.master == spark_cluster
    status = spark_standalone.status()
    assert status["aliveworkers"] == WORKERS, status
    assert [w["coresused"] for w in status["workers"]] == [1] * WORKERS, status
    apps = [a for a in status["activeapps"] if a["name"] == spark_session.sparkContext.appName]
    assert [a["cores"] for a in apps] == [WORKERS], status
    worker_uis = {w["webuiaddress"] for w in status["workers"]}
    found = executors(spark_session)
    assert len(found) == WORKERS, found
    assert {e["worker_ui"] for e in found} == worker_uis, (found, worker_uis)


def test_python_tasks_run_in_both_workers_folders(
    spark_standalone: SparkCluster, spark_session: Any
) -> None:
    """Python on the executors (what an Ibis Python UDF needs) is this interpreter, and
    its tasks run in the executors' folders under each worker's work folder. (The
    function is local: cloudpickle sends it by value; one of a module the executors
    cannot import, such as a test module, fails there.)"""

    def task_folder(_: int) -> str:
        import os

        return os.getcwd()

    folders = spark_session.sparkContext.parallelize(range(8), 8).map(task_folder).collect()
    workers = {Path(f).parent.parent.name for f in folders}
    assert workers == {f"work-{n}" for n in range(1, WORKERS + 1)}, folders
    assert all(Path(f).is_relative_to(spark_standalone.folder) for f in folders), folders


def test_an_ibis_aggregate_runs_on_both_workers_and_equals_polars(
    spark_session: Any, spark_ibis: Any, lake: tuple[Path, pl.DataFrame]
) -> None:
    """Per month (the partition) and unit: cases, closed, distinct channels, the median
    days to reply and the cases received at night (by the wall clock). Ibis compiles the
    median to Spark's exact ``percentile`` and the distinct count to ``COUNT(DISTINCT)``;
    a group with an even count has a median halfway between two values (which an
    approximate percentile, returning one of the values, would not give). Both
    executors ran tasks of this query."""
    root, rows = lake
    t = spark_ibis.read_parquet(str(root))
    hour = t.received_at.hour()
    expr = (
        t.group_by(["month", "unit"])
        .aggregate(
            cases=t.count(),
            closed=t.closed.sum(),
            channels=t.channel.nunique(),
            median_reply_days=t.reply_days.median(),
            at_night=((hour >= 22) | (hour < 6)).sum(),
        )
        .order_by(["month", "unit"])
    )
    sql = ibis.to_sql(expr, dialect="pyspark")
    assert "PERCENTILE(" in sql.upper() and "APPROX" not in sql.upper(), sql
    assert "COUNT(DISTINCT" in sql.upper(), sql

    before = _tasks_by_executor(spark_session)
    got = expr.to_polars()

    hour_pl = pl.col("received_at").dt.hour()
    want = (
        rows.group_by(["month", "unit"])
        .agg(
            cases=pl.len(),
            closed=pl.col("closed").sum(),
            channels=pl.col("channel").n_unique(),
            median_reply_days=pl.col("reply_days").median(),
            at_night=((hour_pl >= 22) | (hour_pl < 6)).sum(),
        )
        .sort(["month", "unit"])
    )
    assert got.height == len(MONTHS) * len(UNITS)
    assert got.cast(want.schema).to_dicts() == want.to_dicts()
    assert any(m % 1 == 0.5 for m in want["median_reply_days"]), (
        "no group tells exact from approximate"
    )

    # the status store hears of finished tasks a moment after the result is back
    deadline = time.monotonic() + 60
    while True:
        after = _tasks_by_executor(spark_session)
        ran = {k: after[k] - before.get(k, 0) for k in after}
        if all(n > 0 for n in ran.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert len(ran) == WORKERS and all(n > 0 for n in ran.values()), ran


def test_naive_datetimes_keep_their_wall_clock(
    spark_session: Any, spark_ibis: Any, lake: tuple[Path, pl.DataFrame]
) -> None:
    """polars writes Datetime("us") as a Parquet timestamp not adjusted to UTC; Spark
    reads it as TIMESTAMP_NTZ, Ibis as a zone-less timestamp. With the JVMs in
    Asia/Shanghai and the session in UTC (Ibis's setting) or in Asia/Shanghai, every
    value, its date, month and hour come back as written, to the microsecond."""
    root, rows = lake
    jvm_zone = spark_session.sparkContext._jvm.java.util.TimeZone.getDefault().getID()
    assert jvm_zone == JVM_TIME_ZONE  # else a shift by the machine's zone could hide
    fields = {
        f.name: f.dataType.simpleString() for f in spark_session.read.parquet(str(root)).schema
    }
    assert fields["received_at"] == "timestamp_ntz", fields
    assert fields["received_date"] == "date", fields

    t = spark_ibis.read_parquet(str(root))
    assert t.schema()["received_at"] == ibis.dtype("timestamp"), t.schema()
    expr = t.select(
        "case_id",
        "received_at",
        "received_date",
        on_date=t.received_at.date(),
        month=t.received_at.month(),
        hour=t.received_at.hour(),
        month_start=t.received_at.truncate("M"),
        after_feb=t.received_at >= ibis.timestamp("2026-02-01 00:00:00"),
    ).order_by("case_id")
    at = pl.col("received_at")
    want = rows.sort("case_id").select(
        "case_id",
        "received_at",
        "received_date",
        on_date=at.dt.date(),
        month=at.dt.month(),
        hour=at.dt.hour(),
        month_start=at.dt.truncate("1mo"),
        after_feb=at >= datetime(2026, 2, 1),
    )
    zone = spark_session.conf.get("spark.sql.session.timeZone")
    try:
        for session_zone in ("UTC", JVM_TIME_ZONE):
            spark_session.conf.set("spark.sql.session.timeZone", session_zone)
            got = expr.to_polars()
            assert got.cast(want.schema).to_dicts() == want.to_dicts(), session_zone
    finally:
        spark_session.conf.set("spark.sql.session.timeZone", zone)
