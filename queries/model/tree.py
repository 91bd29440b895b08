"""The unit hierarchy, walked in one place: tree order, ancestors, subtrees, closure.

Works on a units frame with at least ``unit_id`` and ``parent_id`` (the ``units`` frame
of :func:`queries.store.frames.load_frames`, or the indicator table). A unit whose
parent is empty, unknown or itself is a root. The importer keeps cycles out of the
database; should one reach a frame anyway, every walk here still ends (each unit is
visited once) and :attr:`Tree.has_cycle` says so.

>>> import polars as pl
>>> units = pl.DataFrame({"unit_id": ["B", "B1", "S1", "S2"], "parent_id": [None, "B", "B1", "B1"]})
>>> tree = Tree.from_units(units)
>>> tree.roots
('B',)
>>> tree.subtree("B1"), tree.ancestors("S2"), tree.chain_up("S1")
(['B1', 'S2', 'S1'], ['B', 'B1'], ['S1', 'B1', 'B'])
>>> tree.closure().filter(pl.col("unit_id") == "S1")["ancestor"].to_list()
['S1', 'B1', 'B']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Tree:
    """Parent and children links of the units, built once per units frame."""

    parent: dict[str, str | None]
    children: dict[str, tuple[str, ...]]
    roots: tuple[str, ...]
    ids: tuple[str, ...] = ()  # the units in the frame's order

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
        return cls(parent, {k: tuple(sorted(v)) for k, v in kids.items()}, roots, tuple(ids))

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

    def chain_up(self, unit_id: str) -> list[str]:
        """``unit_id`` and the units above it, nearest first, each once (a walk that
        meets a cycle stops where it would repeat a unit)."""
        out = [unit_id]
        seen = {unit_id}
        p = self.parent.get(unit_id)
        while p is not None and p not in seen:
            out.append(p)
            seen.add(p)
            p = self.parent.get(p)
        return out

    def ancestors(self, unit_id: str) -> list[str]:
        """The units above ``unit_id``, root first (not the unit itself)."""
        return self.chain_up(unit_id)[:0:-1]

    def subtree(self, unit_id: str) -> list[str]:
        """``unit_id`` and every unit below it (depth-first; sort for a stable order)."""
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

    def subtrees(self, roots: Iterable[str]) -> set[str]:
        """The ids of ``roots`` and of every unit below any of them."""
        out: set[str] = set()
        for r in roots:
            if r not in out:
                out.update(self.subtree(r))
        return out

    @property
    def has_cycle(self) -> bool:
        """True if following parents from some unit comes back to a unit already seen
        (the units on a cycle, and those below them, never reach a root)."""
        reached = {u for r in self.roots for u in self.subtree(r)}
        return len(reached) < len(self.parent)

    def closure(self) -> pl.DataFrame:
        """(ancestor, unit_id) for every unit and each unit above it, itself included;
        units in the frame's order, each with its chain upwards, nearest first."""
        anc: list[str] = []
        desc: list[str] = []
        for u in self.ids:
            chain = self.chain_up(u)
            anc.extend(chain)
            desc.extend([u] * len(chain))
        return pl.DataFrame(
            {"ancestor": anc, "unit_id": desc}, schema={"ancestor": pl.String, "unit_id": pl.String}
        )


def unit_names(units: pl.DataFrame, lang: str) -> dict[str, str]:
    """unit_id -> the unit's name as charts and tables show it in ``lang`` (the English
    name when there is one, else the Chinese), a name several units share made unique:
    by its parent's name in brackets, and by its id where that is shared too. Charts
    key units by id; two units must never be one bar, nor one label.

    >>> units = pl.DataFrame({
    ...     "unit_id": ["A", "B", "A1", "B1", "B2"],
    ...     "name": ["A市公安局", "B市公安局", "城区分局", "城区分局", "城区分局"],
    ...     "name_en": ["A City", "B City", "Chengqu", None, "Chengqu"],
    ...     "parent_id": [None, None, "A", "B", "B"],
    ... })
    >>> unit_names(units, "zh")["A1"], unit_names(units, "zh")["B1"]
    ('城区分局（A市公安局）', '城区分局（B1）')
    >>> unit_names(units, "en")["A1"], unit_names(units, "en")["B1"]
    ('Chengqu (A City)', '城区分局')
    """
    cols = ["unit_id", "name", "name_en", "parent_id"]
    rows = units.select([c for c in cols if c in units.columns]).to_dicts()
    plain: dict[str, str] = {}
    for r in rows:
        zh, en = r.get("name") or "", r.get("name_en") or ""
        plain[r["unit_id"]] = (en or zh if lang == "en" else zh or en) or r["unit_id"]
    parents = {r["unit_id"]: r.get("parent_id") for r in rows}
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")

    def shared(names: dict[str, str]) -> set[str]:
        seen: dict[str, int] = {}
        for n in names.values():
            seen[n] = seen.get(n, 0) + 1
        return {n for n, k in seen.items() if k > 1}

    out = dict(plain)
    repeated = shared(plain)
    for uid, name in plain.items():
        parent = parents.get(uid)
        if name in repeated and parent in plain:
            out[uid] = f"{name}{open_}{plain[parent]}{close}"
    repeated = shared(out)
    for uid, name in out.items():
        if name in repeated:
            out[uid] = f"{plain[uid]}{open_}{uid}{close}"
    return out
