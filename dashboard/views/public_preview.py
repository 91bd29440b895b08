"""Public summary preview: exactly the bundle `openness publish` would write, and its zip.

Thin: the bundle is built by :mod:`reports.public.bundle` for the sidebar's period and
as-of (the public summary always covers the public levels, whatever the scope).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import state, widgets
from dashboard.export import Needs, deferred
from dashboard.i18n import enum_labels, t


@st.cache_data(ttl=600, max_entries=4, show_spinner=False)
def _bundle(
    url: str, version: tuple[int, ...], fp: str, period: str, as_of: str, _source: Any
) -> dict[str, bytes]:
    from datetime import datetime

    from queries.model.periods import Period
    from reports.public.bundle import bundle_files
    from reports.public.summary import public_summary

    summary = public_summary(
        _source.frames(), Period.parse(period), datetime.fromisoformat(as_of), _source.settings
    )
    return bundle_files(summary)


def render() -> None:
    from reports.public.bundle import bundle_zip
    from reports.public.disclosure_control import public_rounding

    ctx = state.current()
    f, lang, src = ctx.filters, ctx.lang, ctx.source
    s = src.settings
    st.title(t("page.public_preview", lang))
    st.caption(
        t("filter.period_shown", lang, period=f.period.label(lang), as_of=f.as_of_day.isoformat())
    )
    names = enum_labels("level", lang)
    levels = ("、" if lang == "zh" else ", ").join(names[lv] for lv in s.public_levels)
    st.write(
        t(
            "preview.intro",
            lang,
            k=s.public_min_count,
            r=public_rounding(s),
            m=s.min_sample,
            levels=levels,
        )
    )

    from reports.public.summary import AfterTheRecords, OutsideTheRecords

    try:
        with st.spinner(t("preview.building", lang)):
            files = _bundle(
                src.url, src.version, src.fp, str(f.period), f.as_of.isoformat(), _source=src
            )
    except OutsideTheRecords as exc:  # what `openness publish` refuses (exit 2)
        key = (
            "preview.after_records"
            if isinstance(exc, AfterTheRecords)
            else "preview.before_records"
        )
        st.info(
            t(key, lang, period=f.period.label(lang), day=exc.day), icon=":material/event_busy:"
        )
        return
    name = f"public_summary_{f.period}_{f.as_of_day.isoformat()}.zip"
    st.download_button(
        t("preview.download", lang),
        deferred(lambda: bundle_zip(files), name, None, widgets.asker(ctx), Needs()),
        file_name=name,
        mime="application/zip",
        type="primary",
        icon=":material/download:",
        on_click="ignore",
    )
    st.caption(
        t("preview.files", lang)
        + ": "
        + ", ".join(f"{name} ({len(data) / 1024:,.0f} KB)" for name, data in files.items())
    )
    tabs = st.tabs(["index.html", "embed.html", "methodology.html"])
    heights = {"index.html": 1100, "embed.html": 520, "methodology.html": 900}
    for tab, name in zip(tabs, heights, strict=True):
        with tab:
            widgets.document(files[name], key=name, height=heights[name], alt=name, lang=lang)


# run by the router (st.navigation runs a page file as __main__), never on import
if __name__ == "__main__":
    widgets.guarded(render)
