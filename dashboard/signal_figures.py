"""Plotly figures of the signals: the funnel plot and the control chart. Pure: frames and
labels in, a figure out (pages pass every label in the chosen language)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from dashboard.figures import AMBER, BLUE, GREY, RED, Axis, _axis, _layout, plain
from queries.engine.signals import Z95, Z998

PURPLE = "#8e5ea2"
SIGNAL_COLOURS = {"alarm": RED, "alert": AMBER, "within": BLUE, None: GREY}


@dataclass(frozen=True)
class FunnelLabels:
    """The funnel plot's words: target, the two limits, each signal's name (None = no
    signal), and the hover's field names."""

    target: str
    limit95: str
    limit998: str
    signals: dict[str | None, str]
    value: str
    n: str
    limits: str


def _curve(p0: float, z: float, ns: list[float], sign: int) -> list[float]:
    return [min(1.0, max(0.0, p0 + sign * z * math.sqrt(p0 * (1 - p0) / n))) for n in ns]


def funnel(
    points: pl.DataFrame,
    target: float,
    *,
    title: str,
    x_axis: Axis,
    y_axis: Axis,
    labels: FunnelLabels,
) -> go.Figure:
    """Value against n, one point per unit coloured by its signal, the target and the 95%
    and 99.8% limits as curves. ``points``: label, value, n, signal, lo95, hi95, lo998,
    hi998 (values and limits as fractions)."""
    fig = go.Figure()
    n_max = max(int(points["n"].max() or 1), 10)  # type: ignore[arg-type]
    n_min = max(1, int(points["n"].min() or 1))  # type: ignore[arg-type]
    lo_n = max(1.0, n_min * 0.8)
    steps = 80
    ns = [lo_n * (n_max * 1.1 / lo_n) ** (i / steps) for i in range(steps + 1)]
    fig.add_trace(
        go.Scatter(
            x=[ns[0], ns[-1]],
            y=[target, target],
            mode="lines",
            name=plain(labels.target),
            line={"color": "#1c2733", "width": 1.5},
            hoverinfo="skip",
        )
    )
    for z, name, dash in ((Z95, labels.limit95, "dash"), (Z998, labels.limit998, "solid")):
        for sign in (1, -1):
            fig.add_trace(
                go.Scatter(
                    x=ns,
                    y=_curve(target, z, ns, sign),
                    mode="lines",
                    name=plain(name),
                    legendgroup=name,
                    showlegend=sign == 1,
                    line={"color": "#6b7b8c", "width": 1, "dash": dash},
                    hoverinfo="skip",
                )
            )
    for signal in ("within", "alert", "alarm", None):
        part = points.filter(
            pl.col("signal").is_null() if signal is None else pl.col("signal") == signal
        )
        if part.is_empty():
            continue
        limits = [
            "—" if lo is None else f"{lo:.1%}–{hi:.1%} / {lo2:.1%}–{hi2:.1%}"
            for lo, hi, lo2, hi2 in part.select("lo95", "hi95", "lo998", "hi998").iter_rows()
        ]
        fig.add_trace(
            go.Scatter(
                x=part["n"].to_list(),
                y=part["value"].to_list(),
                mode="markers",
                name=plain(labels.signals[signal]),
                marker={
                    "color": SIGNAL_COLOURS[signal],
                    "size": 11 if signal in ("alarm", "alert") else 8,
                    "line": {"color": "white", "width": 1},
                },
                customdata=list(zip([plain(x) for x in part["label"]], limits, strict=True)),
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>"
                    + plain(labels.value)
                    + ": %{y:.1%}<br>"
                    + plain(labels.n)
                    + ": %{x}<br>"
                    + plain(labels.limits)
                    + ": %{customdata[1]}<extra>"
                    + plain(labels.signals[signal])
                    + "</extra>"
                ),
            )
        )
    _layout(fig, title, height=440)
    fig.update_xaxes(**_axis(x_axis), type="log")
    fig.update_yaxes(**_axis(y_axis))
    return fig


@dataclass(frozen=True)
class ControlLabels:
    """The control chart's words: the series, centre, limits, each signal's name."""

    value: str
    centre: str
    limits: str
    point: str
    shift: str
    trend: str


def control(
    frame: pl.DataFrame,
    centre: float | None,
    *,
    title: str,
    labels: ControlLabels,
    height: int = 300,
) -> go.Figure:
    """A unit's 12 months: the values, the centre, the limits per month, each month
    marked by its signal. ``frame``: label (month, ``2026-03``), value, n, lo, hi, point,
    shift, trend."""
    fig = go.Figure()
    x = frame["label"].to_list()
    if centre is not None:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[centre] * len(x),
                mode="lines",
                name=plain(labels.centre),
                line={"color": "#1c2733", "width": 1.2},
                hoverinfo="skip",
            )
        )
        for col, show in (("hi", True), ("lo", False)):
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=frame[col].to_list(),
                    mode="lines",
                    name=plain(labels.limits),
                    legendgroup="limits",
                    showlegend=show,
                    line={"color": "#6b7b8c", "width": 1, "dash": "dot", "shape": "hvh"},
                    connectgaps=False,
                    hoverinfo="skip",
                )
            )
    colours = []
    for p, s, t in frame.select("point", "shift", "trend").iter_rows():
        colours.append(RED if p else AMBER if s else PURPLE if t else BLUE)
    fig.add_trace(
        go.Scatter(
            x=x,
            y=frame["value"].to_list(),
            mode="lines+markers",
            name=plain(labels.value),
            showlegend=False,  # the legend entry below: a blue marker, not the first month's
            line={"color": BLUE, "width": 1.5},
            marker={"color": colours, "size": 9},
            customdata=frame["n"].to_list(),
            hovertemplate="%{x|%Y-%m}: %{y:.1%} (n=%{customdata})<extra></extra>",
            connectgaps=False,
        )
    )
    marks = (
        (labels.value, BLUE),
        (labels.point, RED),
        (labels.shift, AMBER),
        (labels.trend, PURPLE),
    )
    for name, colour in marks:
        # legend entries for the marker colours
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=plain(name),
                marker={"color": colour, "size": 9},
            )
        )
    _layout(fig, title, height=height)
    # months as 2026-03 in either language, one tick a quarter
    fig.update_xaxes(type="date", tickformat="%Y-%m", dtick="M3")
    fig.update_yaxes(tickformat=".0%")
    return fig
