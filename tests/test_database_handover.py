"""Databases as DBAs hand them over (issue 19): a password with ``@ : / # %`` written
raw, a server refusing the login, a database shared with another Alembic-managed
application, a schema of our own, a read-only database (a replica). Real servers:
the shared PostgreSQL (trust) and, for refused passwords, a private one that checks
them (scram-sha-256), started here."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from alembic import command
from conftest import PG_ADMIN_URL, fresh_pg_database, own_database
from dashboard_harness import app as dashboard
from import_helpers import UNITS
from typer.testing import CliRunner

from openness.cli import app
from queries.model import db as dbmod
from queries.model.db import head_revision, init_db, make_engine, schema_revision

# ours apart from another application's ``alembic_version`` (where ours was until 0006)
VERSION_TABLE = "openness_alembic_version"
LEGACY_VERSION_TABLE = "alembic_version"

# every character a URL's userinfo may not hold raw
PASSWORD = "p@ss:w/r#d%x"
FEEDBACK = (
    "case_id,unit_id,kind,channel,received_at,closed_at\n"
    "C1,PCS1,complaint,hotline,2026-03-02,2026-03-05\n"
    "C2,PCS1,enquiry,hotline,2026-03-03,2026-03-04\n"
)

pytestmark = pytest.mark.usefixtures("data_folder")


def cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, list(args))
    return res.exit_code, res.output


def one_line(output: str) -> str:
    assert output.startswith("error: ") and output.count("\n") == 1, output
    assert "Traceback" not in output
    return output


def with_password(url: str, user: str, password: str, *, raw: bool) -> str:
    u = sa.engine.make_url(url)
    secret = password if raw else quote(password, safe="")
    return f"postgresql+psycopg://{user}:{secret}@{u.host}:{u.port}/{u.database}"


# --- a server that checks passwords --------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def password_server() -> Iterator[str]:
    """A private PostgreSQL cluster on loopback that checks passwords (scram-sha-256),
    run as the ``postgres`` account: the admin URL of its ``postgres`` database."""
    bindir = Path("/usr/lib/postgresql/15/bin")
    runas = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    # its own folder under /tmp: pytest's is closed to the postgres account
    home = Path(tempfile.mkdtemp(prefix="openness-pgpw-"))
    if runas:
        shutil.chown(home, "postgres")
    pwfile = home / "pw"
    pwfile.write_text("admin-pw\n")
    pwfile.chmod(0o644)
    data, port = home / "data", _free_port()
    subprocess.run(
        [*runas, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
         "-A", "scram-sha-256", f"--pwfile={pwfile}"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [*runas, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(home / "log"),
         "-o", f"-p {port} -k {home} -c listen_addresses=127.0.0.1", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres:admin-pw@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*runas, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
        )
        shutil.rmtree(home, ignore_errors=True)


def test_a_raw_password_is_one_line_with_the_hint_and_never_printed(
    password_server: str,
) -> None:
    admin = sa.create_engine(password_server, isolation_level="AUTOCOMMIT")
    user = f"clerk_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(
            f"CREATE ROLE {user} LOGIN CREATEDB PASSWORD '{PASSWORD}'".replace("%", "%%")
        )
        conn.exec_driver_sql(f"CREATE DATABASE {user} OWNER {user}")
    admin.dispose()
    raw = with_password(password_server, user, PASSWORD, raw=True).replace("/postgres", f"/{user}")
    for command_ in (["init"], ["users", "list"], ["indicators", "--period", "2026"]):
        code, out = cli(*command_, "--db", raw)
        assert code == 2, out
        one_line(out)
        assert "percent-encoded" in out and "%40" in out, out
        # no piece of the password: not "ss:w", "r#d", nor the decoded tail
        for piece in ("ss:w", "w/r", "r#d", "d%x"):
            assert piece not in out, out
        assert f"{user}:***@127.0.0.1:" in out, out
    # the same password percent-encoded: the role is real and signs in
    encoded = with_password(password_server, user, PASSWORD, raw=False)
    encoded = encoded.replace("/postgres", f"/{user}")
    code, out = cli("init", "--db", encoded)
    assert code == 0, out
    assert "schema created" in out
    # a wrong password (a %41 read as "A"): the server refuses the login, one line, hint
    wrong = encoded.replace(quote(PASSWORD, safe=""), "p%41ss")
    for command_ in (["init"], ["users", "list"]):
        code, out = cli(*command_, "--db", wrong)
        assert code == 2, out
        one_line(out)
        assert "password authentication failed" in out and "percent-encoded" in out, out
        assert "pAss" not in out and "p%41ss" not in out, out


# --- another application's Alembic, our own version table -----------------------------


def _other_app_version(engine: sa.Engine, revision: str = "ae1027a6acf") -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"
        )
        conn.exec_driver_sql(f"INSERT INTO alembic_version VALUES ('{revision}')")


def _versions(engine: sa.Engine, table: str) -> list[str]:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(table):
            return []
        return list(conn.execute(sa.text(f"SELECT version_num FROM {table}")).scalars())


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_shared_with_another_alembic_application(kind: str, tmp_path: Path) -> None:
    with own_database(kind, tmp_path, "shared_alembic") as url:
        engine = make_engine(url)
        _other_app_version(engine)
        code, out = cli("init", "--db", url)
        assert code == 0, out
        assert "schema created" in out
        # theirs untouched, ours apart
        assert _versions(engine, LEGACY_VERSION_TABLE) == ["ae1027a6acf"]
        assert _versions(engine, VERSION_TABLE) == [head_revision()]
        (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
        code, out = cli("import", str(tmp_path / "units.csv"), "--db", url)
        assert code == 0, out
        code, out = cli("users", "list", "--db", url)
        assert code == 0, out
        engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_deployment_from_before_our_own_version_table_upgrades(kind: str, tmp_path: Path) -> None:
    with own_database(kind, tmp_path, "legacy_alembic") as url:
        engine = make_engine(url)
        # as revisions up to 0006 left it: our revision in alembic_version, at 0005
        cfg = dbmod._alembic_config(engine)
        cfg.attributes["version_table"] = LEGACY_VERSION_TABLE
        command.upgrade(cfg, "0005_sign_in")
        assert _versions(engine, LEGACY_VERSION_TABLE) == ["0005_sign_in"]
        assert schema_revision(engine) == "0005_sign_in"
        code, out = cli("init", "--db", url)
        assert code == 0, out
        assert f"schema upgraded 0005_sign_in -> {head_revision()}" in out
        assert _versions(engine, VERSION_TABLE) == [head_revision()]
        with engine.connect() as conn:  # the old table held only ours: gone
            assert not sa.inspect(conn).has_table(LEGACY_VERSION_TABLE)
        engine.dispose()


# --- a schema of our own ----------------------------------------------------------------


def test_a_schema_of_our_own_works_end_to_end(tmp_path: Path) -> None:
    with fresh_pg_database("own_schema") as base:
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("CREATE SCHEMA openness")
        # another application in public, with its own Alembic
        _other_app_version(admin)
        url = f"{base}?options={quote('-csearch_path=openness', safe='')}"
        assert cli("init", "--db", url)[0] == 0
        (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
        (tmp_path / "2026-03_feedback.csv").write_text(FEEDBACK, encoding="utf-8")
        code, out = cli(
            "import", str(tmp_path / "units.csv"), str(tmp_path / "2026-03_feedback.csv"),
            "--db", url,
        )  # fmt: skip
        assert code == 0, out
        code, out = cli("indicators", "--period", "2026-03", "--as-of", "2026-04-30",
                        "--db", url)  # fmt: skip
        assert code == 0, out
        # PCS1's two cases are in the table: the engine read our schema
        rows = [line for line in out.splitlines() if line.startswith("PCS1,")]
        assert len(rows) == 1, out
        with admin.connect() as conn:
            ours = set(sa.inspect(conn).get_table_names(schema="openness"))
            public = set(sa.inspect(conn).get_table_names(schema="public"))
            n = conn.exec_driver_sql("SELECT count(*) FROM openness.feedback").scalar()
        assert {"units", "feedback", "audit_event", VERSION_TABLE} <= ours
        assert public == {"alembic_version"}
        assert n == 2
        admin.dispose()


# --- read-only databases ----------------------------------------------------------------


WRITERS = [
    ["init"],
    ["import", "{units}"],
    ["users", "add", "ann@bureau.example", "--role", "viewer"],
    ["users", "remove", "ann@bureau.example"],
    ["lake", "export", "{lake}"],
    ["seed", "--scale", "tiny"],
    # the commands of goals, notes, jobs and removals (issues 19, 20, 21)
    ["goals", "set", "R_ONTIME", "0.95"],
    ["goals", "remove", "1"],
    ["notes", "add", "--unit", "A", "--from", "2026-03-01", "new hotline system"],
    ["notes", "remove", "1"],
    [
        "jobs",
        "add",
        "publish",
        "--name",
        "nightly",
        "--schedule",
        "0 2 * * *",
        "--period",
        "previous-month",
        "--out",
        "{lake}",
    ],
    ["jobs", "remove", "nightly"],
    ["jobs", "run", "nightly"],
    ["jobs", "run-due"],
    ["records", "remove", "feedback", "F1", "--reason", "imported twice"],
]


def _read_only_urls(kind: str, url: str, stack: list[sa.Engine], readers: list[str]) -> list[str]:
    """The read-only ways in to an initialised database ``url``: SQLite's mode=ro;
    PostgreSQL's default_transaction_read_only and a role that may only SELECT (its
    name added to ``readers``, for :func:`_drop_readers`)."""
    if kind == "sqlite":
        path = sa.engine.make_url(url).database
        return [f"sqlite:///file:{path}?mode=ro&uri=true"]
    u = sa.engine.make_url(url)
    reader = f"reader_{uuid.uuid4().hex[:6]}"
    readers.append(reader)
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    stack.append(admin)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {reader} LOGIN")
    owner = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {reader}")
        conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}")
    owner.dispose()
    replica = fresh_replica(url, admin)
    return [replica, u.set(username=reader).render_as_string(hide_password=False)]


def fresh_replica(url: str, admin: sa.Engine) -> str:
    """A copy of ``url``'s database whose server takes no writes (as a hot standby's:
    default_transaction_read_only on)."""
    name = sa.engine.make_url(url).database
    copy = f"{name}_ro"
    with admin.connect() as conn:
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        conn.exec_driver_sql(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
        conn.exec_driver_sql(f'ALTER DATABASE "{copy}" SET default_transaction_read_only = on')
    return sa.engine.make_url(url).set(database=copy).render_as_string(hide_password=False)


def _drop_readers(url: str, readers: list[str]) -> None:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = sa.engine.make_url(url).database
    with admin.connect() as conn:
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (f"{name}_ro",),
        )
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}_ro"')
        for reader in readers:
            db_owner = sa.create_engine(url, isolation_level="AUTOCOMMIT")
            with db_owner.connect() as c:
                c.exec_driver_sql(f"DROP OWNED BY {reader}")
            db_owner.dispose()
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {reader}")
    admin.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_every_writing_command_says_read_only(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    with own_database(kind, tmp_path, "read_only") as url:
        engine = make_engine(url)
        init_db(engine)
        engine.dispose()
        assert cli("import", str(tmp_path / "units.csv"), "--db", url)[0] == 0
        stack: list[sa.Engine] = []
        readers: list[str] = []
        try:
            for ro in _read_only_urls(kind, url, stack, readers):
                for args in WRITERS:
                    given = [
                        a.format(units=tmp_path / "units.csv", lake=tmp_path / "lake") for a in args
                    ]
                    code, out = cli(*given, "--db", ro)
                    assert code == 2, (ro, given, out)
                    assert "is read-only" in one_line(out), out
                # reading still works
                code, out = cli("users", "list", "--db", ro)
                assert code == 0, (ro, out)
                # serve refuses before starting anything, saying why
                code, out = cli("serve", "--port", str(_free_port()), "--db", ro)
                assert code == 2, out
                assert "read-only" in one_line(out) and "audit trail" in out, out
        finally:
            for e in stack:
                e.dispose()
            if kind == "postgresql":
                _drop_readers(url, readers)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_dashboard_on_a_read_only_database_says_so(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_caches: None
) -> None:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    with own_database(kind, tmp_path, "read_only_page") as url:
        assert cli("import", str(tmp_path / "units.csv"), "--db", url)[0] == 0
        stack: list[sa.Engine] = []
        readers: list[str] = []
        try:
            ro = _read_only_urls(kind, url, stack, readers)[0]
            monkeypatch.setenv("OPENNESS_DB", ro)
            for lang, said in (("en", "read-only"), ("zh", "只读")):
                at = dashboard(lang=lang)
                at.run()
                assert not at.exception, [e.message for e in at.exception]
                assert any(said in e.value for e in at.error), [e.value for e in at.error]
        finally:
            for e in stack:
                e.dispose()
            if kind == "postgresql":
                _drop_readers(url, readers)
