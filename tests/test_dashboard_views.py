"""Every dashboard page module imports without running: the page is its ``render``
function, run by the router (st.navigation runs the file as ``__main__``)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
import streamlit as st

from dashboard import widgets

VIEWS = sorted(
    p.stem for p in (Path(__file__).resolve().parent.parent / "dashboard/views").glob("*.py")
)


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("a page drew on import")


@pytest.mark.parametrize("name", VIEWS)
def test_a_page_module_imports_without_running(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(widgets, "guarded", _refuse)
    monkeypatch.setattr(st, "title", _refuse)
    monkeypatch.delitem(sys.modules, f"dashboard.views.{name}", raising=False)
    module = importlib.import_module(f"dashboard.views.{name}")
    assert callable(module.render)


def test_the_entry_script_imports_without_running(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(st, "set_page_config", _refuse)
    monkeypatch.delitem(sys.modules, "dashboard.app", raising=False)
    app = importlib.import_module("dashboard.app")
    assert callable(app.main)
    assert {spec.key for spec in app.PAGES} == set(VIEWS)


def test_the_check_catches_a_page_that_runs_on_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check can fail: a module calling the guard at import is refused."""
    (tmp_path / "eager_page.py").write_text(
        "from dashboard import widgets\n\ndef render():\n    pass\n\nwidgets.guarded(render)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(widgets, "guarded", _refuse)
    with pytest.raises(AssertionError, match="drew on import"):
        importlib.import_module("eager_page")
