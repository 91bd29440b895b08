"""The ``alerts`` job's digest: the unfavourable signals (funnel alarms, control-chart
shifts and trends) of its scope that are new since its last run, in the signals' own
sentences (:mod:`reports.signal_wording`), both languages, each with a link to the unit's
page. Aggregates only: units, indicators, rates and counts; never a record.

Signals are those of the last whole month before the run (the funnel over that month,
the control chart over the 24 months ending with it). A signal is known by its unit,
indicator, kind and side, and for a shift or trend by the month it began: an alarm that
persists, or a shift that grows a month longer, is not news again. What a run found is
kept on the job (its memory) for the next run to compare with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from queries.engine.control import charts_of, control_months, monthly_counts
from queries.engine.findings import attention, control_findings, funnel_findings
from queries.engine.funnel import funnel_signals
from queries.engine.indicators import subtree_of
from queries.jobs.schedule import relative_period
from queries.model.periods import Period
from queries.model.settings import Settings
from queries.store.schemas import Frames
from queries.vocabulary.text import LANGS, Text
from reports.delivery import page_link
from reports.signal_wording import control_sentence, funnel_sentence

# the kinds an alert reports (cli.md: alarms, shifts, trends; a single point is not news)
ALERT_KINDS = ("alarm", "shift", "trend")

TEXT: dict[str, Text] = {
    "subject": Text(
        "警务公开：{n} 条新的需关注信号（{period}）",
        "Police openness: {n} new unfavourable signal(s) ({period})",
    ),
    "lead": Text(
        "截至 {at}，本提醒上次运行后{scope}新出现以下需关注的信号（{period}，"
        "漏斗图与同级单位比较，控制图与本单位前 12 个月比较）：",
        "As of {at}, these unfavourable signals{scope} are new since this alert last ran "
        "({period}; the funnel compares a unit with the units of its level, the control "
        "chart with its own previous 12 months):",
    ),
    "scope": Text("，{unit}及下属单位", " of {unit} and the units below it"),
    "page": Text("单位页面：{link}", "unit page: {link}"),
}


@dataclass(frozen=True)
class Digest:
    """One run's alert: the new signals' keys, what the run found (for the next run),
    and the message in both languages (empty when nothing is new)."""

    new: list[str]
    found: list[str]
    period: Period
    subject: str
    text: str


def _key(r: dict[str, object]) -> str:
    parts = [r["unit_id"], r["code"], r["kind"], r["side"]]
    if r["kind"] != "alarm":
        parts.append(r["first_month"])
    return "|".join(str(p) for p in parts)


def unfavourable(
    frames: Frames, at: datetime, settings: Settings, unit_id: str | None
) -> tuple[Period, pl.DataFrame]:
    """The month reported on and its unfavourable alarms, shifts and trends for
    ``unit_id``'s subtree (every unit when None), as the Attention page lists them.

    Raises :class:`queries.engine.indicators.UnknownUnitError` for an unknown unit.
    """
    period = relative_period("previous-month", at)
    keep = (
        subtree_of(frames.units, unit_id)
        if unit_id is not None
        else frames.units["unit_id"].to_list()
    )
    funnel = funnel_findings(funnel_signals(frames, period, at, settings))
    months = [str(m) for m in control_months(period, at)]
    monthly = monthly_counts(frames, [Period.parse(m) for m in months], at, settings)
    mine = monthly.filter(pl.col("unit_id").is_in(keep)).sort("unit_id", "code", "month")
    charts = charts_of(mine, months, settings.min_sample)
    values = {
        (u, c): vs
        for u, c, vs in mine.group_by("unit_id", "code", maintain_order=True)
        .agg(pl.col("value"))
        .iter_rows()
    }
    rows = attention(funnel, control_findings(charts, months, values), keep)
    return period, rows.filter(pl.col("kind").is_in(ALERT_KINDS))


def digest(
    frames: Frames,
    at: datetime,
    settings: Settings,
    unit_id: str | None,
    seen: list[str] | None,
) -> Digest:
    """The signals new since the keys ``seen`` (None: the first run, every signal is new)
    as one message, Chinese then English; each links to its unit's page when the setting
    ``public_base_url`` gives the dashboard's address."""
    period, rows = unfavourable(frames, at, settings, unit_id)
    units = frames.units
    english = units["name_en"] if "name_en" in units.columns else units["name"]
    names_of = {
        "zh": dict(zip(units["unit_id"], units["name"], strict=True)),
        "en": {
            u: en or zh for u, zh, en in zip(units["unit_id"], units["name"], english, strict=True)
        },
    }
    before = set(seen or [])
    found: list[str] = []
    fresh: list[dict[str, object]] = []
    for r in rows.iter_rows(named=True):
        k = _key(r)
        found.append(k)
        if k not in before:
            fresh.append(r)
    blocks = []
    for lang in LANGS:
        names = names_of[lang]
        scope = (
            TEXT["scope"].of(lang, unit=names.get(unit_id, unit_id)) if unit_id is not None else ""
        )
        lines = [
            TEXT["lead"].of(lang, at=f"{at:%Y-%m-%d %H:%M}", scope=scope, period=period.label(lang))
        ]
        for i, r in enumerate(fresh, 1):
            unit = str(names.get(str(r["unit_id"]), r["unit_id"]))
            if r["kind"] == "alarm":
                sentence = funnel_sentence(
                    {**r, "signal": "alarm", "target": r["reference"]}, unit, lang
                )
            else:
                sentence = control_sentence(r, lang, unit)
            link = page_link(
                settings, "unit", unit=str(r["unit_id"]), period=str(period), lang=lang
            )
            lines.append(f"{i}. {sentence}")
            if link is not None:
                lines.append("   " + TEXT["page"].of(lang, link=link))
        blocks.append("\n".join(lines))
    subject = " / ".join(
        TEXT["subject"].of(lang, n=len(fresh), period=period.label(lang)) for lang in LANGS
    )
    return Digest(
        new=[_key(r) for r in fresh],
        found=found,
        period=period,
        subject=subject,
        text="\n\n".join(blocks),
    )
