"""``openness briefing`` and ``openness publish`` (cli.md): files written, exit codes."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from db_records import record_days
from docx import Document
from typer.testing import CliRunner

from openness.cli import app
from queries.engine.indicators import indicator_table
from queries.store.frames import load_frames
from seed_data.generator import seed_database

runner = CliRunner()


def _seed(engine: sa.Engine) -> None:
    seed_database(engine, "tiny", 7, date(2026, 4, 10), progress=False)


def test_briefing_html_and_docx(engine: sa.Engine, db_url: str, tmp_path: Path) -> None:
    _seed(engine)
    common = ["briefing", "--period", "2026-Q1", "--as-of", "2026-04-10", "--db", db_url]
    res = runner.invoke(app, [*common, "--format", "html", "--out", str(tmp_path / "b.html")])
    assert res.exit_code == 0, res.stderr
    page = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert "警务公开工作情况通报" in page and "数据截至" in page

    res = runner.invoke(
        app,
        [
            *common,
            "--format",
            "docx",
            "--lang",
            "en",
            "--unit",
            "B01",
            "--out",
            str(tmp_path / "b.docx"),
        ],
    )
    assert res.exit_code == 0, res.stderr
    doc = Document(io.BytesIO((tmp_path / "b.docx").read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Police Affairs Openness Briefing" in text
    # the scope line names the branch in English, and its overall score is the table's
    frames = load_frames(engine)
    row = indicator_table(frames, "2026-Q1", "2026-04-10", unit_id="B01").row(0, named=True)
    assert row["unit_id"] == "B01"
    name_en = frames.units.filter(frames.units["unit_id"] == "B01")["name_en"].item()
    assert f"Scope: {name_en}" in text
    headline = doc.tables[0]
    assert headline.rows[1].cells[1].text == f"{row['overall']:.1f}"


def test_briefing_bad_usage(engine: sa.Engine, db_url: str, tmp_path: Path) -> None:
    _seed(engine)
    out = str(tmp_path / "b.html")
    base = ["briefing", "--period", "2026-Q1", "--db", db_url, "--out", out]
    for extra, message in (
        (["--format", "pdf"], "--format"),
        (["--format", "html", "--lang", "fr"], "--lang"),
        (["--format", "html", "--unit", "NOPE"], "unknown unit"),
        (["--format", "html", "--as-of", "yesterday"], "--as-of"),
    ):
        res = runner.invoke(app, [*base, *extra])
        assert res.exit_code == 2, (extra, res.stderr)
        assert message in res.stderr
    res = runner.invoke(
        app, ["briefing", "--period", "2026-Q5", "--format", "html", "--out", out, "--db", db_url]
    )
    assert res.exit_code == 2 and "--period" in res.stderr
    assert not Path(out).exists()


def test_publish_writes_the_bundle(engine: sa.Engine, db_url: str, tmp_path: Path) -> None:
    _seed(engine)
    out = tmp_path / "site"
    res = runner.invoke(
        app,
        [
            "publish",
            "--period",
            "2026-Q1",
            "--as-of",
            "2026-04-10",
            "--out",
            str(out),
            "--db",
            db_url,
        ],
    )
    assert res.exit_code == 0, res.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "embed.html",
        "index.html",
        "methodology.html",
        "summary.csv",
        "summary.json",
    ]
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["period"] == "2026-Q1" and data["as_of"] == "2026-04-10"
    # the tiny city: one bureau and three branches
    assert [u["level"] for u in data["units"]] == ["bureau", "branch", "branch", "branch"]


def test_publish_refuses_a_period_before_the_first_record(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    """The tiny city seeded up to 2026-04-10 begins a year before: a bundle for 2024
    would publish every unit with a catalogue coverage of 0 for a year the database
    does not reach back to. Exit 2 naming the first record's day; nothing written."""
    _seed(engine)
    first, _latest = record_days(engine)
    assert "2025-04-10" <= first < "2026-01-01"
    out = tmp_path / "site"
    common = ["publish", "--as-of", "2026-04-10", "--out", str(out), "--db", db_url]
    res = runner.invoke(app, [*common, "--period", "2024"])
    assert res.exit_code == 2
    assert res.stderr.strip() == (
        f"error: --period 2024 ends before the first record ({first}): nothing to publish for it"
    )
    assert not out.exists()
    # the quarter the records begin in is published
    quarter = f"{first[:4]}-Q{(int(first[5:7]) - 1) // 3 + 1}"
    assert runner.invoke(app, [*common, "--period", quarter]).exit_code == 0
    assert (out / "summary.csv").is_file()


def test_publish_refuses_a_period_after_the_latest_record(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    """The tiny city seeded up to 2026-04-10: at an as-of of 2026-06-30, May 2026 holds
    no record yet (its records are not imported): a bundle would publish every unit
    with a catalogue coverage of 0. Exit 2 naming the latest record's day; nothing
    written. April, which the records reach into, is published."""
    _seed(engine)
    _first, latest = record_days(engine)
    assert "2026-04-01" <= latest <= "2026-04-10"
    out = tmp_path / "site"
    common = ["publish", "--as-of", "2026-06-30", "--out", str(out), "--db", db_url]
    res = runner.invoke(app, [*common, "--period", "2026-05"])
    assert res.exit_code == 2
    assert res.stderr.strip() == (
        f"error: --period 2026-05 begins after the latest record ({latest}): nothing to "
        "publish for it"
    )
    assert not out.exists()
    res = runner.invoke(app, [*common, "--period", "2026-04"])
    assert res.exit_code == 0, res.stderr
    assert (out / "summary.json").exists()


def test_publish_with_settings_file(engine: sa.Engine, db_url: str, tmp_path: Path) -> None:
    _seed(engine)
    config = tmp_path / "settings.toml"
    config.write_text('public_levels = ["bureau"]\n', encoding="utf-8")
    out = tmp_path / "site"
    res = runner.invoke(
        app,
        [
            "publish",
            "--period",
            "2026-Q1",
            "--as-of",
            "2026-04-10",
            "--config",
            str(config),
            "--out",
            str(out),
            "--db",
            db_url,
        ],
    )
    assert res.exit_code == 0, res.stderr
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [u["level"] for u in data["units"]] == ["bureau"]
    config.write_text("min_sample = -1\n", encoding="utf-8")
    res = runner.invoke(
        app,
        [
            "publish",
            "--period",
            "2026-Q1",
            "--config",
            str(config),
            "--out",
            str(out),
            "--db",
            db_url,
        ],
    )
    assert res.exit_code == 2 and "min_sample" in res.stderr
