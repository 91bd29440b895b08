"""Scores, intervals and ranks (queries/engine/scoring.py), hand-computed: Wilson
intervals, competition ranks with ties, rank change, dimension scores, weights from a
settings file, results kept per frames."""

from __future__ import annotations

import math

import polars as pl
import pytest
from indicator_checks import AS_OF
from indicator_world import WINDOW, dis, fb, row, settings, world

from queries.engine.indicators import compute_table, indicator_table
from queries.engine.scoring import competition_rank, wilson_interval
from queries.model.catalogue import WILSON_Z
from queries.model.settings import load_settings
from queries.store.schemas import make_frames


def test_wilson_known_values() -> None:
    z = WILSON_Z
    # 0 of 1: lo = 0, hi = z^2 / (1 + z^2)
    lo, hi = wilson_interval(0, 1)  # type: ignore[misc]
    assert lo == 0.0 and hi == pytest.approx(z * z / (1 + z * z), abs=1e-15)
    # 5 of 10: symmetric about 0.5
    lo, hi = wilson_interval(5, 10)  # type: ignore[misc]
    assert lo + hi == pytest.approx(1.0, abs=1e-15)
    # half = z sqrt(0.025 + z^2/400) / (1 + z^2/10) = 1.959964 x 0.1860204 / 1.3841459
    assert hi == pytest.approx(0.5 + 1.959964 * math.sqrt(0.025 + z * z / 400) / (1 + z * z / 10))
    assert hi == pytest.approx(0.7634069, abs=1e-7)
    assert wilson_interval(0, 0) is None


def _covered(unit: str, n: int, published: str = "2026-01-05") -> list[dict[str, object]]:
    return [dis(unit, c, published) for c in WINDOW[:n]]


FOUR_STATIONS = [
    {"unit_id": "B", "name": "局", "level": "bureau", "kind": "management"},
    {"unit_id": "B1", "name": "分局", "parent_id": "B", "level": "branch", "kind": "window"},
    *[
        {
            "unit_id": f"S{i}",
            "name": f"所{i}",
            "parent_id": "B1",
            "level": "station",
            "kind": "window",
        }
        for i in range(1, 5)
    ],
]


COVERAGE_ONLY = {
    "weights": {
        "openness": {"O_COVERAGE": 1},
        "overall": {"openness": 1, "responsiveness": 0, "satisfaction": 0},
    }
}


def test_competition_ranking_with_ties() -> None:
    f = world(
        units=FOUR_STATIONS,
        disclosures=[*_covered("S1", 7), *_covered("S2", 7), *_covered("S4", 3)],
    )
    t = indicator_table(f, "2026-Q1", "2026-04-01", settings(**COVERAGE_ONLY))
    got = dict(zip(t["unit_id"], zip(t["overall"], t["rank"], strict=True), strict=True))
    # stations: 7/7, 7/7, 0/7, 3/7 -> 100, 100, 0, 42.857 -> ranks 1, 1, 4, 3
    assert got["S1"] == (100.0, 1) and got["S2"] == (100.0, 1)
    assert got["S3"] == (0.0, 4)
    assert got["S4"] == (pytest.approx(300 / 7), 3)
    # B1 alone among branches, B alone among bureaus
    assert got["B1"][1] == 1 and got["B"][1] == 1


def test_ties_within_1e_9() -> None:
    import numpy as np

    scores = np.array([50.0, 50.0 + 5e-10, 49.0, 50.0 - 2e-9])
    # 50 and 50+5e-10 tie; 50-2e-9 is beaten by both (by more than 1e-9)
    assert competition_rank(scores).tolist() == [1, 1, 4, 3]


def test_rank_change_across_a_quarter_boundary() -> None:
    f = world(
        units=FOUR_STATIONS,
        disclosures=[
            # Q1: S1 7/7 (withdrawn mid-March, gone in Q2); S2 3/7
            *[dis("S1", c, "2026-01-05", withdrawn_on="2026-03-15") for c in WINDOW],
            *_covered("S2", 3),
            # Q2: S2 publishes everything, S3 one category
            *_covered("S2", 7, "2026-04-02"),
            *_covered("S3", 1, "2026-04-02"),
        ],
    )
    s = settings(**COVERAGE_ONLY)
    q1 = indicator_table(f, "2026-Q1", "2026-07-01", s)
    q2 = indicator_table(f, "2026-Q2", "2026-07-01", s)
    r1 = dict(zip(q1["unit_id"], q1["rank"], strict=True))
    r2 = dict(zip(q2["unit_id"], q2["rank"], strict=True))
    # Q1: S1 100 (1), S2 42.9 (2), S3 0 and S4 0 (3, 3)
    assert [r1[u] for u in ("S1", "S2", "S3", "S4")] == [1, 2, 3, 3]
    # Q2: S2 100 (1), S3 14.3 (2), S1 0 and S4 0 (3, 3)
    assert [r2[u] for u in ("S1", "S2", "S3", "S4")] == [3, 1, 2, 3]
    change = dict(zip(q2["unit_id"], q2["rank_change"], strict=True))
    # previous rank - rank now
    assert change == {"B": 0, "B1": 0, "S1": 1 - 3, "S2": 2 - 1, "S3": 3 - 2, "S4": 0}


def test_dimension_scores_insufficient_and_incomplete_units() -> None:
    responded = {"first_response_at": "2026-04-01 09:00"}
    f = world(
        disclosures=[
            *_covered("B1-S1", 2, "2026-04-02"),
            dis("B1-S1", "statistics", "2026-04-03", formed_on="2026-04-01"),
        ],
        feedback=[fb("B1-S1", "2026-04-01 08:00", **responded) for _ in range(10)],
    )
    r = row(f, "B1-S1", "2026-Q2", AS_OF)
    # O_TIMELY 1/1 has n = 1 < 10: insufficient, left out; coverage is exempt
    assert r["O_TIMELY"] == 1.0
    assert r["openness"] == pytest.approx(100 * 2 / 7, abs=1e-12)
    # R_RESPONSE 10/10 (n = 10, enough); R_ONTIME pending (complaints due 05-01)
    assert r["responsiveness"] == 100.0
    # satisfaction: nothing closed -> no score -> overall null, not ranked
    assert r["satisfaction"] is None
    assert r["overall"] is None and r["rank"] is None
    # with min_sample 1 every indicator with n >= 1 counts:
    # O_TIMELY 1/1; O_DEPTH: R = 0, P = 1 (procedures) -> term 0, G = B = 0 undefined -> 0;
    # O_CHANNELS: website only -> 1/8; O_SUPERVISION_PUBLIC: n = 0, no value
    r1 = row(f, "B1-S1", "2026-Q2", AS_OF, settings(min_sample=1))
    assert (r1["O_DEPTH"], r1["O_CHANNELS"]) == (0.0, 1 / 8)
    expected = (
        100 * (0.30 * 2 / 7 + 0.25 * 1 + 0.20 * 0 + 0.10 * 1 / 8) / (0.30 + 0.25 + 0.20 + 0.10)
    )
    assert r1["openness"] == pytest.approx(expected, abs=1e-12)
    info = compute_table(f, "2026-Q2", AS_OF).long.filter(pl.col("unit_id") == "B1-S1")
    insufficient = sorted(info.filter(pl.col("insufficient"))["code"].to_list())
    # n < 10 (n = 0 included), O_COVERAGE exempt; R_RESPONSE has n = 10
    assert "O_COVERAGE" not in insufficient and "R_RESPONSE" not in insufficient
    assert {"O_TIMELY", "O_DEPTH", "O_CHANNELS", "S_SATISFACTION"} <= set(insufficient)
    in_score = sorted(info.filter(pl.col("in_score"))["code"].to_list())
    assert in_score == ["O_COVERAGE", "R_RESPONSE"]


def test_settings_file_with_other_weights(tmp_path) -> None:  # type: ignore[no-untyped-def]

    responded = {"first_response_at": "2026-04-01 09:00", "closed_at": "2026-04-02 09:00"}
    visit = {"return_visit_at": "2026-04-03", "satisfaction": "satisfied", "resolved": False}
    f = world(
        disclosures=_covered("B1-S1", 7, "2026-04-02"),
        feedback=[fb("B1-S1", "2026-04-01 08:00", **responded, **visit) for _ in range(10)],
    )
    # defaults: openness = 100 (coverage 7/7 only); responsiveness: R_RESPONSE 1, R_ONTIME 1,
    # R_REPLY 0 (no reasoned reply) -> 100 x (0.3 + 0.3 + 0) / 0.8 = 75;
    # satisfaction: S_SATISFACTION 1, S_RESOLVED 0, S_RETURN_VISIT 1 -> 100 x 0.7 / 1.0 = 70
    r = row(f, "B1-S1", "2026-Q2", AS_OF)
    assert (r["openness"], r["responsiveness"], r["satisfaction"]) == (100.0, 75.0, 70.0)
    assert r["overall"] == pytest.approx((100 + 75 + 70) / 3, abs=1e-12)
    cfg = tmp_path / "weights.toml"
    cfg.write_text(
        "[weights.satisfaction]\nS_RESOLVED = 1\n\n[weights.overall]\n"
        "openness = 1\nresponsiveness = 0\nsatisfaction = 3\n",
        encoding="utf-8",
    )
    r2 = row(f, "B1-S1", "2026-Q2", AS_OF, load_settings(cfg))
    # satisfaction = S_RESOLVED only = 0; overall = (1 x 100 + 3 x 0) / 4 = 25
    assert r2["satisfaction"] == 0.0
    assert r2["responsiveness"] == 75.0
    assert r2["overall"] == 25.0


def test_results_are_kept_per_frames_and_threads_agree() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from polars.testing import assert_frame_equal

    f = world(
        feedback=[
            fb("B1-S1", f"2026-0{m}-02 08:00", first_response_at=f"2026-0{m}-02 09:00")
            for m in range(1, 10)
        ],
        disclosures=[dis("B2", "procedures", "2026-02-02")],
    )
    first = compute_table(f, "2026-Q2", AS_OF)
    assert compute_table(f, "2026-Q2", AS_OF) is first
    # Q1 was computed as Q2's previous period: the same numbers as computing it afresh
    fresh = make_frames(units=f.units, feedback=f.feedback, disclosures=f.disclosures)
    assert_frame_equal(
        compute_table(f, "2026-Q1", AS_OF).table, compute_table(fresh, "2026-Q1", AS_OF).table
    )
    periods = ["2026-01", "2026-02", "2026-03", "2026-Q1", "2026-Q3", "2026", "2025"] * 3
    expected = {
        p: compute_table(make_frames(units=f.units, feedback=f.feedback), p, AS_OF).table
        for p in set(periods)
    }
    shared = make_frames(units=f.units, feedback=f.feedback)
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda p: (p, compute_table(shared, p, AS_OF).table), periods))
    for p, table in got:
        assert_frame_equal(table, expected[p])
