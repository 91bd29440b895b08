"""What the dashboard's Data page shows about the data itself.

The import log and its rejected rows, how many records are held, how fresh
each unit's data is at the as-of, and a cheap version stamp that changes
whenever the records change (the dashboard's caches are keyed by it).
SQLAlchemy Core only; no streamlit.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import sqlalchemy as sa

from queries.importing.log import live_status
from queries.model.schema import RECORD_TABLES, import_log, import_reject

# the column that anchors each kind of record in time (records.py)
ANCHORS: dict[str, str] = {
    "disclosures": "published_on",
    "feedback": "received_at",
    "supervision": "opened_on",
}


def data_version(engine: sa.Engine) -> tuple[int, ...]:
    """Row counts of the record tables and the last import id: changes when data changes."""
    with engine.connect() as conn:
        counts = [
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in RECORD_TABLES.values()
        ]
        last = conn.execute(sa.select(sa.func.max(import_log.c.import_id))).scalar_one()
    return (*counts, last or 0)


def record_counts(engine: sa.Engine) -> dict[str, int]:
    """Records held, by kind."""
    with engine.connect() as conn:
        return {
            name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for name, t in RECORD_TABLES.items()
        }


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])  # SQLite may hand back text


def data_span(engine: sa.Engine) -> tuple[date, date] | None:
    """The first and last anchor date over all records; None when there are none."""
    lows: list[date] = []
    highs: list[date] = []
    with engine.connect() as conn:
        for name, col in ANCHORS.items():
            c = RECORD_TABLES[name].c[col]
            lo, hi = conn.execute(sa.select(sa.func.min(c), sa.func.max(c))).one()
            if lo is not None and hi is not None:
                lows.append(_as_date(lo))  # type: ignore[arg-type]
                highs.append(_as_date(hi))  # type: ignore[arg-type]
    if not lows:
        return None
    return min(lows), max(highs)


IMPORT_LOG_SCHEMA: dict[str, pl.DataType] = {
    "import_id": pl.Int64(),
    "file": pl.String(),
    "kind": pl.String(),
    "started_at": pl.Datetime("us"),
    "finished_at": pl.Datetime("us"),
    "rows_read": pl.Int64(),
    "rows_accepted": pl.Int64(),
    "rows_rejected": pl.Int64(),
    "status": pl.String(),
    "rejects_file": pl.String(),
}


def import_history(engine: sa.Engine, limit: int = 500) -> pl.DataFrame:
    """The most recent imports first."""
    cols = [import_log.c[name] for name in IMPORT_LOG_SCHEMA]
    q = sa.select(*cols, import_log.c.owner).order_by(import_log.c.import_id.desc()).limit(limit)
    at = list(IMPORT_LOG_SCHEMA).index("status")
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    # a `running` import whose process is gone shows as `interrupted`
    shown = [(*r[:at], live_status(r[at], r[-1]), *r[at + 1 : -1]) for r in rows]
    return pl.DataFrame(shown, schema=IMPORT_LOG_SCHEMA, orient="row", strict=False)


REJECT_SCHEMA: dict[str, pl.DataType] = {
    "import_id": pl.Int64(),
    "file": pl.String(),
    "row_number": pl.Int64(),
    "column_name": pl.String(),
    "reason": pl.String(),
}


def rejected_rows(engine: sa.Engine, limit: int = 2000) -> pl.DataFrame:
    """Rejected rows (row number, column, reason), most recent import first."""
    q = (
        sa.select(
            import_reject.c.import_id,
            import_log.c.file,
            import_reject.c.row_number,
            import_reject.c.column_name,
            import_reject.c.reason,
        )
        .select_from(
            import_reject.outerjoin(import_log, import_log.c.import_id == import_reject.c.import_id)
        )
        .order_by(import_reject.c.import_id.desc(), import_reject.c.row_number)
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=REJECT_SCHEMA, orient="row")


FRESHNESS_SCHEMA: dict[str, pl.DataType] = {
    "unit_id": pl.String(),
    "name": pl.String(),
    "name_en": pl.String(),
    "level": pl.String(),
    "disclosures_last": pl.Date(),
    "feedback_last": pl.Date(),
    "supervision_last": pl.Date(),
    "disclosures_age_days": pl.Int64(),
    "feedback_age_days": pl.Int64(),
    "supervision_age_days": pl.Int64(),
}


def freshness(engine: sa.Engine, as_of: datetime) -> pl.DataFrame:
    """Per unit (its own records, not its subtree): the latest anchor of each record
    kind at or before ``as_of``, and its age in days at ``as_of``; ordered by unit_id."""
    units = RECORD_TABLES["units"]
    latest: dict[str, dict[str, date | None]] = {}
    with engine.connect() as conn:
        for name, col in ANCHORS.items():
            t = RECORD_TABLES[name]
            c = t.c[col]
            bound: date | datetime = as_of if name == "feedback" else as_of.date()
            q = sa.select(t.c.unit_id, sa.func.max(c)).where(c <= bound).group_by(t.c.unit_id)
            latest[name] = {uid: _as_date(v) for uid, v in conn.execute(q)}
        unit_rows = conn.execute(
            sa.select(units.c.unit_id, units.c.name, units.c.name_en, units.c.level).order_by(
                units.c.unit_id
            )
        ).all()
    day = as_of.date()
    out = []
    for uid, name, name_en, level in unit_rows:
        lasts = [latest[k].get(uid) for k in ANCHORS]
        ages = [(day - d).days if d is not None else None for d in lasts]
        out.append((uid, name, name_en, level, *lasts, *ages))
    return pl.DataFrame(out, schema=FRESHNESS_SCHEMA, orient="row")
