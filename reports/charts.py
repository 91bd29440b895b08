"""Static charts for the liaison briefing (matplotlib), as PNG for DOCX and SVG for HTML.

The charts take plain numbers (already taken from the indicator table by
:mod:`reports.briefing.model`), so that a chart can never show a figure the text
does not. SVG output draws text as paths: the HTML stays self-contained and
prints the same on a machine without CJK fonts.
"""

from __future__ import annotations

import html
import io
import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from queries.engine.signals import Z95, Z998
from queries.vocabulary.formats import score
from reports.fonts import chart_families, check_drawn

# a chart of more units than this shows its top and bottom CHART_CUT (the briefing's
# levels, the public page's scores): what a reader can take in; tables keep them all
CHART_MAX_UNITS = 24
CHART_CUT = 10

# muted palette that prints readably in greyscale too
COLOURS = {"now": "#1f5fa8", "previous": "#8fb3de", "last_year": "#c9c9c9", "weak": "#c0504d"}


@dataclass(frozen=True)
class Chart:
    """A rendered chart: PNG bytes (for DOCX) and SVG text (for HTML)."""

    title: str
    png: bytes
    svg: str


def _style() -> dict[RcKeyType, Any]:
    return {
        "font.family": "sans-serif",
        "font.sans-serif": list(chart_families()),
        "axes.unicode_minus": False,
        "svg.fonttype": "path",
        # fixed element ids: the same briefing gives the same SVG
        "svg.hashsalt": "openness",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 9,
        # text from records is text: a unit name with two $ must not start math text
        "text.parse_math": False,
    }


def _render(fig: Figure, title: str) -> Chart:
    """The chart's PNG and SVG; :class:`ChartFontMissing` when a label has a character
    its fonts cannot draw (never a chart of boxes)."""
    png = io.BytesIO()
    svg = io.StringIO()
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            fig.savefig(
                png, format="png", dpi=200, bbox_inches="tight", metadata={"Software": None}
            )
            fig.savefig(svg, format="svg", bbox_inches="tight")
        check_drawn([str(w.message) for w in seen], title)
    finally:
        plt.close(fig)
    text = svg.getvalue()
    # drop the XML prolog and DOCTYPE (the SVG is inlined in an HTML page) and the
    # metadata block (a creation time and RDF namespaces: the output must not vary)
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
    return Chart(title=title, png=png.getvalue(), svg=text)


def comparison_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    *,
    ylabel: str = "",
    ymax: float = 100.0,
    value_format: Callable[[float], str] = score,
) -> Chart:
    """Grouped bars: one group per category, one bar per series.

    ``series`` is ``(key, legend label, values)``; ``key`` picks the colour
    (``now``, ``previous``, ``last_year``). A missing value leaves a gap.
    """
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(6.4, 3.0))
        k = len(series)
        width = 0.8 / max(k, 1)
        for i, (key, label, values) in enumerate(series):
            xs = [j + (i - (k - 1) / 2) * width for j in range(len(categories))]
            heights = [v if v is not None else 0.0 for v in values]
            bars = ax.bar(xs, heights, width * 0.92, label=label, color=COLOURS.get(key, "#777"))
            for bar, v in zip(bars, values, strict=True):
                if v is None:  # a gap (height 0, no label); the legend keeps its colour
                    continue
                ax.annotate(
                    value_format(v),
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    xytext=(0, 1),
                    textcoords="offset points",
                )
        ax.set_xticks(range(len(categories)), list(categories))
        ax.set_ylim(0, ymax * 1.12)
        if ylabel:
            ax.set_ylabel(ylabel)
        ax.legend(frameon=False, ncols=k, loc="upper center", bbox_to_anchor=(0.5, -0.12))
        ax.set_title(title, fontsize=10, loc="left")
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
        ax.set_axisbelow(True)
        return _render(fig, title)


def ranking_bars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    highlight: Sequence[bool] | None = None,
    reference: float | None = None,
    reference_label: str = "",
    xmax: float = 100.0,
    gap_after: int | None = None,
) -> Chart:
    """Horizontal bars, first label on top; ``highlight`` marks bars in the weak colour.

    ``gap_after`` draws a dotted rule after that many bars (where units were left out).
    """
    n = len(labels)
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(6.4, max(1.6, 0.22 * n + 0.8)))
        ys = list(range(n))[::-1]
        colours = [
            COLOURS["weak"] if highlight and highlight[i] else COLOURS["now"] for i in range(n)
        ]
        bars = ax.barh(ys, values, 0.7, color=colours)
        for bar, v in zip(bars, values, strict=True):
            ax.annotate(
                score(v),
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                va="center",
                fontsize=7,
                xytext=(2, 0),
                textcoords="offset points",
            )
        if reference is not None:
            ax.axvline(reference, color="#555", linestyle="--", linewidth=0.8)
            ax.annotate(
                reference_label,
                (reference, n - 0.4),
                fontsize=7,
                color="#555",
                xytext=(3, 0),
                textcoords="offset points",
            )
        if gap_after is not None and 0 < gap_after < n:
            ax.axhline(n - gap_after - 0.5, color="#999", linestyle=":", linewidth=1.0)
        ax.set_yticks(ys, list(labels))
        ax.set_xlim(0, xmax * 1.1)
        ax.set_title(title, fontsize=10, loc="left")
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
        ax.set_axisbelow(True)
        return _render(fig, title)


def trend_lines(
    title: str,
    months: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    ymax: float = 100.0,
) -> Chart:
    """Lines over months (labels such as ``2026-03``); None breaks a line."""
    palette = ["#1f5fa8", "#d08c2f", "#3f9a5a", "#8a56ac", "#777777"]
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(6.4, 2.8))
        xs = list(range(len(months)))
        for i, (label, values) in enumerate(series):
            ys = [float("nan") if v is None else v for v in values]
            ax.plot(
                xs, ys, marker="o", markersize=3, linewidth=1.4, label=label, color=palette[i % 5]
            )
        step = max(1, len(months) // 12)
        ax.set_xticks(xs[::step], list(months)[::step], rotation=45, ha="right", fontsize=7)
        ax.set_ylim(0, ymax * 1.05)
        ax.legend(
            frameon=False,
            ncols=min(len(series), 4),
            loc="upper center",
            bbox_to_anchor=(0.5, -0.26),
        )
        ax.set_title(title, fontsize=10, loc="left")
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
        ax.set_axisbelow(True)
        return _render(fig, title)


def funnel_plot(
    title: str,
    target: float,
    ns: Sequence[int],
    values: Sequence[float],
    signals: Sequence[str | None],
    *,
    legend: dict[str, str],
    x_label: str,
    y_label: str,
) -> Chart:
    """A funnel plot: each unit's rate (0..1) against its n, the target p0 and the 95% and
    99.8% limits p0 +/- z sqrt(p0 (1 - p0) / n) as curves, clipped to [0, 1]. ``legend``
    names "target", "95", "99.8", "within", "alert" and "alarm"."""
    colours = {"alarm": COLOURS["weak"], "alert": "#d08c2f", "within": COLOURS["now"]}
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(6.4, 3.2))
        lo_n, hi_n = max(1.0, min(ns) * 0.8), max(ns) * 1.15
        grid = [lo_n * (hi_n / lo_n) ** (i / 80) for i in range(81)]
        ax.plot([lo_n, hi_n], [target, target], color="#333", linewidth=1.0, label=legend["target"])
        for z, key, style in ((Z95, "95", "--"), (Z998, "99.8", "-")):
            for sign in (1, -1):
                ys = [
                    min(1.0, max(0.0, target + sign * z * math.sqrt(target * (1 - target) / n)))
                    for n in grid
                ]
                ax.plot(
                    grid,
                    ys,
                    color="#888",
                    linestyle=style,
                    linewidth=0.8,
                    label=legend[key] if sign == 1 else None,
                )
        for sig in ("within", "alert", "alarm"):
            pts = [(n, v) for n, v, s in zip(ns, values, signals, strict=True) if s == sig]
            if pts:
                ax.scatter(
                    [p[0] for p in pts],
                    [p[1] for p in pts],
                    s=18 if sig == "within" else 30,
                    color=colours[sig],
                    label=legend[sig],
                    zorder=3,
                )
        ax.set_xscale("log")
        # plain numbers (30, 40, 100), not 3 x 10^1
        plain = matplotlib.ticker.FuncFormatter(lambda v, _pos: f"{v:g}")
        ax.xaxis.set_major_formatter(plain)
        ax.xaxis.set_minor_formatter(plain)
        ax.tick_params(axis="x", which="minor", labelsize=6)
        ax.set_xlabel(x_label, fontsize=8)
        ax.set_ylabel(y_label, fontsize=8)
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax.legend(
            frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=7
        )
        ax.set_title(title, fontsize=10, loc="left")
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
        ax.set_axisbelow(True)
        return _render(fig, title)


# --- interactive charts for the public summary (plotly) ---------------------------------


def plotly_text(text: object) -> str:
    """Text shown by plotly (which reads a few HTML tags: <a href>, <b>, <span style>,
    <br>) kept as text: ``<``, ``>`` and ``&`` escaped, which plotly shows as themselves.

    >>> plotly_text('<a href="x">B&B</a>')
    '&lt;a href="x"&gt;B&amp;B&lt;/a&gt;'
    """
    return html.escape(str(text), quote=False)


PLOTLY_FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", Arial, sans-serif'


def plotly_scores_bar(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    emphasis: Sequence[bool],
    *,
    gap_after: int | None = None,
) -> object:
    """Horizontal bars of scores, first label on top; ``emphasis`` marks the bureau.
    ``gap_after``: an empty row marked "⋯" after that many bars (a cut list). Each
    label is one bar: labels must be unique (two units of one name would stack)."""
    import plotly.graph_objects as go

    labels, values, emphasis = list(labels), list(values), list(emphasis)
    if gap_after is not None:
        labels.insert(gap_after, "⋯")
        values.insert(gap_after, None)
        emphasis.insert(gap_after, False)
    n = len(labels)
    fig = go.Figure(
        go.Bar(
            x=list(values)[::-1],
            y=[plotly_text(label) for label in labels][::-1],
            orientation="h",
            marker_color=[COLOURS["now"] if e else COLOURS["previous"] for e in emphasis][::-1],
            text=["" if v is None else score(v) for v in values][::-1],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.1f}<extra></extra>",
        )
    )
    fig.update_layout(
        title={"text": title, "font": {"size": 14}, "x": 0, "xanchor": "left"},
        template="simple_white",
        font={"family": PLOTLY_FONT},
        height=90 + 30 * n,
        margin={"l": 10, "r": 30, "t": 50, "b": 30},
        xaxis={"range": [0, 110], "fixedrange": True},
        yaxis={"automargin": True, "fixedrange": True},
        showlegend=False,
    )
    return fig


def plotly_trend(
    title: str, months: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]
) -> object:
    """Lines over months; None leaves a gap."""
    import plotly.graph_objects as go

    palette = ["#1f5fa8", "#d08c2f", "#3f9a5a", "#8a56ac", "#777777"]
    fig = go.Figure()
    for i, (raw, values) in enumerate(series):
        label = plotly_text(raw)
        fig.add_trace(
            go.Scatter(
                x=list(months),
                y=list(values),
                name=label,
                mode="lines+markers",
                line={"color": palette[i % len(palette)], "width": 3 if i == 0 else 2},
                hovertemplate="%{x}: %{y:.1f}<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(
        title={"text": title, "font": {"size": 14}, "x": 0, "xanchor": "left"},
        template="simple_white",
        font={"family": PLOTLY_FONT},
        height=340,
        margin={"l": 40, "r": 10, "t": 50, "b": 40},
        yaxis={"range": [0, 105], "fixedrange": True},
        xaxis={"type": "category", "fixedrange": True, "tickangle": -45, "automargin": True},
        legend={"orientation": "h", "y": -0.18},
    )
    return fig
