"""dashboard/tables.py ``record_rows``: the records behind a figure as the page shows
them (labels in the reader's language, counts as counts)."""

from __future__ import annotations

import polars as pl

from dashboard.tables import record_rows


def _records(numerators: list[float]) -> pl.DataFrame:
    n = len(numerators)
    return pl.DataFrame(
        {
            "case_id": [f"F{i}" for i in range(n)],
            "unit_id": ["S1"] * n,
            "status": ["late"] * n,
            "status_zh": ["逾期"] * n,
            "status_en": ["Late"] * n,
            "numerator": pl.Series(numerators, dtype=pl.Float64),
            "denominator": pl.Series([1] * n, dtype=pl.Int64),
        }
    )


def test_a_count_numerator_shows_as_the_integer_its_denominator_is() -> None:
    shown = record_rows(_records([0.0, 1.0]), {"S1": "城东派出所"}, "zh", channel_group="channel")
    assert shown["计入分子"].dtype == pl.Int64 and shown["计入分子"].to_list() == [0, 1]
    assert shown["计入分母"].to_list() == [1, 1]
    assert shown["状态"].to_list() == ["逾期", "逾期"]


def test_a_fractional_numerator_keeps_two_decimals() -> None:
    shown = record_rows(_records([0.5, 1.0]), {}, "en", channel_group="channel")
    assert shown["In numerator"].to_list() == [0.5, 1.0]


def test_a_small_table_is_drawn_whole_and_no_taller() -> None:
    """Twelve branches: the twelfth was behind an inner scroll (a cap of 420 px); two
    audit events: fourteen empty rows below them (a fixed 520 px)."""
    from dashboard.widgets import WHOLE_ROWS, fitted_height

    assert fitted_height(12) == 38 + 35 * 12  # header + 12 rows of 35 px
    assert fitted_height(2, tall=520) == 38 + 35 * 2
    assert fitted_height(WHOLE_ROWS + 1, tall=520) == 520
    assert fitted_height(WHOLE_ROWS + 1) == "auto"
