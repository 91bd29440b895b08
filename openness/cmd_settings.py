"""``openness settings [--config FILE]``: every setting, its value in force, default, meaning."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from openness.app import app, fail


@app.command("settings")
def settings_command(
    config: Annotated[
        Path | None,
        typer.Option("--config", help="TOML settings file (default: the defaults)."),
    ] = None,
) -> None:
    """Every setting: key, value in force, default and what it does (as TOML)."""
    from queries.model.settings import SettingsError, load_settings
    from queries.model.settings.doc import settings_toml

    try:
        settings = load_settings(config)
    except SettingsError as exc:
        fail(f"--config {config}: {exc}")
    typer.echo(settings_toml(settings, str(config) if config else None), nl=False)
