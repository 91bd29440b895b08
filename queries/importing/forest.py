"""The units' parents must form a forest (``docs/spec/records.md``).

The graph checked is the units already in the database, overridden by the
file's rows. With pointer doubling (log2(n) self-joins, no loop per unit) each
unit's ancestor n steps up is found: none (the chain reaches a root), a
missing unit (the chain dangles), or a unit on a cycle. The units on cycles
are exactly the ancestors found that are units.
"""

from __future__ import annotations

import math

import polars as pl

from queries.importing.source import ROW

_MISSING = "\x00missing"


def forest_rejects(file_units: pl.DataFrame, db_units: pl.DataFrame) -> pl.DataFrame:
    """Rejects (row, column, reason) for file rows that cannot join the forest.

    ``file_units``: ``__row, unit_id, parent_id`` (rows that passed the other
    checks); ``db_units``: ``unit_id, parent_id`` from the database.
    """
    graph = pl.concat(
        [
            db_units.select("unit_id", "parent_id").filter(
                ~pl.col("unit_id").is_in(file_units.get_column("unit_id").implode())
            ),
            file_units.select("unit_id", "parent_id"),
        ]
    )
    ids = graph.get_column("unit_id").implode()
    anc = graph.select(
        "unit_id",
        pl.when(pl.col("parent_id").is_null() | pl.col("parent_id").is_in(ids))
        .then(pl.col("parent_id"))
        .otherwise(pl.lit(_MISSING))
        .alias("anc"),
    )
    for _ in range(max(1, math.ceil(math.log2(graph.height + 1)) + 1)):
        step = anc.rename({"unit_id": "anc", "anc": "anc2"})
        anc = anc.join(step, on="anc", how="left", maintain_order="left").select(
            "unit_id",
            pl.when(pl.col("anc").is_null() | (pl.col("anc") == _MISSING))
            .then(pl.col("anc"))
            .otherwise(pl.col("anc2"))
            .alias("anc"),
        )
    on_cycle = set(anc.filter(pl.col("anc").is_not_null() & (pl.col("anc") != _MISSING))["anc"])
    bad = file_units.join(anc, on="unit_id", how="left").filter(pl.col("anc").is_not_null())
    if bad.is_empty():
        return pl.DataFrame(schema={"row": pl.Int64, "column": pl.String, "reason": pl.String})
    parents = dict(zip(graph["unit_id"], graph["parent_id"], strict=True))
    reasons = []
    # only the rejected units are walked, to spell out each cycle
    for row, unit, parent in bad.select(ROW, "unit_id", "parent_id").iter_rows():
        if unit in on_cycle:
            path = [unit]
            node = parents[unit]
            while node != unit:
                path.append(node)
                node = parents[node]
            chain = " → ".join([*path, unit])
            reason = f"上级单位构成循环 / parent_id '{parent}' makes a cycle: {chain}"
        elif parent not in parents:
            reason = (
                f"上级单位不存在 / parent_id '{parent}' names no unit "
                "(neither in the database nor in this file's accepted rows)"
            )
        else:
            reason = (
                f"上级单位无效 / parent_id '{parent}' cannot be used: that unit, or one "
                "above it, is in a cycle or names a missing parent"
            )
        reasons.append((row, "parent_id", reason))
    return pl.DataFrame(
        reasons, schema={"row": pl.Int64, "column": pl.String, "reason": pl.String}, orient="row"
    )
