"""Sign-in as providers really behave, in Chromium, through the real provider
(tests/oidc/provider.mjs): an unverified email, a second account for an address, a
cookie replayed after sign-out, a second tab after sign-out, a user removed and a
role lowered while a page is open, a provider clock ahead of ours, a token too large
for cookies (access.md "Sign-in", issue "Many people at once").

The provider's logins "TAG:EMAIL" make it send an unverified email, another
subject or 200 groups; GET /test/clock?ahead=S sets its clock ahead. The dashboard
is ``openness serve --auth`` on the tiny city, on SQLite and on PostgreSQL; the
role matrix itself is tests/test_browser_auth.py.
"""

from __future__ import annotations

import shutil
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import (
    openness,
    openness_env,
    seed_tiny,
    settle,
    shot,
)
from conftest import own_database
from signin_support import served_with_provider
from test_browser_auth import OIDC, WAIT, WORDS, World, new_page, open_page, sign_in, trail

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

# each test its own admin: a sign-in's binding or ending must not touch another test
ADMINS = ("chief", "boss", "keeper", "tabs", "gone", "lowered", "clock", "big")
DOMAIN = "bureau.test"


@dataclass(frozen=True)
class Signin(World):
    idp: str  # the provider's base URL


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Signin]:
    node = shutil.which("node")
    if node is None or not (OIDC / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the sign-in tests need Node.js and tests/oidc/node_modules (npm ci)")
    tmp = tmp_path_factory.mktemp(f"signin-{request.param}")
    env = openness_env(tmp)
    with own_database(request.param, tmp, "openness_signin") as url:
        seed_tiny(tmp, url)
        for name in ADMINS:
            openness("users", "add", f"{name}@{DOMAIN}", "--role", "admin", "--db", url, env=env)
        with served_with_provider(tmp, url) as served:
            yield Signin(served.base, url, tmp, served.idp)


def failed(page: object, words: str) -> None:
    """The sign-in page, saying the sign-in failed and ``words`` of why; nothing else."""
    expect(page.get_by_role("heading", name=WORDS["en"]["please"])).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    expect(page.get_by_text("Sign-in failed")).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    expect(page.get_by_text(words).first).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    settle(page, WAIT)  # the run ends by taking the menu away
    expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stDataFrame"]').count() == 0  # type: ignore[attr-defined]


def signed_in(page: object) -> None:
    """Signed in: the menu of pages is there."""
    expect(page.locator('[data-testid="stSidebarNav"]')).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    settle(page, WAIT)


def the_sign_in_page(page: object, words: str | None = None) -> None:
    expect(page.get_by_role("heading", name=WORDS["en"]["please"])).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    if words:
        expect(page.get_by_text(words).first).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    settle(page, WAIT)  # the run ends by taking the menu away
    expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stDataFrame"]').count() == 0  # type: ignore[attr-defined]


def sign_out(page: object) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Yes, sign me out").click(timeout=WAIT)  # type: ignore[attr-defined]
    expect(page.get_by_role("heading", name=WORDS["en"]["please"])).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    settle(page, WAIT)
    # the provider's return after sign-out is no failed sign-in
    assert page.get_by_text("Sign-in failed").count() == 0  # type: ignore[attr-defined]


def click_a_page(page: object, name: str = "Methodology") -> None:
    """A click in the open page: another page of the menu (a run of the same session)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text(name).click()  # type: ignore[attr-defined]


def audit_table(page: object) -> None:
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]


def denials(world: World, email: str) -> list[str]:
    return [str(e["detail"]) for e in trail(world, email) if e["event"] == "denied"]


def test_an_unverified_email_is_refused(world: Signin, browser: object) -> None:
    page = new_page(browser, "en", [])
    sign_in(page, world, f"unverified:chief@{DOMAIN}", "en")
    failed(page, "does not say your email address is verified")
    shot(page, "signin_unverified_en")
    page.context.close()  # type: ignore[attr-defined]
    events = trail(world, f"chief@{DOMAIN}")
    assert [e["event"] for e in events] == ["denied"], events
    assert "not say the email address is verified" in str(events[0]["detail"])
    assert f"sub unverified:chief@{DOMAIN}" in str(events[0]["detail"])
    assert events[0]["role"] in (None, "")


def test_a_second_account_for_an_address_is_refused(world: Signin, browser: object) -> None:
    page = new_page(browser, "en", [])
    sign_in(page, world, f"boss@{DOMAIN}", "en")  # binds boss@ to its sub
    signed_in(page)
    sign_out(page)
    sign_in(page, world, f"second:boss@{DOMAIN}", "en")
    failed(page, "bound to another account")
    page.context.close()  # type: ignore[attr-defined]
    assert any("bound to another identity" in d for d in denials(world, f"boss@{DOMAIN}"))


def test_a_cookie_saved_before_sign_out_never_signs_in_again(
    world: Signin, browser: object
) -> None:
    page = new_page(browser, "en", [])
    sign_in(page, world, f"keeper@{DOMAIN}", "en")
    signed_in(page)
    saved = [c for c in page.context.cookies() if c["domain"] == "127.0.0.1"]  # type: ignore[attr-defined]
    assert any(c["name"].startswith("_streamlit_user") for c in saved)
    sign_out(page)
    page.context.close()  # type: ignore[attr-defined]
    replay = new_page(browser, "en", [])
    replay.context.add_cookies(saved)  # type: ignore[attr-defined]
    for path in ("", "audit"):
        replay.goto(f"{world.base}/{path}?lang=en")  # type: ignore[attr-defined]
        the_sign_in_page(replay, "You have signed out.")
    replay.context.close()  # type: ignore[attr-defined]


def test_a_second_tab_after_sign_out_shows_the_sign_in_page(world: Signin, browser: object) -> None:
    first = new_page(browser, "en", [])
    sign_in(first, world, f"tabs@{DOMAIN}", "en")
    signed_in(first)
    second = first.context.new_page()  # type: ignore[attr-defined]
    second.set_default_timeout(WAIT)
    open_page(second, world, "audit", "en")
    audit_table(second)
    sign_out(first)
    click_a_page(second)
    the_sign_in_page(second, "You have signed out.")
    first.context.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "change", "words"),
    [
        ("gone", ("remove",), "An administrator has removed your access."),
        ("lowered", ("add", "--role", "viewer"), "An administrator has changed your role."),
    ],
    ids=["removed", "lowered"],
)
def test_a_change_of_the_user_takes_effect_at_the_next_click(
    world: Signin, browser: object, name: str, change: tuple[str, ...], words: str
) -> None:
    email = f"{name}@{DOMAIN}"
    page = new_page(browser, "en", [])
    sign_in(page, world, email, "en")
    signed_in(page)
    open_page(page, world, "audit", "en")
    audit_table(page)
    command = change[0]
    openness("users", command, email, *change[1:], "--db", world.db, env=openness_env(world.tmp))
    click_a_page(page)
    the_sign_in_page(page, words)
    if command == "add":  # signed in again: the viewer's view, no audit trail
        sign_in(page, world, email, "en")
        signed_in(page)
        open_page(page, world, "audit", "en")
        expect(page.get_by_text(WORDS["en"]["denied"])).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
        assert page.locator('[data-testid="stDataFrame"]').count() == 0  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]


def _clock(world: Signin, ahead: int) -> None:
    with urllib.request.urlopen(f"{world.idp}/test/clock?ahead={ahead}", timeout=30) as done:
        assert done.read().decode() == f"ahead {ahead}"


def test_a_provider_clock_ahead_is_named(world: Signin, browser: object) -> None:
    _clock(world, 300)
    try:
        page = new_page(browser, "en", [])
        sign_in(page, world, f"clock@{DOMAIN}", "en")
        failed(page, "NTP")
        shot(page, "signin_clock_en")
        page.context.close()  # type: ignore[attr-defined]
    finally:
        _clock(world, 0)
    assert any("clock" in d for d in denials(world, "(sign-in failed)"))


def test_a_token_too_large_for_cookies_is_named(world: Signin, browser: object) -> None:
    page = new_page(browser, "en", [])
    sign_in(page, world, f"groups:big@{DOMAIN}", "en")
    failed(page, "leave group claims out of the ID token")
    # the next visit is served too (no cookie the server would refuse is left)
    page.goto(f"{world.base}/?lang=en")  # type: ignore[attr-defined]
    the_sign_in_page(page)
    page.context.close()  # type: ignore[attr-defined]
    assert any("bytes of cookies" in d for d in denials(world, f"big@{DOMAIN}"))


def test_no_credential_in_the_log(world: Signin) -> None:
    served = next(Path(world.tmp).glob("serve-*.log")).read_text(errors="replace")
    assert "Traceback" not in served
