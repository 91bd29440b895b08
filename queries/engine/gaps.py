"""Data gaps: record kinds the database holds none of, and optional fields no record
has filled in, with the indicators they leave without a meaningful value.

methodology.md's arithmetic still applies to such indicators (a case with no first
response is late; a unit with no disclosures covers none of its catalogue), so they
show 0 or nothing. A system that never exported disclosures, or a hotline sheet
without a return-visit column, then reads as a unit that does no work. The dashboard
and the briefing say so next to the figures (docs/DECISIONS.md, "Data gaps").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import ibis

from queries.engine.relational import record_table
from queries.engine.relational.sql import compile_sql
from queries.model.catalogue import INDICATORS
from queries.model.records import KINDS
from queries.store.schemas import Frames
from queries.store.sources import sources_of


@dataclass(frozen=True)
class Gap:
    """What is missing from the whole database: a record ``kind`` (``field`` None), or
    one ``field`` of it never filled in; ``codes``: the indicators that rest on it."""

    kind: str
    field: str | None
    codes: tuple[str, ...]


def data_gaps(frames: Frames) -> list[Gap]:
    """Every gap of ``frames``, in catalogue order: first the record kinds with no
    record (disclosures, feedback, supervision), then, for the kinds that have records,
    each field of an indicator's ``relies_on`` that no record has filled in.

    Counts only, by the records' engine (no record read into Python; kept per frames).
    An empty database (no records at all) has no gaps to name: it is empty.
    """
    kinds = list(dict.fromkeys(i.record_kind for i in INDICATORS))
    fields: dict[tuple[str, str], list[str]] = {}
    for i in INDICATORS:
        for name in i.relies_on:
            fields.setdefault((i.record_kind, name), []).append(i.code)
    filled = _filled(frames, {k: [f for (kind, f) in fields if kind == k] for k in kinds})
    held = {k: filled[k][_ROWS] for k in kinds}
    if not any(held.values()):
        return []
    out = [
        Gap(k, None, tuple(i.code for i in INDICATORS if i.record_kind == k))
        for k in kinds
        if held[k] == 0
    ]
    for (kind, name), codes in fields.items():
        if held[kind] and filled[kind][name] == 0:
            out.append(Gap(kind, name, tuple(codes)))
    return out


_ROWS = "__rows"


def _filled(frames: Frames, fields: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Per record kind: its rows (``_ROWS``) and how many records fill in each field."""
    key = ("data_gaps", tuple((k, tuple(v)) for k, v in fields.items()))
    kept: dict[str, dict[str, int]] | None = frames.memo.get(key)
    if kept is not None:
        return kept
    src = sources_of(frames)
    out: dict[str, dict[str, int]] = {}
    with src.open() as bound:
        for kind, names in fields.items():
            t = record_table(kind, src.partitioned)
            expr = t.aggregate(**{_ROWS: t.count()}, **{f: t[f].count() for f in names})
            row = bound.run(compile_sql(expr, bound.dialect)).row(0, named=True)
            out[kind] = {name: int(value or 0) for name, value in row.items()}
    frames.memo[key] = out
    return out


def record_span(frames: Frames, as_of: datetime) -> tuple[date | None, date | None]:
    """The earliest and the latest anchor date (published_on, received_at, opened_on)
    of the records that exist at ``as_of`` (anchored on or before it); (None, None) when
    there are none. A period that ends before the first is one the database does not
    reach back to, and one that begins after the latest one it holds nothing of yet: not
    periods where every unit did nothing. Computed by the records' engine (no record
    read into Python), kept per frames and as-of."""
    key = ("record_span", as_of)
    if key in frames.memo:
        kept: tuple[date | None, date | None] = frames.memo[key]
        return kept
    src = sources_of(frames)
    limit = ibis.literal(as_of, type="timestamp")
    parts = []
    for kind in ("disclosures", "feedback", "supervision"):
        t = record_table(kind, src.partitioned)
        col = t[KINDS[kind].anchor or ""].cast("timestamp")
        parts.append(t.filter(col <= limit).aggregate(first=col.min(), latest=col.max()))
    # one query: a lake's or a cluster's three scans in one job
    expr = ibis.union(*parts).aggregate(
        first=lambda u: u.first.min(), latest=lambda u: u.latest.max()
    )
    with src.open() as bound:
        row = bound.run(compile_sql(expr, bound.dialect)).row(0)
    found = [v.date() if isinstance(v, datetime) else v for v in row if v is not None]
    span = (min(found), max(found)) if found else (None, None)
    frames.memo[key] = span
    return span
