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


def test_passwords_are_hidden_wherever_a_url_is_shown() -> None:
    from queries.model.db import hide_secrets, shown_url

    url = "postgresql+psycopg://clerk:S3cret-pw@db:5432/o?sslmode=require&password=Q-pw-77"
    # (SQLAlchemy writes the query keys in order)
    assert shown_url(url) == "postgresql+psycopg://clerk:***@db:5432/o?password=***&sslmode=require"
    assert shown_url(sa.engine.make_url(url)) == shown_url(url)
    assert shown_url("postgresql://db/o?PASSWORD=x1&sslpassword=x2") == (
        "postgresql://db/o?PASSWORD=***&sslpassword=***"
    )
    # an error quoting the secrets, with or without the URL they came from
    said = "connection to db failed: password=Q-pw-77 rejected for clerk (S3cret-pw)"
    assert hide_secrets(said, url) == (
        "connection to db failed: password=*** rejected for clerk (***)"
    )
    assert hide_secrets("bad URL 'mysql://a:b-c@h:x/d'") == "bad URL 'mysql://a:***@h:x/d'"
    # nothing else is touched
    assert shown_url("sqlite:///data/openness.db") == "sqlite:///data/openness.db"
    assert hide_secrets("http://host:8501/a@b") == "http://host:8501/a@b"
