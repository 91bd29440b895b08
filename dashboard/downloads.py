"""Every file that leaves the dashboard is authorised when it is made, not when its
button was drawn (access.md, "Sign-in"; docs/security.md).

A download button's data is a deferred callable (Streamlit calls it when the
browser asks for the file). :func:`deferred` wraps the maker of the bytes so that,
at that moment, it

1. checks it runs for the session that drew the button (:data:`guard.REQUESTER`,
   set by the server's deferred-download handler; a request from any other
   session, or outside ``openness serve``, is refused);
2. re-reads the person (:func:`dashboard.signin.current_person`): a person signed out,
   removed or without the role gets a refusal, audited as ``denied``;
3. runs the gate for what the file holds (:class:`Needs`): out of the person's
   reach now is a refusal, audited as ``denied`` by the gate;
4. audits the ``download`` under the person as they are now, then makes the bytes.

A refusal raises :class:`dashboard.guard.Refused`; the server shows its message
under the button and sends no file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import sqlalchemy as sa
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import (
    SCRIPT_RUN_CONTEXT_ATTR_NAME,
    ScriptRunContext,
    get_script_run_ctx,
)

from dashboard import signin
from dashboard.guard import REQUESTER, Refused
from dashboard.i18n import Lang, t
from queries.access import audit
from queries.access.gate import Denied, Gate
from queries.access.roles import Area, Person
from queries.model.tree import Tree


@dataclass(frozen=True)
class Needs:
    """What a file holds, for the gate: ``area`` of ``unit_id``'s subtree (None: every
    unit). A table of aggregates needs :attr:`Area.AGGREGATES` of every unit."""

    area: Area = Area.AGGREGATES
    unit_id: str | None = None


@dataclass(frozen=True)
class Asker:
    """Who asked, as the page was drawn: the session, the database the trail is in,
    where (page, period, as-of), the unit tree and the page's language."""

    session: ScriptRunContext | None
    engine: sa.Engine
    where: audit.Where
    tree: Tree
    lang: Lang


def asker(engine: sa.Engine, where: audit.Where, tree: Tree, lang: Lang) -> Asker:
    """The asker of this script run (call it while the page is drawn)."""
    return Asker(get_script_run_ctx(suppress_warning=True), engine, where, tree, lang)


@contextmanager
def _in_session(ctx: ScriptRunContext) -> Iterator[None]:
    """``st.user`` and ``st.session_state`` of ``ctx``'s session in this worker thread."""
    thread = threading.current_thread()
    before = getattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, None)
    setattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, ctx)
    try:
        yield
    finally:
        setattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, before)


def authorise(
    who: Asker, needs: Needs, name: str, rows: int | None, also: Sequence[Needs] = ()
) -> Person:
    """Raise :class:`Refused` unless the person of ``who``'s session, as the database
    says now, may take a file holding ``needs`` (and each of ``also``: a workbook of
    several tables); audit one ``download`` (or the ``denied``). ``name``: the file's
    name; ``rows``: how many records it holds. Returns the person as they are now."""
    lang = who.lang
    session = who.session
    if session is None or REQUESTER.get() != session.session_id:
        raise Refused(t("download.refused.session", lang))
    where = audit.Where(
        page=who.where.page,
        unit_id=needs.unit_id,
        period=who.where.period,
        as_of=who.where.as_of,
    )
    with _in_session(session):
        person = signin.current_person(who.engine)
        email = str(st.user.get("email") or "") if signin.auth_enabled() else ""
    if person is None:
        audit.write(
            who.engine,
            "denied",
            None,
            where,
            detail=f"download {name}: no longer signed in or no role",
            email=email or "(not signed in)",
        )
        raise Refused(t("download.refused.person", lang))
    gate = Gate(who.engine, person, who.where)
    try:
        for each in (needs, *also):
            gate.check(each.area, each.unit_id, who.tree, f"download {name}")
    except Denied as exc:
        raise Refused(t("download.refused.reach", lang)) from exc
    gate.download(name, unit_id=needs.unit_id, records=rows)
    return person


# the person a file is being made for, as :func:`authorise` found them (inside ``make``)
_DOWNLOADER: ContextVar[Person | None] = ContextVar("openness_downloader", default=None)


def downloader() -> Person | None:
    """Inside a deferred file's ``make``: the person it is made for, as they are now."""
    return _DOWNLOADER.get()


def deferred(
    make: Callable[[], bytes],
    name: str,
    rows: int | None,
    who: Asker,
    needs: Needs,
    also: Sequence[Needs] = (),
) -> Callable[[], bytes]:
    """``make`` for st.download_button's deferred data, authorised and audited first
    (:func:`authorise`, for ``needs`` and each of ``also``: one ``download``) each time
    Streamlit calls it (once per click); ``make`` may ask :func:`downloader` for whom."""

    def made() -> bytes:
        token = _DOWNLOADER.set(authorise(who, needs, name, rows, also))
        try:
            return make()
        finally:
            _DOWNLOADER.reset(token)

    return made
