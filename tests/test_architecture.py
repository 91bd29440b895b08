"""The shape of the code, checked by machine (docs/ARCHITECTURE.md): no import cycle,
no module past 500 lines, no group of prefixed sibling modules that wants to be a
package, Streamlit only in dashboard/, imports of project modules at the top of the
library packages."""

from __future__ import annotations

import ast

import pytest
from import_graph import PACKAGES, ROOT, cycles, graph_of, imports, prefix_groups, project_modules

MAX_LINES = 500

# where a function-level import of a project module is allowed: the command line and
# the report pages import the engine only when a command or page runs (`openness
# --help` in 0.8 s instead of 2-6 s; the dashboard starts without python-docx)
LAZY_ALLOWED = ("openness.", "dashboard.views.", "tests.", "benchmarks.")

# prefixes that are a convention, not a package in hiding: one CLI module per
# subcommand group (openness/cmd_*.py) and pytest's test_*.py
CONVENTION_PREFIXES = {("openness", "cmd"), ("tests", "test")}
# groups found when this test was written, each to become a package; no new entry
PENDING_PACKAGES: set[tuple[str, str]] = set()


def test_no_import_cycle_among_project_modules() -> None:
    """Every import counts, also those inside functions or under TYPE_CHECKING."""
    assert cycles(graph_of(imports())) == []


def test_the_cycle_check_finds_a_cycle_hidden_in_a_function(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The check can fail: two modules of a throw-away tree, one importing the other
    inside a function, are reported."""
    pkg = tmp_path / "queries"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from queries.b import f\n")
    (pkg / "b.py").write_text("def f():\n    from queries import a\n    return a\n")
    found = imports(tmp_path)
    assert [(i.source, i.target, i.in_function) for i in sorted(found, key=str)] == [
        ("queries.a", "queries.b", False),
        ("queries.b", "queries.a", True),
    ]
    assert cycles(graph_of(found)) == [["queries.a", "queries.b"]]


# a module imports only from its own layer or an earlier one (docs/ARCHITECTURE.md)
LAYERS = (
    "queries.model",
    "queries.vocabulary",
    "queries.store",
    "queries.engine",
    "queries.importing",
    "queries.access",
    "queries.jobs",
    "seed_data",
    "reports",
    "dashboard",
    "openness",
)


def _layer(module: str) -> int | None:
    return next((i for i, p in enumerate(LAYERS) if module.startswith(p)), None)


def test_layers_import_only_earlier_layers() -> None:
    upward = sorted(
        f"{i.source} imports {i.target}"
        for i in imports()
        if (a := _layer(i.source)) is not None and (b := _layer(i.target)) is not None and b > a
    )
    assert upward == []


def test_library_packages_import_project_modules_at_the_top() -> None:
    """A function-level import of a project module hides a dependency (and once hid
    cycles); only the entry points may defer one, for start-up time."""
    lazy = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in imports()
        if i.in_function and not i.source.startswith(LAZY_ALLOWED)
    ]
    assert lazy == []


def test_no_module_past_500_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in project_modules().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_three_sibling_modules_share_a_prefix() -> None:
    """importer_read, importer_write, importer_log: a package ``importer/`` instead."""
    folders = {p.parent for p in project_modules().values()}
    found = {}
    for folder in sorted(folders):
        rel = folder.relative_to(ROOT).as_posix()
        stems = [p.stem for p in folder.glob("*.py") if p.stem != "__init__"]
        for prefix, group in prefix_groups(stems).items():
            top = rel.split("/")[0]
            if (top, prefix) in CONVENTION_PREFIXES or (rel, prefix) in PENDING_PACKAGES:
                continue
            found[f"{rel}/{prefix}_*"] = group
    assert found == {}


def test_prefix_check_finds_the_old_importer_modules() -> None:
    stems = ["importer", "importer_read", "importer_validate", "importer_write", "db"]
    assert prefix_groups(stems) == {
        "importer": ["importer_read", "importer_validate", "importer_write"]
    }
    assert prefix_groups(["frames", "frames_sqlite", "db"]) == {}


def _imports_streamlit(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0] == "streamlit" for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "streamlit":
            return True
    return False


def test_streamlit_stays_out_of_queries_and_seed() -> None:
    """queries/, seed_data/ and reports/ never import Streamlit, anywhere in a file."""
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("queries", "seed_data", "reports")
        for p in (ROOT / folder).rglob("*.py")
        if "import streamlit" in p.read_text(encoding="utf-8")
        or "from streamlit" in p.read_text(encoding="utf-8")
        or _imports_streamlit(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import streamlit as st\n", True),
        ("def f():\n    from streamlit import session_state\n", True),
        ("import streamlit_extras\n", False),
        ("import polars as pl\n", False),
    ],
)
def test_streamlit_check_reads_every_import(source: str, expected: bool) -> None:
    assert _imports_streamlit(source) is expected


def test_every_folder_checked_exists() -> None:
    assert all((ROOT / pkg).is_dir() for pkg in PACKAGES)
