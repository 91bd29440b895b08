"""``openness seed``: fill the database with generated, realistic records."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated

import typer

from openness.app import EXIT_USAGE, DbOption, app, err, fail, open_database

SCALE_NAMES = ("tiny", "demo", "city", "province", "province1", "province5", "national")


def _parse_date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--reference-date must be YYYY-MM-DD, got {value!r}")


@app.command("seed")
def seed(
    scale: Annotated[
        str,
        typer.Option(
            "--scale",
            help="demo (one city, 2 years, ~100k cases), city (4 years), "
            "province (~3,000 units, 3 years, ~6M cases), tiny (for tests); "
            "for benchmarks: province1 / province5 (the province's yearly volume over 1 / 5 "
            "years), national (ten provinces' volume, ~76M records).",
        ),
    ] = "demo",
    seed_: Annotated[int, typer.Option("--seed", help="Random seed.")] = 42,
    reference_date: Annotated[
        str | None,
        typer.Option(
            "--reference-date",
            help="Last day generated, YYYY-MM-DD (default: today).",
            show_default=False,
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Delete the records already in the database first."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Fill the database with generated, realistic records (deterministic for a seed)."""
    from seed_data.generator import SeedError, seed_database

    if scale not in SCALE_NAMES:
        fail(f"--scale must be one of {', '.join(SCALE_NAMES)}, got {scale!r}")
    ref = _parse_date(reference_date)
    engine = open_database(db, create=True)
    err.print(f"seeding scale {scale}, seed {seed_}, reference date {ref.isoformat()}")
    started = time.perf_counter()
    try:
        counts = seed_database(engine, scale, seed_, ref, progress=True, replace=replace)
    except SeedError as exc:
        fail(str(exc), EXIT_USAGE)
    finally:
        engine.dispose()
    summary = ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
    err.print(f"wrote {summary} in {time.perf_counter() - started:.1f} s")
