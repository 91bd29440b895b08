"""queries.access.users and ``openness users``: roles in the database, every change audited."""

from __future__ import annotations

import polars as pl
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from openness.cli import app
from queries.access import audit
from queries.access.roles import Person, Role
from queries.access.users import UserError, add_user, find_person, list_users, remove_user
from queries.model.schema import units


def _units(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.insert(units),
            [
                {
                    "unit_id": "HQ",
                    "name": "市局",
                    "parent_id": None,
                    "level": "bureau",
                    "kind": "comprehensive",
                },
                {
                    "unit_id": "B01",
                    "name": "一分局",
                    "parent_id": "HQ",
                    "level": "branch",
                    "kind": "comprehensive",
                },
            ],
        )


def test_add_list_remove(engine: sa.Engine) -> None:
    _units(engine)
    assert add_user(engine, " Head@Bureau.CN ", "unit_head", "B01", by="t") == Person(
        "head@bureau.cn", Role.UNIT_HEAD, "B01"
    )
    add_user(engine, "lead@bureau.cn", "leadership", by="t")
    # one role a person: adding again replaces it
    add_user(engine, "lead@bureau.cn", "viewer", by="t")
    listed = list_users(engine).select("email", "role", "unit_id")
    expected = pl.DataFrame(
        {
            "email": ["head@bureau.cn", "lead@bureau.cn"],
            "role": ["unit_head", "viewer"],
            "unit_id": ["B01", None],
        }
    )
    assert listed.equals(expected)
    assert find_person(engine, "HEAD@bureau.cn") == Person("head@bureau.cn", Role.UNIT_HEAD, "B01")
    remove_user(engine, "head@bureau.cn", by="t")
    assert find_person(engine, "head@bureau.cn") is None
    assert find_person(engine, None) is None
    trail = audit.read(engine)
    assert trail["event"].to_list() == ["users_changed"] * 4
    assert trail["user"].to_list() == ["t"] * 4
    assert trail["detail"].to_list() == [
        "add head@bureau.cn: unit_head B01",
        "add lead@bureau.cn: leadership",
        "add lead@bureau.cn: viewer (was leadership)",
        "remove head@bureau.cn: unit_head B01",
    ]


@pytest.mark.parametrize(
    ("email", "role", "unit", "message"),
    [
        ("nobody", "viewer", None, "EMAIL"),
        ("a@b.cn", "chief", None, "--role"),
        ("a@b.cn", "unit_head", None, "--unit"),
        ("a@b.cn", "viewer", "B01", "--unit"),
        ("a@b.cn", "unit_head", "B99", "no unit 'B99'"),
    ],
)
def test_bad_adds_name_the_field_and_write_nothing(
    engine: sa.Engine, email: str, role: str, unit: str | None, message: str
) -> None:
    _units(engine)
    with pytest.raises(UserError, match=message):
        add_user(engine, email, role, unit)
    assert list_users(engine).is_empty()
    assert audit.read(engine).is_empty()


def test_the_cli(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    _units(engine)
    run = CliRunner().invoke
    ok = run(
        app,
        ["users", "add", "head@bureau.cn", "--role", "unit_head", "--unit", "B01", "--db", db_url],
    )
    assert ok.exit_code == 0, ok.output
    bad = run(app, ["users", "add", "x@bureau.cn", "--role", "unit_head", "--db", db_url])
    assert bad.exit_code == 2
    assert "--unit" in bad.output and "Traceback" not in bad.output
    listed = run(app, ["users", "list", "--db", db_url])
    assert listed.exit_code == 0
    assert listed.stdout.splitlines()[:2] == [
        "email,role,unit_id,added_at",
        listed.stdout.splitlines()[1],
    ]
    assert listed.stdout.splitlines()[1].startswith("head@bureau.cn,unit_head,B01,")
    gone = run(app, ["users", "remove", "nobody@bureau.cn", "--db", db_url])
    assert gone.exit_code == 2 and "has no role" in gone.output
    assert run(app, ["users", "remove", "head@bureau.cn", "--db", db_url]).exit_code == 0
    trail = audit.read(engine)
    assert trail["detail"].to_list() == [
        "add head@bureau.cn: unit_head B01",
        "remove head@bureau.cn: unit_head B01",
    ]
    assert all(u.startswith("cli") for u in trail["user"])
    engine.dispose()
