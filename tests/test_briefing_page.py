"""The dashboard's Briefing and Public-summary pages under Streamlit's AppTest."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from queries.db import make_engine
from queries.frames import load_frames
from queries.periods import Period
from queries.settings import load_settings
from reports.public import bundle_files, public_summary
from seed_data.generator import seed_database

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
REF = date(2026, 6, 30)
PERIOD = "2026-Q2"
AS_OF = datetime(2026, 6, 30, 23, 59, 59)  # the dashboard's as-of: the end of the day


@pytest.fixture(autouse=True)
def fresh_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def seeded(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    engine = make_engine(db_url)
    seed_database(engine, "tiny", 7, REF, progress=False)
    engine.dispose()
    monkeypatch.setenv("OPENNESS_DB", db_url)
    monkeypatch.delenv("OPENNESS_CONFIG", raising=False)
    return db_url


def _open(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    for k, v in {"lang": lang, "period": PERIOD, "asof": REF.isoformat()}.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _iframes(at: AppTest) -> list[str]:
    """The HTML given to st.iframe on the page just run."""
    out = []
    for el in at.get("iframe"):
        proto = el.proto
        out.append(proto.srcdoc or proto.src)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing_page_generates_and_previews(seeded: str, lang: str) -> None:
    at = _open("briefing", lang)
    assert at.title[0].value == ("联络简报" if lang == "zh" else "Briefing")
    assert _iframes(at) == []  # nothing until asked
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    (html,) = _iframes(at)
    assert ("警务公开工作情况通报" if lang == "zh" else "Police Affairs Openness Briefing") in html
    # the as-of printed is the dashboard's: the end of the as-of day
    assert "2026-06-30 23:59" in html
    assert len(at.get("download_button")) == 1


def test_public_preview_shows_the_bundle(seeded: str) -> None:
    at = _open("public_preview", "zh")
    frames = load_frames(make_engine(seeded))
    expected = bundle_files(
        public_summary(frames, Period.parse(PERIOD), AS_OF, load_settings(None))
    )
    shown = _iframes(at)
    # exactly the files that would be published
    assert shown == [
        expected["index.html"].decode(),
        expected["embed.html"].decode(),
        expected["methodology.html"].decode(),
    ]
    (button,) = at.get("download_button")
    assert button.proto.label == "下载发布包（zip）"
    # the zip holds the same five files (checked on the bytes the page was built from)
    from reports.public import bundle_zip

    with zipfile.ZipFile(io.BytesIO(bundle_zip(expected))) as z:
        assert sorted(z.namelist()) == sorted(expected)
