"""The import's record of itself: ``import_log`` and ``import_reject``.

Rejected rows are kept one line per problem (row number, column, reason) with
the record's key and its record columns as read (never a column records.md
does not name). A ``running`` log row whose process has died is settled as
``interrupted`` by the next import, and shown so by :func:`live_status`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from queries.model.clock import now_local
from queries.model.schema import import_log, import_reject

REJECT_ROWS_PER_INSERT = 50_000
# every status an import_log row can have (schema.import_log)
IMPORT_STATUSES = ("running", "committed", "rolled_back", "failed", "interrupted")
# this process, as the log's ``owner`` names it
OWNER = f"{socket.gethostname()}:{os.getpid()}"
INTERRUPTED = "进程中止 / the importing process ended before finishing (killed or crashed)"


def _alive(owner: str | None) -> bool | None:
    """Whether the process ``host:pid`` runs; None when it is on another host."""
    host, _, pid = (owner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def live_status(status: str, owner: str | None) -> str:
    """``interrupted`` for a ``running`` import whose process is gone, else ``status``."""
    if status == "running" and _alive(owner) is False:
        return "interrupted"
    return status


def settle_interrupted(engine: sa.Engine) -> int:
    """Mark ``running`` imports whose process is gone ``interrupted``; how many."""
    with engine.begin() as conn:
        rows = conn.execute(
            sa.select(import_log.c.import_id, import_log.c.owner).where(
                import_log.c.status == "running"
            )
        ).all()
        dead = [i for i, owner in rows if _alive(owner) is False]
        if dead:
            conn.execute(
                import_log.update()
                .where(import_log.c.import_id.in_(dead))
                .values(status="interrupted", message=INTERRUPTED)
            )
    return len(dead)


def start_log(engine: sa.Engine, source: str, kind: str) -> int:
    """A ``running`` import_log row, committed at once; its id marks the rows written."""
    with engine.begin() as conn:
        import_id = conn.execute(
            import_log.insert()
            .values(
                file=source,
                kind=kind,
                started_at=now_local(),
                rows_read=0,
                rows_accepted=0,
                rows_rejected=0,
                checksum="",
                status="running",
                owner=OWNER,
            )
            .returning(import_log.c.import_id)
        ).scalar_one()
    return int(import_id)


def finish_log(
    conn: sa.Connection,
    import_id: int,
    values: dict[str, object],
    rejects: pl.DataFrame | None = None,
    lines: pl.DataFrame | None = None,
) -> None:
    """Close an import's log row, and record its rejects.

    ``rejects``: row, column, reason; ``lines``: the rejects file's lines
    (row, key, columns, reasons, record columns), whose key and record
    columns go with each problem of their row.
    """
    conn.execute(import_log.update().where(import_log.c.import_id == import_id).values(**values))
    if rejects is None or rejects.is_empty():
        return
    if lines is not None and not lines.is_empty():
        record_cols = [c for c in lines.columns if c not in ("row", "key", "columns", "reasons")]
        extra = lines.select(
            "row",
            pl.col("key").alias("record_key"),
            pl.struct(record_cols).struct.json_encode().alias("record")
            if record_cols
            else pl.lit(None, pl.String).alias("record"),
        )
        rejects = rejects.join(extra, on="row", how="left", maintain_order="left")
    else:
        rejects = rejects.with_columns(
            pl.lit(None, pl.String).alias("record_key"), pl.lit(None, pl.String).alias("record")
        )
    # in slices: a file of a million bad rows must not become a million dicts at once
    for part in rejects.iter_slices(REJECT_ROWS_PER_INSERT):
        conn.execute(
            import_reject.insert(),
            part.select(
                pl.lit(import_id).alias("import_id"),
                pl.col("row").alias("row_number"),
                pl.col("column").alias("column_name"),
                "reason",
                "record_key",
                "record",
            ).to_dicts(),
        )


def log_failed(engine: sa.Engine, path: Path, kind: str, message: str = "") -> None:
    """The log row of a file found unusable before anything was written."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        pass
    now = now_local()
    # the cause is raised by the caller: a database that takes no write cannot log it
    with contextlib.suppress(sa.exc.DBAPIError), engine.begin() as conn:
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
                message=message or None,
                owner=OWNER,
            )
        )


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
