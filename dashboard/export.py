"""Downloads of exactly the table that is shown: CSV (UTF-8 with BOM) and XLSX.

The frame handed in is the display frame itself (its headers in the chosen
language, its numbers rounded as shown), so the file says what the screen says.
Every file is authorised and audited when it is made (dashboard/downloads.py).
"""

from __future__ import annotations

import re

import polars as pl

from dashboard.downloads import Asker, Needs, deferred
from dashboard.i18n import Lang, t
from queries.model.export import BOM, CSV_MIME, XLSX_MIME, csv_bytes, xlsx_bytes

__all__ = [
    "BOM",
    "CSV_MIME",
    "XLSX_MIME",
    "Needs",
    "deferred",
    "download_buttons",
    "file_name",
    "to_csv_bytes",
]


# a table longer than this has its XLSX made behind a button, with a progress bar
# (about a second per 40,000 rows: benchmarks/xlsx_export.py)
XLSX_PREPARE_ROWS = 50_000


def to_csv_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as CSV, UTF-8 with a BOM (so Chinese Excel opens it correctly),
    text cells neutralised against formula injection (queries.model.export)."""
    return csv_bytes(frame)


def to_xlsx_bytes(frame: pl.DataFrame, sheet: str = "data") -> bytes:
    """The frame as one XLSX worksheet with its header row; strings stay strings."""
    return xlsx_bytes(frame, sheet)


def file_name(stem: str, period: str, unit: str | None, ext: str) -> str:
    """``<stem>_<period>_<unit>.<ext>`` with characters unsafe in file names replaced.

    >>> file_name("ranking", "2026-03-01..2026-03-20", "B01", "csv")
    'ranking_2026-03-01_2026-03-20_B01.csv'
    """
    parts = [stem, period.replace("..", "_")]
    if unit:
        parts.append(unit)
    safe = "_".join(re.sub(r'[\\/:*?"<>|\s]+', "-", p) for p in parts if p)
    return f"{safe}.{ext}"


def download_buttons(
    frame: pl.DataFrame,
    *,
    stem: str,
    period: str,
    unit: str | None,
    lang: str,
    key: str,
    who: Asker,
    needs: Needs,
    prepare_above: int | None = None,
) -> None:
    """CSV and XLSX download buttons for ``frame`` (rendered by the caller's page).
    A table of more than ``prepare_above`` rows (default :data:`XLSX_PREPARE_ROWS`) has
    its XLSX made behind a button first, with a progress bar.

    The bytes are made only when the browser asks for a file, after the person is
    authorised for ``needs`` as they are then, and the ``download`` audited
    (dashboard/downloads.py); ``who``: the session that drew the buttons.
    """
    import streamlit as st

    if frame.is_empty():
        return
    prepare_above = XLSX_PREPARE_ROWS if prepare_above is None else prepare_above
    csv_name = file_name(stem, period, unit, "csv")
    xlsx_name = file_name(stem, period, unit, "xlsx")
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            t("download.csv", lang),  # type: ignore[arg-type]
            data=deferred(lambda: to_csv_bytes(frame), csv_name, frame.height, who, needs),
            file_name=csv_name,
            mime=CSV_MIME,
            key=f"{key}_csv",
            on_click="ignore",
            icon=":material/download:",
            type="tertiary",
        )
        # a large table's file is made first, in this run, with a progress bar
        large = frame.height > prepare_above
        ready = _prepared(key, frame, stem, lang) if large else None  # type: ignore[arg-type]
        if large and ready is None:
            return
        st.download_button(
            t("download.xlsx", lang),  # type: ignore[arg-type]
            data=deferred(
                lambda: ready if ready is not None else to_xlsx_bytes(frame, stem),
                xlsx_name,
                frame.height,
                who,
                needs,
            ),
            file_name=xlsx_name,
            mime=XLSX_MIME,
            key=f"{key}_xlsx",
            on_click="ignore",
            icon=":material/table_view:",
            type="tertiary",
        )


def _prepared(key: str, frame: pl.DataFrame, stem: str, lang: Lang) -> bytes | None:
    """A large table's XLSX, made in the page's run behind a button, a progress bar
    showing the rows written (a download's bytes are made where no page can show
    progress); kept in the session for this very table. None until asked for."""
    import streamlit as st

    ss = st.session_state
    marker = (frame.height, tuple(frame.columns), int(frame.hash_rows().sum()))
    kept = ss.get(f"{key}_xlsx_made")
    if kept is not None and kept[0] == marker:
        return bytes(kept[1])
    n = frame.height
    if not st.button(
        t("download.xlsx.prepare", lang, n=f"{n:,}"),
        key=f"{key}_xlsx_prepare",
        icon=":material/table_view:",
        type="tertiary",
    ):
        return None
    bar = st.progress(0.0, text=t("download.xlsx.progress", lang, done="0", n=f"{n:,}"))

    def progress(share: float) -> None:
        done = f"{round(share * n):,}"
        bar.progress(share, text=t("download.xlsx.progress", lang, done=done, n=f"{n:,}"))

    data = xlsx_bytes(frame, stem, progress)
    bar.empty()
    ss[f"{key}_xlsx_made"] = (marker, data)
    return data
