"""The dashboard under Streamlit's AppTest, on SQLite and PostgreSQL.

A small deterministic dataset (the generator's ``tiny`` scale, seed 7, last
day 2026-06-30) is seeded into the ``db_url`` database; the app reads it via
``OPENNESS_DB``. Every page runs in both languages with no exception and no
error message, filters round-trip through the URL, and the numbers shown are
the engine's (compared against ``indicator_table``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from dashboard_harness import (
    AS_OF,
    PERIOD,
    REF,
    app,
    clean,
    open_page,
    wide_frames,
)
from streamlit.testing.v1 import AppTest

from dashboard.i18n import md, t
from queries.engine.drilldown import records_behind
from queries.engine.indicators import indicator_table
from queries.importing.run import import_files
from queries.model.db import make_engine
from queries.model.periods import Period
from queries.model.settings import load_settings
from queries.store.frames import load_frames

PAGES = (
    "overview",
    "unit",
    "openness",
    "responsiveness",
    "satisfaction",
    "supervision",
    "methodology",
    "data",
)

# every test starts with empty caches, as a newly started dashboard would
pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def engine_table(seeded: str) -> pl.DataFrame:
    engine = make_engine(seeded)
    try:
        return indicator_table(
            load_frames(engine), Period.parse(PERIOD), AS_OF, load_settings(None)
        )
    finally:
        engine.dispose()


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, (label, [m.label for m in at.metric])
    return found[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_runs_in_both_languages(seeded: str, lang: str) -> None:
    at = app(lang=lang, period=PERIOD, asof=REF.isoformat())
    at.run()
    clean(at)
    for page in PAGES:
        open_page(at, page)
        assert at.title, page
    # the page titles and the sidebar are in the language asked for
    assert at.query_params["lang"] == lang
    title = at.title[0].value
    assert title == ("数据" if lang == "zh" else "Data")


def test_overview_shows_the_engine_numbers(seeded: str, engine_table: pl.DataFrame) -> None:
    at = app(lang="zh", period=PERIOD, asof=REF.isoformat())
    at.run()
    clean(at)
    root = engine_table.filter(pl.col("parent_id").is_null()).row(0, named=True)
    # headline: the scope (the root) with one decimal
    # the overall score is 总分 everywhere (this page said 综合得分 before the vocabulary)
    assert metric(at, "总分") == f"{root['overall']:.1f}"
    assert metric(at, "响应得分") == f"{root['responsiveness']:.1f}"
    # ranking: every branch of the root, ranked first, each score rounded to 0.1
    ranking = at.dataframe[0].value
    branches = engine_table.filter(pl.col("level") == "branch").sort(
        ["rank", "unit_id"], nulls_last=True
    )
    assert ranking["单位编号"].tolist() == branches["unit_id"].to_list()
    expected = [round(v, 1) if v is not None else None for v in branches["overall"].to_list()]
    shown = [None if v != v else v for v in ranking["总分"].tolist()]  # NaN -> None
    assert shown == expected


def test_unit_page_shows_indicators_and_the_records_behind(
    seeded: str, engine_table: pl.DataFrame
) -> None:
    unit = engine_table.filter(pl.col("level") == "branch")["unit_id"][0]
    at = app(lang="en", period=PERIOD, asof=REF.isoformat(), unit=unit, ind="R_ONTIME")
    at.run()
    open_page(at, "unit")
    row = engine_table.filter(pl.col("unit_id") == unit).row(0, named=True)
    indicators = at.dataframe[0].value
    on_time = indicators[indicators["Code"] == "R_ONTIME"].iloc[0]
    assert on_time["Value"] == f"{row['R_ONTIME'] * 100:.1f}%"
    assert on_time["n"] == row["R_ONTIME_n"]
    # the records behind "closed on time": as many rows as the drill-down gives
    engine = make_engine(seeded)
    try:
        behind = records_behind(
            load_frames(engine), "R_ONTIME", unit, PERIOD, AS_OF, load_settings(None)
        )
    finally:
        engine.dispose()
    records = wide_frames(at)[1].value  # type: ignore[attr-defined]
    assert len(records) == behind.height
    # late cases first: the rows that pull the rate down
    late = int((behind["status"] == "late").sum())
    assert list(records["Status"][:late]) == ["Late"] * late
    assert at.query_params["unit"] == unit


def test_filters_change_and_stay_in_the_url(seeded: str) -> None:
    at = app(lang="zh", period=PERIOD, asof=REF.isoformat())
    at.run()
    clean(at)
    at.selectbox(key="f_ptype").set_value("month").run()
    clean(at)
    # switching type keeps the time: the month holding the quarter's end
    assert at.query_params["period"] == "2026-06"
    at.selectbox(key="f_month").set_value("2026-05").run()
    clean(at)
    assert at.query_params["period"] == "2026-05"
    root = at.selectbox(key="f_scope").value
    at.selectbox(key="f_scope").select_index(1).run()  # the first unit below the root
    clean(at)
    scope = at.selectbox(key="f_scope").value
    assert scope != root
    assert at.query_params["scope"] == scope
    # below a branch, stations are the peers
    assert at.query_params["level"] == "station"
    at.segmented_control(key="f_lang").set_value("en").run()
    clean(at)
    assert at.query_params["lang"] == "en"
    assert at.title[0].value.startswith("Overview: ")
    for page in ("openness", "responsiveness", "satisfaction", "supervision", "unit"):
        open_page(at, page)
        assert at.query_params["period"] == "2026-05"


def test_a_shared_link_reopens_the_same_view(seeded: str, engine_table: pl.DataFrame) -> None:
    branch = engine_table.filter(pl.col("level") == "branch")["unit_id"][1]
    at = app(
        lang="en", period="2026-04-01..2026-05-15", asof="2026-06-01", scope=branch, level="station"
    )
    at.run()
    clean(at)
    assert at.session_state["f_ptype"] == "custom"
    assert at.session_state["f_days"] == (date(2026, 4, 1), date(2026, 5, 15))
    assert at.session_state["f_asof"] == date(2026, 6, 1)
    assert at.session_state["f_scope"] == branch
    assert at.session_state["f_level"] == "station"
    assert dict(at.query_params) | {} == {
        "lang": "en",
        "period": "2026-04-01..2026-05-15",
        "asof": "2026-06-01",
        "scope": branch,
        "level": "station",
        "ind": "R_ONTIME",
    }


def test_a_period_with_no_records_says_so(seeded: str) -> None:
    at = app(lang="en", period="2020-01", asof=REF.isoformat())
    at.run()
    clean(at)
    assert any("No records in the selected period" in i.value for i in at.info)
    for page in PAGES:
        open_page(at, page)


def test_a_bad_link_falls_back_with_a_message(seeded: str) -> None:
    at = app(lang="en", period="2026-13", scope="NOPE")
    at.run()
    clean(at)
    toasts = [x.value for x in at.toast]
    assert any("Cannot read the period" in x for x in toasts)
    assert any("No unit NOPE" in x for x in toasts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_database_explains_itself(
    db_url: str, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("OPENNESS_DB", db_url)
    at = app(lang=lang)
    at.run()
    clean(at)
    assert any(("没有任何记录" in i.value) or ("no records yet" in i.value) for i in at.info)
    for page in ("methodology", "data"):
        open_page(at, page)


def test_a_database_without_schema_says_how_to_make_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'blank.db'}"
    sa.create_engine(url).connect().close()
    monkeypatch.setenv("OPENNESS_DB", url)
    at = app(lang="en")
    at.run()
    assert not at.exception
    assert any("openness init" in w.value for w in at.warning)


def test_feedback_only_like_detroit(
    db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The Detroit complaints: units and feedback, no disclosures, no supervision, no
    return visits. Every page still runs and says what is missing."""
    from conftest import REAL_RECORDS

    monkeypatch.setenv("OPENNESS_DATA", str(tmp_path))
    engine = make_engine(db_url)
    import_files(
        engine, [REAL_RECORDS / "units.csv", REAL_RECORDS / "feedback.csv"], progress=False
    )
    engine.dispose()
    monkeypatch.setenv("OPENNESS_DB", db_url)
    monkeypatch.setenv("OPENNESS_CONFIG", str(REAL_RECORDS / "settings.toml"))
    engine = make_engine(db_url)
    frames = load_frames(engine)
    engine.dispose()
    quiet = frames.units.filter(
        ~pl.col("unit_id").is_in(frames.feedback["unit_id"].unique().to_list())
        & pl.col("parent_id").is_not_null()
    )
    assert quiet.height > 0  # some commands have no complaints of their own
    gap_words = {
        # what the export lacks, and the indicators that show 0 or nothing for it
        "en": (
            "the database holds no disclosure records",
            "“First response” filled in",
            "Response within 24 h",
            "Return visits",
        ),
        "zh": ("数据库中没有公开信息记录", "都没有填写“首次响应时间”", "响应率", "回访率"),
    }
    for lang in ("en", "zh"):
        at = app(lang=lang, period="2019", asof="2020-12-31")
        at.run()
        clean(at)
        # the Overview says the zeros are missing records, not missing work
        gaps = " ".join(w.value for w in at.warning)
        assert all(word in gaps for word in gap_words[lang]), gaps
        for page in PAGES:
            open_page(at, page)
        # a unit with no feedback at all: its page still shows, with empty rates
        at.query_params["unit"] = quiet["unit_id"][0]
        open_page(at, "unit")
        row = quiet.row(0, named=True)
        shown = (row["name_en"] or row["name"]) if lang == "en" else row["name"]
        assert at.title[0].value == md(shown)
        # no disclosures: the Openness page says so where its charts would be (depth,
        # time to publish, channels), instead of bars of zero
        open_page(at, "openness")
        empty = t("empty.disclosures", lang)
        assert sum(i.value == empty for i in at.info) >= 3, [i.value for i in at.info]
        # no return visits: satisfaction says why it has no numbers
        open_page(at, "satisfaction")
        assert any(("No return visits" in i.value) or ("没有回访记录" in i.value) for i in at.info)


def test_record_text_is_never_markup(seeded: str) -> None:
    """A unit name written like Markdown and HTML is shown as those characters."""
    name = "**粗体** <b>x</b> [link](http://example.org) $x$"
    engine = make_engine(seeded)
    with engine.begin() as conn:
        units = sa.table("units", sa.column("unit_id"), sa.column("name"), sa.column("parent_id"))
        conn.execute(units.update().where(units.c.parent_id.is_(None)).values(name=name))
    engine.dispose()
    at = app(lang="zh", period=PERIOD, asof=REF.isoformat())
    at.run()
    clean(at)
    assert at.title[0].value == "总览：" + md(name)
    assert "\\*\\*粗体\\*\\*" in at.title[0].value
    open_page(at, "unit")
    assert at.title[0].value == md(name)


def test_coverage_records_list_the_missing_categories_first(
    seeded: str, engine_table: pl.DataFrame
) -> None:
    station = engine_table.filter(pl.col("level") == "station")["unit_id"][0]
    at = app(lang="zh", period=PERIOD, asof=REF.isoformat(), unit=station, ind="O_COVERAGE")
    at.run()
    open_page(at, "unit")
    row = engine_table.filter(pl.col("unit_id") == station).row(0, named=True)
    records = wide_frames(at)[1].value  # type: ignore[attr-defined]
    # one row per mandatory category of the station's kind: n of O_COVERAGE
    assert len(records) == row["O_COVERAGE_n"]
    missing = round((1 - row["O_COVERAGE"]) * row["O_COVERAGE_n"])
    assert list(records["状态"][:missing]) == ["未覆盖"] * missing
    assert set(records["状态"][missing:]) <= {"已覆盖"}


def test_custom_days_and_year(seeded: str) -> None:
    at = app(lang="en", period=PERIOD, asof=REF.isoformat())
    at.run()
    at.selectbox(key="f_ptype").set_value("custom").run()
    clean(at)
    # the custom range starts as the quarter's days
    assert at.query_params["period"] == "2026-04-01..2026-06-30"
    at.date_input(key="f_days").set_value((date(2026, 5, 1), date(2026, 5, 10))).run()
    clean(at)
    assert at.query_params["period"] == "2026-05-01..2026-05-10"
    assert "2026-05-01 to 2026-05-10" in at.caption[0].value
    at.selectbox(key="f_ptype").set_value("year").run()
    clean(at)
    assert at.query_params["period"] == "2026"
    # from a month back to custom days: the month's days
    at.selectbox(key="f_ptype").set_value("month").run()
    at.selectbox(key="f_month").set_value("2026-03").run()
    at.selectbox(key="f_ptype").set_value("custom").run()
    clean(at)
    assert at.query_params["period"] == "2026-03-01..2026-03-31"


def test_data_page_lists_the_imports(seeded: str) -> None:
    at = app(lang="en", period=PERIOD, asof=REF.isoformat())
    at.run()
    open_page(at, "data")
    log = at.dataframe[0].value
    # the generator logs one import per record kind
    assert sorted(log["Record kind"]) == sorted(
        ["Units", "Disclosures", "Feedback", "Supervision items"]
    )
    assert metric(at, "Feedback") == "4,000"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_missing_value_shows_a_dash_not_none(seeded: str, lang: str) -> None:
    """Every table shows a null cell as "—" (Streamlit's own default is a grey "None"),
    in both languages; the table's values (and so its downloads) keep the null."""
    at = app(lang=lang, period=PERIOD, asof=REF.isoformat())
    at.run()
    open_page(at, "data")
    fresh = at.dataframe[-1]  # each unit's data freshness: some unit lacks a record kind
    assert int(fresh.value.isna().sum().sum()) > 0
    for page in PAGES:
        open_page(at, page)
        assert [d.proto.placeholder for d in at.dataframe] == ["—"] * len(at.dataframe), page


@pytest.mark.parametrize("level", ["station", "department"])
def test_every_page_for_a_unit_with_nothing_below(
    seeded: str, engine_table: pl.DataFrame, level: str
) -> None:
    """A station or department as the scope: it is its own only peer, and has no
    units below; every page still draws."""
    unit = engine_table.filter(pl.col("level") == level)["unit_id"][0]
    at = app(lang="zh", period="2025", asof=REF.isoformat(), scope=unit)
    at.run()
    clean(at)
    assert at.query_params["level"] == level
    for page in PAGES:
        open_page(at, page)
    at.query_params["unit"] = unit
    open_page(at, "unit")
    assert any("没有下属单位" in c.value for c in at.caption)


def test_the_first_quarter_of_the_records_is_compared_with_nothing(seeded: str) -> None:
    """The tiny city's records begin on 2025-07-01: 2025-Q3's previous quarter ends
    before them, so its headline scores have no change beside them (the table would give
    2025-Q2 a catalogue coverage of 0 and an openness score of 0.0 to compare with);
    2025-Q4 is compared with 2025-Q3."""
    first = app(lang="zh", period="2025-Q3", asof=REF.isoformat())
    first.run()
    clean(first)
    shown = {m.label: m for m in first.metric}
    assert shown["公开得分"].value not in ("", "—")
    assert all(m.delta in (None, "") for m in first.metric), [
        (m.label, m.delta) for m in first.metric
    ]
    assert any("上期（2025年第二季度）没有可比较的数据" in c.value for c in first.caption)
    later = app(lang="zh", period="2025-Q4", asof=REF.isoformat())
    later.run()
    clean(later)
    assert {m.label: m.delta for m in later.metric}["公开得分"] not in (None, "")
    assert not any("没有可比较的数据" in c.value for c in later.caption)


@pytest.mark.parametrize(
    ("asof", "unfinished"),
    [("2026-06-30", None), ("2026-06-10", "2026年6月截至2026年6月10日尚未结束")],
)
def test_a_month_not_over_at_the_as_of_is_said_under_its_charts(
    seeded: str, asof: str, unfinished: str | None
) -> None:
    """The default as-of is now: the charts' last month is then unfinished, and its
    values (cases still to be closed or visited) are not a whole month's."""
    at = app(lang="zh", period="2026-Q2", asof=asof, unit="B01")
    at.run()
    open_page(at, "unit")
    captions = [c.value for c in at.caption if "尚未结束" in c.value]
    if unfinished is None:
        assert captions == []
    else:
        # under the trend and above the control charts
        assert len(captions) == 2 and all(unfinished in c for c in captions), captions
    open_page(at, "satisfaction")
    assert len([c for c in at.caption if "尚未结束" in c.value]) == (0 if unfinished is None else 1)
