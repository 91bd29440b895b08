"""Goals and notes on the dashboard (AppTest, SQLite and PostgreSQL): the ranking's goal
column and its "below the goal" filter, the Unit page's goal sentences and notes, the
goal line and the note markers on the unit's trend chart; the forms per role."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from dashboard_harness import AS_OF, PERIOD, REF, app, open_page

from dashboard.i18n import md
from queries.access.goals import list_goals, set_goal
from queries.access.notes import add_note, list_notes, unit_tree
from queries.access.roles import LOCAL_ADMIN
from queries.engine.goals import below_goal
from queries.engine.indicators import indicator_table
from queries.model.db import make_engine
from queries.store.frames import load_frames
from seed_data.generator import seed_database
from seed_data.scales import SCALES, Scale


def _traces(at) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    out = []
    for el in at.get("plotly_chart"):
        out.extend(json.loads(el.proto.spec)["data"])
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_goals_and_notes_on_the_pages(seeded: str, lang: str, fresh_caches: None) -> None:
    engine = make_engine(seeded)
    # a goal some stations meet and most do not: 0.9 closed on time
    set_goal(engine, LOCAL_ADMIN, "R_ONTIME", 0.9, level="station", from_year=2026)
    tree = unit_tree(engine)
    add_note(
        engine, LOCAL_ADMIN, "B01", date(2026, 3, 1), date(2026, 3, 31), "<b>新热线</b> =1+1", tree
    )
    goals = list_goals(engine)
    frames = load_frames(engine)
    engine.dispose()
    table = indicator_table(frames, PERIOD, AS_OF, goals=goals)
    below = below_goal(table, "R_ONTIME")["unit_id"].to_list()

    # the Overview's station ranking: the goal column, and the filter keeps those below
    at = app(lang=lang, period=PERIOD, asof=REF.isoformat(), level="station")
    open_page(at, "overview")
    ranking = at.dataframe[0].value
    col = "按期办结率（目标）" if lang == "zh" else "Closed on time (goal)"
    assert col in ranking.columns
    not_met = "✗ 未达目标值90.0%" if lang == "zh" else "✗ below the goal 90.0%"
    uid = ranking.columns[0]
    flagged = {u for u, c in zip(ranking[uid], ranking[col], strict=True) if c.startswith(not_met)}
    stations = set(table.filter(pl.col("level") == "station")["unit_id"].to_list())
    assert 0 < len(set(below) & stations) < len(stations)  # the filter has work to do
    assert flagged == set(below) & stations
    at.selectbox(key="ov_below_goal").set_value("R_ONTIME").run()
    assert set(at.dataframe[0].value[uid]) == set(below) & stations

    # the Unit page of a station below the goal: its sentence, its goal line, the note
    # of its branch (text as text) and its marker in March
    unit = sorted(set(below) & set(tree.subtree("B01")))[0]
    at = app(lang=lang, period=PERIOD, asof=REF.isoformat())
    at.query_params["unit"] = unit
    at.session_state["un_trend"] = "R_ONTIME"
    open_page(at, "unit")
    inds = at.dataframe[0].value
    goal_col = "目标值" if lang == "zh" else "Goal"
    cell = inds[goal_col][list(inds.iloc[:, -1]).index("R_ONTIME")]
    assert cell.startswith("✗ 未达目标值90.0%" if lang == "zh" else "✗ below the goal 90.0%")
    texts = " ".join(m.value for m in at.markdown)
    # markdown source: every character that could mark something up is escaped
    plain = texts.replace("\\", "")
    assert ("未达目标值90.0%" if lang == "zh" else "below the goal of 90.0%") in plain
    inside = "漏斗图内，不构成信号" if lang == "zh" else "inside the funnel: not a signal"
    assert inside in plain  # below the goal and inside the funnel, said apart
    assert md("<b>新热线</b> =1+1") in texts
    traces = _traces(at)
    goal_line = [tr for tr in traces if tr.get("name") == ("目标值" if lang == "zh" else "Goal")]
    # the trend's months 2025-07..2026-06: the goal is in force from 2026 only
    assert goal_line and goal_line[0]["y"] == [None] * 6 + [0.9] * 6
    marks = [tr for tr in traces if tr.get("name") == ("备注" if lang == "zh" else "Note")]
    assert len(marks) == 1 and len(marks[0]["x"]) == 1
    hover = marks[0]["customdata"][0]
    assert "&lt;b&gt;新热线&lt;/b&gt; =1+1" in hover and "<b>" not in hover
    # the local admin may add a note here and remove any
    assert at.text_input(key="un_note_text") is not None
    assert len(list_notes(make_engine(seeded))) == 1


# the tiny city over two years (as tests/test_dashboard_signals.py): a control chart needs
# a 12-month baseline before the 12 months it watches
TWO_YEARS = Scale("tiny-2y", 1, (3, 3), 4.0, 15, 2, 8_000, 2_400, 300)


@pytest.fixture
def seeded_2y(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(SCALES, TWO_YEARS.name, TWO_YEARS)
    engine = make_engine(db_url)
    seed_database(engine, TWO_YEARS.name, 7, REF, progress=False)
    engine.dispose()
    monkeypatch.setenv("OPENNESS_DB", db_url)
    monkeypatch.delenv("OPENNESS_CONFIG", raising=False)
    return db_url


def test_goal_and_notes_on_the_control_charts(seeded_2y: str, fresh_caches: None) -> None:
    engine = make_engine(seeded_2y)
    set_goal(engine, LOCAL_ADMIN, "R_ONTIME", 0.99, from_year=2026)
    add_note(
        engine, LOCAL_ADMIN, "HQ", date(2026, 3, 1), date(2026, 3, 31), "hotline", unit_tree(engine)
    )
    engine.dispose()
    at = app(lang="en", period=PERIOD, asof=REF.isoformat())
    at.query_params["unit"] = "HQ"
    open_page(at, "unit")
    at.toggle(key="un_ctl_quiet").set_value(True).run()
    charts = [
        json.loads(el.proto.spec)
        for el in at.get("plotly_chart")
        if "Centre" in json.loads(el.proto.spec)["layout"]["title"]["text"]
    ]
    titles = [spec["layout"]["title"]["text"] for spec in charts]
    assert any(x.startswith("Closed on time") for x in titles), titles
    for spec in charts:
        names = [tr.get("name") for tr in spec["data"]]
        # every control chart: the note's marker in March, its text on hover
        (mark,) = [tr for tr in spec["data"] if tr.get("name") == "Note"]
        assert mark["x"] == ["2026-03"] and "hotline" in mark["customdata"][0]
        # the goal line on R_ONTIME's chart only: 0.99 on each month of 2026, none before
        ontime = spec["layout"]["title"]["text"].startswith("Closed on time")
        assert ("Goal" in names) == ontime
        if ontime:
            (goal,) = [tr for tr in spec["data"] if tr.get("name") == "Goal"]
            assert [g for m, g in zip(goal["x"], goal["y"], strict=True) if m >= "2026"] == [
                0.99
            ] * 6
            assert {g for m, g in zip(goal["x"], goal["y"], strict=True) if m < "2026"} == {None}
