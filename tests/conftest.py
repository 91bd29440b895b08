"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``OPENNESS_TEST_PG`` (an admin URL, default the local
server's ``test`` database). Each test run creates its own fresh database on
that server (one per xdist worker) and drops it afterwards. When the server is
missing the PostgreSQL tests fail: they never skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from import_helpers import UNITS, write
from spark_cluster import (
    SparkCluster,
    connect_ibis,
    connect_session,
    running_cluster,
    spark_missing,
)

from queries.model.db import init_db, make_engine
from queries.model.schema import metadata
from seed_data.generator import seed_database

# everything the tests read is inside the repository (CONTRIBUTING.md: the specification
# and the field cases are copied in with the change that handles them)
ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "docs" / "spec"
CASES = ROOT / "tests" / "cases"
REAL_RECORDS = ROOT / "examples" / "real" / "detroit-dpd-complaints" / "records"
# screenshots and rendered documents the tests leave for a person to look at (gitignored)
ARTIFACTS = ROOT / "tests" / "artifacts"

# Debian's Chromium (no browser download works here), started as the machine's
# closed network needs: no background requests, no sandbox as root
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

PG_ADMIN_URL = os.environ.get(
    "OPENNESS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def fresh_pg_database(label: str) -> Iterator[str]:
    """A new PostgreSQL database on the ``OPENNESS_TEST_PG`` server, named ``label`` and a
    random tail: its URL. Dropped when the block ends (its connections ended first)."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"{label}_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:  # pragma: no cover - CI must see this
        admin.dispose()
        pytest.fail(f"PostgreSQL is required for these tests ({PG_ADMIN_URL}): {exc.orig}")
    try:
        yield (
            sa.engine.make_url(PG_ADMIN_URL)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


@contextmanager
def own_database(kind: str, tmp: Path, label: str) -> Iterator[str]:
    """An empty database of a server a test starts itself: ``kind`` "sqlite" (a file in
    ``tmp``) or "postgresql" (:func:`fresh_pg_database`, not the shared
    ``pg_database_url``, which other tests of the worker wipe): its URL."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'openness.db'}"
    elif kind == "postgresql":
        with fresh_pg_database(label) as url:
            yield url
    else:
        raise ValueError(f"no database kind {kind!r}: sqlite or postgresql")


@pytest.fixture(scope="session")
def pg_database_url(worker_id: str) -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (and xdist worker)."""
    with fresh_pg_database(f"openness_test_{worker_id}") as url:
        yield url


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


def _wipe(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table.name}"))
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        conn.execute(sa.text("DROP TABLE IF EXISTS openness_alembic_version"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The URL of an empty, initialised database: a SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'openness.db'}"
        engine = make_engine(url)
        init_db(engine)
        engine.dispose()
        yield url
        return
    url = request.getfixturevalue("pg_database_url")
    engine = make_engine(url)
    _wipe(engine)
    init_db(engine)
    engine.dispose()
    yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


# the dashboard's AppTest suites (tests/dashboard_harness.py): the generator's tiny
# city (seed 7) up to this day, behind the URL the app reads
DASHBOARD_REF = date(2026, 6, 30)


@pytest.fixture
def fresh_caches() -> None:
    """Each test has its own database content behind the same URL (PostgreSQL): start
    with empty caches, as a newly started dashboard would."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def seeded(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    engine = make_engine(db_url)
    seed_database(engine, "tiny", 7, DASHBOARD_REF, progress=False)
    engine.dispose()
    monkeypatch.setenv("OPENNESS_DB", db_url)
    monkeypatch.delenv("OPENNESS_CONFIG", raising=False)
    return db_url


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="write tests/golden/ from the current code instead of comparing with it",
    )


@pytest.fixture
def regen_golden(request: pytest.FixtureRequest) -> bool:
    """True when the golden files are to be written (tests/golden.py)."""
    flag = bool(request.config.getoption("--regen-golden"))
    return flag or os.environ.get("OPENNESS_REGEN_GOLDEN") == "1"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright: one per test module."""
    import playwright.sync_api as playwright

    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Rejected-row files (and the frame cache) under a per-test data folder; no
    database of the person running the tests."""
    folder = tmp_path / "data"
    monkeypatch.setenv("OPENNESS_DATA", str(folder))
    monkeypatch.delenv("OPENNESS_DB", raising=False)
    return folder


@pytest.fixture
def units_csv(tmp_path: Path) -> Path:
    """The import tests' small unit tree (import_helpers.UNITS) as units.csv."""
    return write(tmp_path / "units.csv", UNITS)


# --- Apache Spark: a real standalone cluster on loopback (tests/spark_cluster.py) ---

SPARK_FIXTURES = {"spark_standalone", "spark_cluster", "spark_session", "spark_ibis"}
SPARK_LOGS = pytest.StashKey[SparkCluster]()


def pytest_itemcollected(item: pytest.Item) -> None:
    """A test using a Spark fixture is a ``spark`` test (``-m "not spark"`` leaves it
    out), and all of them run on one xdist worker (``--dist loadgroup``, marked here,
    before xdist reads the groups): one cluster per run, not one per worker. The tests
    of one ``browser`` module run on one worker too."""
    if SPARK_FIXTURES & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.spark)
    if item.get_closest_marker("spark"):
        item.add_marker(pytest.mark.xdist_group("spark"))
    elif item.get_closest_marker("browser") and isinstance(item, pytest.Function):
        # a browser module's tests on one worker: its module fixtures (a server, an
        # OpenID Connect provider, Chromium) start once, not once on each worker
        item.add_marker(pytest.mark.xdist_group(f"module-{item.module.__name__}"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In an xdist worker under ``--dist loadgroup``: pytest-xdist 3.8 sends a group's
    tests to one worker by appending ``@group`` to their node ids, which pytest 9.2's
    structured node ids no longer take (pytest-dev/pytest-xdist#1386, the tests of a
    group are spread over the workers): append it here while xdist does not."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        groups = sorted({str(m.args[0]) for m in item.iter_markers("xdist_group")})
        nodeid = item.nodeid
        if not groups or nodeid.rfind("@") > nodeid.rfind("]"):
            continue  # no group, or xdist has marked it already
        grouped = f"{nodeid}@{'_'.join(groups)}"
        if hasattr(item, "_id"):
            item._id = type(item._id).parse(grouped)
        else:
            item._nodeid = grouped


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed ``spark`` test shows the end of the cluster's logs."""
    report = yield
    cluster = item.config.stash.get(SPARK_LOGS, None)
    if report.failed and cluster is not None and item.get_closest_marker("spark"):
        report.sections.append(("Spark cluster logs", cluster.logs()))
    return report


@pytest.fixture(scope="session")
def spark_standalone(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SparkCluster]:
    """One master and two workers (1 core, 1 GiB each) on 127.0.0.1 for the whole run,
    stopped at its end. Without Java 17 or pyspark the Spark tests skip, except under
    ``./run test`` or in CI (``OPENNESS_REQUIRE_SPARK`` or ``CI`` set), where they fail."""
    missing = spark_missing()
    if missing is not None:
        if os.environ.get("OPENNESS_REQUIRE_SPARK") or os.environ.get("CI"):
            pytest.fail(f"the Spark tests must run here: {missing}")
        pytest.skip(missing)
    with running_cluster(tmp_path_factory.mktemp("spark")) as cluster:
        request.config.stash[SPARK_LOGS] = cluster
        yield cluster
        del request.config.stash[SPARK_LOGS]


@pytest.fixture(scope="session")
def spark_cluster(spark_standalone: SparkCluster) -> str:
    """The running cluster's master URL, ``spark://127.0.0.1:PORT``."""
    return spark_standalone.url


@pytest.fixture(scope="session")
def spark_session(spark_standalone: SparkCluster) -> Iterator[object]:
    """A SparkSession whose driver is this process and whose executors are one on
    each worker (both registered before it is handed out)."""
    session = connect_session(spark_standalone)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_ibis(spark_session: object) -> object:
    """An Ibis connection (pyspark backend) on :func:`spark_session`."""
    return connect_ibis(spark_session)
