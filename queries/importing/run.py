"""Importing record files into the database (``spec/records.md``, ``spec/cli.md``).

``import_files`` reads CSV or XLSX files (see :mod:`queries.importing.read`),
validates each batch with polars (:mod:`queries.importing.validate`), and
upserts the valid rows (:mod:`queries.importing.write`), each file in one
transaction. Rejected rows go to a CSV under ``data_dir()/rejects/`` and to
the ``import_reject`` table; every import writes an ``import_log`` row.

``import_frame`` does the same for a polars DataFrame of string columns (the
seed generator uses it).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from queries.importing.forest import forest_rejects
from queries.importing.log import Progress, finish_log, log_failed, start_log, write_rejects_csv
from queries.importing.read import (
    ROW,
    Batch,
    RecordFile,
    UnusableFileError,
    kind_from_name,
    open_record_file,
)
from queries.importing.validate import REJECT_SCHEMA, BatchValidator
from queries.importing.write import Stage
from queries.model.records import IMPORT_ORDER, KINDS, RecordKind
from queries.model.schema import units

__all__ = [
    "ImportResult",
    "ImportUsageError",
    "UnusableFileError",
    "import_files",
    "import_frame",
    "kind_from_name",
]

# files this large show a progress bar (when progress is on)
PROGRESS_MIN_BYTES = 16 * 1024 * 1024
# a feedback row of records.md takes 100-200 bytes of CSV
BYTES_PER_ROW_GUESS = 150


class ImportUsageError(Exception):
    """Bad usage: a file whose kind cannot be told, an unknown kind (exit status 2)."""


@dataclass
class ImportResult:
    """What importing one file did."""

    file: str
    kind: str
    import_id: int
    status: str  # committed | rolled_back | failed
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    checksum: str
    rejects_file: Path | None = None
    # row, column, reason (one line per problem; a row may have several)
    rejects: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REJECT_SCHEMA))

    @property
    def exit_code(self) -> int:
        return 0 if self.rows_rejected == 0 and self.status == "committed" else 1


def resolve_kinds(paths: Iterable[Path | str], kind: str | None) -> list[tuple[Path, str]]:
    """Each path with its kind, units first (stable otherwise)."""
    if kind is not None and kind not in KINDS:
        raise ImportUsageError(f"unknown kind {kind!r}: use one of {', '.join(IMPORT_ORDER)}")
    resolved = []
    for p in paths:
        path = Path(p)
        k = kind or kind_from_name(path)
        if k is None:
            raise ImportUsageError(
                f"{path}: cannot tell the kind from the file name (it should contain one of "
                f"{', '.join(IMPORT_ORDER)}, e.g. 2026-03_feedback.csv): use --kind"
            )
        resolved.append((path, k))
    return sorted(resolved, key=lambda pk: IMPORT_ORDER.index(pk[1]))


def import_files(
    engine: sa.Engine,
    paths: Iterable[Path | str],
    kind: str | None = None,
    strict: bool = False,
    progress: bool = True,
) -> list[ImportResult]:
    """Import record files, units first, each file in one transaction.

    Every file is opened and its header checked before anything is written:
    one unusable file stops the whole import (its ``import_log`` row says
    ``failed``). A file found malformed part-way is rolled back, logged
    ``failed`` and stops the import; files before it stay imported.

    Raises
    ------
    ImportUsageError
        A file's kind cannot be told, or ``kind`` is unknown.
    UnusableFileError
        A file is missing, empty, binary, not a table, or lacks a required column.
    """
    files: list[RecordFile] = []
    for path, k in resolve_kinds(paths, kind):
        try:
            files.append(open_record_file(path, k))
        except UnusableFileError:
            if path.is_file():
                log_failed(engine, path, k)
            raise
    results = []
    for rf in files:
        show = progress and rf.size >= PROGRESS_MIN_BYTES
        results.append(
            _import(
                engine,
                str(rf.path),
                rf.kind,
                rf.batches,
                partial(getattr, rf, "sha256"),
                strict,
                progress_total=rf.size if show else None,
                expected_rows=rf.size // BYTES_PER_ROW_GUESS,
            )
        )
    if any(r.status == "committed" for r in results):
        from queries.store.frames import refresh_cache

        refresh_cache(engine)  # the next indicator run is a frame-cache hit
    return results


def import_frame(
    engine: sa.Engine,
    frame: pl.DataFrame,
    kind: str,
    strict: bool = False,
    source: str = "<frame>",
    batch_rows: int = 200_000,
) -> ImportResult:
    """Import a DataFrame of string columns (named as in records.md) as ``kind``.

    Row numbers in reasons count as in a spreadsheet: the first row is 2.
    Columns that records.md does not name are dropped. Raises
    :class:`UnusableFileError` when a required column is missing.
    """
    spec = KINDS[kind]
    missing = [f.name for f in spec.fields if f.required and f.name not in frame.columns]
    if missing:
        raise UnusableFileError(source, f"missing required column(s) {', '.join(missing)}")
    frame = frame.select([c for c in spec.columns if c in frame.columns]).with_row_index(
        ROW, offset=2
    )
    frame = frame.with_columns(pl.col(ROW).cast(pl.Int64))
    digest = hashlib.sha256()

    def batches() -> Iterator[Batch]:
        for part in frame.iter_slices(batch_rows):
            digest.update(part.write_csv().encode("utf-8"))
            yield Batch(part, 0)

    return _import(
        engine, source, spec, batches, lambda: digest.hexdigest(), strict, None, frame.height
    )


# -- one file ---------------------------------------------------------------------


def _import(
    engine: sa.Engine,
    source: str,
    spec: RecordKind,
    batches: Callable[[], Iterator[Batch]],
    checksum: Callable[[], str],
    strict: bool,
    progress_total: int | None,
    expected_rows: int = 0,
) -> ImportResult:
    import_id = start_log(engine, source, spec.name)

    rejects: list[pl.DataFrame] = []
    rows_read = rows_accepted = 0
    rolled_back = False
    stage: Stage | None = None
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            stage = Stage(conn, spec, expected_rows)
            validator = BatchValidator(spec, _known_units(conn, spec))
            # units wait for the forest check; other kinds are prepared for the
            # stage in the reading thread, while the previous batch is written
            units_kind = spec.name == "units"
            held: list[pl.DataFrame] = []
            prepare = None if units_kind else stage.prepare
            with Progress(progress_total, source) as bar:
                for frame, bad, nbytes, prepared in _validated(batches(), validator, prepare):
                    rows_read += frame.height + bad.get_column("row").n_unique()
                    if not bad.is_empty():
                        rejects.append(bad)
                    if units_kind:
                        held.append(frame)
                    elif not (strict and rejects):
                        stage.write(prepared, import_id)
                    rows_accepted += frame.height
                    bar.advance(nbytes)
            if units_kind and held:
                accepted = pl.concat(held)
                bad = forest_rejects(accepted, _db_units(conn))
                if not bad.is_empty():
                    rejects.append(bad)
                    accepted = accepted.filter(~pl.col(ROW).is_in(bad["row"].implode()))
                rows_accepted = accepted.height
                if not (strict and rejects):
                    stage.write(stage.prepare(accepted), import_id)
            all_rejects = _collect(rejects)
            rows_rejected = all_rejects.get_column("row").n_unique()
            rolled_back = strict and rows_rejected > 0
            if rolled_back:
                stage.wait()
                trans.rollback()
            else:
                stage.finish()
            stage.close()
        except BaseException:
            stage_close(stage)
            trans.rollback()
            with engine.begin() as log_conn:
                finish_log(
                    log_conn,
                    import_id,
                    {"finished_at": datetime.now(), "status": "failed", "rows_read": rows_read},
                )
            raise
        status = "rolled_back" if rolled_back else "committed"
        if rolled_back:
            rows_accepted = 0
        rejects_file = write_rejects_csv(all_rejects, source, import_id)
        finish = {
            "finished_at": datetime.now(),
            "rows_read": rows_read,
            "rows_accepted": rows_accepted,
            "rows_rejected": rows_rejected,
            "checksum": checksum(),
            "status": status,
            "rejects_file": str(rejects_file) if rejects_file else None,
        }
        if rolled_back:
            # the log and the rejects survive the rollback, in a transaction of their own
            with conn.begin():
                stage.release()
                finish_log(conn, import_id, finish, all_rejects)
        else:
            # a commit writes its log together with its rows
            finish_log(conn, import_id, finish, all_rejects)
            trans.commit()
    return ImportResult(
        file=source,
        kind=spec.name,
        import_id=import_id,
        status=status,
        rows_read=rows_read,
        rows_accepted=rows_accepted,
        rows_rejected=rows_rejected,
        checksum=checksum(),
        rejects_file=rejects_file,
        rejects=all_rejects,
    )


def stage_close(stage: Stage | None) -> None:
    """Let a merge in flight end before rolling back (its own error is moot then)."""
    if stage is None:
        return
    with contextlib.suppress(Exception):
        stage.wait()
    stage.close()


def _validated(
    batches: Iterator[Batch],
    validator: BatchValidator,
    prepare: Callable[[pl.DataFrame], object] | None,
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame, int, object]]:
    """Validated (and prepared) batches; the next is read while this one is written."""

    def step() -> tuple[pl.DataFrame, pl.DataFrame, int, object] | None:
        batch = next(batches, None)
        if batch is None:
            return None
        good, bad = validator.validate(batch.frame)
        prepared = prepare(good) if prepare is not None else None
        return good, bad, batch.bytes_read, prepared

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-read") as pool:
        pending = pool.submit(step)
        while True:
            item = pending.result()
            if item is None:
                return
            pending = pool.submit(step)
            yield item


def _known_units(conn: sa.Connection, spec: RecordKind) -> pl.Series | None:
    if "unit_id" not in spec.columns or spec.name == "units":
        return None
    ids = conn.execute(sa.select(units.c.unit_id)).scalars().all()
    return pl.Series("unit_id", ids, dtype=pl.String)


def _db_units(conn: sa.Connection) -> pl.DataFrame:
    rows = conn.execute(sa.select(units.c.unit_id, units.c.parent_id)).all()
    return pl.DataFrame(rows, schema={"unit_id": pl.String, "parent_id": pl.String}, orient="row")


def _collect(rejects: list[pl.DataFrame]) -> pl.DataFrame:
    if not rejects:
        return pl.DataFrame(schema=REJECT_SCHEMA)
    return pl.concat(rejects).sort("row", maintain_order=True)
