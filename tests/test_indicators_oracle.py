"""An independent oracle: the root's feedback and supervision rates recomputed row by row.

The engine classifies records with vectorised polars expressions. Here the same
definitions (methodology.md) are applied again in plain Python, one record at a
time, to rows fetched straight from the database with SQLAlchemy, on a seeded
city: if the two disagree on any count, one of them misreads the spec.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from queries.engine.indicators import indicator_table
from queries.model.schema import feedback, supervision, units
from queries.model.settings import DEFAULT_SETTINGS
from queries.store.frames import load_frames
from seed_data.generator import seed_database

PERIOD = "2026-Q2"
START, END = datetime(2026, 4, 1), datetime(2026, 7, 1)
# mid-quarter: many cases are still pending, some already late; a midnight (a deadline
# equal to the as-of is still pending); after the quarter (nothing pending but what is open)
AS_OFS = [datetime(2026, 6, 10, 12, 0), datetime(2026, 5, 4), datetime(2026, 7, 20, 8, 30)]
AS_OF = AS_OFS[0]


def _known(t: datetime | date | None, as_of: datetime) -> bool:
    """Whether a stamp had happened by the as-of (later stamps are treated as empty)."""
    if t is None:
        return False
    if not isinstance(t, datetime):
        t = datetime(t.year, t.month, t.day)
    return t <= as_of


def _oracle(rows: list[sa.Row], items: list[sa.Row], as_of: datetime) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) per indicator, by the letter of methodology.md."""
    s = DEFAULT_SETTINGS
    c: dict[str, list[int]] = {
        k: [0, 0]
        for k in ("R_RESPONSE", "R_ONTIME", "R_REPLY", "S_RETURN_VISIT", "S_REPEAT", "R_RECTIFY")
    }
    for r in rows:
        if not (START <= r.received_at < END and r.received_at <= as_of):
            continue
        # R_RESPONSE: on time within 24 h; late if after, or none and the limit passed
        limit = r.received_at + timedelta(hours=s.response_hours)
        responded = _known(r.first_response_at, as_of)
        if responded and r.first_response_at <= limit:
            c["R_RESPONSE"][0] += 1
            c["R_RESPONSE"][1] += 1
        elif responded or limit < as_of:
            c["R_RESPONSE"][1] += 1
        # R_ONTIME: due_at or the kind's default
        due = r.due_at or r.received_at + timedelta(days=s.due_days[r.kind])
        closed = _known(r.closed_at, as_of)
        if closed and r.closed_at <= due:
            c["R_ONTIME"][0] += 1
            c["R_ONTIME"][1] += 1
        elif closed or due < as_of:
            c["R_ONTIME"][1] += 1
        if closed:
            c["R_REPLY"][0] += r.reasoned_reply is True
            c["R_REPLY"][1] += 1
            c["S_RETURN_VISIT"][0] += _known(r.return_visit_at, as_of)
            c["S_RETURN_VISIT"][1] += 1
        c["S_REPEAT"][0] += r.repeat_of is not None
        c["S_REPEAT"][1] += 1
    for it in items:
        opened = datetime(it.opened_on.year, it.opened_on.month, it.opened_on.day)
        if not (START <= opened < END and opened <= as_of) or it.rectify_due_on is None:
            continue
        due = datetime(it.rectify_due_on.year, it.rectify_due_on.month, it.rectify_due_on.day)
        if _known(it.rectified_on, as_of) and it.rectified_on <= it.rectify_due_on:
            c["R_RECTIFY"][0] += 1
            c["R_RECTIFY"][1] += 1
        elif _known(it.rectified_on, as_of) or due < as_of:
            c["R_RECTIFY"][1] += 1
    return {k: (v[0], v[1]) for k, v in c.items()}


@pytest.mark.parametrize("scope", ["root", "first_branch"])
def test_engine_agrees_with_a_row_by_row_oracle(engine: sa.Engine, scope: str) -> None:
    """At three as-ofs, on each database's engine (DuckDB for SQLite, PostgreSQL)."""
    seed_database(engine, "tiny", 7, date(2026, 6, 30), progress=False)
    with engine.connect() as conn:
        unit_rows = conn.execute(sa.select(units.c.unit_id, units.c.parent_id)).all()
        roots = [u.unit_id for u in unit_rows if u.parent_id is None]
        assert len(roots) == 1
        if scope == "root":
            unit_id, members = roots[0], {u.unit_id for u in unit_rows}
        else:
            unit_id = min(u.unit_id for u in unit_rows if u.parent_id == roots[0])
            members = {unit_id} | {u.unit_id for u in unit_rows if u.parent_id == unit_id}
            # stations hang directly under their branch in the seeded city
            assert all(u.parent_id in members for u in unit_rows if u.parent_id in members)
        rows = [r for r in conn.execute(sa.select(feedback)).all() if r.unit_id in members]
        items = [r for r in conn.execute(sa.select(supervision)).all() if r.unit_id in members]
    frames = load_frames(engine)
    for as_of in AS_OFS:
        expected = _oracle(rows, items, as_of)
        table = indicator_table(frames, PERIOD, as_of, DEFAULT_SETTINGS, unit_id)
        row = table.filter(table["unit_id"] == unit_id).to_dicts()[0]
        for code, (num, den) in expected.items():
            assert row[f"{code}_n"] == den, (code, as_of)
            if den == 0:
                assert row[code] is None, (code, as_of)
            else:
                assert row[code] == pytest.approx(num / den, abs=1e-12), (code, as_of)
    expected = _oracle(rows, items, AS_OF)
    # the oracle saw real variety: pending, late and on-time cases all occur
    assert expected["R_ONTIME"][1] < sum(
        1 for r in rows if START <= r.received_at < END and r.received_at <= AS_OF
    )
    assert 0 < expected["R_ONTIME"][0] < expected["R_ONTIME"][1]
