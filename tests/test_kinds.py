"""Each kind of indicator, computed from subtree counts by its declaration (not its code)."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries.engine.kinds import balance_groups, count_columns, value_columns
from queries.engine.scoring import score_value, wilson_interval, with_scores
from queries.model.catalogue import INDICATORS, Direction, Kind, indicator
from queries.model.settings import DEFAULT_SETTINGS


def _values(ind, counts: dict) -> pl.DataFrame:  # type: ignore[no-untyped-def,type-arg]
    return pl.DataFrame(counts).select(value_columns(ind))


def test_rate_is_num_over_den_with_wilson() -> None:
    ind = indicator("R_REPLY")
    result = _values(ind, {"R_REPLY__num": [3.0, 0.0], "R_REPLY__den": [4, 0]})
    lo, hi = wilson_interval(3, 4)
    expected = pl.DataFrame(
        {
            "R_REPLY": [0.75, None],  # 3 / 4; no value when den = 0
            "R_REPLY_n": [4, 0],
            "R_REPLY_lo": [lo, None],
            "R_REPLY_hi": [hi, None],
        }
    )
    assert_frame_equal(result, expected)


def test_balance_is_the_mean_of_its_defined_terms() -> None:
    ind = indicator("O_DEPTH")
    assert balance_groups(ind) == ("result", "procedure", "rights", "obligation")
    counts = {
        # result, procedure, rights, obligation
        "O_DEPTH__result": [3, 3, 0, 5, 9],
        "O_DEPTH__procedure": [6, 6, 0, 0, 3],
        "O_DEPTH__rights": [0, 2, 0, 0, 1],
        "O_DEPTH__obligation": [0, 0, 0, 0, 4],
        "O_DEPTH__den": [9, 11, 2, 5, 17],
    }
    result = _values(ind, counts)
    expected = pl.DataFrame(
        {
            "O_DEPTH": [
                0.5,  # term(3, 6) = 0.5; term(0, 0) undefined -> mean of one term
                0.75,  # (0.5 + term(2, 0) = 1) / 2
                None,  # both terms undefined: no value
                1.0,  # term(5, 0) = 1; second undefined
                0.625,  # (min(1, 9/3) = 1 + 1/4) / 2
            ],
            "O_DEPTH_n": [9, 11, 2, 5, 17],
        }
    )
    assert_frame_equal(result, expected)


def test_a_new_balance_indicator_needs_only_its_declaration() -> None:
    ind = replace(indicator("O_DEPTH"), code="O_OTHER", balance_terms=(("a", "b"),))
    assert count_columns(ind) == ["O_OTHER__den", "O_OTHER__a", "O_OTHER__b"]
    result = _values(ind, {"O_OTHER__a": [1], "O_OTHER__b": [4], "O_OTHER__den": [7]})
    assert result.row(0) == (0.25, 7)  # min(1, 1/4)


def test_distinct_share_divides_by_its_declared_total() -> None:
    ind = indicator("O_CHANNELS")
    assert (ind.kind, ind.distinct_column, ind.distinct_total) == (
        Kind.DISTINCT_SHARE,
        "channel",
        8,
    )
    counts = {"O_CHANNELS__distinct": [3, 0, 8], "O_CHANNELS__den": [10, 0, 40]}
    result = _values(ind, counts)
    expected = pl.DataFrame({"O_CHANNELS": [0.375, None, 1.0], "O_CHANNELS_n": [10, 0, 40]})
    assert_frame_equal(result, expected)  # 3/8; nothing published; 8/8
    five = replace(ind, distinct_total=5)
    counts["O_CHANNELS__distinct"] = [3, 0, 5]
    shares = _values(five, counts)["O_CHANNELS"].to_list()
    assert shares[1] is None and shares[::2] == pytest.approx([0.6, 1.0])  # 3/5, 5/5


def test_median_is_shown_when_n_is_positive() -> None:
    ind = indicator("R_CLOSE_DAYS")
    counts = {"R_CLOSE_DAYS__median": [2.5, None], "R_CLOSE_DAYS__n": [4, 0]}
    result = _values(ind, counts)
    expected = pl.DataFrame({"R_CLOSE_DAYS": [2.5, None], "R_CLOSE_DAYS_n": [4, 0]})
    assert_frame_equal(result, expected)


def test_scoring_reads_the_declared_direction() -> None:
    wide = pl.DataFrame({"S_REPEAT": [0.1, 0.4], "S_REPEAT_n": [20, 20]})
    lower = indicator("S_REPEAT")
    assert lower.direction == Direction.LOWER
    assert wide.select(score_value(lower))["literal"].to_list() == pytest.approx([0.9, 0.6])
    higher = replace(lower, direction=Direction.HIGHER)
    assert wide.select(score_value(higher))["S_REPEAT"].to_list() == [0.1, 0.4]


def test_a_scored_lower_is_better_indicator_scores_one_minus_its_value() -> None:
    scored = tuple(replace(i, scored=True) if i.code == "S_REPEAT" else i for i in INDICATORS)
    weights = {**DEFAULT_SETTINGS.weights, "satisfaction": {"S_SATISFACTION": 0.5, "S_REPEAT": 0.5}}
    settings = replace(DEFAULT_SETTINGS, weights=weights)
    cols = {}
    for ind in INDICATORS:
        cols[ind.code] = [None]
        cols[f"{ind.code}_n"] = [0]
    cols |= {"S_SATISFACTION": [0.8], "S_SATISFACTION_n": [20]}
    cols |= {"S_REPEAT": [0.1], "S_REPEAT_n": [20]}
    wide = pl.DataFrame(
        cols, schema={k: pl.Float64 if not k.endswith("_n") else pl.Int64 for k in cols}
    )
    result = with_scores(wide, settings, scored)
    # 100 x (0.5 x 0.8 + 0.5 x (1 - 0.1)) / (0.5 + 0.5) = 100 x (0.40 + 0.45) = 85
    assert result["satisfaction"].to_list() == pytest.approx([85.0])
    # the catalogue as declared: S_REPEAT is not scored, so only S_SATISFACTION counts
    assert with_scores(wide, settings)["satisfaction"].to_list() == pytest.approx([80.0])


def test_every_scored_indicator_of_the_catalogue_is_higher_is_better_today() -> None:
    # scoring reads the direction; keeping every scored one "higher" keeps the numbers
    assert all(i.direction == Direction.HIGHER for i in INDICATORS if i.scored)
