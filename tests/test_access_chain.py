"""The audit trail shows tampering (access.md "Audit trail"): TRUNCATE refused, each
event chained to the one before by an HMAC keyed outside the database, and `openness
audit verify` naming the first broken link and every back-dated event."""

from __future__ import annotations

import os
import stat
import subprocess
import threading
import uuid
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from audit_helpers import deploy_grants, event_ids, without_triggers, writer_command
from conftest import PG_ADMIN_URL
from typer.testing import CliRunner

from openness.cli import app
from queries.access import audit
from queries.access.roles import Person, Role
from queries.model.db import init_db, make_engine

HEAD = Person("head@bureau.cn", Role.UNIT_HEAD, "B01")


@pytest.fixture
def keyed(data_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default key file, under this test's data folder."""
    monkeypatch.delenv("OPENNESS_CONFIG", raising=False)
    return data_folder / "audit.key"


def _five(engine: sa.Engine) -> None:
    for day in range(1, 6):
        audit.write(
            engine,
            "view_records",
            HEAD,
            audit.Where("unit", "B01"),
            records=day,
            detail=f"records day {day}",
            at=datetime(2026, 11, day, 9, 0),
        )


def _verify(db_url: str, *extra: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["audit", "verify", "--db", db_url, *extra])
    return res.exit_code, res.output


def test_a_whole_trail_verifies(db_url: str, engine: sa.Engine, keyed: Path) -> None:
    _five(engine)
    assert stat.S_IMODE(keyed.stat().st_mode) == 0o600  # made on the first write
    code, out = _verify(db_url)
    ids = event_ids(db_url)
    assert code == 0, out
    assert f"whole: 5 events chained, {ids[0]} to {ids[-1]}" in out
    # the chain's head names the last event: nothing to report on a whole trail
    assert "broken" not in out


def test_truncate_is_refused(engine: sa.Engine, keyed: Path) -> None:
    _five(engine)
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (a DELETE is refused: test_access_audit)")
    for table in ("audit_event", "audit_chain"):
        with pytest.raises(sa.exc.DatabaseError), engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {table}")
    assert audit.read(engine).height == 5


def test_the_chain_head_cannot_be_deleted(engine: sa.Engine, keyed: Path) -> None:
    _five(engine)
    with pytest.raises(sa.exc.DatabaseError, match="head"), engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_chain")


def test_a_changed_event_is_named(db_url: str, engine: sa.Engine, keyed: Path) -> None:
    _five(engine)
    third = event_ids(db_url)[2]
    without_triggers(
        engine,
        "UPDATE audit_event SET detail = 'nothing to see' WHERE event_id = :id",
        {"id": third},
    )
    code, out = _verify(db_url)
    assert code == 1, out
    assert f"broken: event {third} (2026-11-03 09:00:00): its mac does not match" in out
    assert "NOT whole" in out


def test_a_deleted_event_is_found(db_url: str, engine: sa.Engine, keyed: Path) -> None:
    _five(engine)
    ids = event_ids(db_url)
    without_triggers(engine, "DELETE FROM audit_event WHERE event_id = :id", {"id": ids[1]})
    code, out = _verify(db_url)
    # the link of the event after it no longer holds
    assert code == 1, out
    assert f"broken: event {ids[2]} (2026-11-03 09:00:00)" in out


def test_a_cut_end_is_found(db_url: str, engine: sa.Engine, keyed: Path) -> None:
    _five(engine)
    ids = event_ids(db_url)
    without_triggers(engine, "DELETE FROM audit_event WHERE event_id = :id", {"id": ids[-1]})
    code, out = _verify(db_url)
    assert code == 1, out
    assert (
        f"the chain's head names event {ids[-1]} as the last, the trail has event {ids[-2]}" in out
    )


def test_a_forged_back_dated_insert_is_found(db_url: str, engine: sa.Engine, keyed: Path) -> None:
    _five(engine)
    with engine.begin() as conn:  # inserts are allowed: only the mac gives it away
        conn.execute(
            sa.text(
                "INSERT INTO audit_event (at, user_email, role, event, mac) "
                "VALUES (:at, 'head@bureau.cn', 'unit_head', 'sign_out', :mac)"
            ),
            {"at": datetime(2026, 11, 2, 18, 0), "mac": "ab" * 32},
        )
    forged = event_ids(db_url)[-1]
    code, out = _verify(db_url)
    assert code == 1, out
    lines = [line for line in out.splitlines() if line.startswith("broken:")]
    assert lines[0] == f"broken: event {forged} (2026-11-02 18:00:00): its mac does not match: " + (
        "it was changed, slipped in, or an event before it was removed"
    )
    assert lines[1] == (
        f"broken: event {forged} (2026-11-02 18:00:00): stamped earlier than event "
        f"{forged - 1} before it (2026-11-05 09:00:00)"
    )


def test_a_wrong_key_says_so(db_url: str, engine: sa.Engine, keyed: Path, tmp_path: Path) -> None:
    _five(engine)
    other = tmp_path / "other.key"
    other.write_text("f" * 64 + "\n", encoding="ascii")
    config = tmp_path / "settings.toml"
    config.write_text(f'audit_key_file = "{other}"\n', encoding="utf-8")
    code, out = _verify(db_url, "--config", str(config))
    assert code == 2, out
    assert "the audit key file is not the key the trail is chained with" in out
    # nor does a write with that key join the chain
    with pytest.raises(ValueError, match="not the key the trail is chained with"):
        audit.write(engine, "sign_in", HEAD, key=other.read_bytes().strip())
    code, out = _verify(db_url, "--config", str(tmp_path / "missing.toml"))
    assert code == 2 and out.count("\n") == 1, out
    missing = tmp_path / "none.toml"
    missing.write_text(f'audit_key_file = "{tmp_path / "none.key"}"\n', encoding="utf-8")
    code, out = _verify(db_url, "--config", str(missing))
    assert code == 2 and "none.key: no such file" in out, out


def test_events_before_the_chain_are_counted_apart(
    db_url: str, engine: sa.Engine, keyed: Path
) -> None:
    # as migration 0004 finds them: events without a mac, then the chain begins
    with engine.begin() as conn:
        for day in (1, 2):
            conn.execute(
                sa.text(
                    "INSERT INTO audit_event (at, user_email, event) "
                    "VALUES (:at, 'old@bureau.cn', 'sign_in')"
                ),
                {"at": datetime(2026, 10, day, 9, 0)},
            )
    _five(engine)
    code, out = _verify(db_url)
    assert code == 0, out
    assert "5 events chained" in out and "2 earlier events" in out


def test_concurrent_appends_chain_one_after_another(
    db_url: str, engine: sa.Engine, keyed: Path
) -> None:
    """Four threads here and two other processes append at once; the chain holds."""
    procs = [
        subprocess.Popen(writer_command(db_url, f"proc{i}@bureau.cn", 25), env=os.environ.copy())
        for i in range(2)
    ]

    def thread_writes(i: int) -> None:
        who = Person(f"thread{i}@bureau.cn", Role.VIEWER)
        for n in range(25):
            audit.write(engine, "download", who, audit.Where(page="unit"), records=n)

    threads = [threading.Thread(target=thread_writes, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert len(event_ids(db_url)) == 6 * 25
    code, out = _verify(db_url)
    assert code == 0, out
    assert "whole: 150 events chained" in out


def test_the_deploy_guide_s_service_user_cannot_go_around_the_triggers(
    data_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/deploy.md's two roles, its grants run as written: the service user appends
    and verifies, and can neither truncate, delete, nor disable or drop a trigger."""
    monkeypatch.delenv("OPENNESS_CONFIG", raising=False)
    tag = uuid.uuid4().hex[:8]
    owner, service, name = f"owner_{tag}", f"app_{tag}", f"openness_roles_{tag}"
    grants = deploy_grants().replace("openness_app", service)
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {owner} LOGIN")
        conn.exec_driver_sql(f"CREATE ROLE {service} LOGIN")
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" OWNER {owner}')
    base = sa.engine.make_url(PG_ADMIN_URL).set(database=name)
    as_owner = make_engine(base.set(username=owner).render_as_string(hide_password=False))
    as_service = make_engine(base.set(username=service).render_as_string(hide_password=False))
    try:
        init_db(as_owner)
        with as_owner.begin() as conn:
            conn.exec_driver_sql(grants)
        _five(as_service)
        for sql in (
            "TRUNCATE audit_event",
            "DELETE FROM audit_event",
            "ALTER TABLE audit_event DISABLE TRIGGER USER",
            "DROP TRIGGER audit_event_no_change ON audit_event",
            "TRUNCATE audit_chain",
        ):
            with pytest.raises(sa.exc.ProgrammingError), as_service.begin() as conn:
                conn.exec_driver_sql(sql)
        url = as_service.url.render_as_string(hide_password=False)
        code, out = _verify(url)
        assert code == 0 and "5 events chained" in out, out
    finally:
        as_owner.dispose()
        as_service.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {service}")
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {owner}")
        admin.dispose()
