"""A computation's queries: the plan over unbound tables, its SQL per dialect (compiled
once per shape, kept per scope), the small tables it brings, and :func:`subtree_counts`, which runs it where
the records are."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import ibis
import ibis.expr.types as ir
import polars as pl

from queries.engine.kinds import count_columns
from queries.engine.relational.kept_sql import read_kept, shape_digest, write_kept
from queries.engine.relational.kinds import (
    count_if,
    distinct_counts,
    medians,
    numerators,
    roll_up,
    sums,
)
from queries.engine.relational.sql import compile_sql, fill_literals, literal_sql
from queries.engine.relational.statuses import (
    CountScope,
    coverage_statuses,
    disclosure_statuses,
    disclosures_in_scope,
    feedback_statuses,
    placeholder,
    placeholders,
    record_table,
    rectify_statuses,
    supervision_public_statuses,
)
from queries.model.catalogue import INDICATORS
from queries.model.indicator import Indicator, Kind
from queries.model.periods import Period
from queries.model.settings import Settings
from queries.model.tree import Tree
from queries.model.workdays import WorkdayCalendar, calendar_frame
from queries.store.sources import EngineUnavailable, Sources, first_line


@dataclass(frozen=True)
class EngineCounts:
    """What the engine returns for a set of periods."""

    counts: pl.DataFrame  # subtree counts per (unit_id, bucket), as subtree_counts
    calendar_covered: dict[int, bool]  # per bucket: every counted day on the official calendar


# DuckDB holds every value of a median's group in memory (a holistic aggregate does not
# spill): the medians are computed in this many queries, each for the ancestors of one
# depth in the tree (roots, their children, grandchildren, the rest), so that a query
# holds each record's value at most once, not once per ancestor
MEDIAN_GROUPS = {"duckdb": 4}

# the record tables and the small tables every computation registers, unbound: the SQL
# is compiled for a dialect without a connection, and kept (_STATEMENTS)
SMALL_TABLES: dict[str, dict[str, str]] = {
    "openness_closure": {"ancestor": "string", "unit_id": "string", "depth_group": "int32"},
    "openness_buckets": {"bucket": "int32", "p_start": "date", "p_end": "date"},
    "openness_mandatory": {"unit_id": "string", "category": "string"},
    "openness_calendar": {
        "date": "date",
        "workday_number": "int32",
        "next_day": "int32",
        "year": "int32",
    },
}


def _small(name: str) -> ir.Table:
    return ibis.table(SMALL_TABLES[name], name=name)


def _small_tables(
    units: pl.DataFrame, scope: CountScope, years: tuple[int, int]
) -> dict[str, pl.DataFrame]:
    """The closure, the periods, each unit's mandatory categories and the calendar,
    typed as :data:`SMALL_TABLES` declares them."""
    settings, periods = scope.settings, scope.periods
    closure = Tree.from_units(units.select("unit_id", "parent_id")).closure()
    # an ancestor's depth: the units above it, its rows in the closure less its own
    depth = (
        closure.group_by("unit_id")
        .len()
        .select(pl.col("unit_id").alias("ancestor"), (pl.col("len") - 1).alias("depth"))
    )
    closure = closure.join(depth, on="ancestor", how="left").select(
        "ancestor",
        "unit_id",
        pl.min_horizontal(pl.col("depth"), pl.lit(max(MEDIAN_GROUPS.values()) - 1))
        .cast(pl.Int32)
        .alias("depth_group"),
    )
    buckets = pl.DataFrame(
        {
            "bucket": pl.Series(range(len(periods)), dtype=pl.Int32),
            "p_start": pl.Series([p.start for p in periods], dtype=pl.Date),
            "p_end": pl.Series([p.end for p in periods], dtype=pl.Date),
        }
    )
    cat_rows = [(k, c) for k, cats in settings.catalogue.items() for c in cats]
    mandatory = units.select("unit_id", "kind").join(
        pl.DataFrame(cat_rows, schema={"kind": pl.String, "category": pl.String}, orient="row"),
        on="kind",
    )
    calendar = calendar_frame(*years, WorkdayCalendar.from_settings(settings)).select(
        "date",
        "workday_number",
        (pl.col("date") + pl.duration(days=1)).dt.year().cast(pl.Int32).alias("next_day"),
        pl.col("date").dt.year().cast(pl.Int32).alias("year"),
    )
    return {
        "openness_closure": closure,
        "openness_buckets": buckets,
        "openness_mandatory": mandatory.select("unit_id", "category"),
        "openness_calendar": calendar,
    }


def _plan(
    scope: CountScope,
    median_buckets: Sequence[int] | None,
    partitioned: bool,
    median_groups: int = 1,
) -> dict[str, ir.Table]:
    """Every query of a computation, by name: ``part:<n>`` (aggregates to join on
    unit_id, bucket; ``part:<n>/<g>`` the ``median_groups`` queries of one median, whose
    rows are stacked: each the ancestors of one depth group) and ``calendar`` (per
    bucket, the disclosures counted off the official calendar)."""
    settings = scope.settings
    ds = record_table("disclosures", partitioned)
    sv = record_table("supervision", partitioned)
    closure = _small("openness_closure")
    by_record_kind: dict[str, ir.Table] = {
        "feedback": feedback_statuses(record_table("feedback", partitioned), scope),
        "disclosures": disclosure_statuses(ds, _small("openness_calendar"), scope),
        "R_RECTIFY": rectify_statuses(sv, scope),
        "O_SUPERVISION_PUBLIC": supervision_public_statuses(sv, scope),
        "O_COVERAGE": coverage_statuses(
            ds, _small("openness_mandatory"), _small("openness_buckets"), scope
        ),
    }

    def source_of(ind: Indicator) -> str:
        return ind.code if ind.code in by_record_kind else ind.record_kind

    plan: dict[str, ir.Table] = {}
    grouped: dict[str, list[Indicator]] = {}
    for ind in INDICATORS:
        if ind.kind != Kind.MEDIAN:
            grouped.setdefault(source_of(ind), []).append(ind)
    for key, inds in grouped.items():
        t = by_record_kind[key]
        aggs: dict[str, ir.Value] = {}
        for ind in inds:
            aggs.update(sums(ind, t, settings))
        per_unit = t.group_by(["unit_id", "bucket"]).aggregate(**aggs)
        plan[f"part:{len(plan)}"] = roll_up(per_unit, closure, list(aggs))
    for ind in INDICATORS:
        t = by_record_kind[source_of(ind)]
        if ind.kind == Kind.DISTINCT_SHARE:
            plan[f"part:{len(plan)}"] = distinct_counts(ind, t, closure)
        if ind.kind == Kind.MEDIAN:
            if median_buckets is not None:
                t = t.filter(t.bucket.isin(list(median_buckets)))
            n = len(plan)
            for g in range(median_groups):
                by_depth = (
                    closure if median_groups == 1 else closure.filter(closure.depth_group == g)
                )
                plan[f"part:{n}/{g}"] = medians(ind, t, by_depth)
    d = by_record_kind["disclosures"]
    plan["calendar"] = d.group_by("bucket").aggregate(uncovered=count_if(~d.calendar_covered))
    return plan


def _span_query(scope: CountScope, partitioned: bool) -> ir.Table:
    """The earliest and latest formed_on of the disclosures in scope (the calendar's years)."""
    t = disclosures_in_scope(record_table("disclosures", partitioned), scope)
    return t.aggregate(lo=t.formed_on.min(), hi=t.formed_on.max())


_STATEMENTS: dict[tuple[object, ...], dict[str, str]] = {}
_STATEMENTS_LOCK = threading.Lock()
_STATEMENTS_KEPT = 256
# the SQL of a computation's shape, with its placeholders (statuses.placeholders)
_SHAPES: dict[tuple[object, ...], dict[str, str]] = {}
_SHAPES_KEPT = 64


def _keep(
    kept: dict[tuple[object, ...], dict[str, str]],
    size: int,
    key: tuple[object, ...],
    value: dict[str, str],
) -> None:
    with _STATEMENTS_LOCK:
        while len(kept) >= size:
            kept.pop(next(iter(kept)))
        kept[key] = value


def compiled(
    dialect: str,
    key: tuple[object, ...],
    build: Callable[[], dict[str, ir.Table]],
    store: Path | None = None,
) -> dict[str, str]:
    """The SQL of the queries ``build`` makes, by name, in ``dialect``: kept by ``key``
    (the scope), and compiled once per shape. ``build`` runs with placeholders for the
    scope's dates, as-of and months; scopes whose placeholder expressions are equal (the
    same number of periods, the same settings) share their compiled SQL, into which
    each scope's values are written (Ibis compiles in about half a second, longer than
    a small computation runs; docs/DECISIONS.md, "SQL compiled once per shape").
    ``store``: a folder where each shape's SQL is also kept for the next process
    (:mod:`queries.engine.relational.kept_sql`)."""
    with _STATEMENTS_LOCK:
        found = _STATEMENTS.get((dialect, *key))
    if found is not None:
        return found
    with placeholders() as slots:
        plan = build()
    shape = (dialect, *((name, expr.op()) for name, expr in plan.items()))
    with _STATEMENTS_LOCK:
        template = _SHAPES.get(shape)
    if template is None:
        digest = shape_digest(plan, dialect) if store is not None else None
        if store is not None and digest is not None:
            template = read_kept(store, digest, list(plan))
        if template is None:
            template = {name: compile_sql(expr, dialect) for name, expr in plan.items()}
            if store is not None and digest is not None:
                write_kept(store, digest, template)
        _keep(_SHAPES, _SHAPES_KEPT, shape, template)
    written = {
        literal_sql(placeholder(n, type_), type_, dialect): literal_sql(value, type_, dialect)
        for n, (type_, value) in enumerate(slots)
    }
    made = fill_literals(template, written)
    if made is None:  # a placeholder the compiler wrote otherwise: compiled as it is
        made = {name: compile_sql(expr, dialect) for name, expr in build().items()}
    _keep(_STATEMENTS, _STATEMENTS_KEPT, (dialect, *key), made)
    return made


def _statements(
    dialect: str,
    scope: CountScope,
    median_buckets: Sequence[int] | None,
    partitioned: bool,
    store: Path | None = None,
) -> dict[str, str]:
    """The SQL of every query of a computation in ``dialect`` (:func:`compiled`)."""
    key = (
        scope.periods,
        scope.as_of,
        scope.settings.fingerprint(),
        None if median_buckets is None else tuple(median_buckets),
        partitioned,
    )
    groups = MEDIAN_GROUPS.get(dialect, 1)
    return compiled(
        dialect,
        key,
        lambda: {
            "span": _span_query(scope, partitioned),
            **_plan(scope, median_buckets, partitioned, groups),
        },
        store,
    )


def subtree_counts(
    src: Sources,
    periods: Sequence[Period],
    as_of: datetime,
    settings: Settings,
    median_buckets: Sequence[int] | None = None,
) -> EngineCounts:
    """Per (unit_id, bucket) over the unit's subtree, what each indicator's kind needs,
    computed by ``src``'s engine: one row per unit and bucket (bucket = index in
    ``periods``); counts Int64 with 0 for none, ``X__num`` Float64, ``X__median``
    Float64 (days), null for none.

    ``median_buckets``: the buckets that need the medians (all if None). Raises
    :class:`~queries.store.sources.EngineUnavailable` (one line naming the engine and
    the cause) when the engine cannot run a query.
    """
    scope = CountScope(tuple(periods), as_of, settings)
    units = src.units
    try:
        with src.open() as bound:
            sql = _statements(bound.dialect, scope, median_buckets, src.partitioned, src.sql_store)
            row = bound.run(sql["span"]).row(0)
            start, end = scope.span
            years = [start.year, end.year] + [d.year for d in row if d is not None]
            for name, frame in _small_tables(units, scope, (min(years), max(years))).items():
                bound.put(name, frame)
            ran: dict[str, list[pl.DataFrame]] = {}
            for name, q in sql.items():
                if name.startswith("part:"):
                    ran.setdefault(name.split("/")[0], []).append(bound.run(q))
            parts = [pl.concat(frames, how="vertical_relaxed") for frames in ran.values()]
            flags = bound.run(sql["calendar"])
    except EngineUnavailable:
        raise
    except Exception as exc:  # the engine failed or cannot be reached: never a partial table
        raise EngineUnavailable(f"the {src.name} engine failed: {first_line(exc)}") from exc
    covered = {i: True for i in range(len(periods))}
    for b, n in flags.iter_rows():
        covered[int(b)] = not n
    counts = numerators(_assemble(units, len(periods), parts), settings)
    return EngineCounts(counts, covered)


def _assemble(units: pl.DataFrame, n_buckets: int, parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Every (unit, bucket) with every count column, typed as subtree_counts types them."""
    out = pl.DataFrame(
        {"unit_id": sorted(units["unit_id"].to_list())}, schema={"unit_id": pl.String}
    )
    out = out.join(
        pl.DataFrame({"bucket": pl.Series(range(n_buckets), dtype=pl.Int32)}), how="cross"
    )
    for part in parts:
        part = part.with_columns(pl.col("bucket").cast(pl.Int32), pl.col("unit_id").cast(pl.String))
        out = out.join(part, on=["unit_id", "bucket"], how="left")
    count_cols = [c for ind in INDICATORS for c in count_columns(ind)]
    medians = [f"{i.code}__median" for i in INDICATORS if i.kind == Kind.MEDIAN]
    return out.with_columns(
        *(pl.col(c).fill_null(0).cast(pl.Int64) for c in count_cols),
        *(pl.col(c).cast(pl.Float64) for c in medians),
    )


# what the records behind a figure are keyed and ordered by
_ROW_KEYS = {
    "feedback": "case_id",
    "disclosures": "disclosure_id",
    "rectify": "item_id",
    "supervision_public": "item_id",
    "coverage": None,
}


def _rows_plan(scope: CountScope) -> dict[str, ir.Table]:
    """Every record of the scope with its statuses, every column (the records behind a
    figure): the same expressions as the counts, kept whole."""
    ds = record_table("disclosures")
    sv = record_table("supervision")
    plan = {
        "feedback": feedback_statuses(record_table("feedback"), scope, full=True),
        "disclosures": disclosure_statuses(ds, _small("openness_calendar"), scope, full=True),
        "rectify": rectify_statuses(sv, scope, full=True),
        "supervision_public": supervision_public_statuses(sv, scope, full=True),
        "coverage": coverage_statuses(
            ds, _small("openness_mandatory"), _small("openness_buckets"), scope
        ),
    }
    out = {}
    for name, t in plan.items():
        key = _ROW_KEYS[name]
        out[name] = t.order_by([key] if key else ["unit_id", "bucket", "category"])
    return out


def classify_records(
    src: Sources, periods: Sequence[Period], as_of: datetime, settings: Settings
) -> dict[str, pl.DataFrame]:
    """Every record of the periods (bucket = index) with its status per indicator, as
    rows: ``feedback``, ``disclosures``, ``rectify``, ``supervision_public`` (their
    record columns as known at the as-of, statuses as text, ``close_days``,
    ``response_limit``, ``due``, ``workdays``, ``calendar_covered``) and ``coverage``
    (unit_id, bucket, category, covered_by, O_COVERAGE), ordered by key. For the records
    behind a figure: ``src`` holds the records' rows (frames in memory).
    """
    scope = CountScope(tuple(periods), as_of, settings)
    key = ("rows", scope.periods, scope.as_of, settings.fingerprint())
    try:
        with src.open() as bound:
            sql = compiled(
                bound.dialect,
                key,
                lambda: {"span": _span_query(scope, False), **_rows_plan(scope)},
                src.sql_store,
            )
            row = bound.run(sql["span"]).row(0)
            start, end = scope.span
            years = [start.year, end.year] + [d.year for d in row if d is not None]
            for name, frame in _small_tables(src.units, scope, (min(years), max(years))).items():
                bound.put(name, frame)
            return {n: bound.run(q) for n, q in sql.items() if n != "span"}
    except EngineUnavailable:
        raise
    except Exception as exc:
        raise EngineUnavailable(f"the {src.name} engine failed: {first_line(exc)}") from exc
