"""Attention: every unfavourable alarm, shift and trend in the chosen scope, each linked to
its unit, downloadable."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import widgets
from dashboard.i18n import t
from queries.engine.control import charts_of
from queries.engine.findings import attention, control_findings, funnel_findings
from queries.model.catalogue import indicator
from reports.signal_wording import control_sentence, funnel_sentence


def render() -> None:
    p = widgets.topic_page("attention.title")
    f, lang, src = p.filters, p.lang, p.source
    st.caption(t("attention.help", lang))
    funnel = funnel_findings(src.funnel(f.period, f.as_of))
    months, monthly = src.control_monthly(f.period, f.as_of)
    mine = monthly.filter(pl.col("unit_id").is_in(p.subtree)).sort("unit_id", "code", "month")
    charts = charts_of(mine, months, src.settings.min_sample)
    values = {
        (u, c): vs
        for u, c, vs in mine.group_by("unit_id", "code", maintain_order=True)
        .agg(pl.col("value"))
        .iter_rows()
    }
    rows = attention(funnel, control_findings(charts, months, values), p.subtree)
    if rows.is_empty():
        st.success(t("attention.none", lang), icon=":material/check_circle:")
        return
    names = p.labels
    sentences = []
    for r in rows.iter_rows(named=True):
        unit = names.get(r["unit_id"], r["unit_id"])
        if r["kind"] == "alarm":
            r = {**r, "signal": "alarm", "target": r["reference"]}
            sentences.append(funnel_sentence(r, unit, lang))
        else:
            sentences.append(control_sentence(r, lang, unit))
    uid = t("col.unit_id", lang)
    frame = rows.select(
        pl.col("unit_id").alias(uid),
        pl.col("unit_id")
        .replace_strict(names, default=pl.col("unit_id"))
        .alias(t("col.unit", lang)),
        pl.col("code")
        .replace_strict({c: indicator(c).name(lang) for c in rows["code"].unique()})
        .alias(t("col.indicator", lang)),
        pl.col("kind")
        .replace_strict({k: t(f"signal.{k}", lang) for k in ("alarm", "point", "shift", "trend")})
        .alias(t("col.kind_signal", lang)),
        pl.Series(t("col.finding", lang), sentences, dtype=pl.String),
        (pl.col("value") * 100).round(1).alias(t("col.value", lang) + " (%)"),
        (pl.col("reference") * 100).round(1).alias(t("col.reference", lang) + " (%)"),
    )
    widgets.table(
        p.ctx,
        frame,
        key="at_list",
        stem="attention",
        open_unit=rows["unit_id"].to_list(),
        hide=(uid,),
        height=min(38 + 35 * frame.height, 720),
        # a phone: unit, indicator and signal; the finding and the values behind a tap
        compact=tuple(t(f"col.{c}", lang) for c in ("unit", "indicator", "kind_signal")),
        column_config={
            t("col.finding", lang): st.column_config.TextColumn(
                t("col.finding", lang), width="large"
            )
        },
    )


# run by the router (st.navigation runs a page file as __main__), never on import
if __name__ == "__main__":
    widgets.guarded(render)
