"""The shared sidebar filters and their mirror in the URL (``st.query_params``).

URL keys: ``lang`` (zh|en), ``period`` (as methodology.md writes it),
``asof`` (a date), ``scope`` (unit id), ``level`` (peer level). Pages add
their own (``unit``, ``ind``, ...). A link with these keys reopens the same
view: on a session's first run the widgets are seeded from the URL; after
that the widgets own the values and the URL follows them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.data import Source
from dashboard.i18n import LANGS, Lang, enum_label, language_from_locale, md, t, unit_name
from queries.access.gate import Gate
from queries.access.roles import Person
from queries.model.clock import now_local
from queries.model.periods import Period, parse_date
from queries.model.records import LEVEL_ORDER

PERIOD_TYPES = ("month", "quarter", "year", "custom")
_KIND_TO_TYPE = {"month": "month", "quarter": "quarter", "year": "year", "range": "custom"}
_WIDGET_KEYS = (
    "f_asof",
    "f_ptype",
    "f_period",
    "f_month",
    "f_quarter",
    "f_year",
    "f_days",
    "f_scope",
    "f_level",
)
# the filter keys written to the URL, in order
URL_KEYS = ("lang", "period", "asof", "scope", "level")


def local_now() -> datetime:
    """Now in local time, naive like the records, to the minute (so that caches keyed
    by the as-of hold for a minute)."""
    return now_local().replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Filters:
    lang: Lang
    period: Period
    as_of_day: date
    scope: str | None
    level: str | None
    now: datetime

    @property
    def as_of(self) -> datetime:
        """The end of the as-of day (everything stamped that day has happened), or now
        when that day is today: a case due this evening is not late at noon."""
        end = datetime.combine(self.as_of_day, time(23, 59, 59))
        return min(end, self.now)

    @property
    def period_text(self) -> str:
        return str(self.period)

    def url_params(self) -> dict[str, str]:
        out = {"lang": self.lang, "period": str(self.period), "asof": self.as_of_day.isoformat()}
        if self.scope:
            out["scope"] = self.scope
        if self.level:
            out["level"] = self.level
        return out


@dataclass(frozen=True)
class Context:
    """What every page gets: the filters, the data source, the language, and the gate
    (the signed-in person) every read of records goes through."""

    filters: Filters
    source: Source
    gate: Gate

    @property
    def lang(self) -> Lang:
        return self.filters.lang

    @property
    def person(self) -> Person:
        return self.gate.person


# the context of the script run in progress (pages run in the entry script's thread)
_RUN = threading.local()


def begin_run(ctx: Context) -> None:
    _RUN.ctx = ctx


def end_run() -> None:
    _RUN.ctx = None


def current() -> Context:
    """The context the entry script built for this run."""
    ctx: Context | None = getattr(_RUN, "ctx", None)
    if ctx is None:
        raise RuntimeError("a dashboard page ran without the entry script (dashboard/app.py)")
    return ctx


PAGES_DIR = Path(__file__).resolve().parent / "views"


def page_path(key: str) -> str:
    """The page module of ``key`` (for st.switch_page / st.page_link)."""
    return str(PAGES_DIR / f"{key}.py")


def page_param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value or None


def set_page_param(name: str, value: str | None) -> None:
    if value is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


# ---------------------------------------------------------------- language


def resolve_language() -> Lang:
    """The language: the widget's last choice, else the URL, else the browser's locale."""
    ss = st.session_state
    if ss.get("_lang") not in LANGS:
        url_lang = st.query_params.get("lang")
        if url_lang in LANGS:
            ss["_lang"] = url_lang
        else:
            try:
                locale = st.context.locale
            except Exception:  # not in a browser session (tests, bare mode)
                locale = None
            ss["_lang"] = language_from_locale(locale)
    return ss["_lang"]


def language_widget() -> Lang:
    ss = st.session_state
    before = ss["_lang"]
    if ss.get("f_lang") not in LANGS or ss.get("_restore"):
        ss["f_lang"] = ss["_lang"]
    st.sidebar.segmented_control(
        t("lang.label", ss["_lang"]),
        LANGS,
        format_func=lambda c: "中文" if c == "zh" else "English",
        key="f_lang",
        selection_mode="single",
    )
    if ss.get("f_lang") in LANGS:  # a click on the chosen one deselects it: keep it
        ss["_lang"] = ss["f_lang"]
    ss["_relabel"] = ss["_lang"] != before
    return ss["_lang"]


def relabelled(key: str) -> str:
    """``key``, a widget's whose options are shown in the reader's language, its value
    sent to the browser again in the run that changed the language.

    Streamlit's browser side keeps a select box's choice as the option's label, and
    sends it back at the next run (a page opened, another widget changed), where the
    labels are those of the other language: no option has it, and the widget falls back
    to its first option (2026-Q1 became 2026-03). A value set in the session state is
    sent with the widget, in the new language's label."""
    ss = st.session_state
    if ss.get("_relabel") and key in ss:
        ss[key] = ss[key]
    return key


# ---------------------------------------------------------------- periods


def _months(first: date, last: date) -> list[Period]:
    return Period(first, last).months()


def _quarters(first: date, last: date) -> list[Period]:
    out: list[Period] = []
    for m in _months(first, last):
        q = Period.quarter(m.start.year, m.quarter_number)
        if not out or out[-1] != q:
            out.append(q)
    return out


def _years(first: date, last: date) -> list[Period]:
    return [Period.year(y) for y in range(first.year, last.year + 1)]


def _default_period(last: date) -> Period:
    """The quarter holding the last day with data (or the as-of)."""
    return Period.quarter(last.year, (last.month - 1) // 3 + 1)


def _parse_period(text: str | None) -> Period | None:
    if not text:
        return None
    try:
        return Period.parse(text)
    except ValueError:
        return None


def _parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        return None


def _seed_from_url(today: date, last: date, home: str | None) -> list[str]:
    """Put the URL's filter values into the widgets' state; problems to report."""
    ss = st.session_state
    problems: list[str] = []
    qp = st.query_params
    as_of = _parse_day(qp.get("asof")) or today
    ss["f_asof"] = as_of
    raw = qp.get("period")
    period = _parse_period(raw)
    if raw and period is None:
        problems.append(t("error.period", ss["_lang"], period=md(raw)))
    if period is None:
        period = _default_period(min(last, as_of))
    ss["f_ptype"] = _KIND_TO_TYPE[period.kind]
    ss["f_period"] = str(period)
    ss["f_days"] = (period.start, period.end)
    ss["f_scope"] = qp.get("scope") or home
    ss["f_level"] = qp.get("level")
    return problems


def _period_widget(lang: Lang, first: date, last: date) -> Period:
    ss = st.session_state
    sb = st.sidebar
    sb.selectbox(
        t("filter.period_type", lang),
        PERIOD_TYPES,
        format_func=lambda c: t(f"filter.period_type.{c}", lang),
        key="f_ptype",
    )
    ptype = ss["f_ptype"]
    current = _parse_period(ss.get("f_period"))
    if ptype == "custom":
        if current is not None and current.kind != "range":
            # just switched to custom days: start from the period shown
            ss["f_days"] = (current.start, current.end)
        elif "f_days" not in ss or not isinstance(ss["f_days"], tuple | list):
            ss["f_days"] = (current.start, current.end) if current else (first, last)
        sb.date_input(t("filter.days", lang), key="f_days", format="YYYY-MM-DD")
        days = ss["f_days"]
        if isinstance(days, tuple | list) and len(days) == 2:
            period = Period(days[0], days[1], "range")
        else:  # the second day is not picked yet: keep the period shown
            period = current or Period(first, last, "range")
        ss["f_period"] = str(period)
        return period
    options = {"month": _months, "quarter": _quarters, "year": _years}[ptype](first, last)
    options = options[::-1]  # the latest first
    texts = [str(p) for p in options]
    key = f"f_{ptype}"
    if current is None or current.kind != ptype or not ss.get(key):
        # a type switch keeps the time: the option holding the current period's end
        if current is not None and current.kind == ptype:
            ss[key] = str(current)
        else:
            end = current.end if current else last
            ss[key] = next((str(p) for p in options if p.contains(end)), texts[0])
    if ss[key] not in texts:  # a shared link's period outside the data: keep it
        texts.insert(0, ss[key])
    labels = {str(p): p.label(lang) for p in options}
    sb.selectbox(
        t(f"filter.{ptype}", lang),
        texts,
        format_func=lambda s: labels.get(s) or Period.parse(s).label(lang),
        key=key,
    )
    period = Period.parse(ss[key])
    ss["f_period"] = str(period)
    return period


# ---------------------------------------------------------------- units


def _unit_widgets(lang: Lang, source: Source) -> tuple[str | None, str | None]:
    ss = st.session_state
    sb = st.sidebar
    if not source.has_units:
        return None, None
    units = source.units()
    tree = source.tree()
    info = {
        r["unit_id"]: r
        for r in units.select("unit_id", "name", "name_en", "level").iter_rows(named=True)
    }
    order = tree.order()
    ids = [u for u, _ in order]
    depth = dict(order)
    if ss.get("f_scope") not in info:
        if ss.get("f_scope"):
            st.toast(
                t(
                    "error.unknown_unit",
                    lang,
                    unit=md(ss["f_scope"]),
                    fallback=md(unit_name(info[ids[0]]["name"], info[ids[0]]["name_en"], lang)),
                )
            )
        ss["f_scope"] = ids[0]

    def label(uid: str) -> str:
        r = info[uid]
        return "\u3000" * depth.get(uid, 0) + unit_name(r["name"], r["name_en"], lang)

    sb.selectbox(
        t("filter.unit", lang),
        ids,
        format_func=label,
        key="f_scope",
        help=t("filter.unit.help", lang),
    )
    scope = ss["f_scope"]
    below = {info[u]["level"] for u in tree.subtree(scope) if u != scope}
    levels = [lv for lv in LEVEL_ORDER if lv in below] or [info[scope]["level"]]
    if ss.get("f_level") not in levels:
        ss["f_level"] = levels[0]
    sb.selectbox(
        t("filter.level", lang),
        levels,
        format_func=lambda c: enum_label("level", c, lang),
        key="f_level",
        help=t("filter.level.help", lang),
    )
    return scope, ss["f_level"]


def sidebar_filters(lang: Lang, source: Source, today: date, home: str | None = None) -> Filters:
    """Draw the shared filters in the sidebar; the filters in force. ``home``: the
    scope when the URL names none (a unit head's own unit)."""
    ss = st.session_state
    span = source.span()
    first, last = span if span else (today - timedelta(days=365), today)
    restore = ss.pop("_restore", False)
    if not ss.get("f_seeded"):
        for problem in _seed_from_url(today, last, home):
            st.toast(problem)
        ss["f_seeded"] = True
    elif restore:
        # the previous run switched pages itself (open_unit): Streamlit reset
        # the sidebar's widgets, so put back the values they had
        for k, v in ss.get("_saved", {}).items():
            ss[k] = v
    for key in _WIDGET_KEYS:
        relabelled(key)
    st.sidebar.header(t("filter.header", lang), divider="gray")
    st.sidebar.date_input(
        t("filter.as_of", lang),
        key="f_asof",
        help=t("filter.as_of.help", lang),
        format="YYYY-MM-DD",
    )
    as_of_day: date = ss["f_asof"] or today
    last = max(min(last, as_of_day), first)
    period = _period_widget(lang, first, max(last, as_of_day) if span is None else last)
    scope, level = _unit_widgets(lang, source)
    filters = Filters(lang, period, as_of_day, scope, level, local_now())
    ss["_saved"] = {k: ss[k] for k in _WIDGET_KEYS if k in ss}
    write_url(filters)
    return filters


def write_url(filters: Filters) -> None:
    """Mirror the filters into the URL, leaving the page's own keys alone."""
    qp = st.query_params
    wanted = filters.url_params()
    for k in URL_KEYS:
        v = wanted.get(k)
        if v is None:
            if k in qp:
                del qp[k]
        elif qp.get(k) != v:
            qp[k] = v


def open_unit(filters: Filters, unit: str) -> None:
    """Switch to the Unit page for ``unit`` with the same filters.

    A page switch started by the script reaches the next run without the sidebar's
    widget values (the browser sends them only with its own requests): keep them for
    the entry script to put back, as after a run that drew no sidebar.
    """
    ss = st.session_state
    ss["_saved"] = {k: ss[k] for k in _WIDGET_KEYS if k in ss}
    ss["_restore"] = True
    st.switch_page(page_path("unit"), query_params=link_params(filters, unit=unit))


def link_params(filters: Filters, **extra: Any) -> dict[str, str]:
    """Query parameters for a link to another page with the same filters."""
    params = filters.url_params()
    params.update({k: str(v) for k, v in extra.items() if v is not None})
    return params
