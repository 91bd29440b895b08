"""Methodology: generated from the indicator catalogue and the settings in force."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import state, widgets
from dashboard.export import Needs, download_buttons
from dashboard.i18n import dimension, enum_label, md, t
from dashboard.tables import relabel, to_display
from queries.engine.signals import SIGNAL_CODES
from queries.model.catalogue import DIMENSION_CODES, INDICATORS, indicator
from queries.model.settings.doc import settings_rows


def render() -> None:
    ctx = state.current()
    f, lang, src = ctx.filters, ctx.lang, ctx.source
    settings = src.settings
    st.title(t("method.title", lang))
    st.caption(t("method.intro", lang))
    st.caption(
        t("method.settings_file", lang, path=md(src.config))
        if src.config
        else t("method.settings_default", lang)
    )

    st.subheader(t("method.scope", lang))
    st.markdown(t("method.scope.text", lang))

    st.subheader(t("method.indicators", lang))
    yes, no = t("yes", lang), t("no", lang)
    definitions = pl.DataFrame(
        [
            (
                i.code,
                dimension(i.dimension, lang),
                i.name(lang),
                i.explain(lang),
                i.formula(lang),
                yes if i.is_rate else no,
                yes if i.scored else no,
                settings.indicator_weight(i.code) if i.scored else None,
            )
            for i in INDICATORS
        ],
        schema={
            t("col.code", lang): pl.String,
            t("col.dimension", lang): pl.String,
            t("col.indicator", lang): pl.String,
            t("col.definition", lang): pl.String,
            t("method.formula", lang): pl.String,
            t("method.rate", lang): pl.String,
            t("col.scored", lang): pl.String,
            t("col.weight", lang): pl.Float64,
        },
        orient="row",
    )
    # one readable (wrapping) table per dimension; the download holds all of them
    dim_col = t("col.dimension", lang)
    for d in DIMENSION_CODES:
        weight = settings.overall_weights.get(d, 0)
        st.markdown(
            f"##### {dimension(d, lang)}（{t('col.weight', lang)} {weight:g}）"
            if lang == "zh"
            else f"##### {dimension(d, lang)} ({t('col.weight', lang).lower()} {weight:g})"
        )
        part = definitions.filter(pl.col(dim_col) == dimension(d, lang)).drop(dim_col)
        weight_col = t("col.weight", lang)
        st.table(
            to_display(
                part.with_columns(relabel(part, weight_col, lambda w: f"{w:g}").fill_null("—"))
            ),
            hide_index=True,
        )
    download_buttons(
        definitions,
        stem="methodology_indicators",
        period=f.period_text,
        unit=None,
        lang=lang,
        key="me_definitions",
        who=widgets.asker(ctx),
        needs=Needs(),
    )

    st.subheader(t("method.dimension_weights", lang))
    dims = pl.DataFrame(
        [(dimension(d, lang), float(settings.overall_weights.get(d, 0))) for d in DIMENSION_CODES],
        schema={t("col.dimension", lang): pl.String, t("col.weight", lang): pl.Float64},
        orient="row",
    )
    widgets.table(ctx, dims, key="me_dims", stem="methodology_dimension_weights")

    # every setting, from the settings catalogue: key, type, value in force, default, meaning
    st.subheader(t("method.settings", lang))
    st.caption(t("method.settings.text", lang))
    cols = ("method.setting", "method.type", "method.value", "method.default", "method.meaning")
    table = pl.DataFrame(
        settings_rows(settings, lang),
        schema={t(c, lang): pl.String for c in cols},
        orient="row",
    )
    widgets.table(
        ctx,
        table,
        key="me_settings",
        stem="methodology_settings",
        column_config={
            t("method.value", lang): st.column_config.TextColumn(width="medium"),
            t("method.meaning", lang): st.column_config.TextColumn(width="large"),
        },
    )

    st.subheader(t("method.catalogue", lang))
    sep = "、" if lang == "zh" else ", "
    catalogue = pl.DataFrame(
        [
            (
                enum_label("kind", kind, lang),
                sep.join(enum_label("category", c, lang) for c in cats),
            )
            for kind, cats in settings.catalogue.items()
        ],
        schema={t("col.kind", lang): pl.String, t("col.category", lang): pl.String},
        orient="row",
    )
    widgets.table(
        ctx,
        catalogue,
        key="me_catalogue",
        stem="methodology_catalogue",
        column_config={t("col.category", lang): st.column_config.TextColumn(width="large")},
    )

    st.subheader(t("method.insufficient", lang))
    st.markdown(t("method.insufficient.text", lang, min=settings.min_sample))

    st.subheader(t("method.signals", lang))
    sep = "、" if lang == "zh" else ", "
    names = sep.join(indicator(c).name(lang) for c in SIGNAL_CODES)
    st.markdown(t("method.signals.text", lang, min=settings.min_sample, indicators=md(names)))


# run by the router (st.navigation runs a page file as __main__), never on import
if __name__ == "__main__":
    widgets.guarded(render)
