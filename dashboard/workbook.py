"""One workbook of the page (issue 21): every table a page draws, as one XLSX.

:func:`dashboard.widgets.table` hands each table it draws to :func:`collect`; after the
page's body has run, :func:`offer` draws one "download this page" button when the page
drew any table. The file is made when the browser asks for it, through the one export
layer (:func:`queries.model.export.workbook_bytes`: strings as strings, no formula, no
link): a cover sheet (page, scope, period, as-of, filters, who downloaded it and when)
then a sheet per table, named in the page's language. It is authorised for every table
it holds and audited as one ``download`` (dashboard/downloads.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard import downloads, state
from dashboard.downloads import Needs, deferred
from dashboard.export import XLSX_MIME, file_name
from dashboard.i18n import STRINGS, Lang, enum_label, t, unit_name
from queries.access.roles import Area, Person, role_label
from queries.model.clock import now_local
from queries.model.export import workbook_bytes
from queries.model.tree import Tree
from queries.vocabulary.formats import labelled

# the tables drawn by the script run in progress (pages run in the entry script's thread)
_RUN = threading.local()


@dataclass(frozen=True)
class PageTable:
    """A table as drawn: its file stem, the frame as downloaded, what it holds, and the
    unit it is about (None: the scope)."""

    stem: str
    frame: pl.DataFrame
    needs: Needs
    unit: str | None


def begin() -> None:
    """Start collecting this run's tables."""
    _RUN.tables = []


def collect(table: PageTable) -> None:
    """Keep a table drawn in this run (nothing outside a page run)."""
    tables: list[PageTable] | None = getattr(_RUN, "tables", None)
    if tables is not None and not table.frame.is_empty():
        tables.append(table)


def _taken() -> list[PageTable]:
    tables: list[PageTable] = getattr(_RUN, "tables", None) or []
    _RUN.tables = None
    return tables


def sheet_title(stem: str, lang: Lang) -> str:
    """A table's sheet title in ``lang`` (``records_R_ONTIME`` -> ``记录 R_ONTIME``)."""
    if stem.startswith("records_"):
        return t("sheet.records", lang, code=stem.removeprefix("records_"))
    key = f"sheet.{stem}"
    return t(key, lang) if key in STRINGS else stem


def cover_lines(
    ctx: state.Context, page: str, units: list[str], person: Person, titles: list[str]
) -> list[tuple[str, str]]:
    """The cover sheet's lines, in the page's language."""
    f, lang = ctx.filters, ctx.lang
    names = {
        r["unit_id"]: unit_name(r["name"], r["name_en"], lang)
        for r in ctx.source.units().iter_rows(named=True)
    }

    def scope_name(_: state.Context, uid: str) -> str:
        return names.get(uid, uid)

    scope = f.scope or (ctx.source.tree().roots[0] if ctx.source.has_units else "")
    lines = [
        (t("workbook.page", lang), t(f"page.{page}", lang)),
        (t("workbook.scope", lang), f"{scope_name(ctx, scope)} ({scope})" if scope else ""),
    ]
    for unit in dict.fromkeys(u for u in units if u and u != scope):
        lines.append((t("workbook.unit", lang), f"{scope_name(ctx, unit)} ({unit})"))
    filters = [f"{k}={v}" for k, v in f.url_params().items()]
    if f.level:
        filters.append(labelled(t("filter.level", lang), enum_label("level", f.level, lang), lang))
    lines += [
        (t("workbook.period", lang), f"{f.period.label(lang)} ({f.period})"),
        (t("workbook.as_of", lang), f.as_of.strftime("%Y-%m-%d %H:%M:%S")),
        (t("workbook.filters", lang), "; ".join(filters)),
        (t("workbook.who", lang), f"{person.email} ({role_label(person.role, lang)})"),
        (t("workbook.when", lang), now_local().strftime("%Y-%m-%d %H:%M:%S")),
        (t("workbook.sheets", lang), ", ".join(titles)),
    ]
    return lines


def offer(ctx: state.Context) -> None:
    """The page's "download this page" button, when the page drew any table."""
    tables = _taken()
    if not tables:
        return
    lang = ctx.lang
    page = ctx.gate.where.page or "page"
    who = downloads.asker(ctx.gate.engine, ctx.gate.where, _tree(ctx), lang)
    # the records' needs first: the download is audited under the most specific one
    needs = sorted({tb.needs for tb in tables}, key=lambda n: (n.area == Area.AGGREGATES, str(n)))
    rows = sum(tb.frame.height for tb in tables)
    # named after the page's unit (the Unit page's), else the scope
    unit = next((tb.unit for tb in tables if tb.unit), ctx.filters.scope)
    name = file_name(f"page_{page}", ctx.filters.period_text, unit, "xlsx")
    titles = [sheet_title(tb.stem, lang) for tb in tables]

    def make() -> bytes:
        person = downloads.downloader() or ctx.person
        cover = cover_lines(ctx, page, [tb.unit or "" for tb in tables], person, titles)
        sheets = [(title, tb.frame) for title, tb in zip(titles, tables, strict=True)]
        return workbook_bytes(t("workbook.cover", lang), cover, sheets)

    st.divider()
    st.download_button(
        t("workbook.button", lang),
        data=deferred(make, name, rows, who, needs[0], needs[1:]),
        file_name=name,
        mime=XLSX_MIME,
        key="page_workbook",
        on_click="ignore",
        icon=":material/menu_book:",
        help=t("workbook.help", lang),
    )


def _tree(ctx: state.Context) -> Tree:
    return ctx.source.tree() if ctx.source.has_units else Tree({}, {}, ())
