"""Downloads of exactly the table that is shown: CSV (UTF-8 with BOM) and XLSX.

The frame handed in is the display frame itself (its headers in the chosen
language, its numbers rounded as shown), so the file says what the screen says.
Every file is authorised and audited when it is made (dashboard/downloads.py).
"""

from __future__ import annotations

import re

import polars as pl

from dashboard.downloads import Asker, Needs, deferred
from dashboard.i18n import t
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
) -> None:
    """CSV and XLSX download buttons for ``frame`` (rendered by the caller's page).

    The bytes are made only when the browser asks for a file, after the person is
    authorised for ``needs`` as they are then, and the ``download`` audited
    (dashboard/downloads.py); ``who``: the session that drew the buttons.
    """
    import streamlit as st

    if frame.is_empty():
        return
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
        st.download_button(
            t("download.xlsx", lang),  # type: ignore[arg-type]
            data=deferred(lambda: to_xlsx_bytes(frame, stem), xlsx_name, frame.height, who, needs),
            file_name=xlsx_name,
            mime=XLSX_MIME,
            key=f"{key}_xlsx",
            on_click="ignore",
            icon=":material/table_view:",
            type="tertiary",
        )
