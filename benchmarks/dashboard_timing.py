"""Dashboard response times in a real browser (run by hand; numbers go into docs/dashboard.md).

    .venv/bin/python benchmarks/dashboard_timing.py [--db URL] [--scale demo] [--rounds 5]

Without ``--db`` it seeds a fresh SQLite database at the given scale (seed 42,
last day today) in a temporary folder. It starts ``openness serve`` on a free
port and drives headless Chromium (/usr/bin/chromium):

- first load: a fresh server, cold caches, the overview opened;
- first load, warm: a new browser session once the caches are filled;
- interactions: change the quarter, open the Openness page from the menu,
  click a ranking row through to the unit, switch the language.

A step is timed from the action until Streamlit reports the script run
finished and every chart on the page is drawn.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(port)


def done(page: Page) -> None:
    """The run has finished and every plotly chart on the page has drawn."""
    page.wait_for_selector(IDLE, timeout=120_000)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(c => c.querySelector('.main-svg'))""",
        timeout=120_000,
    )


# counts finished script runs, so that a run too quick to be seen running is not missed
COUNT_RUNS = """
window.__runs = 0;
new MutationObserver((records) => {
  for (const r of records) {
    if (r.target.getAttribute('data-test-script-state') === 'notRunning') window.__runs += 1;
  }
}).observe(document, {subtree: true, attributes: true,
                      attributeFilter: ['data-test-script-state']});
"""


def runs(page: Page) -> int:
    try:
        return int(page.evaluate("() => window.__runs || 0"))
    except Exception:  # navigating
        return 0


# seconds a reader spends looking at each view before the next action (--pause)
READ_PAUSE = [0.0]


def timed(page: Page, action: Callable[[], None]) -> float:
    page.wait_for_timeout(READ_PAUSE[0] * 1000)
    before = runs(page)
    start = time.perf_counter()
    action()
    page.wait_for_function(f"() => (window.__runs || 0) > {before}", timeout=120_000)
    done(page)
    return time.perf_counter() - start


def open_select(page: Page, label: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.get_by_role("combobox", name=label)
    )
    box.scroll_into_view_if_needed()
    box.get_by_role("button", name="Open").click()
    page.get_by_role("option").first.wait_for(timeout=10_000)


def pick(page: Page, label: str, option: str) -> None:
    open_select(page, label)
    page.get_by_role("option", name=option, exact=True).click()


def one_round(browser: Browser, base: str, r: int, results: dict[str, list[float]]) -> None:
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    ctx.add_init_script(COUNT_RUNS)
    page = ctx.new_page()
    key = "first load (first reader)" if r == 0 else "first load (new session)"
    results.setdefault(key, []).append(timed(page, lambda: page.goto(base + "/")))
    open_select(page, "季度")
    options = page.get_by_role("option")
    target = options.nth(1 + r % max(1, options.count() - 1)).inner_text()
    page.keyboard.press("Escape")
    results.setdefault("change the quarter", []).append(
        timed(page, lambda t=target: pick(page, "季度", t))
    )
    results.setdefault("open the Openness page", []).append(
        timed(page, lambda: page.get_by_role("link", name="公开").first.click())
    )
    results.setdefault("back to the Overview", []).append(
        timed(page, lambda: page.get_by_role("link", name="总览").first.click())
    )

    def click_row(row: int) -> None:
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 16, box["y"] + 36 + 17 + 35 * row)
        page.wait_for_url("**/unit?**", timeout=60_000)

    results.setdefault("ranking row -> unit page", []).append(timed(page, lambda: click_row(0)))
    # a second unit of the same period: the peers' monthly trend is cached by now
    results.setdefault("back to the Overview (again)", []).append(
        timed(page, lambda: page.get_by_role("link", name="总览").first.click())
    )
    results.setdefault("another ranking row -> unit page", []).append(
        timed(page, lambda: click_row(1))
    )
    results.setdefault("switch the language", []).append(
        timed(page, lambda: page.get_by_role("radio", name="English").click())
    )
    ctx.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db")
    ap.add_argument("--scale", default="demo")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds a reader looks at each view before acting (default 0: back to back)",
    )
    args = ap.parse_args()
    READ_PAUSE[0] = args.pause
    tmp = Path(tempfile.mkdtemp(prefix="openness-bench-"))
    # a database brought with --db keeps its data folder (its audit key): OPENNESS_DATA
    env = {**os.environ, "OPENNESS_DATA": os.environ.get("OPENNESS_DATA", str(tmp))}
    url = args.db or f"sqlite:///{tmp / 'openness.db'}"
    openness = [sys.executable, "-m", "openness"]
    if not args.db:
        subprocess.run([*openness, "seed", "--scale", args.scale, "--db", url], check=True, env=env)
    port = free_port()
    server = subprocess.Popen(
        [*openness, "serve", "--port", str(port), "--db", url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    results: dict[str, list[float]] = {}
    try:
        wait_port(port)
        started = time.perf_counter()
        # the script health check is closed to anyone but serve's own warm-up (issue
        # "many people at once"), which runs in the background: the first load below may
        # wait for the rest of it (the embedded lake built on a first start)
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=300):
            pass
        print(
            f"server answers /_stcore/health {time.perf_counter() - started:.2f} s after listening"
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for r in range(args.rounds):
                one_round(browser, base, r, results)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=15)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (1, 5, 15 min)")
    what = "given database" if args.db else args.scale
    print(f"| step ({what}, {args.rounds} rounds, pause {args.pause:g} s) | median s | max s |")
    print("|---|---|---|")
    for step, times in results.items():
        print(f"| {step} | {statistics.median(times):.2f} | {max(times):.2f} |")


if __name__ == "__main__":
    main()
