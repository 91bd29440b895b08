"""The dashboard's entry point: page set-up, language, shared filters, routing.

Run with ``openness serve`` (or ``streamlit run dashboard/app.py`` with
``OPENNESS_DB`` set). Each page is one thin module in ``dashboard/views``;
to add a page, add one line to :data:`PAGES` (and its title to i18n.py as
``page.<key>``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from dashboard import data, signin, state  # noqa: E402
from dashboard.i18n import md, t  # noqa: E402
from queries.access.roles import Area, Person, Reach  # noqa: E402
from queries.model.db import hide_secrets, read_only_cause  # noqa: E402
from queries.model.settings import SettingsError  # noqa: E402
from queries.store.integrity import DatabaseUnreadable  # noqa: E402

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class PageSpec:
    key: str  # title: i18n "page.<key>"; URL path: the key
    path: str  # relative to dashboard/
    icon: str
    section: str = "analysis"  # analysis | reports | reference
    needs_data: bool = True  # False: shown even on an empty database
    default: bool = False
    area: Area = Area.AGGREGATES  # what the page shows (access.md's matrix): its lock


# one line per page; a page whose module does not exist (yet) is left out
PAGES: list[PageSpec] = [
    PageSpec("overview", "views/overview.py", ":material/leaderboard:", default=True),
    PageSpec("unit", "views/unit.py", ":material/account_tree:"),
    PageSpec("attention", "views/attention.py", ":material/notification_important:"),
    PageSpec("openness", "views/openness.py", ":material/campaign:"),
    PageSpec("responsiveness", "views/responsiveness.py", ":material/schedule:"),
    PageSpec("satisfaction", "views/satisfaction.py", ":material/sentiment_satisfied:"),
    PageSpec("supervision", "views/supervision.py", ":material/policy:"),
    PageSpec(
        "briefing", "views/briefing.py", ":material/description:", "reports", area=Area.BRIEFING
    ),
    PageSpec("public_preview", "views/public_preview.py", ":material/public:", "reports"),
    PageSpec("methodology", "views/methodology.py", ":material/functions:", "reference", False),
    PageSpec("data", "views/data.py", ":material/database:", "reference", False, area=Area.DATA),
    PageSpec("audit", "views/audit.py", ":material/history:", "reference", False, area=Area.AUDIT),
    PageSpec(
        "jobs", "views/jobs.py", ":material/event_repeat:", "reference", False, area=Area.JOBS
    ),
]
# the tab's icon, served by this server (a :material/...: icon is fetched from the internet)
PAGE_ICON = str(Path(__file__).resolve().parent / "static" / "shield.svg")

SECTIONS = {
    "analysis": ("分析", "Analysis"),
    "reports": ("报告", "Reports"),
    "reference": ("参考", "Reference"),
}

_CSS = """
<style>
.block-container {padding-top: 2.2rem; padding-bottom: 2rem; max-width: 1500px;}
[data-testid="stMetricValue"] {font-size: 1.9rem;}
[data-testid="stSidebarHeader"] {padding-bottom: 0;}
h1 {font-size: 1.75rem !important;}
h3 {font-size: 1.2rem !important; margin-top: .6rem;}
/* a phone (issue 21): a table with a compact form shows it, and hides its wide one */
[class*="st-key-narrow_"] {display: none !important;}
@media (max-width: 640px) {
  [class*="st-key-wide_"] {display: none !important;}
  [class*="st-key-narrow_"] {display: flex !important;}
  .block-container {padding-left: .75rem; padding-right: .75rem; padding-top: 4.5rem;}
}
</style>
"""


def _pages(lang: str, empty: bool, person: Person) -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}
    for spec in PAGES:
        if not (HERE / spec.path).exists():
            continue
        if empty and spec.needs_data:
            continue
        # a page out of the role's reach stays reachable (its URL shows a refusal, and
        # is audited) but says so in the menu
        locked = person.reach(spec.area) == Reach.NONE
        page = st.Page(
            str(HERE / spec.path),
            title=t(f"page.{spec.key}", lang),  # type: ignore[arg-type]
            icon=":material/lock:" if locked else spec.icon,
            url_path=spec.key,
            default=spec.default and not empty,
        )
        zh, en = SECTIONS[spec.section]
        sections.setdefault(zh if lang == "zh" else en, []).append(page)
    return sections


def _empty_page() -> None:
    ctx = state.current()
    st.title(t("app.title", ctx.lang))
    st.info(t("empty.database", ctx.lang), icon=":material/inbox:")


def main() -> None:
    with data.run_slot():
        try:
            _main()
        except sa.exc.DBAPIError as exc:
            # a database that turned read-only under the dashboard (a fail-over to a
            # replica): the audit trail cannot be written, so nothing is shown
            if (cause := read_only_cause(exc)) is None:
                raise
            read_only(cause)


def read_only(cause: str) -> None:
    """Say the database is read-only, in place of the page (logged with its cause)."""
    import logging

    logging.getLogger("openness.dashboard").error("database is read-only: %s", cause)
    st.error(t("error.read_only", state.resolve_language()), icon=":material/error:")


def _main() -> None:
    st.set_page_config(
        page_title="警务公开评价 · Openness",
        page_icon=PAGE_ICON,
        layout="wide",
        initial_sidebar_state="auto",
    )
    st.html(_CSS)
    lang = state.resolve_language()
    with st.sidebar:
        st.markdown(f"**{t('app.title', lang)}**  \n{t('app.subtitle', lang)}")
    lang = state.language_widget()
    try:
        ready = data.schema_ready(data.database_url())
        source = data.open_source() if ready else None
    except SettingsError as exc:
        st.error(t("error.settings", lang, error=str(exc)), icon=":material/error:")
        st.stop()
    except sa.exc.SQLAlchemyError as exc:
        why = hide_secrets(str(getattr(exc, "orig", None) or exc), data.database_url())
        st.error(t("error.db", lang, error=md(why)), icon=":material/error:")
        st.stop()
    if not ready or source is None:
        st.warning(t("empty.schema", lang), icon=":material/warning:")
        st.stop()
    engine = data.get_engine(source.url)
    person = signin.identify(lang, engine)
    signin.account(person, lang, engine)
    try:
        filters = state.sidebar_filters(lang, source, state.local_now().date(), home=person.unit_id)
    except DatabaseUnreadable as exc:
        # never figures from part of the database: the error instead of numbers
        st.error(t("error.db", lang, error=md(exc)), icon=":material/error:")
        st.stop()
    with st.sidebar:
        st.caption(t("filter.share", lang))
        st.caption(":material/lock: " + t("app.internal", lang))

    sections = _pages(lang, source.empty, person)
    if source.empty:
        zh, en = SECTIONS["analysis"]
        sections = {
            (zh if lang == "zh" else en): [
                st.Page(
                    _empty_page,
                    title=t("page.overview", lang),
                    icon=":material/leaderboard:",
                    url_path="overview",
                    default=True,
                )
            ],
            **sections,
        }
    # every page listed: collapsed, Streamlit shows ten and its own English "View N more"
    # (untranslatable) for the rest
    page = st.navigation(sections, position="sidebar", expanded=True)
    gate = signin.gate(
        person, engine, page.url_path or "overview", str(filters.period), filters.as_of
    )
    state.begin_run(state.Context(filters, source, gate))
    try:
        page.run()  # each page guards its own body (widgets.guarded)
    finally:
        state.end_run()


# Streamlit runs this file as __main__; importing it (a test, a tool) draws nothing
if __name__ == "__main__":
    main()
