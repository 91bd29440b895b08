"""The public summary bundle: aggregates only, small counts hidden, same figures as the table."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from plotly.offline import get_plotlyjs

from queries.engine.indicators import indicator_table
from queries.model.catalogue import DIMENSION_CODES, INDICATORS
from queries.model.periods import Period
from queries.model.settings import DEFAULT_SETTINGS
from queries.store.frames import load_frames
from queries.store.schemas import Frames, make_frames
from reports.public.bundle import bundle_files, bundle_zip, write_bundle
from reports.public.disclosure_control import (
    is_controlled,
    public_count,
    public_scores,
    public_value,
)
from reports.public.summary import public_summary
from seed_data.generator import generate, seed_database

PERIOD = Period.parse("2026-Q1")
AS_OF = datetime(2026, 4, 10)
FILES = {"index.html", "embed.html", "methodology.html", "summary.csv", "summary.json"}


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "summary.csv must start with a UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# --- the rules --------------------------------------------------------------------------


# the rules themselves (counts, rates, precision, public scores): test_disclosure_control.py


# --- a hand-made city: small counts and small samples ----------------------------------

UNITS = [
    {
        "unit_id": "B",
        "name": "某市公安局",
        "name_en": "City Bureau",
        "level": "bureau",
        "kind": "management",
    },
    {
        "unit_id": "X",
        "name": "甲分局",
        "name_en": "Branch X",
        "parent_id": "B",
        "level": "branch",
        "kind": "comprehensive",
    },
    {
        "unit_id": "S",
        "name": "甲街派出所",
        "name_en": "Jia Street Station",
        "parent_id": "X",
        "level": "station",
        "kind": "window",
    },
    {
        "unit_id": "Y",
        "name": "乙分局",
        "name_en": "Branch Y",
        "parent_id": "B",
        "level": "branch",
        "kind": "comprehensive",
    },
]


def _disclosure(i: int, unit: str) -> dict[str, object]:
    return {
        "disclosure_id": f"D{i}",
        "unit_id": unit,
        "title": f"标题{i}",
        "category": "procedures",
        "channel": "website",
        "published_on": "2026-03-02",
    }


def _complaint(i: int, unit: str) -> dict[str, object]:
    # received 2 March, answered within the hour, closed the next day: on time
    return {
        "case_id": f"C{i}",
        "unit_id": unit,
        "kind": "complaint",
        "channel": "hotline",
        "received_at": "2026-03-02 09:00",
        "first_response_at": "2026-03-02 09:30",
        "closed_at": "2026-03-03 09:00",
        "reasoned_reply": True,
    }


@pytest.fixture
def small_city() -> Frames:
    return make_frames(
        units=UNITS,
        # X: 3 disclosures, Y: 12 (B's subtree: 15)
        disclosures=[_disclosure(i, "X") for i in range(3)]
        + [_disclosure(i, "Y") for i in range(3, 15)],
        # X: 7 complaints, Y: 12 (B: 19)
        feedback=[_complaint(i, "X") for i in range(7)]
        + [_complaint(i, "Y") for i in range(7, 19)],
    )


def test_small_counts_and_small_samples(small_city: Frames) -> None:
    s = public_summary(small_city, Period.parse("2026-03"), AS_OF, DEFAULT_SETTINGS)
    # bureau and branches only, top level first
    assert [u.unit_id for u in s.units] == ["B", "X", "Y"]
    files = bundle_files(s)
    rows = {r["unit_id"]: r for r in _csv_rows(files["summary.csv"])}
    assert set(rows) == {"B", "X", "Y"}
    x, y, b = rows["X"], rows["Y"], rows["B"]
    # disclosures are not about people: counts shown as computed (3, 12, 15)
    assert (x["disclosures_published"], y["disclosures_published"], b["disclosures_published"]) == (
        "3",
        "12",
        "15",
    )
    # complaints are: rounded to 5 (7 -> 5, 12 -> 10, 19 -> 20); no supervision at all: 0
    assert (x["feedback_received"], y["feedback_received"], b["feedback_received"]) == (
        "5",
        "10",
        "20",
    )
    assert x["supervision_rectified"] == y["supervision_rectified"] == "0"
    # on-time closure: X has n = 7 < 10, a rate is never shown; Y 12 / 12 = 1.0
    # (numerator 12, complement 0: neither is 1..4)
    assert (x["R_ONTIME"], x["R_ONTIME_n"]) == ("insufficient data", "5")
    assert (y["R_ONTIME"], y["R_ONTIME_n"]) == ("1.0", "10")
    assert (b["R_ONTIME"], b["R_ONTIME_n"]) == ("1.0", "20")
    # coverage counts catalogue entries (exempt from min_sample): Y (comprehensive) covers
    # 1 of 9 = 0.111; X 9 + 7 (its window station) = 16 entries, covers 1: 1 / 16 = 0.0625
    # -> 0.063 (6.3%, one decimal of a percent, halves up)
    assert (y["O_COVERAGE"], y["O_COVERAGE_n"]) == ("0.111", "9")
    assert (x["O_COVERAGE"], x["O_COVERAGE_n"]) == ("0.063", "16")
    # no supervision item: no data (empty), its n 0
    assert (x["O_SUPERVISION_PUBLIC"], x["O_SUPERVISION_PUBLIC_n"]) == ("", "0")

    data = json.loads(files["summary.json"])
    jx = next(u for u in data["units"] if u["unit_id"] == "X")
    assert jx["indicators"]["R_ONTIME"] == {"value": None, "n": 5, "status": "insufficient"}
    assert jx["counts"]["disclosures_published"] == 3
    assert data["rules"]["public_min_count"] == 5

    page = files["index.html"].decode()
    assert "数据不足" in page and "insufficient data" in page and "&lt;5" in page
    for name in files:
        text = files[name].decode("utf-8-sig")
        # the station is not a public level: neither its name nor its id-bearing rows
        assert "甲街派出所" not in text and "Jia Street Station" not in text, name
        # titles never leave the building
        assert "标题1" not in text, name


def test_bundle_zip_holds_every_file(small_city: Frames) -> None:
    s = public_summary(small_city, Period.parse("2026-03"), AS_OF, DEFAULT_SETTINGS)
    files = bundle_files(s)
    data = bundle_zip(files)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert set(z.namelist()) == FILES
        assert z.read("summary.csv") == files["summary.csv"]
    # same input, same bytes
    assert bundle_zip(bundle_files(s)) == data


# --- a generated city in the database --------------------------------------------------


@pytest.fixture
def seeded(engine: sa.Engine) -> sa.Engine:
    seed_database(engine, "tiny", 7, date(2026, 4, 10), progress=False)
    return engine


def _private_strings(frames: Frames) -> dict[str, set[str]]:
    """Everything of the records that must not appear in the bundle."""
    out: dict[str, set[str]] = {
        "record id": set(frames.disclosures["disclosure_id"])
        | set(frames.feedback["case_id"])
        | set(frames.supervision["item_id"]),
        "title": set(frames.disclosures["title"].drop_nulls()),
        "finding": set(frames.supervision["finding"].drop_nulls()),
        "unit name": set(
            frames.units.filter(pl.col("level").is_in(["station", "department"]))["name"]
        )
        | set(
            frames.units.filter(pl.col("level").is_in(["station", "department"]))[
                "name_en"
            ].drop_nulls()
        ),
    }
    stamps: set[str] = set()
    for col in ("received_at", "first_response_at", "closed_at", "return_visit_at", "due_at"):
        for t in frames.feedback[col].drop_nulls():
            stamps |= {t.strftime("%Y-%m-%d %H:%M"), t.strftime("%Y-%m-%dT%H:%M")}
    dates: set[str] = set()
    for frame, cols in (
        (frames.disclosures, ("formed_on", "published_on", "updated_on", "withdrawn_on")),
        (
            frames.supervision,
            ("opened_on", "rectify_due_on", "rectified_on", "result_published_on"),
        ),
    ):
        for col in cols:
            dates |= {d.isoformat() for d in frame[col].drop_nulls()}
    # the as-of date is printed on every figure: it is not a record's date
    dates.discard(AS_OF.date().isoformat())
    out["timestamp"] = stamps | dates
    return out


def test_bundle_leaks_no_record(seeded: sa.Engine, tmp_path: Path) -> None:
    frames = load_frames(seeded)
    site = tmp_path / "site"
    paths = write_bundle(public_summary(frames, PERIOD, AS_OF, DEFAULT_SETTINGS), site)
    assert {p.name for p in paths} == FILES
    private = _private_strings(frames)
    # the generated city has all of these (else the test would prove nothing)
    assert all(len(v) > 10 for v in private.values()), {k: len(v) for k, v in private.items()}
    library = get_plotlyjs()
    for p in paths:
        text = p.read_bytes().decode("utf-8-sig")
        if p.name == "index.html":
            # plotly.js is inlined verbatim (library code, no data): search around it
            assert text.count(library) == 1
            text = text.replace(library, "")
        for what, strings in private.items():
            found = sorted(x for x in strings if x in text)
            assert found == [], f"{p.name} shows {what}: {found[:5]}"
        # no time of day anywhere (as-of is midnight here, printed as a date)
        assert re.search(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d", text) is None, p.name


def test_bundle_figures_equal_the_indicator_table(seeded: sa.Engine) -> None:
    frames = load_frames(seeded)
    s = public_summary(frames, PERIOD, AS_OF, DEFAULT_SETTINGS)
    table = indicator_table(frames, PERIOD, AS_OF, DEFAULT_SETTINGS)
    public = table.filter(pl.col("level").is_in(["bureau", "branch"]))
    assert sorted(u.unit_id for u in s.units) == sorted(public["unit_id"].to_list())
    data = json.loads(bundle_files(s)["summary.json"])
    csv_rows = {r["unit_id"]: r for r in _csv_rows(bundle_files(s)["summary.csv"])}
    shown = 0
    for u in data["units"]:
        row = table.filter(pl.col("unit_id") == u["unit_id"]).to_dicts()[0]
        values = {c: f["value"] for c, f in u["indicators"].items() if f["status"] == "ok"}
        # public scores: from the published values alone, one decimal
        assert u["scores"] == public_scores(values, DEFAULT_SETTINGS)
        for c in (*DIMENSION_CODES, "overall"):
            v = u["scores"][c]
            assert csv_rows[u["unit_id"]][c] == ("" if v is None else repr(v))
        for ind in INDICATORS:
            fig = u["indicators"][ind.code]
            n = row[f"{ind.code}_n"]
            if fig["status"] == "ok":
                # the table's value at the one public precision
                assert fig["value"] == public_value(ind.code, row[ind.code])
                assert n >= DEFAULT_SETTINGS.min_sample or ind.min_sample_exempt
                shown += 1
            else:
                assert fig["value"] is None
            if is_controlled(ind.code):
                assert fig["n"] == (None if n is None else public_count(n, DEFAULT_SETTINGS))
            else:
                assert fig["n"] == n
    # ranks: by the public overall, among the same level
    for level in ("bureau", "branch"):
        same = [u for u in data["units"] if u["level"] == level]
        for u in same:
            o = u["scores"]["overall"]
            expected = (
                None
                if o is None
                else 1
                + sum(
                    1
                    for x in same
                    if x["scores"]["overall"] is not None and x["scores"]["overall"] > o
                )
            )
            assert u["rank"] == expected
    assert shown > 20  # most figures of the generated city are published


# --- the page in a browser, offline ----------------------------------------------------


@pytest.mark.browser
def test_index_draws_its_charts_offline(tmp_path: Path) -> None:
    from playwright.sync_api import Route, sync_playwright

    frames = make_frames(**generate("tiny", 7, date(2026, 4, 10)))
    write_bundle(public_summary(frames, PERIOD, AS_OF, DEFAULT_SETTINGS), tmp_path)
    requests: list[str] = []
    blocked: list[str] = []

    def block(route: Route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ARTIFACTS.mkdir(exist_ok=True)
            for name, width in (("phone", 390), ("desktop", 1100)):
                context = browser.new_context(viewport={"width": width, "height": 900})
                context.set_offline(True)
                context.route("**/*", block)
                page = context.new_page()
                page.on("request", lambda r: requests.append(r.url))
                page.goto((tmp_path / "index.html").as_uri())
                plots = page.locator(".plotly-graph-div")
                # two charts, each drawn in both languages
                assert plots.count() == 4
                page.wait_for_function(
                    "document.querySelectorAll('.plotly-graph-div svg.main-svg').length"
                    " >= document.querySelectorAll('.plotly-graph-div').length"
                )
                for i in range(plots.count()):
                    assert plots.nth(i).locator("svg.main-svg").count() >= 1
                assert page.locator("html").get_attribute("data-lang") == "zh"
                assert page.locator(".l-en").first.is_hidden()
                # fits a phone: nothing wider than the screen but the scrolling tables
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.screenshot(path=str(ARTIFACTS / f"public_{name}_zh.png"), full_page=True)
                page.locator("button.lang").click()
                assert page.locator("html").get_attribute("data-lang") == "en"
                assert page.title() == "Police Affairs Openness Results"
                visible = page.locator(".l-en .plotly-graph-div").first
                assert visible.is_visible()
                # the English charts were drawn hidden: the switch resizes them to the screen
                page.wait_for_function(
                    "[...document.querySelectorAll('.l-en .plotly-graph-div svg.main-svg')]"
                    ".every(s => s.getBoundingClientRect().width <= window.innerWidth)"
                    " && document.documentElement.scrollWidth <= window.innerWidth",
                    timeout=5000,
                )
                assert visible.bounding_box()["width"] > width * 0.6  # type: ignore[index]
                page.screenshot(path=str(ARTIFACTS / f"public_{name}_en.png"), full_page=True)
                # the methodology page and the embed load too, with nothing from outside
                page.goto((tmp_path / "methodology.html").as_uri() + "?lang=en")
                assert page.locator("html").get_attribute("data-lang") == "en"
                page.goto((tmp_path / "embed.html").as_uri())
                assert page.locator("table").count() == 1
                context.close()
        finally:
            browser.close()
    assert blocked == []
    assert [u for u in requests if not u.startswith("file://")] == []


def test_summary_csv_neutralises_hostile_unit_names(small_city: Frames) -> None:
    units = small_city.units.with_columns(
        pl.when(pl.col("unit_id") == "X")
        .then(pl.lit('=HYPERLINK("http://evil.example","甲")'))
        .otherwise(pl.col("name"))
        .alias("name"),
        pl.when(pl.col("unit_id") == "Y")
        .then(pl.lit("+cmd|' /C calc'!A0"))
        .otherwise(pl.col("name_en"))
        .alias("name_en"),
    )
    frames = make_frames(
        units=units.to_dicts(),
        disclosures=small_city.disclosures.to_dicts(),
        feedback=small_city.feedback.to_dicts(),
    )
    s = public_summary(frames, Period.parse("2026-03"), AS_OF, DEFAULT_SETTINGS)
    rows = {r["unit_id"]: r for r in _csv_rows(bundle_files(s)["summary.csv"])}
    assert rows["X"]["name"] == '\'=HYPERLINK("http://evil.example","甲")'
    assert rows["Y"]["name_en"] == "'+cmd|' /C calc'!A0"
    assert rows["B"]["name"] == "某市公安局"


# --- units of one name, and more units than a reader can take in ----------------------


def _scores_chart(index: str, lang: str) -> dict[str, list[object]]:
    """The public page's score chart in ``lang``: its bars' labels (top first) and values."""
    start = re.search(rf'Plotly\.newPlot\(\s*"scores-{lang}",\s*', index)
    assert start is not None
    decoder = json.JSONDecoder()
    data, end = decoder.raw_decode(index, start.end())
    layout, _ = decoder.raw_decode(index, index.index("{", end))
    (bar,) = data
    return {"y": bar["y"][::-1], "x": bar["x"][::-1], "title": [layout["title"]["text"]]}


def _city(uid: str, name: str, name_en: str) -> list[dict[str, object]]:
    """A city bureau and its branch named 城区分局, as two cities of a province have."""
    return [
        {"unit_id": uid, "name": name, "name_en": name_en, "level": "bureau",
         "kind": "management"},
        {"unit_id": f"{uid}-CQ", "name": "城区分局", "name_en": "Chengqu Branch",
         "parent_id": uid, "level": "branch", "kind": "comprehensive"},
    ]  # fmt: skip


def test_units_of_one_name_are_two_bars_with_labels_told_apart() -> None:
    units = _city("A", "A市公安局", "City A Bureau") + _city("B", "B市公安局", "City B Bureau")
    branches = ["A-CQ", "B-CQ"]
    frames = make_frames(
        units=units,
        disclosures=[_disclosure(i, branches[i % 2]) for i in range(20)],
        feedback=[_complaint(i, branches[i % 2]) for i in range(24)],
    )
    s = public_summary(frames, PERIOD, AS_OF, DEFAULT_SETTINGS)
    index = bundle_files(s)["index.html"].decode("utf-8")
    zh, en = _scores_chart(index, "zh"), _scores_chart(index, "en")
    # four units, four bars: the two 城区分局 each their own, named by their city
    assert sorted(map(str, zh["y"])) == sorted(
        ["A市公安局", "B市公安局", "城区分局（A市公安局）", "城区分局（B市公安局）"]
    )
    assert "Chengqu Branch (City A Bureau)" in en["y"] and len(set(en["y"])) == 4
    # no bar past 100 (one bar for two units stacked to 200 before)
    assert all(isinstance(v, float) and 0 <= v <= 100 for v in zh["x"])


def test_a_chart_of_many_units_shows_its_top_and_bottom_ten() -> None:
    # 30 branches of one bureau: B0..B29, branch i with i of its 30 complaints late
    units = [UNITS[0]] + [
        {"unit_id": f"X{i:02d}", "name": f"第{i}分局", "name_en": f"Branch {i}",
         "parent_id": "B", "level": "branch", "kind": "comprehensive"}
        for i in range(30)
    ]  # fmt: skip
    feedback = []
    for i in range(30):
        for j in range(30):
            c = _complaint(i * 100 + j, f"X{i:02d}")
            if j < i:  # closed a month late
                c["closed_at"] = "2026-04-05 09:00"
            feedback.append(c)
    frames = make_frames(units=units, feedback=feedback)
    s = public_summary(frames, PERIOD, AS_OF, DEFAULT_SETTINGS)
    ranked = sorted(
        (u for u in s.units if u.scores["overall"] is not None),
        key=lambda u: (-float(u.scores["overall"] or 0), u.unit_id),
    )
    assert len(ranked) == 31  # the bureau and its 30 branches
    index = bundle_files(s)["index.html"].decode("utf-8")
    chart = _scores_chart(index, "zh")
    # 10 + a gap + 10 bars, not 31
    assert chart["y"] == [u.name for u in ranked[:10]] + ["⋯"] + [u.name for u in ranked[-10:]]
    assert chart["x"][10] is None
    assert str(chart["title"][0]).endswith("：31个单位中的前10名与后10名，全部见下表")
    # the score table keeps every unit
    for u in ranked:
        assert f'<td><span class="l-zh">{u.name}</span>' in index
