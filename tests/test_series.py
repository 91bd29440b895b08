"""Monthly series: the same numbers as the indicator table of each month."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest
from indicator_world import dis, fb, sup, world

from queries.engine.indicators import compute_table
from queries.engine.series import default_months, monthly_scores, monthly_series
from queries.model.catalogue import INDICATOR_CODES

AS_OF = "2026-05-20 12:00"


def _frames():  # type: ignore[no-untyped-def]
    return world(
        feedback=[
            fb("B1-S1", "2026-03-02 08:00", first_response_at="2026-03-02 09:00"),
            fb("B1-S1", "2026-03-31 23:59:59", closed_at="2026-04-02 10:00"),
            fb("B1-S2", "2026-04-01 00:00", first_response_at="2026-04-03 00:00"),
            fb("B2", "2026-05-19 12:00"),
        ],
        disclosures=[
            dis("B1-S1", "procedures", "2026-03-05", formed_on="2026-03-01"),
            dis("B2", "obligations", "2026-04-30", withdrawn_on="2026-05-02"),
        ],
        supervision=[
            sup("B2", "2026-04-01", rectify_due_on="2026-04-10", rectified_on="2026-04-09")
        ],
    )


def test_each_month_equals_that_months_table() -> None:
    f = _frames()
    months = ["2026-03", "2026-04", "2026-05"]
    series = monthly_series(f, AS_OF, months=months)
    assert series.columns[:5] == ["unit_id", "month", "code", "value", "n"]
    # 5 units x 3 months x 15 indicators
    assert series.height == 5 * 3 * len(INDICATOR_CODES)
    for m in months:
        long = compute_table(f, m, AS_OF).long
        got = series.filter(pl.col("month") == m).select("unit_id", "code", "value", "n")
        expected = long.select("unit_id", "code", "value", "n")
        joined = got.join(expected, on=["unit_id", "code"], suffix="_t")
        assert joined.height == 5 * len(INDICATOR_CODES)
        assert (joined["n"] == joined["n_t"]).all()
        same = (joined["value"] == joined["value_t"]) | (
            joined["value"].is_null() & joined["value_t"].is_null()
        )
        assert same.all(), m


def test_hand_checked_values() -> None:
    s = monthly_series(_frames(), AS_OF, months=["2026-03", "2026-04"], unit_ids=["B1"])
    assert set(s["unit_id"]) == {"B1"}
    resp = {
        r["month"]: (r["value"], r["n"])
        for r in s.filter(pl.col("code") == "R_RESPONSE").to_dicts()
    }
    # March: the 08:00 case responded in 1 h (on time); the 23:59:59 case never -> late: 1/2
    # April: responded after 48 h -> late: 0/1
    assert resp == {"2026-03": (0.5, 2), "2026-04": (0.0, 1)}


def test_default_months_and_scores() -> None:
    months = default_months(datetime(2026, 5, 20, 12))
    assert [str(m) for m in months][:2] == ["2025-06", "2025-07"]
    assert str(months[-1]) == "2026-05" and len(months) == 12
    scores = monthly_scores(_frames(), AS_OF, months=["2026-04"])
    table = compute_table(_frames(), "2026-04", AS_OF).table
    expected = table.select(
        "unit_id", "openness", "responsiveness", "satisfaction", "overall", "rank"
    )
    got = scores.drop("month").sort("unit_id")
    assert got.to_dicts() == expected.to_dicts()


def test_months_must_be_months() -> None:
    with pytest.raises(ValueError, match="not a month"):
        monthly_series(_frames(), AS_OF, months=["2026-Q1"])
