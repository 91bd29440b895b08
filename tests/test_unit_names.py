"""Units of one name (城区分局 in two cities) in charts: keyed by id, each labelled so a
reader tells them apart (queries.model.tree.unit_names), in the dashboard and the
briefing (the public page's chart: test_public.py)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from dashboard_harness import app, clean
from typer.testing import CliRunner

from openness.cli import app as cli
from queries.model.periods import Period
from queries.model.settings import DEFAULT_SETTINGS
from queries.model.tree import unit_names
from queries.store.schemas import make_frames
from reports.briefing.model import build_briefing

UNITS = """\
unit_id,name,name_en,parent_id,level,kind
P,省公安厅,Provincial Department,,bureau,management
A,A市公安局,City A Bureau,P,branch,management
B,B市公安局,City B Bureau,P,branch,management
A-CQ,城区分局,Chengqu Branch,A,station,comprehensive
B-CQ,城区分局,Chengqu Branch,B,station,comprehensive
B-CQ2,城区分局,,B,station,comprehensive
"""
# each 城区分局 a different share of its complaints closed within the limit
FEEDBACK_HEADER = "case_id,unit_id,kind,channel,received_at,first_response_at,closed_at\n"


def _feedback() -> str:
    rows = []
    for unit, late in (("A-CQ", 1), ("B-CQ", 4), ("B-CQ2", 7)):
        for j in range(10):
            closed = "2026-04-20 09:00" if j < late else "2026-03-03 09:00"
            rows.append(f"{unit}-{j},{unit},complaint,hotline,2026-03-02 09:00,"
                        f"2026-03-02 09:30,{closed}")  # fmt: skip
    return FEEDBACK_HEADER + "\n".join(rows) + "\n"


def _units() -> pl.DataFrame:
    return pl.read_csv(UNITS.encode(), infer_schema=False)


def test_a_shared_name_gets_its_parent_then_its_id() -> None:
    zh, en = unit_names(_units(), "zh"), unit_names(_units(), "en")
    # A-CQ: the only 城区分局 of city A; B's two share their city too: their ids
    assert zh["A-CQ"] == "城区分局（A市公安局）"
    assert (zh["B-CQ"], zh["B-CQ2"]) == ("城区分局（B-CQ）", "城区分局（B-CQ2）")
    assert zh["P"] == "省公安厅"
    # in English B-CQ2 has no English name: its Chinese one, unique among English ones
    assert en["A-CQ"] == "Chengqu Branch (City A Bureau)"
    assert en["B-CQ"] == "Chengqu Branch (City B Bureau)"
    assert en["B-CQ2"] == "城区分局"
    assert len(set(zh.values())) == len(set(en.values())) == 6


def test_the_briefing_charts_each_unit_apart() -> None:
    feedback = pl.read_csv(_feedback().encode(), infer_schema=False).to_dicts()
    frames = make_frames(units=_units().to_dicts(), feedback=feedback)
    b = build_briefing(
        frames, Period.parse("2026-Q1"), datetime(2026, 5, 1), DEFAULT_SETTINGS, lang="zh"
    )
    (section,) = b.sections
    stations = next(lv for lv in section.levels if lv.level == "station")
    assert [u.name for u in stations.all_ranked] == [
        "城区分局（A市公安局）",  # 1 late of 10
        "城区分局（B-CQ）",  # 4
        "城区分局（B-CQ2）",  # 7
    ]


@pytest.mark.usefixtures("data_folder", "fresh_caches")
def test_the_dashboard_charts_each_unit_apart(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "2026-03_feedback.csv").write_text(_feedback(), encoding="utf-8")
    files = [str(tmp_path / "units.csv"), str(tmp_path / "2026-03_feedback.csv")]
    res = CliRunner().invoke(cli, ["import", *files, "--db", db_url])
    assert res.exit_code == 0, res.output
    monkeypatch.setenv("OPENNESS_DB", db_url)
    at = app(lang="zh", period="2026-Q1", asof="2026-05-01", scope="P", level="station")
    at.run()
    clean(at)
    labels: set[str] = set()
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec["data"]:
            labels.update(str(y) for y in trace.get("y") or [] if isinstance(y, str))
    assert {"城区分局（A市公安局）", "城区分局（B-CQ）", "城区分局（B-CQ2）"} <= labels, labels
    assert "城区分局" not in labels
