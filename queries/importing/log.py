"""The import's record of itself: ``import_log``, ``import_reject``, the rejects CSV.

Rejected rows are kept as row number, column and reason only, never with the
row's values (which may carry personal data); the reason quotes the one value
at fault.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from queries.model.db import data_dir
from queries.model.export import write_csv
from queries.model.schema import import_log, import_reject

REJECT_ROWS_PER_INSERT = 50_000


def start_log(engine: sa.Engine, source: str, kind: str) -> int:
    """A ``running`` import_log row, committed at once; its id marks the rows written."""
    with engine.begin() as conn:
        import_id = conn.execute(
            import_log.insert()
            .values(
                file=source,
                kind=kind,
                started_at=datetime.now(),
                rows_read=0,
                rows_accepted=0,
                rows_rejected=0,
                checksum="",
                status="running",
            )
            .returning(import_log.c.import_id)
        ).scalar_one()
    return int(import_id)


def finish_log(
    conn: sa.Connection,
    import_id: int,
    values: dict[str, object],
    rejects: pl.DataFrame | None = None,
) -> None:
    """Close an import's log row, and record its rejects."""
    conn.execute(import_log.update().where(import_log.c.import_id == import_id).values(**values))
    if rejects is None or rejects.is_empty():
        return
    # in slices: a file of a million bad rows must not become a million dicts at once
    for part in rejects.iter_slices(REJECT_ROWS_PER_INSERT):
        conn.execute(
            import_reject.insert(),
            part.select(
                pl.lit(import_id).alias("import_id"),
                pl.col("row").alias("row_number"),
                pl.col("column").alias("column_name"),
                "reason",
            ).to_dicts(),
        )


def log_failed(engine: sa.Engine, path: Path, kind: str) -> None:
    """The log row of a file found unusable before anything was written."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    now = datetime.now()
    with engine.begin() as conn:
        conn.execute(
            import_log.insert().values(
                file=str(path),
                kind=kind,
                started_at=now,
                finished_at=now,
                rows_read=0,
                rows_accepted=0,
                rows_rejected=0,
                checksum=digest.hexdigest(),
                status="failed",
            )
        )


def write_rejects_csv(rejects: pl.DataFrame, source: str, import_id: int) -> Path | None:
    """The rejected rows as a CSV (UTF-8 with BOM, opens in Excel): file, row, column, reason."""
    if rejects.is_empty():
        return None
    folder = data_dir() / "rejects"
    folder.mkdir(parents=True, exist_ok=True)
    stem = Path(source).stem if not source.startswith("<") else "frame"
    path = folder / f"{import_id:06d}_{stem}_rejects.csv"
    write_csv(rejects.select(pl.lit(source).alias("file"), "row", "column", "reason"), path)
    return path


class Progress:
    """A rich progress bar in bytes on stderr, or nothing when ``total`` is None."""

    def __init__(self, total: int | None, label: str) -> None:
        self.total = total
        self.label = label
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.total is not None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                TimeRemainingColumn,
                TransferSpeedColumn,
            )
            from rich.progress import Progress as RichProgress

            self._progress = RichProgress(
                "[progress.description]{task.description}",
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(
                f"importing {Path(self.label).name}", total=self.total
            )
        return self

    def advance(self, nbytes: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, nbytes)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
