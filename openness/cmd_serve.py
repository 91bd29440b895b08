"""``openness serve`` and ``openness demo``: the Streamlit dashboard.

The dashboard runs as ``streamlit run dashboard/app.py`` in a child process;
the database URL, the settings file and the sign-in mode reach it through the
environment (``OPENNESS_DB``, ``OPENNESS_CONFIG``, ``OPENNESS_AUTH``).

Without ``--auth`` it listens on a loopback address only, for one local admin
(access.md); with ``--auth FILE`` people sign in with OpenID Connect (FILE: a
TOML ``[auth]`` table in Streamlit's format, handed to Streamlit as its only
secrets file). Every security-relevant Streamlit option is pinned on the
command line (which wins over config files and ``STREAMLIT_*`` variables), the
child gets no ``STREAMLIT_*`` variable and runs in an empty folder, so no
``.streamlit/config.toml`` or variable can weaken the server (docs/deploy.md).
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets as _secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.parse
import urllib.request
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import sqlalchemy as sa

from openness.app import (
    AUDIT_TABLES,
    EXIT_USAGE,
    DbOption,
    app,
    audit_key,
    err,
    fail,
    open_database,
)

# the server process: Streamlit's server with the product's hooks (dashboard/guard.py)
SERVER_PATH = Path(__file__).resolve().parent.parent / "dashboard" / "openness_server.py"
DEFAULT_PORT = 8501
DEFAULT_ADDRESS = "127.0.0.1"
DEMO_SEED = 42

PortOption = Annotated[int, typer.Option("--port", help="TCP port to listen on.", min=1, max=65535)]
AddressOption = Annotated[
    str,
    typer.Option(
        "--address",
        help="Address to listen on. The default, 127.0.0.1, reaches this machine only; "
        "any other than a loopback address needs --auth.",
    ),
]
AuthOption = Annotated[
    Path | None,
    typer.Option(
        "--auth",
        help="Sign-in with OpenID Connect: a TOML file with an \\[auth] table "
        "(redirect_uri, cookie_secret, client_id, client_secret, server_metadata_url). "
        "Required to listen on any address but loopback.",
        dir_okay=False,
        show_default=False,
    ),
]
# the dashboard's settings file, also from the environment (as `openness jobs` reads it:
# one OPENNESS_CONFIG for the server and the jobs beside it)
ServeConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        envvar="OPENNESS_CONFIG",
        help="Settings file (TOML; methodology.md, Configuration) (default: $OPENNESS_CONFIG).",
        dir_okay=False,
        show_default=False,
    ),
]

BasePathOption = Annotated[
    str | None,
    typer.Option(
        "--base-path",
        help="The path a gateway serves the dashboard under, e.g. /openness "
        "(with --auth, redirect_uri must be <gateway>/openness/oauth2callback).",
        show_default=False,
    ),
]
# what dashboard/guard.py reads: the warm-up's token and the header that carries it
WARM_UP_ENV = "OPENNESS_WARM_UP"
WARM_UP_HEADER = "X-Openness-Warm-Up"
_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")


def secrets_token() -> str:
    return _secrets.token_urlsafe(32)


def base_path_of(value: str | None) -> str:
    """``--base-path`` as server.baseUrlPath: without its slashes, "" for none; exit 2
    on anything but path segments of letters, digits and ``. _ ~ -``.

    >>> base_path_of("/openness/"), base_path_of(None), base_path_of("/")
    ('openness', '', '')
    """
    if value is None:
        return ""
    inner = value.strip().strip("/")
    if not value.strip().startswith("/") or not all(
        _SEGMENT.fullmatch(p) and p not in (".", "..") for p in inner.split("/") if inner
    ):
        fail(
            f"--base-path {value}: give a path such as /openness (letters, digits, "
            "'.', '_', '~', '-' between slashes)"
        )
    return inner


# the names a browser on this machine uses for a loopback server (server.allowedHosts)
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def resolved(address: str) -> list[str]:
    """Every address ``address`` resolves to (socket.getaddrinfo: a name, or an address
    as it is). Raises OSError when it resolves to none."""
    if not address.strip():
        raise OSError("an empty address")
    infos = socket.getaddrinfo(address, None, type=socket.SOCK_STREAM)
    out = [str(info[4][0]).split("%", 1)[0] for info in infos]
    if not out:
        raise OSError("no address")
    return out


def is_loopback(address: str) -> bool:
    """Whether every address ``address`` resolves to is a loopback one (``localhost``,
    127.0.0.0/8, ::1); False when it resolves to none (``127.0.0.2.example.org`` is
    a name, judged by what it resolves to, not by how it begins)."""
    try:
        return all(ipaddress.ip_address(a).is_loopback for a in resolved(address))
    except (OSError, ValueError):
        return False


def allowed_hosts(redirect_uri: str | None) -> list[str]:
    """server.allowedHosts: the loopback names, and the host of ``redirect_uri``."""
    hosts = list(LOOPBACK_HOSTS)
    if redirect_uri:
        host = urllib.parse.urlsplit(redirect_uri).hostname
        if host and host not in hosts:
            hosts.append(host)
    return hosts


def streamlit_command(
    port: int,
    address: str,
    *,
    secrets: Path | None = None,
    hosts: list[str] | None = None,
    base_path: str = "",
    upload_mb: int | None = None,
) -> list[str]:
    """The command line that runs the dashboard's server, every Streamlit option pinned
    (openness/server_options.py).

    ``secrets``: the only secrets file Streamlit reads (the ``--auth`` file, or an
    empty one); ``hosts``: server.allowedHosts (default: the loopback names);
    ``base_path``: server.baseUrlPath, without slashes ("" for none); ``upload_mb``:
    server.maxUploadSize, the settings' upload_max_mb (None: its default).
    """
    from openness.server_options import pinned_options

    own: dict[str, str | Sequence[str]] = {
        "server.port": str(port),
        "browser.serverPort": str(port),
        "server.address": address,
        "server.baseUrlPath": base_path,
        "server.allowedHosts": tuple(hosts or LOOPBACK_HOSTS),
    }
    if secrets is not None:
        own["secrets.files"] = (str(secrets),)
    if upload_mb is not None:
        own["server.maxUploadSize"] = str(upload_mb)
    cmd = [sys.executable, "-m", "streamlit", "run", str(SERVER_PATH)]
    for key, value in pinned_options(own):
        cmd += [f"--{key}", value]
    return cmd


def read_auth(path: Path, base_path: str = "") -> dict[str, str]:
    """The ``[auth]`` table of ``path``; exit 2 naming the file and the key at fault.
    With ``base_path`` (server.baseUrlPath) the redirect URI must be under it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(f"--auth {path}: no such file")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"--auth {path}: cannot read it ({exc})")
    except tomllib.TOMLDecodeError as exc:
        fail(f"--auth {path}: not TOML ({exc})")
    auth = data.get("auth")
    if not isinstance(auth, dict):
        fail(f"--auth {path}: no [auth] table")
    for key in AUTH_KEYS:
        value = auth.get(key)
        if not isinstance(value, str) or not value.strip():
            fail(f"--auth {path}: [auth] {key} is missing or empty")
    redirect = urllib.parse.urlsplit(auth["redirect_uri"])
    if redirect.scheme not in ("http", "https") or not redirect.hostname:
        fail(f"--auth {path}: [auth] redirect_uri is not an http(s) URL")
    if not redirect.path.endswith("/oauth2callback"):
        fail(f"--auth {path}: [auth] redirect_uri must end with /oauth2callback (Streamlit's)")
    if base_path and redirect.path != f"/{base_path}/oauth2callback":
        fail(
            f"--auth {path}: [auth] redirect_uri must be under --base-path /{base_path} "
            f"(.../{base_path}/oauth2callback), not {redirect.path}"
        )
    if len(auth["cookie_secret"]) < 32:
        fail(f"--auth {path}: [auth] cookie_secret must be at least 32 characters")
    trust = auth.get("trust_email_from")
    if trust is not None and not (
        isinstance(trust, list) and trust and all(isinstance(x, str) and x for x in trust)
    ):
        fail(f"--auth {path}: [auth] trust_email_from must be a list of issuer URLs")
    return {k: str(v) for k, v in auth.items() if isinstance(v, str)}


def absolute_url(url: str) -> str:
    """``url`` with a relative SQLite path made absolute (the server runs elsewhere)."""
    import sqlalchemy as sa

    u = sa.engine.make_url(url)
    db = u.database
    if u.get_backend_name() == "sqlite" and db and db != ":memory:" and not Path(db).is_absolute():
        u = u.set(database=str(Path(db).resolve()))
    return u.render_as_string(hide_password=False)


def _warm_up(address: str, port: int, token: str, base_path: str, timeout: float = 120) -> None:
    """Run the dashboard's script once as soon as the server listens, so that the
    imports, the records and the default view's numbers are in memory before the
    first reader opens the page (Streamlit runs nothing until a session starts).
    ``token``: what the server asks of this request alone (dashboard/guard.py)."""
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
    prefix = f"/{base_path}" if base_path else ""
    request = urllib.request.Request(
        f"http://{netloc}{prefix}/_stcore/script-health-check",
        headers={WARM_UP_HEADER: token},
    )
    try:
        # straight to the server on this machine, never through a configured proxy
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with direct.open(request, timeout=timeout):
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


def _upload_mb(config: Path | None) -> int:
    """The settings' upload_max_mb (a file already checked by :func:`_check_config`)."""
    from queries.model.settings import load_settings

    return int(load_settings(config).upload_max_mb)


def child_env(
    url: str, config: Path | None, auth: bool, home: Path | None = None, warm_up: str = ""
) -> dict[str, str]:
    """The server's environment: ours without any ``STREAMLIT_*`` variable (they could
    weaken what the command line pins), plus the database, settings and sign-in mode.

    ``home``: the server's ``HOME`` (an empty folder: no ``~/.streamlit`` is read);
    matplotlib's and fontconfig's caches stay where they were. ``warm_up``: the
    token of the warm-up request (``OPENNESS_WARM_UP``).
    """
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("STREAMLIT_")}
    if home is not None:
        user = Path.home()
        env.setdefault("MPLCONFIGDIR", str(user / ".config" / "matplotlib"))
        env.setdefault("XDG_CACHE_HOME", str(user / ".cache"))
        env["HOME"] = str(home)
    env.pop(WARM_UP_ENV, None)
    if warm_up:
        env[WARM_UP_ENV] = warm_up
    env["OPENNESS_DB"] = url
    env.pop("OPENNESS_CONFIG", None)
    if config is not None:
        env["OPENNESS_CONFIG"] = str(config.resolve())
    env.pop("OPENNESS_AUTH", None)
    if auth:
        env["OPENNESS_AUTH"] = "oidc"
    return env


def run_dashboard(
    url: str,
    port: int,
    address: str,
    config: Path | None,
    auth: Path | None = None,
    base_path: str = "",
) -> int:
    """Run Streamlit until it stops; its exit status. ``base_path``: without slashes."""
    redirect = read_auth(auth, base_path)["redirect_uri"] if auth is not None else None
    host = f"[{address}]" if ":" in address else address
    err.print(f"Dashboard at http://{host}:{port}/" + (f"{base_path}/" if base_path else ""))
    if auth is None:
        err.print(
            f"Listening on {address} only (this machine), without sign-in, for one local "
            "admin. Use --auth to let people sign in from elsewhere."
        )
    else:
        err.print(f"Listening on {address}; people sign in through {redirect}")
    err.print("Press Ctrl+C to stop.")
    # an empty working folder: no .streamlit/config.toml or secrets.toml of the
    # folder the command was started in is read
    with tempfile.TemporaryDirectory(prefix="openness-serve-") as home:
        secrets = auth.resolve() if auth is not None else Path(home) / "no-secrets.toml"
        if auth is None:
            secrets.write_text("", encoding="utf-8")
        cmd = streamlit_command(
            port,
            address,
            secrets=secrets,
            hosts=allowed_hosts(redirect),
            base_path=base_path,
            upload_mb=_upload_mb(config),
        )
        token = secrets_token()
        env = child_env(url, config, auth is not None, home=Path(home), warm_up=token)
        proc = subprocess.Popen(cmd, env=env, cwd=home)
        threading.Thread(
            target=_warm_up, args=(address, port, token, base_path), daemon=True
        ).start()

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


def _check_address(address: str, auth: Path | None) -> None:
    """Exit 2 in one line unless ``address`` resolves, and (without ``auth``) resolves to
    loopback addresses only."""
    try:
        resolved(address)
    except (OSError, ValueError) as exc:  # UnicodeError: a label too long
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        fail(f"--address {address}: does not resolve ({why})")
    if auth is None and not is_loopback(address):
        fail(
            f"--address {address}: without --auth the dashboard listens on a loopback "
            "address only (127.0.0.1, ::1, localhost); it shows record-level data "
            "(see docs/deploy.md for sign-in)"
        )


@app.command("serve")
def serve(
    port: PortOption = DEFAULT_PORT,
    address: AddressOption = DEFAULT_ADDRESS,
    db: DbOption = None,
    config: ServeConfigOption = None,
    auth: AuthOption = None,
    base_path: BasePathOption = None,
) -> None:
    """The dashboard on an existing database."""
    _check_address(address, auth)
    base = base_path_of(base_path)
    if auth is not None:
        read_auth(auth, base)
    engine = open_database(
        db,
        writes=AUDIT_TABLES,
        why_write="the dashboard records every look in its audit trail and does not start "
        "without a writable one (give the primary's URL, or a role that may write)",
    )
    _check_config(config)
    _check_audit_key(engine, config)
    url = absolute_url(engine.url.render_as_string(hide_password=False))
    engine.dispose()
    raise typer.Exit(run_dashboard(url, port, address, config, auth, base))


def _check_audit_key(engine: sa.Engine, config: Path | None) -> None:
    """Exit 2 in one line when the audit key is not the one the database's trail is
    chained with: every page writes to the trail, and each would fail."""
    from queries.access.chain import AuditKeyError, check_key

    key = audit_key(config, create=True)
    try:
        check_key(engine, key)
    except AuditKeyError as exc:
        fail(str(exc))


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
    config: ServeConfigOption = None,
) -> None:
    """Seed a demo database if it has no records, then serve it (loopback, no sign-in)."""
    _check_address(address, None)
    from queries.model.db import shown_url

    engine = open_database(db, create=True)
    if not _has_records(engine):
        try:
            from seed_data.generator import seed_database
        except ImportError:  # pragma: no cover - the seed generator is part of the project
            fail("the demo data generator (seed_data) is not available", EXIT_USAGE)
        err.print(f"Seeding demo records into {shown_url(engine.url)} ...")
        seed_database(engine, "demo", DEMO_SEED, date.today())
        err.print("Demo records ready.")
    url = absolute_url(engine.url.render_as_string(hide_password=False))
    engine.dispose()
    _check_config(config)
    raise typer.Exit(run_dashboard(url, port, address, config))
