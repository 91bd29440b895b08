"""queries.access.notes and ``openness notes``: add, list, remove on SQLite and
PostgreSQL; who may (admins and leadership anywhere, unit heads on their subtree, each
their own, admins anyone's); every change and refusal audited; text kept as text."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa
from hostile import ALL as HOSTILE
from typer.testing import CliRunner

from openness.cli import app
from queries.access import audit
from queries.access.gate import Denied
from queries.access.notes import (
    NoteError,
    add_note,
    list_notes,
    note_days,
    remove_note,
    unit_tree,
)
from queries.access.roles import Person, Role
from queries.model.periods import Period
from queries.model.schema import units

ADMIN = Person("admin@bureau.cn", Role.ADMIN)
LEADER = Person("lead@bureau.cn", Role.LEADERSHIP)
LEADER2 = Person("lead2@bureau.cn", Role.LEADERSHIP)
HEAD = Person("head@bureau.cn", Role.UNIT_HEAD, "B01")
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def _units(engine: sa.Engine) -> None:
    rows = [
        ("HQ", None, "bureau"),
        ("B01", "HQ", "branch"),
        ("B01-S01", "B01", "station"),
        ("B02", "HQ", "branch"),
    ]
    with engine.begin() as conn:
        conn.execute(
            sa.insert(units),
            [
                {"unit_id": u, "name": u, "parent_id": p, "level": lv, "kind": "comprehensive"}
                for u, p, lv in rows
            ],
        )


def test_who_may_add_and_remove(engine: sa.Engine) -> None:
    _units(engine)
    tree = unit_tree(engine)
    n1 = add_note(engine, LEADER, "HQ", *MARCH, "New hotline system from March", tree)
    n2 = add_note(engine, HEAD, "B01-S01", *MARCH, "Flood-relief duty", tree)
    # a unit head: only on the subtree; liaison and viewer: nowhere
    for who, unit in (
        (HEAD, "B02"),
        (HEAD, "HQ"),
        (Person("l@bureau.cn", Role.LIAISON), "B01"),
        (Person("v@bureau.cn", Role.VIEWER), "B01"),
    ):
        with pytest.raises(Denied):
            add_note(engine, who, unit, *MARCH, "x", tree)
    # remove: one's own (leadership, unit head), an admin anyone's
    with pytest.raises(Denied):
        remove_note(engine, LEADER2, n1, tree)  # leadership, not the author
    with pytest.raises(Denied):
        remove_note(engine, HEAD, n1, tree)
    remove_note(engine, HEAD, n2, tree)
    n3 = add_note(engine, HEAD, "B01", *MARCH, "x", tree)
    remove_note(engine, ADMIN, n3, tree)
    remove_note(engine, LEADER, n1, tree)
    assert list_notes(engine).is_empty()
    trail = audit.read(engine, events=("changed", "denied"))
    assert trail.select("user", "event", "detail").rows() == [
        ("lead@bureau.cn", "changed", f"note {n1} added: HQ 2026-03-01..2026-03-31"),
        ("head@bureau.cn", "changed", f"note {n2} added: B01-S01 2026-03-01..2026-03-31"),
        ("head@bureau.cn", "denied", "notes: add to B02"),
        ("head@bureau.cn", "denied", "notes: add to HQ"),
        ("l@bureau.cn", "denied", "notes: add to B01"),
        ("v@bureau.cn", "denied", "notes: add to B01"),
        ("lead2@bureau.cn", "denied", f"notes: remove {n1}"),
        ("head@bureau.cn", "denied", f"notes: remove {n1}"),
        (
            "head@bureau.cn",
            "changed",
            f"note {n2} removed: B01-S01 2026-03-01..2026-03-31, by head@bureau.cn",
        ),
        ("head@bureau.cn", "changed", f"note {n3} added: B01 2026-03-01..2026-03-31"),
        (
            "admin@bureau.cn",
            "changed",
            f"note {n3} removed: B01 2026-03-01..2026-03-31, by head@bureau.cn",
        ),
        (
            "lead@bureau.cn",
            "changed",
            f"note {n1} removed: HQ 2026-03-01..2026-03-31, by lead@bureau.cn",
        ),
    ]


def test_a_note_covers_its_unit_and_the_units_below(engine: sa.Engine) -> None:
    _units(engine)
    tree = unit_tree(engine)
    on_hq = add_note(engine, ADMIN, "HQ", *MARCH, "hotline", tree)
    on_b01 = add_note(engine, ADMIN, "B01", date(2026, 7, 20), date(2026, 8, 31), "flood", tree)
    on_b02 = add_note(engine, ADMIN, "B02", *MARCH, "other", tree)
    ids = lambda **kw: list_notes(engine, tree=tree, **kw)["note_id"].to_list()  # noqa: E731
    # a station sees its branch's and the bureau's notes, not another branch's
    assert ids(unit_id="B01-S01") == [on_hq, on_b01]
    assert ids(unit_id="HQ") == [on_hq]
    assert ids(unit_id="B02") == [on_hq, on_b02]
    # a period: the notes whose days overlap it
    assert ids(period=Period.parse("2026-Q1")) == [on_hq, on_b02]
    assert ids(period=Period.parse("2026-08")) == [on_b01]
    assert ids(unit_id="B01-S01", period=Period.parse("2026-03-31..2026-04-02")) == [on_hq]
    row = list_notes(engine).row(0, named=True)
    assert (row["author"], row["from_date"], row["to_date"]) == ("admin@bureau.cn", *MARCH)


def test_text_is_kept_as_text(engine: sa.Engine) -> None:
    _units(engine)
    tree = unit_tree(engine)
    for text in HOSTILE:
        add_note(engine, ADMIN, "B01", *MARCH, text, tree)
    kept = list_notes(engine)["text"].to_list()
    # stored as written (only runs of whitespace and control characters made one space)
    assert kept == [" ".join(t.split()) for t in HOSTILE]
    with pytest.raises(NoteError, match="TEXT: a note needs a text"):
        add_note(engine, ADMIN, "B01", *MARCH, " \t ", tree)
    with pytest.raises(NoteError, match="TEXT: 501 characters; a note has at most 500"):
        add_note(engine, ADMIN, "B01", *MARCH, "x" * 501, tree)
    with pytest.raises(NoteError, match="--unit: no unit 'ZZ'"):
        add_note(engine, ADMIN, "ZZ", *MARCH, "x", tree)
    with pytest.raises(NoteError, match="ID: no note 999"):
        remove_note(engine, ADMIN, 999, tree)


def test_note_days() -> None:
    assert note_days("2026-03") == MARCH
    assert note_days("2026-03-05") == (date(2026, 3, 5), date(2026, 3, 5))
    assert note_days("2026-07-20", "2026-08") == (date(2026, 7, 20), date(2026, 8, 31))
    with pytest.raises(NoteError, match="--to: 2026-02-28 is before --from 2026-03-01"):
        note_days("2026-03", "2026-02-28")
    with pytest.raises(NoteError, match="--from: 'March' is not a date or a month"):
        note_days("March")


def test_the_command_line(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    _units(engine)
    engine.dispose()
    run = CliRunner().invoke
    added = run(
        app, ["notes", "add", "--unit", "B01", "--from", "2026-03", "=1+1 hotline", "--db", db_url]
    )
    assert added.exit_code == 0, added.output
    bad = run(app, ["notes", "add", "--unit", "ZZ", "--from", "2026-03", "x", "--db", db_url])
    assert bad.exit_code == 2 and "--unit: no unit 'ZZ'" in bad.output
    late = run(
        app,
        [
            "notes",
            "add",
            "--unit",
            "B01",
            "--from",
            "2026-04",
            "--to",
            "2026-03",
            "x",
            "--db",
            db_url,
        ],
    )
    assert late.exit_code == 2 and "is before --from" in late.output
    listed = run(app, ["notes", "list", "--unit", "B01-S01", "--period", "2026-Q1", "--db", db_url])
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    # the export layer neutralises a formula-like text
    assert [(r["unit_id"], r["from_date"], r["to_date"], r["text"]) for r in rows] == [
        ("B01", "2026-03-01", "2026-03-31", "'=1+1 hotline")
    ]
    assert (
        run(
            app, ["notes", "list", "--unit", "B02", "--period", "2026-Q2", "--db", db_url]
        ).stdout.count("\n")
        == 1
    )
    assert run(app, ["notes", "list", "--period", "soon", "--db", db_url]).exit_code == 2
    assert run(app, ["notes", "remove", "42", "--db", db_url]).exit_code == 2
    assert run(app, ["notes", "remove", rows[0]["note_id"], "--db", db_url]).exit_code == 0
