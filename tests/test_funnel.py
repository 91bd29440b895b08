"""Funnel signals (methodology.md "Funnel"): hand-computed cases and properties."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from queries.engine.funnel import FUNNEL_COLUMNS, funnel_frame
from queries.engine.signals import SIGNAL_CODES, favourable

MIN = 10


def _rows(level: str, code: str, cases: list[tuple[str, float | None, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit_id": [u for u, _, _ in cases],
            "level": [level] * len(cases),
            "code": [code] * len(cases),
            "value": [v for _, v, _ in cases],
            "n": [n for _, _, n in cases],
        },
        schema={
            "unit_id": pl.String,
            "level": pl.String,
            "code": pl.String,
            "value": pl.Float64,
            "n": pl.Int64,
        },
    )


def _by_unit(df: pl.DataFrame) -> dict[str, dict[str, object]]:
    return {r["unit_id"]: r for r in df.iter_rows(named=True)}


def test_signal_codes_are_the_catalogues_rates_but_coverage() -> None:
    # cli.md: 11 codes, R_ADOPTION and S_REPEAT included, O_COVERAGE not
    assert SIGNAL_CODES == (
        "O_TIMELY",
        "O_SUPERVISION_PUBLIC",
        "R_RESPONSE",
        "R_ONTIME",
        "R_REPLY",
        "R_RECTIFY",
        "R_ADOPTION",
        "S_SATISFACTION",
        "S_RESOLVED",
        "S_RETURN_VISIT",
        "S_REPEAT",
    )


def test_favourable_follows_the_direction() -> None:
    assert favourable("R_ONTIME", "above") is True
    assert favourable("R_ONTIME", "below") is False
    assert favourable("R_ONTIME", "up") is True
    # S_REPEAT: lower is better
    assert favourable("S_REPEAT", "above") is False
    assert favourable("S_REPEAT", "down") is True
    assert favourable("S_REPEAT", None) is None


def test_alarms_alerts_within_and_a_non_peer() -> None:
    # peers (n >= 10): A 50/100, B 90/100, C 60/100, F 80/100, D 280/400
    # p0 = (50 + 90 + 60 + 80 + 280) / (100 * 4 + 400) = 560 / 800 = 0.7
    # n = 100: sd = sqrt(0.7 * 0.3 / 100) = sqrt(0.0021) = 0.0458258
    #   95%:   0.7 +/- 1.959964 * 0.0458258 = 0.7 +/- 0.0898169 -> [0.6101831, 0.7898169]
    #   99.8%: 0.7 +/- 3.090232 * 0.0458258 = 0.7 +/- 0.1416123 -> [0.5583877, 0.8416123]
    # E: n = 5 < 10, not a peer: target shown, no limits, no signal
    rows = _rows(
        "branch",
        "R_ONTIME",
        [
            ("A", 0.5, 100),
            ("B", 0.9, 100),
            ("C", 0.6, 100),
            ("D", 0.7, 400),
            ("E", 0.2, 5),
            ("F", 0.8, 100),
            ("G", None, 0),
        ],
    )
    out = funnel_frame(rows, MIN)
    assert out.columns == list(FUNNEL_COLUMNS)
    r = _by_unit(out)
    sd = math.sqrt(0.0021)
    assert r["A"]["target"] == pytest.approx(0.7, abs=1e-12)
    assert r["A"]["lo95"] == pytest.approx(0.7 - 1.959964 * sd, abs=1e-12)
    assert r["A"]["lo95"] == pytest.approx(0.6101831, abs=1e-7)
    assert r["A"]["hi998"] == pytest.approx(0.8416123, abs=1e-7)
    # n = 400: sd = sqrt(0.21 / 400) = 0.0229129; 95% half-width 0.0449085
    assert r["D"]["hi95"] == pytest.approx(0.7449085, abs=1e-7)
    got = {u: (r[u]["signal"], r[u]["side"]) for u in r}
    assert got == {
        "A": ("alarm", "below"),
        "B": ("alarm", "above"),
        "C": ("alert", "below"),
        "D": ("within", None),  # exactly on the target: no side
        "E": (None, None),
        "F": ("alert", "above"),
        "G": (None, None),
    }
    assert r["E"]["target"] == pytest.approx(0.7) and r["G"]["target"] == pytest.approx(0.7)
    for u in ("E", "G"):
        assert [r[u][c] for c in ("lo95", "hi95", "lo998", "hi998")] == [None] * 4


def test_fewer_than_three_peers_no_target_no_signal() -> None:
    rows = _rows("station", "R_REPLY", [("S1", 0.1, 50), ("S2", 0.9, 50), ("S3", 0.5, 9)])
    out = funnel_frame(rows, MIN)
    assert out["target"].to_list() == [None, None, None]
    assert out["signal"].to_list() == [None, None, None]
    assert out["lo95"].to_list() == [None, None, None]


def test_target_of_zero_or_one_shows_target_and_limits_but_no_signal() -> None:
    zero = funnel_frame(_rows("l", "S_REPEAT", [(u, 0.0, 20) for u in "abc"]), MIN)
    assert zero["target"].to_list() == [0.0] * 3
    # sd = 0: every limit equals p0
    for c in ("lo95", "hi95", "lo998", "hi998"):
        assert zero[c].to_list() == [0.0] * 3
    assert zero["signal"].to_list() == [None] * 3 and zero["side"].to_list() == [None] * 3
    one = funnel_frame(
        _rows("l", "R_ONTIME", [(u, 1.0, n) for u, n in zip("abc", (10, 30, 12), strict=True)]), MIN
    )
    assert one["target"].to_list() == [1.0] * 3
    assert one["hi998"].to_list() == [1.0] * 3 and one["lo95"].to_list() == [1.0] * 3
    assert one["signal"].to_list() == [None] * 3


def test_limits_clip_at_one_and_at_zero() -> None:
    # p0 = (20 + 20 + 17) / 60 = 0.95; n = 20: sd = sqrt(0.95 * 0.05 / 20) = 0.0487340
    # hi95 = 0.95 + 0.0955168 = 1.0455 -> 1; lo95 = 0.8544832; lo998 = 0.95 - 0.1505993 = 0.7994007
    high = _by_unit(
        funnel_frame(_rows("l", "R_ONTIME", [("a", 1.0, 20), ("b", 1.0, 20), ("c", 0.85, 20)]), MIN)
    )
    assert high["a"]["hi95"] == 1.0 and high["a"]["hi998"] == 1.0
    assert high["a"]["lo95"] == pytest.approx(0.8544832, abs=1e-7)
    assert high["a"]["lo998"] == pytest.approx(0.7994007, abs=1e-7)
    assert (high["a"]["signal"], high["a"]["side"]) == ("within", "above")  # 1.0 is inside
    assert (high["c"]["signal"], high["c"]["side"]) == ("alert", "below")  # 0.85 < 0.8545
    # mirrored: p0 = 3 / 60 = 0.05; lo95 = 0.05 - 0.0955168 -> 0; hi95 = 0.1455168
    low = _by_unit(
        funnel_frame(_rows("l", "S_REPEAT", [("a", 0.0, 20), ("b", 0.0, 20), ("c", 0.15, 20)]), MIN)
    )
    assert low["a"]["lo95"] == 0.0 and low["a"]["lo998"] == 0.0
    assert low["a"]["hi95"] == pytest.approx(0.1455168, abs=1e-7)
    assert (low["c"]["signal"], low["c"]["side"]) == ("alert", "above")
    assert favourable("S_REPEAT", low["c"]["side"]) is False  # more repeats: unfavourable


def test_levels_and_indicators_are_funnelled_apart() -> None:
    a = _rows("branch", "R_ONTIME", [("a", 0.5, 100), ("b", 0.5, 100), ("c", 0.5, 100)])
    b = _rows("station", "R_ONTIME", [("x", 0.2, 100), ("y", 0.2, 100), ("z", 0.2, 100)])
    out = _by_unit(funnel_frame(pl.concat([a, b]), MIN))
    assert out["a"]["target"] == pytest.approx(0.5) and out["x"]["target"] == pytest.approx(0.2)


counts = hs.lists(hs.tuples(hs.integers(10, 500), hs.floats(0.0, 1.0)), min_size=3, max_size=12)


@settings(max_examples=60, deadline=None)
@given(counts, hs.integers(2, 9))
def test_multiplying_every_count_by_k_narrows_limits_by_sqrt_k(
    cases: list[tuple[int, float]], k: int
) -> None:
    rows = [(f"u{i}", round(p * n) / n, n) for i, (n, p) in enumerate(cases)]
    base = funnel_frame(_rows("l", "R_REPLY", rows), MIN)
    scaled = funnel_frame(_rows("l", "R_REPLY", [(u, v, n * k) for u, v, n in rows]), MIN)
    assert scaled["target"].to_list() == pytest.approx(base["target"].to_list(), abs=1e-12)
    p0 = base["target"][0]
    for r0, r1 in zip(base.iter_rows(named=True), scaled.iter_rows(named=True), strict=True):
        for c, z in (("hi95", 1.959964), ("hi998", 3.090232)):
            half = z * math.sqrt(p0 * (1 - p0) / r0["n"])
            if p0 + half < 1:  # not clipped: the half-width shrinks by sqrt(k)
                assert r1[c] - p0 == pytest.approx((r0[c] - p0) / math.sqrt(k), abs=1e-12)
            else:
                assert r1[c] <= 1.0


@settings(max_examples=60, deadline=None)
@given(counts, hs.integers(10, 1000))
def test_a_unit_exactly_on_the_target_never_signals(
    cases: list[tuple[int, float]], n_on: int
) -> None:
    rows = [(f"u{i}", round(p * n) / n, n) for i, (n, p) in enumerate(cases)]
    peers = _rows("l", "R_REPLY", rows)
    p0 = sum(v * n for _, v, n in rows) / sum(n for _, _, n in rows)
    on = _rows("l", "R_REPLY", [("on", p0, n_on)])
    # the extra unit on p0 leaves p0 where it was (its num / n equals p0)
    out = _by_unit(funnel_frame(pl.concat([peers, on]), MIN))
    assert out["on"]["side"] is None
    assert out["on"]["signal"] in ("within", None)
