"""Goals (目标值) against the indicator table: which goal applies to each unit, and
whether it is met (cli.md, "Goals and notes").

A goal is an indicator's value to reach, written as the indicator table writes the
indicator (a fraction for rates, days for R_CLOSE_DAYS), for every unit, a level, a
unit kind or one unit, from a year on. For a unit and an indicator the goal in force
for a year is the most specific one (unit, then kind, then level, then all) and, among
those, the one with the latest ``from_year`` not after that year. Goals are joined per
unit after the engine's aggregates: they never change a value, a score or a signal.

"Met" is at or above the goal, or at or below it where lower is better (the
indicator's :class:`~queries.model.indicator.Direction`), within 1e-9 as
methodology.md's edge rules compare. A goal is not the funnel's ``target`` (the peers'
rate): the two are said apart wherever both show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from queries.model.catalogue import INDICATORS, indicator
from queries.model.indicator import Direction
from queries.model.periods import Period

# the goal table as read (queries.access.goals.list_goals)
GOAL_SCHEMA: dict[str, pl.DataType] = {
    "goal_id": pl.Int64(),
    "code": pl.String(),
    "value": pl.Float64(),
    "level": pl.String(),
    "kind": pl.String(),
    "unit_id": pl.String(),
    "from_year": pl.Int64(),
    "set_by": pl.String(),
    "set_at": pl.Datetime("us"),
}

# how specific each scope is: the most specific goal in force applies
SCOPES = ("all", "level", "kind", "unit")

# a value within this of its goal counts as equal to it (methodology.md, edge rules)
EPS = 1e-9


def goal_column(code: str) -> str:
    return f"{code}_goal"


def no_goals() -> pl.DataFrame:
    return pl.DataFrame(schema=GOAL_SCHEMA)


def goal_year(period: Period) -> int:
    """The year whose goals apply to ``period``: the year of its last day."""
    return period.end.year


def scope_of(goal: dict[str, object]) -> str:
    """``all``, ``level``, ``kind`` or ``unit``: what one goal row is set for."""
    for scope in ("unit", "kind", "level"):
        if goal.get("unit_id" if scope == "unit" else scope) is not None:
            return scope
    return "all"


def goals_in_force(goals: pl.DataFrame, units: pl.DataFrame, year: int) -> pl.DataFrame:
    """unit_id, code, goal, goal_id: for each unit of ``units`` (unit_id, level, kind)
    and each indicator with a goal in force in ``year``, the one that applies.

    >>> units = pl.DataFrame({"unit_id": ["A", "B"], "level": ["branch"] * 2,
    ...                       "kind": ["window", "comprehensive"]})
    >>> goals = pl.DataFrame({"goal_id": [1, 2, 3], "code": ["R_ONTIME"] * 3,
    ...     "value": [0.9, 0.95, 0.8], "level": [None, "branch", None],
    ...     "kind": [None, None, "window"], "unit_id": [None, None, None],
    ...     "from_year": [2025, 2026, 2027]}, schema_overrides={"level": pl.String,
    ...     "kind": pl.String, "unit_id": pl.String})
    >>> goals_in_force(goals, units, 2026).rows()  # the kind's goal is not in force yet
    [('A', 'R_ONTIME', 0.95, 2), ('B', 'R_ONTIME', 0.95, 2)]
    """
    live = goals.filter(pl.col("from_year") <= year).select(
        "goal_id",
        "code",
        "value",
        "from_year",
        pl.col("level").alias("g_level"),
        pl.col("kind").alias("g_kind"),
        pl.col("unit_id").alias("g_unit"),
    )
    u = units.select("unit_id", "level", "kind")
    scoped = {
        "all": u.join(
            live.filter(pl.all_horizontal(pl.col("g_level", "g_kind", "g_unit").is_null())),
            how="cross",
        ),
        "level": u.join(live, left_on="level", right_on="g_level"),
        "kind": u.join(live, left_on="kind", right_on="g_kind"),
        "unit": u.join(live, left_on="unit_id", right_on="g_unit"),
    }
    parts = [scoped[s] for s in SCOPES]
    ranked = [
        p.select("unit_id", "code", "value", "goal_id", "from_year").with_columns(
            pl.lit(i, pl.Int8).alias("specific")
        )
        for i, p in enumerate(parts)
    ]
    return (
        pl.concat(ranked)
        .sort(
            ["unit_id", "code", "specific", "from_year", "goal_id"],
            descending=[False, False, True, True, True],
        )
        .unique(["unit_id", "code"], keep="first", maintain_order=True)
        .select("unit_id", "code", pl.col("value").alias("goal"), "goal_id")
    )


def with_goals(table: pl.DataFrame, goals: pl.DataFrame, year: int) -> pl.DataFrame:
    """The indicator table with ``X_goal`` after ``X_hi`` (or after ``X_n`` where there
    are no bounds) for every code that has a goal for some unit of ``table``; empty
    (null) where none applies. A table without such a code comes back unchanged."""
    resolved = goals_in_force(goals, table, year)
    codes = [ind.code for ind in INDICATORS if ind.code in set(resolved["code"].to_list())]
    if not codes:
        return table
    wide = (
        resolved.pivot(on="code", index="unit_id", values="goal")
        .select("unit_id", *codes)
        .rename({c: goal_column(c) for c in codes})
    )
    out = table.join(wide, on="unit_id", how="left")
    order: list[str] = []
    for col in table.columns:
        order.append(col)
        for c in codes:
            if col == indicator(c).columns[-1]:
                order.append(goal_column(c))
    return out.select(order)


def goal_codes(columns: Iterable[str]) -> list[str]:
    """The codes with an ``X_goal`` column among ``columns`` (a table's, a row's keys),
    in catalogue order."""
    cols = set(columns)
    return [ind.code for ind in INDICATORS if goal_column(ind.code) in cols]


@dataclass(frozen=True)
class Standing:
    """A value against its goal: ``met``, and ``gap`` = value - goal (in the
    indicator's unit; negative below the goal)."""

    code: str
    value: float
    goal: float
    met: bool

    @property
    def gap(self) -> float:
        return self.value - self.goal


def meets(code: str, value: float, goal: float) -> bool:
    """Whether ``value`` meets ``goal``: at or above it, or at or below it where lower is
    better, a value within 1e-9 of the goal counting as equal.

    >>> meets("R_ONTIME", 0.94, 0.95), meets("R_ONTIME", 0.95, 0.95)
    (False, True)
    >>> meets("S_REPEAT", 0.04, 0.05), meets("R_CLOSE_DAYS", 12.5, 10.0)
    (True, False)
    """
    if indicator(code).direction == Direction.LOWER:
        return value <= goal + EPS
    return value >= goal - EPS


def standing(row: dict[str, object], code: str) -> Standing | None:
    """``row``'s (one row of a table with goals) value of ``code`` against its goal;
    None when either is unknown."""
    value, goal = row.get(code), row.get(goal_column(code))
    if not isinstance(value, int | float) or not isinstance(goal, int | float):
        return None
    return Standing(code, float(value), float(goal), meets(code, float(value), float(goal)))


def met_expr(code: str) -> pl.Expr:
    """True where the value meets its goal, False where it does not, null where either
    is unknown (the polars form of :func:`meets`)."""
    value, goal = pl.col(code), pl.col(goal_column(code))
    if indicator(code).direction == Direction.LOWER:
        return value <= goal + EPS
    return value >= goal - EPS


def below_goal(table: pl.DataFrame, code: str) -> pl.DataFrame:
    """The rows of ``table`` whose value of ``code`` does not meet its goal (a unit
    without a value or without a goal is not below it)."""
    if goal_column(code) not in table.columns:
        return table.clear()
    return table.filter(met_expr(code).not_())


def goal_by_year(
    goals: pl.DataFrame, unit: dict[str, object], code: str, years: list[int]
) -> dict[int, float | None]:
    """The goal of ``code`` for one unit (unit_id, level, kind) in each of ``years``
    (None where none applies): the trend and control charts' goal line."""
    u = pl.DataFrame(
        {k: [unit[k]] for k in ("unit_id", "level", "kind")},
        schema={"unit_id": pl.String, "level": pl.String, "kind": pl.String},
    )
    out: dict[int, float | None] = {}
    for y in sorted(set(years)):
        got = goals_in_force(goals.filter(pl.col("code") == code), u, y)
        out[y] = float(got["goal"][0]) if got.height else None
    return out


def funnel_state(funnel: pl.DataFrame, unit_id: str, code: str) -> str | None:
    """What the funnel (queries.engine.funnel's table) says of ``unit_id``'s ``code``,
    to say beside its goal: ``within`` (inside the funnel), ``worse`` or ``better``
    (an alert or alarm on the unfavourable or favourable side), None (no signal)."""
    hit = funnel.filter((pl.col("unit_id") == unit_id) & (pl.col("code") == code))
    if hit.height == 0 or hit["signal"][0] is None:
        return None
    signal, side = hit["signal"][0], hit["side"][0]
    if signal == "within":
        return "within"
    lower_better = indicator(code).direction == Direction.LOWER
    worse = side == ("above" if lower_better else "below")
    return "worse" if worse else "better"
