"""Audit trail (admins): who looked at what, filtered by person, event and time; CSV
download through the export layer (queries.model.export), itself audited."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import polars as pl
import streamlit as st

from dashboard import data, signin, state, widgets
from dashboard.export import CSV_MIME, Needs, deferred
from dashboard.i18n import STRINGS, Lang, t
from dashboard.tables import relabel, to_display
from queries.access import audit
from queries.access.gate import Denied
from queries.access.roles import Area, Reach, role_label
from queries.model.catalogue import INDICATORS, indicator
from queries.model.tree import Tree

SHOWN = 5000  # the latest events shown and downloaded
CODES = frozenset(i.code for i in INDICATORS)


def render() -> None:
    ctx = state.current()
    lang = ctx.lang
    st.title(t("audit.title", lang))
    if ctx.person.reach(Area.AUDIT) != Reach.ALL:
        try:
            ctx.gate.check(Area.AUDIT, None, Tree({}, {}, ()), "audit page")
        except Denied as exc:
            signin.refuse(exc, lang, key="page")
            return
    st.caption(t("audit.help", lang))
    engine = data.get_engine(ctx.source.url)
    today = state.local_now().date()
    c1, c2, c3, c4 = st.columns([2, 2, 1, 1])
    who = c1.selectbox(
        t("audit.person", lang),
        [None, *audit.people(engine)],
        key="au_user",
        format_func=lambda e: e or "—",
    )
    events = c2.multiselect(
        t("audit.event", lang),
        list(audit.EVENTS),
        format_func=lambda e: t(f"audit.ev.{e}", lang),
        placeholder=t("audit.every_event", lang),
        key=state.relabelled("au_events"),
    )
    start = c3.date_input(t("audit.from", lang), today - timedelta(days=30), key="au_from")
    end = c4.date_input(t("audit.to", lang), today, key="au_to")
    trail = audit.read(
        engine,
        user=who,
        events=tuple(events) or None,
        since=datetime.combine(start, time()) if start else None,
        until=datetime.combine(end + timedelta(days=1), time()) if end else None,
        limit=SHOWN,
    ).reverse()
    st.caption(t("audit.shown", lang, n=trail.height))
    if trail.is_empty():
        st.info(t("empty.table", lang), icon=":material/info:")
        return
    shown = trail.with_columns(
        pl.col("at").dt.strftime("%Y-%m-%d %H:%M:%S"),
        pl.col("as_of").dt.strftime("%Y-%m-%d %H:%M"),
        relabel(trail, "role", lambda r: role_label(r, lang)),
        relabel(trail, "event", lambda e: t(f"audit.ev.{e}", lang)),
        relabel(trail, "page", lambda p: _page_title(p, lang)),
        relabel(trail, "detail", lambda d: _detail(d, lang)),
    )
    st.dataframe(
        to_display(shown.rename({c: t(f"audit.col.{c}", lang) for c in shown.columns})),
        hide_index=True,
        width="stretch",
        height=widgets.fitted_height(shown.height, tall=520),
        placeholder=widgets.NULL_CELL,
    )
    # the trail as `openness audit` writes it (columns and codes of access.md)
    name = f"audit_{start}_{end}" + (f"_{who}" if who else "") + ".csv"
    st.download_button(
        t("download.csv", lang),
        data=deferred(
            lambda: audit.trail_bytes(trail, "csv"),
            name,
            trail.height,
            widgets.asker(ctx),
            Needs(Area.AUDIT),
        ),
        file_name=name,
        mime=CSV_MIME,
        on_click="ignore",
        icon=":material/download:",
        key="au_csv",
    )


def _page_title(key: str, lang: Lang) -> str:
    """A page's title for its key (``unit`` -> 单位详情); sign-in and sign-out by name; an
    unknown key as it is. The CSV keeps the keys (access.md)."""
    if key in ("sign_in", "sign_out"):
        return t(f"audit.ev.{key}", lang)
    return t(f"page.{key}", lang) if f"page.{key}" in STRINGS else key


_FIXED_DETAILS = {
    audit.DETAIL_OVERDUE_CASES: "audit.detail.overdue_cases",
    audit.DETAIL_SUPERVISION_ITEMS: "audit.detail.supervision_items",
    audit.DETAIL_NO_ROLE: "audit.detail.no_role",
}


def _detail(detail: str, lang: Lang) -> str:
    """A detail the dashboard writes in the reader's language (``records R_ONTIME`` ->
    the records of the indicator, by name); any other detail as it is."""
    kind, _, code = detail.partition(" ")
    if kind == "records" and code in CODES:
        return t("records.of", lang, indicator=indicator(code).name(lang))
    if detail in _FIXED_DETAILS:
        return t(_FIXED_DETAILS[detail], lang)
    if detail.startswith(audit.DETAIL_LOCAL_SIGN_IN):
        when = detail.removeprefix(audit.DETAIL_LOCAL_SIGN_IN)
        return t("audit.detail.local_sign_in", lang, when=when)
    return detail


# run by the router (st.navigation runs a page file as __main__), never on import
if __name__ == "__main__":
    widgets.guarded(render)
