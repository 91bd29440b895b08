"""Methodology.md's counting, declared once as Ibis expressions and run by the engine
where the records are (DuckDB over the lake, PostgreSQL itself, Apache Spark).

What it computes is exactly :func:`queries.engine.indicators.subtree_counts`: per
(unit_id, bucket) over the unit's subtree, the numerator and denominator of every
indicator, a balance's status-group counts, a distinct share's distinct values and
a median with its n. Only those aggregates leave the engine (one row per unit and
period); values, scores and ranks are computed from them in Python.

The pieces, each one expression for every engine:

- statuses per record at an as-of (:func:`feedback_statuses`, ...), the same rules as
  :mod:`queries.engine.classify`, with the counting weights of
  :data:`queries.engine.statuses.STATUS_RULES`;
- working days through a calendar table joined twice (a running working-day number
  per date, :func:`queries.model.workdays.calendar_frame`);
- subtrees through the closure table (ancestor, unit_id): sums are summed per unit
  then per ancestor; distinct counts and medians are computed from the records of
  each subtree (never from the children's results);
- a kind of indicator is one function here (:func:`_sums`, :func:`_distinct`,
  :func:`_median`), chosen by the declared :class:`~queries.model.indicator.Kind`.
"""

from __future__ import annotations

from queries.engine.relational.plan import (
    SMALL_TABLES,
    EngineCounts,
    classify_records,
    subtree_counts,
)
from queries.engine.relational.statuses import CountScope, record_table

__all__ = [
    "SMALL_TABLES",
    "CountScope",
    "EngineCounts",
    "classify_records",
    "record_table",
    "subtree_counts",
]
