"""Briefing: generate the liaison briefing (HTML / DOCX), preview it, download it.

Thin: the document is built by :mod:`reports` from the same frames, settings,
period, as-of and scope as the other pages.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from dashboard import state, widgets
from dashboard.i18n import t

# this page's own words (the document's words live in reports.wording)
TEXT: dict[str, tuple[str, str]] = {
    "intro": (
        "为人大代表、政协委员生成工作情况通报：得分与上期、去年同期对比，各层级居前居后单位及失分指标，"
        "代表委员反映事项办理情况，监督结果公开情况，图表与方法说明。文件可直接提交。",
        "The briefing for NPC deputies and CPPCC members: scores against the previous period "
        "and last year, the strongest and weakest units of each level and what pulls them "
        "down, the deputies' own items, supervision results made public, charts and a note "
        "on method. Ready to hand over as it is.",
    ),
    "lang": ("文档语言", "Document language"),
    "format": ("下载格式", "Download format"),
    "scope": (
        "范围：{scope}（在侧栏“单位范围”中更改）",
        "Scope: {scope} (change it in the sidebar)",
    ),
    "whole": ("全局（根单位）", "the whole bureau (root units)"),
    "generate": ("生成简报", "Generate the briefing"),
    "generating": ("正在生成…", "Generating…"),
    "preview": ("预览", "Preview"),
    "download": ("下载 {fmt}", "Download {fmt}"),
    "stale": (
        "筛选条件已改变，请重新生成。",
        "The filters changed since it was generated: generate again.",
    ),
}
LANGS = {"zh": "中文", "en": "English"}
FORMATS = ("DOCX", "HTML")
MIME = {
    "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "HTML": "text/html",
}


def _t(key: str, lang: str, **kw: Any) -> str:
    zh, en = TEXT[key]
    return (zh if lang == "zh" else en).format(**kw)


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def _documents(
    url: str,
    version: tuple[int, ...],
    fp: str,
    period: str,
    as_of: str,
    scope: str | None,
    doc_lang: str,
    _source: Any,
) -> dict[str, bytes]:
    """The briefing as HTML and DOCX bytes (built once per filters and data version)."""
    from datetime import datetime

    from queries.periods import Period
    from reports.briefing import build_briefing
    from reports.briefing_docx import briefing_docx
    from reports.briefing_html import briefing_html

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
    st.write(_t("intro", lang))
    scope_text = widgets.scope_name(ctx) if f.scope else _t("whole", lang)
    st.caption(_t("scope", lang, scope=scope_text))

    c1, c2 = st.columns(2)
    doc_lang = c1.radio(
        _t("lang", lang),
        list(LANGS),
        index=0 if lang == "zh" else 1,
        format_func=LANGS.get,
        horizontal=True,
        key="briefing_lang",
    )
    fmt = c2.radio(_t("format", lang), FORMATS, horizontal=True, key="briefing_format")
    key = (src.url, src.version, src.fp, str(f.period), f.as_of.isoformat(), f.scope, doc_lang)
    # a callback, not the button's return value: the request survives a rerun
    st.button(
        _t("generate", lang),
        type="primary",
        icon=":material/description:",
        on_click=_request,
        args=(key,),
    )
    made = st.session_state.get("briefing_key")
    if made is None:
        return
    if made != key:
        st.info(_t("stale", lang), icon=":material/refresh:")
        return
    with st.spinner(_t("generating", lang)):
        docs = _documents(*key, _source=src)
    stem = f"briefing_{f.period}_{f.scope or 'all'}_{doc_lang}"
    ext = {"DOCX": "docx", "HTML": "html"}[fmt]
    st.download_button(
        _t("download", lang, fmt=fmt),
        docs[fmt],
        file_name=f"{stem}.{ext}",
        mime=MIME[fmt],
        icon=":material/download:",
        on_click="ignore",
    )
    st.subheader(_t("preview", lang))
    st.iframe(docs["HTML"].decode("utf-8"), height=900, alt=t("page.briefing", lang))


widgets.guarded(render)
