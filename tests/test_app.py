"""The command line's database errors (openness/app.py): exit 2 in one line, every
password of the URL hidden, whichever command and wherever the error arises."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from openness.cli import app
from queries.model.db import init_db, make_engine

SECRET = "S3cret-pw-99"


def _one_line_error(output: str) -> str:
    assert output.startswith("error: ") and output.count("\n") == 1, output
    assert "Traceback" not in output and SECRET not in output
    return output


def test_init_on_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("not a database, just notes\n" * 100, encoding="utf-8")
    res = CliRunner().invoke(app, ["init", "--db", f"sqlite:///{bad}"])
    assert res.exit_code == 2, res.output
    assert _one_line_error(res.output) == (
        f"error: cannot open database sqlite:///{bad}: file is not a database\n"
    )


def test_a_query_string_password_is_hidden_in_messages(pg_database_url: str) -> None:
    # the test server trusts loopback: any password connects
    url = sa.engine.make_url(pg_database_url).update_query_dict({"password": SECRET})
    given = url.render_as_string(hide_password=False)
    res = CliRunner().invoke(app, ["init", "--db", given])
    assert res.exit_code == 0, res.output
    assert "?password=***" in res.output and SECRET not in res.output
    # nothing listens on port 1: the connection error names the URL, masked
    down = url.set(port=1, password=SECRET).render_as_string(hide_password=False)
    res = CliRunner().invoke(app, ["users", "list", "--db", down])
    assert res.exit_code == 2
    assert ":***@127.0.0.1:1/" in _one_line_error(res.output)
    assert "password=***" in res.output


def test_a_url_that_does_not_parse_is_one_line() -> None:
    res = CliRunner().invoke(app, ["init", "--db", f"postgresql://clerk:{SECRET}@db:port/o"])
    assert res.exit_code == 2
    assert _one_line_error(res.output).startswith(
        "error: bad database URL postgresql://clerk:***@db:port/o: "
    )


def test_a_database_error_inside_any_command_is_one_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'o.db'}"
    engine = make_engine(db)
    init_db(engine)
    with engine.begin() as conn:  # a table gone under the command's feet
        conn.exec_driver_sql("DROP TABLE app_user")
    engine.dispose()
    res = CliRunner().invoke(app, ["users", "list", "--db", db])
    assert res.exit_code == 2, res.output
    assert _one_line_error(res.output) == "error: database error: no such table: app_user\n"
