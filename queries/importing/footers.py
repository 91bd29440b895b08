"""A ledger's footer rows: skipped and counted, never stored (``docs/spec/records.md``).

Workbooks (:class:`FooterFilter`, on a sheet's rows) and CSV files saved from them
(:class:`CsvFooters`, on the batches: the first cell is the first of the record columns
in the file's order, which is the whole row for a footer, whose other cells are empty).

Statistical forms and ledgers end with rows that are not records: the totals
(``合计：3 件``) and who filled the form in (``填报单位：… 填报人：张三 联系电话：…
填报日期：…``, ``制表人``, ``审核人``), usually after a blank row. A row is a footer
when its first cell begins with one of :data:`FOOTER_WORDS` and every row after it
is a footer too, or blank: the block of such rows that ends the sheet. A row that
looks like one but has records after it is a record (and is validated as one).
The footer's text is never kept (it names people and their telephone numbers):
only how many rows were skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import polars as pl

from queries.importing.source import ROW, Batch
from queries.vocabulary.terms import TERMS

# what a footer's first cell begins with (spaces and a full-width colon may follow)
FOOTER_WORDS = (
    TERMS["total"].zh,
    "总计",
    "填报",  # 填报人, 填报单位, 填报日期
    "填表",  # 填表人, 填表日期
    "制表",
    "审核",
    "审批",
    "统计人",
    "负责人",
    "单位负责人",
    "联系人",
    "联系电话",
)
# a footer is a few rows: more rows that look like one are records
FOOTER_MAX_ROWS = 100
_FOOTER = re.compile(r"^\s*(?:" + "|".join(FOOTER_WORDS) + r")")

Row = tuple[int, dict[int, Any]]


def is_footer(cells: dict[int, Any]) -> bool:
    """Whether a row looks like a footer: its first cell begins with a footer word."""
    if not cells:
        return False
    first = cells[min(cells)]
    return isinstance(first, str) and _FOOTER.match(first) is not None


class FooterFilter:
    """Passes a sheet's rows on, holding back rows that look like footers until a
    record follows them (then they are records too); those still held at the end are
    the footer, counted in :attr:`skipped`."""

    def __init__(self) -> None:
        self.skipped = 0

    def rows(self, rows: Iterable[Row]) -> Iterator[Row]:
        held: list[Row] = []
        for number, cells in rows:
            blank = not any(_text(v) for v in cells.values())
            if held and blank:
                continue  # a blank row within the footer
            if is_footer(cells) and len(held) < FOOTER_MAX_ROWS:
                held.append((number, cells))
                continue
            if held:
                yield from held
                held = []
            yield number, cells
        self.skipped = len(held)


def _text(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


class CsvFooters:
    """The rows that look like footers at the end of each batch are held back, and
    passed on in front of the next batch when it has a record; those held at the end of
    the file are the footer, counted in :attr:`skipped`.

    ``ordered``: the record columns of the batches in the file's order.
    """

    def __init__(self, ordered: list[str]) -> None:
        self.ordered = ordered
        self.skipped = 0

    def batches(self, batches: Iterable[Batch]) -> Iterator[Batch]:
        held: pl.DataFrame | None = None
        # rows rejected before validation (a footer line longer than the header) that
        # look like footers, after the last record: their problems and values
        held_bad: list[tuple[pl.DataFrame, pl.DataFrame]] = []
        for batch in batches:
            frame = batch.frame
            if held is not None:
                frame = pl.concat([held, frame])
                held = None
            keep = frame.height
            if self.ordered and frame.height:
                records = (~self._looks(frame)).arg_true()
                keep = int(records[-1]) + 1 if len(records) else 0
                if frame.height - keep <= FOOTER_MAX_ROWS:
                    held = frame.slice(keep) if keep < frame.height else None
                    frame = frame.slice(0, keep)
            if keep and held_bad:  # a record after them: they were no footer
                self._give_back(batch, held_bad)
                held_bad = []
            after = frame.get_column(ROW).max() if frame.height else 0
            after = after if isinstance(after, int) else 0
            self._hold_bad(batch, after, held_bad)
            batch.frame = frame
            yield batch
        self.skipped = (held.height if held is not None else 0) + sum(v.height for _, v in held_bad)

    def _looks(self, frame: pl.DataFrame) -> pl.Series:
        cols = [c for c in self.ordered if c in frame.columns]
        if not cols:
            return pl.Series([False] * frame.height)
        first = pl.coalesce([pl.col(c) for c in cols])
        return frame.select(first.str.contains(_FOOTER.pattern).fill_null(False)).to_series()

    def _hold_bad(
        self, batch: Batch, after: int, held_bad: list[tuple[pl.DataFrame, pl.DataFrame]]
    ) -> None:
        values = batch.problem_values
        if values is None or values.is_empty() or len(held_bad) > FOOTER_MAX_ROWS:
            return
        hold = self._looks(values) & (values.get_column(ROW) > after)
        if not hold.any():
            return
        rows = values.filter(hold).get_column(ROW).implode()
        held_bad.append((batch.problems.filter(pl.col("row").is_in(rows)), values.filter(hold)))
        batch.problems = batch.problems.filter(~pl.col("row").is_in(rows))
        batch.problem_values = values.filter(~hold)

    @staticmethod
    def _give_back(batch: Batch, held_bad: list[tuple[pl.DataFrame, pl.DataFrame]]) -> None:
        problems = [p for p, _ in held_bad]
        values = [v for _, v in held_bad]
        if batch.problem_values is not None:
            values.append(batch.problem_values)
        batch.problems = pl.concat([*problems, batch.problems])
        batch.problem_values = pl.concat(values, how="diagonal_relaxed")
