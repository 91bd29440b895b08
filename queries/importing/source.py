"""What every reader of record files hands the importer: batches of string rows.

A :class:`Batch` holds the rows of a file that have the shape of a record (the
spec's columns as strings, plus ``__row``, the file's own row number) and the
rows that do not (a line that is not CSV, a row longer than the header, a
spreadsheet error cell): those are rejected before validation, with their
values as far as they could be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from queries.vocabulary.text import Text

# the file's own row number of each record (spreadsheet row; CSV line, header = 1)
ROW = "__row"

# how to keep ids as text, in the reason of an id Excel destroyed (records.md, "keys and ids")
EXCEL_ID_HINT_ZH = (
    "请在录入或粘贴编号之前把该列设置为“文本”格式，或按文本导出编号，再导入改正后的文件"
)
EXCEL_ID_HINT = (
    "format the id column as Text (设置单元格格式 > 文本) before the ids are typed or "
    "pasted, or export the ids as text, and import the corrected file again"
)

# one line per problem: row number, column at fault ("" for the whole row), reason
REJECT_SCHEMA = {"row": pl.Int64, "column": pl.String, "reason": pl.String}


class UnusableFileError(Exception):
    """A file (or the place the import writes to) that cannot be used: exit status 2.

    ``reason`` in both languages, written ``中文 / English`` like a rejected row's
    (clerks read the Chinese; scripts and logs keep the English).

    >>> str(UnusableFileError("a.csv", Text("文件为空", "the file is empty")))
    'a.csv: 文件为空 / the file is empty'
    """

    def __init__(self, path: Path | str, reason: Text) -> None:
        self.reason = both(reason)
        super().__init__(f"{path}: {self.reason}")
        self.path = Path(path)


def both(text: Text) -> str:
    """``text`` as the importer writes every message: ``中文 / English``."""
    return f"{text.zh} / {text.en}"


def empty_rejects() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECT_SCHEMA)


def string_frame(
    columns: list[str], rows: list[list[str | None]], row_numbers: list[int]
) -> pl.DataFrame:
    """A frame of ``columns`` (strings) from row-major ``rows``, with ``__row``."""
    data: dict[str, list[object]] = {ROW: list(row_numbers)}
    for j, name in enumerate(columns):
        data[name] = [r[j] for r in rows]
    schema = {ROW: pl.Int64, **{c: pl.String for c in columns}}
    return pl.DataFrame(data, schema=schema)


@dataclass
class Batch:
    """Some records of a file.

    ``frame``: the spec's columns as read (strings) plus ``__row``;
    ``problems``: (row, column, reason) for rows rejected before validation;
    ``problem_values``: those rows' spec columns as far as they could be read
    (``__row`` plus strings), for the rejects file.
    """

    frame: pl.DataFrame
    bytes_read: int
    problems: pl.DataFrame = field(default_factory=empty_rejects)
    problem_values: pl.DataFrame | None = None


def drop_blank(frame: pl.DataFrame) -> pl.DataFrame:
    """Drop rows with no value at all (blank lines keep their row numbers)."""
    values = [c for c in frame.columns if c != ROW]
    if not values:
        return frame
    # empty fields read as null; a row of spaces fails the required columns
    return frame.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in values]))
