"""Downloads of exactly the table that is shown: CSV (UTF-8 with BOM) and XLSX.

The frame handed in is the display frame itself (its headers in the chosen
language, its numbers rounded as shown), so the file says what the screen says.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from dashboard.i18n import t
from queries.model.export import BOM, CSV_MIME, XLSX_MIME, csv_bytes, xlsx_bytes

__all__ = ["BOM", "CSV_MIME", "XLSX_MIME", "download_buttons", "file_name", "to_csv_bytes"]


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
    on_download: Callable[[str, int | None], None] | None = None,
) -> None:
    """CSV and XLSX download buttons for ``frame`` (rendered by the caller's page).

    ``on_download(file_name, rows)`` is called when a file is made for a click (the
    bytes are made only then): the audit trail's ``download``.
    """
    import streamlit as st

    if frame.is_empty():
        return
    csv_name = file_name(stem, period, unit, "csv")
    xlsx_name = file_name(stem, period, unit, "xlsx")
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            t("download.csv", lang),  # type: ignore[arg-type]
            data=audited(lambda: to_csv_bytes(frame), csv_name, frame.height, on_download),
            file_name=csv_name,
            mime=CSV_MIME,
            key=f"{key}_csv",
            on_click="ignore",
            icon=":material/download:",
            type="tertiary",
        )
        st.download_button(
            t("download.xlsx", lang),  # type: ignore[arg-type]
            data=audited(lambda: to_xlsx_bytes(frame, stem), xlsx_name, frame.height, on_download),
            file_name=xlsx_name,
            mime=XLSX_MIME,
            key=f"{key}_xlsx",
            on_click="ignore",
            icon=":material/table_view:",
            type="tertiary",
        )


def audited(
    make: Callable[[], bytes],
    name: str,
    rows: int | None,
    on_download: Callable[[str, int | None], None] | None,
) -> Callable[[], bytes]:
    """``make`` for st.download_button's deferred data, telling ``on_download`` first
    (Streamlit calls it once per click, when the browser asks for the file)."""
    if on_download is None:
        return make

    def made() -> bytes:
        on_download(name, rows)
        return make()

    return made
