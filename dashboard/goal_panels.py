"""Goals and notes on the pages: the ranking's goal columns and its "below the goal"
filter, the goals' list and form (Overview), the notes' list and form (Unit page), and
both drawn over a unit's charts.

Thin: who may set a goal or add or remove a note is decided, and a refusal audited, in
:mod:`queries.access.goals` and :mod:`queries.access.notes`; the forms only ask.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import signin, state, widgets
from dashboard.goal_figures import NoteMark, add_goal_line, add_note_marks
from dashboard.i18n import Lang, enum_label, enum_labels, md, t
from queries.access.gate import Denied
from queries.access.goals import GoalError, may_set_goals, remove_goal, set_goal
from queries.access.notes import NoteError, add_note, covering, may_add, may_remove, remove_note
from queries.engine.goals import (
    below_goal,
    funnel_state,
    goal_by_year,
    goal_codes,
    scope_of,
    standing,
)
from queries.model.catalogue import INDICATORS, indicator
from queries.model.indicator import Unit
from queries.model.tree import Tree
from reports.goal_wording import standing_cell, standing_sentence, value_text

_FLASH = "goal_panels_flash"


def _flash(text: str) -> None:
    """Say ``text`` after the rerun that shows the change."""
    st.session_state[_FLASH] = text
    st.rerun()


def show_flash() -> None:
    said = st.session_state.pop(_FLASH, None)
    if said:
        st.success(said, icon=":material/check:")


# ---- the ranking (Overview)


def ranking_goals(
    ranking: pl.DataFrame, table: pl.DataFrame, uid_col: str, lang: Lang
) -> pl.DataFrame:
    """``ranking`` with, per indicator that has a goal, a column "<indicator> (goal)":
    the unit's value against its goal (met / not met, by how much)."""
    rows = {r["unit_id"]: r for r in table.iter_rows(named=True)}
    ids = ranking[uid_col].to_list()
    cols = [
        pl.Series(
            t("goal.col", lang, indicator=indicator(c).name(lang)),
            [standing_cell(standing(rows.get(u, {}), c), lang) for u in ids],
            dtype=pl.String,
        )
        for c in goal_codes(table.columns)
    ]
    if not cols:
        return ranking
    # right after the signals (or at the end): the two judgements side by side
    order = ranking.columns
    at = order.index(t("col.signal", lang)) + 1 if t("col.signal", lang) in order else len(order)
    names = [c.name for c in cols]
    return ranking.with_columns(cols).select([*order[:at], *names, *order[at:]])


def below_goal_filter(
    ctx: state.Context, table: pl.DataFrame, ranking: pl.DataFrame, uid_col: str
) -> pl.DataFrame:
    """A "below the goal" filter over the ranking: the units below the goal of the
    indicator picked (every unit when none is)."""
    lang = ctx.lang
    codes = goal_codes(table.columns)
    if not codes:
        return ranking
    picked = st.selectbox(
        t("goal.filter", lang),
        [None, *codes],
        format_func=lambda c: t("goal.filter.none", lang) if c is None else indicator(c).name(lang),
        key="ov_below_goal",
    )
    st.caption(t("goal.apart", lang))
    if picked is None:
        return ranking
    below = set(below_goal(table, picked)["unit_id"].to_list())
    out = ranking.filter(pl.col(uid_col).is_in(sorted(below)))
    st.caption(
        ":material/flag: "
        + t("goal.filter.count", lang, count=out.height, indicator=indicator(picked).name(lang))
    )
    return out


def unit_goal_lines(ctx: state.Context, row: dict[str, object]) -> None:
    """The unit against each goal that applies to it, in sentences that say the funnel
    apart (below the goal and inside the funnel is both)."""
    lang, f, src = ctx.lang, ctx.filters, ctx.source
    codes = [c for c in goal_codes(row) if row.get(f"{c}_goal") is not None]
    if not codes:
        return
    funnel = src.funnel(f.period, f.as_of)
    lines = []
    for code in codes:
        s = standing(row, code)
        if s is not None:
            state_ = funnel_state(funnel, str(row["unit_id"]), code)
            mark = ":material/check_circle:" if s.met else ":material/flag:"
            lines.append(f"- {mark} {md(standing_sentence(s, lang, state_))}")
    if lines:
        st.markdown(f"**{t('goals.title', lang)}**\n\n" + "\n".join(lines))


# ---- the goals (Overview)


def goals_panel(ctx: state.Context, labels: dict[str, str]) -> None:
    """Every goal (everyone sees them); for admins and leadership, a form to set one and
    a button to remove one."""
    lang, src, person = ctx.lang, ctx.source, ctx.gate.person
    goals = src.goals()
    with st.expander(t("goals.title", lang) + f" ({goals.height})", icon=":material/flag:"):
        st.caption(t("goals.help", lang))
        if goals.is_empty():
            st.caption(t("goals.none", lang))
        else:
            widgets.table(ctx, _goal_rows(goals, labels, lang), key="ov_goals", stem="goals")
        if not may_set_goals(person):
            return
        _goal_form(ctx, labels)
        if goals.height:
            ids = goals["goal_id"].to_list()
            c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
            gone = c1.selectbox(t("goals.remove", lang), ids, key="ov_goal_remove")
            if c2.button(t("goals.remove.button", lang), key="ov_goal_remove_btn"):
                try:
                    remove_goal(ctx.gate.engine, person, int(gone))
                except Denied as exc:
                    signin.refuse(exc, lang, key="goals")
                    return
                except GoalError as exc:
                    st.error(md(str(exc)))
                    return
                _flash(t("goals.removed", lang, id=gone))


def _goal_rows(goals: pl.DataFrame, labels: dict[str, str], lang: Lang) -> pl.DataFrame:
    rows = []
    for g in goals.iter_rows(named=True):
        scope = scope_of(g)
        what = {
            "all": t("goals.scope.all", lang),
            "level": enum_label("level", g["level"], lang),
            "kind": enum_label("kind", g["kind"], lang),
            "unit": labels.get(g["unit_id"], g["unit_id"]),
        }[scope]
        rows.append(
            (
                g["goal_id"],
                indicator(g["code"]).name(lang),
                value_text(g["code"], g["value"], lang),
                what,
                g["from_year"],
                g["set_by"],
                g["set_at"].strftime("%Y-%m-%d %H:%M"),
            )
        )
    names = ("goals.col.id", "col.indicator", "col.goal", "goals.col.scope", "goals.col.from")
    schema: dict[str, pl.DataType] = {
        t(k, lang): pl.String() for k in (*names, "goals.col.by", "goals.col.at")
    }
    schema[t("goals.col.id", lang)] = pl.Int64()
    schema[t("goals.col.from", lang)] = pl.Int64()
    return pl.DataFrame(rows, schema=schema, orient="row")


def _goal_form(ctx: state.Context, labels: dict[str, str]) -> None:
    lang, f = ctx.lang, ctx.filters
    st.markdown("##### " + t("goals.form", lang))
    c1, c2, c3 = st.columns(3)
    codes = [i.code for i in INDICATORS]
    code = c1.selectbox(
        t("goals.indicator", lang),
        codes,
        index=codes.index("R_ONTIME"),
        format_func=lambda c: indicator(c).name(lang),
        key="ov_goal_code",
    )
    days = indicator(code).unit == Unit.DAYS
    value = c2.number_input(
        t("goals.value.days" if days else "goals.value.pct", lang),
        min_value=0.0,
        max_value=None if days else 100.0,
        value=5.0 if days else 90.0,
        step=0.5,
        key="ov_goal_value",
    )
    year = c3.number_input(
        t("goals.from", lang),
        min_value=2000,
        max_value=2100,
        value=f.period.end.year,
        step=1,
        key="ov_goal_year",
    )
    scopes = ("all", "level", "kind", "unit")
    c4, c5 = st.columns(2)
    scope = c4.radio(
        t("goals.scope", lang),
        scopes,
        format_func=lambda s: t(f"goals.scope.{s}", lang),
        horizontal=True,
        key="ov_goal_scope",
    )
    choices: dict[str, str] = {}
    if scope in ("level", "kind"):
        choices = enum_labels(scope, lang)
    elif scope == "unit":
        choices = labels
    which = (
        c5.selectbox(
            t("goals.scope.which", lang),
            list(choices),
            format_func=lambda k: choices.get(k, k),
            key=f"ov_goal_which_{scope}",
        )
        if choices
        else None
    )
    if not st.button(t("goals.set", lang), type="primary", key="ov_goal_set"):
        return
    try:
        new = set_goal(
            ctx.gate.engine,
            ctx.gate.person,
            code,
            value if days else value / 100,
            level=which if scope == "level" else None,
            kind=which if scope == "kind" else None,
            unit_id=which if scope == "unit" else None,
            from_year=int(year),
        )
    except Denied as exc:
        signin.refuse(exc, lang, key="goals")
        return
    except GoalError as exc:
        st.error(md(str(exc)))
        return
    _flash(t("goals.done", lang, id=new))


# ---- the notes (Unit page)


def unit_notes(ctx: state.Context, unit: str, tree: Tree) -> pl.DataFrame:
    """The notes that cover ``unit`` (its own and its ancestors')."""
    return covering(ctx.source.notes(), unit, tree)


def marks(notes: pl.DataFrame, labels: dict[str, str]) -> list[NoteMark]:
    return [
        NoteMark(
            r["from_date"],
            r["to_date"],
            r["text"],
            r["author"],
            labels.get(r["unit_id"], r["unit_id"]),
        )
        for r in notes.iter_rows(named=True)
    ]


def overlay(
    fig: go.Figure,
    lang: Lang,
    goals: pl.DataFrame,
    unit_row: dict[str, object],
    code: str | None,
    x: Sequence[object],
    months: Sequence[str],
    notes: Sequence[NoteMark],
) -> None:
    """The goal of ``code`` (None: a score, no goal) for each month and the notes of the
    months drawn over ``fig``."""
    if code is not None:
        by_year = goal_by_year(goals, unit_row, code, [int(m[:4]) for m in months])
        add_goal_line(fig, x, [by_year[int(m[:4])] for m in months], t("goal.line", lang))
    add_note_marks(fig, x, months, notes, t("notes.marker", lang))


def notes_panel(ctx: state.Context, unit: str, tree: Tree, labels: dict[str, str]) -> None:
    """The notes that cover the unit, the remove button on each the person may remove,
    and the form to add one where the person may."""
    lang, f, person = ctx.lang, ctx.filters, ctx.gate.person
    st.subheader(t("notes.title", lang))
    st.caption(t("notes.help", lang))
    notes = unit_notes(ctx, unit, tree).sort("from_date", "note_id", descending=True)
    if notes.is_empty():
        st.caption(t("notes.none", lang))
    for r in notes.iter_rows(named=True):
        c1, c2 = st.columns([6, 1], vertical_alignment="center")
        days = f"{r['from_date']}" + (
            f" – {r['to_date']}" if r["to_date"] != r["from_date"] else ""
        )
        who = labels.get(r["unit_id"], r["unit_id"])
        c1.markdown(
            f"**{md(days)}** · {md(who)} · {md(r['text'])}  \n"
            f":gray[{md(r['author'])} · {r['created_at']:%Y-%m-%d %H:%M}]"
        )
        if may_remove(person, r, tree) and c2.button(
            t("notes.remove", lang), key=f"un_note_rm_{r['note_id']}"
        ):
            try:
                remove_note(ctx.gate.engine, person, int(r["note_id"]), tree)
            except (Denied, NoteError) as exc:
                _refused(exc, lang, who)
                return
            _flash(t("notes.removed", lang, id=r["note_id"]))
    if not may_add(person, unit, tree):
        return
    with st.form(f"un_note_form_{unit}", clear_on_submit=True):
        st.markdown("##### " + t("notes.form", lang))
        c1, c2 = st.columns(2)
        first = c1.date_input(t("notes.from", lang), value=f.period.start, key="un_note_from")
        last = c2.date_input(t("notes.to", lang), value=f.period.end, key="un_note_to")
        text = st.text_input(t("notes.text", lang), max_chars=500, key="un_note_text")
        if not st.form_submit_button(t("notes.add", lang), type="primary"):
            return
    if not str(text or "").strip():
        st.error(t("notes.empty", lang))
        return
    if _day(last) < _day(first):
        st.error(t("notes.order", lang))
        return
    try:
        new = add_note(ctx.gate.engine, person, unit, _day(first), _day(last), text, tree)
    except (Denied, NoteError) as exc:
        _refused(exc, lang, labels.get(unit, unit))
        return
    _flash(t("notes.added", lang, id=new))


def _day(value: object) -> date:
    if isinstance(value, date):
        return value
    raise NoteError("--from/--to: pick a date")


def _refused(exc: Exception, lang: Lang, unit_label: str) -> None:
    if isinstance(exc, Denied):
        signin.refuse(exc, lang, unit_label, key="notes")
    else:
        st.error(md(str(exc)))
