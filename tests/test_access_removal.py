"""``openness records remove`` (docs/spec/cli.md, "Removing records"): one transaction, each
removal audited as ``changed``, a missing key exit 2 with nothing removed; the embedded lake
and the indicator tables see the removal. Both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from openness.cli import app
from queries.access import audit
from queries.engine.indicators import compute_table
from queries.importing.run import import_files
from queries.model.db import make_engine
from queries.store.frames import load_frames

pytestmark = pytest.mark.usefixtures("data_folder")

UNITS = "unit_id,name,parent_id,level,kind\nSJ,市局,,bureau,management\nA1,一所,SJ,station,window\n"
# first responses after 1 h, 25 h and 1 h: the 24-hour limit (methodology) is met by F1, F3
FEEDBACK = (
    "case_id,unit_id,kind,channel,received_at,first_response_at,closed_at\n"
    "F1,A1,complaint,hotline,2026-03-02 09:00,2026-03-02 10:00,2026-03-05\n"
    "F2,A1,complaint,hotline,2026-03-03 09:00,2026-03-04 10:00,2026-03-06\n"
    "F3,A1,complaint,hotline,2026-03-04 09:00,2026-03-04 10:00,2026-03-07\n"
)


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _imported(db_url: str, tmp_path: Path) -> sa.Engine:
    engine = make_engine(db_url)
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "feedback.csv").write_text(FEEDBACK, encoding="utf-8")
    import_files(engine, [tmp_path / "units.csv", tmp_path / "feedback.csv"], progress=False)
    return engine


def _response(engine: sa.Engine, cache: Path) -> tuple[float, int]:
    frames = load_frames(engine, cache_dir=cache)
    if engine.dialect.name == "sqlite":
        assert frames.source is not None and frames.source.partitioned  # DuckDB over the lake
    row = compute_table(frames, "2026-03", "2026-04-30").table.filter(unit_id="A1")
    return row["R_RESPONSE"][0], row["R_RESPONSE_n"][0]


def _case_ids(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT case_id FROM feedback ORDER BY 1")]


def test_a_removed_record_is_gone_audited_and_no_longer_counted(
    db_url: str, tmp_path: Path
) -> None:
    engine = _imported(db_url, tmp_path)
    # a cache folder of its own, which the command does not refresh: the lake must
    # find out from the database's change marker that a record went
    cache = tmp_path / "own-cache"
    assert _response(engine, cache) == (2 / 3, 3)
    code, out = _cli(
        "records",
        "remove",
        "feedback",
        "F2",
        "F3",
        "--reason",
        "导入错误 imported twice",
        "--db",
        db_url,
    )
    assert code == 0, out
    assert "feedback F2" in out and "feedback F3" in out
    assert _case_ids(engine) == ["F1"]
    # F1 alone: answered within 24 hours, 1 of 1
    assert _response(engine, cache) == (1.0, 1)
    trail = audit.read(engine)
    assert trail.select("event", "unit_id", "records", "detail").rows() == [
        ("changed", "A1", 1, "remove feedback F2: 导入错误 imported twice"),
        ("changed", "A1", 1, "remove feedback F3: 导入错误 imported twice"),
    ]
    assert trail["user"][0].startswith("cli")
    engine.dispose()


def test_a_missing_key_removes_nothing(db_url: str, tmp_path: Path) -> None:
    engine = _imported(db_url, tmp_path)
    code, out = _cli("records", "remove", "feedback", "F1", "NOPE", "--db", db_url)
    assert code == 2
    assert "'NOPE'" in out and "nothing removed" in out and "'F1'" not in out
    assert _case_ids(engine) == ["F1", "F2", "F3"]
    assert audit.read(engine).is_empty()
    code, out = _cli("records", "remove", "units", "A1", "--db", db_url)
    assert (code, out) == (
        2,
        "error: KIND: 'units' is not a kind of record that can be removed; "
        "one of disclosures, feedback, supervision\n",
    )
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM units").scalar() == 2
    engine.dispose()
