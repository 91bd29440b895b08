"""The indicator catalogue against methodology.md and cli.md."""

from __future__ import annotations

import re

from conftest import SHARED

from queries.model.catalogue import (
    DIMENSION_CODES,
    INDICATOR_CODES,
    INDICATORS,
    RATE_CODES,
    SCORED_CODES,
    Direction,
    indicator,
    indicators_of,
    table_columns,
)
from queries.model.settings import DEFAULT_WEIGHTS

METHODOLOGY_ORDER = [
    "O_COVERAGE",
    "O_TIMELY",
    "O_DEPTH",
    "O_CHANNELS",
    "O_SUPERVISION_PUBLIC",
    "R_RESPONSE",
    "R_ONTIME",
    "R_REPLY",
    "R_RECTIFY",
    "R_ADOPTION",
    "R_CLOSE_DAYS",
    "S_SATISFACTION",
    "S_RESOLVED",
    "S_RETURN_VISIT",
    "S_REPEAT",
]


def test_codes_in_methodology_order() -> None:
    assert list(INDICATOR_CODES) == METHODOLOGY_ORDER


def test_order_matches_the_spec_text() -> None:
    text = (SHARED / "spec" / "methodology.md").read_text(encoding="utf-8")
    found = re.findall(r"^\| ([ORS]_[A-Z_]+) ", text, flags=re.M)
    assert found == METHODOLOGY_ORDER


def test_rates_shown_only_and_direction() -> None:
    # methodology: rates are all indicators except O_DEPTH, O_CHANNELS and R_CLOSE_DAYS
    assert set(INDICATOR_CODES) - set(RATE_CODES) == {"O_DEPTH", "O_CHANNELS", "R_CLOSE_DAYS"}
    assert set(INDICATOR_CODES) - set(SCORED_CODES) == {"R_ADOPTION", "R_CLOSE_DAYS", "S_REPEAT"}
    assert indicator("S_REPEAT").direction == Direction.LOWER
    assert indicator("R_CLOSE_DAYS").unit == "days"
    assert [i.code for i in INDICATORS if i.min_sample_exempt] == ["O_COVERAGE"]


def test_every_indicator_is_described_in_both_languages() -> None:
    for ind in INDICATORS:
        for lang in ("zh", "en"):
            assert ind.name(lang) and ind.explain(lang) and ind.formula(lang)
            assert ind.numerator(lang) and ind.denominator(lang)
        assert ind.dimension in DIMENSION_CODES
        assert ind.record_kind in ("disclosures", "feedback", "supervision")


def test_default_weights_cover_exactly_the_scored_indicators() -> None:
    for dim in DIMENSION_CODES:
        scored = [i.code for i in indicators_of(dim) if i.scored]
        assert sorted(DEFAULT_WEIGHTS[dim]) == sorted(scored)
        assert abs(sum(DEFAULT_WEIGHTS[dim].values()) - 1.0) < 1e-12


def test_table_columns_as_cli_md() -> None:
    expected = ["unit_id", "name", "level", "kind", "parent_id"]
    for code in METHODOLOGY_ORDER:
        expected += [code, f"{code}_n"]
        if code not in ("O_DEPTH", "O_CHANNELS", "R_CLOSE_DAYS"):
            expected += [f"{code}_lo", f"{code}_hi"]
    expected += ["openness", "responsiveness", "satisfaction", "overall", "rank", "rank_change"]
    assert list(table_columns()) == expected
    # 5 unit columns + 12 rates x 4 + 3 others x 2 + 4 scores + 2 ranks
    assert len(expected) == 5 + 12 * 4 + 3 * 2 + 4 + 2
