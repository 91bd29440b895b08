"""Every way data leaves the page, against a real ``openness serve --auth``, the real
OpenID Connect provider and Chromium (access.md "Sign-in"; docs/security.md).

- A page already open when its person is removed, or their role lowered, gets a
  refusal for a download, audited as ``denied``, and no file.
- A download request captured from one person's connection and replayed from
  another connection runs nothing; the ``/media`` address of a file is served to the
  browser that asked, for a minute, and to nobody without that browser's cookie.
- The tables' toolbar offers no download.
- The documents shown in pages (briefing, public pages) run in an origin of their own.
- Every endpoint of the server, read from the server's own route table, answers a
  request without sign-in as access.md allows: the sign-in page's needs, and nothing
  else; every answer carries the anti-framing headers.

What the database holds (the people, their roles, the audit rows) is tested on SQLite
and on PostgreSQL, each a database of its own; the rest on SQLite.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import QUERY, openness, openness_env, settle
from signin_support import WAIT, World, new_page, sign_in, signed_in_world, trail
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from openness.cmd_serve import streamlit_command

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

LEADER = "leader@bureau.test"  # leadership: every unit's records
HEAD = "head.b01@bureau.test"  # unit head of B01
ADMIN = "admin@bureau.test"
OTHER = "B02"
OWN = "B01-S01"
PEOPLE: dict[str, tuple[str, str | None]] = {
    LEADER: ("leadership", None),
    HEAD: ("unit_head", "B01"),
    ADMIN: ("admin", None),
}
REFUSED = {"zh": "已拒绝", "en": "Refused"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp(f"leaks-{request.param}")
    with signed_in_world(tmp, PEOPLE, database=request.param) as w:
        yield w


# what no database decides (the tables' toolbar, the documents' origin, the server's
# routes) is tested on SQLite only; a test without this mark runs on both
ONE_DATABASE = pytest.mark.parametrize("world", ["sqlite"], indirect=True)


def _records_page(page: object, world: World, unit: str, lang: str) -> object:
    """Open the records behind R_ONTIME for ``unit``; its CSV download button."""
    page.goto(f"{world.base}/unit?unit={unit}&records=R_ONTIME&{QUERY}&lang={lang}")  # type: ignore[attr-defined]
    button = page.locator(f".st-key-un_records_{unit}_R_ONTIME_csv button")  # type: ignore[attr-defined]
    expect(button).to_be_visible(timeout=WAIT)
    settle(page, WAIT)
    return button


def _no_file_but_a_refusal(page: object, button: object, lang: str) -> None:
    files: list[object] = []
    page.on("download", lambda d: files.append(d))  # type: ignore[attr-defined]
    button.click()  # type: ignore[attr-defined]
    expect(page.get_by_text(REFUSED[lang]).first).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]
    assert files == []


def test_a_person_removed_while_the_page_is_open_gets_no_file(
    world: World, browser: object
) -> None:
    page = new_page(browser, "en")
    sign_in(page, world, LEADER, "en")
    button = _records_page(page, world, OTHER, "en")
    # removed while the page (and its buttons) stay open
    openness("users", "remove", LEADER, "--db", world.db, env=openness_env(world.tmp))
    _no_file_but_a_refusal(page, button, "en")
    page.context.close()  # type: ignore[attr-defined]
    events = trail(world, LEADER)
    assert not [e for e in events if e["event"] == "download"]
    denied = [e for e in events if e["event"] == "denied" and "download" in str(e["detail"])]
    assert len(denied) == 1, events
    assert str(denied[0]["detail"]).startswith("download records_R_ONTIME_")
    assert denied[0]["role"] in (None, "")  # nobody's role: the person is gone


def test_a_role_lowered_while_the_page_is_open_gets_no_file(world: World, browser: object) -> None:
    page = new_page(browser, "zh")
    sign_in(page, world, HEAD, "zh")
    button = _records_page(page, world, OWN, "zh")
    openness(
        "users", "add", HEAD, "--role", "viewer", "--db", world.db, env=openness_env(world.tmp)
    )
    _no_file_but_a_refusal(page, button, "zh")
    page.context.close()  # type: ignore[attr-defined]
    events = trail(world, HEAD)
    assert not [e for e in events if e["event"] == "download"]
    denied = [e for e in events if e["event"] == "denied" and "download" in str(e["detail"])]
    assert len(denied) == 1, events
    # a change of role ends the sign-in (access.md): at the click there is no current
    # person, and the refusal is written under the address that asked, without a role
    assert denied[0]["role"] is None
    assert denied[0]["user"] == HEAD
    assert "no longer signed in" in str(denied[0]["detail"])
    assert denied[0]["unit_id"] == OWN


def _replay(world: World, file_id: str) -> ForwardMsg:
    """``file_id``'s deferred-file request, sent from a connection of its own (no cookie,
    its own session, which the request names as Streamlit's client does): the answer."""
    from websockets.sync.client import connect

    server = urllib.parse.urlsplit(world.server)
    url = f"ws://{server.netloc}/_stcore/stream"
    with connect(url, subprotocols=["streamlit"], origin=f"http://{server.netloc}") as ws:  # type: ignore[list-item]
        # a session of its own first: its script runs (the sign-in page) to the end
        run = BackMsg()
        run.rerun_script.query_string = ""
        ws.send(run.SerializeToString())
        own = ""
        while True:
            out = ForwardMsg()
            out.ParseFromString(ws.recv(timeout=60))  # type: ignore[arg-type]
            if out.WhichOneof("type") == "new_session":
                own = out.new_session.initialize.session_id
            if out.WhichOneof("type") == "script_finished":
                break
        assert own
        msg = BackMsg()
        msg.backend_operation_request.request_id = "replayed"
        msg.backend_operation_request.session_id = own  # its own session, as the browser says
        msg.backend_operation_request.deferred_file.file_id = file_id
        ws.send(msg.SerializeToString())
        while True:
            out = ForwardMsg()
            out.ParseFromString(ws.recv(timeout=60))  # type: ignore[arg-type]
            if out.WhichOneof("type") == "backend_operation_response":
                return out


def _get(url: str, cookie: str | None = None) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", parts.path, headers={"Cookie": cookie} if cookie else {})
    resp = conn.getresponse()
    return resp.status, resp.read()


def test_a_download_replayed_from_another_connection_gets_nothing(
    world: World, browser: object
) -> None:
    page = new_page(browser, "zh")
    sign_in(page, world, ADMIN, "zh")
    asked: list[str] = []
    media: list[str] = []

    def frame_sent(payload: object) -> None:
        if isinstance(payload, bytes):
            msg = BackMsg()
            msg.ParseFromString(payload)
            if msg.WhichOneof("type") == "backend_operation_request":
                asked.append(msg.backend_operation_request.deferred_file.file_id)

    page.on("websocket", lambda ws: ws.on("framesent", frame_sent))  # type: ignore[attr-defined]
    page.on("request", lambda r: media.append(r.url) if "/media/" in r.url else None)  # type: ignore[attr-defined]
    button = _records_page(page, world, OTHER, "zh")
    with page.expect_download(timeout=WAIT) as info:  # type: ignore[attr-defined]
        button.click()  # type: ignore[attr-defined]
    assert Path(info.value.path()).read_bytes().startswith(b"\xef\xbb\xbf")
    assert asked and media
    before = [e for e in trail(world, ADMIN) if e["event"] == "download"]
    assert len(before) == 1

    # the captured request, replayed from an anonymous connection: no file, no address
    answer = _replay(world, asked[-1]).backend_operation_response
    assert answer.error_msg
    assert not answer.deferred_file.url
    # the file's address, without the browser's cookie or with another's: nothing
    assert _get(media[-1])[0] == 404
    assert _get(media[-1], "openness_browser=another-browser")[0] == 404
    page.context.close()  # type: ignore[attr-defined]
    after = [e for e in trail(world, ADMIN) if e["event"] == "download"]
    assert after == before  # the replay wrote nothing under the person


@ONE_DATABASE
def test_the_table_toolbar_offers_no_download(world: World, browser: object) -> None:
    page = new_page(browser, "en")
    sign_in(page, world, ADMIN, "en")
    page.goto(f"{world.base}/?{QUERY}&lang=en")  # type: ignore[attr-defined]
    table = page.locator('[data-testid="stDataFrame"]').first  # type: ignore[attr-defined]
    expect(table).to_be_visible(timeout=WAIT)
    settle(page, WAIT)
    table.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first  # type: ignore[attr-defined]
    expect(toolbar).to_be_visible(timeout=WAIT)
    labels = [
        b.get_attribute("aria-label") or ""
        for b in toolbar.locator("button").all()  # type: ignore[attr-defined]
    ]
    assert labels, "the toolbar has its other buttons"
    assert not [label for label in labels if "Download" in label], labels
    page.context.close()  # type: ignore[attr-defined]


@ONE_DATABASE
def test_the_documents_shown_run_in_an_origin_of_their_own(world: World, browser: object) -> None:
    page = new_page(browser, "zh")
    sign_in(page, world, ADMIN, "zh")
    page.goto(f"{world.base}/public_preview?{QUERY}&lang=zh")  # type: ignore[attr-defined]
    expect(page.locator("iframe").first).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    settle(page, WAIT)
    frame = page.locator("iframe").first.content_frame  # type: ignore[attr-defined]
    expect(frame.locator("body")).to_contain_text("警务公开", timeout=WAIT)
    reach = frame.locator("body").evaluate(
        "() => { try { return parent.document.title } catch (e) { return 'blocked' } }"
    )
    assert reach == "blocked"
    assert frame.locator("body").evaluate("() => window.origin") == "null"
    # its address serves nobody else
    src = page.locator("iframe").first.get_attribute("src")  # type: ignore[attr-defined]
    assert src and src.startswith("/media/") and src.endswith("?lang=zh")
    assert _get(world.server + src.split("?")[0])[0] == 404
    page.context.close()  # type: ignore[attr-defined]


# ---- every endpoint, from the server's own route table, without sign-in

# what access.md allows before sign-in, per route (the part after the base path):
# the app's shell, what the sign-in page needs, and the sign-in itself
EXPECTED: dict[str, dict[str, set[int]]] = {
    "": {"GET": {200}},  # the app's shell (index.html, scripts): no data in it
    "_stcore/health": {"GET": {200}, "OPTIONS": {200, 204, 405}},
    "_stcore/host-config": {"GET": {200}},
    "_stcore/stream": {"WEBSOCKET": {101}},  # shows the sign-in page only
    "auth/login": {"GET": {302, 303, 307}},  # to the provider
    "auth/logout": {"GET": {302, 303, 307}},
    "oauth2callback": {"GET": {302, 303, 307, 400}},
    # a session's upload needs its XSRF token: refused
    "_stcore/upload_file/{session_id}/{file_id}": {
        "PUT": {403},
        "DELETE": {403},
        "OPTIONS": {200, 204, 403, 405},
    },
}
CLOSED = (
    "_stcore/metrics",
    "_stcore/script-health-check",
    "media/{file_id:path}",
    "component/{path:path}",
    "_stcore/bidi-components/{path:path}",
    "_stcore/agent/interact",
    "_stcore/agent/openapi.json",
    "_stcore/agent/mcp",
)


def _route_table(world: World) -> list[dict[str, object]]:
    port = urllib.parse.urlsplit(world.server).port
    cmd = streamlit_command(int(port or 0), "127.0.0.1")
    flags = cmd[cmd.index("run") + 2 :]
    helper = Path(__file__).resolve().parent / "route_table.py"
    done = subprocess.run(
        [sys.executable, str(helper), *flags], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _ask(world: World, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    parts = urllib.parse.urlsplit(world.server)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {}
    if method == "WEBSOCKET":
        method = "GET"
        headers = {
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        }
    body = b"x" if method in ("PUT", "POST", "PATCH") else None
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = b"" if resp.status == 101 else resp.read()
    out = resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    conn.close()
    return out


@ONE_DATABASE
def test_every_endpoint_without_sign_in(world: World) -> None:
    routes = _route_table(world)
    seen: set[str] = set()
    wrong = []
    for route in routes:
        pattern = str(route["path"]).lstrip("/")
        seen.add(pattern)
        methods = [m for m in route["methods"] if m != "HEAD"] or (  # type: ignore[attr-defined]
            ["WEBSOCKET"] if route["kind"] == "websocket" else ["GET"]
        )
        path = "/" + pattern.replace("{file_id:path}", "0123456789abcdef.csv")
        path = path.replace("{session_id}", "s").replace("{file_id}", "f")
        path = path.replace("{path:path}", "x/index.html")
        for method in methods:
            status, headers, body = _ask(world, method, path)
            if pattern in CLOSED:
                allowed = {404}
            elif pattern in EXPECTED and method in EXPECTED[pattern]:
                allowed = EXPECTED[pattern][method]
            else:
                wrong.append(f"{method} /{pattern}: a route access.md does not place")
                continue
            if status not in allowed:
                wrong.append(f"{method} /{pattern}: {status}, expected {sorted(allowed)}")
            if status != 101:
                if headers.get("x-frame-options") != "DENY":
                    wrong.append(f"{method} /{pattern}: no X-Frame-Options: DENY")
                if "frame-ancestors 'none'" not in headers.get("content-security-policy", ""):
                    wrong.append(f"{method} /{pattern}: no frame-ancestors 'none'")
            if pattern == "_stcore/health" and status == 200:
                assert body == b"ok"
    assert wrong == []
    # the table covers what the server has (a route Streamlit adds must be placed here)
    assert set(EXPECTED) | set(CLOSED) <= seen | {""}
