"""Satisfaction: satisfaction and resolution, return-visit coverage, repeats, by channel
and kind, monthly trend."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import figures, tables, widgets
from dashboard.figures import Axis
from dashboard.i18n import enum_label, field_label, fmt_month, t
from queries.engine import breakdowns
from queries.model.catalogue import indicator


def render() -> None:
    p = widgets.topic_page("sat.title")
    ctx, f, lang, src = p.ctx, p.filters, p.lang, p.source

    if src.frames().feedback.is_empty():
        st.info(t("empty.feedback", lang), icon=":material/info:")
    widgets.indicator_metrics(
        ctx, p.row, p.prev_row, ["S_SATISFACTION", "S_RESOLVED", "S_RETURN_VISIT", "S_REPEAT"]
    )
    if not p.row.get("S_SATISFACTION_n") and not p.row.get("S_RESOLVED_n"):
        st.info(t("sat.no_visits", lang), icon=":material/info:")

    classified = src.classified(f.period, f.as_of)
    sat, res = indicator("S_SATISFACTION"), indicator("S_RESOLVED")

    for by, group, title_key in (
        ("channel", "feedback_channel", "sat.by_channel"),
        ("kind", "feedback_kind", "sat.by_kind"),
    ):
        st.subheader(t(title_key, lang))
        s_rates = breakdowns.rate_by(classified, "S_SATISFACTION", p.subtree, by, p.settings)
        r_rates = breakdowns.rate_by(classified, "S_RESOLVED", p.subtree, by, p.settings)
        if s_rates.is_empty() and r_rates.is_empty():
            st.caption(t("sat.no_visits", lang))
            continue
        charts = st.columns(2, gap="large")
        for col, ind, rates in ((charts[0], sat, s_rates), (charts[1], res, r_rates)):
            with col:
                if rates.is_empty():
                    st.caption(t("sat.no_visits", lang))
                    continue

                def label(v: str, g: str = group) -> str:
                    return enum_label(g, v, lang)

                dots = rates.select(
                    tables.relabel(rates, by, label).alias("label"),
                    "value",
                    "lo",
                    "hi",
                    "n",
                    (pl.col("n") < p.settings.min_sample).alias("insufficient"),
                ).sort("value", descending=True)
                widgets.chart(
                    figures.interval_dots(
                        dots,
                        title=f"{ind.name(lang)} · {t(title_key, lang)}",
                        value_axis=Axis(ind.name(lang), percent=True),
                        insufficient_name=t("insufficient", lang) + f" (n<{p.settings.min_sample})",
                        sufficient_name=f"n≥{p.settings.min_sample}",
                    ),
                    f"sa_{by}_{ind.code}",
                )
        shown = tables.by_group_rates(s_rates, by, group, lang, sat.name(lang)).join(
            tables.by_group_rates(r_rates, by, group, lang, res.name(lang)),
            on=field_label(by, lang),
            how="full",
            coalesce=True,
        )
        widgets.table(ctx, shown, key=f"sa_{by}_table", stem=f"satisfaction_by_{by}")

    # ---- monthly trend of the scope
    st.subheader(t("sat.trend", lang))
    months = src.trend_months(f.period, f.as_of)
    series = src.series_long(f.as_of, [p.scope], months)
    codes = ["S_SATISFACTION", "S_RESOLVED", "S_RETURN_VISIT", "S_REPEAT"]
    wide = series.filter(pl.col("code").is_in(codes)).pivot(
        on="code", index="month", values="value"
    )
    line = pl.DataFrame({"month": [str(m) for m in months]}).join(wide, on="month", how="left")
    for c in codes:
        if c not in line.columns:
            line = line.with_columns(pl.lit(None, pl.Float64).alias(c))
    line = line.with_columns(tables.relabel(line, "month", lambda m: fmt_month(m, lang)))
    widgets.chart(
        figures.trend(
            line,
            title=t("sat.trend", lang) + f" · {p.labels[p.scope]}",
            x_axis=Axis(t("col.month", lang)),
            y_axis=Axis(t("col.value", lang), percent=True),
            lines=[
                (c, indicator(c).name(lang), color, c == "S_REPEAT")
                for c, color in zip(codes, figures.PALETTE, strict=False)
            ],
        ),
        "sa_trend",
    )
    widgets.unfinished_month(months, f.as_of, lang)

    # ---- peers compared on the dimension
    st.subheader(t("peers.table", lang, level=enum_label("level", f.level, lang)))
    peer_table = tables.dimension_table(p.table, p.peers, p.labels, "satisfaction", lang)
    widgets.table(
        ctx,
        peer_table,
        key="sa_peers",
        stem="satisfaction_peers",
        hide=(t("col.unit_id", lang),),
        column_config=widgets.number_columns(peer_table),
    )


# run by the router (st.navigation runs a page file as __main__), never on import
if __name__ == "__main__":
    widgets.guarded(render)
