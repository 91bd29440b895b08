"""The demo data generator: public entry points.

``generate(scale, seed, reference_date)`` returns the four record frames;
``seed_database(engine, scale, seed, reference_date)`` writes them, chunk by
chunk, into the record tables. Both are deterministic for a given
(scale, seed, reference_date): every draw comes from a local
``numpy.random.default_rng`` seeded from those, never from the clock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date

import polars as pl
import sqlalchemy as sa
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from queries.model.clock import now_local
from queries.model.schema import RECORD_TABLES, import_log
from queries.store.frames import refresh_cache
from seed_data.disclosures import generate_disclosures
from seed_data.feedback import generate_feedback
from seed_data.scales import SCALES
from seed_data.supervision import generate_supervision
from seed_data.world import World, build_world
from seed_data.writer import write_frame

# bump when the generator's output for a given seed changes
GENERATOR_VERSION = 1
RECORD_KINDS = ("units", "disclosures", "feedback", "supervision")
_CHUNK_GENERATORS = {
    "disclosures": generate_disclosures,
    "feedback": generate_feedback,
    "supervision": generate_supervision,
}


class SeedError(Exception):
    """The database cannot be seeded as asked (e.g. it already has records)."""


def world_for(scale: str, seed: int, reference_date: date) -> World:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: one of {', '.join(SCALES)}")
    return build_world(SCALES[scale], seed, reference_date)


def iter_frames(world: World) -> Iterator[tuple[str, pl.DataFrame]]:
    """(kind, frame) pairs: the units, then each quarter's records."""
    yield "units", world.units
    for chunk in world.chunks:
        for kind, make in _CHUNK_GENERATORS.items():
            yield kind, make(world, chunk)


def generate(scale: str, seed: int, reference_date: date) -> dict[str, pl.DataFrame]:
    """The four record kinds, columns and types as ``queries/records.py``.

    Every date is on or before ``reference_date`` and every datetime before
    the midnight that ends it.
    """
    parts: dict[str, list[pl.DataFrame]] = {k: [] for k in RECORD_KINDS}
    for kind, frame in iter_frames(world_for(scale, seed, reference_date)):
        parts[kind].append(frame)
    return {k: pl.concat(v, rechunk=True) for k, v in parts.items()}


def planned_counts(world: World) -> dict[str, int]:
    counts = {"units": world.units.height}
    for kind in _CHUNK_GENERATORS:
        counts[kind] = sum(c.counts[kind] for c in world.chunks)
    return counts


def source_name(scale: str, seed: int) -> str:
    """What the import log's ``file`` says for seeded records."""
    return f"seed:{scale}:{seed}"


def checksum(scale: str, seed: int, reference_date: date, kind: str) -> str:
    text = f"{source_name(scale, seed)}:{reference_date.isoformat()}:{kind}:v{GENERATOR_VERSION}"
    return hashlib.sha256(text.encode()).hexdigest()


def has_records(conn: sa.Connection) -> bool:
    return any(
        conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() is not None
        for t in RECORD_TABLES.values()
    )


def seed_database(
    engine: sa.Engine,
    scale: str,
    seed: int,
    reference_date: date,
    progress: bool = True,
    replace: bool = False,
) -> dict[str, int]:
    """Generate the records and write them into the (initialised) database.

    All in one transaction: either every record is written or none. With
    ``replace`` the existing records (of all four kinds) are deleted first;
    without it a database that has records is refused (``SeedError``).
    The import log gets one row per kind, ``file`` = ``seed:<scale>:<seed>``.
    Returns the number of rows written per kind.
    """
    world = world_for(scale, seed, reference_date)
    planned = planned_counts(world)
    written = dict.fromkeys(RECORD_KINDS, 0)
    bar = Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not progress,
    )
    with engine.begin() as conn, bar:
        if has_records(conn):
            if not replace:
                raise SeedError(
                    "the database already has records: use --replace to delete them first"
                )
            for kind in reversed(RECORD_KINDS):
                conn.execute(RECORD_TABLES[kind].delete())
        tasks = {k: bar.add_task(k, total=planned[k]) for k in RECORD_KINDS}
        import_ids: dict[str, int] = {}
        for kind in RECORD_KINDS:
            result = conn.execute(
                import_log.insert().values(
                    file=source_name(scale, seed),
                    kind=kind,
                    started_at=now_local().replace(microsecond=0),
                    rows_read=0,
                    rows_accepted=0,
                    rows_rejected=0,
                    checksum=checksum(scale, seed, reference_date, kind),
                    status="running",
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            import_ids[kind] = int(key[0])
        for kind, frame in iter_frames(world):
            frame = frame.with_columns(pl.lit(import_ids[kind], dtype=pl.Int64).alias("import_id"))
            write_frame(conn, kind, frame)
            written[kind] += frame.height
            bar.update(tasks[kind], completed=written[kind])
        for kind in RECORD_KINDS:
            conn.execute(
                import_log.update()
                .where(import_log.c.import_id == import_ids[kind])
                .values(
                    finished_at=now_local().replace(microsecond=0),
                    rows_read=written[kind],
                    rows_accepted=written[kind],
                    status="committed",
                )
            )

    refresh_cache(engine)  # the next indicator run is a frame-cache hit
    return written
