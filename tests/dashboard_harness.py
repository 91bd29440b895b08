"""Shared by the AppTest suites: the app, its URL parameters, opening a page cleanly.

The fixtures they use (``seeded``, ``fresh_caches``) are in conftest.py.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from conftest import DASHBOARD_REF
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
# the day the ``seeded`` fixture (conftest.py) seeds up to
REF = DASHBOARD_REF
PERIOD = "2026-Q2"
# the dashboard's as-of for a day is the end of that day
AS_OF = datetime(2026, 6, 30, 23, 59, 59)


def app(timeout: float = 120, **params: str) -> AppTest:
    """The dashboard with these URL parameters, not yet run."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = v
    return at


def clean(at: AppTest) -> AppTest:
    """No exception and no error message on the page just run."""
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    """Switch to ``page`` (a module of dashboard/views) and run it, cleanly."""
    if page != "overview":
        at.switch_page(f"views/{page}.py")
    at.run()
    return clean(at)
