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

import importlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import ibis
import ibis.expr.types as ir
import polars as pl

from queries.engine.kinds import balance_groups, count_columns
from queries.engine.statuses import DEPTH_GROUPS, STATUS_RULES
from queries.model.catalogue import INDICATORS
from queries.model.indicator import Indicator, Kind
from queries.model.periods import Period
from queries.model.records import KINDS, FieldType
from queries.model.settings import Settings
from queries.model.tree import Tree
from queries.model.workdays import WorkdayCalendar, calendar_frame, calendar_years
from queries.store.sources import Sources


@dataclass(frozen=True)
class CountScope:
    """Non-overlapping periods (bucket = index), the as-of and the settings."""

    periods: tuple[Period, ...]
    as_of: datetime
    settings: Settings

    @property
    def span(self) -> tuple[date, date]:
        return min(p.start for p in self.periods), max(p.end for p in self.periods)


def _ts(value: datetime) -> ir.Value:
    return ibis.literal(value, type="timestamp")


def _day(value: date) -> ir.Value:
    return ibis.literal(value, type="date")


def _bucket_of_timestamp(col: ir.Value, periods: Sequence[Period]) -> ir.Value:
    """Index of the period a timestamp falls in (start 00:00 <= t < end+1 00:00), null if none."""
    return ibis.cases(
        *[((col >= _ts(p.start_at)) & (col < _ts(p.end_at)), i) for i, p in enumerate(periods)],
        else_=ibis.null("int32"),
    ).cast("int32")


def _bucket_of_date(col: ir.Value, periods: Sequence[Period]) -> ir.Value:
    """Index of the period a date falls in (start <= d <= end), null if none."""
    return ibis.cases(
        *[((col >= _day(p.start)) & (col <= _day(p.end)), i) for i, p in enumerate(periods)],
        else_=ibis.null("int32"),
    ).cast("int32")


def _in_months(t: ir.Table, first: date | None, last: date) -> ir.Table:
    """A lake's table read only in the partitions (months) from ``first`` to ``last``:
    a filter on the partition column, which the engine answers from the folder names
    (the filters on the dates themselves still decide which records count)."""
    if "month" not in t.columns:
        return t
    cond = t.month <= last.strftime("%Y-%m")
    if first is not None:
        cond = cond & (t.month >= first.strftime("%Y-%m"))
    return t.filter(cond)


def _known_by(col: ir.Value, limit: ir.Value) -> ir.Value:
    """``col`` if it is on or before ``limit`` (as-of), else null (methodology: later = empty)."""
    return (col <= limit).ifelse(col, ibis.null(col.type()))


def _status(*branches: tuple[ir.Value, str], default: str) -> ir.Value:
    return ibis.cases(*branches, else_=default)


def _timing(done: ir.Value, limit: ir.Value, as_of: ir.Value) -> ir.Value:
    """on_time / late / pending (methodology: a limit equal to as-of is still pending)."""
    return _status(
        (done.notnull() & (done <= limit), "on_time"),
        (done.notnull(), "late"),
        (limit < as_of, "late"),
        default="pending",
    )


def feedback_statuses(fb: ir.Table, scope: CountScope) -> ir.Table:
    """Feedback received in the periods by as-of: unit_id, bucket, a status column per
    feedback indicator, ``close_days`` (days, fractional) and ``channel``-free fields."""
    s = scope.settings
    start, end = scope.span
    as_of = _ts(scope.as_of)
    fb = _in_months(fb, start, min(end, scope.as_of.date()))
    t = fb.filter(
        fb.received_at >= _ts(datetime.combine(start, datetime.min.time())),
        fb.received_at < _ts(datetime.combine(end + timedelta(days=1), datetime.min.time())),
        fb.received_at <= as_of,
    )
    t = t.mutate(
        bucket=_bucket_of_timestamp(t.received_at, scope.periods),
        first_response_at=_known_by(t.first_response_at, as_of),
        closed_at=_known_by(t.closed_at, as_of),
        return_visit_at=_known_by(t.return_visit_at, as_of),
    ).filter(lambda r: r.bucket.notnull())
    visited = t.return_visit_at.notnull()
    due_default = ibis.cases(
        *[
            (t.kind == k, t.received_at + ibis.interval(microseconds=round(v * 86_400_000_000)))
            for k, v in s.due_days.items()
        ],
        else_=ibis.null("timestamp"),
    )
    t = t.mutate(
        resolved=visited.ifelse(t.resolved, ibis.null("boolean")),
        satisfaction=visited.ifelse(t.satisfaction, ibis.null("string")),
        response_limit=t.received_at
        + ibis.interval(microseconds=round(s.response_hours * 3_600_000_000)),
        due=ibis.coalesce(t.due_at, due_default),
    )
    closed = t.closed_at.notnull()
    visited = t.return_visit_at.notnull()
    outcome, satisfaction = t.outcome, t.satisfaction
    return t.select(
        unit_id=t.unit_id,
        bucket=t.bucket,
        R_RESPONSE=_timing(t.first_response_at, t.response_limit, as_of),
        R_ONTIME=_timing(t.closed_at, t.due, as_of),
        R_REPLY=_status(
            (~closed, "open"),
            (t.reasoned_reply.fill_null(False), "reasoned"),
            default="not_reasoned",
        ),
        R_ADOPTION=_status(
            (~t.kind.isin(["suggestion", "opinion"]), "not_suggestion"),
            (~closed, "open"),
            (outcome == "adopted", "adopted"),
            (outcome == "partly_adopted", "partly_adopted"),
            (outcome == "not_adopted", "not_adopted"),
            default="no_adoption_outcome",
        ),
        R_CLOSE_DAYS=_status((closed, "closed"), default="open"),
        close_days=(
            t.closed_at.epoch_seconds().cast("int64") - t.received_at.epoch_seconds().cast("int64")
        ).cast("float64")
        / 86_400,
        S_SATISFACTION=_status(
            (~visited, "no_return_visit"),
            (satisfaction == "satisfied", "satisfied"),
            (satisfaction == "basically_satisfied", "basically_satisfied"),
            (satisfaction == "dissatisfied", "dissatisfied"),
            default="not_rated",
        ),
        S_RESOLVED=_status(
            (~visited, "no_return_visit"),
            (t.resolved.isnull(), "not_answered"),
            (t.resolved, "resolved"),
            default="not_resolved",
        ),
        S_RETURN_VISIT=_status((~closed, "open"), (visited, "visited"), default="not_visited"),
        S_REPEAT=_status((t.repeat_of.notnull(), "repeat"), default="not_repeat"),
    )


def disclosures_in_scope(ds: ir.Table, scope: CountScope) -> ir.Table:
    """Disclosures published in the periods by as-of, with their bucket."""
    start, end = scope.span
    a = min(scope.as_of.date(), end)
    ds = _in_months(ds, start, a)
    t = ds.filter(ds.published_on >= _day(start), ds.published_on <= _day(a))
    t = t.mutate(bucket=_bucket_of_date(t.published_on, scope.periods))
    return t.filter(t.bucket.notnull())


def disclosure_statuses(ds: ir.Table, calendar: ir.Table, scope: CountScope) -> ir.Table:
    """unit_id, bucket, O_TIMELY, O_DEPTH, O_CHANNELS, channel, calendar_covered.

    Working days between formed_on and published_on: the calendar's running number at
    published_on minus the one at formed_on (at least 0), days d with formed < d <= published.
    """
    s = scope.settings
    t = disclosures_in_scope(ds, scope)
    at_formed = calendar.select(
        formed_on=calendar.date, n_formed=calendar.workday_number, formed_next=calendar.next_day
    )
    at_published = calendar.select(
        published_on=calendar.date,
        n_published=calendar.workday_number,
        published_year=calendar.year,
    )
    t = t.left_join(at_formed, "formed_on").left_join(at_published, "published_on")
    workdays = ibis.greatest(t.n_published - t.n_formed, 0)
    c_lo, c_hi = calendar_years()
    covered = (
        t.formed_on.isnull()
        | (t.published_on <= t.formed_on)
        | ((t.formed_next >= c_lo) & (t.published_year <= c_hi))
    )
    depth = ibis.cases(
        *[(t.category == c, g) for c, g in DEPTH_GROUPS.items()],
        else_="other",
    )
    return t.select(
        unit_id=t.unit_id,
        bucket=t.bucket,
        channel=t.channel,
        O_TIMELY=_status(
            (t.formed_on.isnull(), "no_formed_on"),
            (workdays <= s.disclosure_deadline_workdays, "on_time"),
            default="late",
        ),
        O_DEPTH=depth,
        O_CHANNELS=ibis.literal("published"),
        calendar_covered=covered,
    )


def rectify_statuses(sv: ir.Table, scope: CountScope) -> ir.Table:
    """Supervision items opened in the periods by as-of: unit_id, bucket, R_RECTIFY."""
    start, end = scope.span
    a = _day(scope.as_of.date())
    sv = _in_months(sv, start, min(end, scope.as_of.date()))
    t = sv.filter(sv.opened_on >= _day(start), sv.opened_on <= _day(end), sv.opened_on <= a)
    t = t.mutate(
        bucket=_bucket_of_date(t.opened_on, scope.periods),
        rectified_on=_known_by(t.rectified_on, a),
    ).filter(lambda r: r.bucket.notnull())
    due, done = t.rectify_due_on, t.rectified_on
    # dates are instants at 00:00: a deadline is passed once due 00:00 < as-of
    return t.select(
        unit_id=t.unit_id,
        bucket=t.bucket,
        R_RECTIFY=_status(
            (due.isnull(), "no_due_date"),
            (done.notnull() & (done <= due), "on_time"),
            (done.notnull(), "late"),
            (due.cast("timestamp") < _ts(scope.as_of), "late"),
            default="pending",
        ),
    )


def supervision_public_statuses(sv: ir.Table, scope: CountScope) -> ir.Table:
    """Supervision items rectified in the periods (by as-of): unit_id, bucket,
    O_SUPERVISION_PUBLIC."""
    start, end = scope.span
    a = _day(scope.as_of.date())
    sv = _in_months(sv, None, scope.as_of.date())
    t = sv.filter(sv.opened_on <= a)
    t = t.mutate(
        rectified_on=_known_by(t.rectified_on, a),
        result_published_on=_known_by(t.result_published_on, a),
    )
    t = t.filter(t.rectified_on >= _day(start), t.rectified_on <= _day(end))
    t = t.mutate(bucket=_bucket_of_date(t.rectified_on, scope.periods)).filter(
        lambda r: r.bucket.notnull()
    )
    return t.select(
        unit_id=t.unit_id,
        bucket=t.bucket,
        O_SUPERVISION_PUBLIC=_status(
            (t.result_published_on.notnull(), "published"), default="not_published"
        ),
    )


def coverage_statuses(
    ds: ir.Table, mandatory: ir.Table, buckets: ir.Table, scope: CountScope
) -> ir.Table:
    """Each unit's own mandatory categories per period, covered or not (O_COVERAGE).

    A disclosure is live during a period when published before its end and not
    withdrawn before its start (a withdrawal after as-of is ignored). ``mandatory``:
    (unit_id, category); ``buckets``: (bucket, p_start, p_end).
    """
    a = _day(scope.as_of.date())
    _start, end = scope.span
    ds = _in_months(ds, None, min(end, scope.as_of.date()))
    t = ds.filter(ds.published_on <= a, ds.published_on <= _day(end))
    t = t.mutate(withdrawn_on=_known_by(t.withdrawn_on, a))
    t = t.select("unit_id", "category", "published_on", "withdrawn_on")
    live = (
        t.join(
            buckets,
            (t.published_on <= buckets.p_end)
            & (t.withdrawn_on.isnull() | (t.withdrawn_on >= buckets.p_start)),
        )
        .select("unit_id", "category", "bucket")
        .distinct()
        .mutate(live=ibis.literal(True))
    )
    grid = mandatory.cross_join(buckets.select("bucket"))
    out = grid.left_join(live, ["unit_id", "category", "bucket"])
    return out.select(
        unit_id=grid.unit_id,
        bucket=grid.bucket,
        O_COVERAGE=_status((out.live.notnull(), "covered"), default="not_covered"),
    )


def _weights(code: str, settings: Settings) -> tuple[dict[str, float], list[str]]:
    w = settings.basically_satisfied_weight
    rules = STATUS_RULES[code]
    nums = {s: float(w if n == "w" else n) for s, (n, _d) in rules.items()}
    return {s: v for s, v in nums.items() if v}, [s for s, (_n, d) in rules.items() if d]


def _count_if(cond: ir.Value) -> ir.Value:
    """How many rows of the group meet ``cond`` (Int64; a boolean is not summed, as
    PostgreSQL cannot cast it to a number)."""
    return cond.ifelse(ibis.literal(1, "int64"), ibis.literal(0, "int64")).sum()


def _weighted(code: str) -> str:
    return f"{code}__with_"


def _sums(ind: Indicator, t: ir.Table, settings: Settings) -> dict[str, ir.Value]:
    """Per group of records, whole numbers only: X__den, X__with_<status> for each status
    that adds to the numerator (its weight is applied to the aggregate, the same float
    operations whatever the engine: :func:`_numerators`) and (balance) X__<group>."""
    col = t[ind.code]
    nums, dens = _weights(ind.code, settings)
    out: dict[str, ir.Value] = {f"{ind.code}__den": _count_if(col.isin(dens))}
    for status in nums:
        out[f"{_weighted(ind.code)}{status}"] = _count_if(col == status)
    if ind.kind == Kind.BALANCE:
        for g in balance_groups(ind):
            out[f"{ind.code}__{g}"] = _count_if(col == g)
    return out


def _numerators(counts: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    """X__num = the sum over X's statuses of weight x records, from the aggregates."""
    exprs = []
    drop = []
    for ind in INDICATORS:
        if ind.kind == Kind.MEDIAN:
            continue
        nums, _dens = _weights(ind.code, settings)
        num = pl.lit(0.0, pl.Float64)
        for status, w in nums.items():
            column = f"{_weighted(ind.code)}{status}"
            num = num + w * pl.col(column).fill_null(0).cast(pl.Float64)
            drop.append(column)
        exprs.append(num.alias(f"{ind.code}__num"))
    return counts.with_columns(exprs).drop(drop)


def _distinct(ind: Indicator, t: ir.Table, closure: ir.Table) -> ir.Table:
    """(unit_id, bucket, X__distinct): distinct non-null values of the indicator's column
    among each subtree's records."""
    column = str(ind.distinct_column)
    j = t.select("unit_id", "bucket", column).join(closure, "unit_id")
    return (
        j.group_by([j.ancestor, j.bucket])
        .aggregate(**{f"{ind.code}__distinct": j[column].nunique()})
        .rename(unit_id="ancestor")
    )


def _median(ind: Indicator, t: ir.Table, closure: ir.Table) -> ir.Table:
    """(unit_id, bucket, X__median, X__n): the exact median of the indicator's column over
    each subtree's records with its status.

    The middle value, or the mean of the two middle values, (a + b) / 2: picked by row
    number so that every engine does the same two operations (engines' own medians
    interpolate as a + (b - a) / 2 or use approximations, which differ in the last bit).
    """
    column, code = str(ind.median_column), ind.code
    counted = t.filter(t[code] == str(ind.median_status), t[column].notnull())
    j = counted.select("unit_id", "bucket", column).join(closure, "unit_id")
    group = [j.ancestor, j.bucket]
    ranked = j.mutate(
        rn=ibis.row_number().over(group_by=group, order_by=j[column]),
        n=j.count().over(group_by=group),
    )
    middle = ranked.filter((ranked.rn == (ranked.n - 1) // 2) | (ranked.rn == ranked.n // 2))
    return (
        middle.group_by([middle.ancestor, middle.bucket])
        .aggregate(
            **{
                f"{code}__median": middle[column].sum() / middle.count().cast("float64"),
                f"{code}__n": middle.n.max().cast("int64"),
            }
        )
        .rename(unit_id="ancestor")
    )


def _roll_up(per_unit: ir.Table, closure: ir.Table, cols: Sequence[str]) -> ir.Table:
    j = per_unit.join(closure, "unit_id")
    return (
        j.group_by([j.ancestor, j.bucket])
        .aggregate(**{c: j[c].sum() for c in cols})
        .rename(unit_id="ancestor")
    )


@dataclass(frozen=True)
class EngineCounts:
    """What the engine returns for a set of periods."""

    counts: pl.DataFrame  # subtree counts per (unit_id, bucket), as subtree_counts
    calendar_covered: dict[int, bool]  # per bucket: every counted day on the official calendar


# the record tables and the small tables every computation registers, unbound: the SQL
# is compiled for a dialect without a connection, and kept (_STATEMENTS)
_IBIS_TYPES = {
    FieldType.TEXT: "string",
    FieldType.ENUM: "string",
    FieldType.DATE: "date",
    FieldType.DATETIME: "timestamp",
    FieldType.BOOL: "boolean",
}


def record_table(name: str, partitioned: bool = False) -> ir.Table:
    """The unbound Ibis table of record kind ``name``: its columns but the personal and
    free-text ones (no count reads them, and a lake has none); a lake's also has
    ``month``."""
    schema = {f.name: _IBIS_TYPES[f.type] for f in KINDS[name].fields if not f.free_text}
    if partitioned:
        schema["month"] = "string"
    return ibis.table(schema, name=name)


SMALL_TABLES: dict[str, dict[str, str]] = {
    "openness_closure": {"ancestor": "string", "unit_id": "string"},
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
    scope: CountScope, median_buckets: Sequence[int] | None, partitioned: bool
) -> dict[str, ir.Table]:
    """Every query of a computation, by name: ``part:<n>`` (aggregates to join on
    unit_id, bucket) and ``calendar`` (per bucket, the disclosures counted off the
    official calendar)."""
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
            aggs.update(_sums(ind, t, settings))
        per_unit = t.group_by(["unit_id", "bucket"]).aggregate(**aggs)
        plan[f"part:{len(plan)}"] = _roll_up(per_unit, closure, list(aggs))
    for ind in INDICATORS:
        t = by_record_kind[source_of(ind)]
        if ind.kind == Kind.DISTINCT_SHARE:
            plan[f"part:{len(plan)}"] = _distinct(ind, t, closure)
        if ind.kind == Kind.MEDIAN:
            if median_buckets is not None:
                t = t.filter(t.bucket.isin(list(median_buckets)))
            plan[f"part:{len(plan)}"] = _median(ind, t, closure)
    d = by_record_kind["disclosures"]
    plan["calendar"] = d.group_by("bucket").aggregate(uncovered=_count_if(~d.calendar_covered))
    return plan


def _span_query(scope: CountScope, partitioned: bool) -> ir.Table:
    """The earliest and latest formed_on of the disclosures in scope (the calendar's years)."""
    t = disclosures_in_scope(record_table("disclosures", partitioned), scope)
    return t.aggregate(lo=t.formed_on.min(), hi=t.formed_on.max())


_STATEMENTS: dict[tuple[object, ...], dict[str, str]] = {}
_STATEMENTS_LOCK = threading.Lock()
_STATEMENTS_KEPT = 256


def _statements(
    dialect: str, scope: CountScope, median_buckets: Sequence[int] | None, partitioned: bool
) -> dict[str, str]:
    """The SQL of every query of a computation in ``dialect``, compiled once per scope
    (building and compiling the expressions costs more than running them on small data)."""
    key = (
        dialect,
        scope.periods,
        scope.as_of,
        scope.settings.fingerprint(),
        None if median_buckets is None else tuple(median_buckets),
        partitioned,
    )
    with _STATEMENTS_LOCK:
        found = _STATEMENTS.get(key)
    if found is not None:
        return found
    if dialect == "pyspark":
        # the pyspark compiler reads its backend's options, registered by the backend
        importlib.import_module("ibis.backends.pyspark").Backend.register_options()
    plan = {"span": _span_query(scope, partitioned), **_plan(scope, median_buckets, partitioned)}
    made = {name: str(ibis.to_sql(expr, dialect=dialect)) for name, expr in plan.items()}
    with _STATEMENTS_LOCK:
        while len(_STATEMENTS) >= _STATEMENTS_KEPT:
            _STATEMENTS.pop(next(iter(_STATEMENTS)))
        _STATEMENTS[key] = made
    return made


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

    ``median_buckets``: the buckets that need the medians (all if None). Raises what the
    engine raises when it cannot run a query (the caller names the engine).
    """
    scope = CountScope(tuple(periods), as_of, settings)
    units = src.units
    with src.open() as bound:
        sql = _statements(bound.dialect, scope, median_buckets, src.partitioned)
        row = bound.run(sql["span"]).row(0)
        start, end = scope.span
        years = [start.year, end.year] + [d.year for d in row if d is not None]
        for name, frame in _small_tables(units, scope, (min(years), max(years))).items():
            bound.put(name, frame)
        parts = [bound.run(q) for name, q in sql.items() if name.startswith("part:")]
        flags = bound.run(sql["calendar"])
    covered = {i: True for i in range(len(periods))}
    for b, n in flags.iter_rows():
        covered[int(b)] = not n
    counts = _numerators(_assemble(units, len(periods), parts), settings)
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


__all__ = ["SMALL_TABLES", "CountScope", "EngineCounts", "record_table", "subtree_counts"]
