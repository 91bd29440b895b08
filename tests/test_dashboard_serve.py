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


def test_serve_reads_the_settings_file_named_by_the_environment(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OPENNESS_CONFIG, as `openness jobs` reads it: a bad file named there is refused
    as the same file given by --config is."""
    bad = tmp_path / "settings.toml"
    bad.write_text("min_sample = -3\n", encoding="utf-8")
    monkeypatch.setenv("OPENNESS_CONFIG", str(bad))
    result = CliRunner().invoke(app, ["serve", "--db", db_url])
    assert result.exit_code == 2
    assert "min_sample" in result.output


def test_serve_refuses_a_missing_settings_file(db_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["serve", "--db", db_url, "--config", str(tmp_path / "nope.toml")]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_serve_refuses_an_audit_key_that_did_not_start_the_trail(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database whose trail another data folder's key started (found in the field: the
    province's database served with a new OPENNESS_DATA) showed Streamlit's error page
    on every view; serve now says so before it starts, in one line."""
    from queries.access.audit import write
    from queries.access.chain import load_key

    monkeypatch.setenv("OPENNESS_DATA", str(tmp_path / "first"))
    (tmp_path / "first").mkdir()
    engine = sa.create_engine(db_url)
    first = load_key(tmp_path / "first" / "audit.key", create=True)
    write(
        engine,
        "users_changed",
        None,
        detail="chained with the first key",
        email="cli:test",
        key=first,
    )
    engine.dispose()
    monkeypatch.setenv("OPENNESS_DATA", str(tmp_path / "second"))
    (tmp_path / "second").mkdir()
    result = CliRunner().invoke(app, ["serve", "--db", db_url, "--port", "1"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "audit key file is not the key the trail is chained with" in lines[0]


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_help_names_the_options(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--address", "--db", "--config"):
        assert option in result.output


def test_base_path_is_the_server_s_base_url_path() -> None:
    cmd = streamlit_command(8501, "127.0.0.1", base_path="openness")
    assert cmd[cmd.index("--server.baseUrlPath") + 1] == "openness"
    assert cmd[cmd.index("--server.port") + 1] == "8501"


@pytest.mark.parametrize("bad", ["openness", "/a b", "/../x", "/x?y", "/ü"])
def test_a_bad_base_path_is_exit_2_in_one_line(db_url: str, bad: str) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", db_url, "--base-path", bad])
    assert result.exit_code == 2
    assert f"--base-path {bad}:" in result.output
    assert "Traceback" not in result.output


AUTH = """[auth]
redirect_uri = "https://portal.bureau.example{path}"
cookie_secret = "0123456789abcdef0123456789abcdef"
client_id = "openness"
client_secret = "s3cret"
server_metadata_url = "https://idp.bureau.example/.well-known/openid-configuration"
"""


@pytest.mark.parametrize("path", ["/oauth2callback", "/other/oauth2callback"])
def test_the_redirect_uri_must_be_under_the_base_path(
    db_url: str, tmp_path: Path, path: str
) -> None:
    auth = tmp_path / "auth.toml"
    auth.write_text(AUTH.format(path=path), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["serve", "--db", db_url, "--auth", str(auth), "--base-path", "/openness"]
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "redirect_uri must be under --base-path /openness" in lines[0]


def test_streamlit_s_upload_limit_is_the_setting(tmp_path: Path) -> None:
    """Issue 21, uploads: Streamlit's own limit (server.maxUploadSize, MB) raised to the
    setting upload_max_mb: its default, or the settings file's value."""
    from openness.cmd_serve import _upload_mb

    cmd = streamlit_command(8501, "127.0.0.1")
    assert cmd[cmd.index("--server.maxUploadSize") + 1] == "200"
    config = tmp_path / "settings.toml"
    config.write_text("upload_max_mb = 7\n", encoding="utf-8")
    cmd = streamlit_command(8501, "127.0.0.1", upload_mb=_upload_mb(config))
    assert cmd[cmd.index("--server.maxUploadSize") + 1] == "7"
    assert cmd.count("--server.maxUploadSize") == 1
