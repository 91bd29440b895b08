"""The national simulation of benchmarks/engines.py (``--steps national``): ten
provinces' records, built from the province's lake instead of seeded.

Seeding ~76 M records through ``openness seed`` and exporting their lake takes hours
on this machine; the records' volume and shape are what the simulation is about, so
the province (``--scale province``: 20 city bureaus, ~2,900 units, 7.65 M records,
2023-12 to 2026-11) is copied ten times, each copy's ids prefixed ``P0-`` .. ``P9-``
(unit ids, parent ids, record keys, ``repeat_of``): 200 city bureaus as roots, ~29,000
units, ~76 M records. The lake is written by the product's own staging
(:func:`queries.store.partitions.stage`: content-named Parquet files, row digests,
SHA-256 of each file, the manifest's format), one month of one kind at a time (peak:
one month of ten provinces, ~1.7 M feedback rows). The database (``national.db``)
holds the units only; the lake's manifest records its change marker, so ``openness
indicators --lake`` accepts the pair as it accepts an exported lake. The calendar is the
province lake's (the same dates).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from queries.model.clock import now_local
from queries.model.db import shown_url
from queries.store.changes import records_marker
from queries.store.lake_folder import FORMAT, MANIFEST, VERSION, write_synced
from queries.store.lake_read import lake_files, read_manifest
from queries.store.partitions import stage, table_meta, years_of

COPIES = 10
# the id columns of each table, prefixed per copy
IDS = {
    "units": ("unit_id", "parent_id"),
    "disclosures": ("disclosure_id", "unit_id"),
    "feedback": ("case_id", "unit_id", "repeat_of"),
    "supervision": ("item_id", "unit_id"),
}
RECORDS = ("disclosures", "feedback", "supervision")


def _copies(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """``frame`` ten times, each copy's id columns prefixed ``Pn-`` (nulls stay null)."""
    return pl.concat(
        [
            frame.with_columns(
                [(pl.lit(f"P{n}-") + pl.col(c)).alias(c) for c in IDS[table] if c in frame.columns]
            )
            for n in range(COPIES)
        ]
    )


def _read(src: Path, files: list[str]) -> pl.DataFrame:
    return pl.concat([pl.read_parquet(src / f) for f in files])


def build_national(province_db: Path, province_lake: Path, db_file: Path, lake: Path) -> dict:
    """Write ``db_file`` (units only) and ``lake`` (ten copies of the province's records)
    unless both exist; returns facts (rows, seconds, bytes) for the results."""
    if (lake / MANIFEST).exists() and db_file.exists():
        return {"national": "kept from an earlier run"}
    started = time.perf_counter()
    src = read_manifest(province_lake)
    if src is None:
        raise SystemExit(f"no province lake at {province_lake}: run --scale province first")
    openness = str(Path(os.sys.executable).with_name("openness"))
    db_file.unlink(missing_ok=True)
    url = f"sqlite:///{db_file}"
    subprocess.run([openness, "init", "--db", url], check=True, capture_output=True)
    units = _copies(_read(province_lake, lake_files(src, "units")), "units")
    with sqlite3.connect(db_file) as con:
        con.executemany(
            "INSERT INTO units (unit_id, name, name_en, parent_id, level, kind) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            units.select("unit_id", "name", "name_en", "parent_id", "level", "kind").rows(),
        )
    lake.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    entries: dict[str, Any] = {}
    part, _ = stage(lake, "units", "units", units, None, staged)
    entries["units"] = {**table_meta("units"), "rows": units.height, "file": part.as_json()}
    cal = src["tables"]["calendar"]
    days = _read(province_lake, lake_files(src, "calendar"))
    part, _ = stage(lake, "calendar", "calendar", days, None, staged)
    entries["calendar"] = {**{k: v for k, v in cal.items() if k != "file"}, "file": part.as_json()}
    rows: dict[str, int] = {}
    for table in RECORDS:
        parts = {}
        for month, p in sorted(src["tables"][table]["partitions"].items()):
            frame = _copies(pl.read_parquet(province_lake / p["file"]), table)
            got, _ = stage(
                lake, f"{table}/month={month}", "part", frame, None, staged, years_of(frame)
            )
            parts[month] = got.as_json()
            rows[table] = rows.get(table, 0) + frame.height
            del frame
        entries[table] = {**table_meta(table), "rows": rows[table], "partitions": parts}
        print(f"national {table}: {rows[table]:,} rows in {len(parts)} months")
    for tmp, final in staged:
        os.replace(tmp, final)
    engine = sa.create_engine(url)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "written_at": now_local().isoformat(timespec="seconds"),
        "tables": entries,
        "database": shown_url(engine.url),
        "change_marker": records_marker(engine),
    }
    engine.dispose()
    write_synced(lake / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
    size = sum(f.stat().st_size for f in lake.rglob("*.parquet"))
    return {
        "national_rows": {"units": units.height, **rows},
        "national_build_s": round(time.perf_counter() - started, 1),
        "national_lake_mb": round(size / 1e6),
    }
