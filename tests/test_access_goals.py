"""queries.access.goals and ``openness goals``: set, list, remove on SQLite and
PostgreSQL; who may (admins and leadership); every change and refusal audited; the
goals in ``openness indicators``."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from openness.cli import app
from queries.access import audit
from queries.access.gate import Denied
from queries.access.goals import GoalError, list_goals, remove_goal, set_goal
from queries.access.roles import Person, Role
from queries.model.schema import units

ADMIN = Person("admin@bureau.cn", Role.ADMIN)
LEADER = Person("lead@bureau.cn", Role.LEADERSHIP)


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
                    "kind": "management",
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


def test_set_list_replace_remove_audited(engine: sa.Engine) -> None:
    _units(engine)
    g1 = set_goal(engine, LEADER, "R_ONTIME", "0.95", from_year=2026)
    g2 = set_goal(engine, ADMIN, "R_CLOSE_DAYS", 5, kind="window", from_year=2026)
    g3 = set_goal(engine, LEADER, "S_SATISFACTION", 0.9, unit_id="B01", from_year=2027)
    # the same indicator, scope and year again: replaced (a new id), not added
    g4 = set_goal(engine, LEADER, "R_ONTIME", 0.96, from_year=2026)
    listed = list_goals(engine).select(
        "goal_id", "code", "value", "level", "kind", "unit_id", "from_year", "set_by"
    )
    assert listed.rows() == [
        (g2, "R_CLOSE_DAYS", 5.0, None, "window", None, 2026, "admin@bureau.cn"),
        (g4, "R_ONTIME", 0.96, None, None, None, 2026, "lead@bureau.cn"),
        (g3, "S_SATISFACTION", 0.9, None, None, "B01", 2027, "lead@bureau.cn"),
    ]
    assert g1 not in listed["goal_id"].to_list()
    remove_goal(engine, ADMIN, g3)
    assert list_goals(engine)["goal_id"].to_list() == [g2, g4]
    trail = audit.read(engine, events=("changed",))
    assert trail["detail"].to_list() == [
        f"goal {g1} set: R_ONTIME 0.95 for all units from 2026",
        f"goal {g2} set: R_CLOSE_DAYS 5 for kind window from 2026",
        f"goal {g3} set: S_SATISFACTION 0.9 for unit B01 from 2027",
        f"goal {g4} set: R_ONTIME 0.96 for all units from 2026 (replaces goal {g1}: 0.95)",
        f"goal {g3} removed: S_SATISFACTION 0.9 from 2027",
    ]
    assert trail["user"].to_list()[-1] == "admin@bureau.cn"


@pytest.mark.parametrize("role", [Role.UNIT_HEAD, Role.LIAISON, Role.VIEWER])
def test_other_roles_are_refused_where_goals_are_written(engine: sa.Engine, role: Role) -> None:
    _units(engine)
    who = Person("x@bureau.cn", role, "B01" if role == Role.UNIT_HEAD else None)
    with pytest.raises(Denied):
        set_goal(engine, who, "R_ONTIME", 0.9, unit_id="B01", from_year=2026)
    gid = set_goal(engine, ADMIN, "R_ONTIME", 0.9, from_year=2026)
    with pytest.raises(Denied):
        remove_goal(engine, who, gid)
    assert list_goals(engine)["goal_id"].to_list() == [gid]  # nothing written, nothing removed
    denied = audit.read(engine, events=("denied",))
    assert denied["detail"].to_list() == ["goals: set R_ONTIME", f"goals: remove {gid}"]
    assert denied["user"].to_list() == ["x@bureau.cn"] * 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("R_ONTIME", "95"), "VALUE: 95 is not a fraction 0..1 for R_ONTIME (write 95% as 0.95)"),
        (("R_ONTIME", "abc"), "VALUE: 'abc' is not a number"),
        (("R_ONTIME", "120%"), "VALUE: 120% is more than 100%"),
        (("R_ONTIME", "%"), "VALUE: '%' is not a number"),
        (
            ("R_CLOSE_DAYS", "20%"),
            "VALUE: '20%' is a percentage; R_CLOSE_DAYS is in days (write 20% as a number of days)",
        ),
        (("R_ONTIME", "-1"), "VALUE: -1 is not a number >= 0"),
        (("X_NOPE", "0.5"), "CODE: 'X_NOPE' is not an indicator code"),
    ],
)
def test_bad_goals_name_the_argument(
    engine: sa.Engine, args: tuple[str, str], message: str
) -> None:
    _units(engine)
    with pytest.raises(GoalError) as info:
        set_goal(engine, ADMIN, *args, from_year=2026)
    assert str(info.value) == message
    with pytest.raises(GoalError, match="--level, --kind, --unit: give at most one"):
        set_goal(engine, ADMIN, "R_ONTIME", 0.9, level="branch", kind="window")
    with pytest.raises(GoalError, match="--unit: no unit 'ZZ'"):
        set_goal(engine, ADMIN, "R_ONTIME", 0.9, unit_id="ZZ")
    with pytest.raises(GoalError, match="--kind: 'shop' is not a unit kind"):
        set_goal(engine, ADMIN, "R_ONTIME", 0.9, kind="shop")
    with pytest.raises(GoalError, match="ID: no goal 99"):
        remove_goal(engine, ADMIN, 99)
    assert list_goals(engine).is_empty()


def test_a_share_given_as_a_percentage(engine: sa.Engine) -> None:
    """A percentage is what a person types for a share: 92.5% (or 92.5％) is 0.925."""
    _units(engine)
    db_url = engine.url.render_as_string(hide_password=False)
    for text, code in (("92.5%", "R_REPLY"), ("80％", "R_ONTIME")):
        done = CliRunner().invoke(app, ["goals", "set", code, text, "--db", db_url])
        assert done.exit_code == 0, done.output
    goals = list_goals(engine).sort("code")
    assert goals.select("code", "value").rows() == [("R_ONTIME", 0.8), ("R_REPLY", 0.925)]


def test_the_command_line(db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = sa.create_engine(db_url)
    _units(engine)
    run = CliRunner().invoke
    ok = run(
        app,
        ["goals", "set", "R_ONTIME", "0.95", "--level", "branch", "--from", "2026", "--db", db_url],
    )
    assert ok.exit_code == 0, ok.output
    bad = run(app, ["goals", "set", "R_ONTIME", "95", "--db", db_url])
    assert bad.exit_code == 2
    assert "VALUE: 95 is not a fraction 0..1" in bad.output and "Traceback" not in bad.output
    assert (
        run(app, ["goals", "set", "R_ONTIME", "0.9", "--from", "soon", "--db", db_url]).exit_code
        == 2
    )
    listed = run(app, ["goals", "list", "--db", db_url])
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(r["code"], r["value"], r["level"], r["from_year"]) for r in rows] == [
        ("R_ONTIME", "0.95", "branch", "2026")
    ]
    assert rows[0]["set_by"].startswith("cli")
    # the indicator table: R_ONTIME_goal after R_ONTIME_hi, the branch's goal, none for
    # the bureau (a goal for branches only)
    table = run(app, ["indicators", "--period", "2026-Q1", "--as-of", "2026-04-10", "--db", db_url])
    assert table.exit_code == 0, table.output
    got = list(csv.DictReader(io.StringIO(table.stdout.lstrip("\ufeff"))))
    header = list(got[0])
    assert header[header.index("R_ONTIME_hi") + 1] == "R_ONTIME_goal"
    assert [(r["unit_id"], r["R_ONTIME_goal"]) for r in got] == [("B01", "0.95"), ("HQ", "")]
    assert run(app, ["goals", "remove", "7", "--db", db_url]).exit_code == 2
    assert run(app, ["goals", "remove", rows[0]["goal_id"], "--db", db_url]).exit_code == 0
    assert run(app, ["goals", "list", "--db", db_url]).stdout.strip() == (
        "goal_id,code,value,level,kind,unit_id,from_year,set_by,set_at"
    )
    engine.dispose()
