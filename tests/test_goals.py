"""queries.engine.goals: which goal applies to a unit, met or not, the X_goal columns.

Every expectation is worked out by hand from the small world of indicator_world.py:

    B (bureau, management)
    ├── B1 (branch, comprehensive)
    │   ├── B1-S1 (station, window)
    │   └── B1-S2 (station, case_handling)
    └── B2 (branch, comprehensive)
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest
from indicator_world import fb, world

from queries.engine.goals import (
    below_goal,
    goal_by_year,
    goals_in_force,
    meets,
    standing,
    with_goals,
)
from queries.engine.indicators import compute_table, indicator_table
from queries.model.catalogue import table_columns

_G = {"level": pl.String, "kind": pl.String, "unit_id": pl.String}


def goals(*rows: tuple[int, str, float, str, str | None, int]) -> pl.DataFrame:
    """(goal_id, code, value, scope, what, from_year) rows as the goal table holds them."""
    out = []
    for gid, code, value, scope, what, year in rows:
        out.append(
            {
                "goal_id": gid,
                "code": code,
                "value": value,
                "level": what if scope == "level" else None,
                "kind": what if scope == "kind" else None,
                "unit_id": what if scope == "unit" else None,
                "from_year": year,
            }
        )
    return pl.DataFrame(out, schema_overrides=_G)


UNITS = pl.DataFrame(
    {
        "unit_id": ["B", "B1", "B1-S1", "B1-S2", "B2"],
        "level": ["bureau", "branch", "station", "station", "branch"],
        "kind": ["management", "comprehensive", "window", "case_handling", "comprehensive"],
    }
)


def resolved(g: pl.DataFrame, year: int) -> dict[str, tuple[float, int]]:
    got = goals_in_force(g, UNITS, year).filter(pl.col("code") == "R_ONTIME")
    return {u: (v, i) for u, v, i in got.select("unit_id", "goal", "goal_id").iter_rows()}


def test_the_most_specific_goal_in_force_applies() -> None:
    g = goals(
        (1, "R_ONTIME", 0.90, "all", None, 2025),
        (2, "R_ONTIME", 0.92, "all", None, 2026),  # a later all-units goal
        (3, "R_ONTIME", 0.95, "level", "branch", 2026),
        (4, "R_ONTIME", 0.97, "kind", "comprehensive", 2026),  # kind beats level
        (5, "R_ONTIME", 0.99, "unit", "B1-S1", 2026),  # unit beats everything
        (6, "R_ONTIME", 0.50, "unit", "B2", 2027),  # not in force in 2026
        (7, "R_ONTIME", 0.85, "level", "station", 2024),
    )
    # 2026: B -> all, the latest from <= 2026 (goal 2, 0.92); B1 and B2 are both branch
    # and comprehensive -> the kind's (goal 4); B1-S1 -> its own (5); B1-S2 -> station (7)
    assert resolved(g, 2026) == {
        "B": (0.92, 2),
        "B1": (0.97, 4),
        "B1-S1": (0.99, 5),
        "B1-S2": (0.85, 7),
        "B2": (0.97, 4),
    }
    # 2025: only goals 1 and 7 are in force
    assert resolved(g, 2025) == {
        "B": (0.90, 1),
        "B1": (0.90, 1),
        "B1-S1": (0.85, 7),
        "B1-S2": (0.85, 7),
        "B2": (0.90, 1),
    }
    # 2027: B2's own goal is in force and more specific than the kind's
    assert resolved(g, 2027)["B2"] == (0.50, 6)
    # before any goal: none applies
    assert resolved(g, 2023) == {}


def test_met_is_at_or_above_or_at_or_below_where_lower_is_better() -> None:
    assert meets("R_ONTIME", 0.95, 0.95)  # at the goal: met
    assert meets("R_ONTIME", 19 / 20, 0.95)
    assert meets("R_ONTIME", 0.95 - 1e-10, 0.95)  # within 1e-9: equal
    assert not meets("R_ONTIME", 0.9499, 0.95)
    # lower is better: S_REPEAT and R_CLOSE_DAYS
    assert meets("S_REPEAT", 0.05, 0.05) and meets("S_REPEAT", 0.04, 0.05)
    assert not meets("S_REPEAT", 0.06, 0.05)
    assert meets("R_CLOSE_DAYS", 4.5, 5.0) and not meets("R_CLOSE_DAYS", 5.5, 5.0)
    s = standing({"R_ONTIME": 0.9, "R_ONTIME_goal": 0.95}, "R_ONTIME")
    assert s is not None and not s.met and s.gap == pytest.approx(-0.05)
    assert standing({"R_ONTIME": None, "R_ONTIME_goal": 0.95}, "R_ONTIME") is None
    assert standing({"R_ONTIME": 0.9}, "R_ONTIME") is None


def _frames():  # type: ignore[no-untyped-def]
    # R_ONTIME (complaint: due 30 days after receipt), received in March 2026, as of
    # 2026-06-30: B1-S1 9 on time + 1 late = 0.9; B1-S2 10 on time = 1.0; B2 8 + 2 = 0.8
    rows = []
    for unit, on_time, late in (("B1-S1", 9, 1), ("B1-S2", 10, 0), ("B2", 8, 2)):
        rows += [
            fb(unit, f"2026-03-{2 + i:02d} 09:00", closed_at=f"2026-03-{10 + i:02d} 09:00")
            for i in range(on_time)
        ]
        rows += [
            fb(unit, f"2026-03-{2 + i:02d} 09:00", closed_at=f"2026-05-{10 + i:02d} 09:00")
            for i in range(late)
        ]
    return world(feedback=rows)


def test_goal_columns_in_the_indicator_table() -> None:
    frames = _frames()
    g = goals(
        (1, "R_ONTIME", 0.95, "all", None, 2026),
        (2, "R_CLOSE_DAYS", 10.0, "unit", "B2", 2026),
        (3, "S_REPEAT", 0.1, "all", None, 2027),  # not in force for 2026: no column
    )
    table = indicator_table(frames, "2026-Q1", "2026-06-30", goals=g)
    cols = list(table_columns())
    cols.insert(cols.index("R_ONTIME_hi") + 1, "R_ONTIME_goal")
    cols.insert(cols.index("R_CLOSE_DAYS_n") + 1, "R_CLOSE_DAYS_goal")
    assert table.columns == cols
    got = table.select("unit_id", "R_ONTIME", "R_ONTIME_goal", "R_CLOSE_DAYS_goal")
    # B: 27/30 = 0.9; B1: 19/20 = 0.95; B1-S1 0.9, B1-S2 1.0, B2 0.8 (8/10)
    expected = pl.DataFrame(
        {
            "unit_id": ["B", "B1", "B1-S1", "B1-S2", "B2"],
            "R_ONTIME": [27 / 30, 19 / 20, 9 / 10, 10 / 10, 8 / 10],
            "R_ONTIME_goal": [0.95] * 5,
            "R_CLOSE_DAYS_goal": [None, None, None, None, 10.0],
        }
    )
    assert got.equals(expected)
    # below the goal of 0.95: B (0.9), B1-S1 (0.9), B2 (0.8); B1 at 0.95 meets it
    assert below_goal(table, "R_ONTIME")["unit_id"].to_list() == ["B", "B1-S1", "B2"]
    # R_CLOSE_DAYS: every case took 8 days (B2: 8 on time; late ones 69 days: median of
    # 8 x 8 days and 2 x 69 days = 8) <= 10: met
    b2 = table.filter(pl.col("unit_id") == "B2").row(0, named=True)
    assert b2["R_CLOSE_DAYS"] == 8.0
    s = standing(b2, "R_CLOSE_DAYS")
    assert s is not None and s.met
    # --unit keeps the columns judged over every unit
    sub = indicator_table(frames, "2026-Q1", "2026-06-30", unit_id="B1-S2", goals=g)
    assert "R_CLOSE_DAYS_goal" in sub.columns and sub["R_CLOSE_DAYS_goal"].to_list() == [None]
    # without goals, exactly cli.md's columns
    assert indicator_table(frames, "2026-Q1", "2026-06-30").columns == list(table_columns())
    assert compute_table(frames, "2026-Q1", datetime(2026, 6, 30)).table.columns == list(
        table_columns()
    )


def test_goal_by_year_for_the_charts() -> None:
    g = goals(
        (1, "R_ONTIME", 0.9, "all", None, 2025), (2, "R_ONTIME", 0.95, "level", "branch", 2026)
    )
    unit = {"unit_id": "B1", "level": "branch", "kind": "comprehensive"}
    assert goal_by_year(g, unit, "R_ONTIME", [2024, 2025, 2026]) == {
        2024: None,
        2025: 0.9,
        2026: 0.95,
    }
    assert with_goals(UNITS, g.clear(), 2026).columns == UNITS.columns  # no goal: unchanged
