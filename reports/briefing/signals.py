"""The briefing's signals part: which units' differences are real (methodology.md "Signals").

Built from the same funnel and control tables as ``openness signals``
(:mod:`queries.engine.funnel`, :mod:`queries.engine.control`) for the units of the
scope: unfavourable alarms and sustained shifts first, then the other unfavourable
signals, then the favourable ones, each as a generated sentence; and the funnel of the
indicator with the first finding, at its level, as a chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from queries.engine.control import charts_of, control_months, monthly_counts
from queries.engine.findings import control_findings, funnel_findings
from queries.engine.funnel import funnel_signals
from queries.model.periods import Period
from queries.model.settings import Settings
from queries.store.frames import Frames
from reports.signal_wording import control_sentence, funnel_sentence

# at most this many sentences in each list (the rest are counted)
MAX_SENTENCES = 12


@dataclass(frozen=True)
class FunnelPoints:
    """The funnel chart's data: one indicator at one level."""

    code: str
    level: str
    target: float
    names: tuple[str, ...]
    values: tuple[float, ...]
    ns: tuple[int, ...]
    signals: tuple[str | None, ...]


@dataclass(frozen=True)
class SignalPart:
    """What the briefing says about signals for one scope unit's subtree."""

    unfavourable: tuple[str, ...]  # sentences, most serious first
    favourable: tuple[str, ...]
    more_unfavourable: int  # left out of the list above (beyond MAX_SENTENCES)
    more_favourable: int
    funnel: FunnelPoints | None


def _control(
    frames: Frames, period: Period, as_of: datetime, settings: Settings, units: list[str]
) -> pl.DataFrame:
    months = control_months(period, as_of)
    ms = [str(m) for m in months]
    monthly = (
        monthly_counts(frames, months, as_of, settings)
        .filter(pl.col("unit_id").is_in(units))
        .sort("unit_id", "code", "month")
    )
    values = {
        (u, c): vs
        for u, c, vs in monthly.group_by("unit_id", "code", maintain_order=True)
        .agg(pl.col("value"))
        .iter_rows()
    }
    charts = charts_of(monthly, ms, settings.min_sample)
    # a single month beyond the limits is not "sustained": shifts and trends only
    return control_findings(charts, ms, values).filter(pl.col("kind") != "point")


def signal_part(
    frames: Frames,
    period: Period,
    as_of: datetime,
    settings: Settings,
    units: list[str],
    names: dict[str, str],
    lang: str,
) -> SignalPart:
    """The signals of ``units`` (a scope's subtree) for the briefing, in ``lang``."""
    funnel = funnel_signals(frames, period, as_of, settings)
    found_f = funnel_findings(funnel.filter(pl.col("unit_id").is_in(units)))
    found_c = _control(frames, period, as_of, settings, units)
    ranked: list[tuple[int, bool, str]] = []
    for r in found_f.iter_rows(named=True):
        order = 0 if r["signal"] == "alarm" else 2
        ranked.append((order, r["favourable"], funnel_sentence(r, names[r["unit_id"]], lang)))
    for r in found_c.iter_rows(named=True):
        order = 1 if r["kind"] == "shift" else 3
        unit = names[r["unit_id"]]
        ranked.append((order, bool(r["favourable"]), control_sentence(r, lang, unit)))
    ranked.sort(key=lambda x: x[0])  # stable: within a kind, the findings' own order
    bad = [s for _, fav, s in ranked if not fav]
    good = [s for _, fav, s in ranked if fav]
    chart = None
    first = found_f.filter(~pl.col("favourable")) if found_f.height else found_f
    pick = first if first.height else found_f
    if pick.height:
        code, level = pick["code"][0], pick["level"][0]
        rows = funnel.filter(
            (pl.col("code") == code)
            & (pl.col("level") == level)
            & pl.col("unit_id").is_in(units)
            & pl.col("lo95").is_not_null()
        ).sort("unit_id")
        chart = FunnelPoints(
            code=code,
            level=level,
            target=float(rows["target"][0]),
            names=tuple(names[u] for u in rows["unit_id"]),
            values=tuple(rows["value"].to_list()),
            ns=tuple(rows["n"].to_list()),
            signals=tuple(rows["signal"].to_list()),
        )
    return SignalPart(
        unfavourable=tuple(bad[:MAX_SENTENCES]),
        favourable=tuple(good[:MAX_SENTENCES]),
        more_unfavourable=max(0, len(bad) - MAX_SENTENCES),
        more_favourable=max(0, len(good) - MAX_SENTENCES),
        funnel=chart,
    )
