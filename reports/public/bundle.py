"""The public summary bundle, written by :func:`write_bundle`.

The bureau's public website sits outside the police network, so the summary
(:mod:`reports.public.summary`, where its rules are applied) is a static bundle:

- ``index.html``: self-contained page (plotly.js inlined, no request to any
  other host), phone-friendly, Chinese with an English switch;
- ``embed.html``: a compact version for an iframe;
- ``summary.csv`` (UTF-8 with BOM) and ``summary.json``: the same figures as data;
- ``methodology.html``: how each figure is computed, from the catalogue and
  the active settings.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from queries.model.catalogue import DIMENSION_CODES, INDICATORS
from queries.model.export import csv_rows_bytes
from reports.public.disclosure_control import (
    INSUFFICIENT,
    OK,
    public_rounding,
)
from reports.public.html import embed_html, index_html
from reports.public.methodology import methodology_html
from reports.public.publishing import publish_folder
from reports.public.summary import (
    COUNTS,
    INSUFFICIENT_TEXT,
    SUPERVISION_PUBLISHED,
    PublicFigure,
    PublicSummary,
)

# --- data files -------------------------------------------------------------------------


def csv_columns() -> list[str]:
    cols = ["period", "as_of", "unit_id", "name", "name_en", "level", "rank"]
    cols += [*DIMENSION_CODES, "overall"]
    for ind in INDICATORS:
        cols += [ind.code, f"{ind.code}_n"]
    cols += [c.key for c in (*COUNTS, SUPERVISION_PUBLISHED)]
    return cols


def _csv_value(f: PublicFigure) -> object:
    if f.status == OK:
        return f.value
    return INSUFFICIENT_TEXT.en if f.status == INSUFFICIENT else ""


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
        row += [u.counts[c.key] for c in (*COUNTS, SUPERVISION_PUBLISHED)]
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
            "public_rounding": public_rounding(s.settings),
            "small_count": f"<{s.settings.public_min_count}",
            "rates": "fractions to 0.001 (one decimal of a percent); R_CLOSE_DAYS days to 0.1",
            "scores": "0..100 to 0.1, computed from the published values only",
            "insufficient": INSUFFICIENT_TEXT._asdict(),
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
    return {
        "index.html": index_html(s).encode("utf-8"),
        "embed.html": embed_html(s).encode("utf-8"),
        "methodology.html": methodology_html(s).encode("utf-8"),
        "summary.csv": summary_csv(s),
        "summary.json": summary_json(s),
    }


def write_bundle(s: PublicSummary, out_dir: Path, *, force: bool = False) -> list[Path]:
    """Publish the bundle as the folder ``out_dir``, atomically (publishing.py): written
    beside it, swapped in when complete. Returns the paths written.

    Raises ``PublishError`` for a target holding files the product did not write
    (unless ``force``) or a symlink; ``OSError`` when writing fails (target untouched).
    """
    return publish_folder(bundle_files(s), out_dir, force=force)


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
