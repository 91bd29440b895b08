"""The repository stands alone: nothing it runs or documents refers to a path outside it.

A clone anywhere (with no workplace folder beside it) must pass its tests and run the
README's examples; `.ci/run` runs the suite from such a copy, and these tests fail first
when a test, benchmark, doc link or README command names a path outside the repository.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CASES, REAL_RECORDS, ROOT, SPEC

# what is checked for references: everything a user or CI runs or reads
CHECKED = [
    "README.md",
    "CONTRIBUTING.md",
    "run",
    ".ci",
    "docs",
    "tests",
    "benchmarks",
    "pyproject.toml",
]
# a reference to the workplace folder the specification and the records were copied from
OUTSIDE = re.compile(
    r"\.\./shared\b|parent\s*/\s*[\"']shared[\"']|parents\[\d\]\s*/\s*[\"']spec[\"']"
)
MD_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def tracked(*paths: str) -> list[Path]:
    """The repository's own files under `paths` (git's index: what a clone holds)."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--", *paths], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [ROOT / p for p in out.split("\0") if p]


def markdown_files() -> list[Path]:
    return [p for p in tracked("README.md", "CONTRIBUTING.md", "docs") if p.suffix == ".md"]


def test_the_checks_see_the_repository() -> None:
    # the scans below would pass on nothing: make sure they read what they claim to
    assert len(tracked(*CHECKED)) > 100
    assert ROOT / "docs" / "spec" / "access.md" in markdown_files()


def test_no_file_refers_to_the_workplace_folder() -> None:
    found = []
    for path in tracked(*CHECKED):
        if path == Path(__file__) or path.suffix in {".csv", ".xlsx", ".xls", ".png"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for n, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "paths outside the repository:\n" + "\n".join(found)


def test_the_scan_catches_a_reference_outside() -> None:
    for line in ['SHARED = ROOT.parent / "shared"', "see ../shared/spec/cli.md"]:
        assert OUTSIDE.search(line)
    assert not OUTSIDE.search("see docs/spec/cli.md, shared by every engine")


def link_target(doc: Path, link: str) -> Path | None:
    """The file a markdown link names, or None for a web address or an anchor on the page."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", link) or link.startswith("#"):
        return None
    return (doc.parent / link.split("#", 1)[0]).resolve()


@pytest.mark.parametrize("doc", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_resolves_inside_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    broken = []
    for link in MD_LINK.findall(text):
        target = link_target(doc, link)
        if target is None:
            continue
        if not target.is_relative_to(ROOT) or not target.exists():
            broken.append(link)
    assert not broken, (
        f"{doc.relative_to(ROOT)}: links that leave the repository or name nothing: {broken}"
    )


def test_a_broken_link_is_caught() -> None:
    doc = ROOT / "docs" / "deploy.md"
    assert link_target(doc, "https://example.org/x") is None
    assert link_target(doc, "#sign-in") is None
    outside = link_target(doc, "../../shared/spec/access.md")
    assert outside is not None and not outside.is_relative_to(ROOT)


def readme_commands() -> list[list[str]]:
    """The `openness ...` commands of the README's Detroit example, as words."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = (
        text.split("Try it on real public records", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    )
    joined = re.sub(r"\\\n\s*", " ", block)
    commands = []
    for line in joined.splitlines():
        line = line.split("#", 1)[0].strip()
        for part in line.split("&&"):
            words = shlex.split(part)
            if words and words[0] == "openness":
                commands.append(words)
    return commands


def test_the_readme_example_names_files_in_the_repository() -> None:
    commands = readme_commands()
    assert [c[1] for c in commands] == ["import", "indicators"]
    files = [w for c in commands for w in c if "/" in w and not w.startswith("sqlite:")]
    assert len(files) == 3
    for f in files:
        assert (ROOT / f).is_file(), f"README names {f}, which a clone does not hold"


def test_the_readme_example_runs_as_written(tmp_path: Path) -> None:
    # the README's commands, run from the repository's root as a reader would; only the
    # database is moved out of the checkout (the README exports OPENNESS_DB=data/...)
    env = {**os.environ, "OPENNESS_DB": f"sqlite:///{tmp_path / 'detroit.db'}"}
    env["OPENNESS_DATA"] = str(tmp_path)
    results = []
    for words in readme_commands():
        done = subprocess.run(
            [sys.executable, "-m", "openness", *words[1:]],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert "Traceback" not in done.stderr, done.stderr
        results.append(done)
    imported, table = results
    # README: "exit 1: 81 rows rejected" (4,482 complaints, 4,401 accepted)
    assert imported.returncode == 1, imported.stderr
    assert "81 rejected" in imported.stderr
    assert table.returncode == 0, table.stderr
    rows = list(csv.DictReader(io.StringIO(table.stdout.lstrip("\ufeff"))))
    # 132 units (docs/import.md), one row each
    assert len(rows) == 132


def test_copied_material_says_where_it_came_from() -> None:
    for name in ["records.md", "methodology.md", "cli.md", "access.md"]:
        head = (SPEC / name).read_text(encoding="utf-8")[:1200]
        assert f"`shared/spec/{name}`" in head and "copied on" in head
    for source in ["detroit-dpd-complaints", "nopd-misconduct"]:
        notes = (REAL_RECORDS.parents[1] / source / "SOURCE.md").read_text(encoding="utf-8")
        assert "Licence" in notes or "licence" in notes
    cases = sorted(p.name for p in (CASES / "import").iterdir() if p.is_dir())
    assert cases, "no field cases copied"
    for case in cases:
        assert (CASES / "import" / case / "README.md").is_file()
    assert "shared/cases/import" in (CASES / "README.md").read_text(encoding="utf-8")
