"""Every docstring example in the packages runs as a test (doctest), so an example
that goes stale fails here instead of misleading a reader."""

from __future__ import annotations

import doctest
import importlib
import re

import pytest
from import_graph import project_modules

LIBRARY = ("openness", "queries", "seed_data", "reports", "dashboard", "tests")

EXAMPLE = re.compile(r"^\s*>>> ", re.M)
WITH_EXAMPLES = sorted(
    name
    for name, path in project_modules().items()
    if name.startswith(LIBRARY) and EXAMPLE.search(path.read_text(encoding="utf-8"))
)


def test_the_examples_are_found() -> None:
    # at least the tree, the export cells, the wording and the dashboard file names
    assert {
        "queries.model.tree",
        "queries.model.export",
        "reports.wording",
        "dashboard.export",
    } <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name.removeprefix("tests."))
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = [t for t in finder.find(module) if t.examples]
    assert tests, f"{name}: no example found"
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"
