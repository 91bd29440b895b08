"""Schema creation and upgrade, on both databases."""

from __future__ import annotations

import sqlalchemy as sa

from queries.model.db import head_revision, init_db, is_initialised, make_engine, schema_revision


def test_init_is_idempotent(engine: sa.Engine) -> None:
    assert schema_revision(engine) == head_revision()
    before, after = init_db(engine)
    assert before == after == head_revision()
    tables = set(sa.inspect(engine).get_table_names())
    assert {"units", "disclosures", "feedback", "supervision", "import_log"} <= tables


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    init_db(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert is_initialised(engine)


def test_streamlit_stays_out_of_queries_and_seed() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = [
        str(p.relative_to(root))
        for folder in ("queries", "seed_data", "reports")
        for p in (root / folder).rglob("*.py")
        if "import streamlit" in p.read_text(encoding="utf-8")
        or "from streamlit" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
