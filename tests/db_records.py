"""Records written straight into a test database (no importer), shared by the
database-side indicator tests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from queries.model.schema import RECORD_TABLES
from queries.store.changes import note_record_write

FEEDBACK = [
    {
        "case_id": "c1",
        "unit_id": "B1-S1",
        "kind": "complaint",
        "channel": "hotline",
        "received_at": datetime(2026, 4, 1, 8, 0),
        "first_response_at": datetime(2026, 4, 2, 8, 0),
        "closed_at": datetime(2026, 4, 5, 17, 30, 15, 250000),
        "reasoned_reply": True,
        "return_visit_at": datetime(2026, 4, 6, 9, 0),
        "resolved": True,
        "satisfaction": "basically_satisfied",
    },
    {
        "case_id": "c2",
        "unit_id": "B1-S2",
        "kind": "enquiry",
        "channel": "online",
        "received_at": datetime(2026, 4, 8, 23, 59, 59),
        "due_at": datetime(2026, 4, 9, 12, 0),
        "reasoned_reply": False,
        "repeat_of": "c1",
    },
]
DISCLOSURES = [
    {
        "disclosure_id": "d1",
        "unit_id": "B2",
        "category": "procedures",
        "channel": "website",
        "formed_on": date(2026, 2, 6),
        "published_on": date(2026, 4, 2),
        "withdrawn_on": date(2026, 5, 1),
    },
    {
        "disclosure_id": "d2",
        "unit_id": "B1-S1",
        "category": "obligations",
        "channel": "press",
        "published_on": date(2026, 1, 2),
    },
]
SUPERVISION = [
    {
        "item_id": "i1",
        "unit_id": "B",
        "source": "audit",
        "opened_on": date(2026, 4, 1),
        "rectify_due_on": date(2026, 4, 9),
        "rectified_on": date(2026, 4, 3),
        "result_published_on": date(2026, 4, 4),
    }
]


def insert_records(engine: sa.Engine, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Write ``rows`` (kind -> row dicts; missing columns null) straight into the tables,
    noted as a record write (as every writer but the importer does)."""
    with engine.begin() as conn:
        note_record_write(conn)
        for name in ("units", "disclosures", "feedback", "supervision"):
            if rows.get(name):
                table = RECORD_TABLES[name]
                cols = [c.name for c in table.columns if c.name != "import_id"]
                conn.execute(table.insert(), [{c: r.get(c) for c in cols} for r in rows[name]])


def record_days(engine: sa.Engine) -> tuple[str, str]:
    """The first and the latest anchor day (``YYYY-MM-DD``) of the records in the
    database, read with plain SQL (beside the product's own computation of them)."""
    anchors = (("feedback", "received_at"), ("disclosures", "published_on"))
    anchors += (("supervision", "opened_on"),)
    with engine.connect() as conn:
        days = [
            str(conn.exec_driver_sql(f"SELECT {fn}({col}) FROM {table}").scalar_one())[:10]
            for table, col in anchors
            for fn in ("MIN", "MAX")
        ]
    return min(days[0::2]), max(days[1::2])
