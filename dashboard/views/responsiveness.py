"""Responsiveness: response and on-time rates, the open backlog by age, days to close,
reasoned replies, deputies' and supervisors' items apart."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import figures, tables, widgets
from dashboard.export import Needs
from dashboard.figures import Axis
from dashboard.i18n import enum_label, fmt_int, t
from queries.access import audit
from queries.access.roles import Area
from queries.engine import breakdowns


def render() -> None:
    p = widgets.topic_page("resp.title")
    ctx, f, lang, src = p.ctx, p.filters, p.lang, p.source

    if src.frames().feedback.is_empty():
        st.info(t("empty.feedback", lang), icon=":material/info:")
    widgets.indicator_metrics(
        ctx, p.row, p.prev_row, ["R_RESPONSE", "R_ONTIME", "R_REPLY", "R_RECTIFY"]
    )
    widgets.indicator_metrics(ctx, p.row, p.prev_row, ["R_ADOPTION", "R_CLOSE_DAYS"])

    classified = src.classified(f.period, f.as_of)

    # ---- the open backlog at the as-of, and days to close
    st.subheader(t("resp.backlog", lang))
    open_cases = breakdowns.open_cases(src.backlog(f.as_of), p.subtree, f.as_of)
    overdue = open_cases.filter(pl.col("overdue"))
    m1, m2, _ = st.columns([1, 1, 2])
    m1.metric(t("resp.open_count", lang), fmt_int(open_cases.height, lang), border=True)
    m2.metric(t("resp.overdue_count", lang), fmt_int(overdue.height, lang), border=True)
    left, right = st.columns(2, gap="large")
    with left:
        if open_cases.is_empty():
            st.caption(t("resp.backlog.none", lang))
        else:
            classes = breakdowns.age_classes(open_cases)
            ages = classes.with_columns(
                tables.row_texts(
                    classes,
                    ["lo", "hi"],
                    lambda lo, hi: (
                        t("resp.age_class", lang, lo=lo, hi=hi)
                        if hi is not None
                        else t("resp.age_class_open", lang, lo=lo)
                    ),
                    "label",
                ),
                (pl.col("open") - pl.col("overdue")).alias("fine"),
            )
            widgets.chart(
                figures.stacked_bars(
                    ages,
                    title=t("resp.backlog", lang),
                    x_axis=Axis(t("resp.age", lang)),
                    y_axis=Axis(t("resp.cases", lang)),
                    series=[
                        ("fine", t("resp.not_overdue", lang), figures.LIGHT_BLUE),
                        ("overdue", t("resp.overdue", lang), figures.RED),
                    ],
                ),
                "rs_backlog",
            )
    with right:
        days = breakdowns.close_days(classified, p.subtree)
        if days.is_empty():
            st.info(t("empty.feedback", lang), icon=":material/info:")
        else:
            widgets.chart(
                figures.histogram(
                    days.to_list(),
                    title=t("resp.close_days", lang),
                    x_axis=Axis(t("resp.close_days.x", lang)),
                    y_axis=Axis(t("resp.cases", lang)),
                ),
                "rs_close_days",
            )
    if not overdue.is_empty():
        with st.expander(t("resp.overdue_list", lang) + f"（{overdue.height}）"):
            tree = src.tree()
            # the cases themselves are records: read through the gate, like the Unit
            # page's records (access.md; the counts and charts above are aggregates)
            if not ctx.gate.may(Area.RECORDS, p.scope, tree):
                st.caption(":material/lock: " + t("records.role", lang))
            else:
                cases = ctx.gate.records(
                    p.scope, tree, lambda: overdue, detail=audit.DETAIL_OVERDUE_CASES
                )
                shown = tables.record_rows(
                    cases.sort("overdue_days", descending=True).drop("overdue"),
                    p.labels,
                    lang,
                    channel_group="feedback_channel",
                )
                widgets.table(
                    ctx,
                    shown,
                    key="rs_overdue",
                    stem="overdue_cases",
                    height=360,
                    needs=Needs(Area.RECORDS, p.scope),
                )

    # ---- deputies' and supervisors' items apart
    st.subheader(t("resp.channels", lang))
    st.caption(t("resp.channels.help", lang))
    codes = ["R_RESPONSE", "R_ONTIME", "R_REPLY", "S_SATISFACTION"]
    rates = breakdowns.channel_rates(
        classified, codes, p.subtree, ["deputy", "supervisor"], p.settings
    )
    special = tables.channel_rate_table(rates, p.row, codes, lang)
    widgets.table(ctx, special, key="rs_special", stem="deputies_supervisors")

    # ---- peers compared on the dimension
    st.subheader(t("peers.table", lang, level=enum_label("level", f.level, lang)))
    peer_table = tables.dimension_table(p.table, p.peers, p.labels, "responsiveness", lang)
    widgets.table(
        ctx,
        peer_table,
        key="rs_peers",
        stem="responsiveness_peers",
        hide=(t("col.unit_id", lang),),
        column_config=widgets.number_columns(peer_table),
    )


# run by the router (st.navigation runs a page file as __main__), never on import
if __name__ == "__main__":
    widgets.guarded(render)
