"""A dashboard served with sign-in against the real OpenID Connect provider
(tests/oidc/provider.mjs), for the browser tests of what leaves the page
(test_browser_leaks.py) and of a base path behind a gateway (test_browser_base_path.py).

Nothing here asserts a product behaviour; it starts the provider and ``openness serve
--auth`` and signs a person in through the provider's login page.
"""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import (
    QUERY,
    free_port,
    openness,
    openness_env,
    running,
    seed_tiny,
    serving,
    to_provider,
)
from conftest import own_database

OIDC = Path(__file__).resolve().parent / "oidc"
WAIT = 180_000  # ms: a busy two-core machine runs two servers and two browsers
CLIENT_ID = "openness-dashboard"


@dataclass(frozen=True)
class World:
    base: str  # the dashboard as the browser reaches it (through a gateway, if any)
    db: str  # its database URL
    tmp: Path
    server: str  # the dashboard's own address (no gateway)


def node() -> str:
    found = shutil.which("node")
    if found is None or not (OIDC / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            "the sign-in tests need Node.js and tests/oidc/node_modules: run ./run test, "
            "or `npm ci --prefix tests/oidc`"
        )
    return found


def users(tmp: Path, url: str, people: dict[str, tuple[str, str | None]]) -> None:
    """``openness users add`` for each ``email: (role, unit)``."""
    env = openness_env(tmp)
    for email, (role, unit) in people.items():
        extra = ["--unit", unit] if unit else []
        openness("users", "add", email, "--role", role, *extra, "--db", url, env=env)


@dataclass(frozen=True)
class Served:
    """``openness serve --auth`` with the provider beside it."""

    base: str  # the dashboard as the browser reaches it (through a gateway, if any)
    server: str  # the dashboard's own address
    idp: str  # the provider's base URL
    client_secret: str


@contextmanager
def served_with_provider(
    tmp: Path, url: str, *, base_path: str = "", gateway_port: int | None = None
) -> Iterator[Served]:
    """The provider on loopback and ``openness serve --auth`` (and ``--base-path``) on
    ``url``. ``gateway_port``: the port the browser reaches the dashboard on (a gateway
    the caller runs), else the server's own."""
    port, idp_port = free_port(), free_port()
    front = gateway_port or port
    prefix = f"/{base_path.strip('/')}" if base_path.strip("/") else ""
    redirect = f"http://127.0.0.1:{front}{prefix}/oauth2callback"
    client_secret = secrets.token_urlsafe(24)
    auth = tmp / "auth.toml"
    auth.write_text(
        "[auth]\n"
        f'redirect_uri = "{redirect}"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{client_secret}"\n'
        f'server_metadata_url = "http://localhost:{idp_port}/.well-known/openid-configuration"\n'
        # oidc-provider knows the prompts login and consent, not select_account
        '[auth.client_kwargs]\nprompt = "login"\n',
        encoding="utf-8",
    )
    idp = [node(), str(OIDC / "provider.mjs"), str(idp_port), CLIENT_ID, client_secret, redirect]
    options = ["--auth", str(auth)] + (["--base-path", base_path] if base_path else [])
    with (
        running(idp, tmp / "idp.log", openness_env(tmp), idp_port),
        serving(tmp, url, *options, port=port) as server,
    ):
        yield Served(
            f"http://127.0.0.1:{front}{prefix}",
            server,
            f"http://localhost:{idp_port}",
            client_secret,
        )


@contextmanager
def signed_in_world(
    tmp: Path,
    people: dict[str, tuple[str, str | None]],
    *,
    database: str = "sqlite",
    base_path: str = "",
    gateway_port: int | None = None,
) -> Iterator[World]:
    """The tiny city served with ``--auth`` (:func:`served_with_provider`), ``people``
    given their roles; on a ``database`` ("sqlite" or "postgresql") of its own
    (conftest's :func:`own_database`)."""
    with own_database(database, tmp, "openness_signin") as url:
        seed_tiny(tmp, url)
        users(tmp, url, people)
        with served_with_provider(tmp, url, base_path=base_path, gateway_port=gateway_port) as s:
            yield World(s.base, url, tmp, s.server)


def new_page(browser: object, lang: str) -> object:
    """A fresh browser (no cookie) whose requests leave this machine never."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1440, "height": 1600},
        locale="zh-CN" if lang == "zh" else "en-US",
        accept_downloads=True,
    )

    def local_only(route: object) -> None:
        host = route.request.url.split("/")[2].rsplit(":", 1)[0]  # type: ignore[attr-defined]
        if host in ("127.0.0.1", "localhost", "[::1]"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", local_only)
    page = context.new_page()
    page.set_default_timeout(WAIT)
    return page


def sign_in(page: object, world: World, email: str, lang: str) -> None:
    """Through the provider's login page, as a person would; back on the dashboard."""
    from playwright.sync_api import expect

    page.goto(f"{world.base}/?{QUERY}&lang={lang}")  # type: ignore[attr-defined]
    please = "请登录" if lang == "zh" else "Please sign in"
    expect(page.get_by_role("heading", name=please)).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    button = "登录" if lang == "zh" else "Sign in"
    login = to_provider(page, button, WAIT)
    login.fill(email)
    page.locator('input[name="password"]').fill("any password will do")  # type: ignore[attr-defined]
    page.locator('button[type="submit"]').click()  # type: ignore[attr-defined]
    page.wait_for_url(f"{world.base}/**", timeout=WAIT)  # type: ignore[attr-defined]


def trail(world: World, email: str) -> list[dict[str, object]]:
    """``openness audit --user EMAIL --format json``: the person's events, oldest first."""
    out = openness(
        "audit", "--user", email, "--format", "json", "--db", world.db, env=openness_env(world.tmp)
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]
