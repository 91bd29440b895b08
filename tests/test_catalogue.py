"""The indicator catalogue against methodology.md and cli.md."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from conftest import SPEC

from queries.engine.statuses import STATUS_RULES
from queries.model.catalogue import (
    DIMENSION_CODES,
    DIMENSIONS,
    INDICATOR_CODES,
    INDICATORS,
    RATE_CODES,
    SCORED_CODES,
    Dimension,
    Direction,
    Indicator,
    Kind,
    indicator,
    indicators_of,
    table_columns,
)
from queries.model.catalogue_rules import (
    CATALOGUE_RULES,
    CatalogueError,
    catalogue_issues,
    check_catalogue,
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
    text = (SPEC / "methodology.md").read_text(encoding="utf-8")
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


def test_kinds_and_their_parameters_are_declared() -> None:
    kinds = {i.code: i.kind for i in INDICATORS if i.kind != Kind.RATE}
    assert kinds == {
        "O_DEPTH": Kind.BALANCE,
        "O_CHANNELS": Kind.DISTINCT_SHARE,
        "R_CLOSE_DAYS": Kind.MEDIAN,
    }
    depth = indicator("O_DEPTH")
    assert depth.balance_terms == (("result", "procedure"), ("rights", "obligation"))
    close = indicator("R_CLOSE_DAYS")
    assert (close.median_column, close.median_status) == ("close_days", "closed")
    assert [i.code for i in INDICATORS if i.unit == "days"] == ["R_CLOSE_DAYS"]


def test_the_balance_and_median_statuses_exist() -> None:
    """The status groups and statuses the declarations name are statuses of the engine."""
    for ind in INDICATORS:
        for group in (g for term in ind.balance_terms for g in term):
            assert group in STATUS_RULES[ind.code], (ind.code, group)
        if ind.median_status is not None:
            assert ind.median_status in STATUS_RULES[ind.code]
        assert ind.code in STATUS_RULES


def test_indicators_are_declared_by_keyword_only() -> None:
    with pytest.raises(TypeError):
        Indicator("X_Y", "openness")  # type: ignore[misc,call-arg]


def test_the_catalogue_passes_every_rule() -> None:
    assert catalogue_issues(INDICATORS, DIMENSIONS) == []


def _swap(which: str, /, **changes: object) -> tuple[Indicator, ...]:
    return tuple(replace(i, **changes) if i.code == which else i for i in INDICATORS)  # type: ignore[arg-type]


OPEN = DIMENSIONS[0]


@pytest.mark.parametrize(
    ("rule", "indicators", "dimensions"),
    [
        ("unique_codes", (*INDICATORS, INDICATORS[0]), DIMENSIONS),
        ("unique_codes", INDICATORS, (*DIMENSIONS, OPEN)),
        ("code_names_its_dimension", _swap("O_TIMELY", code="R_TIMELY2"), DIMENSIONS),
        ("code_names_its_dimension", _swap("O_TIMELY", code="O_timely"), DIMENSIONS),
        ("known_dimension", _swap("O_TIMELY", dimension="speed"), DIMENSIONS),
        (
            "scored_in_every_dimension",
            tuple(
                replace(i, scored=False) if i.dimension == "satisfaction" else i for i in INDICATORS
            ),
            DIMENSIONS,
        ),
        ("scored_in_every_dimension", INDICATORS, (*DIMENSIONS, Dimension("cost", "成本", "Cost"))),
        ("scored_are_shares", _swap("R_CLOSE_DAYS", scored=True), DIMENSIONS),
        ("kind_parameters", _swap("O_DEPTH", balance_terms=()), DIMENSIONS),
        ("kind_parameters", _swap("O_DEPTH", balance_terms=(("result",),)), DIMENSIONS),
        ("kind_parameters", _swap("O_CHANNELS", distinct_total=None), DIMENSIONS),
        ("kind_parameters", _swap("O_CHANNELS", distinct_total=-8), DIMENSIONS),
        ("kind_parameters", _swap("R_CLOSE_DAYS", median_status=None), DIMENSIONS),
        ("kind_parameters", _swap("R_REPLY", median_column="close_days"), DIMENSIONS),
        ("kind_parameters", _swap("O_DEPTH", kind=Kind.RATE), DIMENSIONS),
        ("known_record_kind", _swap("R_REPLY", record_kind="units"), DIMENSIONS),
        ("relies_on_optional_fields", _swap("R_REPLY", relies_on=("received_at",)), DIMENSIONS),
        ("relies_on_optional_fields", _swap("R_REPLY", relies_on=("rectified_on",)), DIMENSIONS),
        ("labels_in_both_languages", _swap("R_REPLY", name_en=""), DIMENSIONS),
        ("labels_in_both_languages", _swap("R_REPLY", formula_zh="reasoned / closed"), DIMENSIONS),
        ("labels_in_both_languages", _swap("R_REPLY", explain_en="说理答复"), DIMENSIONS),
        (
            "labels_in_both_languages",
            INDICATORS,
            (replace(OPEN, name_en="公开"), *DIMENSIONS[1:]),
        ),
    ],
)
def test_each_catalogue_rule_catches_its_fault(
    rule: str, indicators: tuple[Indicator, ...], dimensions: tuple[Dimension, ...]
) -> None:
    assert rule in CATALOGUE_RULES
    issues = catalogue_issues(indicators, dimensions)
    assert any(i.startswith(f"{rule}: ") for i in issues), issues
    with pytest.raises(CatalogueError) as info:
        check_catalogue(indicators, dimensions)
    assert rule in str(info.value)
