"""Every way a file leaves the dashboard's page goes through the authorised, audited path
(dashboard/downloads.py, docs/security.md), read from the code itself; and every
Streamlit option of the server is pinned (openness/server_options.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit import config

from dashboard.guard import FILE_TTL, _Bindings
from openness.cmd_serve import streamlit_command
from openness.server_options import PRODUCT, pinned_options

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"


def _calls(name: str) -> list[tuple[str, ast.Call]]:
    """Every call of ``<anything>.name(...)`` or ``name(...)`` in dashboard/."""
    found = []
    for path in sorted(DASHBOARD.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    found.append((f"{path.relative_to(DASHBOARD)}:{node.lineno}", node))
    return found


def test_every_download_button_makes_its_file_through_the_authorised_path() -> None:
    buttons = _calls("download_button")
    assert len(buttons) >= 5  # tables (CSV, XLSX), briefing, public bundle, audit trail
    wrong = []
    for where, call in buttons:
        data = next((k.value for k in call.keywords if k.arg == "data"), None)
        if data is None and len(call.args) >= 2:
            data = call.args[1]
        if not (
            isinstance(data, ast.Call)
            and isinstance(data.func, ast.Name)
            and data.func.id == "deferred"
        ):
            wrong.append(where)
    assert wrong == []


def test_documents_are_shown_only_through_their_sandbox() -> None:
    frames = [where for where, _ in _calls("iframe")]
    assert len(frames) == 1 and frames[0].startswith("widgets.py:")  # widgets.document
    # no other element that serves a file or a page of its own
    for name in ("image", "audio", "video", "pdf", "declare_component"):
        assert _calls(name) == [], name


def test_the_table_toolbar_export_is_off() -> None:
    flags = streamlit_command(8501, "127.0.0.1")
    assert flags[flags.index("--client.disableDataExport") + 1] == "true"


def test_every_streamlit_option_is_pinned() -> None:
    """Every option Streamlit knows is on the command line, except those a command line
    cannot carry (sensitive, or without a value to give)."""
    given = {k for k, _ in pinned_options({})}
    template = config._config_options_template
    left = {
        k
        for k, o in template.items()
        if k not in given
        and not o.sensitive
        and not o.deprecated
        and o.default_val is not None
        and not (o.multiple and not o.default_val)
    }
    assert left == set()
    assert set(PRODUCT) <= given
    assert "server.cookieSecret" not in given


def test_an_option_streamlit_does_not_know_is_an_error() -> None:
    with pytest.raises(KeyError, match=r"server\.noSuchOption"):
        pinned_options({"server.noSuchOption": "1"})


def test_a_made_file_is_served_to_its_browser_only_for_a_while(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [1000.0]
    monkeypatch.setattr("dashboard.guard.time.monotonic", lambda: clock[0])
    bindings = _Bindings()
    bindings.bind("f1", "browser-a")
    clock[0] += FILE_TTL / 2
    bindings.bind("f1", "browser-b")  # the same bytes made for another session
    assert not bindings.take("f1", "browser-c")
    assert not bindings.take("f1", None)
    assert bindings.take("f1", "browser-a")
    assert bindings.take("f1", "browser-a")  # the download manager asks again
    clock[0] += FILE_TTL / 2 + 1  # a's minute is over, b's is not
    assert not bindings.take("f1", "browser-a")
    assert bindings.take("f1", "browser-b")
    clock[0] += FILE_TTL
    assert not bindings.take("f1", "browser-b")
    assert not bindings.bound("f1")
