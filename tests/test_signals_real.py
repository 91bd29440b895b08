"""``openness signals`` on real records nobody here wrote: the Detroit complaints.

The records are imported (SQLite and PostgreSQL), then the command's output is compared
with an oracle written here from methodology.md alone, one record at a time in plain
Python: counts per unit and month, summed up each unit's chain of parents, then the
funnel and the control chart by the letter of the spec (runs found by checking every
window, not by the engine's scan).
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import REAL_RECORDS
from typer.testing import CliRunner

from openness.cli import app
from queries.importing.run import import_files
from queries.model.schema import feedback, units
from queries.model.settings import load_settings

runner = CliRunner()
AS_OF = datetime(2020, 1, 15, 12, 0)
PERIOD = "2019"
CODES = (
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
LOWER_IS_BETTER = {"S_REPEAT"}
TOL = 1e-9


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENNESS_DATA", str(tmp_path / "data"))


def _known(t: datetime | None) -> bool:
    return t is not None and t <= AS_OF


def _record_counts(r: Any, due_days: dict[str, int], w: float) -> dict[str, tuple[float, int]]:
    """(num, den) each feedback code adds for one case (methodology.md, Indicators)."""
    out: dict[str, tuple[float, int]] = {}
    limit = r.received_at + timedelta(hours=24)
    if _known(r.first_response_at) and r.first_response_at <= limit:
        out["R_RESPONSE"] = (1, 1)
    elif _known(r.first_response_at) or limit < AS_OF:
        out["R_RESPONSE"] = (0, 1)
    due = r.due_at or r.received_at + timedelta(days=due_days[r.kind])
    closed = _known(r.closed_at)
    if closed and r.closed_at <= due:
        out["R_ONTIME"] = (1, 1)
    elif closed or due < AS_OF:
        out["R_ONTIME"] = (0, 1)
    visited = _known(r.return_visit_at)
    if closed:
        out["R_REPLY"] = (1 if r.reasoned_reply is True else 0, 1)
        out["S_RETURN_VISIT"] = (1 if visited else 0, 1)
        if r.kind in ("suggestion", "opinion") and r.outcome in (
            "adopted",
            "partly_adopted",
            "not_adopted",
        ):
            out["R_ADOPTION"] = (1 if r.outcome != "not_adopted" else 0, 1)
    if visited and r.satisfaction is not None:
        sat = {"satisfied": 1.0, "basically_satisfied": w}.get(r.satisfaction, 0.0)
        out["S_SATISFACTION"] = (sat, 1)
    if visited and r.resolved is not None:
        out["S_RESOLVED"] = (1 if r.resolved else 0, 1)
    out["S_REPEAT"] = (1 if r.repeat_of is not None else 0, 1)
    return out


def _oracle_counts(
    engine: sa.Engine, windows: dict[str, tuple[datetime, datetime]]
) -> tuple[dict[str, str], dict[tuple[str, str, str], list[float]]]:
    """levels by unit, and (unit, window, code) -> [num, n] summed over the subtree."""
    s = load_settings(REAL_RECORDS / "settings.toml")
    with engine.connect() as conn:
        unit_rows = conn.execute(sa.select(units)).all()
        cases = conn.execute(sa.select(feedback)).all()
        for table in ("disclosures", "supervision"):
            # the Detroit records have none: those rates have n = 0 everywhere
            assert conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0
    parent = {u.unit_id: u.parent_id for u in unit_rows}
    chains = {}
    for u in parent:
        chain, cur = [], u
        while cur is not None:
            chain.append(cur)
            cur = parent[cur]
        chains[u] = chain
    counts: dict[tuple[str, str, str], list[float]] = {}
    for r in cases:
        if r.received_at > AS_OF:
            continue
        for name, (start, end) in windows.items():
            if not start <= r.received_at < end:
                continue
            for code, (num, den) in _record_counts(
                r, s.due_days, s.basically_satisfied_weight
            ).items():
                for a in chains[r.unit_id]:
                    cell = counts.setdefault((a, name, code), [0.0, 0])
                    cell[0] += num
                    cell[1] += den
    return {u.unit_id: u.level for u in unit_rows}, counts


def _cmp(a: float, b: float) -> int:
    return 0 if abs(a - b) <= TOL else (1 if a > b else -1)


def _funnel_oracle(levels: dict[str, str], counts: dict[Any, list[float]]) -> dict[Any, dict]:
    out = {}
    for code in CODES:
        for level in set(levels.values()):
            members = sorted(u for u, lv in levels.items() if lv == level)
            nums = {u: counts.get((u, PERIOD, code), [0.0, 0]) for u in members}
            peers = [u for u in members if nums[u][1] > 0 and nums[u][1] >= 10]
            p0 = None
            if len(peers) >= 3:
                p0 = sum(nums[u][0] for u in peers) / sum(nums[u][1] for u in peers)
            for u in members:
                num, n = nums[u]
                row: dict[str, Any] = {"n": n, "value": num / n if n else None, "target": p0}
                row["signal"] = row["side"] = None
                if p0 is not None and u in peers:
                    sd = math.sqrt(p0 * (1 - p0) / n)
                    lim = {
                        "lo95": max(0.0, p0 - 1.959964 * sd),
                        "hi95": min(1.0, p0 + 1.959964 * sd),
                        "lo998": max(0.0, p0 - 3.090232 * sd),
                        "hi998": min(1.0, p0 + 3.090232 * sd),
                    }
                    row.update(lim)
                    v = row["value"]
                    if 0 < p0 < 1 and abs(p0) > TOL and abs(1 - p0) > TOL:
                        if v < lim["lo998"] - TOL or v > lim["hi998"] + TOL:
                            row["signal"] = "alarm"
                        elif v < lim["lo95"] - TOL or v > lim["hi95"] + TOL:
                            row["signal"] = "alert"
                        else:
                            row["signal"] = "within"
                        row["side"] = {1: "above", -1: "below", 0: None}[_cmp(v, p0)]
                out[(u, code)] = row
    return out


def _in_some_run(flags: list[int], k: int) -> list[bool]:
    """Position i is True when some window of >= k consecutive positions holding i has
    every flag equal and nonzero (checked window by window)."""
    hit = [False] * len(flags)
    for i in range(len(flags)):
        for j in range(i + k - 1, len(flags)):
            window = flags[i : j + 1]
            if window[0] != 0 and all(f == window[0] for f in window):
                for x in range(i, j + 1):
                    hit[x] = True
    return hit


def _control_oracle(
    units_: list[str], months: list[str], counts: dict[Any, list[float]]
) -> dict[Any, dict]:
    out = {}
    for u in units_:
        for code in CODES:
            cells = [counts.get((u, m, code), [0.0, 0]) for m in months]
            base_num = sum(c[0] for c in cells[:12])
            base_n = sum(c[1] for c in cells[:12])
            last = cells[12:]
            p = base_num / base_n if base_n >= 10 else None
            rows = [{"value": c[0] / c[1] if c[1] else None, "n": c[1], "centre": p} for c in last]
            ok = p is not None and TOL < p < 1 - TOL
            data = [i for i, c in enumerate(last) if c[1] >= 1]
            vals = [rows[i]["value"] for i in data]
            shift = _in_some_run([_cmp(v, p) for v in vals], 7) if ok else []
            # a trend of 7 months is 6 steps in one direction
            steps = [_cmp(vals[k], vals[k - 1]) for k in range(1, len(vals))]
            in_trend = [False] * len(vals)
            if ok:
                step_hit = _in_some_run(steps, 6)
                for k, h in enumerate(step_hit):
                    if h:
                        in_trend[k] = in_trend[k + 1] = True
            for i, row in enumerate(rows):
                row["lo"] = row["hi"] = row["point"] = row["shift"] = row["trend"] = None
                if p is None or row["n"] == 0:
                    pass
                elif not ok:
                    row["lo"] = row["hi"] = p
                else:
                    half = 3 * math.sqrt(p * (1 - p) / row["n"])
                    row["lo"], row["hi"] = max(0.0, p - half), min(1.0, p + half)
                    v = row["value"]
                    row["point"] = v < row["lo"] - TOL or v > row["hi"] + TOL
                    row["shift"] = shift[data.index(i)]
                    row["trend"] = in_trend[data.index(i)]
                out[(u, code, months[12 + i])] = row
    return out


def _month_windows() -> dict[str, tuple[datetime, datetime]]:
    out = {}
    for k in range(24):
        y, m = 2018 + k // 12, k % 12 + 1
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        out[f"{y}-{m:02d}"] = (datetime(y, m, 1), datetime(ny, nm, 1))
    return out


def _signals(db_url: str, method: str, *extra: str) -> list[dict[str, Any]]:
    res = runner.invoke(
        app,
        [
            "signals",
            "--method",
            method,
            "--period",
            PERIOD,
            "--as-of",
            AS_OF.isoformat(),
            "--config",
            str(REAL_RECORDS / "settings.toml"),
            "--format",
            "json",
            "--db",
            db_url,
            *extra,
        ],
    )
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) <= 1e-12
    return a == b


def test_detroit_signals_agree_with_a_row_by_row_oracle(engine: sa.Engine, db_url: str) -> None:
    import_files(
        engine, [REAL_RECORDS / "units.csv", REAL_RECORDS / "feedback.csv"], progress=False
    )
    months = _month_windows()
    windows = {PERIOD: (datetime(2019, 1, 1), datetime(2020, 1, 1)), **months}
    levels, counts = _oracle_counts(engine, windows)

    funnel = _signals(db_url, "funnel")
    expected = _funnel_oracle(levels, counts)
    assert len(funnel) == len(levels) * 11 == 132 * 11
    assert [r["unit_id"] for r in funnel] == sorted(r["unit_id"] for r in funnel)
    fields = ("value", "n", "target", "lo95", "hi95", "lo998", "hi998", "signal", "side")
    for row in funnel:
        want = expected[(row["unit_id"], row["code"])]
        for f in fields:
            assert _same(row[f], want.get(f)), (row["unit_id"], row["code"], f, row[f], want)
    # the real data: in 2019 the 11 precincts' on-time closure is within chance of their
    # 59.4% (every one 'within'); among departments, 8th Precinct PDU's 8 / 19 = 42.1%
    # falls below the 95% limit of the departments' 65%: an alert
    ontime = {r["unit_id"]: r for r in funnel if r["code"] == "R_ONTIME"}
    assert {r["signal"] for r in ontime.values() if r["level"] == "branch"} == {"within"}
    pdu = ontime["8TH-PRECINCT-PDU"]
    assert (pdu["n"], pdu["signal"], pdu["side"]) == (19, "alert", "below")
    assert pdu["value"] == 8 / 19
    # R_REPLY: no case has a reasoned reply, p0 = 0: target shown, no signal
    reply = [r for r in funnel if r["code"] == "R_REPLY" and r["level"] == "branch"]
    assert {r["target"] for r in reply} == {0.0} and {r["signal"] for r in reply} == {None}

    control = _signals(db_url, "control")
    expected_c = _control_oracle(sorted(levels), list(months), counts)
    assert len(control) == 132 * 11 * 12
    fields_c = ("value", "n", "centre", "lo", "hi", "point", "shift", "trend")
    for row in control:
        want = expected_c[(row["unit_id"], row["code"], row["month"])]
        for f in fields_c:
            assert _same(row[f], want[f]), (row["unit_id"], row["code"], row["month"], f)
    assert any(r["shift"] for r in control) and any(r["point"] for r in control)

    # --unit: the subtree only, with the same numbers (peers still over all units)
    sub = _signals(db_url, "funnel", "--unit", "10TH-PRECINCT")
    assert {r["unit_id"] for r in sub} == {"10TH-PRECINCT", "10TH-PRECINCT-PDU"}
    assert sub == [r for r in funnel if r["unit_id"] in ("10TH-PRECINCT", "10TH-PRECINCT-PDU")]


def test_signals_csv_and_bad_usage(engine: sa.Engine, db_url: str) -> None:
    import_files(engine, [REAL_RECORDS / "units.csv"], progress=False)
    base = ["signals", "--period", "2019-03", "--as-of", "2019-04-01", "--db", db_url]
    res = runner.invoke(app, [*base, "--method", "funnel"])
    assert res.exit_code == 0, res.stderr
    assert res.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(res.stdout_bytes.decode("utf-8-sig"))))
    assert rows[0] == [
        "unit_id", "level", "code", "value", "n", "target",
        "lo95", "hi95", "lo998", "hi998", "signal", "side",
    ]  # fmt: skip
    # no records: every unit, every code, n = 0 and everything else empty
    assert len(rows) == 1 + 132 * 11
    assert rows[1][:5] == ["10TH-PRECINCT", "branch", "O_TIMELY", "", "0"]
    assert set(rows[1][5:]) == {""}
    res = runner.invoke(app, [*base, "--method", "control", "--format", "csv"])
    assert res.exit_code == 0
    header = res.stdout_bytes.decode("utf-8-sig").splitlines()[0]
    assert header == "unit_id,code,month,value,n,centre,lo,hi,point,shift,trend"
    for args, message in (
        (["--method", "spc"], "--method"),
        (["--method", "funnel", "--unit", "NOPE"], "unknown unit 'NOPE'"),
        (["--method", "funnel", "--format", "xml"], "--format"),
    ):
        res = runner.invoke(app, [*base, *args])
        assert res.exit_code == 2 and message in res.stderr, res.stderr
        assert "Traceback" not in res.stderr
