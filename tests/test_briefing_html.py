"""The briefing as HTML: self-contained, renders in headless Chromium, prints on A4."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import ARTIFACTS

from queries.model.periods import Period
from queries.model.settings import DEFAULT_SETTINGS
from queries.store.schemas import make_frames
from reports.blocks import Image
from reports.briefing.html import briefing_html
from reports.briefing.layout import briefing_document
from reports.briefing.model import build_briefing
from seed_data.generator import generate


@pytest.fixture(scope="module")
def briefing():  # type: ignore[no-untyped-def]
    frames = make_frames(**generate("tiny", 7, date(2026, 4, 10)))
    return build_briefing(frames, Period.parse("2026-Q1"), datetime(2026, 4, 10), DEFAULT_SETTINGS)


def test_html_is_self_contained(briefing) -> None:  # type: ignore[no-untyped-def]
    page = briefing_html(briefing)
    assert page.startswith("<!DOCTYPE html>")
    assert "@page { size: A4" in page
    # nothing loaded from anywhere: no script, stylesheet, image or font by URL
    # (SVG's own namespace URIs and url(#clip) fragment references load nothing)
    bare = page.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
    )
    for needle in ("<script", "<link", "src=", "@import", "http://", "https://"):
        assert needle not in bare, needle
    assert re.search(r"url\((?!#)", bare) is None
    charts = [b for b in briefing_document(briefing).blocks if isinstance(b, Image)]
    assert page.count("<svg") == len(charts) >= 2


@pytest.mark.browser
def test_html_renders_in_chromium(briefing, tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "briefing.html"
    path.write_text(briefing_html(briefing), encoding="utf-8")
    requests: list[str] = []
    context = browser.new_context(viewport={"width": 900, "height": 1200})
    context.set_offline(True)
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    assert page.title() == "警务公开工作情况通报"
    assert page.locator("h2").first.inner_text() == "一、总体情况"
    # every chart drew at a sensible size
    boxes = [f.bounding_box() for f in page.locator("figure svg").all()]
    assert boxes and all(b is not None and b["width"] > 300 for b in boxes)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "briefing_html.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    (ARTIFACTS / "briefing_html.pdf").write_bytes(pdf)
    context.close()
    assert [u for u in requests if not u.startswith("file://")] == []
