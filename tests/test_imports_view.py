"""The Data page's queries: version stamp, counts, span, import log, rejects, freshness."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from queries.importing import history as imports_view
from queries.model.schema import RECORD_TABLES, import_log, import_reject


def fill(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            RECORD_TABLES["units"].insert(),
            [
                {"unit_id": "HQ", "name": "市局", "level": "bureau", "kind": "management"},
                {
                    "unit_id": "S1",
                    "name": "一所",
                    "parent_id": "HQ",
                    "level": "station",
                    "kind": "window",
                },
            ],
        )
        conn.execute(
            RECORD_TABLES["feedback"].insert(),
            [
                {
                    "case_id": "F1",
                    "unit_id": "S1",
                    "kind": "complaint",
                    "channel": "hotline",
                    "received_at": datetime(2026, 3, 2, 9, 0),
                },
                {
                    "case_id": "F2",
                    "unit_id": "S1",
                    "kind": "complaint",
                    "channel": "hotline",
                    "received_at": datetime(2026, 4, 20, 18, 30),
                },
                # after the as-of used below: not counted as the latest
                {
                    "case_id": "F3",
                    "unit_id": "S1",
                    "kind": "enquiry",
                    "channel": "online",
                    "received_at": datetime(2026, 5, 2, 8, 0),
                },
            ],
        )
        conn.execute(
            RECORD_TABLES["disclosures"].insert(),
            [
                {
                    "disclosure_id": "D1",
                    "unit_id": "HQ",
                    "category": "statistics",
                    "channel": "website",
                    "published_on": date(2026, 1, 15),
                }
            ],
        )
        conn.execute(
            import_log.insert(),
            [
                {
                    "import_id": 1,
                    "file": "units.csv",
                    "kind": "units",
                    "started_at": datetime(2026, 4, 1, 8, 0),
                    "finished_at": datetime(2026, 4, 1, 8, 1),
                    "rows_read": 2,
                    "rows_accepted": 2,
                    "rows_rejected": 0,
                    "checksum": "a",
                    "status": "committed",
                },
                {
                    "import_id": 2,
                    "file": "feedback.csv",
                    "kind": "feedback",
                    "started_at": datetime(2026, 4, 2, 8, 0),
                    "finished_at": datetime(2026, 4, 2, 8, 1),
                    "rows_read": 4,
                    "rows_accepted": 3,
                    "rows_rejected": 1,
                    "checksum": "b",
                    "status": "committed",
                    "rejects_file": "rejects.csv",
                },
            ],
        )
        conn.execute(
            import_reject.insert(),
            [
                {
                    "import_id": 2,
                    "row_number": 5,
                    "column_name": "closed_at",
                    "reason": "closed_at before received_at",
                }
            ],
        )


def test_counts_version_and_span(engine: sa.Engine) -> None:
    assert imports_view.data_version(engine) == (0, 0, 0, 0, 0)
    assert imports_view.data_span(engine) is None
    fill(engine)
    # units, disclosures, feedback, supervision, last import id
    assert imports_view.data_version(engine) == (2, 1, 3, 0, 2)
    assert imports_view.record_counts(engine) == {
        "units": 2,
        "disclosures": 1,
        "feedback": 3,
        "supervision": 0,
    }
    assert imports_view.data_span(engine) == (date(2026, 1, 15), date(2026, 5, 2))


def test_import_log_and_rejects(engine: sa.Engine) -> None:
    fill(engine)
    log = imports_view.import_history(engine)
    assert log["import_id"].to_list() == [2, 1]  # the latest first
    assert log.row(0, named=True)["rows_rejected"] == 1
    rejects = imports_view.rejected_rows(engine)
    assert rejects.rows() == [(2, "feedback.csv", 5, "closed_at", "closed_at before received_at")]


def test_freshness_at_the_as_of(engine: sa.Engine) -> None:
    fill(engine)
    fresh = imports_view.freshness(engine, datetime(2026, 4, 30, 12, 0))
    rows = {r["unit_id"]: r for r in fresh.iter_rows(named=True)}
    # S1's latest feedback by the as-of is F2 (04-20): 10 days old; F3 is after the as-of
    assert rows["S1"]["feedback_last"] == date(2026, 4, 20)
    assert rows["S1"]["feedback_age_days"] == 10
    assert rows["S1"]["disclosures_last"] is None
    # HQ's disclosure of 01-15 is 105 days old on 04-30 (16 + 28 + 31 + 30)
    assert rows["HQ"]["disclosures_last"] == date(2026, 1, 15)
    assert rows["HQ"]["disclosures_age_days"] == 105
    assert fresh["unit_id"].to_list() == ["HQ", "S1"]
