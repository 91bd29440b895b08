"""The ``openness`` Typer application and the options every subcommand shares.

Subcommands live in ``openness/cmd_*.py``, one module per capability, and
register themselves on :data:`app`. Exit status: 0 success, 1 the work ran
but found problems, 2 bad usage or unusable input (``cli.md``).
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
import typer.core
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:  # the commands import the engine only when they run (a quick --help)
    import sqlalchemy as sa

    from queries.model.periods import Period
    from queries.model.settings import Settings
    from queries.store.schemas import Frames

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

# a server's refusal of the login (libpq's words): a raw @ : / # % in the password
# is a usual cause, written percent-encoded
_LOGIN_REFUSED = re.compile(
    r"password authentication failed|not permitted to log in|role \".*\" does not exist"
    r"|no password supplied|authentication failed"
)

# the URLs this run opened, for hiding their passwords in an error (_Commands)
_opened: list[str] = []


class _Commands(typer.core.TyperGroup):
    """The command group: a database error escaping any command (the server gone
    mid-command, a lock held too long) is exit 2 in one line, its passwords hidden."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            import sqlalchemy as sa

            if not isinstance(exc, sa.exc.DBAPIError):
                raise
            from queries.model.db import hide_secrets, read_only_cause

            if cause := read_only_cause(exc):
                fail(f"database is read-only: {cause}; {_writer()}")

            why = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            for url in _opened:
                why = hide_secrets(why, url)
            fail(f"database error: {hide_secrets(why)}")


app = typer.Typer(
    cls=_Commands,
    name="openness",
    help="Police affairs openness (警务公开) metrics: import records, compute indicators, "
    "serve the dashboard, write briefings and the public summary.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# messages go to stderr; stdout is kept for data (indicator tables). They quote file
# names, headers and cells: no Rich markup ("[b]") and no emoji codes (":x:") read in them
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="OPENNESS_DB",
        help="SQLAlchemy URL of the database (default: $OPENNESS_DB, else data/openness.db).",
        show_default=False,
    ),
]

EngineOption = Annotated[
    str | None,
    typer.Option(
        "--engine",
        envvar="OPENNESS_ENGINE",
        help="Compute on this Apache Spark cluster (spark://HOST:PORT, or local[N]) from "
        "the lake given by --lake (needs the spark extra and Java 17).",
        show_default=False,
    ),
]
LakeOption = Annotated[
    Path | None,
    typer.Option(
        "--lake",
        envvar="OPENNESS_LAKE",
        help="Compute from this lake (openness lake export DIR): by DuckDB, or by the "
        "cluster of --engine (a folder it sees at the same path).",
        file_okay=False,
        show_default=False,
    ),
]

# the scope options every table command takes, declared once
PeriodOption = Annotated[
    str,
    typer.Option(
        "--period", help="2026, 2026-Q1, 2026-03 or 2026-03-01..2026-03-20", show_default=False
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Count what had happened by this date or date-time (default: now).",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Settings file (TOML; methodology.md, Configuration).",
        dir_okay=False,
        show_default=False,
    ),
]
# the output options of the commands that print a table
TABLE_FORMATS = ("csv", "json")
TableFormatOption = Annotated[str, typer.Option("--format", help="csv or json")]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Write here instead of stdout.", show_default=False),
]


def check_format(fmt: str, formats: tuple[str, ...] = TABLE_FORMATS) -> None:
    """Exit 2 unless ``fmt`` is one of ``formats``."""
    if fmt not in formats:
        fail(f"--format must be {' or '.join(formats)}, not {fmt!r}")


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print a one-line error to stderr and exit with ``code``."""
    # the message is text, never markup: "[auth]" must print as it is
    err.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False)
    raise typer.Exit(code)


# what the audit trail is written to: the dashboard's every look, the CLI's changes
AUDIT_TABLES = ("audit_event", "audit_chain")


def open_database(
    db: str | None, *, create: bool = False, writes: tuple[str, ...] = (), why_write: str = ""
) -> sa.Engine:
    """An engine on an initialised database (created when ``create``), else exit 2 in one
    line, its passwords hidden. A command that writes names the tables it writes
    (``writes``; ``create`` writes them all): a database that refuses writes into them (a
    replica, a read-only role or file) is exit 2 saying "read-only" before anything is
    done, ``why_write`` saying what needs the writes (default: the command's name)."""
    from queries.model.db import init_db, is_initialised, make_engine, read_only_reason
    from queries.model.schema import metadata

    with database_errors(db) as (url, shown):
        file = url.database if url.get_backend_name() == "sqlite" else None
        if file and file.startswith("file:"):  # a URI filename (?mode=ro&uri=true)
            file = file.removeprefix("file:").split("?", 1)[0]
        if not create and file and file != ":memory:" and not Path(file).exists():
            # a read never creates an empty database file where none was
            fail(f"no database at {file}: run `openness init` or `openness import` first")
        engine = make_engine(url.render_as_string(hide_password=False))
        tables = tuple(metadata.tables) if create else writes
        if tables and (cause := read_only_reason(engine, tables)):
            fail(f"database {shown} is read-only: {cause}; {why_write or _writer()}")
        if create:
            init_db(engine)
        elif not is_initialised(engine):
            fail(f"database {shown} has no current schema: run `openness init` first")
    return engine


def _writer() -> str:
    """What the running command needs: "`openness users add` writes to it"."""
    # Typer carries its own copy of Click (0.29): its context, not an installed Click's
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # a Typer on the installed Click
        from click import get_current_context  # type: ignore[no-redef]

    ctx = get_current_context(silent=True)
    name = ctx.command_path if ctx is not None else "this command"
    return f"`{name}` writes to it (give the primary's URL, or a role that may write)"


@contextmanager
def database_errors(db: str | None) -> Iterator[tuple[sa.URL, str]]:
    """The URL of ``db`` (default: $OPENNESS_DB, else the data folder's) and its shown
    form; an error of the database inside (locked, not a database, unreachable, a bad
    URL) is exit 2 in one line with every password of the URL hidden."""
    import sqlalchemy as sa

    from queries.model.db import (
        PERCENT_HINT,
        hide_secrets,
        raw_password_fault,
        read_only_cause,
        resolve_url,
        shown_raw_url,
        shown_url,
    )

    raw = resolve_url(db)
    _opened.append(raw)
    if fault := raw_password_fault(raw):
        # never parsed: its host would be read from the password's tail and shown
        fail(f"bad database URL {shown_raw_url(raw)}: {fault}; {PERCENT_HINT}")
    try:
        url = sa.engine.make_url(raw)
    except (sa.exc.ArgumentError, ValueError) as exc:  # ValueError: a port not a number
        hint = f"; {PERCENT_HINT}" if "@" in raw else ""
        fail(f"bad database URL {shown_raw_url(raw)}: {hide_secrets(str(exc), raw)}{hint}")
    shown = shown_url(url)
    try:
        yield url, shown
    except sa.exc.DBAPIError as exc:  # locked, not a database, unreachable...
        if cause := read_only_cause(exc):
            fail(f"database {shown} is read-only: {cause}; {_writer()}")
        why = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        hint = f"; {PERCENT_HINT}" if url.password and _LOGIN_REFUSED.search(why) else ""
        fail(f"cannot open database {shown}: {hide_secrets(why, url)}{hint}")
    except OSError as exc:
        fail(f"cannot open database {shown}: {hide_secrets(str(exc.strerror or exc), url)}")
    except sa.exc.ArgumentError as exc:
        fail(f"bad database URL {shown}: {hide_secrets(str(exc), url)}")


def read_frames(engine: sa.Engine, spark: str | None = None, lake: Path | None = None) -> Frames:
    """The records and the engine that computes their tables: the database's own
    (DuckDB for SQLite, PostgreSQL itself), DuckDB over ``lake``, or the Spark cluster
    ``spark`` over ``lake`` (cli.md, "Engines and the lake"). Exit 2 naming the cause
    when the database cannot be read completely (never figures from part of it), the
    lake is missing, changed or older than the database, or the engine cannot start."""
    from queries.store.frames import default_cache_dir, load_frames, open_records
    from queries.store.integrity import DatabaseUnreadable
    from queries.store.lake_folder import LakeError
    from queries.store.sources import EngineUnavailable

    if spark is not None and lake is None:
        fail("--engine needs --lake DIR (the lake `openness lake export DIR` writes)")
    try:
        if lake is not None:
            return open_records(engine, lake=lake, spark=spark, cache_dir=default_cache_dir())
        return load_frames(engine, cache_dir=default_cache_dir())
    except (DatabaseUnreadable, LakeError, EngineUnavailable) as exc:
        fail(str(exc))


@contextmanager
def engine_errors() -> Iterator[None]:
    """Exit 2 with the engine's one-line reason when it fails while computing."""
    from queries.store.sources import EngineUnavailable

    try:
        yield
    except EngineUnavailable as exc:
        fail(str(exc))


@app.callback()
def _main() -> None:
    """Police affairs openness (警务公开) metrics."""


def period_as_of_settings(
    period: str, as_of: str | None, config: Path | None
) -> tuple[Period, datetime, Settings]:
    """Parse ``--period``, ``--as-of`` (default now) and ``--config``; exit 2 naming the option."""
    from queries.model.clock import now_local
    from queries.model.periods import Period, parse_as_of

    try:
        p = Period.parse(period)
    except ValueError as exc:
        fail(f"--period: {exc}")
    try:
        at = parse_as_of(as_of) if as_of is not None else now_local()
    except ValueError as exc:
        fail(f"--as-of: {exc}")
    return p, at, read_settings(config)


def read_settings(config: Path | None) -> Settings:
    """The settings of ``--config`` (defaults without it); exit 2 naming the file."""
    from queries.model.settings import SettingsError, load_settings

    try:
        return load_settings(config)
    except SettingsError as exc:
        fail(f"--config {config}: {exc}")
    except OSError as exc:
        fail(f"--config {config}: {exc.strerror}")


def write_output(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (``--out``), making its folder; exit 2 naming it on failure."""
    from queries.model.export import write_bytes_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, data)
    except OSError as exc:
        fail(f"--out {path}: {exc.strerror or exc}")


def audit_key(config: Path | None, *, create: bool) -> bytes:
    """The audit chain's key from the file the settings name; exit 2 naming what is wrong."""
    from queries.access.chain import AuditKeyError, key_path, load_key
    from queries.model.settings import SettingsError, load_settings

    try:
        settings = load_settings(config) if config is not None else None
        return load_key(key_path(settings), create=create)
    except SettingsError as exc:
        fail(f"--config {config}: {exc}")
    except AuditKeyError as exc:
        fail(str(exc))


def cli_user() -> str:
    """Who ran the command, for the audit trail's events (``users_changed``, the lake's
    ``download``)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (a container)
        return "cli"
