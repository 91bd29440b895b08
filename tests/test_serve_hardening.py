"""``openness serve`` hardened (access.md, issue 11): loopback only without --auth, the
--auth file checked, every security-relevant Streamlit option pinned against config
files and STREAMLIT_* variables, and a WebSocket with a foreign Host refused by a real
server."""

from __future__ import annotations

import http.client
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from browser_support import upgrade_status
from typer.testing import CliRunner

from openness.cli import app
from openness.cmd_serve import (
    absolute_url,
    allowed_hosts,
    child_env,
    is_loopback,
    streamlit_command,
)

AUTH = """[auth]
redirect_uri = "https://openness.bureau.example/oauth2callback"
cookie_secret = "0123456789abcdef0123456789abcdef"
client_id = "openness"
client_secret = "s3cret"
server_metadata_url = "https://idp.bureau.example/realms/police/.well-known/openid-configuration"
"""


def _flags(cmd: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for i, part in enumerate(cmd):
        if part.startswith("--"):
            out.setdefault(part[2:], []).append(cmd[i + 1])
    return out


def test_every_security_option_is_pinned() -> None:
    flags = _flags(streamlit_command(8501, "127.0.0.1", hosts=allowed_hosts(None)))
    assert flags["server.enableCORS"] == ["true"]
    assert flags["server.corsAllowedOrigins"] == [""]
    assert flags["server.enableXsrfProtection"] == ["true"]
    assert flags["server.enableAgentApi"] == ["false"]
    assert flags["server.enableStaticServing"] == ["false"]
    assert flags["client.showErrorDetails"] == ["none"]
    assert flags["server.trustedUserHeaders"] == ["{}"]
    assert flags["client.allowedOrigins"] == [""]
    assert flags["global.developmentMode"] == ["false"]
    assert flags["browser.gatherUsageStats"] == ["false"]
    assert flags["server.allowedHosts"] == ["localhost", "127.0.0.1", "::1", "[::1]"]


def test_allowed_hosts_add_the_redirect_uri_s_host() -> None:
    assert allowed_hosts("https://openness.bureau.example:8443/oauth2callback") == [
        "localhost",
        "127.0.0.1",
        "::1",
        "[::1]",
        "openness.bureau.example",
    ]


def test_the_server_gets_no_streamlit_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAMLIT_SERVER_ENABLE_CORS", "false")
    monkeypatch.setenv("streamlit_server_enable_agent_api", "true")
    monkeypatch.setenv("OPENNESS_AUTH", "oidc")
    env = child_env("sqlite:////x.db", None, auth=False)
    assert not [k for k in env if k.upper().startswith("STREAMLIT_")]
    assert "OPENNESS_AUTH" not in env  # sign-in mode only from --auth
    assert child_env("sqlite:////x.db", None, auth=True)["OPENNESS_AUTH"] == "oidc"


def test_a_relative_sqlite_path_is_made_absolute(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    assert absolute_url("sqlite:///data/x.db") == f"sqlite:///{tmp_path / 'data' / 'x.db'}"
    pg = "postgresql+psycopg://u:pw@db:5432/o"
    assert absolute_url(pg) == pg


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_no_other_address_than_loopback_without_auth(command: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = CliRunner().invoke(app, [command, "--address", "0.0.0.0", "--db", url])
    assert result.exit_code == 2
    assert "--address 0.0.0.0" in result.output and "--auth" in result.output
    assert not (tmp_path / "x.db").exists()  # nothing done


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.1.2.3", False),
        ("", False),
        # a name is judged by what it resolves to, not by how it begins
        ("127.0.0.2.example.org", False),
        ("127.0.0.1.nip.invalid", False),
    ],
)
def test_an_address_is_judged_by_what_it_resolves_to(address: str, loopback: bool) -> None:
    assert is_loopback(address) is loopback


@pytest.mark.parametrize("auth", [False, True])
def test_an_address_that_does_not_resolve_is_one_line(auth: bool, tmp_path: Path) -> None:
    name = "127.0.0.2.example.org" if not auth else "dashboard.invalid"
    args = ["serve", "--address", name, "--db", f"sqlite:///{tmp_path / 'x.db'}"]
    if auth:
        (tmp_path / "auth.toml").write_text(AUTH, encoding="utf-8")
        args += ["--auth", str(tmp_path / "auth.toml")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: --address {name}: does not resolve")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml [", "not TOML"),
        ("[other]\na = 1\n", "no [auth] table"),
        (AUTH.replace('client_secret = "s3cret"\n', ""), "client_secret is missing"),
        (AUTH.replace("/oauth2callback", "/back"), "must end with /oauth2callback"),
        (AUTH.replace("0123456789abcdef0123456789abcdef", "short"), "at least 32"),
        (AUTH + 'trust_email_from = "https://idp"\n', "trust_email_from must be a list"),
        (AUTH + "trust_email_from = []\n", "trust_email_from must be a list"),
    ],
)
def test_a_bad_auth_file_is_exit_2_naming_it(
    db_url: str, tmp_path: Path, text: str, message: str
) -> None:
    auth = tmp_path / "auth.toml"
    auth.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "--db", db_url, "--auth", str(auth)])
    assert result.exit_code == 2
    assert str(auth) in result.output and message in result.output
    assert "Traceback" not in result.output


def test_help_names_auth() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert "--auth" in result.output


# ---- a real server, started where a hostile config and variables try to weaken it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_RECORDER_PORT = [0]


class _Recorder(http.server.BaseHTTPRequestHandler):
    """An HTTP proxy on loopback that forwards nothing: it lists what it was asked."""

    asked: ClassVar[list[str]] = []

    def _any(self) -> None:
        _Recorder.asked.append(f"{self.command} {self.path}")
        self.send_error(502)

    do_GET = do_POST = do_CONNECT = do_HEAD = _any

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def recorder() -> Iterator[list[str]]:
    """A proxy every HTTP(S) request of the server goes to (HTTP_PROXY): what the server
    tried to fetch from outside the machine."""
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _RECORDER_PORT[0] = proxy.server_address[1]
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    _Recorder.asked = []
    try:
        yield _Recorder.asked  # type: ignore[misc]
    finally:
        proxy.shutdown()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory, recorder: list[str]) -> Iterator[int]:
    tmp = tmp_path_factory.mktemp("hostile")
    # the user's own Streamlit folder, as `streamlit` reads it: debug logging, errors shown
    home = tmp / "home"
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "config.toml").write_text(
        '[logger]\nlevel = "debug"\nmessageFormat = "HOSTILE %(message)s"\n'
        '[client]\ndisableDataExport = false\nshowErrorDetails = "full"\n',
        encoding="utf-8",
    )
    (tmp / ".streamlit").mkdir()
    (tmp / ".streamlit" / "config.toml").write_text(
        '[server]\nenableCORS = false\nenableAgentApi = true\nallowedHosts = ["*"]\n'
        "enableXsrfProtection = false\nenableStaticServing = true\n"
        '[client]\nshowErrorDetails = "full"\n',
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp / 'o.db'}"
    env = {
        **os.environ,
        "OPENNESS_DATA": str(tmp),
        "STREAMLIT_SERVER_ENABLE_AGENT_API": "true",
        "STREAMLIT_SERVER_ENABLE_CORS": "false",
        "STREAMLIT_SERVER_ALLOWED_HOSTS": "*",
        "HOME": str(home),
        "HTTP_PROXY": f"http://127.0.0.1:{_RECORDER_PORT[0]}",
        "HTTPS_PROXY": f"http://127.0.0.1:{_RECORDER_PORT[0]}",
        "http_proxy": f"http://127.0.0.1:{_RECORDER_PORT[0]}",
        "https_proxy": f"http://127.0.0.1:{_RECORDER_PORT[0]}",
        "NO_PROXY": "",
        "no_proxy": "",
    }
    openness = [sys.executable, "-m", "openness"]
    subprocess.run(
        [*openness, "init", "--db", db], check=True, env=env, cwd=tmp, capture_output=True
    )
    port = _free_port()
    log = (tmp / "serve.log").open("wb")
    proc = subprocess.Popen(
        [*openness, "serve", "--port", str(port), "--db", db],
        env=env,
        cwd=tmp,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.mark.slow
def test_a_foreign_origin_makes_no_call_out_of_the_machine(
    hostile_server: int, recorder: list[str]
) -> None:
    port = hostile_server
    for origin in ("http://attacker.example", "null"):  # null: a sandboxed document
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "GET",
            "/_stcore/stream",
            headers={
                "Origin": origin,
                "Connection": "Upgrade",
                "Upgrade": "websocket",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            },
        )
        resp = conn.getresponse()
        assert resp.status == 403, origin
        conn.close()
    time.sleep(1)
    # Streamlit judges a foreign origin by this machine's external address, which it
    # asks an outside service for: nothing may have been asked
    assert recorder == []


@pytest.mark.slow
def test_the_user_s_streamlit_folder_is_not_read(
    hostile_server: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    port = hostile_server
    # a session's life, which debug logging would write about
    assert upgrade_status(port, f"127.0.0.1:{port}") == 101
    time.sleep(1)
    logs = list(tmp_path_factory.getbasetemp().rglob("hostile*/serve.log"))
    text = "".join(p.read_text(errors="replace") for p in logs)
    assert "HOSTILE" not in text


@pytest.mark.slow
def test_a_foreign_host_is_refused(hostile_server: int) -> None:
    port = hostile_server
    assert upgrade_status(port, f"127.0.0.1:{port}") == 101
    assert upgrade_status(port, f"localhost:{port}") == 101
    # DNS rebinding: a foreign name resolving to this machine
    assert upgrade_status(port, "rebind.attacker.example") == 403
    assert upgrade_status(port, f"rebind.attacker.example:{port}") == 403


@pytest.mark.slow
def test_config_files_and_variables_do_not_weaken_it(hostile_server: int) -> None:
    port = hostile_server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    # the agent API stays closed (its routes answer even when it is off: closed by
    # the product's guard)
    for method, path in (
        ("GET", "/_stcore/agent/openapi.json"),
        ("POST", "/_stcore/agent/interact"),
    ):
        conn.request(method, path, body="{}" if method == "POST" else None)
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 404, path
    # a foreign origin is refused outright (and gets no Access-Control-Allow-Origin)
    conn.request("GET", "/_stcore/health", headers={"Origin": "http://attacker.example"})
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 403
    assert resp.getheader("Access-Control-Allow-Origin") is None
    conn.request("GET", "/_stcore/health")
    resp = conn.getresponse()
    assert resp.read() == b"ok"
    # static serving off
    conn.request("GET", "/app/static/config.toml")
    resp = conn.getresponse()
    body = resp.read()
    assert b"enableAgentApi" not in body
    conn.close()
