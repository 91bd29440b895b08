"""The Jobs page in a real Chromium through a real sign-in (tests/signin_support.py): an
admin sees the jobs and runs one now (audited as ``job_run`` under their name); a viewer
opening the page's address is refused where the jobs are read (audited ``denied``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from browser_support import QUERY, no_errors, openness, openness_env, settle, shot
from import_helpers import FEEDBACK_HEADER, write
from signin_support import World, new_page, sign_in, signed_in_world, trail

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

WAIT = 180_000  # ms: a busy two-core machine
ADMIN, VIEWER = "admin@bureau.test", "viewer@bureau.test"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("browser_jobs")
    with signed_in_world(tmp, {ADMIN: ("admin", None), VIEWER: ("viewer", None)}) as w:
        # "run now" publishes the month before today: a case received in it (a month
        # the records do not reach is skipped, not published)
        day = (date.today().replace(day=1) - timedelta(days=1)).replace(day=10)
        case = f"LATE-1,B01-S01,complaint,hotline,{day} 10:00,,,,,,,,,"
        cases = write(tmp / "recent_feedback.csv", f"{FEEDBACK_HEADER}\n{case}\n")
        openness("import", str(cases), "--db", w.db, env=openness_env(tmp))
        openness(
            "jobs", "add", "publish", "--name", "nightly-bundle", "--schedule", "0 1 * * *",
            "--period", "previous-month", "--out", str(tmp / "public"), "--db", w.db,
            env=openness_env(tmp),
        )  # fmt: skip
        yield w


def _open_jobs(page: object, world: World, lang: str) -> None:
    page.goto(f"{world.base}/jobs?{QUERY}&lang={lang}")  # type: ignore[attr-defined]
    expect(page.locator("h1").first).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    settle(page, WAIT)


def test_an_admin_sees_the_jobs_and_runs_one_now(world: World, browser: object) -> None:
    page = new_page(browser, "zh")
    sign_in(page, world, ADMIN, "zh")
    _open_jobs(page, world, "zh")
    expect(page.get_by_role("heading", name="定时任务")).to_be_visible()  # type: ignore[attr-defined]
    expect(page.get_by_text("最近的运行")).to_be_visible()  # type: ignore[attr-defined]
    no_errors(page)

    page.get_by_role("button", name="立即运行").click()  # type: ignore[attr-defined]
    expect(page.get_by_text("“nightly-bundle”：成功")).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    settle(page, WAIT)
    shot(page, "jobs_admin_zh")

    assert (world.tmp / "public" / "summary.csv").is_file()
    runs = [e for e in trail(world, ADMIN) if e["event"] == "job_run"]
    assert [(e["role"], e["detail"]) for e in runs] == [("admin", "job nightly-bundle: ok")]
    listed = openness("jobs", "list", "--db", world.db, env=openness_env(world.tmp)).stdout
    assert listed.splitlines()[1].split(",")[5] == "ok"  # last_result


def test_a_viewer_is_refused_where_the_jobs_are_read(world: World, browser: object) -> None:
    page = new_page(browser, "en")
    sign_in(page, world, VIEWER, "en")
    _open_jobs(page, world, "en")
    expect(page.get_by_text("Not in your reach")).to_be_visible()  # type: ignore[attr-defined]
    assert page.get_by_text("nightly-bundle").count() == 0  # type: ignore[attr-defined]
    assert page.get_by_role("button", name="Run now").count() == 0  # type: ignore[attr-defined]
    shot(page, "jobs_viewer_en")
    denied = [e for e in trail(world, VIEWER) if e["event"] == "denied"]
    assert [(e["page"], e["detail"]) for e in denied] == [("jobs", "jobs: jobs page")]
