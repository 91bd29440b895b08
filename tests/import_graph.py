"""The project's modules and the imports between them, read with ``ast`` (nothing is
imported). A test helper for tests/test_architecture.py.

Every ``import`` counts, also one inside a function or under ``if TYPE_CHECKING``: an
import hidden in a function still ties the two modules together.

>>> graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
>>> cycles(graph)
[['a', 'b', 'c']]
>>> cycles({"a": {"b"}, "b": set()})
[]
>>> prefix_groups(["importer_read", "importer_write", "importer_log", "importer", "db"])
{'importer': ['importer_log', 'importer_read', 'importer_write']}
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the project's own top-level folders, in the order ARCHITECTURE.md lists them
PACKAGES = ("openness", "queries", "seed_data", "reports", "dashboard", "tests", "benchmarks")


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` under :data:`PACKAGES`
    (a package's ``__init__.py`` is named after the package)."""
    mods: dict[str, Path] = {}
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            mods[".".join(parts)] = path
    return mods


@dataclass(frozen=True)
class Import:
    """One import statement of a project module: the module it names (resolved to a
    project module), its line, and whether it sits inside a function."""

    source: str
    target: str
    line: int
    in_function: bool


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom, mods: dict) -> list[str]:
    names: list[str] = []
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: from the module's package
            parts = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join([*parts, base] if base else parts)
        for a in node.names:
            full = f"{base}.{a.name}"
            names.append(full if full in mods else base)
    out = []
    for name in names:
        # tests import their helpers by bare name (pytest puts tests/ on the path)
        if name not in mods and f"tests.{name}" in mods and module.startswith("tests"):
            name = f"tests.{name}"
        while name and name not in mods:
            name = name.rpartition(".")[0]
        if name and name != module:
            out.append(name)
    return out


def imports(root: Path = ROOT) -> list[Import]:
    """Every import of one project module by another, anywhere in the file."""
    mods = project_modules(root)
    found: list[Import] = []
    for module, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        in_function: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                in_function.update(id(sub) for sub in ast.walk(node))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _targets(module, path, node, mods):
                    found.append(Import(module, target, node.lineno, id(node) in in_function))
    return found


def graph_of(found: list[Import]) -> dict[str, set[str]]:
    """module -> the project modules it imports."""
    graph: dict[str, set[str]] = defaultdict(set)
    for imp in found:
        graph[imp.source].add(imp.target)
        graph.setdefault(imp.target, set())
    return dict(graph)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of two or more modules (each sorted), sorted:
    every import cycle lies inside one of them (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def prefix_groups(stems: list[str], size: int = 3) -> dict[str, list[str]]:
    """Module names (no ``.py``) sharing the word before their first ``_``, in groups
    of ``size`` or more: modules that want to be a package."""
    groups: dict[str, list[str]] = defaultdict(list)
    for stem in stems:
        head, sep, _ = stem.partition("_")
        if sep and head:
            groups[head].append(stem)
    return {k: sorted(v) for k, v in sorted(groups.items()) if len(v) >= size}
