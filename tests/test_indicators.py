"""The indicator table: every number of methodology.md, hand-computed."""

from __future__ import annotations

import polars as pl
import pytest
from indicator_checks import AS_OF, statuses, wilson_by_hand
from indicator_world import dis, fb, row, settings, sup, world

from queries.engine.drilldown import records_behind
from queries.engine.indicators import UnknownUnitError, compute_table, indicator_table
from queries.model.catalogue import table_columns


def test_response_limit_boundaries() -> None:
    f = world(
        feedback=[
            # limit 04-02 08:00, responded exactly at it: on time
            fb("B1-S1", "2026-04-01 08:00", case_id="c1", first_response_at="2026-04-02 08:00"),
            # one second over: late
            fb("B1-S1", "2026-04-01 08:00", case_id="c2", first_response_at="2026-04-02 08:00:01"),
            # no response, limit 04-10 12:00 == as-of: pending (counts nowhere)
            fb("B1-S1", "2026-04-09 12:00", case_id="c3"),
            # no response, limit 04-10 11:59:59 < as-of: late
            fb("B1-S1", "2026-04-09 11:59:59", case_id="c4"),
            # received after as-of: does not exist
            fb("B1-S1", "2026-04-10 12:00:01", case_id="c5"),
            # responded after as-of: treated as no response; limit 04-06 < as-of: late
            fb("B1-S1", "2026-04-05 00:00", case_id="c6", first_response_at="2026-04-10 12:00:01"),
        ]
    )
    r = row(f, "B1-S1", "2026-Q2", AS_OF)
    # on time: c1; late: c2, c4, c6 -> 1 / 4
    assert r["R_RESPONSE"] == 1 / 4
    assert r["R_RESPONSE_n"] == 4
    lo, hi = wilson_by_hand(1, 4)
    assert r["R_RESPONSE_lo"] == pytest.approx(lo, abs=1e-15)
    assert r["R_RESPONSE_hi"] == pytest.approx(hi, abs=1e-15)
    assert statuses(f, "R_RESPONSE", "B1-S1", "2026-Q2", AS_OF) == {
        "c1": "on_time",
        "c2": "late",
        "c3": "pending",
        "c4": "late",
        "c6": "late",
    }
    # the same records seen at 04-10 12:00:00 + 1 s: c3's limit has passed
    r2 = row(f, "B1-S1", "2026-Q2", "2026-04-10 12:00:01")
    # c5 now exists (limit 04-11 12:00:01, pending); c3 late -> 1 / 5
    assert (r2["R_RESPONSE"], r2["R_RESPONSE_n"]) == (1 / 5, 5)


def test_response_hours_setting() -> None:
    f = world(feedback=[fb("B2", "2026-04-01 08:00", first_response_at="2026-04-02 20:00")])
    # 36 h after receipt: late with 24 h, on time with 48 h
    assert row(f, "B2", "2026-Q2", AS_OF)["R_RESPONSE"] == 0.0
    assert row(f, "B2", "2026-Q2", AS_OF, settings(response_hours=48))["R_RESPONSE"] == 1.0


def test_due_boundaries_and_kinds() -> None:
    f = world(
        feedback=[
            # enquiry: due = received + 3 days = 04-10 12:00 == as-of, open: pending
            fb("B2", "2026-04-07 12:00", case_id="e1", kind="enquiry"),
            # enquiry closed exactly at its due 04-10 11:00: on time
            fb(
                "B2", "2026-04-07 11:00", case_id="e2", kind="enquiry", closed_at="2026-04-10 11:00"
            ),
            # explicit due_at, closed one second after: late
            fb(
                "B2",
                "2026-04-02 09:00",
                case_id="e3",
                due_at="2026-04-05 00:00",
                closed_at="2026-04-05 00:00:01",
            ),
            # explicit due_at before as-of, open: late
            fb("B2", "2026-04-01 09:00", case_id="e4", due_at="2026-04-10 11:00"),
            # complaint: due 05-01, closed after as-of (treated as open): pending
            fb("B2", "2026-04-01 09:00", case_id="e5", closed_at="2026-04-20 10:00"),
        ]
    )
    r = row(f, "B2", "2026-Q2", AS_OF)
    # on time: e2; late: e3, e4 -> 1 / 3
    assert (r["R_ONTIME"], r["R_ONTIME_n"]) == (1 / 3, 3)
    assert statuses(f, "R_ONTIME", "B2", "2026-Q2", AS_OF) == {
        "e1": "pending",
        "e2": "on_time",
        "e3": "late",
        "e4": "late",
        "e5": "pending",
    }
    # with 1-day enquiries, e2 (closed after 3 days) is late and e1 (due 04-08) late too
    r1 = row(f, "B2", "2026-Q2", AS_OF, settings(due_days={"enquiry": 1}))
    assert (r1["R_ONTIME"], r1["R_ONTIME_n"]) == (0.0, 4)


def test_reasoned_reply_and_adoption() -> None:
    closed = "2026-04-03 10:00"
    f = world(
        feedback=[
            fb("B2", "2026-04-01", closed_at=closed, reasoned_reply=True),
            fb("B2", "2026-04-01", closed_at=closed, reasoned_reply=True),
            fb("B2", "2026-04-01", closed_at=closed, reasoned_reply=False),
            # unknown counts as not reasoned (share "with reasoned_reply = true")
            fb("B2", "2026-04-01", closed_at=closed),
            # open: not in R_REPLY
            fb("B2", "2026-04-01", reasoned_reply=True),
            fb("B2", "2026-04-01", kind="suggestion", closed_at=closed, outcome="adopted"),
            fb("B2", "2026-04-01", kind="opinion", closed_at=closed, outcome="partly_adopted"),
            fb("B2", "2026-04-01", kind="suggestion", closed_at=closed, outcome="not_adopted"),
            # an answer without an adoption outcome: not in R_ADOPTION
            fb("B2", "2026-04-01", kind="suggestion", closed_at=closed, outcome="answered"),
            # open suggestion: not in R_ADOPTION
            fb("B2", "2026-04-01", kind="suggestion", outcome="adopted"),
        ]
    )
    r = row(f, "B2", "2026-Q2", AS_OF)
    # closed: 4 complaints + 4 suggestions/opinions = 8, reasoned: 2
    assert (r["R_REPLY"], r["R_REPLY_n"]) == (2 / 8, 8)
    # adopted + partly adopted = 2 of 3 with an adoption outcome
    assert (r["R_ADOPTION"], r["R_ADOPTION_n"]) == (2 / 3, 3)


def test_close_days_exact_median_over_the_subtree() -> None:
    f = world(
        feedback=[
            fb("B1-S1", "2026-04-01 00:00", closed_at="2026-04-02 00:00"),  # 1 day
            fb("B1-S1", "2026-04-01 00:00", closed_at="2026-04-11 00:00"),  # 10 days
            fb("B1-S2", "2026-04-01 00:00", closed_at="2026-04-03 00:00"),  # 2 days
            fb("B1-S2", "2026-04-01 00:00", closed_at="2026-04-05 00:00"),  # 4 days
            fb("B1-S2", "2026-04-01 00:00", closed_at="2026-04-01 18:00"),  # 0.75 days
            fb("B1-S2", "2026-04-01 00:00"),  # open: not counted
        ]
    )
    as_of = "2026-05-01"
    # S1: (1 + 10) / 2 = 5.5; S2: 0.75, 2, 4 -> 2
    assert row(f, "B1-S1", "2026-Q2", as_of)["R_CLOSE_DAYS"] == 5.5
    assert row(f, "B1-S2", "2026-Q2", as_of)["R_CLOSE_DAYS"] == 2.0
    # B1: 0.75, 1, 2, 4, 10 -> 2 (not the mean of medians, 3.75)
    r = row(f, "B1", "2026-Q2", as_of)
    assert (r["R_CLOSE_DAYS"], r["R_CLOSE_DAYS_n"]) == (2.0, 5)
    # as of 04-10: the 10-day case is still open -> S1 has one value, 1
    assert row(f, "B1-S1", "2026-Q2", AS_OF)["R_CLOSE_DAYS"] == 1.0
    # B1 as of 04-10: 0.75, 1, 2, 4 -> (1 + 2) / 2 = 1.5
    assert row(f, "B1", "2026-Q2", AS_OF)["R_CLOSE_DAYS"] == 1.5


def test_return_visit_after_as_of_takes_resolved_and_satisfaction() -> None:
    f = world(
        feedback=[
            fb(
                "B2",
                "2026-04-01",
                case_id="v1",
                closed_at="2026-04-03",
                return_visit_at="2026-04-11",
                resolved=True,
                satisfaction="satisfied",
            ),
            fb(
                "B2",
                "2026-04-01",
                case_id="v2",
                closed_at="2026-04-03",
                return_visit_at="2026-04-04",
                resolved=False,
                satisfaction="dissatisfied",
            ),
        ]
    )
    r = row(f, "B2", "2026-Q2", AS_OF)
    # v1's visit (04-11) is after as-of: closed but not visited
    assert (r["S_RETURN_VISIT"], r["S_RETURN_VISIT_n"]) == (1 / 2, 2)
    assert (r["S_SATISFACTION"], r["S_SATISFACTION_n"]) == (0.0, 1)
    assert (r["S_RESOLVED"], r["S_RESOLVED_n"]) == (0.0, 1)
    later = row(f, "B2", "2026-Q2", "2026-04-11")
    assert (later["S_SATISFACTION"], later["S_SATISFACTION_n"]) == (1 / 2, 2)
    assert (later["S_RESOLVED"], later["S_RESOLVED_n"]) == (1 / 2, 2)


def test_satisfaction_weight_and_repeats() -> None:
    visit = {"closed_at": "2026-04-02", "return_visit_at": "2026-04-03"}
    f = world(
        feedback=[
            fb("B2", "2026-04-01", case_id="s1", satisfaction="satisfied", **visit),
            fb("B2", "2026-04-01", case_id="s2", satisfaction="basically_satisfied", **visit),
            fb("B2", "2026-04-01", case_id="s3", satisfaction="basically_satisfied", **visit),
            fb("B2", "2026-04-01", case_id="s4", satisfaction="dissatisfied", **visit),
            # visited, not rated: not in S_SATISFACTION
            fb("B2", "2026-04-01", case_id="s5", repeat_of="s1", **visit),
        ]
    )
    assert row(f, "B2", "2026-Q2", AS_OF)["S_SATISFACTION"] == (1 + 1.0 * 2) / 4
    r = row(f, "B2", "2026-Q2", AS_OF, settings(basically_satisfied_weight=0.9))
    # (1 + 0.9 x 2) / 4 = 0.7
    assert r["S_SATISFACTION"] == pytest.approx(0.7, abs=1e-15)
    lo, hi = wilson_by_hand(2.8, 4)
    assert r["S_SATISFACTION_lo"] == pytest.approx(lo, abs=1e-15)
    assert r["S_SATISFACTION_hi"] == pytest.approx(hi, abs=1e-15)
    # repeats: 1 of 5 received
    assert (r["S_REPEAT"], r["S_REPEAT_n"]) == (1 / 5, 5)


def test_coverage_live_disclosures_and_withdrawals() -> None:
    f = world(
        disclosures=[
            # withdrawn the day before Q2 starts: not live in Q2
            dis("B1-S1", "procedures", "2026-01-10", withdrawn_on="2026-03-31"),
            # withdrawn on the first day: not withdrawn *before* the start: live
            dis("B1-S1", "powers_duties", "2026-01-10", withdrawn_on="2026-04-01"),
            # published on the last day: live
            dis("B1-S1", "obligations", "2026-06-30"),
            # published after the end: not live
            dis("B1-S1", "rights_remedies", "2026-07-01"),
            # not in the window catalogue
            dis("B1-S1", "traffic_notices", "2026-04-01"),
            # a child's disclosure never covers its parent's own catalogue
            dis("B1-S2", "complaint_channels", "2026-04-01"),
        ]
    )
    as_of = "2026-07-15"
    s1 = row(f, "B1-S1", "2026-Q2", as_of)
    # window: 7 mandatory, covered powers_duties and obligations
    assert (s1["O_COVERAGE"], s1["O_COVERAGE_n"]) == (2 / 7, 7)
    s2 = row(f, "B1-S2", "2026-Q2", as_of)
    assert (s2["O_COVERAGE"], s2["O_COVERAGE_n"]) == (1 / 7, 7)
    b1 = row(f, "B1", "2026-Q2", as_of)
    # B1 (comprehensive, 9) + S1 (7) + S2 (7) = 23; covered 0 + 2 + 1 = 3
    assert (b1["O_COVERAGE"], b1["O_COVERAGE_n"]) == (3 / 23, 23)
    b = row(f, "B", "2026-Q2", as_of)
    # + B (management, 7) + B2 (comprehensive, 9) = 39
    assert (b["O_COVERAGE"], b["O_COVERAGE_n"]) == (3 / 39, 39)
    # as of 04-10 the obligations disclosure does not exist yet
    assert row(f, "B1-S1", "2026-Q2", AS_OF)["O_COVERAGE"] == 1 / 7
    cov = records_behind(f, "O_COVERAGE", "B1-S1", "2026-Q2", as_of)
    assert cov.filter(pl.col("status") == "covered")["category"].sort().to_list() == [
        "obligations",
        "powers_duties",
    ]
    assert cov.height == 7


def test_catalogue_setting_changes_coverage() -> None:
    f = world(disclosures=[dis("B1-S1", "procedures", "2026-04-01")])
    s = settings(catalogue={"window": ["procedures", "statistics"]})
    r = row(f, "B1-S1", "2026-Q2", AS_OF, s)
    assert (r["O_COVERAGE"], r["O_COVERAGE_n"]) == (1 / 2, 2)


def test_timely_across_spring_festival_2026() -> None:
    f = world(
        disclosures=[
            # (02-06, 03-12]: 20 working days (holiday 02-15..23, Saturdays 02-14, 02-28 worked)
            dis("B2", "procedures", "2026-03-12", disclosure_id="t1", formed_on="2026-02-06"),
            # 21 working days: late
            dis("B2", "procedures", "2026-03-13", disclosure_id="t2", formed_on="2026-02-06"),
            # no formed_on: not counted
            dis("B2", "procedures", "2026-03-13", disclosure_id="t3"),
        ]
    )
    r = row(f, "B2", "2026-Q1", "2026-04-01")
    assert (r["O_TIMELY"], r["O_TIMELY_n"]) == (1 / 2, 2)
    assert statuses(f, "O_TIMELY", "B2", "2026-Q1", "2026-04-01") == {
        "t1": "on_time",
        "t2": "late",
        "t3": "no_formed_on",
    }
    # a settings holiday on 03-10 makes t2 20 working days too
    r2 = row(f, "B2", "2026-Q1", "2026-04-01", settings(holidays=["2026-03-10"]))
    assert r2["O_TIMELY"] == 1.0
    # a 21-day deadline as well
    r3 = row(f, "B2", "2026-Q1", "2026-04-01", settings(disclosure_deadline_workdays=21))
    assert r3["O_TIMELY"] == 1.0


def test_calendar_incomplete_is_reported() -> None:
    f = world(disclosures=[dis("B2", "procedures", "2027-01-08", formed_on="2026-12-20")])
    res = compute_table(f, "2027-01", "2027-02-01")
    # chinese_calendar 1.11 covers 2004..2026: the 2027 days are Mon-Fri
    assert res.calendar_complete is False
    assert compute_table(f, "2026-12", "2027-02-01").calendar_complete is True


def test_depth_terms_and_channels() -> None:
    q = "2026-04-02"
    f = world(
        disclosures=[
            # B1-S1: R = 2, P = 4, G = B = 0 -> term(R, P) = 0.5, term(G, B) undefined
            dis("B1-S1", "case_progress", q),
            dis("B1-S1", "enforcement_results", q, channel="press"),
            *[dis("B1-S1", "procedures", q) for _ in range(4)],
            # B1-S2: R = 1, P = 0 -> 1; G = 0, B = 2 -> 0; mean 0.5
            dis("B1-S2", "case_progress", q),
            dis("B1-S2", "obligations", q),
            dis("B1-S2", "obligations", q, channel="print"),
            # B2: only statistics: both terms undefined -> null
            dis("B2", "statistics", q),
        ]
    )
    s1 = row(f, "B1-S1", "2026-Q2", AS_OF)
    assert (s1["O_DEPTH"], s1["O_DEPTH_n"]) == (0.5, 6)
    assert (s1["O_CHANNELS"], s1["O_CHANNELS_n"]) == (2 / 8, 6)
    s2 = row(f, "B1-S2", "2026-Q2", AS_OF)
    assert (s2["O_DEPTH"], s2["O_DEPTH_n"]) == (0.5, 3)
    b2 = row(f, "B2", "2026-Q2", AS_OF)
    assert b2["O_DEPTH"] is None and b2["O_DEPTH_n"] == 1
    assert b2["O_CHANNELS"] == 1 / 8
    # B1: R = 3, P = 4 -> 0.75; G = 0, B = 2 -> 0; mean 0.375
    b1 = row(f, "B1", "2026-Q2", AS_OF)
    assert (b1["O_DEPTH"], b1["O_DEPTH_n"]) == (0.375, 9)
    # channels website, press, print over B1's subtree
    assert b1["O_CHANNELS"] == 3 / 8
    # rights only: G = 3, B = 0 -> 1
    f2 = world(disclosures=[dis("B2", "rights_remedies", q) for _ in range(3)])
    assert row(f2, "B2", "2026-Q2", AS_OF)["O_DEPTH"] == 1.0


def test_rectify_and_supervision_public() -> None:
    f = world(
        supervision=[
            sup(
                "B2",
                "2026-04-01",
                item_id="i1",
                rectify_due_on="2026-04-20",
                rectified_on="2026-04-08",
            ),
            sup(
                "B2",
                "2026-04-01",
                item_id="i2",
                rectify_due_on="2026-04-05",
                rectified_on="2026-04-06",
            ),
            # due before as-of, not rectified: late
            sup("B2", "2026-04-01", item_id="i3", rectify_due_on="2026-04-05"),
            # due 04-11: pending
            sup("B2", "2026-04-01", item_id="i4", rectify_due_on="2026-04-11"),
            # rectified after as-of: treated as not rectified; due 04-05: late
            sup(
                "B2",
                "2026-04-01",
                item_id="i5",
                rectify_due_on="2026-04-05",
                rectified_on="2026-04-12",
            ),
            # no deadline: not counted
            sup("B2", "2026-04-01", item_id="i6"),
            # opened in Q1: not in Q2's R_RECTIFY, but rectified in Q2 with its result published
            sup(
                "B2",
                "2026-03-01",
                item_id="i7",
                rectify_due_on="2026-04-30",
                rectified_on="2026-04-02",
                result_published_on="2026-04-03",
            ),
            # opened after as-of: does not exist
            sup("B2", "2026-04-11", item_id="i8", rectify_due_on="2026-04-12"),
        ]
    )
    r = row(f, "B2", "2026-Q2", AS_OF)
    # on time i1; late i2, i3, i5 -> 1 / 4
    assert (r["R_RECTIFY"], r["R_RECTIFY_n"]) == (1 / 4, 4)
    assert statuses(f, "R_RECTIFY", "B2", "2026-Q2", AS_OF) == {
        "i1": "on_time",
        "i2": "late",
        "i3": "late",
        "i4": "pending",
        "i5": "late",
        "i6": "no_due_date",
    }
    # rectified in Q2 (by as-of): i1, i2, i7; published: i7 -> 1 / 3
    assert (r["O_SUPERVISION_PUBLIC"], r["O_SUPERVISION_PUBLIC_n"]) == (1 / 3, 3)


def test_rectify_due_on_the_as_of_day() -> None:
    f = world(supervision=[sup("B2", "2026-04-01", rectify_due_on="2026-04-10")])
    # dates are instants at 00:00: due 04-10 00:00 == as-of 04-10 00:00 -> pending
    assert row(f, "B2", "2026-Q2", "2026-04-10")["R_RECTIFY_n"] == 0
    # ... and < as-of 04-10 12:00 -> late
    r = row(f, "B2", "2026-Q2", AS_OF)
    assert (r["R_RECTIFY"], r["R_RECTIFY_n"]) == (0.0, 1)


def test_no_records_gives_nulls_not_errors() -> None:
    t = indicator_table(world(), "2026-Q2", AS_OF)
    assert t.columns == list(table_columns())
    assert t["unit_id"].to_list() == ["B", "B1", "B1-S1", "B1-S2", "B2"]
    for code in ("O_TIMELY", "R_RESPONSE", "S_REPEAT", "R_CLOSE_DAYS", "O_DEPTH"):
        assert t[code].null_count() == 5
        assert t[f"{code}_n"].to_list() == [0] * 5
    assert t["O_TIMELY_lo"].null_count() == 5
    # coverage still has a denominator: 0 covered of the catalogue
    assert t["O_COVERAGE"].to_list() == [0.0] * 5
    assert t["overall"].null_count() == 5 and t["rank"].null_count() == 5
    assert t["rank_change"].null_count() == 5


def test_branch_rate_is_sums_not_average_of_rates() -> None:
    ok = "2026-04-01 09:00"
    f = world(
        feedback=[
            fb("B1-S1", "2026-04-01 08:00", first_response_at=ok),
            fb("B1-S2", "2026-04-01 08:00", first_response_at=ok),
            fb("B1-S2", "2026-04-01 08:00", first_response_at="2026-04-03"),
            fb("B1-S2", "2026-04-01 08:00", first_response_at="2026-04-03"),
            # the branch's own case
            fb("B1", "2026-04-01 08:00", first_response_at="2026-04-03"),
        ]
    )
    t = indicator_table(f, "2026-Q2", AS_OF, unit_id="B1")
    assert t["unit_id"].to_list() == ["B1", "B1-S1", "B1-S2"]
    got = dict(zip(t["unit_id"], zip(t["R_RESPONSE"], t["R_RESPONSE_n"], strict=True), strict=True))
    # S1 1/1, S2 1/3; B1 = (0 + 1 + 1) / (1 + 1 + 3) = 2/5 (average of rates would differ)
    assert got == {"B1": (2 / 5, 5), "B1-S1": (1.0, 1), "B1-S2": (1 / 3, 3)}


def test_unknown_unit() -> None:
    with pytest.raises(UnknownUnitError, match="B9"):
        indicator_table(world(), "2026-Q2", AS_OF, unit_id="B9")
