"""Openness: catalogue coverage heatmap, depth balance, time to publish, channels."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import figures, tables, widgets
from dashboard.figures import Axis
from dashboard.i18n import enum_label, field_label, t
from queries.engine import breakdowns
from queries.model.records import DISCLOSURE_CATEGORIES, DISCLOSURE_CHANNELS


def render() -> None:
    p = widgets.topic_page("openness.title")
    ctx, f, lang, src = p.ctx, p.filters, p.lang, p.source
    classified = src.classified(f.period, f.as_of)
    tree = src.tree()

    widgets.indicator_metrics(
        ctx,
        p.row,
        p.prev_row,
        ["O_COVERAGE", "O_TIMELY", "O_DEPTH", "O_CHANNELS", "O_SUPERVISION_PUBLIC"],
    )

    # ---- catalogue coverage: peers x categories
    mandatory = {c for cats in p.settings.catalogue.values() for c in cats}
    categories = [c for c in DISCLOSURE_CATEGORIES if c in mandatory]
    matrix = breakdowns.coverage_matrix(
        classified, {u: tree.subtree(u) for u in p.peers}, categories
    )
    if matrix.is_empty():
        st.info(t("empty.peers", lang), icon=":material/info:")
    else:
        shown = matrix.with_columns(
            pl.col("unit_id").replace_strict(p.labels, default=pl.col("unit_id")).alias("label")
        )
        widgets.chart(
            figures.coverage_heatmap(
                shown,
                title=t("openness.heatmap", lang),
                categories=[(c, enum_label("category", c, lang)) for c in categories],
                state_names=(
                    t("openness.covered", lang),
                    t("openness.missing", lang),
                    t("openness.not_required", lang),
                ),
                x_title=field_label("category", lang),
                y_title=t("col.unit", lang),
            ),
            "op_heatmap",
        )
        st.caption(t("openness.heatmap.help", lang))
    missing = breakdowns.missing_categories(classified, p.subtree)
    with st.expander(t("openness.missing_list", lang) + f"（{missing.height}）", expanded=False):
        if missing.is_empty():
            st.caption(t("openness.missing_none", lang))
        else:
            widgets.table(
                ctx,
                missing.select(
                    pl.col("unit_id").alias(field_label("unit_id", lang)),
                    pl.col("unit_id")
                    .replace_strict(p.labels, default=pl.col("unit_id"))
                    .alias(field_label("unit", lang)),
                    tables.relabel(
                        missing, "category", lambda c: enum_label("category", c, lang)
                    ).alias(field_label("category", lang)),
                ),
                key="op_missing",
                stem="missing_categories",
                height=320,
            )

    left, right = st.columns(2, gap="large")
    # ---- depth balance
    with left:
        depth = breakdowns.status_counts(classified, "O_DEPTH", p.subtree)
        counts = dict(zip(depth["status"].to_list(), depth["count"].to_list(), strict=True))
        groups = ("result", "procedure", "rights", "obligation")
        if not any(counts.get(k, 0) for k in groups):
            # nothing to balance: a message, not four bars of zero
            st.markdown(f"**{t('openness.depth', lang)}**")
            st.info(t("empty.disclosures", lang), icon=":material/info:")
        else:
            bars = pl.DataFrame(
                {
                    "label": [t(f"depth.{k}", lang) for k in groups],
                    "value": [counts.get(k, 0) for k in groups],
                }
            ).with_columns(pl.col("value").cast(pl.String).alias("text"))
            widgets.chart(
                figures.bars(
                    bars,
                    title=t("openness.depth", lang)
                    + " · "
                    + t("openness.depth.results", lang)
                    + (" ／ " if lang == "zh" else " / ")
                    + t("openness.depth.rights", lang),
                    x_axis=Axis(field_label("category", lang)),
                    y_axis=Axis(t("openness.disclosures", lang)),
                    color=[figures.BLUE, figures.LIGHT_BLUE, figures.GREEN, "#9fd3b5"],
                ),
                "op_depth",
            )
    # ---- time to publish against the deadline
    with right:
        days = breakdowns.publish_workdays(classified, p.subtree)
        limit = p.settings.disclosure_deadline_workdays
        if days.is_empty():
            st.info(t("empty.disclosures", lang), icon=":material/info:")
        else:
            widgets.chart(
                figures.histogram(
                    days.to_list(),
                    title=t("openness.timely", lang),
                    x_axis=Axis(t("openness.timely.x", lang)),
                    y_axis=Axis(t("openness.disclosures", lang)),
                    limit=limit + 0.5,
                    limit_name=t("openness.timely.limit", lang, days=limit),
                ),
                "op_timely",
            )

    # ---- channels
    st.subheader(t("openness.channels", lang))
    ch = breakdowns.count_by("disclosures", classified, p.subtree, "channel")
    used = dict(zip(ch["channel"].to_list(), ch["count"].to_list(), strict=True))
    if not any(used.get(c) for c in DISCLOSURE_CHANNELS):
        st.info(t("empty.disclosures", lang), icon=":material/info:")
    else:
        st.caption(
            t(
                "openness.channels.used",
                lang,
                used=sum(1 for c in DISCLOSURE_CHANNELS if used.get(c)),
            )
        )
        chan = pl.DataFrame(
            {
                "label": [enum_label("disclosure_channel", c, lang) for c in DISCLOSURE_CHANNELS],
                "value": [used.get(c, 0) for c in DISCLOSURE_CHANNELS],
            }
        ).sort("value", descending=True)
        widgets.chart(
            figures.bars(
                chan.with_columns(pl.col("value").cast(pl.String).alias("text")),
                title=t("openness.channels", lang),
                x_axis=Axis(t("openness.disclosures", lang)),
                y_axis=Axis(field_label("channel", lang)),
                horizontal=True,
            ),
            "op_channels",
        )

    # ---- peers compared on the dimension
    st.subheader(t("peers.table", lang, level=enum_label("level", f.level, lang)))
    peer_table = tables.dimension_table(p.table, p.peers, p.labels, "openness", lang)
    widgets.table(
        ctx,
        peer_table,
        key="op_peers",
        stem="openness_peers",
        hide=(t("col.unit_id", lang),),
        column_config=widgets.number_columns(peer_table),
    )


# run by the router (st.navigation runs a page file as __main__), never on import
if __name__ == "__main__":
    widgets.guarded(render)
