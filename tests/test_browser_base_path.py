"""``openness serve --base-path /openness`` behind a gateway that serves it under that
path (tests/gateway.py, a real reverse proxy on loopback), with the sign-in round trip
through the real OpenID Connect provider, in Chromium: every request the page makes
stays under the path, the person is signed in, and a file downloads through it."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import QUERY, free_port, settle
from gateway import Gateway
from signin_support import WAIT, World, new_page, sign_in, signed_in_world, trail

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

ADMIN = "admin@bureau.test"
PREFIX = "/openness"


@pytest.fixture(scope="module")
def behind(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, Gateway]]:
    port = free_port()
    tmp = tmp_path_factory.mktemp("base_path")
    with signed_in_world(
        tmp, {ADMIN: ("admin", None)}, base_path=PREFIX, gateway_port=port
    ) as world:
        backend = urllib.parse.urlsplit(world.server).port
        with Gateway(port, int(backend or 0), PREFIX) as gateway:
            yield world, gateway


def test_sign_in_and_a_download_stay_under_the_base_path(
    behind: tuple[World, Gateway], browser: object
) -> None:
    world, gateway = behind
    assert world.base.endswith(PREFIX)
    page = new_page(browser, "en")
    sign_in(page, world, ADMIN, "en")
    # signed in, through the gateway: the person's line and the overview's table
    sidebar = page.locator('[data-testid="stSidebar"]')  # type: ignore[attr-defined]
    expect(sidebar.get_by_text("bureau.test")).to_be_visible(timeout=WAIT)
    page.goto(f"{world.base}/?{QUERY}&lang=en")  # type: ignore[attr-defined]
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    settle(page, WAIT)
    with page.expect_download(timeout=WAIT) as info:  # type: ignore[attr-defined]
        page.get_by_role("button", name="Download CSV").first.click()  # type: ignore[attr-defined]
    assert Path(info.value.path()).read_bytes().startswith(b"\xef\xbb\xbf")
    page.context.close()  # type: ignore[attr-defined]
    # nothing left the path: the sign-in link, the callback, the stream, the file
    assert gateway.outside == []
    assert any(t.startswith(f"{PREFIX}/oauth2callback") for t in gateway.passed)
    assert any(t.startswith(f"{PREFIX}/_stcore/stream") for t in gateway.passed)
    assert any(t.startswith(f"{PREFIX}/media/") for t in gateway.passed)
    assert [e["event"] for e in trail(world, ADMIN)].count("download") == 1
