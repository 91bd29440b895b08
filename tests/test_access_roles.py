"""queries.access.roles: access.md's role matrix, and each role's reach on a small tree."""

from __future__ import annotations

import polars as pl
import pytest

from queries.access.roles import LOCAL_ADMIN, MATRIX, Area, Person, Reach, Role, role_label
from queries.model.tree import Tree

# HQ -> B01 -> B01-S01, B01-S02; HQ -> B02 -> B02-S01
TREE = Tree.from_units(
    pl.DataFrame(
        {
            "unit_id": ["HQ", "B01", "B01-S01", "B01-S02", "B02", "B02-S01"],
            "parent_id": [None, "HQ", "B01", "B01", "HQ", "B02"],
        }
    )
)

# access.md's tables, written out again: aggregates, records, briefing, data, audit; then
# from "Added with jobs, uploads, goals and notes": jobs, upload records
SPEC = {
    "admin": ("every", "every", "every", "every", "yes", "yes", "every"),
    "leadership": ("every", "every", "every", "every", "no", "no", "every"),
    "unit_head": ("every", "subtree", "subtree", "subtree", "no", "no", "subtree"),
    "liaison": ("every", "none", "every", "none", "no", "no", "no"),
    "viewer": ("every", "none", "none", "none", "no", "no", "no"),
}
WORDS = {
    "every": Reach.ALL,
    "yes": Reach.ALL,
    "subtree": Reach.SUBTREE,
    "none": Reach.NONE,
    "no": Reach.NONE,
}


def test_the_matrix_is_access_md_s() -> None:
    assert [r.value for r in Role] == list(SPEC)
    for role, cells in SPEC.items():
        got = tuple(MATRIX[Role(role)][a] for a in Area)
        assert got == tuple(WORDS[c] for c in cells), role


def test_every_role_has_both_labels() -> None:
    for role in Role:
        assert role_label(role, "zh") and role_label(role, "en")
        assert role_label(role, "zh") != role_label(role, "en")


@pytest.mark.parametrize(
    ("role", "unit", "records_of"),
    [
        ("admin", None, {"HQ", "B01", "B01-S01", "B01-S02", "B02", "B02-S01"}),
        ("leadership", None, {"HQ", "B01", "B01-S01", "B01-S02", "B02", "B02-S01"}),
        ("unit_head", "B01", {"B01", "B01-S01", "B01-S02"}),
        ("unit_head", "B02-S01", {"B02-S01"}),
        ("liaison", None, set()),
        ("viewer", None, set()),
    ],
)
def test_records_of_a_unit_s_subtree_only_within_reach(
    role: str, unit: str | None, records_of: set[str]
) -> None:
    person = Person("a@b.cn", Role(role), unit)
    for uid in TREE.parent:
        # a unit's records are its subtree's: allowed only when the whole subtree is in reach
        expected = set(TREE.subtree(uid)) <= records_of
        assert person.may(Area.RECORDS, [*TREE.subtree(uid)], TREE) is expected, uid
    # every unit at once (None): only for a reach of every unit
    assert person.may(Area.RECORDS, None, TREE) is (len(records_of) == 6)
    # aggregates: every role, every unit
    assert person.may(Area.AGGREGATES, None, TREE)


def test_a_unit_head_whose_unit_is_gone_reaches_nothing() -> None:
    gone = Person("a@b.cn", Role.UNIT_HEAD, "B09")
    assert gone.units(Area.RECORDS, TREE) == frozenset()
    assert not gone.may(Area.RECORDS, ["B09"], TREE)


def test_the_local_admin() -> None:
    assert LOCAL_ADMIN.role == Role.ADMIN
    assert LOCAL_ADMIN.may(Area.AUDIT, None, TREE)
