"""Who is looking: a person signed in with OpenID Connect (st.login, st.user), or the
one local admin of a dashboard served without sign-in on loopback (access.md).

A sign-in lives on the server (queries.access.signins): the signed cookie only
carries its key, and every run looks it up again (:func:`current_person`), so a
sign-out, a removal, a change of role or the ID token's expiry takes effect at the
next click of every tab. A failed sign-in comes back as ``?signin_failed=CODE``
(dashboard.oidc_hooks) and the sign-in page says what failed.

Also the gate their reads go through (queries.access.gate), the refusal shown
for a request outside their reach, and the sidebar's account line and sign-out.
``openness serve --auth`` sets ``OPENNESS_AUTH=oidc`` for the server.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import sqlalchemy as sa
import streamlit as st
from streamlit import config as st_config

from dashboard import oidc_hooks
from dashboard.i18n import Lang, md, t
from queries.access import audit, signins
from queries.access.gate import Denied, Gate
from queries.access.roles import LOCAL_ADMIN, Person, role_label
from queries.access.users import find_person

AUTH_ENV = "OPENNESS_AUTH"
# without sign-in the local admin's "sign-in" is the server's run: one sign_in per run
_LOCAL_SIGN_IN = f"{audit.DETAIL_LOCAL_SIGN_IN}{audit.now_local():%Y-%m-%d %H:%M:%S}"
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
# why a sign-in ended, each with its words on the sign-in page ("signin.ended.<why>")
ENDINGS = ("signed_out", "expired", "removed", "role_changed", "unknown")


def auth_enabled() -> bool:
    return os.environ.get(AUTH_ENV) == "oidc"


def _loopback_server() -> bool:
    """Whether this server listens on loopback only (AppTest runs no server)."""
    if st_config.get_option("global.appTest"):
        return True
    address = st_config.get_option("server.address") or ""
    return address in _LOOPBACK or address.startswith("127.")


def _nothing() -> None:
    """A page that shows nothing (the menu of a run that stops before any page)."""


def _stop() -> NoReturn:
    """End the run with no menu of pages: a hidden menu of empty pages at the app's
    page paths replaces the one a signed-in run of this session drew (Streamlit keeps
    the last menu drawn), and a link to any page still resolves."""
    views = sorted(p.stem for p in (Path(__file__).parent / "views").glob("[a-z]*.py"))
    pages = [st.Page(_nothing, title=v, url_path=v, default=(v == "overview")) for v in views]
    st.navigation(pages, position="hidden")
    st.stop()


def _sign_in_page(lang: Lang, failed: str | None = None, ended: str | None = None) -> None:
    """The sign-in page; ``failed``: why the last sign-in failed (oidc_hooks.CODES),
    ``ended``: why this browser's sign-in ended (``signed_out``, ``expired`` …)."""
    st.title(t("app.title", lang))
    st.subheader(t("signin.title", lang))
    if failed in oidc_hooks.CODES:
        st.error(
            f"**{t('signin.failed', lang)}** · " + t(f"signin.failed.{failed}", lang),
            icon=":material/error:",
        )
    elif ended is not None:
        key = ended if ended in ENDINGS else "unknown"
        st.warning(t(f"signin.ended.{key}", lang), icon=":material/logout:")
    st.write(t("signin.body", lang))
    if st.button(t("signin.button", lang), type="primary", icon=":material/login:"):
        st.login()


def current_person(engine: sa.Engine) -> Person | None:
    """The person of this session as the server knows them now: their sign-in still
    live (not signed out, ended by a removal or a change of role, nor expired) and
    their role as it is in the database now; None otherwise (also before sign-in and
    for someone without a role). Without sign-in, the local admin."""
    if not auth_enabled():
        return LOCAL_ADMIN
    found = _sign_in(engine)
    if found is None or not found.alive():
        return None
    person = find_person(engine, found.email)
    return None if person is None else replace(person, iss=found.iss, sub=found.sub)


def _sign_in(engine: sa.Engine) -> signins.SignIn | None:
    """The server's record of this browser's sign-in (live or ended); None before
    sign-in or for a cookie the server never issued."""
    if not st.user.is_logged_in:
        return None
    return signins.find(engine, st.user.get(signins.KEY_CLAIM))


def identify(lang: Lang, engine: sa.Engine) -> Person:
    """The person this session shows data to, checked again at every run. Stops the
    run (st.stop) with a sign-in page before sign-in, after a failed sign-in (saying
    why) and once the sign-in has ended; a no-role page for someone signed in without
    a role; a refusal for a server without sign-in that is not on loopback. The first
    run of a session that knows its person writes ``sign_in``, once per sign-in (the
    ID token's ``iat``) with OpenID Connect, once per server run without sign-in."""
    ss = st.session_state
    if not auth_enabled():
        if not _loopback_server():
            st.error(t("signin.not_loopback", lang), icon=":material/lock:")
            st.stop()
        person = LOCAL_ADMIN
    else:
        oidc_hooks.install()  # when served by `streamlit run`, not `openness serve`
        failed = st.query_params.get(oidc_hooks.FAILED_PARAM)
        if not st.user.is_logged_in:
            _sign_in_page(lang, failed=failed)
            _stop()
        known = current_person(engine)
        found = _sign_in(engine) if known is None else None
        if known is None and (found is None or not found.alive()):
            ss.pop("_signed_in", None)
            ended = "unknown" if found is None else (found.ended or "expired")
            _sign_in_page(lang, failed=failed, ended=ended)
            _stop()
        if known is None:  # a live sign-in without a role
            email = found.email if found is not None else ""
            if ss.get("_no_role") != email:
                audit.write(
                    engine,
                    "denied",
                    None,
                    audit.Where(page="sign_in"),
                    detail=audit.DETAIL_NO_ROLE,
                    email=email or "(no email claim)",
                )
                ss["_no_role"] = email
            st.title(t("signin.no_role.title", lang))
            if email:
                st.info(t("signin.no_role.body", lang, email=md(email)), icon=":material/lock:")
            else:  # the provider sent no email claim: nobody can be given a role
                st.warning(t("signin.no_email", lang), icon=":material/lock:")
            if st.button(t("signin.out", lang), icon=":material/logout:"):
                signins.end(engine, st.user.get(signins.KEY_CLAIM), "signed_out")
                st.logout()
            _stop()
        person = known
    if ss.get("_signed_in") != person:
        # one sign_in per sign-in: a reload or a second tab opens another session of
        # the same sign-in (the ID token's issue time tells them apart); without
        # sign-in, one per server run
        detail = audit.sign_in_detail(st.user.get("iat")) if auth_enabled() else _LOCAL_SIGN_IN
        if detail is None or not audit.recorded(engine, person.email, "sign_in", detail):
            audit.write(engine, "sign_in", person, audit.Where(page="sign_in"), detail=detail)
        ss["_signed_in"] = person
    return person


def account(person: Person, lang: Lang, engine: sa.Engine) -> None:
    """The sidebar's line saying who is signed in, and the sign-out button."""
    with st.sidebar:
        if not auth_enabled():
            st.caption(":material/person: " + t("signin.local", lang))
            return
        who = md(person.email)
        role = role_label(person.role, lang) + (f" · {person.unit_id}" if person.unit_id else "")
        st.caption(":material/person: " + t("signin.who", lang, email=who, role=md(role)))
        if st.button(t("signin.out", lang), icon=":material/logout:", key="sign_out"):
            signins.end(engine, st.user.get(signins.KEY_CLAIM), "signed_out")
            audit.write(engine, "sign_out", person, audit.Where(page="sign_out"))
            st.session_state.pop("_signed_in", None)
            st.logout()


def gate(person: Person, engine: sa.Engine, page: str, period: str, as_of: object) -> Gate:
    """The gate of this run: the person, the page and filters; views already audited in
    this session are remembered so a redraw writes no second ``view_records``."""
    seen = st.session_state.setdefault("_audit_seen", set())
    where = audit.Where(page=page, period=period, as_of=as_of)  # type: ignore[arg-type]
    return Gate(engine, person, where, seen=seen)


def refuse(exc: Denied, lang: Lang, unit_label: str | None = None, key: str = "records") -> None:
    """The refusal for a request outside the reach (already audited by the gate)."""
    role = role_label(exc.person.role, lang)
    unit = md(unit_label or exc.unit_id or t("denied.whole", lang))
    st.error(
        f"**{t('denied.title', lang)}** · " + t(f"denied.{key}", lang, role=role, unit=unit),
        icon=":material/block:",
    )
