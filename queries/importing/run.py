"""Importing record files into the database (``docs/spec/records.md``, ``docs/spec/cli.md``).

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
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from queries.importing.failures import cause, environment_error, log_failure, stage_close
from queries.importing.forest import forest_rejects
from queries.importing.log import (
    Progress,
    finish_log,
    log_failed,
    settle_interrupted,
    start_log,
)
from queries.importing.read import RecordFile, kind_from_name, open_record_file
from queries.importing.rejects import check_writable, reject_lines, write_rejects_file
from queries.importing.source import REJECT_SCHEMA, ROW, Batch, UnusableFileError, both
from queries.importing.validate import BatchValidator, Labels
from queries.importing.write import Stage
from queries.model.clock import now_local
from queries.model.records import IMPORT_ORDER, KINDS, RecordKind
from queries.model.schema import units
from queries.model.tree import Tree
from queries.store.changes import RecordChanges, records_marker_on, run_of
from queries.store.frames import refresh_cache
from queries.vocabulary.text import Text

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
    """Bad usage: a file whose kind cannot be told, an unknown kind (exit status 2);
    the message in both languages, like :class:`UnusableFileError`'s."""

    def __init__(self, message: Text, where: Path | None = None) -> None:
        super().__init__((f"{where}: " if where else "") + both(message))


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
    # the rejects file's lines: row, key, columns, reasons, record columns as read
    reject_rows: pl.DataFrame = field(default_factory=pl.DataFrame)
    # workbooks: the sheet read, the rows skipped above its header (titles, notes)
    # and below its table (footers: totals, who filled it in)
    sheet: str | None = None
    rows_above: int = 0
    rows_below: int = 0
    # SQLite: the months written and the change markers around the write (None else)
    changes: RecordChanges | None = None

    @property
    def exit_code(self) -> int:
        return 0 if self.rows_rejected == 0 and self.status == "committed" else 1


def resolve_kinds(paths: Iterable[Path | str], kind: str | None) -> list[tuple[Path, str]]:
    """Each path with its kind, units first (stable otherwise)."""
    if kind is not None and kind not in KINDS:
        kinds = ", ".join(IMPORT_ORDER)
        raise ImportUsageError(
            Text(
                f"未知的记录类型“{kind}”：请用 {kinds} 之一",
                f"unknown kind {kind!r}: use one of {kinds}",
            )
        )
    resolved = []
    for p in paths:
        path = Path(p)
        k = kind or kind_from_name(path)
        if k is None and not path.is_file():  # a file that is not there: say that first
            raise UnusableFileError(path, Text("文件不存在", "no such file"))
        if k is None:
            kinds = ", ".join(IMPORT_ORDER)
            raise ImportUsageError(
                Text(
                    f"无法从文件名判断记录类型（文件名应含 {kinds} 之一，如 "
                    "2026-03_feedback.csv）：请用 --kind",
                    "cannot tell the kind from the file name (it should contain one of "
                    f"{kinds}, e.g. 2026-03_feedback.csv): use --kind",
                ),
                path,
            )
        resolved.append((path, k))
    return sorted(resolved, key=lambda pk: IMPORT_ORDER.index(pk[1]))


def import_files(
    engine: sa.Engine,
    paths: Iterable[Path | str],
    kind: str | None = None,
    strict: bool = False,
    progress: bool = True,
    labels: Labels | None = None,
    *,
    reach: str | None = None,
    on_rows: Callable[[int], None] | None = None,
    names: Mapping[Path, str] | None = None,
) -> list[ImportResult]:
    """Import record files, units first, each file in one transaction.

    Every file is opened and its header checked, and the rejects folder
    checked writable, before anything is written: one unusable file stops the
    whole import (its ``import_log`` row says ``failed``, with the cause). A
    file found unusable part-way (mixed encodings), or an environment that
    fails (rejects file not written, disk full, database locked), rolls that
    file back, logs it ``failed`` with the cause and stops the import; files
    before it stay imported. ``labels`` maps source labels to codes per field
    (``Settings.labels``).

    An upload (the dashboard's Data page) gives ``reach``: the unit whose subtree
    the rows may name (None: every unit); a row naming a unit outside it is
    rejected with that reason, checked against the units in the database as the
    file is written. ``on_rows`` is called with the rows read so far after each
    batch; ``names``: the name each path is logged and reported under (the
    uploaded file's own name rather than where the server keeps it).

    Raises
    ------
    ImportUsageError
        A file's kind cannot be told, or ``kind`` is unknown, or a units file is
        given with a ``reach`` (the hierarchy is not one unit's to change).
    UnusableFileError
        A file is missing, empty, binary, not a table, or lacks a required
        column; or the rejects folder, the disk or the database fails.
    """
    resolved = resolve_kinds(paths, kind)
    if reach is not None and any(k == "units" for _, k in resolved):
        raise ImportUsageError(
            Text(
                f"只能导入 {reach} 及其下属单位的记录：单位层级文件（units）不能这样导入",
                f"only records of {reach} and the units below it may be imported: not a "
                "units file (the hierarchy)",
            ),
            next(p for p, k in resolved if k == "units"),
        )
    run = _Run(strict, progress, labels, reach, on_rows, names or {})
    try:
        return _import_files(engine, resolved, run)
    except sa.exc.DBAPIError as exc:  # locked, full, not a database: before or between files
        error = environment_error(exc, engine, None)
        assert error is not None
        raise error from None


@dataclass(frozen=True)
class _Run:
    """How one call of :func:`import_files` imports its files."""

    strict: bool
    progress: bool
    labels: Labels | None
    reach: str | None
    on_rows: Callable[[int], None] | None
    names: Mapping[Path, str]


def _import_files(
    engine: sa.Engine, resolved: list[tuple[Path, str]], run: _Run
) -> list[ImportResult]:
    settle_interrupted(engine)
    try:
        check_writable(engine)
    except OSError as exc:
        folder = Path(exc.filename) if exc.filename else Path("rejects")
        why = exc.strerror or exc
        cause = Text(f"无法写入被拒行文件夹：{why}", f"the rejects folder cannot be written: {why}")
        for path, k in resolved[:1]:
            log_failed(engine, path, k, f"{folder}: {both(cause)}")
        raise UnusableFileError(folder, cause) from None
    files: list[RecordFile] = []
    for path, k in resolved:
        try:
            files.append(open_record_file(path, k))
        except UnusableFileError as exc:
            log_failed(engine, path, k, exc.reason)
            raise
    results = []
    for rf in files:
        show = run.progress and rf.size >= PROGRESS_MIN_BYTES
        result = _import(
            engine,
            run.names.get(rf.path, str(rf.path)),
            rf.kind,
            rf.batches,
            partial(getattr, rf, "sha256"),
            run.strict,
            progress_total=rf.size if show else None,
            expected_rows=rf.size // BYTES_PER_ROW_GUESS,
            labels=run.labels,
            reach=run.reach,
            on_rows=run.on_rows,
        )
        result.sheet, result.rows_above, result.rows_below = rf.sheet, rf.rows_above, rf.rows_below
        results.append(result)
    if any(r.status == "committed" for r in results):
        # the columnar copy reads the months written again; the frame cache is read anew
        refresh_cache(engine, changes=run_of([r.changes for r in results]))
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
        cols = ", ".join(missing)
        raise UnusableFileError(
            source, Text(f"缺少必填列 {cols}", f"missing required column(s) {cols}")
        )
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
    labels: Labels | None = None,
    reach: str | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> ImportResult:
    import_id = start_log(engine, source, spec.name)

    rejects: list[pl.DataFrame] = []
    values: list[pl.DataFrame] = []
    rows_read = rows_accepted = 0
    rolled_back = False
    stage: Stage | None = None
    rejects_file: Path | None = None
    changes: RecordChanges | None = None
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            stage = Stage(conn, spec, expected_rows)
            # SQLite: the stage holds the write lock; what the database was before this file
            before = records_marker_on(conn)
            validator = BatchValidator(
                spec, _known_units(conn, spec), labels or {}, *_reach(conn, reach)
            )
            # units wait for the forest check; other kinds are prepared for the
            # stage in the reading thread, while the previous batch is written
            units_kind = spec.name == "units"
            held: list[pl.DataFrame] = []
            raw_units: list[pl.DataFrame] = []
            prepare = None if units_kind else stage.prepare
            with Progress(progress_total, source) as bar:
                for item in _validated(batches(), validator, prepare):
                    frame, bad, bad_values = item.good, item.bad, item.bad_values
                    rows_read += frame.height + bad.get_column("row").n_unique()
                    if not bad.is_empty():
                        rejects.append(bad)
                        values.append(bad_values)
                    if units_kind:
                        held.append(frame)
                        raw_units.append(item.raw)
                    elif not (strict and rejects):
                        stage.write(item.prepared, import_id)
                    rows_accepted += frame.height
                    bar.advance(item.nbytes)
                    if on_rows is not None:
                        on_rows(rows_read)
            if units_kind and held:
                accepted = pl.concat(held)
                bad = forest_rejects(accepted, _db_units(conn))
                if not bad.is_empty():
                    rejects.append(bad)
                    raw = pl.concat(raw_units, how="diagonal_relaxed")
                    values.append(raw.filter(pl.col(ROW).is_in(bad["row"].implode())))
                    accepted = accepted.filter(~pl.col(ROW).is_in(bad["row"].implode()))
                rows_accepted = accepted.height
                if not (strict and rejects):
                    stage.write(stage.prepare(accepted), import_id)
            all_rejects = _collect(rejects)
            rows_rejected = all_rejects.get_column("row").n_unique()
            lines = (
                reject_lines(all_rejects, pl.concat(values, how="diagonal_relaxed"), spec)
                if rows_rejected
                else pl.DataFrame()
            )
            rolled_back = strict and rows_rejected > 0
            if rolled_back:
                stage.wait()
                trans.rollback()
            else:
                stage.finish()
            stage.close()
            status = "rolled_back" if rolled_back else "committed"
            if rolled_back:
                rows_accepted = 0
            if rows_rejected:
                rejects_file = write_rejects_file(lines, engine, source, spec.name, import_id)
            finish = {
                "finished_at": now_local(),
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
                    finish_log(conn, import_id, finish, all_rejects, lines)
            else:
                # a commit writes its log together with its rows
                finish_log(conn, import_id, finish, all_rejects, lines)
                after = records_marker_on(conn)
                trans.commit()
                changes = RecordChanges.of(before, after, spec.name, stage.months)
        except BaseException as exc:
            stage_close(stage)
            with contextlib.suppress(Exception):
                if trans.is_active:
                    trans.rollback()
            if rejects_file is not None:
                with contextlib.suppress(OSError):
                    rejects_file.unlink()
            error = environment_error(exc, engine, rejects_file, source)
            log_failure(engine, import_id, rows_read, error.reason if error else cause(exc))
            if error is not None:
                raise error from None
            raise
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
        reject_rows=lines,
        changes=changes,
    )


@dataclass
class _Validated:
    good: pl.DataFrame  # typed accepted rows
    bad: pl.DataFrame  # row, column, reason
    bad_values: pl.DataFrame  # the rejected rows' record columns as read
    raw: pl.DataFrame  # the batch as read (units only; empty for the other kinds)
    nbytes: int
    prepared: object


def _validated(
    batches: Iterator[Batch],
    validator: BatchValidator,
    prepare: Callable[[pl.DataFrame], object] | None,
) -> Iterator[_Validated]:
    """Validated (and prepared) batches; the next is read while this one is written."""

    def step() -> _Validated | None:
        batch = next(batches, None)
        if batch is None:
            return None
        good, bad = validator.validate(batch.frame)
        bad_values = batch.frame.filter(pl.col(ROW).is_in(bad.get_column("row").implode()))
        if not batch.problems.is_empty():
            bad = pl.concat([bad, batch.problems])
            if batch.problem_values is not None:
                bad_values = pl.concat([bad_values, batch.problem_values], how="diagonal_relaxed")
        prepared = prepare(good) if prepare is not None else None
        # the batch as read is kept for units only (their forest check rejects rows later)
        raw = batch.frame if prepare is None else batch.frame.clear()
        return _Validated(good, bad, bad_values, raw, batch.bytes_read, prepared)

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


def _reach(conn: sa.Connection, unit_id: str | None) -> tuple[pl.Series | None, str]:
    """The unit ids an upload limited to ``unit_id``'s subtree may name (None: every
    unit), from the units in the database now; and the unit, for the reason."""
    if unit_id is None:
        return None, ""
    tree = Tree.from_units(_db_units(conn))
    ids = tree.subtree(unit_id) if unit_id in tree.parent else []
    return pl.Series("unit_id", ids, dtype=pl.String), unit_id


def _db_units(conn: sa.Connection) -> pl.DataFrame:
    rows = conn.execute(sa.select(units.c.unit_id, units.c.parent_id)).all()
    return pl.DataFrame(rows, schema={"unit_id": pl.String, "parent_id": pl.String}, orient="row")


def _collect(rejects: list[pl.DataFrame]) -> pl.DataFrame:
    if not rejects:
        return pl.DataFrame(schema=REJECT_SCHEMA)
    return pl.concat(rejects).sort("row", maintain_order=True)
