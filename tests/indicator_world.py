"""Small hand-made record sets for the indicator tests (helpers, no tests here)."""

from __future__ import annotations

from typing import Any

import polars as pl

from queries.engine.indicators import compute_table
from queries.model.settings import Settings, settings_from_mapping
from queries.store.schemas import Frames, make_frames

# B (bureau, management)
# ├── B1 (branch, comprehensive)
# │   ├── B1-S1 (station, window)
# │   └── B1-S2 (station, case_handling)
# └── B2 (branch, comprehensive)
UNITS: list[dict[str, Any]] = [
    {"unit_id": "B", "name": "市局", "level": "bureau", "kind": "management"},
    {
        "unit_id": "B1",
        "name": "一分局",
        "parent_id": "B",
        "level": "branch",
        "kind": "comprehensive",
    },
    {"unit_id": "B1-S1", "name": "一所", "parent_id": "B1", "level": "station", "kind": "window"},
    {
        "unit_id": "B1-S2",
        "name": "二所",
        "parent_id": "B1",
        "level": "station",
        "kind": "case_handling",
    },
    {
        "unit_id": "B2",
        "name": "二分局",
        "parent_id": "B",
        "level": "branch",
        "kind": "comprehensive",
    },
]

WINDOW = [
    "powers_duties",
    "procedures",
    "obligations",
    "rights_remedies",
    "convenience_measures",
    "complaint_channels",
    "units_contacts",
]

_counter = {"n": 0}


def _id(prefix: str) -> str:
    _counter["n"] += 1
    return f"{prefix}{_counter['n']:05d}"


def fb(unit: str, received: str, **kw: Any) -> dict[str, Any]:
    """A feedback row (complaint by hotline unless said otherwise)."""
    row = {
        "case_id": kw.pop("case_id", None) or _id("C"),
        "unit_id": unit,
        "kind": "complaint",
        "channel": "hotline",
        "received_at": received,
    }
    row.update(kw)
    return row


def dis(unit: str, category: str, published: str, **kw: Any) -> dict[str, Any]:
    row = {
        "disclosure_id": kw.pop("disclosure_id", None) or _id("D"),
        "unit_id": unit,
        "category": category,
        "channel": "website",
        "published_on": published,
    }
    row.update(kw)
    return row


def sup(unit: str, opened: str, **kw: Any) -> dict[str, Any]:
    row = {
        "item_id": kw.pop("item_id", None) or _id("I"),
        "unit_id": unit,
        "source": "inspectorate",
        "opened_on": opened,
    }
    row.update(kw)
    return row


def world(
    feedback: list[dict[str, Any]] | None = None,
    disclosures: list[dict[str, Any]] | None = None,
    supervision: list[dict[str, Any]] | None = None,
    units: list[dict[str, Any]] | None = None,
) -> Frames:
    return make_frames(
        units=units or UNITS,
        disclosures=disclosures or None,
        feedback=feedback or None,
        supervision=supervision or None,
    )


def settings(**changes: Any) -> Settings:
    return settings_from_mapping(changes)


def row(
    frames: Frames, unit: str, period: str, as_of: str, s: Settings | None = None
) -> dict[str, Any]:
    """The indicator table's row of ``unit`` as a dict."""
    table = compute_table(frames, period, as_of, s).table
    rows = table.filter(pl.col("unit_id") == unit).to_dicts()
    assert len(rows) == 1
    return rows[0]
