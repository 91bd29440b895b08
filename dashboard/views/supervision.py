"""Supervision: findings by source (internal, external), rectified on time or overdue,
results made public or not."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import figures, tables, widgets
from dashboard.export import Needs
from dashboard.figures import Axis
from dashboard.i18n import enum_label, field_label, fmt_int, t
from queries.access import audit
from queries.access.roles import Area
from queries.engine import breakdowns
from queries.engine.classify import status_label


def render() -> None:
    p = widgets.topic_page("sup.title")
    ctx, f, lang, src = p.ctx, p.filters, p.lang, p.source
    classified = src.classified(f.period, f.as_of)

    by_source = breakdowns.supervision_by_source(classified, p.subtree)
    opened = int(by_source["opened"].sum()) if by_source.height else 0
    c0, rest = st.columns([1, 2])
    with c0:
        st.metric(t("sup.items_count", lang), fmt_int(opened, lang), border=True)
    with rest:
        widgets.indicator_metrics(ctx, p.row, p.prev_row, ["R_RECTIFY", "O_SUPERVISION_PUBLIC"])

    if by_source.is_empty():
        st.info(t("sup.none", lang), icon=":material/info:")
        st.stop()

    source_label = tables.relabel(by_source, "source", lambda s: enum_label("source", s, lang))
    labelled = by_source.with_columns(source_label.alias("label"))
    st.subheader(t("sup.by_source", lang))
    left, right = st.columns(2, gap="large")
    rect_series = [
        ("on_time", t("sup.on_time", lang), figures.GREEN),
        ("late", t("sup.late", lang), figures.RED),
        ("pending", t("sup.pending", lang), figures.AMBER),
        ("no_due_date", t("sup.no_due", lang), figures.GREY),
    ]
    for col, internal, key in ((left, True, "sup.internal"), (right, False, "sup.external")):
        part = labelled.filter(pl.col("internal") == internal)
        with col:
            if part.is_empty():
                st.caption(t(key, lang) + "：" + t("empty.supervision", lang))
                continue
            widgets.chart(
                figures.stacked_bars(
                    part,
                    title=f"{t(key, lang)} · {t('sup.rectify', lang)}",
                    x_axis=Axis(t("resp.cases", lang)),
                    y_axis=Axis(field_label("source", lang)),
                    series=rect_series,
                    horizontal=True,
                ),
                f"sv_rect_{internal}",
            )

    st.subheader(t("sup.published", lang))
    widgets.chart(
        figures.stacked_bars(
            labelled.filter(pl.col("rectified") > 0),
            title=t("sup.published", lang) + " · " + t("sup.rectified", lang),
            x_axis=Axis(t("resp.cases", lang)),
            y_axis=Axis(field_label("source", lang)),
            series=[
                ("published", t("sup.published_yes", lang), figures.BLUE),
                ("not_published", t("sup.published_no", lang), figures.GREY),
            ],
            horizontal=True,
        ),
        "sv_published",
    )

    shown = by_source.select(
        source_label.alias(field_label("source", lang)),
        pl.when(pl.col("internal"))
        .then(pl.lit(t("sup.internal", lang)))
        .otherwise(pl.lit(t("sup.external", lang)))
        .alias(field_label("internal", lang)),
        pl.col("opened").alias(t("sup.opened", lang)),
        pl.col("on_time").alias(t("sup.on_time", lang)),
        pl.col("late").alias(t("sup.late", lang)),
        pl.col("pending").alias(t("sup.pending", lang)),
        pl.col("no_due_date").alias(t("sup.no_due", lang)),
        pl.col("rectified").alias(t("sup.rectified", lang)),
        pl.col("published").alias(t("sup.published_yes", lang)),
        pl.col("not_published").alias(t("sup.published_no", lang)),
    )
    widgets.table(ctx, shown, key="sv_sources", stem="supervision_by_source")

    st.subheader(t("sup.items", lang))
    tree = src.tree()
    if not ctx.gate.may(Area.RECORDS, p.scope, tree):
        st.caption(":material/lock: " + t("records.role", lang))
        return
    items = ctx.gate.records(
        p.scope,
        tree,
        lambda: breakdowns.supervision_items(classified, p.subtree),
        detail=audit.DETAIL_SUPERVISION_ITEMS,
    )
    items = items.rename({"R_RECTIFY": "status"})
    items_shown = tables.record_rows(
        items.with_columns(
            tables.relabel(items, "status", lambda s: status_label(s, lang)).alias(
                "status_zh" if lang == "zh" else "status_en"
            )
        ),
        p.labels,
        lang,
        channel_group="feedback_channel",
    )
    widgets.table(
        ctx,
        items_shown,
        key="sv_items",
        stem="supervision_items",
        height=400,
        needs=Needs(Area.RECORDS, p.scope),
    )


# run by the router (st.navigation runs a page file as __main__), never on import
if __name__ == "__main__":
    widgets.guarded(render)
