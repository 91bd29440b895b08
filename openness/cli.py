"""Entry point of the ``openness`` console command."""

from __future__ import annotations

# each cmd_* module registers its subcommands on the shared app
from openness import (  # noqa: F401
    cmd_access,
    cmd_goals,
    cmd_import,
    cmd_indicators,
    cmd_init,
    cmd_jobs,
    cmd_lake,
    cmd_records,
    cmd_reports,
    cmd_seed,
    cmd_serve,
    cmd_settings,
    cmd_signals,
)
from openness.app import app

__all__ = ["app"]

if __name__ == "__main__":
    app()
