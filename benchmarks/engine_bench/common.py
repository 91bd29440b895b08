"""benchmarks/engines.py: datasets, the baseline's SQL, the processes it times, results."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
OPENNESS = str(Path(PY).parent / "openness")
TIME = "/usr/bin/time"  # GNU time (Debian package "time")


@dataclass(frozen=True)
class Dataset:
    scale: str
    reference_date: str  # the last day generated
    as_of: str
    year: str
    quarter: str
    month: str  # the month imported into a database that lacks it (import step)


DATASETS = {
    "city": Dataset("city", "2026-11-30", "2026-11-30", "2025", "2025-Q4", "2026-11"),
    "province": Dataset("province", "2026-11-30", "2026-11-30", "2025", "2025-Q4", "2026-11"),
    # the year asked (2025) is the last one generated: one year of history, or five
    "province1": Dataset("province1", "2025-12-31", "2026-01-31", "2025", "2025-Q4", "2025-12"),
    "province5": Dataset("province5", "2025-12-31", "2026-01-31", "2025", "2025-Q4", "2025-12"),
    "national": Dataset("national", "2026-11-30", "2026-11-30", "2025", "2025-Q4", "2026-11"),
}

# The baseline: what an analyst writes for "the year's table" in plain DuckDB SQL.
# Own counts per unit over the period, rolled up to every ancestor through the
# closure of the unit tree; seven rates. No as-of, no working days, no previous period.
BASELINE_SQL = """
WITH RECURSIVE tree(ancestor, unit_id) AS (
    SELECT unit_id, unit_id FROM units
    UNION ALL
    SELECT tree.ancestor, units.unit_id FROM tree JOIN units ON units.parent_id = tree.unit_id
),
fb AS (
    SELECT unit_id,
           count(*) AS received,
           count(*) FILTER (WHERE first_response_at <= received_at + INTERVAL 24 HOUR)
               AS responded_24h,
           count(closed_at) AS closed,
           count(*) FILTER (WHERE closed_at <= coalesce(due_at, received_at +
               CASE WHEN kind = 'enquiry' THEN INTERVAL 3 DAY ELSE INTERVAL 30 DAY END))
               AS closed_on_time,
           count(*) FILTER (WHERE closed_at IS NOT NULL AND reasoned_reply) AS reasoned,
           count(satisfaction) AS rated,
           count(*) FILTER (WHERE satisfaction IN ('satisfied', 'basically_satisfied'))
               AS satisfied
    FROM feedback
    WHERE received_at >= TIMESTAMP '{start}' AND received_at < TIMESTAMP '{end}'
    GROUP BY unit_id
),
ds AS (
    SELECT unit_id, count(*) AS published,
           count(*) FILTER (WHERE published_on - formed_on <= 28) AS timely
    FROM disclosures
    WHERE published_on >= DATE '{start}' AND published_on < DATE '{end}'
    GROUP BY unit_id
),
sv AS (
    SELECT unit_id, count(*) AS opened,
           count(*) FILTER (WHERE rectified_on <= rectify_due_on) AS rectified_on_time
    FROM supervision
    WHERE opened_on >= DATE '{start}' AND opened_on < DATE '{end}'
    GROUP BY unit_id
)
SELECT tree.ancestor AS unit_id,
       sum(received) AS received,
       sum(responded_24h) / sum(received) AS response_rate,
       sum(closed_on_time) / sum(received) AS on_time_rate,
       sum(reasoned) / sum(closed) AS reasoned_reply_rate,
       sum(satisfied) / sum(rated) AS satisfaction_rate,
       sum(published) AS published,
       sum(timely) / sum(published) AS timely_rate,
       sum(opened) AS supervision_items,
       sum(rectified_on_time) / sum(opened) AS rectified_on_time_rate
FROM tree
LEFT JOIN fb ON fb.unit_id = tree.unit_id
LEFT JOIN ds ON ds.unit_id = tree.unit_id
LEFT JOIN sv ON sv.unit_id = tree.unit_id
GROUP BY tree.ancestor
ORDER BY unit_id
"""

# the baseline's process: open the DuckDB file, run the query, write CSV
BASELINE_PROCESS = """
import sys
import duckdb
db, out, sql = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect(db, read_only=True)
con.sql(sql).write_csv(out)
"""

# where the time of one --lake table goes (the steps of `openness indicators`)
PROFILE_PROCESS = """
import json, sys, time
t0 = time.perf_counter()
import duckdb, ibis, polars
t_deps = time.perf_counter()
from openness.app import open_database, period_as_of_settings, read_frames
from openness.cmd_indicators import table_bytes
from queries.engine.indicators import compute_table
t_imports = time.perf_counter()
import queries.store.sources as sources
spent = {"compile": 0.0, "engine_sql": 0.0, "queries": 0}
_to_sql, _duckdb_bound, _pg_bound = ibis.to_sql, sources.duckdb_bound, sources.postgres_bound
def to_sql(*a, **k):
    t = time.perf_counter()
    try:
        return _to_sql(*a, **k)
    finally:
        spent["compile"] += time.perf_counter() - t
names = {}
by_query = {}
def timed(bound):
    def run(sql):
        t = time.perf_counter()
        try:
            return bound.run(sql)
        finally:
            dt = time.perf_counter() - t
            spent["engine_sql"] += dt
            spent["queries"] += 1
            name = names.get(sql, "?")
            name = f"{name} ({PARTS[name]})" if name in PARTS else name
            by_query[name] = round(by_query.get(name, 0.0) + dt, 3)
    return sources.Bound(bound.dialect, run, bound.put)
ibis.to_sql = to_sql
import queries.engine.relational.plan as plan
# what each part:<n> of plan._plan computes, in its order
from queries.model.catalogue import INDICATORS
from queries.model.indicator import Kind
special = ("R_RECTIFY", "O_SUPERVISION_PUBLIC", "O_COVERAGE")
groups = []
for ind in INDICATORS:
    key = ind.code if ind.code in special else ind.record_kind
    if ind.kind != Kind.MEDIAN and key not in groups:
        groups.append(key)
labels = [f"sums of {g}" for g in groups] + [
    f"{ind.kind.value} {ind.code}" for ind in INDICATORS
    if ind.kind in (Kind.DISTINCT_SHARE, Kind.MEDIAN)
]
PARTS = {f"part:{i}": label for i, label in enumerate(labels)}
_statements = plan._statements
def statements(*a, **k):
    t = time.perf_counter()
    try:
        made = _statements(*a, **k)
        names.update({sql: name for name, sql in made.items()})
        return made
    finally:
        spent["build_and_compile"] = spent.get("build_and_compile", 0.0) + time.perf_counter() - t
plan._statements = statements
sources.duckdb_bound = lambda con: timed(_duckdb_bound(con))
sources.postgres_bound = lambda conn: timed(_pg_bound(conn))
db, lake, period, as_of, out = sys.argv[1:6]
t1 = time.perf_counter()
p, at, settings = period_as_of_settings(period, as_of, None)
engine = open_database(db)
t_open = time.perf_counter()
from pathlib import Path
frames = read_frames(engine, None, Path(lake) if lake != "-" else None)
t_read = time.perf_counter()
result = compute_table(frames, p, at, settings)
t_compute = time.perf_counter()
data = table_bytes(result.for_unit(None), "csv")
open(out, "wb").write(data)
t_end = time.perf_counter()
import resource
print(json.dumps({
    "deps_import_s": t_deps - t0,
    "project_import_s": t_imports - t_deps,
    "open_database_s": t_open - t1,
    "read_records_s": t_read - t_open,
    "compute_s": t_compute - t_read,
    "ibis_build_and_compile_s": spent.get("build_and_compile", 0.0),
    "ibis_to_sql_s": spent["compile"],
    "engine_sql_s": spent["engine_sql"],
    "engine_queries": spent["queries"],
    "engine_sql_by_query_s": by_query,
    "csv_s": t_end - t_compute,
    "in_process_s": t_end - t0,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


@dataclass
class Run:
    label: str
    seconds: float
    peak_mb: float
    cpu_s: float
    load: float  # 1-minute load average just before
    ok: bool = True
    note: str = ""


@dataclass
class Results:
    scale: str
    started: str
    machine: dict[str, Any]
    runs: dict[str, list[Run]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def add(self, run: Run) -> Run:
        self.runs.setdefault(run.label, []).append(run)
        print(
            f"  {run.label}: {run.seconds:.2f} s, peak {run.peak_mb:,.0f} MB, "
            f"CPU {run.cpu_s:.2f} s, load {run.load:.1f}"
            + ("" if run.ok else f"  FAILED {run.note}"),
            flush=True,
        )
        return run

    def median(self, label: str, what: str = "seconds") -> float | None:
        runs = [r for r in self.runs.get(label, []) if r.ok]
        return statistics.median(getattr(r, what) for r in runs) if runs else None


def measure(
    label: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> Run:
    """One fresh process: wall time from spawn to exit, its peak RSS and CPU time.

    The peak and the CPU come from GNU time (``/usr/bin/time``), a small process that
    starts the command: the ``ru_maxrss`` a Python parent gets from ``wait4`` would
    count its own pages, copied at fork, as the child's.
    """
    load = os.getloadavg()[0]
    with tempfile.NamedTemporaryFile() as errors, tempfile.NamedTemporaryFile("r") as usage:
        started = time.perf_counter()
        proc = subprocess.run(
            [TIME, "-f", "%M %U %S", "-o", usage.name, *argv],
            cwd=cwd or ROOT,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            check=False,
        )
        seconds = time.perf_counter() - started
        code = proc.returncode
        errors.seek(0)
        tail = errors.read().decode(errors="replace").strip().splitlines()[-3:]
        fields = usage.read().split()[-3:]
    kb, user, system = int(fields[0]), float(fields[1]), float(fields[2])
    return Run(
        label,
        round(seconds, 3),
        round(kb / 1024, 1),
        round(user + system, 2),
        round(load, 2),
        ok=code in (0, 1),
        note="" if code in (0, 1) else f"exit {code}: {' | '.join(tail)}",
    )


def run_checked(argv: list[str], env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        argv, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True
    )
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc.stdout


def period_bounds(period: str) -> tuple[str, str]:
    """First day and the day after the last of a year or quarter (``2025``, ``2025-Q4``)."""
    if "-Q" in period:
        year, q = int(period[:4]), int(period[-1])
        start = f"{year}-{3 * q - 2:02d}-01"
        end = f"{year + 1}-01-01" if q == 4 else f"{year}-{3 * q + 1:02d}-01"
        return start, end
    return f"{period}-01-01", f"{int(period) + 1}-01-01"


def baseline_sql(period: str) -> str:
    start, end = period_bounds(period)
    return BASELINE_SQL.format(start=start, end=end)


def importtime() -> dict[str, float]:
    """Seconds of ``python -X importtime`` per top-level package for the command's imports."""
    proc = subprocess.run(
        [
            PY,
            "-X",
            "importtime",
            "-c",
            "import openness.cmd_indicators, queries.engine.indicators, "
            "queries.engine.relational, queries.store.sources, queries.store.frames",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    per: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line[len("import time:") :].split("|")
        top = name.strip().split(".")[0]
        per[top] = per.get(top, 0.0) + int(self_us) / 1e6
    ranked = sorted(per.items(), key=lambda kv: -kv[1])[:10]
    return {k: round(v, 2) for k, v in ranked}
