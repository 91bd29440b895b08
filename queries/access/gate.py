"""Where the reach is checked and the audit trail written: every read of records,
briefings and the Data page's tables goes through a :class:`Gate` that carries
the signed-in person.

A read outside the person's reach raises :class:`Denied` after writing a
``denied`` event, and reads nothing; a read inside it writes ``view_records``
with how many rows were returned. Rows outside the reach are dropped from
whatever a reader returns (a second line of defence: a reader handed a unit in
reach returns only that unit's subtree anyway).
"""

from __future__ import annotations

from collections.abc import Callable, MutableSet
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import polars as pl
import sqlalchemy as sa

from queries.access import audit
from queries.access.roles import Area, Change, Person, Reach
from queries.engine.drilldown import records_behind as read_records_behind
from queries.model.periods import Period
from queries.model.settings import Settings
from queries.model.tree import Tree
from queries.store.schemas import Frames


class Denied(Exception):
    """A request outside the person's reach (already audited as ``denied``).

    ``area`` is what was asked for, ``unit_id`` which unit (None: every unit).
    """

    def __init__(self, person: Person, area: Area | Change, unit_id: str | None) -> None:
        self.person, self.area, self.unit_id = person, area, unit_id
        where = f"unit {unit_id}" if unit_id else "every unit"
        super().__init__(f"{person.email} ({person.role}) may not see {area} of {where}")


@dataclass(frozen=True)
class Gate:
    """The signed-in ``person``, the database the trail is written to, and where the
    reads happen (page, period, as-of). ``seen``: the view keys already audited in
    this session, so that a page redrawn with the same view writes one
    ``view_records``, not one per redraw (None: audit every read)."""

    engine: sa.Engine
    person: Person
    where: audit.Where = field(default_factory=audit.Where)
    seen: MutableSet[tuple[object, ...]] | None = field(default=None, compare=False)

    def on(
        self,
        page: str | None = None,
        period: Period | str | None = None,
        as_of: datetime | None = None,
    ) -> Gate:
        """The same gate for another page or filters."""
        w = self.where
        return replace(
            self,
            where=audit.Where(
                page=page if page is not None else w.page,
                unit_id=w.unit_id,
                period=str(period) if period is not None else w.period,
                as_of=as_of if as_of is not None else w.as_of,
            ),
        )

    def _where(self, unit_id: str | None) -> audit.Where:
        return replace(self.where, unit_id=unit_id)

    def may(self, area: Area, unit_id: str | None, tree: Tree) -> bool:
        """Whether ``unit_id``'s subtree (None: every unit) is in reach; writes nothing."""
        ids = None if unit_id is None else _subtree(tree, unit_id)
        return self.person.may(area, ids, tree)

    def check(self, area: Area, unit_id: str | None, tree: Tree, detail: str = "") -> None:
        """Raise :class:`Denied` (audited) unless ``unit_id``'s subtree is in reach."""
        if self.may(area, unit_id, tree):
            return
        if self._first(("denied", self.where.page, unit_id, self.where.period, area, detail)):
            audit.write(
                self.engine,
                "denied",
                self.person,
                self._where(unit_id),
                detail=f"{area}" + (f": {detail}" if detail else ""),
            )
        raise Denied(self.person, area, unit_id)

    def records(
        self,
        unit_id: str | None,
        tree: Tree,
        read: Callable[[], pl.DataFrame],
        *,
        detail: str,
        area: Area = Area.RECORDS,
    ) -> pl.DataFrame:
        """``read()`` (the records of ``unit_id``'s subtree, None: every unit) when they
        are in reach, audited as ``view_records`` with their count; else Denied."""
        self.check(area, unit_id, tree, detail)
        frame = self.limit(area, read(), tree)
        self._viewed(unit_id, frame.height, detail)
        return frame

    def limit(self, area: Area, frame: pl.DataFrame, tree: Tree) -> pl.DataFrame:
        """``frame`` without the rows (by ``unit_id``) outside the reach; empty when the
        reach is none. A frame without ``unit_id`` is kept whole only for every-unit
        reach."""
        allowed = self.person.units(area, tree)
        if allowed is None:
            return frame
        if "unit_id" not in frame.columns or self.person.reach(area) == Reach.NONE:
            return frame.clear()
        return frame.filter(pl.col("unit_id").is_in(sorted(allowed)))

    def rows(
        self, area: Area, frame: pl.DataFrame, tree: Tree, *, detail: str, unit_id: str | None
    ) -> pl.DataFrame:
        """The rows of a per-unit table (``unit_id`` column) in reach, audited as
        ``view_records``; Denied when the reach of ``area`` is none."""
        if self.person.reach(area) == Reach.NONE:
            self.check(area, unit_id, tree, detail)
        out = self.limit(area, frame, tree)
        self._viewed(unit_id, out.height, detail)
        return out

    def _first(self, key: tuple[object, ...]) -> bool:
        """Whether ``key`` is new to this session (always, without a session)."""
        if self.seen is None:
            return True
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def _viewed(self, unit_id: str | None, n: int, detail: str) -> None:
        key = (self.where.page, unit_id, self.where.period, self.where.as_of, detail, n)
        if not self._first(key):
            return
        audit.write(
            self.engine, "view_records", self.person, self._where(unit_id), records=n, detail=detail
        )

    def download(
        self, detail: str, *, unit_id: str | None = None, records: int | None = None
    ) -> None:
        """Audit a file leaving the dashboard (``detail``: which file)."""
        audit.write(
            self.engine,
            "download",
            self.person,
            self._where(unit_id),
            records=records,
            detail=detail,
        )


def _subtree(tree: Tree, unit_id: str) -> list[str]:
    return tree.subtree(unit_id) if unit_id in tree.parent else [unit_id]


def records_behind(
    gate: Gate,
    frames: Frames,
    code: str,
    unit_id: str,
    period: Period | str,
    as_of: datetime | date | str,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """:func:`queries.engine.drilldown.records_behind` for the gate's person: the records
    behind ``code`` for ``unit_id``'s subtree, audited; Denied outside the reach."""
    tree = Tree.from_units(frames.units)
    return gate.records(
        unit_id,
        tree,
        lambda: read_records_behind(frames, code, unit_id, period, as_of, settings),
        detail=f"records {code}",
    )
