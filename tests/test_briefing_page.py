"""The dashboard's Briefing and Public-summary pages under Streamlit's AppTest."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from dashboard_harness import (
    AS_OF,
    PERIOD,
    REF,
    app,
    open_page,
)
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from queries.model.db import make_engine
from queries.model.periods import Period
from queries.model.settings import load_settings
from queries.store.frames import load_frames
from reports.public.bundle import bundle_files, bundle_zip
from reports.public.summary import public_summary

# every test starts with empty caches, as a newly started dashboard would
pytestmark = pytest.mark.usefixtures("fresh_caches", "media_files")

# the media files the page stored this test: file id -> bytes (a document in an iframe
# is a media file of the server: dashboard/guard.py publish_document)
STORED: dict[str, bytes] = {}


@pytest.fixture
def media_files(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bytes]]:
    """Record what Streamlit's media storage is given (it stores it as ever)."""
    original = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self: MemoryMediaFileStorage, data: Any, *args: Any, **kw: Any) -> str:
        file_id = original(self, data, *args, **kw)
        if isinstance(data, bytes):
            STORED[file_id] = data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
    yield STORED
    STORED.clear()


def _document(src: str) -> str:
    """The document an iframe's address names (a media file of the server)."""
    file_id = src.split("?")[0].rsplit("/", 1)[-1].split(".")[0]
    return STORED[file_id].decode("utf-8")


def _open(page: str, lang: str) -> AppTest:
    at = app(180, lang=lang, period=PERIOD, asof=REF.isoformat())
    at.run()
    return open_page(at, page)


def _iframes(at: AppTest) -> list[str]:
    """The HTML given to st.iframe on the page just run."""
    out = []
    for el in at.get("iframe"):
        proto = el.proto
        out.append(proto.srcdoc or _document(proto.src))
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
    with zipfile.ZipFile(io.BytesIO(bundle_zip(expected))) as z:
        assert sorted(z.namelist()) == sorted(expected)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_public_preview_of_a_period_before_the_records_says_why(seeded: str, lang: str) -> None:
    """The tiny city's records begin on 2025-07-01: for 2025-Q2 the page says there is
    nothing to publish (what `openness publish` refuses), with no bundle and no button."""
    at = app(180, lang=lang, period="2025-Q2", asof=REF.isoformat())
    at.run()
    open_page(at, "public_preview")
    (info,) = at.info
    assert "2025-07-01" in info.value
    assert ("早于数据库中最早的记录" if lang == "zh" else "ends before the first record") in (
        info.value
    )
    assert _iframes(at) == []
    assert at.get("download_button") == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_public_preview_of_a_period_after_the_records_says_why(seeded: str, lang: str) -> None:
    """The tiny city's records end in June 2026: at an as-of of 2026-08-31, July 2026
    holds none yet, so the page says there is nothing to publish (what `openness
    publish` refuses), naming the latest record's day, with no bundle and no button."""
    at = app(180, lang=lang, period="2026-07", asof="2026-08-31")
    at.run()
    open_page(at, "public_preview")
    (info,) = at.info
    assert "2026-06-" in info.value
    assert ("晚于数据库中最新的记录" if lang == "zh" else "begins after the latest record") in (
        info.value
    )
    assert _iframes(at) == []
    assert at.get("download_button") == []
