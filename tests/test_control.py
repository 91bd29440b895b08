"""Control-chart signals (methodology.md "Control chart"): hand-computed rules."""

from __future__ import annotations

import math
from datetime import datetime

import polars as pl
import pytest

from queries.engine.control import CONTROL_COLUMNS, chart, control_frame, control_months
from queries.engine.signals import SIGNAL_CODES
from queries.model.periods import Period

MIN = 10
# baseline: 12 months of 50 / 100 -> centre p = 600 / 1200 = 0.5
BASE_V, BASE_N = [0.5] * 12, [100] * 12
# n = 100: limits 0.5 +/- 3 sqrt(0.25 / 100) = 0.5 +/- 0.15 -> [0.35, 0.65]
F, T = False, True


def _chart(last: list[float | None], ns: list[int] | None = None):  # type: ignore[no-untyped-def]
    ns = ns if ns is not None else [0 if v is None else 100 for v in last]
    return chart(BASE_V + last, BASE_N + ns, MIN)


def test_limits_and_points() -> None:
    c = _chart([0.5, 0.66, 0.34, 0.65 + 5e-10, 0.35 - 5e-10, 0.5, 0.4, 0.6, 0.5, 0.45, 0.55, 0.5])
    assert c.centre == 0.5
    assert c.lo[0] == pytest.approx(0.35) and c.hi[0] == pytest.approx(0.65)
    # 0.66 > 0.65 and 0.34 < 0.35: outside; within 1e-9 of a limit: inside
    assert c.point == (F, T, T, F, F, F, F, F, F, F, F, F)
    assert c.points == ((1, "above"), (2, "below"))


def test_a_run_of_seven_is_a_shift_and_six_is_not() -> None:
    seven = _chart([0.5] * 5 + [0.55] * 7)
    assert seven.shift == (F,) * 5 + (T,) * 7
    assert [(r.kind, r.side, r.start, r.end, r.length) for r in seven.runs] == [
        ("shift", "above", 5, 11, 7)
    ]
    six = _chart([0.5] * 6 + [0.45] * 6)
    assert six.shift == (F,) * 12 and six.runs == ()


def test_a_month_equal_to_the_centre_ends_a_run() -> None:
    # 3 above, one on the centre (within 1e-9 counts as equal), 4 above: runs of 3 and 4
    c = _chart([0.55] * 3 + [0.5 + 5e-10] + [0.55] * 4 + [0.45] * 4)
    assert c.shift == (F,) * 12


def test_months_with_n_zero_neither_break_nor_extend_a_run() -> None:
    # 3 below, a month with no cases, 4 below: 7 months with data, one shift
    c = _chart([0.5] * 3 + [0.45] * 3 + [None] + [0.45] * 4 + [0.5])
    assert c.shift == (F, F, F, T, T, T, None, T, T, T, T, F)
    assert c.point[6] is None and c.lo[6] is None and c.hi[6] is None
    assert [(r.side, r.start, r.end, r.length) for r in c.runs] == [("below", 3, 10, 7)]
    # 6 below with an empty month inside: still 6, no shift
    six = _chart([0.5] * 4 + [0.45] * 3 + [None] + [0.45] * 3 + [0.5])
    assert six.shift == (F,) * 7 + (None,) + (F,) * 4


def test_baseline_months_never_extend_a_run() -> None:
    # baseline: 6 months at 0.4 then 6 at 0.6 (n = 100) -> p = (240 + 360) / 1200 = 0.5;
    # the last 12 open with 6 months at 0.6: with the baseline's 6 it would be 12
    c = chart([0.4] * 6 + [0.6] * 6 + [0.6] * 6 + [0.5] * 6, [100] * 24, MIN)
    assert c.centre == pytest.approx(0.5)
    assert c.shift == (F,) * 12


def test_trend_of_seven_months_six_rises() -> None:
    rising = [0.40, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46]
    c = _chart([0.5] * 5 + rising)
    assert c.trend == (F,) * 5 + (T,) * 7
    # also all 7 below the centre: a shift over the same months
    assert [(r.kind, r.side, r.start, r.end, r.length) for r in c.runs] == [
        ("shift", "below", 5, 11, 7),
        ("trend", "up", 5, 11, 7),
    ]
    assert c.shift == (F,) * 5 + (T,) * 7
    # 6 months, 5 rises: no trend (the month before is equal: 0.5 -> 0.5 breaks nothing new)
    five = _chart([0.5] * 6 + rising[:6])
    assert five.trend == (F,) * 12


def test_a_month_equal_to_the_one_before_breaks_a_trend() -> None:
    down = [0.60, 0.59, 0.58, 0.58 + 5e-10, 0.57, 0.56, 0.55, 0.54]
    c = _chart([0.5] * 4 + down)
    # falls: 0.60..0.58 (3 months), then equal, then 0.58..0.54 (5 months): no trend
    assert c.trend == (F,) * 12
    falling = _chart([0.5] * 4 + [0.62, 0.61, 0.60, 0.59, 0.58, 0.57, 0.56, 0.55])
    assert falling.trend == (F,) * 4 + (T,) * 8
    assert falling.runs[-1].side == "down" and falling.runs[-1].length == 8


def test_trend_skips_months_with_no_cases() -> None:
    # 0.5 -> 0.40 falls; then 0.40 .. 0.46 rise over 7 months with data, one empty inside
    c = _chart([0.5] * 4 + [0.40, 0.41, None, 0.42, 0.43, 0.44, 0.45, 0.46])
    assert c.trend == (F, F, F, F, T, T, None, T, T, T, T, T)


def test_limits_clip_at_zero() -> None:
    # baseline 12 months of 10 / 100 -> p = 0.1; a month with n = 4:
    # 0.1 +/- 3 sqrt(0.1 * 0.9 / 4) = 0.1 +/- 0.45 -> [0, 0.55]
    c = chart([0.1] * 12 + [0.0] + [0.1] * 11, [100] * 12 + [4] + [100] * 11, MIN)
    assert c.lo[0] == 0.0 and c.hi[0] == pytest.approx(0.55)
    assert c.point[0] is False  # 0 is on the clipped limit: inside


def test_a_small_baseline_gives_no_signal() -> None:
    # baseline n: 9 months of 1 = 9 < min_sample 10
    c = chart([1.0] * 9 + [None] * 3 + [0.0] * 12, [1] * 9 + [0] * 3 + [5] * 12, MIN)
    assert c.centre is None
    assert c.lo == (None,) * 12 and c.point == (None,) * 12 and c.shift == (None,) * 12
    # 10 cases are enough: (9 x 1 + 0) / 10 = 0.9
    ok = chart([1.0] * 9 + [0.0] + [None] * 2 + [0.0] * 12, [1] * 10 + [0] * 2 + [5] * 12, MIN)
    assert ok.centre == pytest.approx(0.9)
    # every month at 0 with n = 5: 0.9 - 3 sqrt(0.09 / 5) = 0.9 - 0.4025 = 0.4975 > 0
    assert ok.point == (T,) * 12 and ok.shift == (T,) * 12


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_a_centre_of_zero_or_one_gives_no_signal(p: float) -> None:
    c = chart([p] * 12 + [0.5] * 11 + [None], [50] * 12 + [20] * 11 + [0], MIN)
    assert c.centre == p
    assert c.lo == (p,) * 11 + (None,) and c.hi == (p,) * 11 + (None,)
    assert c.point == (None,) * 12 and c.shift == (None,) * 12 and c.trend == (None,) * 12


def test_control_months_end_with_the_period_or_the_as_of() -> None:
    ms = control_months("2026-Q2", datetime(2026, 9, 1))
    assert (str(ms[0]), str(ms[-1]), len(ms)) == ("2024-07", "2026-06", 24)
    # the as-of's month when earlier than the period's last month
    ms = control_months("2026", datetime(2026, 5, 10, 12, 0))
    assert (str(ms[0]), str(ms[-1])) == ("2024-06", "2026-05")
    assert all(m.kind == "month" for m in ms) and ms[12] == Period.month(2025, 6)


def test_control_frame_rows_as_cli_md_writes_them() -> None:
    months = [str(m) for m in control_months("2026-06", datetime(2026, 7, 1))]
    rows = []
    for i, m in enumerate(months):
        # unit A, R_ONTIME: baseline 50/100 a month; the last 12: 55/100 but month 3 empty
        n = 0 if i == 15 else 100
        rows.append(("A", m, "R_ONTIME", (0.5 if i < 12 else 0.55) if n else None, n))
    monthly = pl.DataFrame(rows, schema=["unit_id", "month", "code", "value", "n"], orient="row")
    out = control_frame(monthly, months, MIN)
    assert out.columns == list(CONTROL_COLUMNS)
    # one unit x 11 indicators x 12 months, in methodology order
    assert out.height == len(SIGNAL_CODES) * 12
    assert out["code"].unique(maintain_order=True).to_list() == list(SIGNAL_CODES)
    ontime = out.filter(pl.col("code") == "R_ONTIME")
    assert ontime["month"].to_list() == months[12:]
    assert ontime["centre"].to_list() == [0.5] * 12
    # 11 months above the centre with data: a shift on each of them; none on the empty one
    assert ontime["shift"].to_list() == [T, T, T, None, T, T, T, T, T, T, T, T]
    assert ontime["value"][3] is None and ontime["lo"][3] is None and ontime["n"][3] == 0
    half = 3 * math.sqrt(0.25 / 100)
    assert ontime["hi"][0] == pytest.approx(0.5 + half)
    # an indicator with no data at all: n 0, everything else empty
    other = out.filter(pl.col("code") == "R_REPLY")
    assert other["n"].to_list() == [0] * 12
    assert other["centre"].null_count() == 12 and other["shift"].null_count() == 12
