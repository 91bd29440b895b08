"""The unit hierarchy as the dashboard walks it: tree order, ancestors, subtree.

Works on the ``units`` frame of :func:`queries.store.frames.load_frames` (columns of
records.py). Units whose parent is unknown are treated as roots.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Tree:
    """Parent and children links of the units, built once per units frame."""

    parent: dict[str, str | None]
    children: dict[str, tuple[str, ...]]
    roots: tuple[str, ...]

    @classmethod
    def from_units(cls, units: pl.DataFrame) -> Tree:
        ids = units.get_column("unit_id").to_list()
        known = set(ids)
        parent: dict[str, str | None] = {}
        kids: dict[str, list[str]] = {u: [] for u in ids}
        for uid, pid in zip(ids, units.get_column("parent_id").to_list(), strict=True):
            p = pid if pid in known and pid != uid else None
            parent[uid] = p
            if p is not None:
                kids[p].append(uid)
        roots = tuple(sorted(u for u in ids if parent[u] is None))
        return cls(parent, {k: tuple(sorted(v)) for k, v in kids.items()}, roots)

    def order(self) -> list[tuple[str, int]]:
        """Every unit with its depth, depth-first from the roots (children by id)."""
        out: list[tuple[str, int]] = []
        seen: set[str] = set()
        stack = [(r, 0) for r in reversed(self.roots)]
        while stack:
            uid, depth = stack.pop()
            if uid in seen:  # a cycle slipped in: show each unit once
                continue
            seen.add(uid)
            out.append((uid, depth))
            stack.extend((c, depth + 1) for c in reversed(self.children.get(uid, ())))
        return out

    def ancestors(self, unit_id: str) -> list[str]:
        """The units above ``unit_id``, root first (not the unit itself)."""
        out: list[str] = []
        p = self.parent.get(unit_id)
        while p is not None and p != unit_id and p not in out:
            out.append(p)
            p = self.parent.get(p)
        return out[::-1]

    def subtree(self, unit_id: str) -> list[str]:
        """``unit_id`` and every unit below it."""
        out: list[str] = []
        seen: set[str] = set()
        stack = [unit_id]
        while stack:
            uid = stack.pop()
            if uid in seen:
                continue
            seen.add(uid)
            out.append(uid)
            stack.extend(self.children.get(uid, ()))
        return out
