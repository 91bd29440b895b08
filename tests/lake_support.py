"""Records and read-backs shared by the lake's tests (tests/test_lake*.py)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import sqlalchemy as sa

from queries.model.records import KINDS
from queries.store.frames import load_frames
from queries.store.lake import PARTITIONED, lake_files, read_manifest

# free text that must never reach the lake
SECRET_TITLE = "TITLE-张三-13800138000"
SECRET_FINDING = "FINDING-李四-身份证110101"

UNITS = [
    {"unit_id": "B", "name": "市局", "level": "bureau", "kind": "management"},
    {
        "unit_id": "B1",
        "name": "一分局",
        "parent_id": "B",
        "level": "branch",
        "kind": "comprehensive",
    },
    {"unit_id": "S1", "name": "派出所", "parent_id": "B1", "level": "station", "kind": "window"},
]


def records(extra_feedback: int = 0) -> dict[str, list[dict[str, Any]]]:
    """Three months of each kind (2025-12 to 2026-02), nulls and booleans of every sort;
    ``extra_feedback`` more feedback cases in 2026-02 (a large month)."""
    feedback = []
    for i in range(30 + extra_feedback):
        month = (date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1))[2 if i >= 30 else i % 3]
        at = datetime.combine(month, datetime.min.time()) + timedelta(
            days=i % 27, hours=i % 24, seconds=i, microseconds=(i * 7919) % 1_000_000
        )
        feedback.append(
            {
                "case_id": f"F{i:06d}",
                "unit_id": UNITS[i % 3]["unit_id"],
                "kind": ("complaint", "enquiry", "report")[i % 3],
                "channel": "hotline",
                "received_at": at,
                "due_at": at + timedelta(days=30) if i % 2 else None,
                "first_response_at": at + timedelta(hours=5) if i % 4 else None,
                "closed_at": at + timedelta(days=3) if i % 5 else None,
                "outcome": "answered" if i % 5 else None,
                "reasoned_reply": (True, False, None)[i % 3],
                "return_visit_at": at + timedelta(days=4) if i % 6 == 0 else None,
                "resolved": (i % 12 == 0) if i % 6 == 0 else None,
                "satisfaction": "satisfied" if i % 6 == 0 else None,
                "repeat_of": f"F{i - 1:06d}" if i % 10 == 9 else None,
            }
        )
    disclosures = [
        {
            "disclosure_id": f"D{i}",
            "unit_id": UNITS[i % 3]["unit_id"],
            "title": SECRET_TITLE,
            "category": "procedures",
            "domain": "service" if i % 2 else None,
            "channel": "website",
            "formed_on": date(2025, 11, 20) if i % 2 else None,
            "published_on": (date(2025, 12, 3), date(2026, 1, 9), date(2026, 2, 27))[i % 3],
        }
        for i in range(9)
    ]
    supervision = [
        {
            "item_id": f"I{i}",
            "unit_id": "S1",
            "source": "audit",
            "opened_on": (date(2025, 12, 31), date(2026, 1, 1), date(2026, 2, 14))[i % 3],
            "finding": SECRET_FINDING,
            "rectify_due_on": date(2027, 3, 1) if i == 0 else None,
        }
        for i in range(6)
    ]
    return {
        "units": UNITS,
        "disclosures": disclosures,
        "feedback": feedback,
        "supervision": supervision,
    }


def lake_table(lake: Path, table: str, *, manifest: bool = False) -> pl.DataFrame:
    """A table of the lake as DuckDB reads it (hive partitioning: ``month`` from the
    folder names): every ``*.parquet`` file, or only the files the manifest names."""
    con = duckdb.connect()
    if manifest:
        m = read_manifest(lake)
        assert m is not None
        files = [str(lake / f) for f in lake_files(m, table)]
        source = f"read_parquet({files!r}, hive_partitioning=true)"
    elif table in PARTITIONED:
        source = f"read_parquet('{lake}/{table}/*/*.parquet', hive_partitioning=true)"
    else:
        source = f"read_parquet('{lake}/{table}/*.parquet')"
    return con.sql(f"SELECT * FROM {source}").pl()


def database_table(engine: sa.Engine, table: str) -> pl.DataFrame:
    """The database's records of ``table`` without their free-text columns, by key."""
    kind = KINDS[table]
    frame = load_frames(engine)[table]
    return frame.select(f.name for f in kind.fields if not f.free_text).sort(kind.key)


def same_records(lake: Path, engine: sa.Engine, table: str, *, manifest: bool = False) -> None:
    """The lake's ``table`` holds exactly the database's rows (values and types)."""
    got = lake_table(lake, table, manifest=manifest)
    want = database_table(engine, table)
    key = KINDS[table].key
    if table in PARTITIONED:
        anchor = KINDS[table].anchor
        assert anchor is not None
        months = got.select((pl.col(anchor).dt.strftime("%Y-%m") == pl.col("month")).all())
        assert months.item(), "a record in another month's partition"
        got = got.drop("month")
    assert got.sort(key).equals(want), f"{table}: the lake differs from the database"
    assert got.schema == want.schema


def file_states(lake: Path) -> dict[str, tuple[int, int]]:
    """Every file of the lake: (inode, mtime in ns), by path."""
    return {
        p.relative_to(lake).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in lake.rglob("*")
        if p.is_file()
    }


def manifest_intact(lake: Path) -> dict[str, Any]:
    """The manifest, after checking that every file it names exists with its SHA-256."""
    m = json.loads((lake / "_lake.json").read_text(encoding="utf-8"))
    for entry in m["tables"].values():
        parts = [entry["file"]] if "file" in entry else list(entry["partitions"].values())
        for p in parts:
            data = (lake / p["file"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == p["sha256"], p["file"]
    return m
