"""Removing records that should never have been imported (cli.md, "Removing records").

The named records go in one transaction, each removal in the audit trail
(``changed``, with the kind, the key and the reason) in the same transaction; a
key that names no record removes nothing. The write is noted
(:func:`~queries.store.changes.note_record_write`) so that the embedded lake and
the frame cache read the records again; they are refreshed at once when kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from queries.access import audit
from queries.model.records import KINDS
from queries.model.schema import RECORD_TABLES
from queries.store.changes import note_record_write
from queries.store.frames import refresh_cache

# the kinds whose records may be removed: units are kept (records name them)
REMOVABLE = ("disclosures", "feedback", "supervision")


class RemovalError(Exception):
    """A removal that cannot be done (an unknown kind, a key naming no record): nothing
    was removed."""


@dataclass(frozen=True)
class Removed:
    kind: str
    key: str
    unit_id: str | None


def remove_records(
    engine: sa.Engine,
    kind: str,
    keys: list[str],
    reason: str | None = None,
    *,
    by: str = "cli",
    key: bytes | None = None,
) -> list[Removed]:
    """Delete the records of ``kind`` named by ``keys``, auditing each; all or none.

    ``by``: who, for the audit trail (a command line user); ``key``: the audit
    chain's key (:func:`queries.access.audit.write`).

    Raises
    ------
    RemovalError
        ``kind`` is not a removable kind, or a key names no record (every such key
        named); nothing is removed.
    """
    if kind not in REMOVABLE:
        raise RemovalError(
            f"KIND: {kind!r} is not a kind of record that can be removed; "
            f"one of {', '.join(REMOVABLE)}"
        )
    wanted = list(dict.fromkeys(k.strip() for k in keys))
    table = RECORD_TABLES[kind]
    id_col = table.c[KINDS[kind].key]
    removed: list[Removed] = []
    with engine.begin() as conn:
        found = dict(
            conn.execute(sa.select(id_col, table.c.unit_id).where(id_col.in_(wanted))).all()
        )
        missing = [k for k in wanted if k not in found]
        if missing:
            names = ", ".join(repr(k) for k in missing)
            raise RemovalError(f"KEY: no {kind} record {names} (nothing removed)")
        note_record_write(conn)
        conn.execute(sa.delete(table).where(id_col.in_(wanted)))
        for k in wanted:
            detail = f"remove {kind} {k}" + (f": {reason}" if reason else "")
            audit.write(
                conn,
                "changed",
                None,
                audit.Where(unit_id=found[k]),
                records=1,
                detail=detail,
                email=by,
                key=key,
            )
            removed.append(Removed(kind, k, found[k]))
    refresh_cache(engine)
    return removed
