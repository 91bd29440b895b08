"""The unit tree (queries/model/tree.py): the one walk of the hierarchy used by the
indicators, the briefing and the dashboard."""

from __future__ import annotations

import polars as pl

from queries.engine.indicators import subtree_of, unit_closure
from queries.model.tree import Tree
from queries.store.schemas import make_frames
from reports.briefing.deputies import subtree_ids


def units(rows: list[tuple[str, str | None]]) -> pl.DataFrame:
    return make_frames(
        [
            {"unit_id": u, "name": u, "parent_id": p, "level": "station", "kind": "window"}
            for u, p in rows
        ]
    ).units


def test_order_ancestors_subtree() -> None:
    tree = Tree.from_units(
        units(
            [
                ("HQ", None),
                ("B2", "HQ"),
                ("B1", "HQ"),
                ("B1-S2", "B1"),
                ("B1-S1", "B1"),
                ("Z", None),
            ]
        )
    )
    # depth first from the roots, children by id
    assert tree.order() == [
        ("HQ", 0),
        ("B1", 1),
        ("B1-S1", 2),
        ("B1-S2", 2),
        ("B2", 1),
        ("Z", 0),
    ]
    assert tree.roots == ("HQ", "Z")
    assert tree.ancestors("B1-S2") == ["HQ", "B1"]
    assert tree.ancestors("HQ") == []
    assert sorted(tree.subtree("B1")) == ["B1", "B1-S1", "B1-S2"]
    assert tree.subtree("B1-S1") == ["B1-S1"]
    assert tree.children["HQ"] == ("B1", "B2")


def test_a_parent_that_names_no_unit_makes_a_root() -> None:
    tree = Tree.from_units(units([("A", "GONE"), ("B", "A")]))
    assert tree.roots == ("A",)
    assert tree.order() == [("A", 0), ("B", 1)]


def test_a_cycle_does_not_loop() -> None:
    tree = Tree.from_units(units([("R", None), ("A", "B"), ("B", "A")]))
    # A and B are each other's parent: neither is reachable from a root, none repeats
    assert tree.order() == [("R", 0)]
    assert sorted(tree.subtree("A")) == ["A", "B"]
    assert tree.ancestors("A") == ["B"]  # stops where it would come back


def test_closure_chain_and_subtrees_by_hand() -> None:
    # HQ ── B1 ── B1-S1
    #    └─ B2        (frame order: B1-S1, HQ, B1, B2)
    tree = Tree.from_units(units([("B1-S1", "B1"), ("HQ", None), ("B1", "HQ"), ("B2", "HQ")]))
    assert tree.chain_up("B1-S1") == ["B1-S1", "B1", "HQ"]
    assert tree.chain_up("HQ") == ["HQ"]
    # every unit with itself and each unit above it: 3 + 1 + 2 + 2 = 8 rows, frame order
    assert tree.closure().rows() == [
        ("B1-S1", "B1-S1"),
        ("B1", "B1-S1"),
        ("HQ", "B1-S1"),
        ("HQ", "HQ"),
        ("B1", "B1"),
        ("HQ", "B1"),
        ("B2", "B2"),
        ("HQ", "B2"),
    ]
    assert tree.subtrees(["B1", "B2"]) == {"B1", "B1-S1", "B2"}
    assert tree.subtrees(["NOT-A-UNIT"]) == {"NOT-A-UNIT"}  # as the briefing's scope did
    assert not tree.has_cycle


def test_a_cycle_is_reported_and_every_walk_ends() -> None:
    # C hangs below a two-unit cycle A <-> B; R is a sound root
    tree = Tree.from_units(units([("R", None), ("A", "B"), ("B", "A"), ("C", "A")]))
    assert tree.has_cycle
    assert tree.chain_up("C") == ["C", "A", "B"]
    assert tree.ancestors("C") == ["B", "A"]
    assert sorted(tree.subtree("B")) == ["A", "B", "C"]


def test_a_unit_that_is_its_own_parent_is_a_root() -> None:
    tree = Tree.from_units(units([("A", "A"), ("B", "A")]))
    assert tree.roots == ("A",)
    assert not tree.has_cycle
    assert tree.closure().rows() == [("A", "A"), ("B", "B"), ("A", "B")]


def test_the_indicators_closure_and_subtree_come_from_the_tree() -> None:
    frame = units([("HQ", None), ("B1", "HQ"), ("B1-S1", "B1"), ("B2", "HQ")])
    assert unit_closure(frame).equals(Tree.from_units(frame).closure())
    assert subtree_of(frame, "B1") == ["B1", "B1-S1"]
    assert subtree_ids(frame, ["B1"]) == {"B1", "B1-S1"}
