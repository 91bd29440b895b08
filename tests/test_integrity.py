"""No silently wrong figure (queries/store/integrity.py): a damaged database is an error,
the frame cache is used only when the import log and the file say nothing changed and
its files still have their digests."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from openness.cli import app
from queries.model.db import make_engine
from queries.model.schema import feedback, import_log
from queries.store import frames as fr
from queries.store.frames import load_frames
from queries.store.integrity import DatabaseUnreadable
from seed_data.generator import seed_database

runner = CliRunner()


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENNESS_DATA", str(tmp_path / "data"))


def _seeded_sqlite(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "city.db"
    url = f"sqlite:///{path}"
    from queries.model.db import init_db

    engine = make_engine(url)
    init_db(engine)
    seed_database(engine, "tiny", 7, date(2026, 4, 10), progress=False)
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return url, path


def _damage_one_page(path: Path, table: str) -> None:
    """Overwrite the cells of one page of ``table``'s b-tree (its root) with garbage."""
    con = sqlite3.connect(path)
    size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * size
    data[start + 100 : start + size - 100] = b"\xff" * (size - 200)
    path.write_bytes(bytes(data))


def test_a_damaged_page_is_an_error_not_zeros(tmp_path: Path) -> None:
    url, path = _seeded_sqlite(tmp_path)
    _damage_one_page(path, "feedback")
    engine = make_engine(url)
    for reader in ("auto", "sqlalchemy"):
        with pytest.raises(DatabaseUnreadable, match=r"damaged|cannot be read"):
            load_frames(engine, reader=reader)
    engine.dispose()
    common = ["--period", "2026-Q1", "--as-of", "2026-04-10", "--db", url]
    res = runner.invoke(app, ["indicators", *common])
    assert res.exit_code == 2, res.output
    assert "damaged" in res.stderr and "Traceback" not in res.output
    assert res.stdout == ""  # no table at all, rather than one with n = 0
    site = tmp_path / "site"
    res = runner.invoke(app, ["publish", *common, "--out", str(site)])
    assert res.exit_code == 2 and "damaged" in res.stderr
    assert not site.exists()


def _load_cached(engine: sa.Engine, cache: Path) -> pl.DataFrame:
    return load_frames(engine, cache_dir=cache).feedback


def test_cache_follows_a_write_that_keeps_size_and_time(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    seed_database(engine, "tiny", 7, date(2026, 4, 10), progress=False)
    if engine.dialect.name == "sqlite":
        con = sqlite3.connect(engine.url.database or "")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
    cache = tmp_path / "cache"
    first = _load_cached(engine, cache)
    case = first["case_id"][0]
    db_file = Path(engine.url.database or "") if engine.dialect.name == "sqlite" else None
    stat = db_file.stat() if db_file else None
    # a committed write as the importer makes it: records and its log row, one transaction
    with engine.begin() as conn:
        conn.execute(
            feedback.update()
            .where(feedback.c.case_id == case)
            .values(channel="mailbox" if first["channel"][0] != "mailbox" else "hotline")
        )
        # and its log row, as the importer writes it (one small row: the page has room,
        # the file keeps its size)
        conn.execute(
            import_log.insert().values(
                file="fix.csv",
                kind="feedback",
                started_at=datetime(2026, 4, 11),
                finished_at=datetime(2026, 4, 11),
                rows_read=1,
                rows_accepted=1,
                rows_rejected=0,
                checksum="x",
                status="committed",
            )
        )
    if db_file is not None and stat is not None:
        con = sqlite3.connect(db_file)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        os.utime(db_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert db_file.stat().st_size == stat.st_size  # the case the old marker missed
    second = _load_cached(engine, cache)
    fresh = load_frames(engine, reader="sqlalchemy").feedback
    changed = lambda f: f.filter(pl.col("case_id") == case)["channel"][0]  # noqa: E731
    assert changed(second) == changed(fresh) != changed(first)
    engine.dispose()


def test_an_edited_cache_file_is_not_used(tmp_path: Path) -> None:
    url, _ = _seeded_sqlite(tmp_path)
    engine = make_engine(url)
    cache = tmp_path / "cache"
    truth = load_frames(engine, cache_dir=cache)
    assert truth.feedback.height > 0  # the records read (on demand): the frame cache written
    path = fr._cache_path(cache, engine)
    assert (path / "meta.json").exists()
    # someone rewrites the cached feedback: every case now satisfied
    forged = truth.feedback.with_columns(pl.lit("satisfied").alias("satisfaction"))
    forged.write_parquet(path / "feedback.parquet", compression="lz4")
    again = load_frames(engine, cache_dir=cache)
    assert again.feedback["satisfaction"].to_list() == truth.feedback["satisfaction"].to_list()
    engine.dispose()
