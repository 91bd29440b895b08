"""The lake's parts (:mod:`queries.store.lake`): a frame staged as a Parquet file named
by its rows' digest, and a record kind's months staged one at a time (all of them, or
the months an import wrote, the others kept as the manifest records them)."""

from __future__ import annotations

import hashlib
import io
import os
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from queries.model.records import KINDS
from queries.store.lake_folder import FORMAT, VERSION, LakeError, file_sha256, write_synced
from queries.store.months import Snapshot, lake_fields, lake_schema, next_month


@dataclass(frozen=True)
class Part:
    """One Parquet file of the lake, as the manifest records it."""

    file: str  # relative to the lake's folder, with "/"
    rows: int
    digest: str  # SHA-256 (hex) of the rows in key order (rows_digest)
    bytes: int
    sha256: str  # SHA-256 (hex) of the file
    # a month's first and last year of any date in it ([] when none; None: unknown)
    years: list[int] | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "rows": self.rows,
            "digest": self.digest,
            "bytes": self.bytes,
            "sha256": self.sha256,
        }
        if self.years is not None:
            out["years"] = list(self.years)
        return out


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


def table_meta(name: str) -> dict[str, Any]:
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


def stage_months(
    snap: Snapshot,
    root: Path,
    name: str,
    old: dict[str, Any] | None,
    staged: list[tuple[Path, Path]],
    years: list[int],
) -> tuple[TableExport, dict[str, Any]]:
    """Each month of record kind ``name``, one at a time: staged if its digest changed."""
    before = old_parts(old, name)
    parts: dict[str, Part] = {}
    written: list[str] = []
    rows = 0
    month = snap.next_month(name, None)
    while month is not None:
        frame = snap.read(name, month)
        rows += frame.height
        span = years_of(frame)
        years.extend(span)
        folder = f"{name}/month={month}"
        part, done = stage(root, folder, "part", frame, before.get(month), staged, span)
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
    return export, {**table_meta(name), "rows": rows, "partitions": parts}


def restage_months(
    snap: Snapshot,
    root: Path,
    name: str,
    old: dict[str, Any] | None,
    staged: list[tuple[Path, Path]],
    years: list[int],
    months: set[str],
) -> tuple[TableExport, dict[str, Any]] | None:
    """The months ``months`` of kind ``name`` read again, the others kept as ``old``
    records them; None when that cannot be done (a month's years unknown, or the
    kind's count differs from the months' sum: the months missed a change)."""
    before = old_parts(old, name)
    if any(p.years is None for p in before.values()):
        return None
    parts = {m: p for m, p in before.items() if m not in months}
    mark = len(staged)
    written: list[str] = []
    for month in sorted(months):
        frame = snap.read(name, month)
        if frame.height == 0:
            continue
        folder = f"{name}/month={month}"
        part, done = stage(root, folder, "part", frame, before.get(month), staged, years_of(frame))
        parts[month] = part
        written.extend(month for _ in done)
    rows = sum(p.rows for p in parts.values())
    if snap.count(name) != rows:
        for tmp, _ in staged[mark:]:
            with suppress(OSError):
                tmp.unlink()
        del staged[mark:]
        return None
    for p in parts.values():
        years.extend(p.years or ())
    parts = dict(sorted(parts.items()))
    removed = tuple(sorted(set(before) - set(parts)))
    kept = len(parts) - len(written)
    export = TableExport(name, rows, len(parts), tuple(written), kept, removed)
    return export, {**table_meta(name), "rows": rows, "partitions": parts}


def years_of(frame: pl.DataFrame) -> list[int]:
    """The first and last year of any date in ``frame`` (none when it has none)."""
    cols = [c for c, t in frame.schema.items() if t in (pl.Date, pl.Datetime("us"))]
    if not cols or frame.height == 0:
        return []
    got = frame.select(
        pl.min_horizontal(pl.col(cols).dt.year().min()).alias("lo"),
        pl.max_horizontal(pl.col(cols).dt.year().max()).alias("hi"),
    ).row(0)
    return [int(y) for y in got if y is not None]


def stage(
    root: Path,
    folder: str,
    stem: str,
    frame: pl.DataFrame,
    before: Part | None,
    staged: list[tuple[Path, Path]],
    years: list[int] | None = None,
) -> tuple[Part, tuple[str, ...]]:
    """The part for ``frame`` in ``root/folder``: ``before`` when its rows are the same
    and its file is intact, else a new file written under a temporary name (added to
    ``staged``). Returns the part and ``(folder,)`` when written, ``()`` when kept.
    ``years``: what the part records of its dates (a month's)."""
    digest = rows_digest(frame)
    if before is not None and before.digest == digest and intact(root / before.file, before):
        return replace(before, years=years), ()
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
    sha = hashlib.sha256(data).hexdigest()
    return Part(f"{folder}/{name}", frame.height, digest, len(data), sha, years), (folder,)


def intact(path: Path, part: Part) -> bool:
    """The file is there with the size and SHA-256 the manifest records."""
    try:
        return path.stat().st_size == part.bytes and file_sha256(path) == part.sha256
    except OSError:
        return False


def old_part(old: dict[str, Any] | None, table: str) -> Part | None:
    try:
        return Part(**old["tables"][table]["file"]) if old else None
    except (KeyError, TypeError):
        return None


def old_parts(old: dict[str, Any] | None, table: str) -> dict[str, Part]:
    try:
        parts = old["tables"][table]["partitions"] if old else {}
        return {m: Part(**p) for m, p in parts.items()}
    except (KeyError, TypeError, AttributeError):
        return {}
