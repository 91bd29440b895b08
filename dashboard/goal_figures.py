"""Goals and notes drawn over a chart: the goal as a dashed line (per month, since a
goal is set per year), each note as a marker at the top of the months it covers, its
text on hover. Note texts are people's words: escaped here, drawn as text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go

from dashboard.figures import plain
from queries.model.periods import Period

GREEN = "#2e7d32"
NOTE_COLOUR = "#5d4037"


@dataclass(frozen=True)
class NoteMark:
    """One note as a chart shows it: its days, its text and who wrote it, and the unit
    it is on."""

    from_date: date
    to_date: date
    text: str
    author: str
    unit: str

    def covers(self, month: str) -> bool:
        p = Period.parse(month)
        return self.from_date <= p.end and self.to_date >= p.start

    def hover(self) -> str:
        days = f"{self.from_date}" + (f"..{self.to_date}" if self.to_date != self.from_date else "")
        return plain(f"{days} · {self.unit}: {self.text} ({self.author})")


def add_goal_line(
    fig: go.Figure, x: Sequence[object], goal: Sequence[float | None], name: str
) -> None:
    """A dashed green line at each month's goal (a gap where none applies)."""
    if all(g is None for g in goal):
        return
    fig.add_trace(
        go.Scatter(
            x=list(x),
            y=list(goal),
            mode="lines",
            name=plain(name),
            line={"color": GREEN, "width": 2, "dash": "dash", "shape": "hvh"},
            connectgaps=False,
            hoverinfo="skip",
        )
    )


def add_note_marks(
    fig: go.Figure, x: Sequence[object], months: Sequence[str], notes: Sequence[NoteMark], name: str
) -> None:
    """A marker at the top of each month (``x`` its position, ``months`` its YYYY-MM)
    that a note covers, every note of the month in its hover text."""
    xs, texts = [], []
    for pos, month in zip(x, months, strict=True):
        here = [n.hover() for n in notes if n.covers(month)]
        if here:
            xs.append(pos)
            texts.append("<br>".join(here))
    if not xs:
        return
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=[0.96] * len(xs),
            yaxis="y2",
            mode="markers",
            name=plain(name),
            marker={"symbol": "triangle-down", "size": 13, "color": NOTE_COLOUR},
            customdata=texts,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    fig.update_layout(
        yaxis2={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True}
    )
