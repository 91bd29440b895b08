"""Document blocks: what a report is made of, whatever it is drawn in.

The briefing is laid out once as these blocks (:mod:`reports.briefing.layout`);
:mod:`reports.briefing.docx` and :mod:`reports.briefing.html` draw them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from reports.charts import Chart


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "body"  # body | lead | note


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # which columns hold numbers (right-aligned)
    numeric: tuple[bool, ...]
    notes: tuple[str, ...] = ()
    # relative column widths
    widths: tuple[float, ...] = field(default=())
    # the last row is a total (bold)
    total_row: bool = False

    def drop_last_column(self, drop: bool = True) -> Table:
        """The table without its last column (or itself when not ``drop``)."""
        if not drop:
            return self
        return replace(
            self,
            header=self.header[:-1],
            rows=tuple(r[:-1] for r in self.rows),
            numeric=self.numeric[:-1],
            widths=self.widths[:-1],
        )


@dataclass(frozen=True)
class Image:
    chart: Chart
    caption: str = ""


Block = Heading | Paragraph | Bullets | Table | Image


@dataclass(frozen=True)
class Document:
    lang: str
    title: str
    subtitle: str
    meta: tuple[tuple[str, str], ...]  # (label, value) lines under the title
    blocks: tuple[Block, ...]
