"""Overview: headline scores against the previous period, the peer ranking, the map."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import figures, goal_panels, signal_panels, state, tables, widgets
from dashboard.figures import Axis
from dashboard.i18n import enum_label, md, t
from queries.model.catalogue import RATE_CODES, indicator


def render() -> None:
    ctx = state.current()
    f, lang, src = ctx.filters, ctx.lang, ctx.source
    settings = src.settings
    widgets.heading(ctx, "overview.title")
    goal_panels.show_flash()

    table = src.table(f.period, f.as_of)
    previous = f.period.previous()
    prev_table = src.previous_table(f.period, f.as_of)
    labels = tables.unit_labels(src.units(), lang)
    tree = src.tree()
    scope = f.scope or tree.roots[0]
    row = table.filter(pl.col("unit_id") == scope).row(0, named=True)
    prev_rows = prev_table.filter(pl.col("unit_id") == scope)
    prev_row = prev_rows.row(0, named=True) if prev_rows.height else {}

    if all((row.get(f"{c}_n") or 0) == 0 for c in RATE_CODES if c != "O_COVERAGE"):
        st.info(t("empty.period", lang, period=f.period.label(lang)), icon=":material/event_busy:")

    # ---- headline: the scope's scores against the previous period
    st.subheader(t("overview.headline", lang))
    widgets.gaps_notice(ctx)
    widgets.score_metrics(ctx, table, row, prev_row, previous)

    # ---- the peer ranking
    level = f.level or row["level"]
    of_level = set(table.filter(pl.col("level") == level)["unit_id"].to_list())
    peers = [u for u in tree.subtree(scope) if u in of_level]
    st.subheader(t("overview.ranking", lang, level=enum_label("level", level, lang)))
    st.caption(t("overview.ranking.help", lang))
    if not peers:
        st.info(t("empty.peers", lang), icon=":material/info:")
        st.stop()
    ranking = tables.score_table(table, peers, labels, settings, lang)
    # each unit's funnel signals beside its rank
    signals = signal_panels.ranking_signals(src.funnel(f.period, f.as_of), peers, lang)
    uid = t("col.unit_id", lang)
    ranking = ranking.with_columns(
        pl.col(uid)
        .replace_strict(signals, default="", return_dtype=pl.String)
        .alias(t("col.signal", lang))
    )
    # after rank, rank change and the unit's name (downloads keep those three first)
    order = ranking.columns
    at = order.index(t("col.unit", lang)) + 1
    ranking = ranking.select([*order[:at], order[-1], *order[at:-1]])
    # each unit against its goals, and the filter for those below one
    ranking = goal_panels.ranking_goals(ranking, table, uid, lang)
    ranking = goal_panels.below_goal_filter(ctx, table, ranking, uid)
    unranked = ranking.filter(pl.col(t("col.rank", lang)).is_null()).height
    if unranked:
        st.caption(":material/warning: " + t("overview.unranked", lang, count=unranked))
    score_cols = [t(f"col.{c}", lang) for c in ("openness", "responsiveness", "satisfaction")]
    config = {
        t("col.overall", lang): st.column_config.ProgressColumn(
            t("col.overall", lang), min_value=0, max_value=100, format="%.1f"
        ),
        **{c: st.column_config.NumberColumn(c, format="%.1f") for c in score_cols},
        t("col.rank", lang): st.column_config.NumberColumn(t("col.rank", lang), format="%d"),
        t("col.status", lang): st.column_config.TextColumn(t("col.status", lang), width="large"),
        t("col.signal", lang): st.column_config.TextColumn(t("col.signal", lang), width="medium"),
    }
    uid_col = t("col.unit_id", lang)
    widgets.table(
        ctx,
        ranking,
        key="ov_ranking",
        stem="ranking",
        column_config=config,
        open_unit=ranking[uid_col].to_list(),
        height=min(38 + 35 * ranking.height, 460),
        hide=(uid_col,),
        # a phone: rank, unit, score and signal; the rest behind a tap
        compact=tuple(t(f"col.{c}", lang) for c in ("rank", "unit", "overall", "signal")),
    )
    goal_panels.goals_panel(ctx, labels)
    # ---- indicator with intervals, and the three-score map
    left, right = st.columns(2, gap="large")
    with left:
        rate_codes = [c for c in RATE_CODES if c != "O_COVERAGE"] + ["O_COVERAGE"]
        default = state.page_param("ind")
        if st.session_state.get("ov_ind") not in rate_codes:
            st.session_state["ov_ind"] = default if default in rate_codes else "R_ONTIME"
        code = st.selectbox(
            t("overview.whiskers.indicator", lang),
            rate_codes,
            format_func=lambda c: indicator(c).name(lang),
            key=state.relabelled("ov_ind"),
        )
        state.set_page_param("ind", code)
        ind = indicator(code)
        dots = (
            table.filter(pl.col("unit_id").is_in(peers) & pl.col(code).is_not_null())
            .select(
                pl.col("unit_id").replace_strict(labels, default=pl.col("unit_id")).alias("label"),
                pl.col(code).alias("value"),
                pl.col(f"{code}_lo").alias("lo"),
                pl.col(f"{code}_hi").alias("hi"),
                pl.col(f"{code}_n").alias("n"),
                (
                    pl.lit(False)
                    if ind.min_sample_exempt
                    else pl.col(f"{code}_n") < settings.min_sample
                ).alias("insufficient"),
            )
            .sort("value", descending=True)
        )
        if dots.is_empty():
            st.info(t("empty.table", lang), icon=":material/info:")
        else:
            widgets.chart(
                figures.interval_dots(
                    dots,
                    title=t("overview.whiskers", lang) + f" · {ind.name(lang)}",
                    value_axis=Axis(ind.name(lang), percent=True),
                    insufficient_name=t("insufficient", lang) + f" (n<{settings.min_sample})",
                    sufficient_name=f"n≥{settings.min_sample}",
                ),
                "ov_dots",
            )
    with right:
        scored = table.filter(
            pl.col("unit_id").is_in(peers)
            & pl.col("openness").is_not_null()
            & pl.col("responsiveness").is_not_null()
            & pl.col("satisfaction").is_not_null()
        ).select(
            pl.col("unit_id").replace_strict(labels, default=pl.col("unit_id")).alias("label"),
            pl.col("openness").alias("x"),
            pl.col("responsiveness").alias("y"),
            pl.col("satisfaction").alias("color"),
        )
        if scored.is_empty():
            st.info(t("empty.table", lang), icon=":material/info:")
        else:
            widgets.chart(
                figures.score_map(
                    scored,
                    title=t("overview.map", lang),
                    x_axis=Axis(t("col.openness", lang)),
                    y_axis=Axis(t("col.responsiveness", lang)),
                    color_title=t("col.satisfaction", lang),
                    median_name=t("unit.trend.median", lang),
                ),
                "ov_map",
            )
            st.caption(t("overview.map.help", lang))
        shown = set(scored["label"].to_list())
        left_out = [md(labels[u]) for u in peers if labels[u] not in shown]
        if left_out:
            sep = "、" if lang == "zh" else ", "
            st.caption(
                ":material/info: " + t("overview.map.missing", lang, units=sep.join(left_out))
            )

    # ---- which differences are larger than chance: the funnel of the chosen indicator
    signal_panels.funnel_section(ctx, code, level, peers, labels)

    # the reader's next step is usually a unit: its trend needs every peer's months
    src.prefetch_unit_page(f.period, f.as_of)


# run by the router (st.navigation runs a page file as __main__), never on import
if __name__ == "__main__":
    widgets.guarded(render)
