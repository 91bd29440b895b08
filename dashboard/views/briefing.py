"""Briefing: generate the liaison briefing (HTML / DOCX), preview it, download it.

Thin: the document is built by :mod:`reports` from the same frames, settings,
period, as-of and scope as the other pages.
"""

from __future__ import annotations

import hashlib
from typing import Any

import polars as pl
import streamlit as st

from dashboard import signin, state, widgets
from dashboard.export import Needs, deferred
from dashboard.i18n import t
from queries.access.gate import Denied
from queries.access.roles import Area
from reports.fonts import ChartFontMissing

# this page's own words (the document's words live in reports.wording)
LANGS = {"zh": "中文", "en": "English"}
FORMATS = ("DOCX", "HTML")
MIME = {
    "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "HTML": "text/html",
}


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def _documents(
    url: str,
    version: tuple[int, ...],
    fp: str,
    period: str,
    as_of: str,
    scope: str | None,
    doc_lang: str,
    marks: str,
    _source: Any,
) -> dict[str, bytes]:
    """The briefing as HTML and DOCX bytes (built once per filters, data version and
    ``marks``, the goals' and notes' digest)."""
    from datetime import datetime

    from queries.model.periods import Period
    from reports.briefing.docx import briefing_docx
    from reports.briefing.html import briefing_html
    from reports.briefing.model import build_briefing

    history, _ = _source.imports()
    done = history.filter(pl.col("status") == "committed")["finished_at"].drop_nulls()
    b = build_briefing(
        _source.frames(),
        Period.parse(period),
        datetime.fromisoformat(as_of),
        _source.settings,
        unit_id=scope,
        lang=doc_lang,
        latest_import_at=done.max() if done.len() else None,
        goals=_source.goals(),
        notes=_source.notes(),
    )
    return {"HTML": briefing_html(b).encode("utf-8"), "DOCX": briefing_docx(b)}


def _request(key: tuple[Any, ...]) -> None:
    st.session_state["briefing_key"] = key


def render() -> None:
    ctx = state.current()
    f, lang, src = ctx.filters, ctx.lang, ctx.source
    st.title(t("page.briefing", lang))
    st.caption(
        t("filter.period_shown", lang, period=f.period.label(lang), as_of=f.as_of_day.isoformat())
    )
    st.write(t("briefing.intro", lang))
    scope_text = widgets.scope_name(ctx) if f.scope else t("briefing.whole", lang)
    st.caption(t("briefing.scope", lang, scope=scope_text))
    try:  # a briefing of units out of the role's reach is refused (and audited)
        ctx.gate.check(Area.BRIEFING, f.scope, src.tree(), "briefing")
    except Denied as exc:
        signin.refuse(exc, lang, scope_text, key="briefing")
        return

    c1, c2 = st.columns(2)
    doc_lang = c1.radio(
        t("briefing.lang", lang),
        list(LANGS),
        index=0 if lang == "zh" else 1,
        format_func=LANGS.get,
        horizontal=True,
        key="briefing_lang",
    )
    fmt = c2.radio(t("briefing.format", lang), FORMATS, horizontal=True, key="briefing_format")
    marks = hashlib.sha256(
        src.goals().write_csv().encode() + src.notes().write_csv().encode()
    ).hexdigest()
    key = (
        src.url,
        src.version,
        src.fp,
        str(f.period),
        f.as_of.isoformat(),
        f.scope,
        doc_lang,
        marks,
    )
    # a callback, not the button's return value: the request survives a rerun
    st.button(
        t("briefing.generate", lang),
        type="primary",
        icon=":material/description:",
        on_click=_request,
        args=(key,),
    )
    made = st.session_state.get("briefing_key")
    if made is None:
        return
    if made != key:
        st.info(t("briefing.stale", lang), icon=":material/refresh:")
        return
    try:
        with st.spinner(t("briefing.generating", lang)):
            docs = _documents(*key, _source=src)
    except ChartFontMissing:  # never a chart of boxes: say which font to install
        st.error(t("briefing.no_font", lang), icon=":material/error:")
        return
    stem = f"briefing_{f.period}_{f.scope or 'all'}_{doc_lang}"
    ext = {"DOCX": "docx", "HTML": "html"}[fmt]
    st.download_button(
        t("briefing.download", lang, fmt=fmt),
        deferred(
            lambda: docs[fmt],
            f"{stem}.{ext}",
            None,
            widgets.asker(ctx),
            Needs(Area.BRIEFING, f.scope),
        ),
        file_name=f"{stem}.{ext}",
        mime=MIME[fmt],
        icon=":material/download:",
        on_click="ignore",
    )
    st.subheader(t("briefing.preview", lang))
    widgets.document(
        docs["HTML"], key="briefing", height=900, alt=t("page.briefing", lang), lang=lang
    )


# run by the router (st.navigation runs a page file as __main__), never on import
if __name__ == "__main__":
    widgets.guarded(render)
