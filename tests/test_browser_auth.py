"""Sign-in, the role matrix and the audit trail in a real browser, through a real sign-in.

A real OpenID Connect provider (the npm package ``oidc-provider``, tests/oidc/,
installed by ``./run test`` with ``npm ci``) runs on loopback; ``openness serve
--auth`` serves the tiny city (seed 7, last day 2026-06-30) to Debian's Chromium.
Five people, one per role of access.md, sign in through the provider's login
page, open the pages of the matrix's columns and links to records inside and
outside their reach, download a file and sign out; the audit trail must then list
what each of them did, under their name. Nothing here replaces a part of the
sign-in: the provider issues real ID tokens that Streamlit (Authlib) verifies.

access.md's matrix, written out here on purpose (not read from the code):

=========== ========== ============ ========= ========= ======
role        aggregates records      briefing  Data page audit
=========== ========== ============ ========= ========= ======
admin       every unit every unit   every     every     yes
leadership  every unit every unit   every     every     no
unit_head   every unit its subtree  subtree   subtree   no
liaison     every unit none         every     none      no
viewer      every unit none         none      none      no
=========== ========== ============ ========= ========= ======
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import (
    QUERY,
    no_errors,
    openness,
    openness_env,
    seed_tiny,
    settle,
    shot,
    upgrade_status,
)
from signin_support import served_with_provider, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

OIDC = Path(__file__).resolve().parent / "oidc"
WAIT = 180_000  # ms: a busy two-core machine runs two servers and two browsers

OWN = "B01-S01"  # a station of B01, the unit head's branch
OTHER = "B02"  # another branch


@dataclass(frozen=True)
class Who:
    email: str
    role: str
    unit: str | None
    lang: str
    records: str  # all | subtree | none
    briefing: str
    data: str
    audit: bool


PEOPLE = (
    Who("admin@bureau.test", "admin", None, "zh", "all", "all", "all", True),
    Who("leader@bureau.test", "leadership", None, "en", "all", "all", "all", False),
    Who("head.b01@bureau.test", "unit_head", "B01", "zh", "subtree", "subtree", "subtree", False),
    Who("liaison@bureau.test", "liaison", None, "en", "none", "all", "none", False),
    Who("viewer@bureau.test", "viewer", None, "zh", "none", "none", "none", False),
)
NOBODY = "nobody@bureau.test"  # signs in, has no role

WORDS = {
    "zh": {
        "sign_in": "登录",
        "please": "请登录",
        "sign_out": "退出登录",
        "denied": "无权查看",
        "no_role": "尚未授权",
        "records_of": "“按期办结率”背后的记录",
        "download": "下载 CSV",
        "generate": "生成简报",
        "docx": "下载 DOCX",
    },
    "en": {
        "sign_in": "Sign in",
        "please": "Please sign in",
        "sign_out": "Sign out",
        "denied": "Not in your reach",
        "no_role": "No role yet",
        "records_of": "Records behind “Closed on time”",
        "download": "Download CSV",
        "generate": "Generate the briefing",
        "docx": "Download DOCX",
    },
}


@dataclass(frozen=True)
class World:
    base: str  # the dashboard
    db: str  # its database URL
    tmp: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    node = shutil.which("node")
    if node is None or not (OIDC / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            "the sign-in tests need Node.js and tests/oidc/node_modules: run ./run test, "
            "or `npm ci --prefix tests/oidc`"
        )
    tmp = tmp_path_factory.mktemp("auth")
    url = seed_tiny(tmp)
    env = openness_env(tmp)
    for who in PEOPLE:
        unit = ["--unit", who.unit] if who.unit else []
        openness("users", "add", who.email, "--role", who.role, *unit, "--db", url, env=env)
    with served_with_provider(tmp, url) as served:
        yield World(served.base, url, tmp)
    client_secret = served.client_secret
    served = next(tmp.glob("serve-*.log")).read_text(errors="replace")
    assert client_secret not in served  # no credential in the server's log


def trail(world: World, email: str) -> list[dict[str, object]]:
    """``openness audit --user EMAIL --format json``: the person's events, oldest first."""
    out = openness(
        "audit", "--user", email, "--format", "json", "--db", world.db, env=openness_env(world.tmp)
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def new_page(browser: object, lang: str, outside: list[str]) -> object:
    """A fresh browser (no cookie) whose requests to any host but this machine are
    stopped, and listed in ``outside`` unless the provider's pages made them."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1440, "height": 1800},
        locale="zh-CN" if lang == "zh" else "en-US",
        accept_downloads=True,
    )

    def guard(route: object) -> None:
        host = urllib.parse.urlsplit(route.request.url).hostname  # type: ignore[attr-defined]
        if host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            # listed when asked for by the dashboard (the test provider's own login
            # page loads a web font; it is not ours to test)
            try:
                origin = route.request.frame.url  # type: ignore[attr-defined]
            except Exception:  # a request of no frame (a worker): count it
                origin = ""
            if not origin.startswith("http://localhost:"):
                outside.append(f"{route.request.url} (from {origin})")  # type: ignore[attr-defined]
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(WAIT)
    return page


def open_page(page: object, world: World, path: str, lang: str) -> None:
    """Open ``path`` with the test's filters and wait until its script has drawn it
    (its title is there) and stopped running."""
    page.goto(f"{world.base}/{path}{'&' if '?' in path else '?'}{QUERY}&lang={lang}")  # type: ignore[attr-defined]
    expect(page.locator("h1").first).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    settle(page, WAIT)


def shows(locator: object) -> None:
    expect(locator.first).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]


def refused(page: object, lang: str) -> bool:
    return page.get_by_text(WORDS[lang]["denied"]).count() > 0  # type: ignore[attr-defined,no-any-return]


def records_table(page: object, unit: str) -> object:
    return page.locator(f'[class*="st-key-un_records_{unit}_R_ONTIME"]')  # type: ignore[attr-defined]


def test_before_sign_in_only_the_sign_in_page(world: World, browser: object) -> None:
    outside: list[str] = []
    page = new_page(browser, "zh", outside)
    for path in ("", f"unit?unit={OWN}&records=R_ONTIME", "data", "audit", "briefing"):
        page.goto(f"{world.base}/{path}")  # type: ignore[attr-defined]
        expect(page.get_by_role("heading", name="请登录")).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
        settle(page, WAIT)
        # nothing but the sign-in page: no menu of pages, no table, no figure
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # type: ignore[attr-defined]
        assert page.locator('[data-testid="stDataFrame"]').count() == 0  # type: ignore[attr-defined]
        assert page.locator(".js-plotly-plot").count() == 0  # type: ignore[attr-defined]
    shot(page, "auth_sign_in_zh")
    assert outside == []
    page.context.close()  # type: ignore[attr-defined]


def test_signed_in_without_a_role_sees_nothing(world: World, browser: object) -> None:
    outside: list[str] = []
    page = new_page(browser, "en", outside)
    sign_in(page, world, NOBODY, "en")
    expect(page.get_by_role("heading", name=WORDS["en"]["no_role"])).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    open_page(page, world, f"unit?unit={OWN}&records=R_ONTIME", "en")
    expect(page.get_by_role("heading", name=WORDS["en"]["no_role"])).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stDataFrame"]').count() == 0  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # type: ignore[attr-defined]
    shot(page, "auth_no_role_en")
    page.context.close()  # type: ignore[attr-defined]
    events = trail(world, NOBODY)
    assert events and all(e["event"] == "denied" for e in events)
    assert events[0]["detail"] == "signed in without a role"


def test_a_provider_without_the_email_claim_is_named(world: World, browser: object) -> None:
    outside: list[str] = []
    page = new_page(browser, "zh", outside)
    sign_in(page, world, "no-email-claim", "zh")
    expect(page.get_by_role("heading", name=WORDS["zh"]["no_role"])).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    expect(page.get_by_text("email 声明")).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stDataFrame"]').count() == 0  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]
    assert [e["event"] for e in trail(world, "(no email claim)")][-1:] == ["denied"]


@pytest.mark.parametrize("who", PEOPLE, ids=[p.role for p in PEOPLE])
def test_the_role_matrix_through_a_real_sign_in(world: World, browser: object, who: Who) -> None:
    lang, w = who.lang, WORDS[who.lang]
    outside: list[str] = []
    page = new_page(browser, lang, outside)
    sign_in(page, world, who.email, lang)
    settle(page, WAIT)
    # the account line names the person (the address is kept from becoming a link by
    # an invisible word joiner)
    sidebar = page.locator('[data-testid="stSidebar"]')  # type: ignore[attr-defined]
    line = sidebar.get_by_text(who.email.split("@")[1])
    expect(line).to_be_visible(timeout=WAIT)
    assert who.email in line.inner_text().replace("\u2060", "")
    denials = 0

    # aggregates: every role sees every unit's indicators and ranking
    open_page(page, world, "", lang)
    shows(page.locator('[data-testid="stDataFrame"]'))  # type: ignore[attr-defined]
    shows(page.locator(".js-plotly-plot"))  # type: ignore[attr-defined]
    no_errors(page)
    open_page(page, world, f"unit?unit={OTHER}", lang)
    shows(page.locator('[data-testid="stDataFrame"]'))  # type: ignore[attr-defined]
    no_errors(page)
    shot(page, f"auth_{who.role}_unit_{lang}")

    # the records behind a figure, by their own link: inside and outside the reach
    shown: dict[str, int] = {}
    for unit in (OWN, OTHER):
        open_page(page, world, f"unit?unit={unit}&records=R_ONTIME", lang)
        allowed = who.records == "all" or (who.records == "subtree" and unit == OWN)
        if allowed:
            shows(records_table(page, unit))
            assert page.get_by_text(w["records_of"]).count() == 1  # type: ignore[attr-defined]
            assert not refused(page, lang)
            no_errors(page)
            shown[unit] = 1
        else:
            shows(page.get_by_text(w["denied"]))  # type: ignore[attr-defined]
            # nothing of them: no table of records, no download, no link to them
            assert records_table(page, unit).count() == 0, unit
            assert page.locator('[class*="st-key-un_records_"]').count() == 0  # type: ignore[attr-defined]
            denials += 1
        shot(page, f"auth_{who.role}_records_{unit}_{lang}")

    # a download, audited: the records' CSV where they are in reach, else a table's
    if OWN in shown:
        open_page(page, world, f"unit?unit={OWN}&records=R_ONTIME", lang)
        button = page.locator(f".st-key-un_records_{OWN}_R_ONTIME_csv button")  # type: ignore[attr-defined]
    else:
        open_page(page, world, "", lang)
        button = page.get_by_role("button", name=w["download"]).first  # type: ignore[attr-defined]
    shows(button)
    with page.expect_download(timeout=WAIT) as info:  # type: ignore[attr-defined]
        button.click()
    download = info.value
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_bytes().decode("utf-8-sig"))))
    assert len(rows) >= 2

    # the briefing: in reach for the whole bureau, for a subtree, or not at all
    open_page(page, world, "briefing", lang)
    if who.briefing == "none":
        shows(page.get_by_text(w["denied"]))  # type: ignore[attr-defined]
        denials += 1
    else:
        shows(page.get_by_role("button", name=w["generate"]))  # type: ignore[attr-defined]
        assert not refused(page, lang)
        no_errors(page)
    if who.briefing == "subtree":
        open_page(page, world, f"briefing?scope={OTHER}", lang)
        shows(page.get_by_text(w["denied"]))  # type: ignore[attr-defined]
        assert page.get_by_role("button", name=w["generate"]).count() == 0  # type: ignore[attr-defined]
        denials += 1

    # the Data page and the Audit page
    open_page(page, world, "data", lang)
    if who.data == "none":
        shows(page.get_by_text(w["denied"]))  # type: ignore[attr-defined]
        assert page.locator('[data-testid="stDataFrame"]').count() == 0  # type: ignore[attr-defined]
        denials += 1
    else:
        shows(page.locator('[data-testid="stDataFrame"]'))  # type: ignore[attr-defined]
        assert not refused(page, lang)
        no_errors(page)
    shot(page, f"auth_{who.role}_data_{lang}")
    open_page(page, world, "audit", lang)
    if who.audit:
        shows(page.locator('[data-testid="stDataFrame"]'))  # type: ignore[attr-defined]
        assert not refused(page, lang)
        no_errors(page)
    else:
        shows(page.get_by_text(w["denied"]))  # type: ignore[attr-defined]
        assert page.locator('[data-testid="stDataFrame"]').count() == 0  # type: ignore[attr-defined]
        denials += 1
    shot(page, f"auth_{who.role}_audit_{lang}")

    # no request left this machine from any page
    assert outside == []

    # sign out, through the provider's sign-out confirmation
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name=w["sign_out"]).click()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Yes, sign me out").click(timeout=WAIT)  # type: ignore[attr-defined]
    expect(page.get_by_role("heading", name=w["please"])).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    open_page(page, world, f"unit?unit={OWN}&records=R_ONTIME", lang)
    expect(page.get_by_role("heading", name=w["please"])).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stDataFrame"]').count() == 0  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]

    # the audit trail lists what this person did, under their name and role
    events = trail(world, who.email)
    assert {e["user"] for e in events} == {who.email}
    assert {e["role"] for e in events} == {who.role}
    kinds = [e["event"] for e in events]
    assert kinds[0] == "sign_in" and kinds[-1] == "sign_out", kinds
    # one sign-in, however many pages were (re)loaded: it names the ID token
    assert kinds.count("sign_in") == 1 and kinds.count("sign_out") == 1, kinds
    assert str(events[0]["detail"]).startswith("ID token issued ")
    assert kinds.count("denied") == denials, events
    denied = [e for e in events if e["event"] == "denied"]
    if OTHER not in shown and who.records != "none":
        assert any(e["unit_id"] == OTHER for e in denied)
    views = [e for e in events if e["event"] == "view_records"]
    assert {e["unit_id"] for e in views if e["page"] == "unit"} == set(shown)
    assert all(int(e["records"]) >= 0 for e in views)  # type: ignore[call-overload]
    downloads = [e for e in events if e["event"] == "download"]
    assert [e["detail"] for e in downloads] == [download.suggested_filename]
    if OWN in shown:
        # the records the download holds are the records the view counted
        own_view = next(e for e in views if e["unit_id"] == OWN and e["page"] == "unit")
        assert int(own_view["records"]) == len(rows) - 1  # type: ignore[call-overload]


def test_a_foreign_host_is_refused(world: World) -> None:
    port = int(urllib.parse.urlsplit(world.base).port or 0)
    assert upgrade_status(port, f"127.0.0.1:{port}") == 101
    # DNS rebinding: a foreign name resolving to this machine
    assert upgrade_status(port, "rebind.attacker.example") == 403
    assert upgrade_status(port, f"rebind.attacker.example:{port}") == 403
