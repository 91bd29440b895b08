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


def wide_frames(at: AppTest) -> list[object]:
    """The tables as a wide screen shows them: without the compact copies a phone shows
    (``widgets.narrow_table``: a few columns of the frame, where the wide table hides at
    most its unit id) and their row details (two columns, "Column" and "Value")."""
    from dashboard.i18n import t

    details = {(t("table.details.field", g), t("table.details.value", g)) for g in ("zh", "en")}
    out = []
    for d in at.dataframe:
        columns = list(d.value.columns)
        order = list(d.proto.column_order)
        if (order and len(order) < len(columns) - 1) or tuple(columns) in details:
            continue
        out.append(d)
    return out
