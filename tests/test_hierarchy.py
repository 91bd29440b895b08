"""The unit tree as the dashboard walks it."""

from __future__ import annotations

import polars as pl

from queries.model.tree import Tree
from queries.store.schemas import make_frames


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
