"""Breakdowns for the dashboard's topic pages: the same statuses as the indicator
table, grouped differently. Expectations worked out by hand below."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries.engine import breakdowns
from queries.engine.classify import classify
from queries.engine.indicators import compute_buckets, indicator_table
from queries.engine.scoring import wilson_interval
from queries.engine.series import monthly_scores, monthly_series
from queries.model.periods import Period
from queries.model.settings import Settings
from queries.model.tree import Tree
from queries.model.workdays import WorkdayCalendar
from queries.store.schemas import make_frames

SETTINGS = Settings()
PERIOD = Period.parse("2026-03")
AS_OF = datetime(2026, 4, 30, 12, 0)

UNITS = [
    {"unit_id": "HQ", "name": "市局", "level": "bureau", "kind": "management"},
    {
        "unit_id": "B1",
        "name": "一分局",
        "parent_id": "HQ",
        "level": "branch",
        "kind": "comprehensive",
    },
    {"unit_id": "S1", "name": "一所", "parent_id": "B1", "level": "station", "kind": "window"},
]


def fb(case: str, unit: str, channel: str, kind: str = "complaint", **kw: object) -> dict:
    return {"case_id": case, "unit_id": unit, "kind": kind, "channel": channel, **kw}


FEEDBACK = [
    # hotline: two rated, one satisfied, one dissatisfied
    fb(
        "F1",
        "S1",
        "hotline",
        received_at="2026-03-02 09:00",
        closed_at="2026-03-03 09:00",
        return_visit_at="2026-03-05 10:00",
        satisfaction="satisfied",
        resolved=True,
    ),
    fb(
        "F2",
        "B1",
        "hotline",
        received_at="2026-03-04 09:00",
        closed_at="2026-03-20 09:00",
        return_visit_at="2026-03-21 10:00",
        satisfaction="dissatisfied",
        resolved=False,
    ),
    # deputy: one rated, basically satisfied (weight 1.0 by default)
    fb(
        "F3",
        "S1",
        "deputy",
        received_at="2026-03-10 09:00",
        closed_at="2026-03-12 21:00",
        return_visit_at="2026-03-13 10:00",
        satisfaction="basically_satisfied",
    ),
    # still open at as-of, due 2026-04-07 09:00 (30 days): overdue by 23.125 days
    fb("F4", "S1", "online", received_at="2026-03-08 09:00"),
    # an enquiry, due after 3 days, still open: received 2026-04-29 09:00 -> not overdue
    fb("F5", "HQ", "mailbox", kind="enquiry", received_at="2026-04-29 09:00"),
]

DISCLOSURES = [
    # the station (window) must disclose 7 categories; it has 2 live in March
    {
        "disclosure_id": "D1",
        "unit_id": "S1",
        "category": "procedures",
        "channel": "website",
        "formed_on": "2026-03-02",
        "published_on": "2026-03-04",
    },
    {
        "disclosure_id": "D2",
        "unit_id": "S1",
        "category": "powers_duties",
        "channel": "website",
        "formed_on": "2026-02-02",
        "published_on": "2026-03-06",
    },
    {
        "disclosure_id": "D3",
        "unit_id": "B1",
        "category": "case_progress",
        "channel": "new_media",
        "published_on": "2026-03-10",
    },
]

SUPERVISION = [
    {
        "item_id": "V1",
        "unit_id": "S1",
        "source": "inspectorate",
        "opened_on": "2026-03-03",
        "rectify_due_on": "2026-03-20",
        "rectified_on": "2026-03-18",
        "result_published_on": "2026-03-25",
    },
    {
        "item_id": "V2",
        "unit_id": "B1",
        "source": "npc_deputy",
        "opened_on": "2026-03-05",
        "rectify_due_on": "2026-03-31",
    },
    {"item_id": "V3", "unit_id": "S1", "source": "media", "opened_on": "2026-03-09"},
]


@pytest.fixture(scope="module")
def frames():  # type: ignore[no-untyped-def]
    return make_frames(UNITS, DISCLOSURES, FEEDBACK, SUPERVISION)


@pytest.fixture(scope="module")
def classified(frames):  # type: ignore[no-untyped-def]
    return classify(frames, [PERIOD], AS_OF, SETTINGS)


def test_rate_by_channel_adds_up_to_the_table(frames, classified) -> None:  # type: ignore[no-untyped-def]
    everything = ["HQ", "B1", "S1"]
    result = breakdowns.rate_by(classified, "S_SATISFACTION", everything, "channel", SETTINGS)
    lo2, hi2 = wilson_interval(1, 2)  # hotline: 1 of 2 satisfied
    lo1, hi1 = wilson_interval(1, 1)  # deputy: 1 basically satisfied, weight 1.0
    expected = pl.DataFrame(
        {
            "channel": ["hotline", "deputy"],
            "num": [1.0, 1.0],
            "n": [2, 1],
            "value": [0.5, 1.0],
            "lo": [lo2, lo1],
            "hi": [hi2, hi1],
        }
    )
    assert_frame_equal(result, expected, check_dtypes=False)
    table = indicator_table(frames, PERIOD, AS_OF, SETTINGS).filter(pl.col("unit_id") == "HQ")
    # 2 of 3 rated, the table's n is the groups' n summed
    assert table["S_SATISFACTION_n"][0] == 3 == result["n"].sum()
    assert table["S_SATISFACTION"][0] == pytest.approx(2 / 3)


def test_channel_rates_keep_channels_without_cases(classified) -> None:  # type: ignore[no-untyped-def]
    result = breakdowns.channel_rates(
        classified, ["R_REPLY"], ["HQ", "B1", "S1"], ["deputy", "supervisor"], SETTINGS
    )
    # deputy: F3 closed, reasoned_reply unknown -> not reasoned: 0 of 1; supervisor: none
    assert result.select("channel", "code", "num", "n", "value").rows() == [
        ("deputy", "R_REPLY", 0.0, 1, 0.0),
        ("supervisor", "R_REPLY", None, 0, None),
    ]


def test_open_cases_at_the_as_of(frames) -> None:  # type: ignore[no-untyped-def]
    backlog = classify(frames, [Period.parse("2026-01-01..2026-04-30")], AS_OF, SETTINGS)
    cases = breakdowns.open_cases(backlog, ["HQ", "B1", "S1"], AS_OF)
    assert cases["case_id"].to_list() == ["F4", "F5"]
    # F4: received 03-08 09:00, as-of 04-30 12:00 -> 53 days 3 h = 53.125 days; due
    # 04-07 09:00 -> overdue by 23 days 3 h = 23.125 days
    f4 = cases.row(0, named=True)
    assert f4["age_days"] == pytest.approx(53.125)
    assert f4["overdue"] is True
    assert f4["overdue_days"] == pytest.approx(23.125)
    # F5: an enquiry received 04-29 09:00, due 05-02 09:00: 1 day 3 h old, not overdue
    f5 = cases.row(1, named=True)
    assert f5["age_days"] == pytest.approx(1.125)
    assert f5["overdue"] is False
    assert f5["overdue_days"] is None
    classes = breakdowns.age_classes(cases)
    assert classes.rows() == [
        (0, 7, 1, 0),  # F5
        (8, 15, 0, 0),
        (16, 30, 0, 0),
        (31, 60, 1, 1),  # F4, overdue
        (61, 90, 0, 0),
        (91, None, 0, 0),
    ]


def test_close_days_and_publish_workdays(classified) -> None:  # type: ignore[no-untyped-def]
    days = breakdowns.close_days(classified, ["HQ", "B1", "S1"]).sort().to_list()
    # F1 1 day, F3 2.5 days, F2 16 days
    assert days == [1.0, 2.5, 16.0]
    # D1 formed Mon 03-02, published Wed 03-04: 2 working days (03-03, 03-04). D2 spans
    # the Spring Festival, counted by the official calendar. D3 (B1) has no formed_on
    # and is not in the population; B1 is not in the subtree asked for anyway.
    from datetime import date

    d2 = WorkdayCalendar.from_settings(SETTINGS).count(date(2026, 2, 2), date(2026, 3, 6))
    assert d2 < 25  # fewer than the 25 weekdays: the holidays are out
    workdays = breakdowns.publish_workdays(classified, ["S1"]).sort().to_list()
    assert workdays == sorted([2, d2])
    assert breakdowns.publish_workdays(classified, ["B1"]).to_list() == []


def test_coverage_matrix_and_missing_categories(classified) -> None:  # type: ignore[no-untyped-def]
    tree = Tree.from_units(make_frames(UNITS).units)
    cats = ["procedures", "powers_duties", "statistics", "case_progress"]
    matrix = breakdowns.coverage_matrix(
        classified, {u: tree.subtree(u) for u in ("B1", "S1")}, cats
    )
    # S1 (window): procedures and powers_duties covered; statistics and case_progress are
    # not in a window unit's catalogue -> null.
    # B1 (comprehensive) with S1: procedures: B1 missing, S1 covered -> 1/2; powers_duties
    # the same; case_progress: B1 covered (D3), S1 not mandatory -> 1/1; statistics: none.
    expected = pl.DataFrame(
        {
            "unit_id": ["B1", "S1"],
            "procedures": [0.5, 1.0],
            "powers_duties": [0.5, 1.0],
            "statistics": [None, None],
            "case_progress": [1.0, None],
        },
        schema={"unit_id": pl.String, **{c: pl.Float64 for c in cats}},
    )
    assert_frame_equal(matrix, expected)
    missing = breakdowns.missing_categories(classified, ["S1"])
    # window catalogue: powers_duties, procedures, obligations, rights_remedies,
    # convenience_measures, complaint_channels, units_contacts; 2 covered -> 5 missing
    assert missing["category"].to_list() == sorted(
        [
            "obligations",
            "rights_remedies",
            "convenience_measures",
            "complaint_channels",
            "units_contacts",
        ]
    )


def test_supervision_by_source(classified) -> None:  # type: ignore[no-untyped-def]
    result = breakdowns.supervision_by_source(classified, ["HQ", "B1", "S1"])
    rows = {r["source"]: r for r in result.iter_rows(named=True)}
    assert rows["inspectorate"] | {} == {
        "source": "inspectorate",
        "internal": True,
        "opened": 1,
        "on_time": 1,
        "late": 0,
        "pending": 0,
        "no_due_date": 0,
        "rectified": 1,
        "published": 1,
        "not_published": 0,
    }
    # V2: due 03-31, not rectified by 04-30 -> late; V3: no deadline
    assert (rows["npc_deputy"]["late"], rows["npc_deputy"]["internal"]) == (1, False)
    assert rows["media"]["no_due_date"] == 1
    # internal sources first
    assert result["internal"].to_list() == [True, False, False]
    items = breakdowns.supervision_items(classified, ["S1"])
    assert items["item_id"].to_list() == ["V3", "V1"]  # latest opened first


def test_monthly_long_matches_the_engines_series(frames) -> None:  # type: ignore[no-untyped-def]

    months = ["2026-02", "2026-03", "2026-04"]
    wide = compute_buckets(frames, [Period.parse(m) for m in months], AS_OF, SETTINGS).wide
    long = breakdowns.monthly_long(wide, months)
    series = monthly_series(frames, AS_OF, SETTINGS, None, months).select(
        "unit_id", "month", "code", "value"
    )
    joined = series.join(long, on=["unit_id", "month", "code"], how="left")
    assert joined.height == series.height
    assert joined.filter(pl.col("value").is_null() != pl.col("value_right").is_null()).is_empty()
    assert joined.filter((pl.col("value") - pl.col("value_right")).abs() > 1e-12).is_empty()
    scores = monthly_scores(frames, AS_OF, SETTINGS, None, months)
    overall = long.filter(pl.col("code") == "overall").sort("unit_id", "month")
    assert overall["value"].to_list() == scores.sort("unit_id", "month")["overall"].to_list()


def test_peer_median() -> None:
    series = pl.DataFrame(
        {
            "unit_id": ["A", "B", "C", "A", "B", "C"],
            "month": ["2026-01"] * 3 + ["2026-02"] * 3,
            "code": ["R_ONTIME"] * 6,
            "value": [0.5, 0.7, 0.9, 0.4, None, 0.8],
        }
    )
    result = breakdowns.peer_median(series, ["A", "B", "C"], "R_ONTIME")
    # January: median of 0.5, 0.7, 0.9 = 0.7; February: of 0.4, 0.8 = 0.6 (B has none)
    assert result.rows() == [("2026-01", 0.7, 3), ("2026-02", pytest.approx(0.6), 2)]
