"""Page times with 1, 5 and 20 readers at once (run by hand; numbers go into README.md).

    .venv/bin/python benchmarks/many_sessions.py [--db URL] [--scale demo] [--seconds 90]
        [--sessions 1,5,20] [--imports]

Without ``--db`` it seeds a fresh SQLite database at the given scale (seed 42, last
day today) in a temporary folder. It starts ``openness serve`` on a free port and,
for each number of readers in turn, runs that many readers for ``--seconds``: each
speaks Streamlit's WebSocket protocol (tests/streamlit_session.py) and waits a seeded
2-5 s between actions (another page, quarter, scope, level or language, a download,
the Data page; tests/load_scenario.py). ``--imports``: ``openness import`` of a small
feedback file every 3 s meanwhile. A page time runs from the request to the end of
the script run. Printed: runs, median, 95th percentile, the health endpoint's worst
answer, and the 20-reader median over the one-reader median of the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from load_scenario import Outcome, run_imports, scenario  # noqa: E402

OPENNESS = [sys.executable, "-m", "openness"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 120) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(port)


def a_station(url: str) -> str:
    import sqlalchemy as sa

    from queries.model.db import make_engine
    from queries.model.schema import RECORD_TABLES

    engine = make_engine(url)
    units = RECORD_TABLES["units"]
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(units.c.unit_id).where(units.c.level == "station").limit(1)
        ).scalar_one()
    engine.dispose()
    return str(found)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="an existing database (default: seed a fresh SQLite one)")
    ap.add_argument("--scale", default="demo")
    ap.add_argument("--seconds", type=float, default=90)
    ap.add_argument("--sessions", default="1,5,20")
    ap.add_argument("--imports", action="store_true")
    args = ap.parse_args()
    levels = [int(n) for n in args.sessions.split(",")]
    with tempfile.TemporaryDirectory(prefix="openness-sessions-") as tmp:
        env = {**os.environ, "OPENNESS_DATA": tmp}
        url = args.db or f"sqlite:///{Path(tmp) / 'openness.db'}"
        if not args.db:
            seed = [*OPENNESS, "seed", "--scale", args.scale, "--seed", "42"]
            seed += ["--reference-date", date.today().isoformat(), "--db", url]
            subprocess.run(seed, env=env, check=True, capture_output=True)
        port = free_port()
        log = Path(tmp) / "serve.log"
        with log.open("wb") as out:
            server = subprocess.Popen(
                [*OPENNESS, "serve", "--port", str(port), "--db", url],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_port(port)
            results: dict[int, Outcome] = {}
            for n in levels:
                outcome = Outcome()
                stop = threading.Event()
                importer = threading.Thread(
                    target=run_imports,
                    args=(
                        [*OPENNESS, "import", "--db", url],
                        env,
                        Path(tmp),
                        a_station(url),
                        date.today().isoformat(),
                        stop,
                        outcome,
                    ),
                )
                if args.imports:
                    importer.start()
                asyncio.run(scenario(port, n, args.seconds, outcome))
                stop.set()
                if args.imports:
                    importer.join()
                results[n] = outcome
                print(
                    f"{n:>3} readers: {len(outcome.runs)} runs, median {outcome.median:.2f} s, "
                    f"p95 {outcome.quantile(0.95):.2f} s, health worst {max(outcome.health):.2f} s, "
                    f"{outcome.imports} imports, {len(outcome.errors)} errors, "
                    f"load average {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
                for e in outcome.errors[:5]:
                    print("    ", e)
            if 1 in results and max(levels) in results and results[1].median:
                ratio = results[max(levels)].median / results[1].median
                print(f"median at {max(levels)} readers / median at 1: {ratio:.1f}x")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
