"""Goals and notes in a real browser, through a real sign-in (tests/signin_support.py):
leadership sets a goal on the Overview and sees who is below it there and on the Unit
page; a note added for March shows on the unit's chart (a marker, its text on hover)
and in the briefing. The tiny city (seed 7, last day 2026-06-30) on SQLite; goals and
notes on both databases are tests/test_access_goals.py and test_access_notes.py."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from browser_support import QUERY, no_errors, openness, openness_env, settle, shot
from signin_support import WAIT, World, new_page, sign_in, signed_in_world

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

LEADER = "leader@bureau.test"
NOTE = "New hotline system from March <b>x</b>"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("goals")
    with signed_in_world(tmp, {LEADER: ("leadership", None)}) as w:
        yield w


def _below(world: World) -> list[str]:
    """The stations below their R_ONTIME goal, from ``openness indicators`` (its X_goal
    column), at the dashboard's as-of (the end of 2026-06-30)."""
    out = openness(
        "indicators",
        "--period",
        "2026-Q2",
        "--as-of",
        "2026-06-30 23:59:59",
        "--db",
        world.db,
        env=openness_env(world.tmp),
    )
    rows = list(csv.DictReader(io.StringIO(out.stdout.lstrip("\ufeff"))))
    return sorted(
        r["unit_id"]
        for r in rows
        if r["level"] == "station"
        and r["R_ONTIME"]
        and float(r["R_ONTIME"]) < float(r["R_ONTIME_goal"])
    )


def test_leadership_sets_a_goal_and_a_note_shows(world: World, browser: object) -> None:
    page = new_page(browser, "en")
    sign_in(page, world, LEADER, "en")
    settle(page, WAIT)

    # ---- the Overview's station ranking: set a goal of 90% closed on time, every unit
    page.goto(f"{world.base}/?{QUERY}&lang=en&level=station")  # type: ignore[attr-defined]
    settle(page, WAIT)
    page.get_by_text("Goals (0)").click()  # type: ignore[attr-defined]
    value = page.locator(".st-key-ov_goal_value input")  # type: ignore[attr-defined]
    value.fill("90")
    value.press("Enter")
    settle(page, WAIT)
    page.get_by_role("button", name="Set", exact=True).click()  # type: ignore[attr-defined]
    expect(page.get_by_text("Goal set (number 1).")).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    settle(page, WAIT)
    below = _below(world)
    assert 0 < len(below) < 12, "some of the 12 stations close fewer than 90% on time"

    # who is below it: the filter over the ranking
    page.locator(".st-key-ov_below_goal").click()  # type: ignore[attr-defined]
    page.get_by_role("option", name="Closed on time").click()  # type: ignore[attr-defined]
    settle(page, WAIT)
    expect(
        page.get_by_text(f"Units not meeting the Closed on time goal: {len(below)}.")  # type: ignore[attr-defined]
    ).to_be_visible(timeout=WAIT)
    no_errors(page)
    shot(page, "goals_overview_en")

    # ---- the Unit page of one of them: the goal, not met, said apart from the funnel
    unit = below[0]
    page.goto(f"{world.base}/unit?unit={unit}&{QUERY}&lang=en")  # type: ignore[attr-defined]
    settle(page, WAIT)
    expect(page.get_by_text("below the goal of 90.0%").first).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]

    # ---- a note for March, through the Unit page's form
    # the date fields are segments (year / month / day): type the month and the day
    for key, label, month, day in (
        ("un_note_from", "From", "03", "01"),
        ("un_note_to", "To", "03", "31"),
    ):
        field = page.locator(f".st-key-{key}")  # type: ignore[attr-defined]
        field.get_by_role("spinbutton", name=f"month, {label}").focus()
        page.keyboard.type(month)  # type: ignore[attr-defined]
        field.get_by_role("spinbutton", name=f"day, {label}").focus()
        page.keyboard.type(day)  # type: ignore[attr-defined]
        expect(field.locator('input[type="date"]')).to_have_value(f"2026-{month}-{day}")
    page.locator(".st-key-un_note_text input").fill(NOTE)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Add", exact=True).click()  # type: ignore[attr-defined]
    expect(page.get_by_text("Note added (number 1).")).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    settle(page, WAIT)
    # listed, as text (the tag shows, nothing is bold)
    expect(page.get_by_text(NOTE).first).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    expect(page.get_by_text("2026-03-01 – 2026-03-31").first).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    # on the trend chart: a marker named Note, its text on hover
    chart = page.locator(".js-plotly-plot").first  # type: ignore[attr-defined]
    expect(chart.locator(".legendtext", has_text="Note")).to_have_count(1, timeout=WAIT)
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    # the notes' trace is the chart's last; the pointer over its marker, as a person's
    marker = chart.locator("g.trace.scatter").last.locator("path.point").first
    box = marker.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # type: ignore[attr-defined]
    expect(page.locator(".hovertext").first).to_contain_text(
        "New hotline system from March", timeout=WAIT
    )  # type: ignore[attr-defined]
    expect(page.locator(".hovertext").first).to_contain_text("<b>x</b>", timeout=WAIT)  # type: ignore[attr-defined]
    no_errors(page)
    shot(page, "goals_unit_en")

    # ---- the briefing of the first quarter lists the note, and says who is below the goal
    page.goto(f"{world.base}/briefing?period=2026-Q1&asof=2026-06-30&lang=en")  # type: ignore[attr-defined]
    settle(page, WAIT)
    page.get_by_role("button", name="Generate the briefing").click()  # type: ignore[attr-defined]
    expect(page.locator("iframe").first).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    settle(page, WAIT)
    body = page.locator("iframe").first.content_frame.locator("body")  # type: ignore[attr-defined]
    expect(body).to_contain_text("Notes on the charts", timeout=WAIT)
    expect(body).to_contain_text(NOTE)
    expect(body).to_contain_text("below the Closed on time goal of 90.0%")
    expect(body).to_contain_text("a goal is not the funnel's peer rate, and not a signal")
    shot(page, "goals_briefing_en")
    page.context.close()  # type: ignore[attr-defined]
