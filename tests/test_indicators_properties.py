"""Properties of the indicator table over generated records (hypothesis)."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from indicator_world import UNITS
from polars.testing import assert_frame_equal

from queries.engine.classify import classify, num_den_exprs
from queries.engine.drilldown import records_behind
from queries.engine.indicators import compute_table
from queries.model.catalogue import INDICATORS
from queries.model.periods import Period
from queries.model.settings import DEFAULT_SETTINGS
from queries.store.schemas import make_frames

PERIOD = "2026-Q2"
AS_OF = datetime(2026, 5, 20, 12, 0)
BASE = datetime(2026, 3, 1)
UNIT_IDS = [u["unit_id"] for u in UNITS]
CHILDREN = {
    u["unit_id"]: [c["unit_id"] for c in UNITS if c.get("parent_id") == u["unit_id"]] for u in UNITS
}

hours = st.integers(min_value=0, max_value=24 * 120)
maybe_hours = st.none() | st.integers(min_value=0, max_value=24 * 60)


@st.composite
def feedback_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for i in range(draw(st.integers(0, 25))):
        rec = BASE + timedelta(hours=draw(hours), seconds=draw(st.sampled_from([0, 1, 59])))
        resp, close, visit = draw(maybe_hours), draw(maybe_hours), draw(maybe_hours)
        closed_at = rec + timedelta(hours=close) if close is not None else None
        visit_at = closed_at + timedelta(hours=visit) if closed_at and visit is not None else None
        rows.append(
            {
                "case_id": f"c{i:03d}",
                "unit_id": draw(st.sampled_from(UNIT_IDS)),
                "kind": draw(st.sampled_from(["complaint", "suggestion", "enquiry", "opinion"])),
                "channel": "hotline",
                "received_at": rec,
                "due_at": draw(st.none() | st.just(rec + timedelta(days=2))),
                "first_response_at": rec + timedelta(hours=resp) if resp is not None else None,
                "closed_at": closed_at,
                "outcome": draw(st.sampled_from([None, "adopted", "not_adopted", "answered"])),
                "reasoned_reply": draw(st.sampled_from([None, True, False])),
                "return_visit_at": visit_at,
                "resolved": draw(st.sampled_from([None, True, False])) if visit_at else None,
                "satisfaction": draw(
                    st.sampled_from([None, "satisfied", "basically_satisfied", "dissatisfied"])
                )
                if visit_at
                else None,
                "repeat_of": draw(st.sampled_from([None, "c000"])),
            }
        )
    return rows


@st.composite
def disclosure_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    cats = ["procedures", "obligations", "rights_remedies", "case_progress", "powers_duties"]
    for i in range(draw(st.integers(0, 20))):
        pub = BASE.date() + timedelta(days=draw(st.integers(-40, 120)))
        formed = draw(st.none() | st.integers(0, 40))
        withdrawn = draw(st.none() | st.integers(1, 90))
        rows.append(
            {
                "disclosure_id": f"d{i:03d}",
                "unit_id": draw(st.sampled_from(UNIT_IDS)),
                "category": draw(st.sampled_from(cats)),
                "channel": draw(st.sampled_from(["website", "press", "print"])),
                "formed_on": pub - timedelta(days=formed) if formed is not None else None,
                "published_on": pub,
                "withdrawn_on": pub + timedelta(days=withdrawn) if withdrawn is not None else None,
            }
        )
    return rows


@st.composite
def supervision_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for i in range(draw(st.integers(0, 10))):
        opened = BASE.date() + timedelta(days=draw(st.integers(0, 120)))
        due = draw(st.none() | st.integers(0, 40))
        done = draw(st.none() | st.integers(0, 60))
        pub = draw(st.none() | st.integers(0, 30))
        rectified = opened + timedelta(days=done) if done is not None else None
        rows.append(
            {
                "item_id": f"i{i:03d}",
                "unit_id": draw(st.sampled_from(UNIT_IDS)),
                "source": "audit",
                "opened_on": opened,
                "rectify_due_on": opened + timedelta(days=due) if due is not None else None,
                "rectified_on": rectified,
                "result_published_on": rectified + timedelta(days=pub)
                if rectified and pub is not None
                else None,
            }
        )
    return rows


def _frames(fb, ds, sv):  # type: ignore[no-untyped-def]
    return make_frames(units=UNITS, feedback=fb, disclosures=ds, supervision=sv)


COMMON = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@COMMON
@given(feedback_rows(), disclosure_rows(), supervision_rows())
def test_parent_counts_are_own_plus_children(fb, ds, sv) -> None:  # type: ignore[no-untyped-def]
    f = _frames(fb, ds, sv)
    table = compute_table(f, PERIOD, AS_OF).table
    by_unit = {r["unit_id"]: r for r in table.to_dicts()}
    # each unit's own records, classified once (the table's classification)
    classified = classify(f, [Period.parse(PERIOD)], AS_OF, DEFAULT_SETTINGS)
    for ind in INDICATORS:
        n = f"{ind.code}_n"
        _num, den = num_den_exprs(ind.code, DEFAULT_SETTINGS)
        own = dict(classified.for_code(ind.code).group_by("unit_id").agg(den.sum()).iter_rows())
        for unit, children in CHILDREN.items():
            expected = own.get(unit, 0) + sum(by_unit[c][n] for c in children)
            assert by_unit[unit][n] == expected, (ind.code, unit)


@COMMON
@given(feedback_rows(), disclosure_rows(), supervision_rows())
def test_drilldown_adds_up_to_the_table(fb, ds, sv) -> None:  # type: ignore[no-untyped-def]
    f = _frames(fb, ds, sv)
    table = compute_table(f, PERIOD, AS_OF).table
    for unit in ("B", "B1"):
        r = table.filter(pl.col("unit_id") == unit).to_dicts()[0]
        for ind in INDICATORS:
            rec = records_behind(f, ind.code, unit, PERIOD, AS_OF)
            assert rec["denominator"].sum() == r[f"{ind.code}_n"], (ind.code, unit)
            if ind.is_rate:
                if r[f"{ind.code}_n"]:
                    value = rec["numerator"].sum() / rec["denominator"].sum()
                    assert abs(value - r[ind.code]) < 1e-12, (ind.code, unit)
                else:
                    assert r[ind.code] is None


@COMMON
@given(feedback_rows(), disclosure_rows(), supervision_rows(), st.randoms())
def test_row_order_and_reruns_change_nothing(fb, ds, sv, rnd) -> None:  # type: ignore[no-untyped-def]
    f = _frames(fb, ds, sv)
    expected = compute_table(f, PERIOD, AS_OF).table
    assert_frame_equal(compute_table(f, PERIOD, AS_OF).table, expected)
    fb2, ds2, sv2, units2 = list(fb), list(ds), list(sv), list(UNITS)
    for rows in (fb2, ds2, sv2, units2):
        rnd.shuffle(rows)
    shuffled = make_frames(units=units2, feedback=fb2, disclosures=ds2, supervision=sv2)
    assert_frame_equal(compute_table(shuffled, PERIOD, AS_OF).table, expected)


@COMMON
@given(feedback_rows(), disclosure_rows(), supervision_rows(), st.sampled_from(UNIT_IDS))
def test_records_after_as_of_change_nothing(fb, ds, sv, unit) -> None:  # type: ignore[no-untyped-def]
    f = _frames(fb, ds, sv)
    expected = compute_table(f, PERIOD, AS_OF).table
    later = AS_OF + timedelta(seconds=1)
    fb2 = [
        *fb,
        {
            "case_id": "late1",
            "unit_id": unit,
            "kind": "complaint",
            "channel": "hotline",
            "received_at": later,
            "closed_at": later + timedelta(hours=1),
        },
    ]
    ds2 = [
        *ds,
        {
            "disclosure_id": "late2",
            "unit_id": unit,
            "category": "procedures",
            "channel": "meeting",
            "published_on": AS_OF.date() + timedelta(days=1),
        },
    ]
    sv2 = [
        *sv,
        {
            "item_id": "late3",
            "unit_id": unit,
            "source": "media",
            "opened_on": AS_OF.date() + timedelta(days=1),
            "rectify_due_on": AS_OF.date() + timedelta(days=1),
        },
    ]
    assert_frame_equal(compute_table(_frames(fb2, ds2, sv2), PERIOD, AS_OF).table, expected)


@COMMON
@given(feedback_rows())
def test_median_of_a_subtree_is_the_median_of_its_records(fb) -> None:  # type: ignore[no-untyped-def]
    """R_CLOSE_DAYS of every unit, by the engine, is statistics.median of the close days
    of the closed cases of its subtree, as the record-level classification (the
    drill-down's) gives them: never a median of the children's medians."""
    f = _frames(fb, [], [])
    table = compute_table(f, PERIOD, AS_OF).table
    cl = classify(f, [Period.parse(PERIOD)], AS_OF, DEFAULT_SETTINGS).feedback
    closed = cl.filter(pl.col("R_CLOSE_DAYS") == "closed")

    def subtree(u: str) -> list[str]:
        return [u] + [d for c in CHILDREN[u] for d in subtree(c)]

    for row in table.iter_rows(named=True):
        days = closed.filter(pl.col("unit_id").is_in(subtree(row["unit_id"])))["close_days"]
        assert row["R_CLOSE_DAYS_n"] == len(days)
        if len(days) == 0:
            assert row["R_CLOSE_DAYS"] is None
        else:
            assert abs(row["R_CLOSE_DAYS"] - statistics.median(days.to_list())) <= 1e-12
