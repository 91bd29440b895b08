"""Each record's status per indicator at an as-of, as Ibis expressions over the record
tables (methodology.md; the same rules as :mod:`queries.engine.classify`, which lists the
records behind a figure). Periods become buckets (the index of the period a record's
anchor falls in); a lake's tables are read only in the months a scope needs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import ibis
import ibis.expr.types as ir

from queries.engine.statuses import DEPTH_GROUPS
from queries.model.periods import Period
from queries.model.records import KINDS, FieldType
from queries.model.settings import Settings
from queries.model.workdays import calendar_years


@dataclass(frozen=True)
class CountScope:
    """Non-overlapping periods (bucket = index), the as-of and the settings."""

    periods: tuple[Period, ...]
    as_of: datetime
    settings: Settings

    @property
    def span(self) -> tuple[date, date]:
        return min(p.start for p in self.periods), max(p.end for p in self.periods)


# A scope's dates, its as-of and the months it reads are the only values of a
# computation's SQL that change from one scope to another. While a list is set here,
# each is written as a placeholder of its own (the n-th value asked for, whatever it
# is) and the value is kept in the list, so that scopes of one shape (the same number
# of periods, the same settings) build the same expression, compiled once
# (plan._statements; docs/DECISIONS.md, "SQL compiled once per shape").
_slots: ContextVar[list[tuple[str, object]] | None] = ContextVar("slots", default=None)
PLACEHOLDER_YEAR = 1000  # placeholders are dates from this year on; records are later


@contextmanager
def placeholders() -> Iterator[list[tuple[str, object]]]:
    """Within it, :func:`_ts`, :func:`_day` and :func:`_month` write placeholders and
    record ``(type, value)`` in the list yielded, in the order they were asked for."""
    slots: list[tuple[str, object]] = []
    token = _slots.set(slots)
    try:
        yield slots
    finally:
        _slots.reset(token)


def placeholder(n: int, type_: str) -> object:
    """The n-th placeholder of ``type_`` (``timestamp``, ``date`` or ``string``): a
    value no record or scope has, written distinctly by every engine."""
    if type_ == "timestamp":
        return datetime(PLACEHOLDER_YEAR + n, 1, 1)
    if type_ == "date":
        return date(PLACEHOLDER_YEAR + n, 1, 1)
    return f"~openness slot {n}~"


def _literal(value: object, type_: str) -> ir.Value:
    slots = _slots.get()
    if slots is None:
        return ibis.literal(value, type=type_)
    slots.append((type_, value))
    return ibis.literal(placeholder(len(slots) - 1, type_), type=type_)


def _ts(value: datetime) -> ir.Value:
    return _literal(value, "timestamp")


def _day(value: date) -> ir.Value:
    return _literal(value, "date")


def _month(value: date) -> ir.Value:
    """The lake's partition value (``YYYY-MM``) of the month of ``value``."""
    return _literal(value.strftime("%Y-%m"), "string")


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
    cond = t.month <= _month(last)
    if first is not None:
        cond = cond & (t.month >= _month(first))
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


def _out(t: ir.Table, full: bool, keep: Sequence[str], **columns: ir.Value) -> ir.Table:
    """The statuses beside ``keep`` (what counting needs), or (``full``) beside every
    column of the records as known at the as-of (what the records behind a figure show)."""
    if full:
        return t.mutate(**columns)
    return t.select(*keep, **columns)


def feedback_statuses(fb: ir.Table, scope: CountScope, full: bool = False) -> ir.Table:
    """Feedback received in the periods by as-of: unit_id, bucket, a status column per
    feedback indicator, ``close_days`` (days, fractional); ``full``: every column too,
    with ``response_limit`` and ``due``."""
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
    return _out(
        t,
        full,
        ["unit_id", "bucket"],
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


def disclosure_statuses(
    ds: ir.Table, calendar: ir.Table, scope: CountScope, full: bool = False
) -> ir.Table:
    """unit_id, bucket, O_TIMELY, O_DEPTH, O_CHANNELS, channel, calendar_covered;
    ``full``: every column too (withdrawn_on as known at the as-of) and ``workdays``.

    Working days between formed_on and published_on: the calendar's running number at
    published_on minus the one at formed_on (at least 0), days d with formed < d <= published.
    """
    s = scope.settings
    t = disclosures_in_scope(ds, scope)
    t = t.mutate(withdrawn_on=_known_by(t.withdrawn_on, _day(scope.as_of.date())))
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
    out = _out(
        t,
        full,
        ["unit_id", "bucket", "channel"],
        O_TIMELY=_status(
            (t.formed_on.isnull(), "no_formed_on"),
            (workdays <= s.disclosure_deadline_workdays, "on_time"),
            default="late",
        ),
        O_DEPTH=depth,
        O_CHANNELS=ibis.literal("published"),
        calendar_covered=covered,
        **({"workdays": workdays.cast("int32")} if full else {}),
    )
    if full:
        out = out.drop("n_formed", "formed_next", "n_published", "published_year")
    return out


def rectify_statuses(sv: ir.Table, scope: CountScope, full: bool = False) -> ir.Table:
    """Supervision items opened in the periods by as-of: unit_id, bucket, R_RECTIFY
    (``full``: every column too, as known at the as-of)."""
    start, end = scope.span
    a = _day(scope.as_of.date())
    sv = _in_months(sv, start, min(end, scope.as_of.date()))
    t = sv.filter(sv.opened_on >= _day(start), sv.opened_on <= _day(end), sv.opened_on <= a)
    t = t.mutate(
        bucket=_bucket_of_date(t.opened_on, scope.periods),
        rectified_on=_known_by(t.rectified_on, a),
        result_published_on=_known_by(t.result_published_on, a),
    ).filter(lambda r: r.bucket.notnull())
    due, done = t.rectify_due_on, t.rectified_on
    # dates are instants at 00:00: a deadline is passed once due 00:00 < as-of
    return _out(
        t,
        full,
        ["unit_id", "bucket"],
        R_RECTIFY=_status(
            (due.isnull(), "no_due_date"),
            (done.notnull() & (done <= due), "on_time"),
            (done.notnull(), "late"),
            (due.cast("timestamp") < _ts(scope.as_of), "late"),
            default="pending",
        ),
    )


def supervision_public_statuses(sv: ir.Table, scope: CountScope, full: bool = False) -> ir.Table:
    """Supervision items rectified in the periods (by as-of): unit_id, bucket,
    O_SUPERVISION_PUBLIC (``full``: every column too, as known at the as-of)."""
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
    return _out(
        t,
        full,
        ["unit_id", "bucket"],
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
    (unit_id, category); ``buckets``: (bucket, p_start, p_end). Columns: unit_id,
    bucket, category, covered_by (the smallest live disclosure id), O_COVERAGE.
    """
    a = _day(scope.as_of.date())
    _start, end = scope.span
    ds = _in_months(ds, None, min(end, scope.as_of.date()))
    t = ds.filter(ds.published_on <= a, ds.published_on <= _day(end))
    t = t.mutate(withdrawn_on=_known_by(t.withdrawn_on, a))
    t = t.select("disclosure_id", "unit_id", "category", "published_on", "withdrawn_on")
    j = t.join(
        buckets,
        (t.published_on <= buckets.p_end)
        & (t.withdrawn_on.isnull() | (t.withdrawn_on >= buckets.p_start)),
    )
    live = j.group_by([j.unit_id, j.category, j.bucket]).aggregate(covered_by=j.disclosure_id.min())
    grid = mandatory.cross_join(buckets.select("bucket"))
    out = grid.left_join(live, ["unit_id", "category", "bucket"])
    return out.select(
        unit_id=grid.unit_id,
        bucket=grid.bucket,
        category=grid.category,
        covered_by=out.covered_by,
        O_COVERAGE=_status((out.covered_by.notnull(), "covered"), default="not_covered"),
    )


_IBIS_TYPES = {
    FieldType.TEXT: "string",
    FieldType.ENUM: "string",
    FieldType.DATE: "date",
    FieldType.DATETIME: "timestamp",
    FieldType.BOOL: "boolean",
}


def record_table(name: str, partitioned: bool = False) -> ir.Table:
    """The unbound Ibis table of record kind ``name``: its columns, and for a lake's
    (``partitioned``) ``month`` and not the personal and free-text columns (a lake has
    none; no count reads them)."""
    fields = [f for f in KINDS[name].fields if not (partitioned and f.free_text)]
    schema = {f.name: _IBIS_TYPES[f.type] for f in fields}
    if partitioned:
        schema["month"] = "string"
    return ibis.table(schema, name=name)
