"""What a file would import, before importing it: the Data page's preview of an upload.

The file is opened by the importer's own reader (:func:`open_record_file`), so the
kind, the sheet, the header and the rows are exactly what ``openness import`` would
take; nothing is validated or written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from queries.importing.read import open_record_file
from queries.importing.run import resolve_kinds
from queries.importing.source import ROW

__all__ = ["Preview", "preview_file"]


@dataclass(frozen=True)
class Preview:
    """An opened record file: its ``kind``, ``format`` (csv | xlsx | xls), the
    ``sheet`` chosen in a workbook and the title rows above its header, the header as
    read (every column), the records.md columns it lacks, its ``first`` rows (``row``:
    the file's own row number, then the records.md columns as read) and how many
    record rows it holds (blank rows not counted)."""

    kind: str
    format: str
    sheet: str | None
    rows_above: int
    header: list[str]
    missing_optional: list[str]
    first: pl.DataFrame
    rows: int


def preview_file(path: Path | str, kind: str | None = None, first: int = 5) -> Preview:
    """Open ``path`` as ``kind`` (None: from its name) and read it through once.

    Raises what :func:`queries.importing.run.import_files` raises before writing:
    ``ImportUsageError`` (kind unknown or not in the name), ``UnusableFileError``
    (missing, empty, binary, not a table, a required column missing).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "march_units.csv").write_text("unit_id,name,level,kind\\nHQ,市局,city,comprehensive\\n")
    >>> p = preview_file(d / "march_units.csv")
    >>> p.kind, p.format, p.header, p.rows, p.first["unit_id"].to_list()
    ('units', 'csv', ['unit_id', 'name', 'level', 'kind'], 1, ['HQ'])
    """
    [(resolved, k)] = resolve_kinds([path], kind)
    rf = open_record_file(resolved, k)
    heads: list[pl.DataFrame] = []
    rows = 0
    for batch in rf.batches():
        rows += batch.frame.height
        if not batch.problems.is_empty():
            rows += batch.problems.get_column("row").n_unique()
        if sum(h.height for h in heads) < first:
            heads.append(batch.frame.head(first))
    head = (
        pl.concat(heads, how="diagonal_relaxed").sort(ROW).head(first)
        if heads
        else pl.DataFrame(schema={ROW: pl.Int64})
    )
    shown = [c for c in rf.kind.columns if c in head.columns]
    return Preview(
        kind=rf.kind.name,
        format=rf.format,
        sheet=rf.sheet,
        rows_above=rf.rows_above,
        header=[str(h) if h is not None else "" for h in rf.header],
        missing_optional=rf.missing_optional,
        first=head.select(pl.col(ROW).alias("row"), *shown),
        rows=rows,
    )
