"""The dashboard's pages for each role, signed in (AppTest's st.user), on both databases:
refusals for what is out of reach, nothing of it shown, and the audit trail.

The real sign-in through an OpenID Connect provider in Chromium is tests/test_browser_auth.py.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from dashboard_harness import AS_OF, PERIOD, REF, app, open_page, wide_frames

from queries.access import audit, signins
from queries.access.users import add_user, remove_user
from queries.engine.drilldown import records_behind
from queries.model.db import make_engine
from queries.store.frames import load_frames

PEOPLE = {
    "admin@bureau.cn": ("admin", None),
    "head@bureau.cn": ("unit_head", "B01"),
    "liaison@bureau.cn": ("liaison", None),
    "viewer@bureau.cn": ("viewer", None),
}


@pytest.fixture
def signed(seeded: str, fresh_caches: None, monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    monkeypatch.setenv("OPENNESS_AUTH", "oidc")
    engine = make_engine(seeded)
    for email, (role, unit) in PEOPLE.items():
        add_user(engine, email, role, unit, by="test")
    _ENGINE[:] = [engine]
    yield engine
    _ENGINE.clear()
    engine.dispose()


_ENGINE: list[sa.Engine] = []
ISSUER = "https://idp.bureau.cn"


def _as(email: str | None, *, key: str | None = None, **params: str):  # type: ignore[no-untyped-def]
    """The app for ``email``, signed in through a server-side sign-in (a new one, or
    the one of ``key``); not signed in without an email."""
    at = app(lang="en", period=PERIOD, asof=REF.isoformat(), **params)
    if not email:
        at.user = {"is_logged_in": False}
        return at
    if key is None:
        claims = {"iss": ISSUER, "sub": email, "email": email, "email_verified": True}
        key = signins.start(_ENGINE[0], {**claims, "exp": time.time() + 3600}, issuer=ISSUER)
    at.user = {"email": email, "is_logged_in": True, signins.KEY_CLAIM: key}
    return at


def _texts(at) -> str:  # type: ignore[no-untyped-def]
    return " ".join(
        [e.value for e in at.title]
        + [e.value for e in at.subheader]
        + [e.value for e in at.markdown]
        + [e.value for e in at.error]
        + [e.value for e in at.info]
        + [e.value for e in at.warning]
        + [e.value for e in at.caption]
    )


def test_before_sign_in_a_sign_in_page_and_nothing_else(signed: sa.Engine) -> None:
    at = _as(None, unit="B01", records="R_ONTIME")
    at.run()
    assert not at.exception
    assert "Please sign in" in _texts(at)
    assert len(at.dataframe) == 0 and len(at.metric) == 0
    assert [b.label for b in at.button] == ["Sign in"]


def test_signed_in_without_a_role(signed: sa.Engine) -> None:
    at = _as("stranger@bureau.cn")
    at.run()
    assert "no role" in _texts(at)
    assert len(at.dataframe) == 0 and len(at.metric) == 0
    last = audit.read(signed).row(-1, named=True)
    assert (last["event"], last["user"], last["detail"]) == (
        "denied",
        "stranger@bureau.cn",
        "signed in without a role",
    )


def test_the_records_link_for_each_role(signed: sa.Engine) -> None:
    frames = load_frames(signed)
    b01 = records_behind(frames, "R_ONTIME", "B01", PERIOD, AS_OF)
    expected = {
        # email -> records shown for B01, for B02
        "admin@bureau.cn": (b01.height, True),
        "head@bureau.cn": (b01.height, False),
        "liaison@bureau.cn": (None, False),
        "viewer@bureau.cn": (None, False),
    }
    for email, (b01_rows, b02_ok) in expected.items():
        for unit, ok in (("B01", b01_rows is not None), ("B02", b02_ok)):
            before = audit.read(signed).height
            at = _as(email, unit=unit, records="R_ONTIME")
            at.run()
            open_page(at, "unit") if ok else at.switch_page("views/unit.py").run()
            assert not at.exception
            trail = audit.read(signed)[before:]
            if ok:
                # indicators, then the records, then the units below
                assert len(wide_frames(at)) == 3, email
                if unit == "B01":
                    assert len(wide_frames(at)[1].value) == b01_rows  # type: ignore[attr-defined]
                views = trail.filter(trail["event"] == "view_records")
                assert views["user"].to_list() == [email]
                assert views["unit_id"].to_list() == [unit]
                assert views["page"].to_list() == ["unit"]
            else:
                assert "Not in your reach" in _texts(at), (email, unit)
                # the indicators and the units below: aggregates; no records table
                assert len(wide_frames(at)) == 2, (email, unit)
                denied = trail.filter(trail["event"] == "denied")
                assert denied["user"].to_list() == [email]
                assert denied["unit_id"].to_list() == [unit]
                assert denied["detail"].to_list() == ["records: records R_ONTIME"]


def test_pages_out_of_reach_are_refused(signed: sa.Engine) -> None:
    cases = {
        ("viewer@bureau.cn", "data"): False,
        ("liaison@bureau.cn", "data"): False,
        ("head@bureau.cn", "data"): True,
        ("head@bureau.cn", "audit"): False,
        ("admin@bureau.cn", "audit"): True,
        ("viewer@bureau.cn", "briefing"): False,
    }
    for (email, page), ok in cases.items():
        at = _as(email)
        at.run()
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception
        refused = "Not in your reach" in _texts(at)
        assert refused is not ok, (email, page)
        if not ok:
            last = audit.read(signed).row(-1, named=True)
            assert (last["event"], last["user"], last["page"]) == ("denied", email, page)
    # the head's Data page: freshness of B01's subtree only, no import log
    at = _as("head@bureau.cn")
    at.run()
    at.switch_page("views/data.py").run()
    fresh = at.dataframe[-1].value
    # B01 and its three stations (the tiny city), of 31 units
    assert sorted(fresh.iloc[:, 0]) == ["B01", "B01-S01", "B01-S02", "B01-S03"]
    assert "span every unit" in _texts(at)


def test_a_unit_head_starts_at_their_unit_and_signs_in_once(signed: sa.Engine) -> None:
    at = _as("head@bureau.cn")
    at.run()
    assert at.query_params["scope"] == "B01"
    at.run()
    signs = audit.read(signed, events=("sign_in",))
    assert signs["user"].to_list() == ["head@bureau.cn"]
    assert signs["role"].to_list() == ["unit_head"]


@pytest.mark.parametrize("where", ["user", "query"])
def test_the_data_page_never_shows_the_database_password(
    seeded: str, fresh_caches: None, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    url = sa.engine.make_url(seeded)
    if url.get_backend_name() != "postgresql":
        pytest.skip("a SQLite URL holds no password")
    # the test server trusts loopback, so any password connects
    secret = "Pw-0f-the-DB-42"
    given = (
        url.set(password=secret)
        if where == "user"
        else url.update_query_dict({"password": secret})  # psycopg takes it from the query
    )
    monkeypatch.setenv("OPENNESS_DB", given.render_as_string(False))
    at = app(lang="en", period=PERIOD, asof=REF.isoformat())
    open_page(at, "data")
    shown = _texts(at).replace("\\", "")  # Markdown escapes undone
    # the URL is shown, its password masked
    if where == "user":
        assert f"postgres:***@{url.host}" in shown
    else:
        assert f"{url.host}:{url.port}/{url.database}?password=***" in shown, shown
    assert secret not in shown
    assert secret not in str(at._tree)  # nowhere on the page, not only in the text


def test_without_sign_in_the_local_admin_signs_in_once_per_server_run(
    seeded: str, fresh_caches: None
) -> None:
    # two browser sessions of one server run (AppTest runs in this process)
    for _ in range(2):
        at = app(lang="en", period=PERIOD, asof=REF.isoformat())
        open_page(at, "overview")
    engine = make_engine(seeded)
    signs = audit.read(engine, events=("sign_in",))
    engine.dispose()
    assert signs["user"].to_list() == ["local"]
    assert signs["detail"][0].startswith("local admin, server started ")


def test_the_audit_page_names_pages_and_indicators(signed: sa.Engine) -> None:
    at = _as("admin@bureau.cn", unit="B01", records="R_ONTIME")
    at.run()
    at.switch_page("views/unit.py").run()
    at.switch_page("views/audit.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    pages, details = set(shown["Page"]), set(shown["Detail"].dropna())
    assert "Unit" in pages and "unit" not in pages
    assert "records of “Closed on time”" in details and "records R_ONTIME" not in details
    # the trail itself keeps access.md's keys
    views = audit.read(signed, events=("view_records",))
    assert ("unit", "records R_ONTIME") in set(zip(views["page"], views["detail"], strict=True))


def test_a_cookie_the_server_never_issued_signs_in_nobody(signed: sa.Engine) -> None:
    """The claims of a cookie alone (an email, as before sign-ins lived on the
    server) show the sign-in page, not the admin's pages."""
    at = app(lang="en", period=PERIOD, asof=REF.isoformat())
    at.user = {"email": "admin@bureau.cn", "is_logged_in": True}
    at.run()
    assert not at.exception
    assert "Please sign in" in _texts(at) and "does not know" in _texts(at)
    assert len(at.dataframe) == 0 and len(at.metric) == 0


@pytest.mark.parametrize("change", ["signed_out", "removed", "role_changed"])
def test_an_ended_sign_in_shows_the_sign_in_page_at_the_next_run(
    signed: sa.Engine, change: str
) -> None:
    claims = {"iss": ISSUER, "sub": "admin@bureau.cn", "email": "admin@bureau.cn"}
    claims |= {"email_verified": True, "exp": time.time() + 3600}
    key = signins.start(signed, claims, issuer=ISSUER)
    at = _as("admin@bureau.cn", key=key)
    at.run()
    assert "Please sign in" not in _texts(at) and len(at.dataframe) > 0
    if change == "signed_out":
        signins.end(signed, key, "signed_out")
    elif change == "removed":
        remove_user(signed, "admin@bureau.cn", by="test")
    else:
        add_user(signed, "admin@bureau.cn", "viewer", by="test")
    at.run()  # the same session's next run: a click
    assert not at.exception
    assert "Please sign in" in _texts(at)
    assert len(at.dataframe) == 0 and len(at.metric) == 0
    # the same key never signs in again, whatever happens to the user afterwards
    add_user(signed, "admin@bureau.cn", "admin", by="test")
    again = _as("admin@bureau.cn", key=key)
    again.run()
    assert "Please sign in" in _texts(again) and len(again.dataframe) == 0


RECORD_ID_COLUMNS = {"Case ID", "Item ID", "Disclosure ID"}


@pytest.mark.parametrize("email", ["viewer@bureau.cn", "liaison@bureau.cn"])
def test_no_page_shows_a_record_to_a_role_without_records(signed: sa.Engine, email: str) -> None:
    """access.md: viewer and liaison see aggregates of every unit and no record, on
    every page (the Responsiveness page's overdue list once showed its cases to all)."""
    pages = ["overview", "openness", "responsiveness", "satisfaction", "supervision", "unit"]
    pages += ["attention", "methodology"]
    for page in pages:
        at = _as(email)
        at.run()
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (email, page)
        for frame in at.dataframe:
            shown = set(map(str, frame.value.columns))
            assert not shown & RECORD_ID_COLUMNS, (email, page, shown & RECORD_ID_COLUMNS)
    views = audit.read(signed).filter(audit.read(signed)["event"] == "view_records")
    assert email not in views["user"].to_list()


def test_the_overdue_cases_are_records_read_through_the_gate(signed: sa.Engine) -> None:
    # the admin reaches every unit's records: the list is there, and audited as a view
    at = _as("admin@bureau.cn")
    at.run()
    at.switch_page("views/responsiveness.py").run()
    assert not at.exception
    with_ids = [f for f in at.dataframe if "Case ID" in set(map(str, f.value.columns))]
    trail = audit.read(signed)
    views = trail.filter((trail["event"] == "view_records") & (trail["detail"] == "overdue cases"))
    if with_ids:
        assert views["user"].to_list() == ["admin@bureau.cn"]
        assert views["records"].to_list() == [len(with_ids[0].value)]
    else:  # no overdue case at the harness's as-of: nothing shown, nothing audited
        assert views.is_empty()


def test_the_audit_page_shows_the_dashboard_s_own_details_in_the_reader_s_language() -> None:
    from dashboard.views.audit import _detail

    assert _detail(audit.DETAIL_OVERDUE_CASES, "zh") == "逾期案件"
    assert _detail(audit.DETAIL_SUPERVISION_ITEMS, "zh") == "监督事项"
    assert _detail(audit.DETAIL_SUPERVISION_ITEMS, "en") == "Supervision items"
    assert _detail(audit.DETAIL_NO_ROLE, "zh") == "已登录，未分配角色"
    started = f"{audit.DETAIL_LOCAL_SIGN_IN}2026-12-07 19:00:00"
    assert _detail(started, "zh") == "本机管理员，服务器启动于 2026-12-07 19:00:00"
    # anything else, as it was written
    assert _detail("a file.csv", "zh") == "a file.csv"
