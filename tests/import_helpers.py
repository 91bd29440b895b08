"""Record files and database read-backs shared by the importer tests."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import sqlalchemy as sa

from queries.model.schema import RECORD_TABLES, import_log

UNITS = """\
unit_id,name,name_en,parent_id,level,kind
SJ,市局,City bureau,,bureau,management
FJ1,一分局,Branch 1,SJ,branch,comprehensive
PCS1,城关派出所,Chengguan station,FJ1,station,window
"""


FEEDBACK_HEADER = (
    "case_id,unit_id,kind,channel,received_at,due_at,first_response_at,closed_at,outcome,"
    "reasoned_reply,return_visit_at,resolved,satisfaction,repeat_of"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def table(engine: sa.Engine, name: str) -> pl.DataFrame:
    t = RECORD_TABLES[name]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t).order_by(t.c[t.primary_key.columns.keys()[0]])).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=list(t.c.keys()), orient="row")


def logs(engine: sa.Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        q = sa.select(
            import_log.c.kind,
            import_log.c.rows_read,
            import_log.c.rows_accepted,
            import_log.c.rows_rejected,
            import_log.c.status,
        ).order_by(import_log.c.import_id)
        return [tuple(r) for r in conn.execute(q)]
