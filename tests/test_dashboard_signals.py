"""The signals on the dashboard (AppTest): the Overview's funnel, the ranking's signal
column and "stands out" list, the Unit page's control charts, the Attention page; the
numbers are the engine's."""

from __future__ import annotations

import polars as pl
import pytest
from dashboard_harness import AS_OF, PERIOD, REF, app, clean, open_page

from queries.engine.control import charts_of, control_months, monthly_counts
from queries.engine.findings import attention, control_findings, funnel_findings
from queries.engine.funnel import funnel_signals
from queries.model.db import make_engine
from queries.model.settings import load_settings
from queries.store.frames import load_frames
from seed_data.generator import seed_database
from seed_data.scales import SCALES, Scale

# the tiny city over two years: a control chart needs a 12-month baseline before the
# 12 months it watches
TWO_YEARS = Scale("tiny-2y", 1, (3, 3), 4.0, 15, 2, 8_000, 2_400, 300)


@pytest.fixture
def seeded_2y(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(SCALES, TWO_YEARS.name, TWO_YEARS)
    engine = make_engine(db_url)
    seed_database(engine, TWO_YEARS.name, 7, REF, progress=False)
    engine.dispose()
    monkeypatch.setenv("OPENNESS_DB", db_url)
    monkeypatch.delenv("OPENNESS_CONFIG", raising=False)
    return db_url


def _frames(url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    try:
        return load_frames(engine)
    finally:
        engine.dispose()


def _plotly_titles(at) -> list[str]:  # type: ignore[no-untyped-def]
    import json

    out = []
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        out.append(spec["layout"]["title"]["text"])
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_funnel_and_ranking_signals(seeded: str, lang: str, fresh_caches: None) -> None:
    at = app(lang=lang, period=PERIOD, asof=REF.isoformat(), level="station")
    open_page(at, "overview")
    titles = _plotly_titles(at)
    want = "漏斗图：按期办结率" if lang == "zh" else "Funnel plot: Closed on time"
    assert want in titles, titles
    heading = "差异显著的单位" if lang == "zh" else "What stands out"
    assert any(heading in m.value for m in at.markdown)
    # the ranking carries a signal column, and its texts are the engine's funnel findings
    frames = _frames(seeded)
    funnel = funnel_signals(frames, PERIOD, AS_OF, load_settings(None))
    found = funnel_findings(funnel.filter(pl.col("level") == "station"))
    ranking = at.dataframe[0].value
    col = "差异信号" if lang == "zh" else "Signals"
    assert col in ranking.columns
    flagged = {u for u, s in zip(ranking.iloc[:, 0], ranking[col], strict=True) if s}
    assert flagged == set(found["unit_id"].to_list())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unit_control_charts_and_attention(seeded_2y: str, lang: str, fresh_caches: None) -> None:
    frames = _frames(seeded_2y)
    s = load_settings(None)
    months = control_months(PERIOD, AS_OF)
    monthly = monthly_counts(frames, months, AS_OF, s)
    ms = [str(m) for m in months]
    charts = charts_of(monthly, ms, s.min_sample)
    root = "HQ"
    with_centre = [c for (u, c), ch in charts.items() if u == root and ch.centre is not None]
    at = app(lang=lang, period=PERIOD, asof=REF.isoformat())
    at.query_params["unit"] = root
    open_page(at, "unit")
    centre = "基线" if lang == "zh" else "Centre"
    # drawn: the charts with a signal; the quiet ones behind a toggle
    found = control_findings({k: v for k, v in charts.items() if k[0] == root}, ms)
    signalled = set(found["code"].to_list()) & set(with_centre)
    assert sum(centre in x for x in _plotly_titles(at)) == len(signalled)
    quiet = len(with_centre) - len(signalled)
    if quiet:
        at.toggle(key="un_ctl_quiet").set_value(True).run()
        clean(at)
    assert sum(centre in x for x in _plotly_titles(at)) == len(with_centre) > 0
    # the Attention page lists exactly the engine's unfavourable alarms, shifts, trends
    at = app(lang=lang, period=PERIOD, asof=REF.isoformat())
    open_page(at, "attention")
    values = {
        (u, c): vs
        for u, c, vs in monthly.sort("unit_id", "code", "month")
        .group_by("unit_id", "code", maintain_order=True)
        .agg(pl.col("value"))
        .iter_rows()
    }
    expected = attention(
        funnel_findings(funnel_signals(frames, PERIOD, AS_OF, s)),
        control_findings(charts, ms, values),
        frames.units["unit_id"].to_list(),
    )
    if expected.is_empty():
        assert at.success
    else:
        shown = at.dataframe[0].value
        assert len(shown) == expected.height
