"""Plotly figure builders. Pure: a frame and labels in, a figure out.

Every figure has a title and axis titles in the chosen language; pages pass
the labels in, so this module holds no interface text of its own.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
BLUE = "#1f4e96"
LIGHT_BLUE = "#8fb3e6"
RED = "#c8372d"
GREEN = "#2e8b57"
AMBER = "#e0a100"
GREY = "#b8bec8"
LIGHT_GREY = "#eef0f3"
PALETTE = [BLUE, "#e07b39", GREEN, "#8e5ea2", "#3ba3b6", AMBER, RED, "#6b7b8c"]


# a title's line, in the width of a Latin letter (a Chinese character is two): what a
# phone's chart (about 340 px at 16 px) holds
TITLE_LINE = 40


def title_lines(title: str, width: int = TITLE_LINE) -> list[str]:
    """``title`` in lines a phone's chart holds: a new line at each `` · ``, and a long
    part broken at a space (or, in Chinese, anywhere) before ``width``.

    >>> title_lines("Indicator compared (95% interval) · Closed on time")
    ['Indicator compared (95% interval)', 'Closed on time']
    >>> title_lines("指标对比（含 95% 置信区间）· 按期办结率")
    ['指标对比（含 95% 置信区间）· 按期办结率']
    """
    lines: list[str] = []
    for part in title.split(" · "):
        line = ""
        for word in part.split(" "):
            candidate = f"{line} {word}" if line else word
            if _width(candidate) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
            while _width(line) > width:  # no space to break at (Chinese)
                cut = _cut(line, width)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return [ln for ln in lines if ln]


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _cut(text: str, width: int) -> int:
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > width:
            return max(i, 1)
    return len(text)


def _layout(fig: go.Figure, title: str, *, height: int = 380, legend: bool = True) -> go.Figure:
    lines = title_lines(title)
    fig.update_layout(
        title={
            "text": "<br>".join(plain(line) for line in lines),
            "x": 0,
            "xanchor": "left",
            "font": {"size": 16},
        },
        font={"family": FONT, "size": 13, "color": "#1c2733"},
        template="plotly_white",
        height=height,
        margin={"l": 10, "r": 20, "t": 36 + 20 * len(lines), "b": 90 if legend else 40},
        showlegend=legend,
        # below the x-axis title, whatever the figure's height
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -min(0.45, 78 / height),
            "xanchor": "left",
            "x": 0,
        },
        hoverlabel={"font": {"family": FONT}},
        separators=".,",
    )
    return fig


def plain(text: object) -> str:
    """Text shown by plotly (which reads a few HTML tags) kept as text: unit names and
    other labels from records are escaped."""
    return html.escape(str(text), quote=False)


def _plain_labels(frame: pl.DataFrame, col: str = "label") -> list[str]:
    return [plain(v) for v in frame.get_column(col).to_list()]


@dataclass(frozen=True)
class Axis:
    title: str
    percent: bool = False


def _axis(ax: Axis) -> dict[str, object]:
    out: dict[str, object] = {"title": {"text": ax.title}}
    if ax.percent:
        out["tickformat"] = ".0%"
    return out


def interval_dots(
    frame: pl.DataFrame,
    *,
    title: str,
    value_axis: Axis,
    insufficient_name: str,
    sufficient_name: str,
) -> go.Figure:
    """One dot per unit at its value with a Wilson interval whisker.

    ``frame``: label, value, lo, hi, n, insufficient (bool), sorted as shown
    (top row first).
    """
    fig = go.Figure()
    for flag, name, color, symbol in (
        (False, sufficient_name, BLUE, "circle"),
        (True, insufficient_name, GREY, "circle-open"),
    ):
        part = frame.filter(pl.col("insufficient") == flag)
        if part.is_empty():
            continue
        v = part.get_column("value")
        fig.add_trace(
            go.Scatter(
                x=v.to_list(),
                y=_plain_labels(part),
                mode="markers",
                name=name,
                marker={"color": color, "size": 10, "symbol": symbol, "line": {"width": 2}},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (part.get_column("hi") - v).to_list(),
                    "arrayminus": (v - part.get_column("lo")).to_list(),
                    "color": color,
                    "thickness": 1.5,
                    "width": 4,
                },
                customdata=part.select("n").to_numpy(),
                hovertemplate="%{y}: %{x:.1%} (n=%{customdata[0]})<extra></extra>",
            )
        )
    labels = _plain_labels(frame)
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True)
    # zoom to the values: the differences between units are what the reader compares
    low = float(frame.get_column("lo").fill_null(frame.get_column("value")).min() or 0.0)  # type: ignore[arg-type]
    high = float(frame.get_column("hi").fill_null(frame.get_column("value")).max() or 1.0)  # type: ignore[arg-type]
    pad = max(0.02, (high - low) * 0.05)
    both = bool(frame.get_column("insufficient").any())  # explain the grey ones
    fig.update_xaxes(**_axis(value_axis), range=[max(0.0, low - pad), min(1.0, high + pad) + 0.005])
    return _layout(fig, title, height=max(260, 110 + 26 * len(labels)), legend=both)


def score_map(
    frame: pl.DataFrame,
    *,
    title: str,
    x_axis: Axis,
    y_axis: Axis,
    color_title: str,
    median_name: str,
) -> go.Figure:
    """Units placed by two scores, coloured by a third (``label, x, y, color``)."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=frame.get_column("x").to_list(),
            y=frame.get_column("y").to_list(),
            mode="markers+text",
            text=_plain_labels(frame),
            textposition=_spread_labels(frame),
            textfont={"size": 11, "color": "#3a4654"},
            # a label near the frame runs into the margin instead of being cut off
            cliponaxis=False,
            marker={
                "size": 14,
                "color": frame.get_column("color").to_list(),
                "colorscale": "RdYlGn",
                "cmin": max(0.0, float(frame.get_column("color").min() or 0) - 5),  # type: ignore[arg-type]
                "cmax": min(100.0, float(frame.get_column("color").max() or 100) + 5),  # type: ignore[arg-type]
                "colorbar": {"title": {"text": color_title}},
                "line": {"color": "#ffffff", "width": 1},
            },
            customdata=frame.select("color").to_numpy(),
            hovertemplate=(
                "%{text}<br>"
                + x_axis.title
                + " %{x:.1f}<br>"
                + y_axis.title
                + " %{y:.1f}<br>"
                + color_title
                + " %{customdata[0]:.1f}<extra></extra>"
            ),
            showlegend=False,
        )
    )
    if frame.height >= 2:
        mx = frame.get_column("x").median()
        my = frame.get_column("y").median()
        line = {"color": GREY, "dash": "dash", "width": 1}
        fig.add_vline(
            x=mx,
            line=line,
            annotation_text=median_name,
            annotation_position="top right",
            annotation_font={"color": "#6b7b8c", "size": 11},
        )
        fig.add_hline(y=my, line=line)
    # room around the points for their labels
    for axis, col in ((fig.update_xaxes, "x"), (fig.update_yaxes, "y")):
        lo = float(frame.get_column(col).min() or 0)  # type: ignore[arg-type]
        hi = float(frame.get_column(col).max() or 100)  # type: ignore[arg-type]
        # labels sit beside the points left and right: more room across than up and down
        pad = max(1.5, (hi - lo) * (0.22 if col == "x" else 0.15))
        axis(range=[lo - pad, hi + pad])
    fig.update_xaxes(**_axis(x_axis))
    fig.update_yaxes(**_axis(y_axis))
    return _layout(fig, title, height=460, legend=False)


def _spread_labels(frame: pl.DataFrame) -> list[str]:
    """Text positions that alternate around each point, so that neighbours' labels
    overlap less than if all sat on top."""
    order = frame.with_row_index("i").sort("x", "y").get_column("i").to_list()
    spots = ["top center", "bottom center"]
    pos = [""] * frame.height
    for rank, i in enumerate(order):
        pos[i] = spots[rank % len(spots)]
    return pos


def coverage_heatmap(
    frame: pl.DataFrame,
    *,
    title: str,
    categories: Sequence[tuple[str, str]],
    state_names: tuple[str, str, str],
    x_title: str,
    y_title: str,
) -> go.Figure:
    """Units (rows) x categories (columns): covered, missing (red), not mandatory.

    ``frame``: label, then one column per category code holding 1.0 (covered
    share; fractions for a unit with several units below), 0.0 missing, null
    not mandatory. ``categories``: (code, label) in column order.
    """
    labels = _plain_labels(frame)
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    covered, missing, not_required = state_names
    # one unit per row (0/1 cells): marks; rows covering several units: shares
    whole = all(
        v is None or v in (0.0, 1.0)
        for row in frame.iter_rows(named=True)
        for v in (row.get(c) for c, _ in categories)
    )
    for row in frame.iter_rows(named=True):
        zr: list[float | None] = []
        tr: list[str] = []
        for code, _ in categories:
            v = row.get(code)
            zr.append(None if v is None else float(v))
            if v is None:
                tr.append("")
            elif v >= 1:
                tr.append("✓" if whole else "100%")
            elif v <= 0:
                tr.append("✗" if whole else "0%")
            else:
                tr.append(f"{v:.0%}")
        z.append(zr)
        text.append(tr)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[lab for _, lab in categories],
            y=labels,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 11, "color": "#1c2733"},
            customdata=[
                [
                    not_required
                    if v is None
                    else covered
                    if v >= 1
                    else missing
                    if v <= 0
                    else f"{covered} {v:.0%}"
                    for v in zr
                ]
                for zr in z
            ],
            zmin=0,
            zmax=1,
            colorscale=[[0.0, RED], [0.5, "#f3c9a8"], [1.0, "#6fbf8e"]],
            xgap=2,
            ygap=2,
            showscale=False,
            hovertemplate="%{y} · %{x}: %{customdata}<extra></extra>",
        )
    )
    fig.update_layout(plot_bgcolor=LIGHT_GREY)
    fig.update_yaxes(autorange="reversed", title={"text": y_title}, automargin=True)
    fig.update_xaxes(side="top", tickangle=-35, title={"text": ""})
    fig = _layout(fig, title, height=max(300, 150 + 26 * len(labels)), legend=False)
    fig.update_layout(margin={"t": 150})
    return fig


def bars(
    frame: pl.DataFrame,
    *,
    title: str,
    x_axis: Axis,
    y_axis: Axis,
    color: str | Sequence[str] = BLUE,
    horizontal: bool = False,
    text_format: str | None = None,
) -> go.Figure:
    """Simple bars from ``label, value`` (optionally ``text``); one colour or one per bar."""
    labels = _plain_labels(frame)
    values = frame.get_column("value").to_list()
    text = frame.get_column("text").to_list() if "text" in frame.columns else None
    marker = color if isinstance(color, str) else list(color)
    bar = (
        go.Bar(y=labels, x=values, orientation="h", marker_color=marker, text=text)
        if horizontal
        else go.Bar(x=labels, y=values, marker_color=marker, text=text)
    )
    fig = go.Figure(bar)
    if text is not None:
        fig.update_traces(textposition="outside", cliponaxis=False)
    fig.update_xaxes(**_axis(x_axis))
    fig.update_yaxes(**_axis(y_axis))
    if horizontal:
        fig.update_yaxes(autorange="reversed", automargin=True)
    if text_format:
        fig.update_traces(texttemplate=text_format)
    return _layout(
        fig, title, height=max(300, 80 + 30 * len(labels)) if horizontal else 360, legend=False
    )


def stacked_bars(
    frame: pl.DataFrame,
    *,
    title: str,
    x_axis: Axis,
    y_axis: Axis,
    series: Sequence[tuple[str, str, str]],
    horizontal: bool = False,
) -> go.Figure:
    """Stacked bars: ``label`` and one column per series (column, name, colour)."""
    labels = _plain_labels(frame)
    fig = go.Figure()
    for col, name, color in series:
        vals = frame.get_column(col).to_list()
        if horizontal:
            fig.add_trace(go.Bar(y=labels, x=vals, name=name, orientation="h", marker_color=color))
        else:
            fig.add_trace(go.Bar(x=labels, y=vals, name=name, marker_color=color))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(**_axis(x_axis))
    fig.update_yaxes(**_axis(y_axis))
    if horizontal:
        fig.update_yaxes(autorange="reversed", automargin=True)
    height = max(300, 110 + 30 * len(labels)) if horizontal else 380
    return _layout(fig, title, height=height)


def histogram(
    values: Sequence[float],
    *,
    title: str,
    x_axis: Axis,
    y_axis: Axis,
    limit: float | None = None,
    limit_name: str = "",
    bin_size: float = 1.0,
) -> go.Figure:
    """Counts of ``values`` in bins of ``bin_size``; a dashed line at ``limit``."""
    fig = go.Figure(
        go.Histogram(
            x=list(values),
            xbins={"start": 0, "size": bin_size},
            marker_color=LIGHT_BLUE,
            marker_line={"color": BLUE, "width": 1},
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    if limit is not None:
        fig.add_vline(
            x=limit,
            line={"color": RED, "dash": "dash", "width": 2},
            annotation_text=limit_name,
            annotation_position="top right",
            annotation_font_color=RED,
        )
    fig.update_xaxes(**_axis(x_axis))
    fig.update_yaxes(**_axis(y_axis))
    return _layout(fig, title, legend=False)


def trend(
    frame: pl.DataFrame,
    *,
    title: str,
    x_axis: Axis,
    y_axis: Axis,
    lines: Sequence[tuple[str, str, str, bool]],
) -> go.Figure:
    """Lines over months: ``month`` (label) and one column per line
    (column, name, colour, dashed)."""
    fig = go.Figure()
    months = frame.get_column("month").to_list()
    for col, name, color, dashed in lines:
        fig.add_trace(
            go.Scatter(
                x=months,
                y=frame.get_column(col).to_list(),
                name=name,
                mode="lines+markers",
                line={
                    "color": color,
                    "width": 2.5 if not dashed else 2,
                    "dash": "dash" if dashed else "solid",
                },
                connectgaps=False,
                hovertemplate="%{x}: %{y:"
                + (".1%" if y_axis.percent else ".1f")
                + "}<extra>"
                + name
                + "</extra>",
            )
        )
    fig.update_xaxes(**_axis(x_axis), type="category")
    fig.update_yaxes(**_axis(y_axis))
    if y_axis.percent:
        fig.update_yaxes(range=[0, 1.05])
    return _layout(fig, title)
