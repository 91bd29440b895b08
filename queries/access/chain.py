"""The audit trail's HMAC chain (access.md "Audit trail"): the key, appending, verifying.

Each event's ``mac`` is HMAC-SHA256, keyed by a secret kept outside the database (the
``audit_key_file`` setting), over the previous event's mac and this event's columns.
Changing, removing or slipping in an event without the key breaks the chain at that
point, which :func:`verify` reports. Appends are serialised on the chain's head row
(``audit_chain``, one row): its UPDATE is the first statement of every append, so it
takes SQLite's write lock at once and PostgreSQL's row lock, and two processes never
chain to the same previous event.

Events written before the chain existed (migration 0004) have no mac: the chain
starts at the first event that has one (docs/DECISIONS.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from queries.model.db import data_dir
from queries.model.schema import audit_chain, audit_event
from queries.model.settings import Settings, load_settings

HEAD_ID = 1
KEY_BYTES = 32
MIN_KEY_BYTES = 16
# the columns a mac covers, in this order (event_id is not: the database gives it)
MAC_FIELDS = (
    "at",
    "user_email",
    "iss",
    "sub",
    "role",
    "event",
    "page",
    "unit_id",
    "period",
    "as_of",
    "records",
    "detail",
)


class AuditKeyError(ValueError):
    """The audit key file is missing, unreadable, too short, or not the trail's key."""


def key_path(settings: Settings | None = None) -> Path:
    """The key file the settings name (default: the ``OPENNESS_CONFIG`` file's, else the
    defaults'); a relative path is taken from the data folder."""
    if settings is None:
        settings = load_settings(os.environ.get("OPENNESS_CONFIG") or None)
    path = Path(settings.audit_key_file).expanduser()
    return path if path.is_absolute() else data_dir() / path


def load_key(path: Path, *, create: bool = False) -> bytes:
    """The key held in ``path`` (its bytes, trailing whitespace dropped). ``create``: when
    the file is missing, write a new random key there first, mode 0600, atomically (two
    processes creating it at once end with the same key).

    Raises :class:`AuditKeyError` naming the file.
    """
    if create and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(secrets.token_hex(KEY_BYTES) + "\n")
            # fails if another process made it first: theirs is kept
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    try:
        key = path.read_bytes().rstrip()
    except FileNotFoundError:
        raise AuditKeyError(f"audit key {path}: no such file") from None
    except OSError as exc:
        raise AuditKeyError(f"audit key {path}: cannot read it ({exc.strerror})") from None
    if len(key) < MIN_KEY_BYTES:
        raise AuditKeyError(f"audit key {path}: shorter than {MIN_KEY_BYTES} bytes")
    return key


def key_check(key: bytes) -> str:
    """What the chain's head keeps to recognise its key (never the key itself)."""
    return hmac.new(key, b"openness audit key check", hashlib.sha256).hexdigest()


def _text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def mac(key: bytes, previous: str | None, row: Mapping[Any, Any]) -> str:
    """HMAC-SHA256 (hex) of the previous event's mac ("" for the first) and ``row``'s
    :data:`MAC_FIELDS` (JSON text; times to the microsecond).

    >>> mac(b"k" * 16, None, {"at": datetime(2026, 12, 1, 9, 0), "event": "sign_in"})[:12]
    '9330322ff37e'
    """
    body = json.dumps(
        [previous or "", *(_text(row.get(f)) for f in MAC_FIELDS)],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def append(conn: sa.Connection, row: dict[str, Any], key: bytes, *, stamp: bool) -> None:
    """Insert ``row`` into ``audit_event`` chained to the last event, inside ``conn``'s
    transaction (the head row stays locked until it ends). ``stamp``: ``row["at"]`` is
    the time now, and is moved up to the previous event's time if the clock is behind
    it (another server's clock, a clock set back), so the chain's times never go back.

    Raises :class:`AuditKeyError` when the chain was started with another key.
    """
    check = key_check(key)
    head = conn.execute(
        sa.update(audit_chain)
        .where(audit_chain.c.chain_id == HEAD_ID)
        .values(chain_id=audit_chain.c.chain_id)
        .returning(audit_chain.c.key_check)
    ).first()
    if head is None:
        raise AuditKeyError("the audit chain's head row is missing: run `openness init`")
    if head.key_check is not None and head.key_check != check:
        raise AuditKeyError(
            "the audit key file is not the key the trail is chained with (audit_key_file)"
        )
    t = audit_event
    last = conn.execute(sa.select(t.c.at, t.c.mac).order_by(t.c.event_id.desc()).limit(1)).first()
    if stamp and last is not None and last.at > row["at"]:
        row["at"] = last.at
    row["mac"] = mac(key, last.mac if last is not None else None, row)
    event_id = conn.execute(sa.insert(t).values(row).returning(t.c.event_id)).scalar_one()
    conn.execute(
        sa.update(audit_chain)
        .where(audit_chain.c.chain_id == HEAD_ID)
        .values(last_event_id=event_id, last_mac=row["mac"], key_check=check)
    )


@dataclass(frozen=True)
class Finding:
    """One event at fault: its id, its time, and what is wrong (English)."""

    event_id: int
    at: datetime | None
    problem: str

    def __str__(self) -> str:
        when = f" ({self.at:%Y-%m-%d %H:%M:%S})" if self.at is not None else ""
        return f"event {self.event_id}{when}: {self.problem}"


@dataclass
class Verdict:
    """What :func:`verify` found. ``broken``: the first broken link; ``backdated``:
    every chained event stamped earlier than the one before it; ``cut``: the trail
    ends before the event the chain's head names; ``unchained``: events before the
    chain began (not covered)."""

    chained: int = 0
    unchained: int = 0
    first_id: int | None = None
    last_id: int | None = None
    last_mac: str | None = None
    broken: Finding | None = None
    backdated: list[Finding] = field(default_factory=list)
    cut: str | None = None

    @property
    def whole(self) -> bool:
        return self.broken is None and not self.backdated and self.cut is None

    def problems(self) -> list[str]:
        """One line per problem, the first broken link first."""
        out = [str(self.broken)] if self.broken is not None else []
        out += [str(f) for f in self.backdated]
        return out + ([self.cut] if self.cut else [])


def check_key(engine: sa.Engine, key: bytes) -> None:
    """Raise :class:`AuditKeyError` unless ``key`` is the key the trail is chained with
    (or the trail has no key yet): what a server checks before it starts, so that no
    event is ever refused while someone uses it."""
    with engine.connect() as conn:
        head = conn.execute(sa.select(audit_chain).where(audit_chain.c.chain_id == HEAD_ID)).first()
    if head is not None and head.key_check not in (None, key_check(key)):
        raise AuditKeyError(
            "the audit key file is not the key the trail is chained with (audit_key_file): "
            "give the settings (--config) and data folder (OPENNESS_DATA) whose key started it"
        )


def verify(engine: sa.Engine, key: bytes) -> Verdict:
    """Walk the trail in event order and check every link, every time and the end.

    Raises :class:`AuditKeyError` when the chain's head says it was started with
    another key (then every link would look broken).
    """
    t = audit_event
    cols = [t.c.event_id, t.c.mac, *(t.c[f] for f in MAC_FIELDS)]
    v = Verdict()
    with engine.connect() as conn:
        head = conn.execute(sa.select(audit_chain).where(audit_chain.c.chain_id == HEAD_ID)).first()
        if head is not None and head.key_check not in (None, key_check(key)):
            raise AuditKeyError(
                "the audit key file is not the key the trail is chained with "
                "(its check differs from the one the chain's head keeps)"
            )
        previous: Any = None
        rows = conn.execution_options(yield_per=2000).execute(
            sa.select(*cols).order_by(t.c.event_id)
        )
        for r in rows:
            row = r._mapping
            if previous is None and r.mac is None:
                v.unchained += 1
                continue
            v.chained += 1
            v.first_id = r.event_id if v.first_id is None else v.first_id
            if v.broken is None and r.mac != mac(
                key, previous.mac if previous is not None else None, row
            ):
                why = (
                    "no mac: written after the chain began, but not by the product"
                    if r.mac is None
                    else "its mac does not match: it was changed, slipped in, or an "
                    "event before it was removed"
                )
                v.broken = Finding(r.event_id, r.at, why)
            if previous is not None and r.at < previous.at:
                v.backdated.append(
                    Finding(
                        r.event_id,
                        r.at,
                        f"stamped earlier than event {previous.event_id} before it "
                        f"({previous.at:%Y-%m-%d %H:%M:%S})",
                    )
                )
            previous = r
    if previous is not None:
        v.last_id, v.last_mac = previous.event_id, previous.mac
    named = (head.last_event_id, head.last_mac) if head is not None else (None, None)
    if named[0] is not None and named != (v.last_id, v.last_mac):
        end = f"event {v.last_id}" if previous is not None else "no chained event"
        v.cut = (
            f"the chain's head names event {named[0]} as the last, the trail has {end} "
            "last: events were removed or added at its end"
        )
    return v
