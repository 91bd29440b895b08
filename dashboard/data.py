"""Cached access to the engine's results, at the UI edge.

Every loader is keyed by small values only: the database URL, a data version
stamp (changes when records change), the settings fingerprint, the period
text and the as-of. Frames and settings objects are passed as underscore
parameters (never hashed); results are held with ``st.cache_resource``
(polars frames are immutable, so no copy is needed) with ``ttl`` and
``max_entries`` so memory stays bounded.
"""

from __future__ import annotations

import gc
import os
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent import futures
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
import streamlit as st

from queries.access.goals import list_goals
from queries.access.notes import list_notes
from queries.engine.breakdowns import monthly_long
from queries.engine.classify import classify
from queries.engine.control import control_months, monthly_counts
from queries.engine.drilldown import records_behind
from queries.engine.funnel import funnel_signals
from queries.engine.indicators import compute_buckets, compute_table
from queries.importing import history as imports_view
from queries.model.db import is_initialised, make_engine, resolve_url
from queries.model.periods import Period
from queries.model.settings import Settings, load_settings
from queries.model.tree import Tree
from queries.store.frames import default_cache_dir, load_frames

TTL = 3600

# The libraries are imported by now (Streamlit, polars, plotly, pandas...): their
# objects live as long as the server, and Python's full garbage collections, which
# hold the interpreter lock throughout, need not walk them again and again (the
# health endpoint stood still for as long; docs/DECISIONS.md, "Many sessions at once").
gc.freeze()

# How many sessions' scripts compute at once; the others wait for a slot, off the
# interpreter lock. More runs at once than cores only fight for the lock and the CPU,
# and the server's event loop (the health endpoint, every WebSocket) gets the lock
# less often the more threads want it (docs/DECISIONS.md, "Many sessions at once").
RUN_SLOTS = max(2, os.cpu_count() or 2)
_run_slots = threading.BoundedSemaphore(RUN_SLOTS)


@contextmanager
def run_slot() -> Iterator[None]:
    """Hold one of :data:`RUN_SLOTS` while a session's script computes and draws."""
    with _run_slots:
        yield


def database_url() -> str:
    return resolve_url(os.environ.get("OPENNESS_DB") or None)


def config_path() -> str | None:
    return os.environ.get("OPENNESS_CONFIG") or None


@st.cache_resource(max_entries=4, show_spinner=False)
def get_engine(url: str) -> sa.Engine:
    return make_engine(url)


@st.cache_data(ttl=5, max_entries=8, show_spinner=False)
def data_version(url: str) -> tuple[int, ...]:
    return imports_view.data_version(get_engine(url))


@st.cache_data(ttl=30, max_entries=8, show_spinner=False)
def schema_ready(url: str) -> bool:
    return is_initialised(get_engine(url))


@st.cache_resource(max_entries=4, show_spinner=False)
def _settings(path: str | None, mtime: float) -> Settings:
    return load_settings(path)


def get_settings(path: str | None) -> Settings:
    mtime = Path(path).stat().st_mtime if path and Path(path).exists() else 0.0
    return _settings(path, mtime)


@st.cache_resource(ttl=TTL, max_entries=2, show_spinner=False)
def _frames(url: str, version: tuple[int, ...]) -> Any:
    # the engine's Parquet copy makes a restarted dashboard's first load quick
    return load_frames(get_engine(url), cache_dir=default_cache_dir())


@st.cache_resource(ttl=TTL, max_entries=2, show_spinner=False)
def _tree(url: str, version: tuple[int, ...]) -> Tree:
    return Tree.from_units(_frames(url, version).units)


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def _span(url: str, version: tuple[int, ...]) -> tuple[date, date] | None:
    return imports_view.data_span(get_engine(url))


@st.cache_resource(ttl=TTL, max_entries=64, show_spinner=False)
def _result(
    url: str, version: tuple[int, ...], fp: str, period: str, as_of: str, _settings: Settings
) -> Any:
    return compute_table(
        _frames(url, version), Period.parse(period), datetime.fromisoformat(as_of), _settings
    )


@st.cache_resource(ttl=TTL, max_entries=32, show_spinner=False)
def _classified(
    url: str, version: tuple[int, ...], fp: str, period: str, as_of: str, _settings: Settings
) -> Any:
    return classify(
        _frames(url, version), [Period.parse(period)], datetime.fromisoformat(as_of), _settings
    )


def _compute_series_long(
    frames: Any, as_of: str, months: tuple[str, ...], settings: Settings
) -> pl.DataFrame:
    """Every unit's indicators and scores per month, long: unit_id, month, code, value."""
    wide = compute_buckets(
        frames, [Period.parse(m) for m in months], datetime.fromisoformat(as_of), settings
    ).wide
    return monthly_long(wide, months)


# What the Unit page needs computed ahead, in one background thread, while a reader
# looks at the ranking: the peers' twelve trend months and every unit's 24 control
# months (at the province scale each takes seconds), so that the first unit opened
# finds them ready. Pure polars work: no Streamlit call runs in the thread. The
# last few are kept (so showing the Overview again starts nothing); older ones are
# dropped.


class _Background:
    """One daemon thread running what is submitted, in order, each as a Future.

    Not a ThreadPoolExecutor: its worker is joined when the interpreter exits, so a
    SIGTERM waited for the computation in progress (seconds at the province scale)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self._queue.put((future, lambda: fn(*args)))
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
                self._thread.start()
        return future

    def _work(self) -> None:
        while True:
            future, call = self._queue.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call())
            except BaseException as exc:  # handed to whoever waits on the future
                future.set_exception(exc)


_PREFETCH_POOL = _Background("unit-prefetch")
_PREFETCHED: dict[tuple[object, ...], Future[pl.DataFrame | None]] = {}
_PREFETCH_LOCK = threading.Lock()
_PREFETCH_KEEP = 8
# only the newest view's requests are worth computing: a queued one that was
# superseded by another view (the reader moved on) is skipped
_latest_prefetch: list[tuple[object, ...]] = []


def _prefetch(key: tuple[object, ...], compute: Callable[[], pl.DataFrame]) -> pl.DataFrame | None:
    with _PREFETCH_LOCK:
        if key not in _latest_prefetch:
            return None
    return compute()


def _finished(future: Future[pl.DataFrame | None]) -> pl.DataFrame | None:
    """A finished prefetch's frame; None if it was skipped, cancelled or failed."""
    if future.cancelled() or future.exception() is not None:
        return None
    return future.result()


def _computed_ahead(key: tuple[object, ...]) -> pl.DataFrame | None:
    """The background's frame for ``key`` if it computed it or is computing it (then
    waiting is never slower); None when it is to be computed here (never asked for,
    skipped, failed, or still queued: computing it here is quicker than waiting)."""
    with _PREFETCH_LOCK:
        ahead = _PREFETCHED.get(key)
        if ahead is not None and ahead.cancel():
            ahead = None
    if ahead is None:
        return None
    futures.wait([ahead])
    return _finished(ahead)


@st.cache_resource(ttl=TTL, max_entries=16, show_spinner=False)
def _series_long(
    url: str,
    version: tuple[int, ...],
    fp: str,
    as_of: str,
    months: tuple[str, ...],
    _settings: Settings,
) -> pl.DataFrame:
    done = _computed_ahead(("series", url, version, fp, as_of, months))
    if done is not None:
        return done
    return _compute_series_long(_frames(url, version), as_of, months, _settings)


@st.cache_resource(ttl=TTL, max_entries=64, show_spinner=False)
def _records(
    url: str,
    version: tuple[int, ...],
    fp: str,
    code: str,
    unit_id: str,
    period: str,
    as_of: str,
    _settings: Settings,
) -> pl.DataFrame:
    return records_behind(
        _frames(url, version),
        code,
        unit_id,
        Period.parse(period),
        datetime.fromisoformat(as_of),
        _settings,
    )


@st.cache_resource(ttl=TTL, max_entries=16, show_spinner=False)
def _funnel(
    url: str, version: tuple[int, ...], fp: str, period: str, as_of: str, _settings: Settings
) -> pl.DataFrame:
    return funnel_signals(
        _frames(url, version), Period.parse(period), datetime.fromisoformat(as_of), _settings
    )


@st.cache_resource(ttl=TTL, max_entries=8, show_spinner=False)
def _control_monthly(
    url: str, version: tuple[int, ...], fp: str, months: tuple[str, ...], as_of: str, _s: Settings
) -> pl.DataFrame:
    done = _computed_ahead(("control", url, version, fp, as_of, months))
    if done is not None:
        return done
    return _compute_control_monthly(_frames(url, version), months, as_of, _s)


def _compute_control_monthly(
    frames: Any, months: tuple[str, ...], as_of: str, settings: Settings
) -> pl.DataFrame:
    """Every unit's (unit_id, month, code, value, n) over the control chart's months."""
    parsed = [Period.parse(m) for m in months]
    return monthly_counts(frames, parsed, datetime.fromisoformat(as_of), settings)


@st.cache_data(ttl=30, max_entries=16, show_spinner=False)
def _freshness(url: str, version: tuple[int, ...], as_of: str) -> pl.DataFrame:
    return imports_view.freshness(get_engine(url), datetime.fromisoformat(as_of))


@st.cache_data(ttl=30, max_entries=4, show_spinner=False)
def _imports(url: str, version: tuple[int, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    eng = get_engine(url)
    return imports_view.import_history(eng), imports_view.rejected_rows(eng)


@st.cache_data(ttl=30, max_entries=4, show_spinner=False)
def _counts(url: str, version: tuple[int, ...]) -> dict[str, int]:
    return imports_view.record_counts(get_engine(url))


@dataclass(frozen=True)
class Source:
    """One database at one data version, with the settings in force."""

    url: str
    version: tuple[int, ...]
    settings: Settings
    config: str | None

    fp: str  # the settings' fingerprint, computed once

    @property
    def empty(self) -> bool:
        return sum(self.version[:4]) == 0

    @property
    def has_units(self) -> bool:
        return self.version[0] > 0

    def frames(self) -> Any:
        return _frames(self.url, self.version)

    def units(self) -> pl.DataFrame:
        return self.frames().units

    def tree(self) -> Tree:
        return _tree(self.url, self.version)

    def span(self) -> tuple[date, date] | None:
        return _span(self.url, self.version)

    def result(self, period: Period, as_of: datetime) -> Any:
        """The engine's IndicatorResult (``.table`` is the indicator table)."""
        return _result(
            self.url, self.version, self.fp, str(period), as_of.isoformat(), self.settings
        )

    def table(self, period: Period, as_of: datetime) -> pl.DataFrame:
        """The indicator table with its ``X_goal`` columns (the goals as they are now:
        a small table, read at each run, so a goal just set shows at once)."""
        return self.result(period, as_of).for_unit(None, self.goals())

    def previous_table(self, period: Period, as_of: datetime) -> pl.DataFrame:
        """The indicator table of the period before ``period``, the figures compared
        with; no rows when that period ends before the first record (the database does
        not reach back so far: not a period where every unit did nothing; the briefing
        says the same, docs/DECISIONS.md "Reports")."""
        previous = period.previous()
        span = self.span()
        table = self.table(previous, as_of)
        if span is None or previous.end < span[0]:
            return table.clear()
        return table

    def goals(self) -> pl.DataFrame:
        """Every goal (queries.access.goals.list_goals)."""
        return list_goals(get_engine(self.url))

    def notes(self) -> pl.DataFrame:
        """Every note (queries.access.notes.list_notes): everyone who sees a unit's
        aggregates (every role) sees its notes."""
        return list_notes(get_engine(self.url))

    def classified(self, period: Period, as_of: datetime) -> Any:
        """Every record of ``period`` with its status per indicator (queries.engine.classify)."""
        return _classified(
            self.url, self.version, self.fp, str(period), as_of.isoformat(), self.settings
        )

    def backlog(self, as_of: datetime) -> Any:
        """A classification of every case received by as-of (for the open-case backlog)."""
        span = self.span()
        first = span[0] if span else as_of.date()
        first = min(first, as_of.date())
        return self.classified(Period(first, as_of.date(), "range"), as_of)

    def trend_months(self, period: Period, as_of: datetime, count: int = 12) -> list[Period]:
        """The ``count`` months ending with the month of the period's end (or as-of)."""
        last = Period.containing_month(min(period.end, as_of.date()))
        months = [last]
        for _ in range(count - 1):
            months.append(months[-1].previous())
        return months[::-1]

    def prefetch_unit_page(self, period: Period, as_of: datetime) -> None:
        """Start computing, in the background, what the Unit page of ``period`` needs:
        the trend months, then the control months (idempotent; a newer view's request
        replaces a queued one)."""
        trend = tuple(str(m) for m in self.trend_months(period, as_of))
        control = tuple(str(m) for m in control_months(period, as_of))
        at, frames, settings = as_of.isoformat(), self.frames(), self.settings
        base = (self.url, self.version, self.fp, at)
        wanted: list[tuple[tuple[object, ...], Callable[[], pl.DataFrame]]] = [
            (("series", *base, trend), lambda: _compute_series_long(frames, at, trend, settings)),
            (
                ("control", *base, control),
                lambda: _compute_control_monthly(frames, control, at, settings),
            ),
        ]
        with _PREFETCH_LOCK:
            _latest_prefetch[:] = [key for key, _ in wanted]
            for key, compute in wanted:
                ahead = _PREFETCHED.get(key)
                if ahead is not None and (not ahead.done() or _finished(ahead) is not None):
                    continue
                _PREFETCHED.pop(key, None)
                while len(_PREFETCHED) >= _PREFETCH_KEEP:
                    _PREFETCHED.pop(next(iter(_PREFETCHED))).cancel()
                _PREFETCHED[key] = _PREFETCH_POOL.submit(_prefetch, key, compute)

    def series_long(
        self, as_of: datetime, unit_ids: list[str], months: list[Period]
    ) -> pl.DataFrame:
        frame = _series_long(
            self.url,
            self.version,
            self.fp,
            as_of.isoformat(),
            tuple(str(m) for m in months),
            self.settings,
        )
        return frame.filter(pl.col("unit_id").is_in(unit_ids))

    def records(self, code: str, unit_id: str, period: Period, as_of: datetime) -> pl.DataFrame:
        return _records(
            self.url,
            self.version,
            self.fp,
            code,
            unit_id,
            str(period),
            as_of.isoformat(),
            self.settings,
        )

    def funnel(self, period: Period, as_of: datetime) -> pl.DataFrame:
        """The funnel table of every unit (queries.engine.funnel)."""
        return _funnel(
            self.url, self.version, self.fp, str(period), as_of.isoformat(), self.settings
        )

    def control_monthly(self, period: Period, as_of: datetime) -> tuple[list[str], pl.DataFrame]:
        """The control chart's 24 months and every unit's (unit_id, month, code, value, n)."""
        months = tuple(str(m) for m in control_months(period, as_of))
        frame = _control_monthly(
            self.url, self.version, self.fp, months, as_of.isoformat(), self.settings
        )
        return list(months), frame

    def freshness(self, as_of: datetime) -> pl.DataFrame:
        return _freshness(self.url, self.version, as_of.isoformat())

    def imports(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        return _imports(self.url, self.version)

    def counts(self) -> dict[str, int]:
        return _counts(self.url, self.version)


def open_source() -> Source:
    """The database named by the environment, at its current data version.

    Raises ``sa.exc.SQLAlchemyError`` when the database cannot be read and
    ``queries.model.settings.SettingsError`` for a bad settings file.
    """
    url = database_url()
    cfg = config_path()
    settings = get_settings(cfg)
    return Source(url, data_version(url), settings, cfg, settings.fingerprint())
