"""What the browser tests share: a seeded database, ``openness serve`` on a free port,
and the waits and checks of a page (the ``browser`` fixture itself is in conftest.py).

Each ``test_browser*.py`` module builds its world with these and tests what it is
about; nothing here asserts a product behaviour except :func:`no_errors` and the
clean server log checked when a server stops.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from conftest import ARTIFACTS

OPENNESS = (sys.executable, "-m", "openness")
# the tiny city the browser tests read: seed 7, last day 2026-06-30
TINY_SEED = ("--scale", "tiny", "--seed", "7", "--reference-date", "2026-06-30")
QUERY = "period=2026-Q2&asof=2026-06-30"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Return once something listens on 127.0.0.1:``port``; raise if ``proc`` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listening on port {port}")


def openness_env(tmp: Path) -> dict[str, str]:
    """The environment of an ``openness`` command of a test: its data folder in ``tmp``,
    no settings file of the person running the tests."""
    env = {**os.environ, "OPENNESS_DATA": str(tmp)}
    env.pop("OPENNESS_CONFIG", None)
    return env


def openness(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run one ``openness`` command; raise with its output if it fails."""
    done = subprocess.run([*OPENNESS, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"openness {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done


def seed_tiny(tmp: Path, url: str | None = None) -> str:
    """The tiny city seeded into ``url`` (else a SQLite database in ``tmp``); the URL."""
    url = url or f"sqlite:///{tmp / 'openness.db'}"
    openness("seed", *TINY_SEED, "--db", url, env=openness_env(tmp))
    return url


@contextmanager
def running(
    cmd: Sequence[str], log: Path, env: dict[str, str], port: int, timeout: float = 60
) -> Iterator[subprocess.Popen[bytes]]:
    """``cmd`` running, its output in ``log``, until the block ends (then stopped)."""
    with log.open("wb") as out:
        proc = subprocess.Popen(list(cmd), env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for_port(port, proc, timeout)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def serving(tmp: Path, url: str, *options: str, port: int | None = None) -> Iterator[str]:
    """``openness serve`` on ``url`` (plus ``options``) on a free port: its base URL.

    When the block ends the server is stopped and its log must hold no traceback.
    """
    port = port or free_port()
    log = tmp / f"serve-{port}.log"
    cmd = [*OPENNESS, "serve", "--port", str(port), "--db", url, *options]
    with running(cmd, log, openness_env(tmp), port):
        yield f"http://127.0.0.1:{port}"
    text = log.read_text(errors="replace")
    assert f"http://127.0.0.1:{port}/" in text, text[-3000:]
    assert "Traceback" not in text, text[-3000:]


RUN_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def settle(page: object, timeout: float = 60_000) -> None:
    """Wait until the script run has finished and the page stopped changing."""
    page.wait_for_selector(RUN_DONE, timeout=timeout)  # type: ignore[attr-defined]
    page.wait_for_timeout(400)  # type: ignore[attr-defined]
    page.wait_for_selector(RUN_DONE, timeout=timeout)  # type: ignore[attr-defined]


def wait_for_count(page: object, selector: str, at_least: int, timeout: float = 120_000) -> int:
    """Wait until ``selector`` matches at least ``at_least`` elements, and return how many
    match. A chart is drawn by plotly.js after its element is in the page: on a busy
    machine that comes well after the script run has finished, so a count taken at once
    can be short (CI once counted 0 of a page's 5 charts)."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "([selector, n]) => document.querySelectorAll(selector).length >= n",
        arg=[selector, at_least],
        timeout=timeout,
    )
    return int(page.locator(selector).count())  # type: ignore[attr-defined]


def to_provider(page: object, button: str, timeout: float = 180_000) -> object:
    """Click the sign-in page's ``button`` once its script run has finished, and the
    provider's login field once it is there. A click that lands while the page is still
    being redrawn can be lost (the button is replaced under it): click again, as a
    person would, until the provider's page opens or ``timeout`` ms have passed."""
    login = page.locator('input[name="login"]')  # type: ignore[attr-defined]
    settle(page, timeout)
    tries = max(1, int(timeout // 20_000))
    for attempt in range(tries):
        if attempt == 0 or login.count() == 0:
            signin = page.get_by_role("button", name=button, exact=True)  # type: ignore[attr-defined]
            if signin.count():
                signin.click()
        try:
            login.wait_for(timeout=20_000)
            return login
        except Exception:  # playwright's TimeoutError: try the click again
            continue
    login.wait_for(timeout=1)
    return login


def shot(page: object, name: str) -> None:
    """A screenshot for a person to look at, in tests/artifacts/ (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # type: ignore[attr-defined]


def no_errors(page: object) -> None:
    """No exception box and no error message on the page."""
    assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0  # type: ignore[attr-defined]


def click_row(page: object, table: object, row: int) -> None:
    """Select a row of an st.dataframe by its row-marker checkbox (the grid is a canvas)."""
    box = table.bounding_box()  # type: ignore[attr-defined]
    header, height = 36, 35
    page.mouse.click(box["x"] + 16, box["y"] + header + height * row + height / 2)  # type: ignore[attr-defined]


def upgrade_status(port: int, host: str) -> int:
    """The status of a WebSocket upgrade to the app's stream on 127.0.0.1:``port`` with
    this Host header (101: accepted; 403: a host the server does not serve)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "GET",
        "/_stcore/stream",
        headers={
            "Host": host,
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
    )
    status = conn.getresponse().status
    conn.close()
    return status
