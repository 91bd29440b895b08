"""The engines' speed and memory against plain baselines (issue 18), run by hand.

    .venv/bin/python benchmarks/engines.py [--scale province] [--steps ...] [--rounds 3]
                                          [--pg URL] [--dir DIR]

Every figure is a ratio to a baseline run beside it, in the same run, in fresh processes
interleaved round by round (the machine is shared: each run records the 1-minute load
average before it; the medians over the rounds are compared). A process's time is its
wall time from spawn to exit (interpreter start, imports, reading, computing, writing
the CSV); its memory is its peak resident set and its CPU user + system, both from GNU
time (``/usr/bin/time``; a JVM the process starts for Spark is not counted).

Steps (``--steps``, comma-separated; default all but ``pg`` and ``spark``, which need
``--pg URL`` and Java 17 with the spark extra):

- ``prepare``: seed ``--scale`` into ``DIR/<scale>.db`` (SQLite; ``openness seed``, once),
  export its lake (``openness lake export DIR/<scale>_lake``) and build the baseline's
  DuckDB file ``DIR/<scale>.duckdb`` from the lake's Parquet (units and the three
  record kinds, every column, no index);
- ``year``: the year's indicator table, ``openness indicators --period Y --as-of T``,
  (a) the default path (SQLite; the first run fills the frame cache, ``cold``, the
  others hit it), (b) ``--lake``, against (c) the baseline: a fresh Python process
  opens the DuckDB file and runs one plain SQL query (:data:`BASELINE_SQL`: per unit
  own counts of seven rates over the period, rolled up through a recursive closure of
  the unit tree) and writes it as CSV;
- ``quarter``: the same for the year's last quarter (target: at most 1/3 of the year);
- ``profile``: where the time of one ``--lake`` table goes, in one fresh process:
  imports, opening the lake, Ibis building and compiling the SQL, DuckDB running it,
  the rest in Python (scores, ranks, CSV); and ``-X importtime`` by package;
- ``import``: ``openness import`` of the database's records as CSV files (written from
  it: units, disclosures, feedback, supervision) into a fresh database against the
  sqlite3 command line's ``.import`` of the same files (into tables it creates, and
  then also into the project's schema, keys and indexes); needs ``sqlite3`` (else
  Python's ``executemany`` from ``csv`` is the baseline, said in the output);
- ``month``: one month's records (the dataset's ``month``) imported into a copy of the
  database that lacks that month against into an empty one (units only), each round
  after deleting the month again; without and with a kept frame cache;
- ``pg``: the year's table with ``--db`` ``--pg`` (seeded once with ``--scale``):
  time against the same baseline, and the Python process's peak memory;
- ``spark``: the year's table with ``--engine spark://... --lake`` on a standalone
  cluster of two workers (tests/spark_cluster.py's launcher: a master and 1-core,
  1 GiB workers on loopback), then with one worker.

Scales (seed_data/scales.py): ``city`` to try the script, ``province`` (3 years),
``province1`` / ``province5`` (the province's yearly volume over one / five years:
``--scale province1,province5`` runs both and compares their peak memory), ``national``
(ten provinces, ~76 M records: seeding it takes an hour or more and ~25 GB of disk on
this machine; not run so far).
Results go to ``DIR/results-<scale>-<time>.json`` and a summary table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
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


class Bench:
    def __init__(self, ds: Dataset, folder: Path, results: Results) -> None:
        self.ds = ds
        self.dir = folder
        self.res = results
        self.db_file = folder / f"{ds.scale}.db"
        self.db = f"sqlite:///{self.db_file}"
        self.lake = folder / f"{ds.scale}_lake"
        self.duck = folder / f"{ds.scale}.duckdb"
        # each database its own data folder (frame cache, rejects)
        self.data = folder / f"data_{ds.scale}"
        self.env = {"OPENNESS_DATA": str(self.data)}
        self.out = folder / "out"
        self.out.mkdir(parents=True, exist_ok=True)

    # --- prepare -------------------------------------------------------------------
    def prepare(self) -> None:
        ds = self.ds
        if not self.db_file.exists():
            print(f"seeding {ds.scale} into {self.db_file} (minutes at province scale)")
            run = self.res.add(
                measure(
                    f"seed {ds.scale}",
                    [
                        OPENNESS,
                        "seed",
                        "--scale",
                        ds.scale,
                        "--reference-date",
                        ds.reference_date,
                        "--db",
                        self.db,
                    ],
                    self.env,
                )
            )
            if not run.ok:
                sys.exit(run.note)
        if not (self.lake / "_lake.json").exists():
            print(f"exporting the lake to {self.lake}")
            self.res.add(
                measure(
                    f"lake export {ds.scale}",
                    [OPENNESS, "lake", "export", str(self.lake), "--db", self.db],
                    self.env,
                )
            )
        if not self.duck.exists():
            self.build_duckdb()
        with sqlite3.connect(self.db_file) as con:
            counts = {
                t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("units", "feedback", "disclosures", "supervision")
            }
            start, end = period_bounds(ds.year)
            counts["feedback_in_year"] = con.execute(
                "SELECT count(*) FROM feedback WHERE received_at >= ? AND received_at < ?",
                (start, end),
            ).fetchone()[0]
            span = con.execute("SELECT min(received_at), max(received_at) FROM feedback")
            counts["feedback_span"] = [str(v)[:10] for v in span.fetchone()]
        self.res.facts["records"] = counts
        self.res.facts["sqlite_file_gb"] = round(self.db_file.stat().st_size / 1e9, 2)
        print(f"records: {counts}")

    def build_duckdb(self) -> None:
        """The baseline's DuckDB file: the lake's Parquet loaded as plain tables."""
        import duckdb

        print(f"building the baseline DuckDB file {self.duck}")
        started = time.perf_counter()
        tmp = self.duck.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp))
        con.execute(
            f"CREATE TABLE units AS SELECT * FROM read_parquet('{self.lake}/units/*.parquet')"
        )
        for kind in ("feedback", "disclosures", "supervision"):
            con.execute(
                f"CREATE TABLE {kind} AS SELECT * EXCLUDE (month) FROM read_parquet("
                f"'{self.lake}/{kind}/*/*.parquet', hive_partitioning = true)"
            )
        con.close()
        tmp.rename(self.duck)
        self.res.facts["duckdb_build_s"] = round(time.perf_counter() - started, 1)
        self.res.facts["duckdb_file_mb"] = round(self.duck.stat().st_size / 1e6)

    # --- the tables ----------------------------------------------------------------
    def ours(self, label: str, period: str, *extra: str, db: str | None = None) -> Run:
        out = self.out / f"{label.replace(' ', '_')}.csv"
        argv = [
            OPENNESS,
            "indicators",
            "--period",
            period,
            "--as-of",
            self.ds.as_of,
            "--db",
            db or self.db,
            "--out",
            str(out),
            *extra,
        ]
        return self.res.add(measure(label, argv, self.env))

    def baseline(self, label: str, period: str) -> Run:
        out = self.out / f"{label.replace(' ', '_')}.csv"
        argv = [PY, "-c", BASELINE_PROCESS, str(self.duck), str(out), baseline_sql(period)]
        return self.res.add(measure(label, argv))

    def tables(self, rounds: int, what: str) -> None:
        """Year (``what='year'``) or quarter tables, interleaved with the baseline."""
        period = self.ds.year if what == "year" else self.ds.quarter
        print(f"{what} {period}, {rounds} rounds (fresh processes, interleaved)")
        if what == "year" and not self.res.runs.get("year default, cache cold"):
            # the default path fills its frame cache on the first run
            shutil.rmtree(self.data / "cache", ignore_errors=True)
            self.ours("year default, cache cold", period)
        for _ in range(rounds):
            self.baseline(f"{what} baseline duckdb", period)
            self.ours(f"{what} --lake", period, "--lake", str(self.lake))
            self.ours(f"{what} default, cache hit", period)

    def interpreter(self, rounds: int) -> None:
        """What a Python process costs before any work: the floor of both sides."""
        for _ in range(rounds):
            self.res.add(measure("python -c pass", [PY, "-c", "pass"]))
            self.res.add(measure("python -c 'import duckdb'", [PY, "-c", "import duckdb"]))
            self.res.add(
                measure(
                    "python: import the indicators' modules",
                    [
                        PY,
                        "-c",
                        "import openness.cmd_indicators, queries.engine.indicators, "
                        "queries.engine.relational, queries.store.sources",
                    ],
                )
            )

    def profile(self, lake: bool = True, db: str | None = None, label: str = "--lake") -> None:
        out = self.out / "profile.csv"
        argv = [
            PY,
            "-c",
            PROFILE_PROCESS,
            db or self.db,
            str(self.lake) if lake else "-",
            self.ds.year,
            self.ds.as_of,
            str(out),
        ]
        load = os.getloadavg()[0]
        started = time.perf_counter()
        text = run_checked(argv, self.env)
        wall = time.perf_counter() - started
        prof = json.loads(text.strip().splitlines()[-1])
        prof["process_wall_s"] = wall
        prof["interpreter_and_exit_s"] = wall - prof["in_process_s"]
        prof["python_side_of_compute_s"] = (
            prof["compute_s"] - prof["ibis_build_and_compile_s"] - prof["engine_sql_s"]
        )
        prof["load"] = load
        prof = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in prof.items()}
        self.res.facts.setdefault("profile", {})[label] = prof
        print(f"  profile {label}: {json.dumps(prof)}")
        if label == "--lake":
            self.res.facts["importtime_top"] = importtime()
            print(f"  import time by package (s): {self.res.facts['importtime_top']}")

    # --- import --------------------------------------------------------------------
    def write_csvs(self, folder: Path, month: str | None = None) -> list[Path]:
        """The records of the database as record files (cli.md columns, titles and
        findings included), all or one month's (by each kind's anchor date)."""
        folder.mkdir(parents=True, exist_ok=True)
        anchors = {
            "feedback": "received_at",
            "disclosures": "published_on",
            "supervision": "opened_on",
        }
        con = sqlite3.connect(self.db_file)
        files = []
        for table in ("units", "disclosures", "feedback", "supervision"):
            cols = [r for r in con.execute(f"PRAGMA table_info({table})") if r[1] != "import_id"]
            exprs = []
            for _, name, typ, *_ in cols:
                if typ == "DATETIME":
                    exprs.append(f"substr({name}, 1, 19)")
                elif typ == "BOOLEAN":
                    exprs.append(f"CASE {name} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END")
                else:
                    exprs.append(name)
            where = ""
            if month is not None and table != "units":
                where = f" WHERE substr({anchors[table]}, 1, 7) = '{month}'"
            path = folder / f"{table}.csv"
            header = ",".join(c[1] for c in cols)
            with path.open("w", encoding="utf-8", newline="") as f:
                f.write(header + "\n")
            # the sqlite3 command line writes CSV fastest; Python's csv module otherwise
            query = f"SELECT {', '.join(exprs)} FROM {table}{where}"
            if shutil.which("sqlite3"):
                with path.open("a", encoding="utf-8", newline="") as f:
                    subprocess.run(
                        ["sqlite3", "-csv", str(self.db_file), query], stdout=f, check=True
                    )
            else:
                import csv

                with path.open("a", encoding="utf-8", newline="") as f:
                    csv.writer(f).writerows(con.execute(query))
            files.append(path)
        con.close()
        return files

    def imports(self) -> None:
        csvs = self.dir / f"{self.ds.scale}_csv"
        if not (csvs / "supervision.csv").exists():
            print(f"writing the records as CSV files to {csvs}")
            self.write_csvs(csvs)
        files = [csvs / f"{t}.csv" for t in ("units", "disclosures", "feedback", "supervision")]
        self.res.facts["import_csv_mb"] = round(sum(f.stat().st_size for f in files) / 1e6)
        work = self.dir / "import_work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        ours_db = work / "ours.db"
        env = {"OPENNESS_DATA": str(work / "data")}
        run_checked([OPENNESS, "init", "--db", f"sqlite:///{ours_db}"], env)
        print("import: openness import vs sqlite3 .import of the same files")
        self.res.add(
            measure(
                "import openness",
                [OPENNESS, "import", *map(str, files), "--db", f"sqlite:///{ours_db}"],
                env,
            )
        )
        raw = work / "raw.db"
        if shutil.which("sqlite3"):
            self.res.facts["raw_import_tool"] = "sqlite3 command line .import --csv"
            commands = [f".import --csv {f} {f.stem}" for f in files]
            self.res.add(measure("import raw sqlite3 .import", ["sqlite3", str(raw), *commands]))
            # the same into the project's schema (its keys and indexes), through temp tables
            schema_db = work / "raw_schema.db"
            run_checked([OPENNESS, "init", "--db", f"sqlite:///{schema_db}"], env)
            commands = []
            for f in files:
                header = f.open(encoding="utf-8").readline().strip()
                commands += [
                    f".import --csv {f} raw_{f.stem}",
                    f"INSERT INTO {f.stem} ({header}) SELECT * FROM raw_{f.stem};",
                    f"DROP TABLE raw_{f.stem};",
                ]
            self.res.add(
                measure(
                    "import raw sqlite3 .import into the schema",
                    ["sqlite3", str(schema_db), "BEGIN;", *commands, "COMMIT;"],
                )
            )
        else:
            self.res.facts["raw_import_tool"] = "Python sqlite3 executemany from csv (no sqlite3)"
            script = (
                "import csv, sqlite3, sys\n"
                "con = sqlite3.connect(sys.argv[1])\n"
                "for f in sys.argv[2:]:\n"
                "    rows = csv.reader(open(f, encoding='utf-8', newline=''))\n"
                "    head = next(rows)\n"
                "    name = f.rsplit('/', 1)[-1][:-4]\n"
                "    con.execute(f'CREATE TABLE {name} ({\", \".join(head)})')\n"
                "    marks = ', '.join('?' * len(head))\n"
                "    con.executemany(f'INSERT INTO {name} VALUES ({marks})', rows)\n"
                "    con.commit()\n"
            )
            self.res.add(
                measure(
                    "import raw python executemany",
                    [PY, "-c", script, str(raw)] + [str(f) for f in files],
                )
            )

    def new_month(self, rounds: int) -> None:
        """One month's records (``Dataset.month``) imported into a copy of the database
        lacking them, and into an empty database holding only the units; each round
        deletes the month again from both first. Twice: with no frame cache, and with
        the frame cache of each database kept (an import then refreshes it)."""
        month = self.ds.month
        work = self.dir / "import_work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        print(f"import of one month ({month}): into the whole history vs into an empty database")
        folder = self.dir / f"{self.ds.scale}_month_{month}"
        if not (folder / "supervision.csv").exists():
            self.write_csvs(folder, month)
        files = [folder / f"{t}.csv" for t in ("disclosures", "feedback", "supervision")]
        self.res.facts["month_rows"] = {
            f.stem: sum(1 for _ in f.open(encoding="utf-8")) - 1 for f in files
        }
        full, empty = work / "history.db", work / "empty.db"
        shutil.copyfile(self.db_file, full)
        env = {"OPENNESS_DATA": str(work / "data_month")}
        run_checked([OPENNESS, "import", str(folder / "units.csv"), "--db", f"sqlite:///{empty}"])

        def drop_month(db: Path) -> None:
            con = sqlite3.connect(db)
            for table, anchor in (
                ("feedback", "received_at"),
                ("disclosures", "published_on"),
                ("supervision", "opened_on"),
            ):
                con.execute(f"DELETE FROM {table} WHERE substr({anchor}, 1, 7) = ?", (month,))
            con.commit()
            con.close()

        for cached in (False, True):
            suffix = ", frame cache kept" if cached else ""
            if cached:  # a table computed on each: its frame cache now kept
                for db in (full, empty):
                    drop_month(db)
                    run_checked(
                        [
                            OPENNESS,
                            "indicators",
                            "--period",
                            self.ds.year,
                            "--as-of",
                            self.ds.as_of,
                            "--db",
                            f"sqlite:///{db}",
                            "--out",
                            os.devnull,
                        ],
                        env,
                    )
            for _ in range(rounds):
                for label, db in (("empty database", empty), ("the whole history", full)):
                    drop_month(db)
                    self.res.add(
                        measure(
                            f"month into {label}{suffix}",
                            [OPENNESS, "import", *map(str, files), "--db", f"sqlite:///{db}"],
                            env if cached else {"OPENNESS_DATA": str(work / "no_cache")},
                        )
                    )
        full.unlink()

    # --- PostgreSQL ----------------------------------------------------------------
    def pg(self, url: str, rounds: int) -> None:
        import sqlalchemy as sa

        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        name = f"openness_bench_{self.ds.scale}"
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        db = sa.make_url(url).set(database=name).render_as_string(hide_password=False)
        flag = self.dir / f"{name}.seeded"
        if not flag.exists():
            print(f"seeding {self.ds.scale} into PostgreSQL {name} (minutes)")
            run = self.res.add(
                measure(
                    f"seed {self.ds.scale} postgres",
                    [
                        OPENNESS,
                        "seed",
                        "--scale",
                        self.ds.scale,
                        "--reference-date",
                        self.ds.reference_date,
                        "--db",
                        db,
                    ],
                    self.env,
                )
            )
            if not run.ok:
                sys.exit(run.note)
            flag.write_text(db)
        print(f"PostgreSQL year {self.ds.year}, {rounds} rounds")
        for _ in range(rounds):
            self.baseline("year baseline duckdb", self.ds.year)
            self.ours("year postgres", self.ds.year, db=db)
        self.profile(lake=False, db=db, label="postgres")

    # --- Spark ---------------------------------------------------------------------
    def spark(self, rounds: int) -> None:
        sys.path.insert(0, str(ROOT / "tests"))
        from spark_cluster import running_cluster, spark_missing

        missing = spark_missing()
        if missing:
            print(f"Spark skipped: {missing}")
            self.res.facts["spark"] = f"skipped: {missing}"
            return
        for workers in (2, 1):
            folder = Path(tempfile.mkdtemp(prefix="openness_spark_"))
            print(f"Spark: standalone cluster, {workers} worker(s) (1 core, 1 GiB each)")
            with running_cluster(folder, workers=workers) as cluster:
                self.res.facts[f"spark_{workers}_started_s"] = round(cluster.started_in, 1)
                for _ in range(rounds if workers == 2 else 1):
                    self.baseline("year baseline duckdb", self.ds.year)
                    self.ours(
                        f"year spark {workers} workers",
                        self.ds.year,
                        "--engine",
                        cluster.url,
                        "--lake",
                        str(self.lake),
                    )
            shutil.rmtree(folder, ignore_errors=True)


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


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "n/a"


def summary(res: Results) -> list[str]:
    lines = [f"scale {res.scale}, {res.machine}"]
    for label, runs in res.runs.items():
        ok = [r for r in runs if r.ok]
        if not ok:
            lines.append(f"{label}: FAILED {runs[0].note}")
            continue
        secs = [r.seconds for r in ok]
        lines.append(
            f"{label}: median {statistics.median(secs):.2f} s (min {min(secs):.2f}, "
            f"max {max(secs):.2f}, n {len(ok)}), peak {max(r.peak_mb for r in ok):,.0f} MB, "
            f"CPU {statistics.median(r.cpu_s for r in ok):.2f} s, "
            f"load {min(r.load for r in ok):.1f}-{max(r.load for r in ok):.1f}"
        )
    m = res.median
    base = m("year baseline duckdb")
    for label in (
        "year --lake",
        "year default, cache hit",
        "year default, cache cold",
        "year postgres",
        "year spark 2 workers",
        "year spark 1 workers",
    ):
        if m(label) is not None:
            lines.append(f"ratio {label} / baseline: {ratio(m(label), base)} (target <= 0.5×)")
            lines.append(
                f"ratio {label} / baseline, CPU: {ratio(m(label, 'cpu_s'), m('year baseline duckdb', 'cpu_s'))}"
            )
    for label in ("--lake", "default, cache hit"):
        q, y = m(f"quarter {label}"), m(f"year {label}")
        if q is not None:
            lines.append(f"ratio quarter / year, {label}: {ratio(q, y)} (target <= 0.33×)")
    if m("quarter baseline duckdb") is not None:
        lines.append(f"ratio quarter / year, baseline: {ratio(m('quarter baseline duckdb'), base)}")
    imp = m("import openness")
    for label in (
        "import raw sqlite3 .import",
        "import raw sqlite3 .import into the schema",
        "import raw python executemany",
    ):
        if m(label) is not None:
            lines.append(f"ratio import openness / {label}: {ratio(imp, m(label))} (target <= 2×)")
    for suffix in ("", ", frame cache kept"):
        full, empty = f"month into the whole history{suffix}", f"month into empty database{suffix}"
        if m(empty) is not None:
            lines.append(
                f"ratio month into the whole history / into empty{suffix}: "
                f"{ratio(m(full), m(empty))} (target <= 1.2×); CPU "
                f"{ratio(m(full, 'cpu_s'), m(empty, 'cpu_s'))}"
            )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scale", default="province", help="one or more of " + ", ".join(DATASETS))
    ap.add_argument("--steps", default="prepare,year,quarter,profile,import,month")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/openness_engines"))
    ap.add_argument("--pg", help="PostgreSQL admin URL (a database per scale is created)")
    args = ap.parse_args()
    steps = args.steps.split(",")
    args.dir.mkdir(parents=True, exist_ok=True)
    done: list[Results] = []
    for scale in args.scale.split(","):
        ds = DATASETS[scale]
        res = Results(
            scale,
            time.strftime("%Y-%m-%d %H:%M:%S"),
            {"cores": os.cpu_count(), "load_at_start": [round(x, 1) for x in os.getloadavg()]},
        )
        bench = Bench(ds, args.dir, res)
        print(f"== {scale}: {ds}")
        try:
            bench.prepare()  # always: the files the other steps read
            if "year" in steps:
                bench.interpreter(args.rounds)
                bench.tables(args.rounds, "year")
            if "quarter" in steps:
                bench.tables(args.rounds, "quarter")
            if "profile" in steps:
                bench.profile()
                bench.profile(lake=False, label="default, cache hit")
            if "import" in steps:
                bench.imports()
            if "month" in steps:
                bench.new_month(args.rounds)
            if "pg" in steps:
                if not args.pg:
                    sys.exit("--steps pg needs --pg URL")
                bench.pg(args.pg, args.rounds)
            if "spark" in steps:
                bench.spark(args.rounds)
        finally:
            res.machine["load_at_end"] = [round(x, 1) for x in os.getloadavg()]
            out = args.dir / f"results-{scale}-{time.strftime('%Y%m%d-%H%M%S')}.json"
            payload = asdict(res)
            payload["summary"] = summary(res)
            out.write_text(json.dumps(payload, indent=1, ensure_ascii=False))
            print("\n".join(payload["summary"]))
            print(f"results in {out}")
            done.append(res)
    if len(done) > 1:  # e.g. province1,province5: the same table's peak over more history
        first = done[0]
        for other in done[1:]:
            for label in first.runs:
                a, b = first.median(label, "peak_mb"), other.median(label, "peak_mb")
                if a and b:
                    print(
                        f"peak memory {label}: {first.scale} {a:,.0f} MB, "
                        f"{other.scale} {b:,.0f} MB ({b / a:.2f}×; target within 10%)"
                    )


if __name__ == "__main__":
    main()
