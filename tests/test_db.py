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
