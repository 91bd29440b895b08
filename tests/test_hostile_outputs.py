"""Hostile unit names pushed through every chart and file: no link, no style, no crash.

Unit names come from the records (units.csv); an attacker who can name a unit can try
plotly's markup (<a href>, <span style>, <b>), matplotlib's math text ($...$) and
spreadsheet formulas. Every output must show them as text.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document
from hostile import MARKUP, MATH
from typer.testing import CliRunner

from openness.cli import app
from queries.model.schema import units
from reports import charts
from seed_data.generator import seed_database

runner = CliRunner()
LIVE = ('<a href="https://evil', "<span style", "<b>粗", "\\u003ca href", "\\u003cspan style")


def _hostile_city(engine: sa.Engine) -> dict[str, str]:
    """The tiny city with its bureau and branches renamed to hostile names."""
    seed_database(engine, "tiny", 7, date(2026, 4, 10), progress=False)
    with engine.begin() as conn:
        top = conn.execute(
            sa.select(units.c.unit_id)
            .where(units.c.level.in_(["bureau", "branch"]))
            .order_by(units.c.unit_id)
        ).scalars()
        names = dict(zip(top, (*MATH[:2], *MARKUP), strict=False))
        for uid, name in names.items():
            conn.execute(
                units.update().where(units.c.unit_id == uid).values(name=name, name_en=name)
            )
    return names


def test_plotly_labels_are_escaped() -> None:
    fig = charts.plotly_scores_bar("t", list(MARKUP), [1.0] * len(MARKUP), [True] * len(MARKUP))
    ys = fig.to_dict()["data"][0]["y"]  # type: ignore[attr-defined]
    assert not any("<" in y for y in ys)
    assert '&lt;a href="https://evil.example"&gt;点我&lt;/a&gt;' in ys
    fig = charts.plotly_trend("t", ["2026-01"], [(m, [1.0]) for m in MARKUP])
    for trace in fig.to_dict()["data"]:  # type: ignore[attr-defined]
        assert "<" not in trace["name"]
        assert "<" not in trace["hovertemplate"].replace("<extra>", "").replace("</extra>", "")


@pytest.mark.parametrize("label", MATH)
def test_matplotlib_charts_take_dollars_as_text(label: str) -> None:
    # before: "$$" raised ValueError from mathtext; "$x^2$" was typeset as math
    for chart in (
        charts.ranking_bars(
            label, [label, "乙"], [50.0, 60.0], reference=55.0, reference_label=label
        ),
        charts.comparison_bars(label, [label], [("now", label, [50.0])]),
        charts.trend_lines(label, ["2026-01", "2026-02"], [(label, [50.0, 60.0])]),
    ):
        assert chart.png.startswith(b"\x89PNG")


def test_briefing_and_bundle_with_hostile_names(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    names = _hostile_city(engine)
    common = ["--period", "2026-Q1", "--as-of", "2026-04-10", "--db", db_url]
    for fmt, lang in (("html", "zh"), ("html", "en"), ("docx", "zh")):
        out = tmp_path / f"b_{lang}.{fmt}"
        res = runner.invoke(
            app, ["briefing", *common, "--format", fmt, "--lang", lang, "--out", str(out)]
        )
        assert res.exit_code == 0, (res.stderr, res.exception)
        if fmt == "html":
            page = out.read_text(encoding="utf-8")
            assert not any(x in page for x in LIVE), fmt
        else:
            text = "\n".join(p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs)
            assert "Traceback" not in text
    site = tmp_path / "site"
    res = runner.invoke(app, ["publish", *common, "--out", str(site)])
    assert res.exit_code == 0, (res.stderr, res.exception)
    for name in ("index.html", "embed.html", "methodology.html"):
        page = (site / name).read_text(encoding="utf-8")
        assert not any(x in page for x in LIVE), name
    index = (site / "index.html").read_text(encoding="utf-8")
    # the names reach the charts, escaped (plotly shows &lt; as <)
    assert "&lt;span style=" in index or "\\u0026lt;span style=" in index
    data = json.loads((site / "summary.json").read_text(encoding="utf-8"))
    assert {u["name"] for u in data["units"]} == set(names.values())
