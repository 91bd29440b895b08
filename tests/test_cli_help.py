"""Every command's --help shows each option's and argument's help as written: words in
square brackets ("[channels.NAME]", "[auth]") are text, not Rich markup to be dropped
(the help is Rich markup: such words are written escaped, ``\\[auth]``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from openness.cli import app


def _commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(group, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def _words(text: str) -> str:
    """The text without the help screen's frame and line breaks."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


ROOT = typer.main.get_command(app)


@pytest.mark.parametrize("path", list(_commands(ROOT)), ids=" ".join)
def test_each_help_text_is_shown_whole(path: tuple[str, ...]) -> None:
    command: Any = ROOT
    for name in path:
        command = command.commands[name]
    res = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    shown = _words(res.output)
    for param in command.params:
        written = getattr(param, "help", None)
        if written:
            assert _words(written.replace("\\[", "[")) in shown, (param.name, written)
