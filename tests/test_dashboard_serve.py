"""``openness serve`` / ``openness demo``: what they refuse and how they start Streamlit."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from openness.cli import app
from openness.cmd_serve import SERVER_PATH, streamlit_command


def test_streamlit_listens_on_this_machine_only_by_default() -> None:
    cmd = streamlit_command(8501, "127.0.0.1")
    assert cmd[cmd.index("run") + 1] == str(SERVER_PATH)
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--server.port") + 1] == "8501"
    assert cmd[cmd.index("--server.headless") + 1] == "true"
    assert SERVER_PATH.is_file()


def test_serve_refuses_a_database_without_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'blank.db'}"
    sa.create_engine(url).connect().close()
    result = CliRunner().invoke(app, ["serve", "--db", url])
    assert result.exit_code == 2
    assert "openness init" in result.output


def test_serve_refuses_a_bad_settings_file(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "settings.toml"
    bad.write_text("min_sample = -3\nno_such_key = 1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "--db", db_url, "--config", str(bad)])
    assert result.exit_code == 2
    assert "setting" in result.output


def test_serve_refuses_a_missing_settings_file(db_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["serve", "--db", db_url, "--config", str(tmp_path / "nope.toml")]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_help_names_the_options(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--address", "--db", "--config"):
        assert option in result.output
