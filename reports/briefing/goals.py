"""The briefing's goals and notes: the scope unit against its goals (said apart from the
funnel), which units of the scope are below a goal, and the notes of the period.

Built from the indicator table with its ``X_goal`` columns
(:func:`queries.engine.goals.with_goals`), the funnel table and the notes that cover
the scope (:mod:`queries.access.notes`). Texts are kept as written: the layout draws
them as text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from queries.engine.goals import below_goal, funnel_state, goal_codes, goal_column, standing
from queries.vocabulary.formats import date_text
from reports.goal_wording import below_list_sentence, standing_sentence


@dataclass(frozen=True)
class GoalPart:
    """One scope's goal sentences: the scope unit's standings, then per indicator which
    units of the scope are below their goal."""

    standings: tuple[str, ...]
    below: tuple[str, ...]


@dataclass(frozen=True)
class NoteLine:
    """One note of the period: the unit it is on, its days, its text, who wrote it."""

    unit_id: str
    unit: str
    days: str
    text: str
    author: str


def goal_part(
    table: pl.DataFrame,
    root: str,
    members: Iterable[str],
    funnel: pl.DataFrame,
    names: dict[str, str],
    lang: str,
) -> GoalPart | None:
    """The goals of ``root``'s scope (``members``: its subtree), None when no unit of it
    has a goal. ``table``: the indicator table with goals; ``funnel``: the funnel table
    (unit_id, code, signal, side) of the same period."""
    codes = goal_codes(table.columns)
    ids = set(members)
    scope = table.filter(pl.col("unit_id").is_in(sorted(ids)))
    codes = [c for c in codes if scope[goal_column(c)].is_not_null().any()]
    if not codes:
        return None
    row = scope.filter(pl.col("unit_id") == root).row(0, named=True)
    standings = []
    for code in codes:
        s = standing(row, code)
        if s is not None:
            standings.append(standing_sentence(s, lang, funnel_state(funnel, root, code)))
    below = []
    for code in codes:
        under = below_goal(scope, code).sort("unit_id")
        goals = scope[goal_column(code)].drop_nulls().unique()
        shared = float(goals[0]) if goals.len() == 1 else None
        found = [
            (names.get(r["unit_id"], r["unit_id"]), standing(r, code))
            for r in under.iter_rows(named=True)
        ]
        below.append(
            below_list_sentence(code, shared, [(u, s) for u, s in found if s is not None], lang)
        )
    return GoalPart(tuple(standings), tuple(below))


def note_lines(notes: pl.DataFrame, names: dict[str, str], lang: str) -> tuple[NoteLine, ...]:
    """The notes as the briefing lists them, by first day."""
    out = []
    for r in notes.sort("from_date", "note_id").iter_rows(named=True):
        first, last = date_text(r["from_date"], lang), date_text(r["to_date"], lang)
        days = (
            first
            if first == last
            else (f"{first}至{last}" if lang == "zh" else f"{first} to {last}")
        )
        out.append(
            NoteLine(
                r["unit_id"], names.get(r["unit_id"], r["unit_id"]), days, r["text"], r["author"]
            )
        )
    return tuple(out)
