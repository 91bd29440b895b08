"""Who may sign in, with which role (access.md): ``openness users add|list|remove``.

One role a person, known by email (compared case-insensitively, stored lower
case). Every change is audited as ``users_changed`` in the same transaction.
SQLAlchemy Core only.
"""

from __future__ import annotations

import re

import polars as pl
import sqlalchemy as sa

from queries.access import audit, signins
from queries.access.roles import Person, Role
from queries.model.schema import app_user, units

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")

USER_COLUMNS: dict[str, pl.DataType] = {
    "email": pl.String(),
    "role": pl.String(),
    "unit_id": pl.String(),
    "added_at": pl.Datetime("us"),
}


class UserError(ValueError):
    """A users command that cannot be carried out; the message names the field."""


def normalise_email(email: str) -> str:
    """``email`` trimmed and lower-cased; UserError when it is not an address."""
    e = (email or "").strip().lower()
    if not _EMAIL.match(e):
        raise UserError(f"EMAIL: {email!r} is not an email address")
    return e


def add_user(
    engine: sa.Engine,
    email: str,
    role: str,
    unit_id: str | None = None,
    *,
    by: str = "cli",
    key: bytes | None = None,
) -> Person:
    """Give ``email`` the role ``role`` (replacing a role it had; another role or unit
    ends the person's sign-ins). A unit_head needs ``unit_id``, a unit in the
    database; the other roles take none. ``key``: the audit chain's key (default:
    :func:`queries.access.audit.write`'s).

    Raises UserError naming the field at fault; nothing is written then.
    """
    e = normalise_email(email)
    try:
        r = Role(role)
    except ValueError:
        raise UserError(
            f"--role: {role!r} is not a role; one of {', '.join(x.value for x in Role)}"
        ) from None
    if r == Role.UNIT_HEAD and not unit_id:
        raise UserError("--unit: the unit_head role needs the unit whose subtree it reaches")
    if r != Role.UNIT_HEAD and unit_id:
        raise UserError(f"--unit: only the unit_head role is bound to a unit, not {r.value}")
    with engine.begin() as conn:
        if unit_id is not None:
            known = conn.execute(
                sa.select(units.c.unit_id).where(units.c.unit_id == unit_id)
            ).first()
            if known is None:
                raise UserError(f"--unit: no unit {unit_id!r} in the database")
        before = conn.execute(
            sa.select(app_user.c.role, app_user.c.unit_id).where(app_user.c.email == e)
        ).first()
        if before is not None:
            conn.execute(sa.delete(app_user).where(app_user.c.email == e))
            if (before.role, before.unit_id) != (r.value, unit_id):
                # a change of role ends the person's sign-ins (access.md)
                signins.end_for(conn, e, "role_changed")
        conn.execute(
            sa.insert(app_user),
            [{"email": e, "role": r.value, "unit_id": unit_id, "added_at": audit.now_local()}],
        )
        now = f"{r.value}" + (f" {unit_id}" if unit_id else "")
        detail = f"add {e}: {now}"
        if before is not None:
            detail += f" (was {before.role}" + (f" {before.unit_id})" if before.unit_id else ")")
        audit.write(
            conn,
            "users_changed",
            None,
            audit.Where(unit_id=unit_id),
            detail=detail,
            email=by,
            key=key,
        )
    return Person(e, r, unit_id)


def remove_user(
    engine: sa.Engine, email: str, *, by: str = "cli", key: bytes | None = None
) -> None:
    """Take ``email``'s role away, end their sign-ins and forget the provider identity
    they were bound to (``key`` as in :func:`add_user`). Raises UserError when it has
    none."""
    e = normalise_email(email)
    with engine.begin() as conn:
        before = conn.execute(
            sa.select(app_user.c.role, app_user.c.unit_id).where(app_user.c.email == e)
        ).first()
        if before is None:
            raise UserError(f"EMAIL: {e} has no role")
        conn.execute(sa.delete(app_user).where(app_user.c.email == e))
        signins.end_for(conn, e, "removed")
        signins.unbind(conn, e)
        detail = f"remove {e}: {before.role}" + (f" {before.unit_id}" if before.unit_id else "")
        audit.write(
            conn,
            "users_changed",
            None,
            audit.Where(unit_id=before.unit_id),
            detail=detail,
            email=by,
            key=key,
        )


def list_users(engine: sa.Engine) -> pl.DataFrame:
    """Every user, by email: columns :data:`USER_COLUMNS`."""
    q = sa.select(app_user.c.email, app_user.c.role, app_user.c.unit_id, app_user.c.added_at)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(q.order_by(app_user.c.email))]
    return pl.DataFrame(rows, schema=USER_COLUMNS, orient="row")


def find_person(engine: sa.Engine, email: str | None) -> Person | None:
    """The person with this email and their role; None when it has none (or is empty)."""
    if not email:
        return None
    e = email.strip().lower()
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(app_user.c.role, app_user.c.unit_id).where(app_user.c.email == e)
        ).first()
    if row is None:
        return None
    return Person(e, Role(row.role), row.unit_id)
