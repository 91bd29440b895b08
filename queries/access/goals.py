"""Goals (目标值): set, list and remove them (cli.md "Goals and notes"; access.md,
"Added with jobs, uploads, goals and notes").

Admins and leadership set and remove goals; any other role is refused here, where the
goal is written (:class:`~queries.access.gate.Denied`, audited as ``denied``). Every
change is audited as ``changed`` in the same transaction. Which goal applies to a unit
is :mod:`queries.engine.goals`. SQLAlchemy Core only.
"""

from __future__ import annotations

import math

import polars as pl
import sqlalchemy as sa

from queries.access import audit
from queries.access.gate import Denied
from queries.access.roles import CHANGES, Change, Person, Reach
from queries.engine.goals import GOAL_SCHEMA
from queries.model.catalogue import indicator
from queries.model.clock import now_local
from queries.model.indicator import Unit
from queries.model.records import UNIT_KINDS, UNIT_LEVELS
from queries.model.schema import goal, units

# a goal's year: from the first year a record could carry to far enough ahead
_YEARS = (2000, 2100)


class GoalError(ValueError):
    """A goal that cannot be set or removed; the message names the argument at fault."""


def parse_value(code: str, text: str | float) -> float:
    """VALUE as the indicator table writes ``code``: a fraction 0..1 for a share
    (95% is 0.95; ``95%`` or ``95％`` is taken as 0.95 too), days (>= 0) for
    R_CLOSE_DAYS. GoalError naming what is wrong.

    >>> parse_value("R_ONTIME", "0.95"), parse_value("R_CLOSE_DAYS", "12")
    (0.95, 12.0)
    >>> parse_value("R_ONTIME", "95%"), parse_value("R_ONTIME", "87.5％")
    (0.95, 0.875)
    >>> parse_value("R_ONTIME", "95")
    Traceback (most recent call last):
    ...
    queries.access.goals.GoalError: VALUE: 95 is not a fraction 0..1 for R_ONTIME (write 95% as 0.95)
    >>> parse_value("R_CLOSE_DAYS", "20%")
    Traceback (most recent call last):
    ...
    queries.access.goals.GoalError: VALUE: '20%' is a percentage; R_CLOSE_DAYS is in days (write 20% as a number of days)
    """
    share = indicator(code).unit == Unit.SHARE
    percent = isinstance(text, str) and text.strip().endswith(("%", "％"))
    number = text.strip()[:-1].strip() if isinstance(text, str) and percent else text
    if percent and not share:
        raise GoalError(
            f"VALUE: {text!r} is a percentage; {code} is in days (write {text} as a number of days)"
        )
    try:
        v = float(number)
    except (TypeError, ValueError):
        raise GoalError(f"VALUE: {text!r} is not a number") from None
    if not math.isfinite(v) or v < 0:
        raise GoalError(f"VALUE: {text} is not a number >= 0")
    if percent:
        v = round(v / 100, 12)  # 87.5% is 0.875, not 0.8750000000000001
    if share and v > 1:
        raise GoalError(
            f"VALUE: {text} is not a fraction 0..1 for {code} (write {text}% as {v / 100:g})"
            if not percent
            else f"VALUE: {text} is more than 100%"
        )
    return v


def _scope(
    conn: sa.Connection, level: str | None, kind: str | None, unit_id: str | None
) -> tuple[str, str | None]:
    given = [(k, v) for k, v in (("level", level), ("kind", kind), ("unit", unit_id)) if v]
    if len(given) > 1:
        raise GoalError("--level, --kind, --unit: give at most one of them")
    if level and level not in UNIT_LEVELS:
        raise GoalError(f"--level: {level!r} is not a level; one of {', '.join(UNIT_LEVELS)}")
    if kind and kind not in UNIT_KINDS:
        raise GoalError(f"--kind: {kind!r} is not a unit kind; one of {', '.join(UNIT_KINDS)}")
    if unit_id:
        known = conn.execute(sa.select(units.c.unit_id).where(units.c.unit_id == unit_id)).first()
        if known is None:
            raise GoalError(f"--unit: no unit {unit_id!r} in the database")
    return given[0] if given else ("all", None)


def may_set_goals(person: Person) -> bool:
    """Whether ``person``'s role sets and removes goals (admins and leadership)."""
    return CHANGES[person.role][Change.GOALS] == Reach.ALL


def _refused(
    engine: sa.Engine, person: Person, what: str, unit_id: str | None, key: bytes | None
) -> Denied:
    audit.write(engine, "denied", person, audit.Where(unit_id=unit_id), detail=what, key=key)
    return Denied(person, Change.GOALS, unit_id)


def set_goal(
    engine: sa.Engine,
    person: Person,
    code: str,
    value: str | float,
    *,
    level: str | None = None,
    kind: str | None = None,
    unit_id: str | None = None,
    from_year: int | None = None,
    key: bytes | None = None,
) -> int:
    """Set the goal of ``code`` for all units, a level, a unit kind or one unit, from
    ``from_year`` (default this year) on; the goal with the same indicator, scope and
    year is replaced. Returns the new goal's id.

    Raises GoalError naming the argument at fault and Denied (audited) for a role that
    may not set goals; nothing is written then.
    """
    if not may_set_goals(person):
        raise _refused(engine, person, f"goals: set {code}", unit_id, key)
    try:
        indicator(code)
    except KeyError:
        raise GoalError(f"CODE: {code!r} is not an indicator code") from None
    v = parse_value(code, value)
    year = now_local().year if from_year is None else int(from_year)
    if not _YEARS[0] <= year <= _YEARS[1]:
        raise GoalError(f"--from: {from_year} is not a year from {_YEARS[0]} to {_YEARS[1]}")
    with engine.begin() as conn:
        scope, scope_value = _scope(conn, level, kind, unit_id)
        cols = {"level": level or None, "kind": kind or None, "unit_id": unit_id or None}
        same = [goal.c.code == code, goal.c.from_year == year] + [
            goal.c[k].is_(None) if v_ is None else goal.c[k] == v_ for k, v_ in cols.items()
        ]
        before = conn.execute(sa.select(goal.c.goal_id, goal.c.value).where(*same)).first()
        if before is not None:
            conn.execute(sa.delete(goal).where(goal.c.goal_id == before.goal_id))
        new_id = conn.execute(
            sa.insert(goal).values(
                code=code,
                value=v,
                from_year=year,
                set_by=person.email,
                set_at=now_local(),
                **cols,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        where = "all units" if scope == "all" else f"{scope} {scope_value}"
        detail = f"goal {new_id} set: {code} {v:g} for {where} from {year}"
        if before is not None:
            detail += f" (replaces goal {before.goal_id}: {before.value:g})"
        audit.write(
            conn, "changed", person, audit.Where(unit_id=unit_id or None), detail=detail, key=key
        )
    return int(new_id)


def remove_goal(
    engine: sa.Engine, person: Person, goal_id: int, *, key: bytes | None = None
) -> None:
    """Remove goal ``goal_id``. GoalError when there is none; Denied (audited) for a
    role that may not remove goals."""
    if not may_set_goals(person):
        raise _refused(engine, person, f"goals: remove {goal_id}", None, key)
    with engine.begin() as conn:
        row = conn.execute(sa.select(goal).where(goal.c.goal_id == goal_id)).first()
        if row is None:
            raise GoalError(f"ID: no goal {goal_id}")
        conn.execute(sa.delete(goal).where(goal.c.goal_id == goal_id))
        audit.write(
            conn,
            "changed",
            person,
            audit.Where(unit_id=row.unit_id),
            detail=f"goal {goal_id} removed: {row.code} {row.value:g} from {row.from_year}",
            key=key,
        )


def list_goals(engine: sa.Engine) -> pl.DataFrame:
    """Every goal, by indicator (catalogue code), then id: :data:`GOAL_SCHEMA`."""
    q = sa.select(*(goal.c[c] for c in GOAL_SCHEMA)).order_by(goal.c.code, goal.c.goal_id)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(q)]
    return pl.DataFrame(rows, schema=GOAL_SCHEMA, orient="row")
