"""Seeding a database (SQLite and PostgreSQL) and the ``openness seed`` command."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from openness.cli import app
from queries.model.records import KINDS, FieldType
from queries.model.schema import RECORD_TABLES, import_log
from seed_data.generator import SeedError, checksum, generate, seed_database

REF = date(2026, 6, 30)
DTYPES = {
    FieldType.TEXT: pl.String,
    FieldType.ENUM: pl.String,
    FieldType.DATE: pl.Date,
    FieldType.DATETIME: pl.Datetime("us"),
    FieldType.BOOL: pl.Boolean,
}


def _read(engine: sa.Engine, kind: str) -> pl.DataFrame:
    spec = KINDS[kind]
    table = RECORD_TABLES[kind]
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(*(table.c[c] for c in spec.columns)).order_by(table.c[spec.key])
        ).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={f.name: DTYPES[f.type] for f in spec.fields},
        orient="row",
    )


def _counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            k: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for k, t in RECORD_TABLES.items()
        }


def test_seed_database_writes_exactly_the_generated_records(engine: sa.Engine) -> None:
    counts = seed_database(engine, "tiny", 3, REF, progress=False)
    expected = generate("tiny", 3, REF)
    assert counts == {k: f.height for k, f in expected.items()}
    assert _counts(engine) == counts
    for kind, frame in expected.items():
        key = KINDS[kind].key
        assert_frame_equal(_read(engine, kind), frame.sort(key), check_row_order=True)


def test_seed_database_logs_one_import_per_kind(engine: sa.Engine) -> None:
    counts = seed_database(engine, "tiny", 3, REF, progress=False)
    with engine.connect() as conn:
        log = conn.execute(sa.select(import_log).order_by(import_log.c.import_id)).mappings().all()
        tagged = {
            kind: conn.execute(sa.select(t.c.import_id).distinct()).scalars().all()
            for kind, t in RECORD_TABLES.items()
        }
    assert [r["kind"] for r in log] == ["units", "disclosures", "feedback", "supervision"]
    for row in log:
        assert row["file"] == "seed:tiny:3"
        assert row["status"] == "committed"
        assert row["rows_accepted"] == row["rows_read"] == counts[row["kind"]]
        assert row["rows_rejected"] == 0
        assert row["checksum"] == checksum("tiny", 3, REF, row["kind"])
        assert row["finished_at"] >= row["started_at"]
        assert tagged[row["kind"]] == [row["import_id"]]


def test_seed_database_refuses_a_database_with_records_unless_replace(
    engine: sa.Engine,
) -> None:
    first = seed_database(engine, "tiny", 3, REF, progress=False)
    with pytest.raises(SeedError, match="already has records"):
        seed_database(engine, "tiny", 4, REF, progress=False)
    assert _counts(engine) == first
    second = seed_database(engine, "tiny", 4, REF, progress=False, replace=True)
    assert _counts(engine) == second
    # the records are seed 4's now
    assert_frame_equal(_read(engine, "units"), generate("tiny", 4, REF)["units"].sort("unit_id"))


def test_cli_seed(db_url: str) -> None:
    runner = CliRunner()
    args = ["seed", "--scale", "tiny", "--seed", "5", "--reference-date", "2026-06-30"]
    result = runner.invoke(app, [*args, "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "reference date 2026-06-30" in result.stderr
    expected = generate("tiny", 5, REF)
    engine = sa.create_engine(db_url)
    try:
        assert _counts(engine) == {k: f.height for k, f in expected.items()}
        again = runner.invoke(app, [*args, "--db", db_url])
        assert again.exit_code == 2
        assert "--replace" in again.stderr
        replaced = runner.invoke(app, [*args, "--replace", "--db", db_url])
        assert replaced.exit_code == 0, replaced.output
        assert _counts(engine) == {k: f.height for k, f in expected.items()}
        with engine.connect() as conn:
            files = conn.execute(sa.select(import_log.c.file)).scalars().all()
        assert files == ["seed:tiny:5"] * 8
    finally:
        engine.dispose()


def test_cli_seed_default_reference_date_is_today(db_url: str) -> None:
    result = CliRunner().invoke(app, ["seed", "--scale", "tiny", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert f"reference date {date.today().isoformat()}" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "galaxy"], "--scale must be one of"),
        (["--reference-date", "30/06/2026"], "--reference-date must be YYYY-MM-DD"),
    ],
)
def test_cli_seed_bad_usage(tmp_path, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'x.db'}"
    result = CliRunner().invoke(app, ["seed", *args, "--db", db])
    assert result.exit_code == 2
    assert message in result.stderr
