"""``openness serve`` and ``openness demo``: the Streamlit dashboard.

The dashboard runs as ``streamlit run dashboard/app.py`` in a child process;
the database URL and the settings file reach it through the environment
(``OPENNESS_DB``, ``OPENNESS_CONFIG``). It listens on 127.0.0.1 unless
``--address`` says otherwise: the internal dashboard shows record-level data.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import sqlalchemy as sa

from openness.app import EXIT_USAGE, DbOption, app, err, fail, open_database

APP_PATH = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
DEFAULT_PORT = 8501
DEFAULT_ADDRESS = "127.0.0.1"
DEMO_SEED = 42

PortOption = Annotated[int, typer.Option("--port", help="TCP port to listen on.", min=1, max=65535)]
AddressOption = Annotated[
    str,
    typer.Option(
        "--address",
        help="Address to listen on. The default, 127.0.0.1, reaches this machine only: "
        "the internal dashboard shows record-level data.",
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", help="Settings TOML file (methodology.md, Configuration).", dir_okay=False
    ),
]


def streamlit_command(port: int, address: str) -> list[str]:
    """The command line that runs the dashboard."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_PATH),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "minimal",
        "--client.showErrorDetails",
        "none",
        # lets `_warm_up` run the entry script once before the first reader arrives
        "--server.scriptHealthCheckEnabled",
        "true",
        "--theme.base",
        "light",
        "--theme.primaryColor",
        "#1f4e96",
    ]


def _warm_up(address: str, port: int, timeout: float = 120) -> None:
    """Run the dashboard's script once as soon as the server listens, so that the
    imports, the records and the default view's numbers are in memory before the
    first reader opens the page (Streamlit runs nothing until a session starts)."""
    host = "127.0.0.1" if address in ("0.0.0.0", "", "localhost") else address
    host = "::1" if host == "::" else host
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        return
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        with urllib.request.urlopen(
            f"http://{netloc}/_stcore/script-health-check", timeout=timeout
        ):
            pass
    except OSError:  # a warm-up that fails only costs the first reader some time
        pass


def _check_config(config: Path | None) -> None:
    if config is None:
        return
    if not config.is_file():
        fail(f"settings file {config} does not exist")
    try:
        from queries.model.settings import SettingsError, load_settings
    except ImportError:  # pragma: no cover - the engine is part of the project
        return
    try:
        load_settings(config)
    except SettingsError as exc:
        fail(f"{config}: {exc}")


def run_dashboard(url: str, port: int, address: str, config: Path | None) -> int:
    """Run Streamlit until it stops; its exit status."""
    env = dict(os.environ)
    env["OPENNESS_DB"] = url
    if config is not None:
        env["OPENNESS_CONFIG"] = str(config.resolve())
    else:
        env.pop("OPENNESS_CONFIG", None)
    host = f"[{address}]" if ":" in address else address
    err.print(f"Dashboard at http://{host}:{port}/")
    if address in ("127.0.0.1", "localhost", "::1"):
        err.print(
            f"Listening on {address} only (this machine): the internal dashboard shows "
            "record-level data. Use --address to listen elsewhere."
        )
    else:
        err.print(
            f"Listening on {address}: anyone who reaches this address sees record-level data.",
            style="bold yellow",
        )
    err.print("Press Ctrl+C to stop.")
    proc = subprocess.Popen(streamlit_command(port, address), env=env)
    threading.Thread(target=_warm_up, args=(address, port), daemon=True).start()

    def forward(signum: int, _frame: object) -> None:  # a stop request stops the server too
        proc.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            return proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()


@app.command("serve")
def serve(
    port: PortOption = DEFAULT_PORT,
    address: AddressOption = DEFAULT_ADDRESS,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """The dashboard on an existing database."""
    engine = open_database(db)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    _check_config(config)
    raise typer.Exit(run_dashboard(url, port, address, config))


def _has_records(engine: sa.Engine) -> bool:
    import sqlalchemy as sa

    from queries.model.schema import RECORD_TABLES

    with engine.connect() as conn:
        return any(
            conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() > 0
            for table in RECORD_TABLES.values()
        )


@app.command("demo")
def demo(
    port: PortOption = DEFAULT_PORT,
    address: AddressOption = DEFAULT_ADDRESS,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Seed a demo database if it has no records, then serve it."""
    engine = open_database(db, create=True)
    if not _has_records(engine):
        try:
            from seed_data.generator import seed_database
        except ImportError:  # pragma: no cover - the seed generator is part of the project
            fail("the demo data generator (seed_data) is not available", EXIT_USAGE)
        err.print(f"Seeding demo records into {engine.url!r} ...")
        seed_database(engine, "demo", DEMO_SEED, date.today())
        err.print("Demo records ready.")
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    _check_config(config)
    raise typer.Exit(run_dashboard(url, port, address, config))
