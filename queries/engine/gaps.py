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

from queries.model.catalogue import INDICATORS
from queries.store.schemas import Frames


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

    Counts only: nothing is read beyond the frames' null counts. An empty database
    (no records at all) has no gaps to name: it is empty.
    """
    kinds = list(dict.fromkeys(i.record_kind for i in INDICATORS))
    held = {k: frames[k].height for k in kinds}
    if not any(held.values()):
        return []
    out = [
        Gap(k, None, tuple(i.code for i in INDICATORS if i.record_kind == k))
        for k in kinds
        if held[k] == 0
    ]
    fields: dict[tuple[str, str], list[str]] = {}
    for i in INDICATORS:
        if held[i.record_kind] == 0:
            continue
        for name in i.relies_on:
            fields.setdefault((i.record_kind, name), []).append(i.code)
    for (kind, name), codes in fields.items():
        if frames[kind][name].null_count() == frames[kind].height:
            out.append(Gap(kind, name, tuple(codes)))
    return out
