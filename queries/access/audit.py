"""The audit trail (access.md): append-only writes and reads. SQLAlchemy Core only.

Nothing here updates or deletes a row; the migrations' triggers make the
database refuse it as well, and each event is chained to the one before by an
HMAC (:mod:`queries.access.chain`), so a change made around the triggers shows.
Times are local (Asia/Shanghai), naive, like the records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import polars as pl
import sqlalchemy as sa

from queries.access import chain
from queries.access.roles import Person
from queries.model.clock import LOCAL_TIME, now_local
from queries.model.export import csv_bytes
from queries.model.schema import audit_event

# access.md's events, in its order
EVENTS = (
    "sign_in",
    "sign_out",
    "view_records",
    "download",
    "denied",
    "users_changed",
    "delivered",
    "job_run",
    "changed",
    "upload",
)

# the fixed details the dashboard writes (the trail keeps them as written; the Audit
# page shows each in the reader's language: dashboard/views/audit.py)
DETAIL_OVERDUE_CASES = "overdue cases"
DETAIL_SUPERVISION_ITEMS = "supervision items"
DETAIL_NO_ROLE = "signed in without a role"
DETAIL_LOCAL_SIGN_IN = "local admin, server started "  # + the start, %Y-%m-%d %H:%M:%S

# the trail's columns, in access.md's order (the table's user_email is ``user``)
COLUMNS: dict[str, pl.DataType] = {
    "at": pl.Datetime("us"),
    "user": pl.String(),
    "iss": pl.String(),
    "sub": pl.String(),
    "role": pl.String(),
    "event": pl.String(),
    "page": pl.String(),
    "unit_id": pl.String(),
    "period": pl.String(),
    "as_of": pl.Datetime("us"),
    "records": pl.Int64(),
    "detail": pl.String(),
}


@dataclass(frozen=True)
class Where:
    """Where an event happened: the page and the filters in force (all optional)."""

    page: str | None = None
    unit_id: str | None = None
    period: str | None = None
    as_of: datetime | None = None


def write(
    engine: sa.Engine | sa.Connection,
    event: str,
    person: Person | None,
    where: Where = Where(),
    *,
    records: int | None = None,
    detail: str | None = None,
    email: str | None = None,
    at: datetime | None = None,
    iss: str | None = None,
    sub: str | None = None,
    key: bytes | None = None,
) -> None:
    """Append one event, chained to the one before. ``person`` is who did it (None with
    ``email``: someone signed in without a role, or a command line user); ``iss``/``sub``
    default to the person's own. A Connection writes inside the caller's transaction.
    ``key``: the chain's key (default: the file the settings in force name, created
    when missing; :func:`queries.access.chain.key_path`). ``at``: when (default now).

    Raises ValueError for an event access.md does not name, and
    :class:`~queries.access.chain.AuditKeyError` when the key is not the trail's.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}; one of {', '.join(EVENTS)}")
    who = person.email if person is not None else email
    if not who:
        raise ValueError("an audit event needs a person or an email")
    row = {
        "at": _naive(at) or now_local(),
        "user_email": who,
        "iss": iss if iss is not None or person is None else person.iss,
        "sub": sub if sub is not None or person is None else person.sub,
        "role": str(person.role) if person is not None else None,
        "event": event,
        "page": where.page,
        "unit_id": where.unit_id,
        "period": where.period,
        "as_of": _naive(where.as_of),
        "records": records,
        "detail": detail,
    }
    if key is None:
        key = chain.load_key(chain.key_path(), create=True)
    if isinstance(engine, sa.Connection):
        chain.append(engine, row, key, stamp=at is None)
        return
    with engine.begin() as conn:
        chain.append(conn, row, key, stamp=at is None)


def _naive(when: datetime | None) -> datetime | None:
    """A local naive time, as the table stores it (an aware time converted first)."""
    if when is None or when.tzinfo is None:
        return when
    return when.astimezone(LOCAL_TIME).replace(tzinfo=None)


def recorded(engine: sa.Engine, email: str, event: str, detail: str) -> bool:
    """Whether ``email`` already has an ``event`` with exactly this ``detail`` (one
    sign-in is written once, however many browser sessions it opens)."""
    t = audit_event
    q = (
        sa.select(t.c.event_id)
        .where(sa.func.lower(t.c.user_email) == email.strip().lower())
        .where(t.c.event == event, t.c.detail == detail)
        .limit(1)
    )
    with engine.connect() as conn:
        return conn.execute(q).first() is not None


def sign_in_detail(issued_at: object) -> str | None:
    """The ``sign_in`` detail naming one sign-in by its ID token's ``iat`` (seconds
    since the epoch): ``"ID token issued 2026-11-30 20:15:19"`` in local time; None
    when there is no usable ``iat``.

    >>> sign_in_detail(1796041519)
    'ID token issued 2026-11-30 20:25:19'
    >>> sign_in_detail(None) is None
    True
    """
    if isinstance(issued_at, bool) or not isinstance(issued_at, int | float):
        return None
    try:
        when = datetime.fromtimestamp(issued_at, LOCAL_TIME)
    except (OverflowError, OSError, ValueError):
        return None
    return f"ID token issued {when:%Y-%m-%d %H:%M:%S}"


def read(
    engine: sa.Engine,
    *,
    since: datetime | None = None,
    user: str | None = None,
    events: tuple[str, ...] | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> pl.DataFrame:
    """The trail, oldest first: columns :data:`COLUMNS`. ``since``/``until``: events at
    or after / before these local times; ``user``: one email (case-insensitive);
    ``events``: only these; ``limit``: the latest ``limit`` events."""
    t = audit_event
    q = sa.select(
        t.c.at,
        t.c.user_email,
        t.c.iss,
        t.c.sub,
        t.c.role,
        t.c.event,
        t.c.page,
        t.c.unit_id,
        t.c.period,
        t.c.as_of,
        t.c.records,
        t.c.detail,
    )
    if since is not None:
        q = q.where(t.c.at >= since)
    if until is not None:
        q = q.where(t.c.at < until)
    if user:
        q = q.where(sa.func.lower(t.c.user_email) == user.strip().lower())
    if events:
        q = q.where(t.c.event.in_(events))
    if limit is not None:
        q = q.order_by(t.c.event_id.desc()).limit(limit)
    else:
        q = q.order_by(t.c.event_id)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(q)]
    if limit is not None:
        rows.reverse()
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


def people(engine: sa.Engine) -> list[str]:
    """Every email in the trail, sorted (for the Audit page's filter)."""
    q = sa.select(audit_event.c.user_email).distinct().order_by(audit_event.c.user_email)
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(q)]


def trail_bytes(frame: pl.DataFrame, fmt: str) -> bytes:
    """The trail as ``openness audit`` writes it: CSV through the export layer (UTF-8
    with BOM, formula-starting text cells neutralised, times as ``YYYY-MM-DD HH:MM:SS``)
    or JSON (a list of objects, times ISO 8601, text as stored).

    Raises ValueError for another format.
    """
    if fmt == "json":
        rows = frame.with_columns(pl.col("at", "as_of").dt.strftime("%Y-%m-%dT%H:%M:%S")).to_dicts()
        return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")
    if fmt != "csv":
        raise ValueError(f"format must be csv or json, not {fmt!r}")
    return csv_bytes(frame.with_columns(pl.col("at", "as_of").dt.strftime("%Y-%m-%d %H:%M:%S")))
