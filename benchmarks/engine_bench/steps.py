"""benchmarks/engines.py: each step it measures (class Bench)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine_bench.common import (
    BASELINE_PROCESS,
    OPENNESS,
    PROFILE_PROCESS,
    PY,
    ROOT,
    Dataset,
    Results,
    Run,
    baseline_sql,
    importtime,
    measure,
    period_bounds,
    run_checked,
)


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
        sys.path.insert(0, str(ROOT.parent / "tests"))  # ROOT: benchmarks/
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

    def national(self, rounds: int, spark: bool) -> None:
        """The national simulation: built from the province's lake in the same folder,
        then the year's table on the lake (and on Spark) beside the baseline."""
        from engine_bench.national import build_national

        self.res.facts |= build_national(
            self.dir / "province.db", self.dir / "province_lake", self.db_file, self.lake
        )
        if not self.duck.exists():
            self.build_duckdb()
        print(f"national: year {self.ds.year}, {rounds} rounds")
        for _ in range(rounds):
            self.baseline("year baseline duckdb", self.ds.year)
            self.ours("year --lake", self.ds.year, "--lake", str(self.lake))
        if spark:
            self.spark(1)
