"""Per-record classification: the one place that decides how each record counts.

For every indicator, each record of its population gets a ``status`` (e.g.
``on_time`` / ``late`` / ``pending``); :data:`STATUS_RULES` says what a
status adds to the numerator and the denominator. The indicator table sums
these; the drill-down lists them. Both call the functions of this module, so
they cannot disagree.

As-of (methodology): a record anchored after as-of does not exist; a later
``first_response_at``, ``closed_at``, ``return_visit_at``, ``withdrawn_on``,
``rectified_on`` or ``result_published_on`` is treated as empty, and a
return visit treated as empty takes ``resolved`` and ``satisfaction`` with it.
Dates are instants at 00:00, so a date d is after as-of when d > as_of.date().

The status vocabulary and its counting rules live in :mod:`queries.engine.statuses`
(re-exported here).

Records are assigned to *buckets*: the index of the (non-overlapping)
period their anchor falls in, so that one pass serves a table and its
previous period, or a monthly series.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl

from queries.engine.statuses import (
    DEPTH_GROUPS,
    DISCLOSURE_CODES,
    FEEDBACK_CODES,
    STATUS_DTYPES,
    STATUS_LABELS,
    STATUS_RULES,
    num_den_exprs,
    num_den_sums,
    st,
    status_label,
)
from queries.model.periods import Period
from queries.model.settings import Settings
from queries.model.workdays import WorkdayCalendar, calendar_years
from queries.store.schemas import Frames


@dataclass(frozen=True)
class Scope:
    """What a classification covers: non-overlapping periods, as-of, settings."""

    periods: tuple[Period, ...]
    as_of: datetime
    settings: Settings
    # lean: keep only what counting needs, with units as integer ``uid`` (the index of
    # unit_id in ``unit_ids``) instead of ``unit_id``; the statuses are the same
    lean: bool = False
    unit_ids: tuple[str, ...] = ()

    def finish(self, lf: pl.LazyFrame, keep: Sequence[str]) -> pl.DataFrame:
        """Collect ``lf``: everything, or (lean) uid, bucket and ``keep``."""
        if not self.lean:
            return lf.collect()
        uid = (
            pl.col("unit_id")
            .cast(pl.Enum(self.unit_ids), strict=False)
            .to_physical()
            .cast(pl.UInt32)
        )
        return (
            lf.select(uid.alias("uid"), "bucket", *keep)
            .filter(pl.col("uid").is_not_null())
            .collect()
        )

    def __post_init__(self) -> None:
        ps = sorted(self.periods, key=lambda p: p.start)
        for a, b in itertools.pairwise(ps):
            if b.start <= a.end:
                raise ValueError(f"periods overlap: {a} and {b}")

    @property
    def as_of_date(self) -> date:
        return self.as_of.date()

    def _bucket(self, conds: list[pl.Expr]) -> pl.Expr:
        expr: pl.Expr = pl.lit(None, pl.Int32)
        # reversed, so that the first matching period wins (they do not overlap anyway)
        for i, cond in reversed(list(enumerate(conds))):
            expr = pl.when(cond).then(pl.lit(i, pl.Int32)).otherwise(expr)
        return expr.alias("bucket")

    def bucket_of_date(self, col: str) -> pl.Expr:
        """Index of the period a Date column falls in, null if none."""
        c = pl.col(col)
        return self._bucket([c.is_between(p.start, p.end, closed="both") for p in self.periods])

    def bucket_of_datetime(self, col: str) -> pl.Expr:
        """Index of the period a Datetime column falls in: start 00:00 <= t < end 00:00."""
        c = pl.col(col)
        return self._bucket([(c >= p.start_at) & (c < p.end_at) for p in self.periods])

    @property
    def span(self) -> tuple[date, date]:
        return min(p.start for p in self.periods), max(p.end for p in self.periods)


def _mask_date(col: str, as_of: date) -> pl.Expr:
    return pl.when(pl.col(col) <= as_of).then(pl.col(col)).otherwise(None).alias(col)


def _mask_datetime(col: str, as_of: datetime) -> pl.Expr:
    return pl.when(pl.col(col) <= as_of).then(pl.col(col)).otherwise(None).alias(col)


def _timing_status(code: str, done: pl.Expr, limit: pl.Expr, as_of: pl.Expr) -> pl.Expr:
    """on_time / late / pending (methodology: limit == as-of is still pending)."""
    return (
        pl.when(done.is_not_null() & (done <= limit))
        .then(st(code, "on_time"))
        .when(done.is_not_null())
        .then(st(code, "late"))
        .when(limit < as_of)
        .then(st(code, "late"))
        .otherwise(st(code, "pending"))
    )


def classify_feedback(frames: Frames, scope: Scope) -> pl.DataFrame:
    """Feedback received in the scope's periods (and by as-of), one status column per code."""
    s = scope.settings
    as_of = scope.as_of
    start, end = scope.span
    fb = frames.feedback.lazy().filter(
        (pl.col("received_at") >= datetime(start.year, start.month, start.day))
        & (pl.col("received_at") < datetime.combine(end + timedelta(days=1), datetime.min.time()))
        & (pl.col("received_at") <= as_of)
    )
    due_default = pl.col("kind").replace_strict(
        {k: float(v) for k, v in s.due_days.items()}, default=None, return_dtype=pl.Float64
    )
    due_micro = (due_default * 86_400_000_000).round(0).cast(pl.Int64)
    visit_gone = pl.col("return_visit_at").is_null()
    fb = (
        fb.with_columns(
            scope.bucket_of_datetime("received_at"),
            _mask_datetime("first_response_at", as_of),
            _mask_datetime("closed_at", as_of),
            _mask_datetime("return_visit_at", as_of),
        )
        .filter(pl.col("bucket").is_not_null())
        .with_columns(
            pl.when(visit_gone).then(None).otherwise(pl.col("resolved")).alias("resolved"),
            pl.when(visit_gone).then(None).otherwise(pl.col("satisfaction")).alias("satisfaction"),
            (
                pl.col("received_at")
                + pl.duration(microseconds=int(s.response_hours * 3_600_000_000))
            ).alias("response_limit"),
            pl.coalesce(
                pl.col("due_at"),
                pl.col("received_at") + pl.duration(microseconds=due_micro),
            ).alias("due"),
        )
    )
    closed = pl.col("closed_at").is_not_null()
    visited = pl.col("return_visit_at").is_not_null()
    as_of_lit = pl.lit(as_of, dtype=pl.Datetime("us"))
    outcome = pl.col("outcome")
    satisfaction = pl.col("satisfaction")
    fb = fb.with_columns(
        _timing_status(
            "R_RESPONSE", pl.col("first_response_at"), pl.col("response_limit"), as_of_lit
        ).alias("R_RESPONSE"),
        _timing_status("R_ONTIME", pl.col("closed_at"), pl.col("due"), as_of_lit).alias("R_ONTIME"),
        pl.when(~closed)
        .then(st("R_REPLY", "open"))
        .when(pl.col("reasoned_reply").fill_null(False))
        .then(st("R_REPLY", "reasoned"))
        .otherwise(st("R_REPLY", "not_reasoned"))
        .alias("R_REPLY"),
        pl.when(~pl.col("kind").is_in(["suggestion", "opinion"]))
        .then(st("R_ADOPTION", "not_suggestion"))
        .when(~closed)
        .then(st("R_ADOPTION", "open"))
        .when(outcome == "adopted")
        .then(st("R_ADOPTION", "adopted"))
        .when(outcome == "partly_adopted")
        .then(st("R_ADOPTION", "partly_adopted"))
        .when(outcome == "not_adopted")
        .then(st("R_ADOPTION", "not_adopted"))
        .otherwise(st("R_ADOPTION", "no_adoption_outcome"))
        .alias("R_ADOPTION"),
        pl.when(closed)
        .then(st("R_CLOSE_DAYS", "closed"))
        .otherwise(st("R_CLOSE_DAYS", "open"))
        .alias("R_CLOSE_DAYS"),
        (
            (pl.col("closed_at") - pl.col("received_at")).dt.total_microseconds() / 86_400_000_000
        ).alias("close_days"),
        pl.when(~visited)
        .then(st("S_SATISFACTION", "no_return_visit"))
        .when(satisfaction == "satisfied")
        .then(st("S_SATISFACTION", "satisfied"))
        .when(satisfaction == "basically_satisfied")
        .then(st("S_SATISFACTION", "basically_satisfied"))
        .when(satisfaction == "dissatisfied")
        .then(st("S_SATISFACTION", "dissatisfied"))
        .otherwise(st("S_SATISFACTION", "not_rated"))
        .alias("S_SATISFACTION"),
        pl.when(~visited)
        .then(st("S_RESOLVED", "no_return_visit"))
        .when(pl.col("resolved").is_null())
        .then(st("S_RESOLVED", "not_answered"))
        .when(pl.col("resolved"))
        .then(st("S_RESOLVED", "resolved"))
        .otherwise(st("S_RESOLVED", "not_resolved"))
        .alias("S_RESOLVED"),
        pl.when(~closed)
        .then(st("S_RETURN_VISIT", "open"))
        .when(visited)
        .then(st("S_RETURN_VISIT", "visited"))
        .otherwise(st("S_RETURN_VISIT", "not_visited"))
        .alias("S_RETURN_VISIT"),
        pl.when(pl.col("repeat_of").is_not_null())
        .then(st("S_REPEAT", "repeat"))
        .otherwise(st("S_REPEAT", "not_repeat"))
        .alias("S_REPEAT"),
    )
    return scope.finish(fb, [*FEEDBACK_CODES, "close_days"])


def classify_disclosures(frames: Frames, scope: Scope) -> tuple[pl.DataFrame, bool]:
    """Disclosures published in the periods: O_TIMELY, O_DEPTH and O_CHANNELS statuses.

    Also returns whether the official working-day calendar covered every day counted.
    """
    s = scope.settings
    start, end = scope.span
    lf = (
        frames.disclosures.lazy()
        .filter(
            pl.col("published_on").is_between(start, end, closed="both")
            & (pl.col("published_on") <= scope.as_of_date)
        )
        .with_columns(
            scope.bucket_of_date("published_on"), _mask_date("withdrawn_on", scope.as_of_date)
        )
        .filter(pl.col("bucket").is_not_null())
    )
    if scope.lean:
        lf = lf.select("unit_id", "bucket", "category", "channel", "formed_on", "published_on")
    ds = lf.collect()
    cal = WorkdayCalendar.from_settings(s)
    wd, complete = cal.count_many(ds["formed_on"], ds["published_on"])
    c_lo, c_hi = calendar_years()
    formed, published = pl.col("formed_on"), pl.col("published_on")
    # every day counted (formed_on < d <= published_on) lies in a year the calendar covers
    covered = (
        formed.is_null()
        | (published <= formed)
        | (((formed + timedelta(days=1)).dt.year() >= c_lo) & (published.dt.year() <= c_hi))
    )
    ds = ds.with_columns(wd.alias("workdays"), covered.alias("calendar_covered")).with_columns(
        pl.when(pl.col("formed_on").is_null())
        .then(st("O_TIMELY", "no_formed_on"))
        .when(pl.col("workdays") <= s.disclosure_deadline_workdays)
        .then(st("O_TIMELY", "on_time"))
        .otherwise(st("O_TIMELY", "late"))
        .alias("O_TIMELY"),
        pl.col("category")
        .replace_strict(DEPTH_GROUPS, default="other", return_dtype=pl.String)
        .cast(STATUS_DTYPES["O_DEPTH"])
        .alias("O_DEPTH"),
        st("O_CHANNELS", "published").alias("O_CHANNELS"),
    )
    keep = [*DISCLOSURE_CODES, "channel", "calendar_covered"]
    return scope.finish(ds.lazy(), keep), complete


def classify_rectify(frames: Frames, scope: Scope) -> pl.DataFrame:
    """Supervision items opened in the periods: R_RECTIFY status."""
    start, end = scope.span
    a = scope.as_of_date
    sv = (
        frames.supervision.lazy()
        .filter(
            pl.col("opened_on").is_between(start, end, closed="both") & (pl.col("opened_on") <= a)
        )
        .with_columns(
            scope.bucket_of_date("opened_on"),
            _mask_date("rectified_on", a),
            _mask_date("result_published_on", a),
        )
        .filter(pl.col("bucket").is_not_null())
    )
    due = pl.col("rectify_due_on")
    done = pl.col("rectified_on")
    # dates are instants at 00:00: a deadline is passed once due 00:00 < as-of
    status = (
        pl.when(due.is_null())
        .then(st("R_RECTIFY", "no_due_date"))
        .when(done.is_not_null() & (done <= due))
        .then(st("R_RECTIFY", "on_time"))
        .when(done.is_not_null())
        .then(st("R_RECTIFY", "late"))
        .when(due.cast(pl.Datetime("us")) < pl.lit(scope.as_of, dtype=pl.Datetime("us")))
        .then(st("R_RECTIFY", "late"))
        .otherwise(st("R_RECTIFY", "pending"))
    )
    return scope.finish(sv.with_columns(status.alias("R_RECTIFY")), ["R_RECTIFY"])


def classify_supervision_public(frames: Frames, scope: Scope) -> pl.DataFrame:
    """Supervision items rectified in the periods (by as-of): O_SUPERVISION_PUBLIC status."""
    start, end = scope.span
    a = scope.as_of_date
    sv = (
        frames.supervision.lazy()
        .filter(pl.col("opened_on") <= a)
        .with_columns(_mask_date("rectified_on", a), _mask_date("result_published_on", a))
        .filter(pl.col("rectified_on").is_between(start, end, closed="both"))
        .with_columns(scope.bucket_of_date("rectified_on"))
        .filter(pl.col("bucket").is_not_null())
        .with_columns(
            pl.when(pl.col("result_published_on").is_not_null())
            .then(st("O_SUPERVISION_PUBLIC", "published"))
            .otherwise(st("O_SUPERVISION_PUBLIC", "not_published"))
            .alias("O_SUPERVISION_PUBLIC")
        )
    )
    return scope.finish(sv, ["O_SUPERVISION_PUBLIC"])


def catalogue_frame(settings: Settings) -> pl.DataFrame:
    """(kind, category) of the mandatory catalogue."""
    rows = [(k, c) for k, cats in settings.catalogue.items() for c in cats]
    return pl.DataFrame(rows, schema={"kind": pl.String, "category": pl.String}, orient="row")


def classify_coverage(frames: Frames, scope: Scope) -> pl.DataFrame:
    """Each unit's own mandatory categories per period, covered or not (O_COVERAGE).

    A disclosure is live during a period when published before its end and
    not withdrawn before its start (a withdrawal after as-of is ignored).
    Columns: unit_id, bucket, category, covered_by (smallest live disclosure id), O_COVERAGE.
    """
    a = scope.as_of_date
    start, end = scope.span
    units = frames.units.select("unit_id", "kind")
    mandatory = units.join(catalogue_frame(scope.settings), on="kind", how="inner")
    buckets = pl.DataFrame(
        {
            "bucket": pl.Series(range(len(scope.periods)), dtype=pl.Int32),
            "p_start": [p.start for p in scope.periods],
            "p_end": [p.end for p in scope.periods],
        }
    )
    # per (unit, category): is some disclosure live in period i? (no cross join: one
    # aggregation per period over the unit's own disclosures, then the catalogue)
    pub, wd = pl.col("published_on"), pl.col("withdrawn_on")
    live_aggs = []
    for i, p in enumerate(scope.periods):
        live_i = (pub <= p.end) & (wd.is_null() | (wd >= p.start))
        live_aggs.append(pl.col("disclosure_id").filter(live_i).min().alias(f"covered_{i}"))
    live = (
        frames.disclosures.lazy()
        .filter((pub <= a) & (pub <= end))
        .with_columns(_mask_date("withdrawn_on", a))
        .filter(wd.is_null() | (wd >= start))
        .filter(pl.col("category").is_in(sorted(set(mandatory["category"].to_list()))))
        .group_by("unit_id", "category")
        .agg(live_aggs)
        .unpivot(index=["unit_id", "category"], variable_name="bucket", value_name="covered_by")
        .with_columns(pl.col("bucket").str.strip_prefix("covered_").cast(pl.Int32))
    )
    out = (
        mandatory.lazy()
        .join(buckets.lazy().select("bucket"), how="cross")
        .join(live, on=["unit_id", "category", "bucket"], how="left")
        .with_columns(
            pl.when(pl.col("covered_by").is_not_null())
            .then(st("O_COVERAGE", "covered"))
            .otherwise(st("O_COVERAGE", "not_covered"))
            .alias("O_COVERAGE")
        )
        .select("unit_id", "bucket", "category", "covered_by", "O_COVERAGE")
    )
    return scope.finish(out, ["O_COVERAGE"])


@dataclass(frozen=True)
class Classified:
    """Every record of the scope with its status per indicator."""

    scope: Scope
    feedback: pl.DataFrame
    disclosures: pl.DataFrame
    rectify: pl.DataFrame
    supervision_public: pl.DataFrame
    coverage: pl.DataFrame
    calendar_complete: bool

    def for_code(self, code: str) -> pl.DataFrame:
        """The frame holding ``code``'s status column."""
        if code in FEEDBACK_CODES:
            return self.feedback
        if code in DISCLOSURE_CODES:
            return self.disclosures
        return {
            "R_RECTIFY": self.rectify,
            "O_SUPERVISION_PUBLIC": self.supervision_public,
            "O_COVERAGE": self.coverage,
        }[code]


def classify(
    frames: Frames,
    periods: Sequence[Period],
    as_of: datetime,
    settings: Settings,
    *,
    lean: bool = False,
) -> Classified:
    """Classify every record of ``frames`` for the given non-overlapping periods.

    ``lean``: only the columns counting needs, units as integer ``uid`` (index in
    the sorted unit ids); for the indicator table. The drill-down uses the full form.
    """
    unit_ids = tuple(sorted(frames.units["unit_id"].to_list())) if lean else ()
    scope = Scope(tuple(periods), as_of, settings, lean, unit_ids)
    ds, complete = classify_disclosures(frames, scope)
    return Classified(
        scope=scope,
        feedback=classify_feedback(frames, scope),
        disclosures=ds,
        rectify=classify_rectify(frames, scope),
        supervision_public=classify_supervision_public(frames, scope),
        coverage=classify_coverage(frames, scope),
        calendar_complete=complete,
    )


__all__ = [
    "DEPTH_GROUPS",
    "DISCLOSURE_CODES",
    "FEEDBACK_CODES",
    "STATUS_DTYPES",
    "STATUS_LABELS",
    "STATUS_RULES",
    "Classified",
    "Scope",
    "classify",
    "num_den_exprs",
    "num_den_sums",
    "st",
    "status_label",
]
