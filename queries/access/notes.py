"""Notes on the charts: add, list and remove them (cli.md "Goals and notes"; access.md,
"Added with jobs, uploads, goals and notes").

A note is a text for a unit and a range of days ("new hotline system from March");
it covers its unit and every unit below it, and shows on their trend and control
charts, their Unit page and the briefing of a period it overlaps. Admins and
leadership add notes to any unit, unit heads to a unit of their subtree; each removes
their own, an admin anyone's. A refusal happens here, where the note is written
(:class:`~queries.access.gate.Denied`, audited as ``denied``); every addition and removal
is audited as ``changed``. Everyone who sees a unit's aggregates (every role) sees its
notes. The text is kept as text: whitespace runs made one space, nothing interpreted;
every output draws it inert. SQLAlchemy Core only.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import sqlalchemy as sa

from queries.access import audit
from queries.access.gate import Denied
from queries.access.roles import REMOVES_ANY_NOTE, Change, Person
from queries.model.clock import now_local
from queries.model.periods import Period, parse_date
from queries.model.schema import note, units
from queries.model.tree import Tree

MAX_TEXT = 500

NOTE_SCHEMA: dict[str, pl.DataType] = {
    "note_id": pl.Int64(),
    "unit_id": pl.String(),
    "from_date": pl.Date(),
    "to_date": pl.Date(),
    "text": pl.String(),
    "author": pl.String(),
    "created_at": pl.Datetime("us"),
}

# any run of whitespace or control characters (a tab, a carriage return) is one space
_SPACES = re.compile(r"[\s\x00-\x1f\x7f]+")


class NoteError(ValueError):
    """A note that cannot be added or removed; the message names the argument at fault."""


def clean_text(text: str) -> str:
    """The note's text as kept: runs of whitespace and control characters made one
    space, trimmed; NoteError when empty or longer than :data:`MAX_TEXT` characters.

    >>> clean_text("  new hotline\\tsystem\\r\\nfrom March ")
    'new hotline system from March'
    """
    t = _SPACES.sub(" ", text or "").strip()
    if not t:
        raise NoteError("TEXT: a note needs a text")
    if len(t) > MAX_TEXT:
        raise NoteError(f"TEXT: {len(t)} characters; a note has at most {MAX_TEXT}")
    return t


def note_days(start: str, end: str | None = None) -> tuple[date, date]:
    """The days a note covers: ``start`` a date (2026-03-02) or a month, quarter or year
    (2026-03: from its first day); ``end`` likewise (to its last day), by default the
    end of ``start`` (the day itself, or the month's last day). NoteError naming
    ``--from`` or ``--to``.

    >>> note_days("2026-03")
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    >>> note_days("2026-07-20", "2026-08")
    (datetime.date(2026, 7, 20), datetime.date(2026, 8, 31))
    """
    first = _days("--from", start)
    last = first if end is None or not str(end).strip() else _days("--to", end)
    if last[1] < first[0]:
        raise NoteError(f"--to: {last[1]} is before --from {first[0]}")
    return first[0], last[1]


def _days(option: str, text: str) -> tuple[date, date]:
    try:
        d = parse_date(text)
        return d, d
    except ValueError:
        pass
    try:
        p = Period.parse(text)
    except ValueError:
        raise NoteError(
            f"{option}: {text!r} is not a date or a month (2026-03-02, 2026-03)"
        ) from None
    return p.start, p.end


def may_add(person: Person, unit_id: str, tree: Tree) -> bool:
    """Whether ``person`` may add a note to ``unit_id`` (and remove their own there)."""
    return person.may_change(Change.NOTES, unit_id, tree)


def may_remove(person: Person, row: dict[str, object], tree: Tree) -> bool:
    """Whether ``person`` may remove the note ``row`` (unit_id, author): an admin any,
    the others their own, on a unit they may add notes to."""
    if person.role in REMOVES_ANY_NOTE:
        return True
    own = str(row["author"]).lower() == person.email.lower()
    return own and may_add(person, str(row["unit_id"]), tree)


def _refused(
    engine: sa.Engine, person: Person, what: str, unit_id: str | None, key: bytes | None
) -> Denied:
    audit.write(engine, "denied", person, audit.Where(unit_id=unit_id), detail=what, key=key)
    return Denied(person, Change.NOTES, unit_id)


def add_note(
    engine: sa.Engine,
    person: Person,
    unit_id: str,
    from_date: date,
    to_date: date,
    text: str,
    tree: Tree,
    *,
    key: bytes | None = None,
) -> int:
    """Add a note to ``unit_id`` for ``from_date..to_date``; returns its id.

    Raises NoteError naming the argument at fault, Denied (audited) outside the
    person's reach; nothing is written then.
    """
    if unit_id not in tree.parent:
        raise NoteError(f"--unit: no unit {unit_id!r} in the database")
    if to_date < from_date:
        raise NoteError(f"--to: {to_date} is before --from {from_date}")
    body = clean_text(text)
    if not may_add(person, unit_id, tree):
        raise _refused(engine, person, f"notes: add to {unit_id}", unit_id, key)
    with engine.begin() as conn:
        new_id = conn.execute(
            sa.insert(note).values(
                unit_id=unit_id,
                from_date=from_date,
                to_date=to_date,
                text=body,
                author=person.email,
                created_at=now_local(),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        audit.write(
            conn,
            "changed",
            person,
            audit.Where(unit_id=unit_id),
            detail=f"note {new_id} added: {unit_id} {from_date}..{to_date}",
            key=key,
        )
    return int(new_id)


def remove_note(
    engine: sa.Engine, person: Person, note_id: int, tree: Tree, *, key: bytes | None = None
) -> None:
    """Remove note ``note_id``: NoteError when there is none, Denied (audited) when it
    is not the person's to remove."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(note).where(note.c.note_id == note_id)).first()
    if row is None:
        raise NoteError(f"ID: no note {note_id}")
    if not may_remove(person, row._asdict(), tree):
        raise _refused(engine, person, f"notes: remove {note_id}", row.unit_id, key)
    with engine.begin() as conn:
        conn.execute(sa.delete(note).where(note.c.note_id == note_id))
        audit.write(
            conn,
            "changed",
            person,
            audit.Where(unit_id=row.unit_id),
            detail=(
                f"note {note_id} removed: {row.unit_id} {row.from_date}..{row.to_date}, "
                f"by {row.author}"
            ),
            key=key,
        )


def list_notes(
    engine: sa.Engine,
    *,
    unit_id: str | None = None,
    tree: Tree | None = None,
    period: Period | None = None,
) -> pl.DataFrame:
    """The notes, by first day then id (:data:`NOTE_SCHEMA`): with ``unit_id`` (and its
    ``tree``) those that cover it (its own and those of the units above it); with
    ``period`` those whose days overlap it."""
    q = sa.select(*(note.c[c] for c in NOTE_SCHEMA))
    if unit_id is not None:
        covering = [unit_id, *(tree.ancestors(unit_id) if tree and unit_id in tree.parent else [])]
        q = q.where(note.c.unit_id.in_(covering))
    if period is not None:
        q = q.where(note.c.from_date <= period.end, note.c.to_date >= period.start)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(q.order_by(note.c.from_date, note.c.note_id))]
    return pl.DataFrame(rows, schema=NOTE_SCHEMA, orient="row")


def covering(notes: pl.DataFrame, unit_id: str, tree: Tree) -> pl.DataFrame:
    """The rows of ``notes`` that cover ``unit_id``: its own and its ancestors'."""
    ids = [unit_id, *(tree.ancestors(unit_id) if unit_id in tree.parent else [])]
    return notes.filter(pl.col("unit_id").is_in(ids))


def unit_tree(engine: sa.Engine) -> Tree:
    """The units' hierarchy as the database holds it now (for the command line)."""
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.select(units.c.unit_id, units.c.parent_id))]
    frame = pl.DataFrame(rows, schema={"unit_id": pl.String, "parent_id": pl.String}, orient="row")
    return Tree.from_units(frame)
