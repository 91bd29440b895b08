"""The dashboard in a real headless Chromium, served by ``openness serve``.

A small generated database (``tiny`` scale, seed 7, last day 2026-06-30) is
served on a free port. The test opens every page in both languages, clicks a
ranking row through to its unit and on to the records behind a rate,
downloads a CSV and checks its bytes, and saves screenshots into
tests/artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    "",  # the overview is the default page, at the root
    "unit",
    "openness",
    "responsiveness",
    "satisfaction",
    "supervision",
    "methodology",
    "data",
)
QUERY = "period=2026-Q2&asof=2026-06-30"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"openness serve exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listening on port {port}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{tmp / 'openness.db'}"
    openness = [sys.executable, "-m", "openness"]
    env = {**os.environ, "OPENNESS_DATA": str(tmp)}
    env.pop("OPENNESS_CONFIG", None)
    subprocess.run(
        [
            *openness,
            "seed",
            "--scale",
            "tiny",
            "--seed",
            "7",
            "--reference-date",
            "2026-06-30",
            "--db",
            url,
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    port = _free_port()
    log = (tmp / "serve.log").open("wb")
    proc = subprocess.Popen(
        [*openness, "serve", "--port", str(port), "--db", url],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    text = (tmp / "serve.log").read_text(errors="replace")
    # it said where it listens, and that it listens on this machine only
    assert f"http://127.0.0.1:{port}/" in text
    assert "Listening on 127.0.0.1 only" in text
    assert "Traceback" not in text, text[-3000:]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def settle(page: object, timeout: float = 60_000) -> None:
    """Wait until the script run has finished and the page stopped changing."""
    page.wait_for_selector(  # type: ignore[attr-defined]
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )
    page.wait_for_timeout(400)  # type: ignore[attr-defined]
    page.wait_for_selector(  # type: ignore[attr-defined]
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )


def shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # type: ignore[attr-defined]


def no_errors(page: object) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0  # type: ignore[attr-defined]


def click_row(page: object, table: object, row: int) -> None:
    """Select a row of an st.dataframe by its row-marker checkbox (the grid is a canvas)."""
    box = table.bounding_box()  # type: ignore[attr-defined]
    header, height = 36, 35
    page.mouse.click(box["x"] + 16, box["y"] + header + height * row + height / 2)  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders(server: str, browser: object, lang: str) -> None:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1440, "height": 2200}, locale="zh-CN" if lang == "zh" else "en-US"
    )
    page = context.new_page()
    for name in PAGES:
        page.goto(f"{server}/{name}?{QUERY}&lang={lang}")
        settle(page)
        no_errors(page)
        assert page.locator("h1").count() >= 1, name
        shot(page, f"{name or 'overview'}_{lang}")
    context.close()


def test_the_browser_language_picks_the_default(server: str, browser: object) -> None:
    for locale, title in (("zh-CN", "总览"), ("en-GB", "Overview")):
        context = browser.new_context(locale=locale)  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto(f"{server}/?{QUERY}")
        settle(page)
        assert page.locator("h1").first.inner_text().startswith(title)
        context.close()


def test_ranking_row_to_unit_to_records_and_csv(server: str, browser: object) -> None:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1440, "height": 1400}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{server}/?{QUERY}&lang=zh")
    settle(page)

    # the ranking's CSV: UTF-8 with a BOM, Chinese header
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 CSV").first.click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert download.suggested_filename == "ranking_2026-Q2_HQ.csv"
    assert data.startswith(b"\xef\xbb\xbf")
    header = data[3:].decode("utf-8").splitlines()[0]
    assert header.split(",")[:3] == ["排名", "名次变化", "单位"]

    # first ranked branch -> its unit page
    ranking = page.locator('[data-testid="stDataFrame"]').first
    ranking.scroll_into_view_if_needed()
    click_row(page, ranking, 0)
    page.wait_for_url("**/unit?**", timeout=30_000)
    settle(page)
    no_errors(page)
    assert "unit=" in page.url
    # the filters came along: same period, same as-of
    assert "period=2026-Q2" in page.url and "asof=2026-06-30" in page.url
    assert page.get_by_text("2026年第二季度，截至 2026-06-30").count() >= 1
    shot(page, "click_unit")

    # the indicator "响应率" (R_RESPONSE, the 6th row) -> the records behind it
    indicators = page.locator('[data-testid="stDataFrame"]').first
    indicators.scroll_into_view_if_needed()
    click_row(page, indicators, 5)
    settle(page)
    no_errors(page)
    assert page.get_by_text("“响应率”背后的记录").count() == 1
    assert "ind=R_RESPONSE" in page.url
    records = page.locator('[data-testid="stDataFrame"]').nth(1)
    records.scroll_into_view_if_needed()
    shot(page, "click_records")
    context.close()
