"""The lake: the records as Parquet in Hive layout, for a cluster (cli.md, "Engines
and the lake").

Layout under the lake's folder ``DIR``::

    _lake.json                                   the manifest (written last)
    units/units-<d>.parquet                      unpartitioned
    calendar/calendar-<d>.parquet                the working-day calendar
    disclosures/month=YYYY-MM/part-<d>.parquet   month of published_on
    feedback/month=YYYY-MM/part-<d>.parquet      month of received_at
    supervision/month=YYYY-MM/part-<d>.parquet   month of opened_on

``<d>`` is the start of the partition's row digest (SHA-256 of its rows in key
order), so a file's name changes exactly when its content does. The files hold
the record columns typed as the frames are (``Date``, ``Datetime("us")``, naive
local time, ``Boolean``, ``String``); never a personal or free-text column
(``Field.free_text``: titles, findings), never the partition column ``month``
(readers take it from the folder name, as Hive layout means).

Atomic, for readers during an export: new files are written under hidden
temporary names (``.``-prefixed, not ending in ``.parquet``: DuckDB's and Spark's
readers skip them), flushed, renamed to their final names, then the manifest is
replaced in one rename, and only then are the files it no longer names removed.
The manifest before the switch names only files that still exist with the
content it describes, whenever the export stops. A reader that lists files (a
glob) can see a month twice for the few milliseconds between the renames and the
removals, or after a crash there, until the next export removes the extra file;
a reader that follows the manifest's ``file`` entries never does. Re-running
rewrites only partitions whose digest changed; months with no records any more
are removed. One export at a time per folder (a lock file, ``.lake.lock``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from queries.model.clock import now_local
from queries.model.db import hide_secrets, shown_url
from queries.model.records import KINDS
from queries.model.workdays import WorkdayCalendar, calendar_frame, calendar_years
from queries.store.changes import records_marker
from queries.store.integrity import DatabaseUnreadable, check_sqlite
from queries.store.lake_folder import (
    MANIFEST,
    PARTITIONED,
    TABLES,
    LakeError,
    file_sha256,
    fsync_dir,
    locked,
    named_files,
    prepare_folder,
    raw_manifest,
    sweep,
    write_synced,
)
from queries.store.months import Snapshot, lake_fields, lake_schema, next_month, snapshot

FORMAT = "openness-lake"
VERSION = 1
# the calendar spans at least the official calendar's years and those of every date in
# the records (and the year after the last: deadlines run past it), within these
_YEARS = (1900, 2100)


@dataclass(frozen=True)
class Part:
    """One Parquet file of the lake, as the manifest records it."""

    file: str  # relative to the lake's folder, with "/"
    rows: int
    digest: str  # SHA-256 (hex) of the rows in key order (rows_digest)
    bytes: int
    sha256: str  # SHA-256 (hex) of the file

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "digest": self.digest,
            "bytes": self.bytes,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class TableExport:
    """What an export did to one table: its rows and partitions (months; one for an
    unpartitioned table), which it wrote, how many it kept, which it removed."""

    name: str
    rows: int
    partitions: int
    written: tuple[str, ...] = ()
    kept: int = 0
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class LakeExport:
    """The result of :func:`export_lake`."""

    directory: Path
    change_marker: str | None
    tables: dict[str, TableExport] = field(default_factory=dict)
    # False when nothing at all changed (not even the change marker)
    manifest_written: bool = False
    # False when the records were not read: the database's change marker was the one
    # the lake records (nothing written to it since), the files and calendar intact
    read: bool = True

    @property
    def written(self) -> int:
        return sum(len(t.written) for t in self.tables.values())

    @property
    def kept(self) -> int:
        return sum(t.kept for t in self.tables.values())

    @property
    def removed(self) -> int:
        return sum(len(t.removed) for t in self.tables.values())


def rows_digest(frame: pl.DataFrame) -> str:
    """SHA-256 (hex) of ``frame``'s column names and types and its rows as they are
    ordered (the lake sorts by key first): the same on every database and polars
    version, whatever bytes a Parquet writer makes of them."""
    h = hashlib.sha256(f"{FORMAT} rows v{VERSION}\n".encode())
    h.update(("\t".join(f"{c}:{t}" for c, t in frame.schema.items()) + "\n").encode())
    buf = io.BytesIO()
    frame.write_csv(
        buf,
        include_header=False,
        null_value="\\N",
        quote_style="non_numeric",
        date_format="%Y-%m-%d",
        datetime_format="%Y-%m-%dT%H:%M:%S%.6f",
    )
    h.update(buf.getbuffer())
    return h.hexdigest()


def read_manifest(directory: Path | str) -> dict[str, Any] | None:
    """The lake's manifest (``_lake.json``), None when there is none or it is not a
    manifest of this format and version."""
    raw = raw_manifest(Path(directory))
    if raw is None or raw.get("format") != FORMAT or raw.get("version") != VERSION:
        return None
    return raw


def lake_files(manifest: dict[str, Any], table: str) -> list[str]:
    """The files of ``table`` that ``manifest`` names, relative to the lake's folder
    (what a reader that follows the manifest reads; read them with the folder given
    as the base path for the ``month`` column)."""
    entry = manifest["tables"][table]
    if "file" in entry:
        return [entry["file"]["file"]]
    return [p["file"] for _, p in sorted(entry["partitions"].items())]


def lake_is_current(engine: sa.Engine, directory: Path | str) -> bool:
    """Whether the lake at ``directory`` holds the database's records as they are: its
    manifest records the database's present change marker (a marker the database
    cannot give is never current) and every file it names exists."""
    manifest = read_manifest(directory)
    if manifest is None or manifest.get("change_marker") is None:
        return False
    if manifest["change_marker"] != records_marker(engine):
        return False
    root = Path(directory)
    return all((root / f).is_file() for t in manifest["tables"] for f in lake_files(manifest, t))


def export_lake(
    engine: sa.Engine,
    directory: Path | str,
    *,
    calendar: WorkdayCalendar | None = None,
    before_write: Callable[[], None] | None = None,
) -> LakeExport:
    """Write the records of the database behind ``engine`` as the lake at ``directory``
    (see the module), rewriting only what changed. ``calendar``: the working-day
    calendar with the settings' overrides (default the official one).
    ``before_write``: called once the folder is usable and locked, before any record
    is read or file written (the command line audits the export there).

    Raises :class:`LakeError` (the folder or a file cannot be written, the folder holds
    something else, another export runs) and
    :class:`~queries.store.integrity.DatabaseUnreadable`. On any error the lake is
    left as the previous export wrote it.
    """
    root = Path(directory)
    prepare_folder(root)
    with locked(root):
        raw = raw_manifest(root)
        old = read_manifest(root)
        sweep(root, named_files(raw))  # what a crashed export left
        if old is not None and _up_to_date(engine, root, old, calendar):
            return LakeExport(root, old["change_marker"], _tables_of(old), False, False)
        if before_write is not None:
            before_write()
        marker = records_marker(engine)
        _check_database(engine, marker)
        staged: list[tuple[Path, Path]] = []
        try:
            tables, manifest = _stage_all(engine, root, old, calendar, staged)
            manifest["database"] = shown_url(engine.url)
            manifest["change_marker"] = marker
            changed = (
                old is None
                or bool(staged)
                or old.get("change_marker") != marker
                or any(t.removed for t in tables.values())
            )
            if changed:
                _commit(root, staged, manifest)
        except BaseException:
            for tmp, _ in staged:
                with suppress(OSError):
                    tmp.unlink()
            raise
        if changed:
            sweep(root, named_files(manifest))
    return LakeExport(root, marker, tables, changed)


def _up_to_date(
    engine: sa.Engine, root: Path, old: dict[str, Any], calendar: WorkdayCalendar | None
) -> bool:
    """Whether the lake is the database's as it is, without reading a record: the
    database's change marker is the recorded one, every file is intact, and the
    calendar (settings' overrides) is the same."""
    marker = records_marker(engine)
    if marker is None or old.get("change_marker") != marker:
        return False
    try:
        parts = [_old_part(old, "units"), _old_part(old, "calendar")]
        parts += [p for name in PARTITIONED for p in _old_parts(old, name).values()]
        lo, hi = old["tables"]["calendar"]["years"]
        days = calendar_frame(int(lo), int(hi), calendar)
    except (KeyError, TypeError, ValueError):
        return False
    if any(p is None or not _intact(root / p.file, p) for p in parts):
        return False
    return parts[1] is not None and rows_digest(days) == parts[1].digest


def _tables_of(old: dict[str, Any]) -> dict[str, TableExport]:
    """The tables of a lake left as it is."""
    tables = {}
    for name in TABLES:
        entry = old["tables"][name]
        n = len(entry.get("partitions", {})) if "partitions" in entry else 1
        tables[name] = TableExport(name, int(entry["rows"]), n, (), n, ())
    return tables


def _stage_all(
    engine: sa.Engine,
    root: Path,
    old: dict[str, Any] | None,
    calendar: WorkdayCalendar | None,
    staged: list[tuple[Path, Path]],
) -> tuple[dict[str, TableExport], dict[str, Any]]:
    """Read every table (in one snapshot) and stage the files that changed."""
    tables: dict[str, TableExport] = {}
    entries: dict[str, Any] = {}
    years: list[int] = []
    try:
        with snapshot(engine) as snap:
            frame = snap.read("units")
            part, done = _stage(root, "units", "units", frame, _old_part(old, "units"), staged)
            tables["units"] = TableExport("units", frame.height, 1, done, 1 - len(done))
            entries["units"] = {**_table_meta("units"), "rows": frame.height, "file": part}
            for name in PARTITIONED:
                tables[name], entries[name] = _stage_months(snap, root, name, old, staged, years)
    except (sa.exc.DBAPIError, engine.dialect.loaded_dbapi.Error) as exc:
        cause = getattr(exc, "orig", None) or exc
        raise DatabaseUnreadable(
            f"database {shown_url(engine.url)} cannot be read completely: "
            f"{hide_secrets((str(cause).strip().splitlines() or [type(cause).__name__])[0], engine.url)}"
        ) from exc
    lo, hi = calendar_years()
    if years:
        lo, hi = min(lo, min(years)), max(hi, max(years) + 1)
    lo, hi = max(lo, _YEARS[0]), min(hi, _YEARS[1])
    days = calendar_frame(lo, hi, calendar)
    part, done = _stage(root, "calendar", "calendar", days, _old_part(old, "calendar"), staged)
    tables["calendar"] = TableExport("calendar", days.height, 1, done, 1 - len(done))
    entries["calendar"] = {
        "columns": [[c, str(t)] for c, t in days.schema.items()],
        "years": [lo, hi],
        "rows": days.height,
        "file": part,
    }
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "written_at": now_local().isoformat(timespec="seconds"),
        "tables": {
            n: {**e, "file": e["file"].as_json()}
            if "file" in e
            else {**e, "partitions": {m: p.as_json() for m, p in e["partitions"].items()}}
            for n, e in entries.items()
        },
    }
    return tables, manifest


def _table_meta(name: str) -> dict[str, Any]:
    """What the manifest says of a record table besides its files."""
    kind = KINDS[name]
    meta: dict[str, Any] = {
        "columns": [[c, str(t)] for c, t in lake_schema(name).items()],
        "key": kind.key,
        # the personal and free-text columns, which never leave the database
        "omitted": [f.name for f in kind.fields if f.name not in lake_fields(kind)],
    }
    if kind.anchor is not None:
        meta |= {"partition_by": "month", "anchor": kind.anchor}
    return meta


def _stage_months(
    snap: Snapshot,
    root: Path,
    name: str,
    old: dict[str, Any] | None,
    staged: list[tuple[Path, Path]],
    years: list[int],
) -> tuple[TableExport, dict[str, Any]]:
    """Each month of record kind ``name``, one at a time: staged if its digest changed."""
    before = _old_parts(old, name)
    parts: dict[str, Part] = {}
    written: list[str] = []
    rows = 0
    month = snap.next_month(name, None)
    while month is not None:
        frame = snap.read(name, month)
        rows += frame.height
        years.extend(_years(frame))
        part, done = _stage(root, f"{name}/month={month}", "part", frame, before.get(month), staged)
        parts[month] = part
        written.extend(month for _ in done)
        del frame
        month = snap.next_month(name, next_month(month))
    total = snap.count(name)
    if total != rows:
        raise LakeError(
            f"{name}: {total - rows} of {total} records have a {KINDS[name].anchor} that "
            "falls in no month (an unreadable date in the database); nothing was written"
        )
    removed = tuple(sorted(set(before) - set(parts)))
    export = TableExport(name, rows, len(parts), tuple(written), len(parts) - len(written), removed)
    return export, {**_table_meta(name), "rows": rows, "partitions": parts}


def _years(frame: pl.DataFrame) -> list[int]:
    """The first and last year of any date in ``frame`` (none when it has none)."""
    cols = [c for c, t in frame.schema.items() if t in (pl.Date, pl.Datetime("us"))]
    if not cols or frame.height == 0:
        return []
    got = frame.select(
        pl.min_horizontal(pl.col(cols).dt.year().min()).alias("lo"),
        pl.max_horizontal(pl.col(cols).dt.year().max()).alias("hi"),
    ).row(0)
    return [int(y) for y in got if y is not None]


def _stage(
    root: Path,
    folder: str,
    stem: str,
    frame: pl.DataFrame,
    before: Part | None,
    staged: list[tuple[Path, Path]],
) -> tuple[Part, tuple[str, ...]]:
    """The part for ``frame`` in ``root/folder``: ``before`` when its rows are the same
    and its file is intact, else a new file written under a temporary name (added to
    ``staged``). Returns the part and ``(folder,)`` when written, ``()`` when kept."""
    digest = rows_digest(frame)
    if before is not None and before.digest == digest and _intact(root / before.file, before):
        return before, ()
    name = f"{stem}-{digest[:16]}.parquet"
    buf = io.BytesIO()
    frame.write_parquet(buf, compression="zstd", statistics=True)
    data = buf.getvalue()
    final = root / folder / name
    tmp = final.with_name(f".{name}.tmp-{os.getpid()}")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        staged.append((tmp, final))
        write_synced(tmp, data)
    except OSError as exc:
        raise LakeError(f"cannot write {final}: {exc.strerror or exc}") from exc
    part = Part(
        f"{folder}/{name}", frame.height, digest, len(data), hashlib.sha256(data).hexdigest()
    )
    return part, (folder,)


def _intact(path: Path, part: Part) -> bool:
    """The file is there with the size and SHA-256 the manifest records."""
    try:
        return path.stat().st_size == part.bytes and file_sha256(path) == part.sha256
    except OSError:
        return False


def _commit(root: Path, staged: list[tuple[Path, Path]], manifest: dict[str, Any]) -> None:
    """The staged files to their names, then the manifest replaced in one rename.
    A failure before the manifest's rename removes the renamed files again."""
    done: list[Path] = []
    try:
        for tmp, final in staged:
            os.replace(tmp, final)
            done.append(final)
        for folder in {final.parent for _, final in staged}:
            fsync_dir(folder)
        tmp = root / f".{MANIFEST}.tmp-{os.getpid()}"
        staged.append((tmp, root / MANIFEST))
        write_synced(tmp, json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
        os.replace(tmp, root / MANIFEST)
        fsync_dir(root)
    except OSError as exc:
        old = named_files(raw_manifest(root))
        for final in done:
            if final.relative_to(root).as_posix() not in old:
                with suppress(OSError):
                    final.unlink()
        raise LakeError(f"cannot write the lake at {root}: {exc.strerror or exc}") from exc


def _old_part(old: dict[str, Any] | None, table: str) -> Part | None:
    try:
        return Part(**old["tables"][table]["file"]) if old else None
    except (KeyError, TypeError):
        return None


def _old_parts(old: dict[str, Any] | None, table: str) -> dict[str, Part]:
    try:
        parts = old["tables"][table]["partitions"] if old else {}
        return {m: Part(**p) for m, p in parts.items()}
    except (KeyError, TypeError, AttributeError):
        return {}


def _check_database(engine: sa.Engine, marker: str | None) -> None:
    """A SQLite file checked whole first (:func:`check_sqlite`), as the frames are."""
    db = engine.url.database
    if engine.dialect.name == "sqlite" and db and db != ":memory:" and not db.startswith("file:"):
        check_sqlite(str(Path(db).resolve()), marker)
