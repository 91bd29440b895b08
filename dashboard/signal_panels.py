"""The signals on the pages: the Overview's funnel and "stands out" list, the ranking's
signal column, the Unit page's control charts. Each reads frames from the engine
(through :class:`dashboard.data.Source`) and draws them; no computation of its own."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import state, widgets
from dashboard.figures import Axis
from dashboard.i18n import Lang, fmt_pct, md, t
from dashboard.signal_figures import ControlLabels, FunnelLabels, control, funnel
from queries.engine.control import charts_of
from queries.engine.findings import control_findings, funnel_findings
from queries.engine.signals import BASELINE_MONTHS, SIGNAL_CODES
from queries.model.catalogue import indicator
from reports.signal_wording import control_sentence, funnel_sentence

_ARROW = {True: "▲", False: "▼"}


def ranking_signals(funnel_table: pl.DataFrame, unit_ids: list[str], lang: Lang) -> dict[str, str]:
    """Per unit, its funnel alerts and alarms in a few words, unfavourable first:
    ``▼ 按期办结率（警报）``; empty when none."""
    found = funnel_findings(funnel_table.filter(pl.col("unit_id").is_in(unit_ids)))
    out: dict[str, list[str]] = {}
    for r in found.iter_rows(named=True):
        word = t(f"signal.{r['signal']}", lang)
        name = indicator(r["code"]).name(lang)
        text = (
            f"{_ARROW[r['favourable']]} {name}（{word}）"
            if lang == "zh"
            else (f"{_ARROW[r['favourable']]} {name} ({word})")
        )
        out.setdefault(r["unit_id"], []).append(text)
    sep = "；" if lang == "zh" else "; "
    return {u: sep.join(v) for u, v in out.items()}


def funnel_section(
    ctx: state.Context, code: str, level: str, peers: list[str], labels: dict[str, str]
) -> None:
    """The funnel plot of ``code`` for the units ``peers`` of ``level`` and the "stands
    out" list under it."""
    lang, f, src = ctx.lang, ctx.filters, ctx.source
    ind = indicator(code)
    st.subheader(t("funnel.heading", lang))
    st.caption(t("funnel.help", lang, min=src.settings.min_sample))
    if code not in SIGNAL_CODES:
        st.info(t("funnel.coverage", lang), icon=":material/info:")
        return
    table = src.funnel(f.period, f.as_of)
    rows = table.filter((pl.col("code") == code) & (pl.col("level") == level))
    target = rows["target"].drop_nulls()
    points = rows.filter(pl.col("unit_id").is_in(peers) & pl.col("value").is_not_null())
    if target.is_empty() or points.is_empty():
        st.info(t("funnel.no_signal", lang, indicator=ind.name(lang)), icon=":material/info:")
        return
    p0 = float(target[0])
    fl = FunnelLabels(
        target=t("funnel.target", lang, value=fmt_pct(p0, lang)),
        limit95=t("funnel.limit95", lang),
        limit998=t("funnel.limit998", lang),
        signals={
            "alarm": t("signal.alarm", lang),
            "alert": t("signal.alert", lang),
            "within": t("signal.within", lang),
            None: t("signal.none", lang),
        },
        value=t("funnel.value", lang),
        n=t("funnel.n", lang),
        limits=t("funnel.limits", lang),
    )
    shown = points.with_columns(
        pl.col("unit_id").replace_strict(labels, default=pl.col("unit_id")).alias("label")
    )
    widgets.chart(
        funnel(
            shown,
            p0,
            title=t("funnel.title", lang, indicator=ind.name(lang)),
            x_axis=Axis(t("funnel.x", lang)),
            y_axis=Axis(ind.name(lang), percent=True),
            labels=fl,
        ),
        "ov_funnel",
    )
    st.markdown(f"**{t('stands_out', lang)}**")
    found = funnel_findings(points)
    if found.is_empty():
        st.caption(t("stands_out.none", lang))
        return
    lines = []
    for r in found.iter_rows(named=True):
        mark = _ARROW[r["favourable"]]
        lines.append(
            f"- {mark} {md(funnel_sentence(r, labels.get(r['unit_id'], r['unit_id']), lang))}"
        )
    st.markdown("\n".join(lines))


def control_section(
    ctx: state.Context,
    unit: str,
    overlay: Callable[[go.Figure, str, list[str]], None] | None = None,
) -> None:
    """The unit's control charts, one per signal indicator with a baseline, and the
    sentences for their signals: the charts with a signal drawn, the others behind a
    toggle. ``overlay(fig, code, months)`` draws more over each chart (goals, notes)."""
    lang, f, src = ctx.lang, ctx.filters, ctx.source
    st.subheader(t("control.title", lang))
    st.caption(t("control.help", lang))
    months, monthly = src.control_monthly(f.period, f.as_of)
    widgets.unfinished_month(months, f.as_of, lang)
    mine = monthly.filter(pl.col("unit_id") == unit)
    charts = charts_of(mine, months, src.settings.min_sample)
    values: dict[tuple[str, str], Sequence[float | None]] = {
        key: mine.filter(pl.col("code") == key[1]).sort("month")["value"].to_list()
        for key in charts
    }
    found = control_findings(charts, months, values if mine.height else None)
    if found.is_empty():
        st.caption(t("control.none", lang))
    else:
        st.markdown(
            "\n".join(
                f"- {_ARROW[bool(r['favourable'])]} {md(control_sentence(r, lang))}"
                for r in found.iter_rows(named=True)
            )
        )
    last = months[BASELINE_MONTHS:]
    cl = ControlLabels(
        value=t("control.value", lang),
        centre=t("control.centre", lang),
        limits=t("control.limits", lang),
        point=t("signal.point", lang),
        shift=t("signal.shift", lang),
        trend=t("signal.trend", lang),
    )
    drawable = [
        c
        for c in SIGNAL_CODES
        if (ch := charts.get((unit, c))) is not None and ch.centre is not None
    ]
    no_baseline = [indicator(c).name(lang) for c in SIGNAL_CODES if c not in drawable]
    # the charts with a signal first; the quiet ones on request (eleven charts at once
    # hide what stands out, and cost the page most of its drawing time)
    signalled = set(found["code"].to_list())
    quiet = [c for c in drawable if c not in signalled]
    show_quiet = bool(quiet) and st.toggle(
        t("control.show_quiet", lang, n=len(quiet)), key="un_ctl_quiet"
    )
    cols = st.columns(2, gap="medium")
    drawn = [c for c in drawable if c in signalled] + (quiet if show_quiet else [])
    for shown, code in enumerate(drawn):
        ch = charts[(unit, code)]
        series = mine.filter(pl.col("code") == code).sort("month")
        by_month = {m: (v, n) for m, v, n in series.select("month", "value", "n").iter_rows()}
        frame = pl.DataFrame(
            {
                "label": list(last),
                "value": [by_month.get(m, (None, 0))[0] for m in last],
                "n": [by_month.get(m, (None, 0))[1] for m in last],
                "lo": list(ch.lo),
                "hi": list(ch.hi),
                "point": list(ch.point),
                "shift": list(ch.shift),
                "trend": list(ch.trend),
            },
            schema_overrides={"value": pl.Float64, "lo": pl.Float64, "hi": pl.Float64},
        )
        title = (
            f"{indicator(code).name(lang)} · {t('control.centre', lang)} {fmt_pct(ch.centre, lang)}"
        )
        fig = control(frame, ch.centre, title=title, labels=cl)
        if overlay is not None:
            overlay(fig, code, list(last))
        with cols[shown % 2]:
            widgets.chart(fig, f"un_ctl_{unit}_{code}")
    if no_baseline:
        sep = "、" if lang == "zh" else ", "
        st.caption(
            t(
                "control.no_baseline",
                lang,
                min=src.settings.min_sample,
                indicators=sep.join(no_baseline),
            )
        )
