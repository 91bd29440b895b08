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

After an import (:func:`export_lake` with ``months``): only the months the import
wrote are read again; the manifest records each month's rows, digest and years
(the first and last year of any date in it), so the other months are kept as it
records them and the calendar still spans every date. The reading of a lake:
:mod:`queries.store.lake_read`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from queries.model.clock import now_local
from queries.model.db import hide_secrets, shown_url
from queries.model.workdays import WorkdayCalendar, calendar_frame, calendar_years
from queries.store.changes import records_marker
from queries.store.integrity import DatabaseUnreadable, check_sqlite
from queries.store.lake_folder import (
    FORMAT,
    MANIFEST,
    PARTITIONED,
    TABLES,
    VERSION,
    LakeBusy,
    LakeError,
    file_sha256,
    fsync_dir,
    locked,
    named_files,
    note_sha256,
    prepare_folder,
    raw_manifest,
    sweep,
    write_synced,
)
from queries.store.lake_read import (
    lake_files,
    lake_is_current,
    manifest_parts,
    read_manifest,
    verified_manifest,
)
from queries.store.months import snapshot
from queries.store.partitions import (
    Part,
    TableExport,
    intact,
    old_part,
    old_parts,
    restage_months,
    rows_digest,
    stage,
    stage_months,
    table_meta,
)

__all__ = [
    "PARTITIONED",
    "LakeBusy",
    "LakeError",
    "LakeExport",
    "Part",
    "TableExport",
    "export_lake",
    "file_sha256",
    "lake_files",
    "lake_is_current",
    "read_manifest",
    "rows_digest",
    "verified_manifest",
]

# the calendar spans at least the official calendar's years and those of every date in
# the records (and the year after the last: deadlines run past it), within these
_YEARS = (1900, 2100)


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


def export_lake(
    engine: sa.Engine,
    directory: Path | str,
    *,
    calendar: WorkdayCalendar | None = None,
    before_write: Callable[[], None] | None = None,
    months: dict[str, set[str]] | None = None,
    since: tuple[str, str] | None = None,
) -> LakeExport:
    """Write the records of the database behind ``engine`` as the lake at ``directory``
    (see the module), rewriting only what changed. ``calendar``: the working-day
    calendar with the settings' overrides (default the official one).
    ``before_write``: called once the folder is usable and locked, before any record
    is read or file written (the command line audits the export there).

    ``months`` (record kind -> ``YYYY-MM`` months): read only these months of each
    kind again, keep the others as the manifest records them (units and calendar are
    always read: they are small). Every record written since the lake's export must
    fall in them (an import's, old and new months of what it wrote): ``since``
    ``(before, after)``, the change markers around those writes, makes that sure:
    the months are used only when the lake records ``before``, and the lake then
    records ``after`` (a write after it is not in the lake: its own refresh, or the
    next full one, reads it). Otherwise, or when a kind's count of records differs
    from the months' sum (the months missed a change), every month is read.

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
        only = _usable_months(old, months, since)
        if only is None:
            # the whole file checked before every month is read (a few months after
            # an import: read through the anchor's index, their counts compared)
            _check_database(engine, marker)
        elif since is not None:
            marker = since[1]
        staged: list[tuple[Path, Path]] = []
        try:
            tables, manifest = _stage_all(engine, root, old, calendar, staged, only)
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
                _note_written(root, staged, manifest)
        except BaseException:
            for tmp, _ in staged:
                with suppress(OSError):
                    tmp.unlink()
            raise
        if changed:
            sweep(root, named_files(manifest))
    return LakeExport(root, marker, tables, changed)


def _usable_months(
    old: dict[str, Any] | None,
    months: dict[str, set[str]] | None,
    since: tuple[str, str] | None,
) -> dict[str, set[str]] | None:
    """``months`` when they may be used (see :func:`export_lake`), else None."""
    if months is None or old is None:
        return None
    if since is not None and (since[0] is None or old.get("change_marker") != since[0]):
        return None
    return {name: set(months.get(name, ())) for name in PARTITIONED}


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
        parts = [old_part(old, "units"), old_part(old, "calendar")]
        parts += [p for name in PARTITIONED for p in old_parts(old, name).values()]
        lo, hi = old["tables"]["calendar"]["years"]
        days = calendar_frame(int(lo), int(hi), calendar)
    except (KeyError, TypeError, ValueError):
        return False
    if any(p is None or not intact(root / p.file, p) for p in parts):
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
    only: dict[str, set[str]] | None = None,
) -> tuple[dict[str, TableExport], dict[str, Any]]:
    """Read every table (in one snapshot; of the record kinds, the months ``only``
    names when given) and stage the files that changed."""
    tables: dict[str, TableExport] = {}
    entries: dict[str, Any] = {}
    years: list[int] = []
    try:
        with snapshot(engine) as snap:
            frame = snap.read("units")
            part, done = stage(root, "units", "units", frame, old_part(old, "units"), staged)
            tables["units"] = TableExport("units", frame.height, 1, done, 1 - len(done))
            entries["units"] = {**table_meta("units"), "rows": frame.height, "file": part}
            for name in PARTITIONED:
                got = None
                if only is not None:
                    got = restage_months(snap, root, name, old, staged, years, only[name])
                if got is None:
                    got = stage_months(snap, root, name, old, staged, years)
                tables[name], entries[name] = got
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
    part, done = stage(root, "calendar", "calendar", days, old_part(old, "calendar"), staged)
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


def _note_written(root: Path, staged: list[tuple[Path, Path]], manifest: dict[str, Any]) -> None:
    """The SHA-256 of the files just written, known from their bytes: not hashed again
    by this process's :func:`verified_manifest`."""
    finals = {final for _, final in staged}
    for table in TABLES:
        for part in manifest_parts(manifest, table):
            if (path := root / part["file"]) in finals:
                with suppress(OSError):
                    note_sha256(path, part["sha256"])


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


def _check_database(engine: sa.Engine, marker: str | None) -> None:
    """A SQLite file checked whole first (:func:`check_sqlite`), as the frames are."""
    db = engine.url.database
    if engine.dialect.name == "sqlite" and db and db != ":memory:" and not db.startswith("file:"):
        check_sqlite(str(Path(db).resolve()), marker)
