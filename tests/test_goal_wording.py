"""reports.goal_wording in English where fewer is better (days to close, repeat
feedback): missing the goal is being above it, over by so much; and one unit is one
unit. The Chinese (未达目标值, 差) reads the same either way."""

from __future__ import annotations

from queries.engine.goals import Standing
from reports.goal_wording import below_list_sentence, standing_cell, standing_sentence

# days to close 7.5 against a goal of 3.0: 7.5 - 3.0 = 4.5 days too many
SLOW = Standing("R_CLOSE_DAYS", 7.5, 3.0, False)
# repeat feedback 6.0% against a goal of 5.0%: 1.0 point too many
REPEATS = Standing("S_REPEAT", 0.06, 0.05, False)
# closed on time 93.0% against 95.0%: 2.0 points short
LATE = Standing("R_ONTIME", 0.93, 0.95, False)


def test_fewer_is_better_goals_are_missed_from_above() -> None:
    assert standing_cell(SLOW, "en") == "✗ above the goal 3.0 days (over by 4.5 days)"
    assert standing_sentence(REPEATS, "en") == (
        "Repeat feedback 6.0%: above the goal of 5.0% (over by 1.0 pt)."
    )
    assert standing_cell(SLOW, "zh") == "✗ 未达目标值3.0 天（差4.5 天）"


def test_the_list_of_units_missing_a_goal() -> None:
    assert below_list_sentence("R_CLOSE_DAYS", 3.0, [("B01", SLOW), ("B02", SLOW)], "en") == (
        "2 units are above the Days to close goal of 3.0 days: B01 (over by 4.5 days), "
        "B02 (over by 4.5 days)."
    )
    assert below_list_sentence("R_ONTIME", 0.95, [("B01", LATE)], "en") == (
        "1 unit is below the Closed on time goal of 95.0%: B01 (short by 2.0 pt)."
    )
    assert below_list_sentence("R_ONTIME", None, [("B01", LATE)], "en") == (
        "1 unit is below its own Closed on time goal: B01 (short by 2.0 pt)."
    )
