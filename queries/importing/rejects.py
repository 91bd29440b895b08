"""The rejects file: one line per rejected row, which can be corrected and imported again.

``docs/spec/records.md`` ("Rejected rows"): the row number, the record's key, the
columns at fault, the reasons, then the row's own record columns as read
(never a column that records.md does not name). Its header holds the kind's
column names, so the file imports again as it is (``row``, ``key``,
``columns`` and ``reasons`` are extra columns, ignored on import), and its
name names the kind.

Files live under ``data_dir()/rejects/<database>/`` (one folder per database,
named after it and a hash of its URL), are created exclusively and never
overwritten: a name already taken gets a ``-2``, ``-3``... suffix.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from queries.importing.read import kind_from_name
from queries.importing.source import ROW
from queries.model.db import data_dir
from queries.model.export import write_csv
from queries.model.records import RecordKind

# the rejects file's own columns, before the record's
LEAD_COLUMNS = ("row", "key", "columns", "reasons")
# bytes of the source file's name kept in the rejects file's name (names are at most 255)
MAX_STEM_BYTES = 120
_REASON_SEPARATOR = " | "


def reject_lines(rejects: pl.DataFrame, values: pl.DataFrame, kind: RecordKind) -> pl.DataFrame:
    """One line per rejected row: row, key, columns, reasons, then the record columns.

    ``rejects``: row, column, reason (one line per problem); ``values``:
    ``__row`` and the record columns as read (strings) of those rows.
    """
    per_row = rejects.group_by("row", maintain_order=True).agg(
        pl.col("column")
        .filter(pl.col("column") != "")
        .unique(maintain_order=True)
        .str.join(", ")
        .alias("columns"),
        pl.col("reason").str.join(_REASON_SEPARATOR).alias("reasons"),
    )
    record_cols = [c for c in kind.columns if c in values.columns]
    vals = values.unique(subset=[ROW], keep="first").select(
        pl.col(ROW).alias("row"), *[pl.col(c).cast(pl.String) for c in record_cols]
    )
    out = per_row.join(vals, on="row", how="left").sort("row")
    key = (pl.col(kind.key) if kind.key in record_cols else pl.lit(None, pl.String)).alias("key")
    return out.select("row", key, "columns", "reasons", *record_cols)


def database_folder(engine: sa.Engine) -> str:
    """A folder name of its own for each database: its name and a hash of its URL."""
    url = engine.url
    name = (
        Path(url.database or "memory").stem if url.get_backend_name() == "sqlite" else url.database
    )
    where = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        where = str(Path(url.database).resolve())
    tag = hashlib.sha256(where.encode("utf-8")).hexdigest()[:8]
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in (name or "db"))
    return f"{safe[:40]}-{tag}"


def rejects_name(source: str, kind: str, import_id: int) -> str:
    """``<import id>_<file name>_rejects.csv``, the kind added when the name lacks it."""
    stem = Path(source).stem if not source.startswith("<") else "frame"
    raw = stem.encode("utf-8")
    if len(raw) > MAX_STEM_BYTES:
        stem = raw[:MAX_STEM_BYTES].decode("utf-8", errors="ignore")
    if kind_from_name(stem) != kind:
        stem = f"{stem}_{kind}"
    return f"{import_id:06d}_{stem}_rejects.csv"


def write_rejects_file(
    lines: pl.DataFrame, engine: sa.Engine, source: str, kind: str, import_id: int
) -> Path:
    """Write the lines (UTF-8 with BOM, opens in Excel or WPS) to a new file; its path.

    Raises
    ------
    OSError
        The folder cannot be made or written, the disk is full...; no partial
        file is left behind.
    """
    folder = data_dir() / "rejects" / database_folder(engine)
    folder.mkdir(parents=True, exist_ok=True)
    name = rejects_name(source, kind, import_id)
    path = folder / name
    n = 1
    while True:
        try:
            f = path.open("xb")
        except FileExistsError:
            n += 1
            path = folder / name.replace("_rejects.csv", f"_rejects-{n}.csv")
            continue
        break
    try:
        with f:
            write_csv(lines, f)  # cells beginning =, +, -, @ neutralised
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return path


def check_writable(engine: sa.Engine) -> Path:
    """The rejects folder of ``engine``'s database, made and checked writable; its path.

    Raises
    ------
    OSError
        It cannot be made or written.
    """
    folder = data_dir() / "rejects" / database_folder(engine)
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".probe-{os.getpid()}"
    with probe.open("wb") as f:
        f.write(b"x")
    probe.unlink()
    return folder
