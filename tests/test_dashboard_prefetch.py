"""The Overview's background computation of what the Unit page needs: the trend
series and the control months (dashboard/data.py)."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from dashboard import data
from queries.model.periods import Period
from queries.model.settings import DEFAULT_SETTINGS
from seed_data.generator import seed_database


def _source(engine: sa.Engine, url: str) -> data.Source:
    seed_database(engine, "tiny", 3, date(2026, 6, 30), progress=False)
    version = data.data_version(url)
    return data.Source(url, version, DEFAULT_SETTINGS, None, DEFAULT_SETTINGS.fingerprint())


def test_prefetched_series_equals_a_direct_computation(engine: sa.Engine, db_url: str) -> None:
    src = _source(engine, db_url)
    period, at = Period.parse("2026-Q2"), datetime(2026, 6, 20, 12, 0)
    months = src.trend_months(period, at)
    src.prefetch_unit_page(period, at)
    shown = src.series_long(at, ["HQ"], months)
    direct = data._compute_series_long(
        src.frames(), at.isoformat(), tuple(str(m) for m in months), DEFAULT_SETTINGS
    ).filter(pl.col("unit_id") == "HQ")
    assert shown.height > 0
    assert_frame_equal(shown, direct)


def test_prefetched_control_months_equal_a_direct_computation(
    engine: sa.Engine, db_url: str
) -> None:
    src = _source(engine, db_url)
    period, at = Period.parse("2026-Q2"), datetime(2026, 6, 20, 12, 0)
    src.prefetch_unit_page(period, at)
    months, shown = src.control_monthly(period, at)
    key = ("control", src.url, src.version, src.fp, at.isoformat(), tuple(months))
    assert key in data._PREFETCHED  # it was asked for in the background
    direct = data._compute_control_monthly(
        src.frames(), tuple(months), at.isoformat(), DEFAULT_SETTINGS
    )
    assert len(months) == 24 and shown.height > 0
    assert_frame_equal(shown, direct)


def test_a_superseded_prefetch_is_skipped(engine: sa.Engine, db_url: str) -> None:
    src = _source(engine, db_url)
    at = datetime(2026, 6, 20, 12, 0)
    key_old = ("old",)
    with data._PREFETCH_LOCK:
        data._latest_prefetch[:] = [("newer",)]
    computed: list[str] = []

    def compute() -> pl.DataFrame:
        computed.append("computed")
        return data._compute_series_long(src.frames(), at.isoformat(), (), DEFAULT_SETTINGS)

    assert data._prefetch(key_old, compute) is None
    assert computed == []
