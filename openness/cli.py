"""Entry point of the ``openness`` console command."""

from __future__ import annotations

from openness import cmd_import, cmd_init, cmd_seed  # noqa: F401  (they register commands)
from openness.app import app

__all__ = ["app"]

if __name__ == "__main__":
    app()
