"""No Python function runs inside polars' thread pool in the dashboard's server.

The server runs each session's script on its own thread. A Python function handed
to polars (``map_elements``, ``map_batches``, ...) is called from polars' pool and
waits there for the interpreter lock; a session's thread that holds the lock while it
waits on that same pool (``to_pandas`` for st.dataframe, a row gather) then waits
forever, and with it every thread of the server (docs/DECISIONS.md, "Many sessions at
once"). The rule is checked over every module the dashboard imports, and the display
code is run on several threads against conversions to show that it no longer hangs.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

from import_graph import ROOT, graph_of, imports, project_modules

# polars calls that run a Python callable (or Python objects) inside polars' pool
POOL_PYTHON = {
    "map_elements",
    "map_batches",
    "map_groups",
    "map_rows",
    "rolling_map",
    "scan_pyarrow_dataset",
    "register_io_source",
    "defer",
}


def server_modules() -> list[str]:
    """Every project module the dashboard's process imports (dashboard/ and what it
    reaches), by the import graph."""
    graph = graph_of(imports())
    todo = [m for m in project_modules() if m.startswith("dashboard")]
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph.get(module, ()))
    return sorted(seen)


def pool_python_calls(source: str) -> list[tuple[int, str]]:
    """(line, name) of every call of :data:`POOL_PYTHON` and every ``pl.Object``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and (
            node.attr in POOL_PYTHON or (node.attr == "Object" and _is_polars(node.value))
        ):
            found.append((node.lineno, node.attr))
    return sorted(found)


def _is_polars(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in ("pl", "polars")


def test_the_server_hands_polars_no_python_function() -> None:
    mods = project_modules()
    found = {
        module: calls
        for module in server_modules()
        if (calls := pool_python_calls(mods[module].read_text(encoding="utf-8")))
    }
    assert found == {}


def unconverted_draws(source: str) -> list[int]:
    """Lines of ``st.dataframe(...)`` / ``st.table(...)`` calls whose data is not
    ``to_display(...)`` (a private copy converted here, dashboard.tables.to_display)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("dataframe", "table")
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "st"
        ):
            continue
        data = node.args[0] if node.args else None
        name = getattr(getattr(data, "func", None), "id", None) or getattr(
            getattr(data, "func", None), "attr", None
        )
        if name != "to_display":
            lines.append(node.lineno)
    return lines


def test_every_frame_drawn_is_a_private_copy() -> None:
    mods = project_modules()
    found = {
        module: lines
        for module in server_modules()
        if (lines := unconverted_draws(mods[module].read_text(encoding="utf-8")))
    }
    assert found == {}
    sample = "st.dataframe(frame)\nst.table(tables.to_display(f))\nst.dataframe(to_display(f))\n"
    assert unconverted_draws(sample) == [1]


def test_the_check_sees_every_kind_of_call() -> None:
    source = textwrap.dedent(
        """
        import polars as pl
        a = frame.select(pl.col("x").map_elements(str, return_dtype=pl.String))
        b = frame.with_columns(pl.struct("lo", "hi").map_batches(f))
        c = pl.Series([object()], dtype=pl.Object)
        d = frame.select(pl.col("x").replace_strict({"a": "A"}))
        """
    )
    assert pool_python_calls(source) == [(3, "map_elements"), (4, "map_batches"), (5, "Object")]
    assert "dashboard.tables" in server_modules()
    assert "queries.model.export" in server_modules()
    # uploads on the Data page import in the server: the importer's checks are in it, and
    # parse dates and escape reasons on the calling thread
    assert "queries.importing.validate" in server_modules()


# Sessions' threads drawing the display frames of the pages (labels, intervals, the
# CSV of a download) while others convert one shared (cached) frame for st.dataframe
# and read it. Before: a Python function in the display code had polars' workers wait
# for the interpreter lock while a thread holding it waited on them (to_pandas); and
# to_pandas of the shared frame took its lock for writing while holding the
# interpreter lock, as another thread reading the frame waited for that one.
RACE = """
import sys, threading, time
import polars as pl
from dashboard import tables
from queries.model.export import csv_bytes

big = pl.DataFrame({"a": [f"x{i % 50}" for i in range(200_000)], "b": list(range(200_000))})
rates = pl.DataFrame({
    "channel": [f"c{i % 9}" for i in range(400)],
    "value": [0.5] * 400, "n": [10] * 400, "lo": [0.4] * 400, "hi": [0.6] * 400,
})
stop = time.monotonic() + float(sys.argv[1])
done = [0, 0]

def convert():
    while time.monotonic() < stop:
        tables.to_display(big)
        big.dtypes
        done[0] += 1

def draw():
    while time.monotonic() < stop:
        shown = tables.by_group_rates(rates, "channel", "feedback_channel", "en", "Rate")
        csv_bytes(shown)
        done[1] += 1

threads = [threading.Thread(target=convert) for _ in range(3)]
threads += [threading.Thread(target=draw) for _ in range(4)]
for th in threads:
    th.start()
for th in threads:
    th.join()
print(done[0], done[1])
"""


def test_display_code_and_conversions_on_many_threads_finish() -> None:
    """Before the fix this hung within a second or two (every thread waiting for the
    interpreter lock, its holder waiting on polars' pool): the timeout fails it."""
    seconds = 6
    try:
        out = subprocess.run(
            [sys.executable, "-c", RACE, str(seconds)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError("the threads hung: the interpreter lock deadlock is back") from exc
    assert out.returncode == 0, out.stderr[-2000:]
    converted, drawn = (int(x) for x in out.stdout.split())
    assert converted > 0
    assert drawn > 0
