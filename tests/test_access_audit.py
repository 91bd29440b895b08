"""queries.access.audit and ``openness audit``: append-only, filters, CSV and JSON."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from openness.cli import app
from queries.access import audit
from queries.access.roles import Person, Role
from queries.model.schema import audit_event

HEAD = Person("head@bureau.cn", Role.UNIT_HEAD, "B01")
VIEWER = Person("=cmd@bureau.cn", Role.VIEWER)


def _three(engine: sa.Engine) -> None:
    where = audit.Where("unit", "B01", "2026-Q2", datetime(2026, 6, 30, 23, 59, 59))
    audit.write(engine, "sign_in", HEAD, at=datetime(2026, 11, 1, 9, 0))
    audit.write(
        engine,
        "view_records",
        HEAD,
        where,
        records=17,
        detail="records R_ONTIME",
        at=datetime(2026, 11, 2, 9, 0),
    )
    audit.write(
        engine,
        "denied",
        VIEWER,
        where,
        detail="records",
        at=datetime(2026, 11, 3, 9, 0),
        iss="https://idp.example",
        sub="sub-1",
    )


def test_write_and_read(engine: sa.Engine) -> None:
    _three(engine)
    trail = audit.read(engine)
    assert trail.columns == [
        "at",
        "user",
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
    ]
    assert trail.row(1) == (
        datetime(2026, 11, 2, 9, 0),
        "head@bureau.cn",
        None,
        None,
        "unit_head",
        "view_records",
        "unit",
        "B01",
        "2026-Q2",
        datetime(2026, 6, 30, 23, 59, 59),
        17,
        "records R_ONTIME",
    )
    assert audit.read(engine, since=datetime(2026, 11, 2))["event"].to_list() == [
        "view_records",
        "denied",
    ]
    assert audit.read(engine, user="HEAD@bureau.cn")["event"].to_list() == [
        "sign_in",
        "view_records",
    ]
    assert audit.read(engine, events=("denied",)).height == 1
    assert audit.read(engine, limit=1)["event"].to_list() == ["denied"]
    assert audit.people(engine) == ["=cmd@bureau.cn", "head@bureau.cn"]
    with pytest.raises(ValueError, match="unknown audit event"):
        audit.write(engine, "peek", HEAD)


def test_the_database_refuses_updates_and_deletes(engine: sa.Engine) -> None:
    _three(engine)
    for stmt in (
        sa.update(audit_event).values(user_email="someone@else.cn"),
        sa.delete(audit_event),
    ):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(stmt)
    assert audit.read(engine).height == 3
    assert set(audit.read(engine)["user"]) == {"head@bureau.cn", "=cmd@bureau.cn"}


def test_the_cli(db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = sa.create_engine(db_url)
    _three(engine)
    engine.dispose()
    run = CliRunner().invoke
    res = run(app, ["audit", "--db", db_url, "--since", "2026-11-02"])
    assert res.exit_code == 0, res.output
    lines = res.stdout_bytes.decode("utf-8-sig").splitlines()
    assert lines == [
        "at,user,iss,sub,role,event,page,unit_id,period,as_of,records,detail",
        "2026-11-02 09:00:00,head@bureau.cn,,,unit_head,view_records,unit,B01,2026-Q2,2026-06-30 23:59:59,17,records R_ONTIME",
        # a cell a spreadsheet would run as a formula starts with '
        "2026-11-03 09:00:00,'=cmd@bureau.cn,https://idp.example,sub-1,viewer,denied,unit,B01,2026-Q2,2026-06-30 23:59:59,,records",
    ]
    assert res.stdout_bytes.startswith(b"\xef\xbb\xbf")
    out = tmp_path / "trail.json"
    res = run(
        app,
        [
            "audit",
            "--db",
            db_url,
            "--user",
            "head@bureau.cn",
            "--format",
            "json",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [r["event"] for r in rows] == ["sign_in", "view_records"]
    assert rows[1]["at"] == "2026-11-02T09:00:00" and rows[1]["records"] == 17
    assert rows[0]["unit_id"] is None
    bad = run(app, ["audit", "--db", db_url, "--since", "yesterday"])
    assert bad.exit_code == 2 and "--since" in bad.output
    bad = run(app, ["audit", "--db", db_url, "--format", "xml"])
    assert bad.exit_code == 2
