"""The public summary: what may leave the building (methodology.md "Public summary").

The bureau's public website sits outside the police network, so the summary
is a static bundle written by :func:`write_bundle`:

- ``index.html``: self-contained page (plotly.js inlined, no request to any
  other host), phone-friendly, Chinese with an English switch;
- ``embed.html``: a compact version for an iframe;
- ``summary.csv`` (UTF-8 with BOM) and ``summary.json``: the same figures as data;
- ``methodology.html``: how each figure is computed, from the catalogue and
  the active settings.

Rules, applied here once (:func:`public_summary`) and nowhere else:
aggregates only, from the indicator table; units of ``public_levels`` only;
a count below ``public_min_count`` is ``<5``; an indicator whose n is below
``min_sample`` is "insufficient data", never a number (every indicator, also
O_COVERAGE: the public rule names no exemption); no record id, title,
finding or timestamp can reach the bundle because nothing but the indicator
table and the unit names is read.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from queries.engine.indicators import compute_table
from queries.engine.series import monthly_scores
from queries.model.catalogue import DIMENSION_CODES, INDICATORS
from queries.model.export import csv_rows_bytes
from queries.model.periods import Period
from queries.model.records import LEVEL_ORDER
from queries.model.settings import Settings
from queries.store.frames import Frames
from reports.briefing.model import as_of_text, trend_months

# counts published, each the n of an indicator that counts exactly these records
COUNTS: tuple[tuple[str, str, str, str], ...] = (
    # key, source column, zh, en
    ("disclosures_published", "O_CHANNELS_n", "期内发布公开信息", "Disclosures published"),
    (
        "feedback_received",
        "S_REPEAT_n",
        "期内收到投诉建议等诉求",
        "Complaints and suggestions received",
    ),
    (
        "supervision_rectified",
        "O_SUPERVISION_PUBLIC_n",
        "期内整改完成的监督事项",
        "Supervision items rectified",
    ),
)

OK, INSUFFICIENT, NO_DATA = "ok", "insufficient", "no_data"
INSUFFICIENT_TEXT = {"zh": "数据不足", "en": "insufficient data"}
NO_DATA_TEXT = {"zh": "无数据", "en": "no data"}
INCOMPLETE_TEXT = {"zh": "数据不完整", "en": "incomplete"}


@dataclass(frozen=True)
class PublicFigure:
    """An indicator as published: the value only when its sample is large enough."""

    code: str
    value: float | None  # None unless status is ok
    n: int | str | None  # the sample size, masked below public_min_count
    status: str  # ok | insufficient | no_data


@dataclass(frozen=True)
class PublicUnit:
    unit_id: str
    name: str
    name_en: str
    level: str
    rank: int | None
    scores: dict[str, float | None]  # openness, responsiveness, satisfaction, overall
    figures: tuple[PublicFigure, ...]  # catalogue order
    counts: dict[str, int | str]  # COUNTS keys (+ supervision_published), masked

    def figure(self, code: str) -> PublicFigure:
        return next(f for f in self.figures if f.code == code)


@dataclass(frozen=True)
class PublicSummary:
    period: Period
    as_of: datetime
    settings: Settings
    units: tuple[PublicUnit, ...]  # public levels, top level first, then by unit_id
    months: tuple[str, ...]  # trend months, YYYY-MM
    # unit_id -> score code -> values per month (None: no score that month)
    trend: dict[str, dict[str, tuple[float | None, ...]]]
    calendar_complete: bool

    @property
    def as_of_text(self) -> str:
        return as_of_text(self.as_of)

    def period_label(self, lang: str) -> str:
        return self.period.label(lang)


def mask_count(n: int, min_count: int) -> int | str:
    """A count as published: ``<5`` below ``public_min_count``."""
    return f"<{min_count}" if n < min_count else n


def public_figure(
    code: str, value: float | None, n: int | None, settings: Settings
) -> PublicFigure:
    """An indicator as published (methodology "Public summary")."""
    shown_n = None if n is None else mask_count(n, settings.public_min_count)
    if value is None or not n:
        return PublicFigure(code, None, shown_n, NO_DATA)
    if n < settings.min_sample:
        return PublicFigure(code, None, shown_n, INSUFFICIENT)
    return PublicFigure(code, value, shown_n, OK)


def public_summary(
    frames: Frames, period: Period, as_of: datetime, settings: Settings
) -> PublicSummary:
    """The figures of the public bundle, from the indicator table only."""
    result = compute_table(frames, period, as_of, settings)
    levels = [lv for lv in LEVEL_ORDER if lv in settings.public_levels]
    table = result.table.filter(pl.col("level").is_in(levels))
    order = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    rows = sorted(table.to_dicts(), key=lambda r: (order[r["level"]], r["unit_id"]))
    names_en = dict(frames.units.select("unit_id", "name_en").iter_rows())
    units = []
    for r in rows:
        figures = tuple(
            public_figure(ind.code, r[ind.code], r[f"{ind.code}_n"], settings) for ind in INDICATORS
        )
        counts: dict[str, int | str] = {
            key: mask_count(int(r[col] or 0), settings.public_min_count)
            for key, col, _, _ in COUNTS
        }
        rect_n = int(r["O_SUPERVISION_PUBLIC_n"] or 0)
        rate = r["O_SUPERVISION_PUBLIC"]
        # the rate is published / n exactly: this recovers the count
        published = 0 if rate is None else round(rate * rect_n)
        counts["supervision_published"] = mask_count(published, settings.public_min_count)
        units.append(
            PublicUnit(
                unit_id=r["unit_id"],
                name=r["name"],
                name_en=names_en.get(r["unit_id"]) or r["name"],
                level=r["level"],
                rank=r["rank"],
                scores={c: r[c] for c in (*DIMENSION_CODES, "overall")},
                figures=figures,
                counts=counts,
            )
        )
    months = trend_months(period, as_of)
    ids = [u.unit_id for u in units]
    series = monthly_scores(frames, as_of, settings, unit_ids=ids, months=months)
    labels = tuple(str(m) for m in months)
    trend: dict[str, dict[str, tuple[float | None, ...]]] = {}
    for uid in ids:
        part = series.filter(pl.col("unit_id") == uid)
        by_month = {row["month"]: row for row in part.to_dicts()}
        trend[uid] = {
            c: tuple(by_month.get(m, {}).get(c) for m in labels)
            for c in (*DIMENSION_CODES, "overall")
        }
    return PublicSummary(
        period=period,
        as_of=as_of,
        settings=settings,
        units=tuple(units),
        months=labels,
        trend=trend,
        calendar_complete=result.calendar_complete,
    )


# --- data files -------------------------------------------------------------------------


def csv_columns() -> list[str]:
    cols = ["period", "as_of", "unit_id", "name", "name_en", "level", "rank"]
    cols += [*DIMENSION_CODES, "overall"]
    for ind in INDICATORS:
        cols += [ind.code, f"{ind.code}_n"]
    cols += [key for key, _, _, _ in COUNTS] + ["supervision_published"]
    return cols


def _csv_value(f: PublicFigure) -> object:
    if f.status == OK:
        return f.value
    return INSUFFICIENT_TEXT["en"] if f.status == INSUFFICIENT else ""


def summary_csv(s: PublicSummary) -> bytes:
    """One row per published unit; UTF-8 with a BOM (Excel opens it as UTF-8); text
    cells neutralised against formula injection (queries.model.export)."""
    rows = []
    for u in s.units:
        row: list[object] = [str(s.period), s.as_of_text, u.unit_id, u.name, u.name_en, u.level]
        row.append("" if u.rank is None else u.rank)
        row += ["" if u.scores[c] is None else u.scores[c] for c in (*DIMENSION_CODES, "overall")]
        for f in u.figures:
            row += [_csv_value(f), "" if f.n is None else f.n]
        row += [u.counts[key] for key, _, _, _ in COUNTS] + [u.counts["supervision_published"]]
        rows.append(row)
    return csv_rows_bytes(csv_columns(), rows)


def summary_json(s: PublicSummary) -> bytes:
    data = {
        "period": str(s.period),
        "period_label": {"zh": s.period_label("zh"), "en": s.period_label("en")},
        "as_of": s.as_of_text,
        "methodology": "methodology.html",
        "rules": {
            "public_min_count": s.settings.public_min_count,
            "min_sample": s.settings.min_sample,
            "public_levels": list(s.settings.public_levels),
            "small_count": f"<{s.settings.public_min_count}",
            "insufficient": INSUFFICIENT_TEXT,
        },
        "units": [
            {
                "unit_id": u.unit_id,
                "name": u.name,
                "name_en": u.name_en,
                "level": u.level,
                "rank": u.rank,
                "scores": u.scores,
                "indicators": {
                    f.code: {"value": f.value, "n": f.n, "status": f.status} for f in u.figures
                },
                "counts": u.counts,
            }
            for u in s.units
        ],
        "trend": {
            "months": list(s.months),
            "units": {uid: {c: list(v) for c, v in t.items()} for uid, t in s.trend.items()},
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


# --- the bundle -------------------------------------------------------------------------


def bundle_files(s: PublicSummary) -> dict[str, bytes]:
    """Every file of the bundle, by name."""
    from reports.public.html import embed_html, index_html
    from reports.public.methodology import methodology_html

    return {
        "index.html": index_html(s).encode("utf-8"),
        "embed.html": embed_html(s).encode("utf-8"),
        "methodology.html": methodology_html(s).encode("utf-8"),
        "summary.csv": summary_csv(s),
        "summary.json": summary_json(s),
    }


def write_bundle(s: PublicSummary, out_dir: Path) -> list[Path]:
    """Write the bundle into ``out_dir`` (created); returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in bundle_files(s).items():
        p = out_dir / name
        p.write_bytes(data)
        paths.append(p)
    return paths


def bundle_zip(files: dict[str, bytes]) -> bytes:
    """The bundle as one zip (for a download); fixed timestamps, so the same input
    gives the same bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()
