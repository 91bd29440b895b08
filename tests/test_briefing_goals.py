"""reports.briefing.goals: the briefing's goals (the scope unit against each, who is
below, the funnel said apart) and the notes of its period, as text in HTML and DOCX.

The world of indicator_world.py, R_ONTIME received in March 2026, as of 2026-06-30:
B1-S1 9 on time of 10 = 0.9, B1-S2 10 of 10 = 1.0, B2 8 of 10 = 0.8; so B1 = 19/20 =
0.95 and B = 27/30 = 0.9.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import polars as pl
from docx import Document
from hostile import MARKUP
from indicator_world import fb, world

from queries.access.notes import NOTE_SCHEMA
from queries.model.periods import Period
from queries.model.settings import DEFAULT_SETTINGS
from reports.briefing.docx import briefing_docx
from reports.briefing.html import briefing_html
from reports.briefing.model import build_briefing

AS_OF = datetime(2026, 6, 30)
GOALS = pl.DataFrame(
    {
        "goal_id": [1],
        "code": ["R_ONTIME"],
        "value": [0.95],
        "level": [None],
        "kind": [None],
        "unit_id": [None],
        "from_year": [2026],
    },
    schema_overrides={"level": pl.String, "kind": pl.String, "unit_id": pl.String},
)


def _frames():  # type: ignore[no-untyped-def]
    rows = []
    for unit, on_time, late in (("B1-S1", 9, 1), ("B1-S2", 10, 0), ("B2", 8, 2)):
        rows += [
            fb(unit, f"2026-03-{2 + i:02d} 09:00", closed_at=f"2026-03-{10 + i:02d} 09:00")
            for i in range(on_time)
        ]
        rows += [
            fb(unit, f"2026-03-{2 + i:02d} 09:00", closed_at=f"2026-05-{10 + i:02d} 09:00")
            for i in range(late)
        ]
    return world(feedback=rows)


def _notes() -> pl.DataFrame:
    rows = [
        (1, "B1", date(2026, 3, 1), date(2026, 3, 31), MARKUP[0], "lead@bureau.cn"),
        (2, "B1", date(2026, 7, 20), date(2026, 8, 31), "flood-relief duty", "lead@bureau.cn"),
    ]
    return pl.DataFrame(
        [(*r, datetime(2026, 4, 1)) for r in rows], schema=NOTE_SCHEMA, orient="row"
    )


def test_the_goals_and_notes_of_the_briefing() -> None:
    b = build_briefing(
        _frames(),
        Period.parse("2026-Q1"),
        AS_OF,
        DEFAULT_SETTINGS,
        lang="en",
        goals=GOALS,
        notes=_notes(),
    )
    (section,) = b.sections
    assert section.goals is not None
    # B (the bureau, alone at its level: no funnel) 0.9 against 0.95: 5.0 points short
    assert section.goals.standings == (
        "Closed on time 90.0%: below the goal of 95.0% (short by 5.0 pt).",
    )
    # below 0.95: B2 (0.8, 15 points), B and B1-S1 (0.9, 5 points); B1 at 0.95 meets it
    assert section.goals.below == (
        "3 units are below the Closed on time goal of 95.0%: 二分局 (short by 15.0 pt), "
        "市局 (short by 5.0 pt), 一所 (short by 5.0 pt).",
    )
    # the notes of Q1 only: March's, not July's
    assert [(n.unit_id, n.days, n.text) for n in section.notes] == [
        ("B1", "2026-03-01 to 2026-03-31", MARKUP[0])
    ]
    page = briefing_html(b)
    assert "Notes on the charts" in page and "Goals" in page
    assert "&lt;a href=&quot;https://evil.example&quot;&gt;点我&lt;/a&gt;" in page
    assert '<a href="https://evil' not in page
    text = "\n".join(p.text for p in Document(io.BytesIO(briefing_docx(b))).paragraphs)
    assert MARKUP[0] in text and "flood-relief" not in text


def test_no_goals_no_notes_no_parts() -> None:
    b = build_briefing(_frames(), Period.parse("2026-Q1"), AS_OF, DEFAULT_SETTINGS, lang="zh")
    (section,) = b.sections
    assert section.goals is None and section.notes == ()
    assert "目标值" not in briefing_html(b) and "图表备注" not in briefing_html(b)
    zh = build_briefing(
        _frames(), Period.parse("2026-Q1"), AS_OF, DEFAULT_SETTINGS, lang="zh", goals=GOALS
    )
    assert zh.sections[0].goals is not None
    assert zh.sections[0].goals.standings == (
        "按期办结率90.0%，未达目标值95.0%（差5.0个百分点）。",
    )
