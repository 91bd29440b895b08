"""Unit: breadcrumb, indicators with the records behind each rate, the units below,
monthly trends against the peers' median."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import figures, goal_panels, signal_panels, signin, state, tables, widgets
from dashboard.export import Needs
from dashboard.figures import Axis
from dashboard.i18n import dimension, enum_label, fmt_month, md, t
from queries.access.gate import Denied
from queries.access.roles import Area
from queries.engine import breakdowns
from queries.model.catalogue import INDICATORS, indicator
from queries.model.tree import Tree
from queries.vocabulary.formats import labelled


def render() -> None:
    ctx = state.current()
    f, lang, src = ctx.filters, ctx.lang, ctx.source
    settings = src.settings
    tree = src.tree()
    units = src.units()
    labels = tables.unit_labels(units, lang)

    unit = state.page_param("unit") or f.scope or tree.roots[0]
    if unit not in labels:
        fallback = f.scope or tree.roots[0]
        st.warning(t("error.unknown_unit", lang, unit=md(unit), fallback=md(labels[fallback])))
        unit = fallback
    state.set_page_param("unit", unit)

    table = src.table(f.period, f.as_of)
    row = table.filter(pl.col("unit_id") == unit).row(0, named=True)

    # ---- breadcrumb and heading
    crumbs = tree.ancestors(unit)
    if crumbs:
        with st.container(horizontal=True, gap="small"):
            st.caption(t("unit.breadcrumb", lang) + ":")
            for a in crumbs:
                st.page_link(
                    state.page_path("unit"),
                    label=md(labels[a]),
                    query_params=state.link_params(f, unit=a),
                    icon=":material/chevron_right:",
                )
    widgets.heading(ctx, "unit.title", unit)
    goal_panels.show_flash()
    rank = row.get("rank")
    level_name = enum_label("level", row["level"], lang)
    peers_n = table.filter(pl.col("level") == row["level"]).height
    facts = [
        labelled(t("col.level", lang), level_name, lang),
        labelled(t("col.kind", lang), enum_label("kind", row["kind"], lang), lang),
        labelled(t("col.unit_id", lang), md(unit), lang),
    ]
    if rank is not None:
        facts.append(
            labelled(t("col.rank", lang), f"{rank} / {peers_n}", lang)
            + (f"（{level_name}）" if lang == "zh" else f" ({level_name})")
        )
    st.caption(" · ".join(facts))
    note = tables.status_note(row, settings, lang)
    if note:
        st.caption(":material/warning: " + note)

    # ---- scores against the previous period
    previous = f.period.previous()
    prev_table = src.previous_table(f.period, f.as_of)
    widgets.gaps_notice(ctx)
    widgets.score_metrics(ctx, table, row, widgets.unit_row(prev_table, unit), previous)

    # ---- indicators, and the records behind the one picked
    st.subheader(t("unit.indicators", lang))
    st.caption(t("unit.indicators.help", lang))
    goal_panels.unit_goal_lines(ctx, row)
    inds = tables.indicator_rows(row, settings, lang)
    event = widgets.table(
        ctx,
        inds,
        key=f"un_inds_{unit}",
        stem="indicators",
        unit=unit,
        select=True,
        # a phone: indicator, value and n; the rest behind a tap
        compact=tuple(t(f"col.{c}", lang) for c in ("indicator", "value", "n")),
        column_config={
            t("col.status", lang): st.column_config.TextColumn(
                t("col.status", lang), width="medium"
            ),
            t("col.explain", lang): st.column_config.TextColumn(
                t("col.explain", lang), width="large"
            ),
        },
    )
    codes = [i.code for i in INDICATORS]
    # the records behind one rate: their own link, /unit?unit=ID&records=CODE (access.md);
    # `ind` is what older links used
    asked = state.page_param("records") or state.page_param("ind")
    if asked is None and not ctx.gate.may(Area.RECORDS, unit, tree):
        # nothing asked for records out of reach: say so; a link that names them
        # (records=CODE) is refused and audited by the gate below
        st.caption(":material/lock: " + t("unit.records.role", lang))
    else:
        _records(ctx, unit, tree, labels, inds, event, codes, asked)

    # ---- the units below
    st.subheader(t("unit.children", lang))
    children = list(tree.children.get(unit, ()))
    if not children:
        st.caption(t("unit.no_children", lang))
    else:
        kids = tables.score_table(table, children, labels, settings, lang, with_level=True)
        uid_col = t("col.unit_id", lang)
        widgets.table(
            ctx,
            kids,
            key=f"un_children_{unit}",
            stem="children",
            unit=unit,
            open_unit=kids[uid_col].to_list(),
            hide=(uid_col,),
            compact=tuple(
                c
                for c in (t(f"col.{k}", lang) for k in ("rank", "unit", "overall"))
                if c in kids.columns
            ),
            column_config={
                t("col.overall", lang): st.column_config.ProgressColumn(
                    t("col.overall", lang), min_value=0, max_value=100, format="%.1f"
                ),
                t("col.status", lang): st.column_config.TextColumn(
                    t("col.status", lang), width="large"
                ),
            },
        )

    # ---- notes on the charts: the list, and the form for those who may add one
    goal_panels.notes_panel(ctx, unit, tree, labels)
    notes = goal_panels.marks(goal_panels.unit_notes(ctx, unit, tree), labels)
    goals = src.goals()

    # ---- monthly trend against the peers' median, with the goal and the notes
    st.subheader(t("unit.trends", lang))
    trend_codes = ["overall", "openness", "responsiveness", "satisfaction", *codes]
    if st.session_state.get("un_trend") not in trend_codes:
        st.session_state["un_trend"] = "overall"
    tcode = st.selectbox(
        t("unit.trend.indicator", lang),
        trend_codes,
        format_func=lambda c: (
            t(f"col.{c}", lang) if c in trend_codes[:4] else indicator(c).name(lang)
        ),
        key=state.relabelled("un_trend"),
    )
    peers = table.filter(pl.col("level") == row["level"])["unit_id"].to_list()
    months = src.trend_months(f.period, f.as_of)
    series = src.series_long(f.as_of, peers, months)
    mine = series.filter((pl.col("unit_id") == unit) & (pl.col("code") == tcode)).select(
        "month", "value"
    )
    median = breakdowns.peer_median(series, peers, tcode)
    line = (
        pl.DataFrame({"month": [str(m) for m in months]})
        .join(mine, on="month", how="left")
        .join(median.select("month", "median"), on="month", how="left")
    )
    line = line.with_columns(tables.relabel(line, "month", lambda m: fmt_month(m, lang)))
    is_score = tcode in trend_codes[:4]
    percent = not is_score and indicator(tcode).unit.value == "share"
    name = t(f"col.{tcode}", lang) if is_score else indicator(tcode).name(lang)
    fig = figures.trend(
        line,
        title=f"{name} · {labels[unit]}",
        x_axis=Axis(t("col.month", lang)),
        y_axis=Axis(name, percent=percent),
        lines=[
            ("value", t("unit.trend.this", lang), figures.BLUE, False),
            ("median", t("unit.trend.median", lang), figures.GREY, True),
        ],
    )
    month_codes = [str(m) for m in months]
    goal_panels.overlay(
        fig,
        lang,
        goals,
        row,
        None if is_score else tcode,
        line["month"].to_list(),
        month_codes,
        notes,
    )
    widgets.chart(fig, f"un_trend_{unit}")
    widgets.unfinished_month(month_codes, f.as_of, lang)

    # ---- control charts: each rate's last 12 months against its own baseline
    signal_panels.control_section(
        ctx,
        unit,
        overlay=lambda fig, code, ms: goal_panels.overlay(
            fig, lang, goals, row, code, ms, ms, notes
        ),
    )


def _records(
    ctx: state.Context,
    unit: str,
    tree: Tree,
    labels: dict[str, str],
    inds: pl.DataFrame,
    event: object,
    codes: list[str],
    asked: str | None,
) -> None:
    f, lang, src = ctx.filters, ctx.lang, ctx.source
    code_col = t("col.code", lang)
    picked = widgets.selected_row(event)
    last_key = f"un_last_{unit}"
    if picked is not None and st.session_state.get(last_key) != picked:
        st.session_state["un_ind"] = inds[code_col][picked]
    st.session_state[last_key] = picked
    if st.session_state.get("un_ind") not in codes:
        st.session_state["un_ind"] = asked if asked in codes else "R_ONTIME"
    code = st.selectbox(
        t("unit.records.pick", lang),
        codes,
        format_func=lambda c: (
            f"{dimension(indicator(c).dimension, lang)} · {indicator(c).name(lang)}"
        ),
        key=state.relabelled("un_ind"),
    )
    state.set_page_param("records", code)
    state.set_page_param("ind", code)  # what links made before `records` still carry
    ind = indicator(code)
    st.markdown("##### " + t("unit.records", lang, indicator=ind.name(lang)))
    st.caption(f"{ind.numerator(lang)} ÷ {ind.denominator(lang)}")
    try:
        records = ctx.gate.records(
            unit,
            tree,
            lambda: src.records(code, unit, f.period, f.as_of),
            detail=f"records {code}",
        )
    except Denied as exc:
        signin.refuse(exc, lang, labels.get(unit))
        return
    st.page_link(
        state.page_path("unit"),
        label=t("records.link", lang),
        query_params=state.link_params(f, unit=unit, records=code),
        icon=":material/link:",
    )
    if records.is_empty():
        st.info(t("unit.records.none", lang), icon=":material/info:")
        return
    # the records that pull the rate down first (late, missing, not visited ...)
    records = records.sort(
        ["denominator", "numerator"], descending=[True, False], maintain_order=True
    )
    group = "disclosure_channel" if ind.record_kind == "disclosures" else "feedback_channel"
    shown = tables.record_rows(records, labels, lang, channel_group=group)
    widgets.table(
        ctx,
        shown,
        key=f"un_records_{unit}_{code}",
        stem=f"records_{code}",
        unit=unit,
        height=380,
        needs=Needs(Area.RECORDS, unit),
        # a phone: the status and the record's key; the rest behind a tap
        compact=tuple(shown.columns[:2]),
    )


# run by the router (st.navigation runs a page file as __main__), never on import
if __name__ == "__main__":
    widgets.guarded(render)
