"""The five roles of access.md and the reach of each: who may see what.

Declared once here: the role matrix (:data:`MATRIX`), the roles' labels in both
languages, and the one local admin of a dashboard served without sign-in.
Pure Python: no database, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from queries.model.tree import Tree


class Role(StrEnum):
    ADMIN = "admin"
    LEADERSHIP = "leadership"
    UNIT_HEAD = "unit_head"
    LIAISON = "liaison"
    VIEWER = "viewer"


class Area(StrEnum):
    """What a role's reach is asked about (the columns of access.md's matrix)."""

    AGGREGATES = "aggregates"  # indicators, ranks, charts, signals
    RECORDS = "records"  # the records behind a figure, record tables, record downloads
    BRIEFING = "briefing"
    DATA = "data"  # the Data page: imports, rejected rows, freshness
    AUDIT = "audit"
    JOBS = "jobs"  # the Jobs page: scheduled jobs, their runs and deliveries, "run now"
    UPLOAD = "upload"  # record files uploaded on the Data page (access.md, "Added with ...")


class Reach(StrEnum):
    ALL = "all"  # every unit
    SUBTREE = "subtree"  # the person's unit and every unit below it
    NONE = "none"


_A, _S, _N = Reach.ALL, Reach.SUBTREE, Reach.NONE
# access.md's role matrices, row by row: aggregates, records, briefing, data, audit, and
# from its "Added with jobs, uploads, goals and notes": jobs, upload records
MATRIX: dict[Role, dict[Area, Reach]] = {
    role: dict(zip(Area, reaches, strict=True))
    for role, reaches in {
        Role.ADMIN: (_A, _A, _A, _A, _A, _A, _A),
        Role.LEADERSHIP: (_A, _A, _A, _A, _N, _N, _A),
        Role.UNIT_HEAD: (_A, _S, _S, _S, _N, _N, _S),
        Role.LIAISON: (_A, _N, _A, _N, _N, _N, _N),
        Role.VIEWER: (_A, _N, _N, _N, _N, _N, _N),
    }.items()
}


class Change(StrEnum):
    """What a role may change (access.md, "Added with jobs, uploads, goals and notes")."""

    GOALS = "goals"  # set and remove goals
    NOTES = "notes"  # add notes, remove one's own


# access.md's second matrix, the goals and notes columns: for notes, the units a note
# may be added to (and one's own removed from); who removes anyone's note below
CHANGES: dict[Role, dict[Change, Reach]] = {
    Role.ADMIN: {Change.GOALS: _A, Change.NOTES: _A},
    Role.LEADERSHIP: {Change.GOALS: _A, Change.NOTES: _A},
    Role.UNIT_HEAD: {Change.GOALS: _N, Change.NOTES: _S},
    Role.LIAISON: {Change.GOALS: _N, Change.NOTES: _N},
    Role.VIEWER: {Change.GOALS: _N, Change.NOTES: _N},
}
REMOVES_ANY_NOTE = frozenset({Role.ADMIN})

ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.ADMIN: ("管理员", "Administrator"),
    Role.LEADERSHIP: ("局领导", "Leadership"),
    Role.UNIT_HEAD: ("单位负责人", "Unit head"),
    Role.LIAISON: ("联络办", "Liaison office"),
    Role.VIEWER: ("查阅人员", "Viewer"),
}


def role_label(role: Role | str, lang: str) -> str:
    zh, en = ROLE_LABELS[Role(role)]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class Person:
    """Someone signed in: their ``email`` (the ID token's claim), role, for a
    unit_head the unit whose subtree they reach, and the provider identity they
    signed in with (``iss``, ``sub``; None without sign-in)."""

    email: str
    role: Role
    unit_id: str | None = None
    iss: str | None = None
    sub: str | None = None

    def reach(self, area: Area) -> Reach:
        return MATRIX[self.role][area]

    def units(self, area: Area, tree: Tree) -> frozenset[str] | None:
        """The units whose data of ``area`` this person may see; None for every unit.

        A unit_head whose unit is no longer in the tree reaches nothing.
        """
        reach = self.reach(area)
        if reach == Reach.ALL:
            return None
        if reach == Reach.NONE or self.unit_id is None or self.unit_id not in tree.parent:
            return frozenset()
        return frozenset(tree.subtree(self.unit_id))

    def may_change(self, change: Change, unit_id: str | None, tree: Tree) -> bool:
        """Whether this person may make ``change`` for ``unit_id`` (None: every unit, as
        a goal for all units): every unit reach, or ``unit_id`` in their subtree."""
        reach = CHANGES[self.role][change]
        if reach == Reach.ALL:
            return True
        if reach == Reach.NONE or unit_id is None or self.unit_id not in tree.parent:
            return False
        return unit_id in tree.subtree(self.unit_id)

    def may(self, area: Area, unit_ids: Iterable[str] | None, tree: Tree) -> bool:
        """Whether every unit of ``unit_ids`` (None: every unit, the whole tree) is in
        reach for ``area``."""
        reach = self.reach(area)
        if reach == Reach.ALL:
            return True
        if reach == Reach.NONE:
            return False
        allowed = self.units(area, tree) or frozenset()
        wanted = set(tree.parent) if unit_ids is None else set(unit_ids)
        return bool(wanted) and wanted <= allowed


# the one person of a dashboard served without sign-in, on loopback only (access.md)
LOCAL_ADMIN = Person(email="local", role=Role.ADMIN)
