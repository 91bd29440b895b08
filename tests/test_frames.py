"""Loading frames: the fast readers give exactly what the row-by-row SQLAlchemy path gives.

Every test runs on SQLite (the text dump parsed by polars) and PostgreSQL (connectorx).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa
from lake_support import lake_table
from polars.testing import assert_frame_equal

from queries.importing.run import import_files
from queries.model.db import init_db, make_engine
from queries.model.schema import RECORD_TABLES
from queries.store import frames as fr
from queries.store import sqlite_text as frs
from queries.store.changes import change_marker
from queries.store.embedded import lake_dir
from queries.store.frames import load_frames, refresh_cache
from queries.store.lake import lake_is_current
from queries.store.schemas import SCHEMAS, Frames, make_frames
from seed_data.generator import seed_database

# awkward text: separators of CSV and of the SQLite dump, quotes, newlines, unicode
AWKWARD = [
    "",
    " ",
    'a,"b",c',
    "line1\nline2\r\nline3",
    "tab\there",
    "警务公开 — ünïcødé ✓",
    "rs\x1ers",
    "us\x1fus",
    "\x15",
    "nak\x15",
    "dle\x10b",
    "\x10",
    "\x1e",
    "'single' %s %d \\",
]
UNITS = [
    {"unit_id": "B", "name": "市局", "name_en": None, "parent_id": None, "level": "bureau"},
    {"unit_id": "B1", "name": "", "name_en": "", "parent_id": "B", "level": "branch"},
    {"unit_id": "B1-S1", "name": "派出所", "name_en": "x", "parent_id": "B1", "level": "station"},
]
DATETIMES = [
    datetime(2026, 4, 1, 0, 0),
    datetime(2026, 4, 1, 23, 59, 59, 999999),
    datetime(2026, 4, 2, 8, 30, 15, 1),
    datetime(1999, 12, 31, 12, 0, 0, 500000),
    datetime(2026, 2, 28, 0, 0, 0, 250),
    None,
]


def _records(n: int) -> dict[str, list[dict[str, Any]]]:
    units = [{**u, "kind": "comprehensive"} for u in UNITS]
    disclosures, feedback, supervision = [], [], []
    for i in range(n):
        text = AWKWARD[i % len(AWKWARD)]
        dt = DATETIMES[i % len(DATETIMES)]
        day = date(2026, 1 + i % 12, 1 + i % 28)
        disclosures.append(
            {
                "disclosure_id": f"d{i}",
                "unit_id": UNITS[i % 3]["unit_id"],
                "title": text if i % 7 else None,
                "category": "procedures",
                "domain": None if i % 2 else "service",
                "channel": "website",
                "formed_on": None if i % 3 == 0 else date(2025, 12, 31),
                "published_on": day,
                "updated_on": date(2000, 1, 1),
                "withdrawn_on": None,
            }
        )
        feedback.append(
            {
                "case_id": f"c{i}",
                "unit_id": "B1-S1",
                "kind": "complaint",
                "channel": "hotline",
                "received_at": dt or datetime(2026, 1, 1),
                "due_at": dt,
                "first_response_at": None if i % 2 else datetime(2026, 5, 1, 0, 0, 0, 1),
                "closed_at": datetime(2026, 5, 2, 14, 5),
                "outcome": None,
                "reasoned_reply": (True, False, None)[i % 3],
                "return_visit_at": None,
                "resolved": (None, True, False)[i % 3],
                "satisfaction": "satisfied" if i % 2 else None,
                "repeat_of": "" if i % 4 == 0 else (None if i % 4 == 1 else f"c{i - 1}"),
            }
        )
        supervision.append(
            {
                "item_id": f"i{i}",
                "unit_id": "B",
                "source": "audit",
                "opened_on": day,
                "severity": None,
                "finding": text if i % 5 else None,
                "rectify_due_on": None,
                "rectified_on": date(2026, 12, 31),
                "result_published_on": date(1970, 1, 1) if i % 2 else None,
            }
        )
    return {
        "units": units,
        "disclosures": disclosures,
        "feedback": feedback,
        "supervision": supervision,
    }


def _insert(engine: sa.Engine, rows: dict[str, list[dict[str, Any]]]) -> None:
    with engine.begin() as conn:
        for name in ("units", "disclosures", "feedback", "supervision"):
            if rows.get(name):
                conn.execute(RECORD_TABLES[name].insert(), rows[name])


def _assert_same(a: Frames, b: Frames) -> None:
    for name, schema in SCHEMAS.items():
        assert a[name].schema == schema, name
        key = schema.names()[0]
        assert_frame_equal(a[name].sort(key), b[name].sort(key), check_row_order=True)


def test_fast_reader_equals_row_reader(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # 40 records per table in chunks of 7 rowids: several chunks, two threads
    monkeypatch.setattr(frs, "_SQLITE_CHUNK", 7)
    rows = _records(40)
    _insert(engine, rows)
    # a gap of more than a chunk in the rowids: an empty chunk
    with engine.begin() as conn:
        t = RECORD_TABLES["feedback"]
        conn.execute(t.delete().where(t.c.case_id.in_([f"c{i}" for i in range(10, 20)])))
    fast = load_frames(engine)
    slow = load_frames(engine, reader="sqlalchemy")
    _assert_same(fast, slow)
    assert fast.row_counts == {"units": 3, "disclosures": 40, "feedback": 30, "supervision": 40}
    # and the values are those written: text exactly (empty is not NULL), instants to the µs
    d = fast.disclosures.sort(pl.col("disclosure_id").str.slice(1).cast(pl.Int64))
    expected_titles = [r["title"] for r in rows["disclosures"]]
    assert d["title"].to_list() == expected_titles
    f = fast.feedback.sort(pl.col("case_id").str.slice(1).cast(pl.Int64))
    kept = [r for r in rows["feedback"] if r["case_id"] not in {f"c{i}" for i in range(10, 20)}]
    assert f["due_at"].to_list() == [r["due_at"] for r in kept]
    assert f["repeat_of"].to_list() == [r["repeat_of"] for r in kept]
    assert f["resolved"].to_list() == [r["resolved"] for r in kept]
    u = fast.units.sort("unit_id")
    assert u["name"].to_list() == ["市局", "", "派出所"]
    assert u["name_en"].to_list() == [None, "", "x"]


def test_chunks_too_long_are_split(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk's text longer than the limit is read as two halves, down to one row."""
    monkeypatch.setattr(frs, "_SQLITE_MAX_TEXT", 2000)
    rows = _records(30)
    rows["disclosures"][4]["title"] = "长" * 400  # 1,200 bytes: a chunk of its own
    _insert(engine, rows)
    fast = load_frames(engine)
    _assert_same(fast, load_frames(engine, reader="sqlalchemy"))
    if engine.dialect.name == "sqlite":
        assert frs.load_sqlite_text(engine) is not None
        # one row longer than the limit: that cannot be split, the row path reads it
        monkeypatch.setattr(frs, "_SQLITE_MAX_TEXT", 1000)
        assert frs.load_sqlite_text(engine) is None
        _assert_same(load_frames(engine), fast)


@pytest.mark.parametrize("value", ["x\x1fy", "x\x1ey", "\x15", "\x1e"])
def test_separator_in_an_id_falls_back_to_rows(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """Ids are not escaped (cost): the counts catch the stray separator or NULL marker
    and the row-by-row path reads the database instead, with the same result."""
    monkeypatch.setattr(frs, "_SQLITE_CHUNK", 3)
    rows = _records(5)
    rows["feedback"][2]["repeat_of"] = value
    rows["units"][1]["name_en"] = value
    rows["supervision"][1]["unit_id"] = value  # required: no NULL expected
    _insert(engine, rows)
    if engine.dialect.name == "sqlite":
        assert frs.load_sqlite_text(engine) is None
    fast = load_frames(engine)
    _assert_same(fast, load_frames(engine, reader="sqlalchemy"))
    assert fast.feedback.filter(pl.col("case_id") == "c2")["repeat_of"].to_list() == [value]
    assert fast.supervision.filter(pl.col("item_id") == "i1")["unit_id"].to_list() == [value]


def test_empty_tables(engine: sa.Engine) -> None:
    f = load_frames(engine)
    assert f.row_counts == {"units": 0, "disclosures": 0, "feedback": 0, "supervision": 0}
    _assert_same(f, load_frames(engine, reader="sqlalchemy"))


def test_in_memory_sqlite_reads_on_the_engine_connection() -> None:
    engine = make_engine("sqlite://")
    try:
        init_db(engine)
        _insert(engine, _records(9))
        fast = frs.load_sqlite_text(engine)
        assert fast is not None
        _assert_same(fast, load_frames(engine, reader="sqlalchemy"))
    finally:
        engine.dispose()


def test_fast_date_parse_falls_back_to_lenient_forms() -> None:
    # SQLite text in other forms than SQLAlchemy writes: the lenient parser takes them
    f = make_frames(
        feedback={
            "case_id": ["a", "b", "c", "d"],
            "received_at": [
                "2026-04-01 08:00:00.000000",
                "2026-04-01T08:00",
                " 2026-04-01 08:00:01 ",
                None,
            ],
        },
        supervision={"item_id": ["x", "y"], "opened_on": ["2026-04-01", "2026/04/02"]},
    )
    assert f.feedback["received_at"].to_list() == [
        datetime(2026, 4, 1, 8, 0),
        datetime(2026, 4, 1, 8, 0),
        datetime(2026, 4, 1, 8, 0, 1),
        None,
    ]
    assert f.supervision["opened_on"].to_list() == [date(2026, 4, 1), date(2026, 4, 2)]


UNITS_CSV = "unit_id,name,level,kind\nB,市局,bureau,management\n"
UNITS_CSV_2 = UNITS_CSV + "B1,分局,branch,comprehensive\n"


def test_import_refreshes_a_cache_in_use(db_url: str, tmp_path: Path) -> None:
    if db_url.startswith("postgresql"):
        # PostgreSQL computes in the database: it keeps neither a lake nor a frame cache
        pytest.skip("SQLite only: the lake and the frame cache are the embedded engine's")
    engine = make_engine(db_url)
    cache = tmp_path / "cache"
    monkey_env = pytest.MonkeyPatch()
    try:
        monkey_env.setattr(fr, "default_cache_dir", lambda: cache)
        src = tmp_path / "units.csv"
        src.write_text(UNITS_CSV, encoding="utf-8")
        # no cache kept for this database yet: the import does not start one
        import_files(engine, [src], progress=False)
        assert not cache.exists()
        frames = load_frames(engine, cache_dir=cache)
        assert frames.units.height == 1
        # the columnar copy is kept; the records are read (through the frame cache)
        # only when something needs them
        lake = lake_dir(cache, engine)
        assert lake is not None and lake_is_current(engine, lake)
        path = fr._cache_path(cache, engine)
        assert not path.exists()
        assert frames.feedback.height == 0 and path.is_dir()
        src.write_text(UNITS_CSV_2, encoding="utf-8")
        import_files(engine, [src], progress=False)
        # refreshed by the import: both copies hold both units
        cached = pl.read_parquet(path / "units.parquet")
        assert sorted(cached["unit_id"].to_list()) == ["B", "B1"]
        marker = change_marker(engine)
        assert marker is not None and fr._read_cache(path, marker) is not None
        assert lake_is_current(engine, lake)
        assert sorted(lake_table(lake, "units")["unit_id"].to_list()) == ["B", "B1"]
    finally:
        monkey_env.undo()
        engine.dispose()


def test_refresh_cache_never_raises(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'none.db'}")
    try:
        cache = tmp_path / "cache"
        fr._cache_path(cache, engine).mkdir(parents=True)
        # no tables: loading fails, the refresh says so and does not raise
        assert refresh_cache(engine, cache) is False
    finally:
        engine.dispose()


def test_seed_refreshes_a_cache_in_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'seeded.db'}")
    try:
        init_db(engine)
        cache = tmp_path / "cache"
        monkeypatch.setattr(fr, "default_cache_dir", lambda: cache)
        assert load_frames(engine, cache_dir=cache).row_counts["units"] == 0
        counts = seed_database(engine, "tiny", 3, date(2026, 4, 10), progress=False)
        marker = change_marker(engine)
        assert marker is not None
        cached = fr._read_cache(fr._cache_path(cache, engine), marker)
        assert cached is not None
        assert cached.row_counts == counts
        _assert_same(cached, load_frames(engine, reader="sqlalchemy"))
        # and the columnar copy: the next table needs no export
        lake = lake_dir(cache, engine)
        assert lake is not None and lake_is_current(engine, lake)
    finally:
        engine.dispose()


def test_the_cache_marker_holds_no_password(pg_database_url: str) -> None:
    # the marker is written beside the cached frames (meta.json); the test server trusts
    # loopback, so a password given in the query string connects
    secret = "Q-string-pw-31"
    url = sa.engine.make_url(pg_database_url).update_query_dict({"password": secret})
    engine = make_engine(url.render_as_string(hide_password=False))
    init_db(engine)
    marker = change_marker(engine)
    engine.dispose()
    assert marker is not None and "password=***" in marker and secret not in marker
