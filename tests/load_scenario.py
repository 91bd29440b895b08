"""Many readers at once against a real ``openness serve``, while imports run.

Used by tests/test_load_sessions.py (about a minute per database) and
benchmarks/many_sessions.py. Each reader is a :class:`streamlit_session.Session`
that waits a seeded 2-5 s between actions: another page, another quarter, scope or
ranking level, the other language, a download, the Data page. A health probe asks
``/_stcore/health`` twice a second; an import thread runs ``openness import`` of a
small feedback file every few seconds.
"""

from __future__ import annotations

import asyncio
import io
import random
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.ipc as ipc
from streamlit_session import Session

from dashboard.i18n import t

IMPORT_ROWS = 5  # feedback records in each imported file
FEEDBACK_HEADER = (
    "case_id,unit_id,kind,channel,received_at,due_at,first_response_at,closed_at,outcome,"
    "reasoned_reply,return_visit_at,resolved,satisfaction,repeat_of"
)
PAGES = ("overview", "unit", "attention", "openness", "responsiveness", "satisfaction")
PAGES_ALL = (*PAGES, "supervision", "methodology", "data")
SELECTS = ("f_quarter", "f_scope", "f_level")


@dataclass
class Outcome:
    """What the readers, the probe and the imports saw."""

    runs: list[float] = field(default_factory=list)  # seconds of each page run
    runs_by_reader: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    health: list[float] = field(default_factory=list)  # seconds per probe (inf: no answer)
    downloads: int = 0  # clicks on a download button (each one must be audited)
    download_retries: int = 0  # a file gone before it was fetched (Streamlit's sweep)
    data_checks: int = 0  # Data page views whose counts were checked against the log
    imports: int = 0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.runs)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else 0.0


def feedback_file(folder: Path, number: int, unit_id: str, day: str) -> Path:
    """The ``number``-th import: :data:`IMPORT_ROWS` new feedback cases of ``unit_id``."""
    rows = [
        f"LOAD{number:04d}-{i},{unit_id},complaint,hotline,{day},,,,,,,,,"
        for i in range(IMPORT_ROWS)
    ]
    path = folder / f"load{number:04d}_feedback.csv"
    path.write_text(FEEDBACK_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def run_imports(
    command: list[str],
    env: dict[str, str],
    folder: Path,
    unit_id: str,
    day: str,
    stop: threading.Event,
    outcome: Outcome,
    every: float = 3.0,
) -> None:
    """``openness import`` of a new small feedback file every ``every`` seconds."""
    number = 0
    while not stop.wait(every):
        number += 1
        path = feedback_file(folder, number, unit_id, day)
        done = subprocess.run([*command, str(path)], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            outcome.errors.append(f"import {number}: exit {done.returncode}: {done.stderr[-500:]}")
            return
        outcome.imports += 1


async def probe_health(port: int, stop: asyncio.Event, outcome: Outcome) -> None:
    url = f"http://127.0.0.1:{port}/_stcore/health"

    def ask() -> None:
        with urllib.request.urlopen(url, timeout=5) as answer:
            answer.read()

    while not stop.is_set():
        start = time.monotonic()
        try:
            await asyncio.to_thread(ask)
            outcome.health.append(time.monotonic() - start)
        except OSError:
            outcome.health.append(float("inf"))
        await asyncio.sleep(0.5)


def check_data_page(run_metrics: dict[str, str], tables: list[bytes], base: int) -> str | None:
    """None if the feedback count shown equals the seeded count plus
    :data:`IMPORT_ROWS` per finished feedback import in the log shown; else why not."""
    shown = None
    for lang in ("zh", "en"):
        label = t("data.kind.feedback", lang)
        if label in run_metrics:
            shown = int(run_metrics[label].replace(",", ""))
    if shown is None or not tables:
        return None  # an empty log or a page drawn without counts: nothing to compare
    log = ipc.open_stream(io.BytesIO(tables[0])).read_all().to_pylist()
    committed = {t("data.status.committed", lang) for lang in ("zh", "en")}
    imported = sum(
        1
        for row in log
        if any(_is_load_file(v) for v in row.values()) and set(row.values()) & committed
    )
    if shown != base + IMPORT_ROWS * imported:
        return (
            f"Data page: {shown} feedback records with {imported} imports of {IMPORT_ROWS} logged"
        )
    return None


def _is_load_file(value: object) -> bool:
    name = Path(str(value)).name
    return name.startswith("load") and name.endswith("_feedback.csv")


async def reader(
    number: int,
    port: int,
    seconds: float,
    pause: tuple[float, float],
    outcome: Outcome,
    base: int | None,
    query: str,
    min_actions: int = 0,
) -> None:
    """One reader for ``seconds``, seeded by ``number``; then on until it has done
    ``min_actions`` actions, for at most four times ``seconds`` more (a busy machine is
    slow for everyone; a reader the server starves stops there, short of them)."""
    rng = random.Random(number)
    session = Session(port, query)
    count = 0
    try:
        # people arrive over the first seconds, not all in the same millisecond
        await asyncio.sleep(rng.uniform(0, pause[1]))
        run = await session.open()
        outcome.runs.append(run.seconds)
        outcome.errors.extend(f"reader {number}: {e}" for e in run.errors)
        end = time.monotonic() + seconds
        give_up = end + 4 * seconds
        while time.monotonic() < end or (count < min_actions and time.monotonic() < give_up):
            await asyncio.sleep(rng.uniform(*pause))
            action = rng.choice(("page", "page", "select", "language", "download", "data"))
            if action == "download" and session.downloads:
                key = rng.choice(sorted(session.downloads))
                for _ in range(3):  # a file swept before it was fetched: click again
                    outcome.downloads += 1
                    try:
                        body = await session.download(key)
                    except urllib.error.HTTPError as exc:
                        if exc.code != 404:
                            raise
                        outcome.download_retries += 1
                        continue
                    if not body:
                        outcome.errors.append(f"reader {number}: empty download {key}")
                    break
                continue
            if action == "select" and any(k in session.widgets for k in SELECTS):
                key = rng.choice([k for k in SELECTS if k in session.widgets])
                run = await session.choose(key, rng.choice(session.widgets[key].options))
            elif action == "language" and "f_lang" in session.widgets:
                widget = session.widgets["f_lang"]
                run = await session.choose("f_lang", rng.choice(widget.options))
            elif action == "data" and "data" in session.pages:
                run = await session.go_to("data")
                if base is not None:
                    why = check_data_page(run.metrics, run.tables, base)
                    outcome.data_checks += 1
                    if why:
                        outcome.errors.append(f"reader {number}: {why}")
            else:
                pages = [p for p in PAGES_ALL if p in session.pages]
                run = await session.go_to(rng.choice(pages))
            outcome.runs.append(run.seconds)
            outcome.errors.extend(f"reader {number}: {e}" for e in run.errors)
            count += 1
    except Exception as exc:  # a reader that stops is a finding, not a crash of the test
        outcome.errors.append(f"reader {number}: {type(exc).__name__}: {exc}")
    finally:
        outcome.runs_by_reader[number] = count
        await session.close()


async def scenario(
    port: int,
    readers: int,
    seconds: float,
    outcome: Outcome,
    *,
    base: int | None = None,
    pause: tuple[float, float] = (2.0, 5.0),
    query: str = "",
    min_actions: int = 0,
) -> None:
    """``readers`` readers for ``seconds`` (each on until ``min_actions`` actions are
    done; ``reader``) with the health probe running throughout, once the server is warm
    (one reader's first page drawn: the records read, the default view computed, as
    ``openness serve`` does before its first reader)."""
    first = Session(port, query)
    await first.open()
    await first.close()
    stop = asyncio.Event()
    probe = asyncio.create_task(probe_health(port, stop, outcome))
    await asyncio.gather(
        *(
            reader(i, port, seconds, pause, outcome, base, query, min_actions)
            for i in range(readers)
        )
    )
    stop.set()
    await probe
