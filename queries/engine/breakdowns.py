"""Breakdowns the dashboard's topic pages draw, from the engine's classification.

Every record's status comes from :func:`queries.engine.classify.classify` and counts
through :data:`queries.engine.classify.STATUS_RULES`, exactly as the indicator table
counts it; these functions only group the same records differently (by
channel, by kind, by category, by age). ``unit_ids`` is the subtree the
numbers cover (the unit and every unit below it). Only the first period of
the classification (bucket 0) is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import polars as pl

from queries.engine.classify import Classified, num_den_exprs
from queries.engine.scoring import wilson
from queries.model.catalogue import INDICATOR_CODES, SCORE_COLUMNS
from queries.model.records import INTERNAL_SOURCES
from queries.model.settings import Settings

RATE_SCHEMA = {
    "num": pl.Float64,
    "n": pl.Int64,
    "value": pl.Float64,
    "lo": pl.Float64,
    "hi": pl.Float64,
}

# open cases' age classes, days (upper bound inclusive); the last is open-ended
AGE_CLASSES: tuple[tuple[int, int | None], ...] = (
    (0, 7),
    (8, 15),
    (16, 30),
    (31, 60),
    (61, 90),
    (91, None),
)


def _in_scope(frame: pl.DataFrame, unit_ids: Sequence[str]) -> pl.DataFrame:
    return frame.filter((pl.col("bucket") == 0) & pl.col("unit_id").is_in(list(unit_ids)))


def rate_by(
    classified: Classified,
    code: str,
    unit_ids: Sequence[str],
    by: str,
    settings: Settings,
) -> pl.DataFrame:
    """A rate indicator per value of column ``by``: ``by, num, n, value, lo, hi``.

    Same statuses and num/den rules as the indicator table, so the groups add
    up to the unit's own numerator and n. Ordered by n, largest first.
    """
    frame = _in_scope(classified.for_code(code), unit_ids)
    num, den = num_den_exprs(code, settings)
    out = (
        frame.group_by(by).agg(num.sum().alias("num"), den.sum().alias("n")).filter(pl.col("n") > 0)
    )
    lo, hi = wilson(pl.col("num"), pl.col("n"))
    return (
        out.with_columns(
            (pl.col("num") / pl.col("n")).alias("value"), lo.alias("lo"), hi.alias("hi")
        )
        .select(by, *RATE_SCHEMA)
        .sort(["n", by], descending=[True, False])
    )


def channel_rates(
    classified: Classified,
    codes: Sequence[str],
    unit_ids: Sequence[str],
    channels: Sequence[str],
    settings: Settings,
) -> pl.DataFrame:
    """Rate indicators for the feedback of some channels only: ``channel, code, num, n,
    value, lo, hi``, one row per channel and code (n = 0 and no value where none)."""
    parts = []
    for code in codes:
        r = rate_by(classified, code, unit_ids, "channel", settings)
        full = pl.DataFrame({"channel": list(channels)}).join(r, on="channel", how="left")
        parts.append(
            full.with_columns(pl.lit(code).alias("code"), pl.col("n").fill_null(0)).select(
                "channel", "code", *RATE_SCHEMA
            )
        )
    return pl.concat(parts)


def status_counts(
    classified: Classified, code: str, unit_ids: Sequence[str], by: str | None = None
) -> pl.DataFrame:
    """How many records have each status of ``code`` (optionally per ``by``): ``[by,]
    status, count``."""
    frame = _in_scope(classified.for_code(code), unit_ids)
    keys = [by, code] if by else [code]
    return (
        frame.group_by(keys)
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .rename({code: "status"})
        .sort([*([by] if by else []), "status"])
    )


def coverage_matrix(
    classified: Classified, rows: dict[str, Sequence[str]], categories: Sequence[str]
) -> pl.DataFrame:
    """Catalogue coverage per row unit and category.

    ``rows`` maps each row's unit id to the subtree it covers. The cell is the
    share of the subtree's units, among those for which the category is
    mandatory, that had it live in the period (1.0 covered, 0.0 missing);
    null where no unit of the subtree must disclose it.
    Columns: ``unit_id`` then one per category, rows in the order given.
    """
    cov = classified.coverage.filter(pl.col("bucket") == 0).select(
        "unit_id", "category", (pl.col("O_COVERAGE") == "covered").alias("covered")
    )
    parts = []
    for row_id, ids in rows.items():
        sub = (
            cov.filter(pl.col("unit_id").is_in(list(ids)))
            .group_by("category")
            .agg(pl.col("covered").mean().alias("share"))
        )
        shares = dict(zip(sub["category"].to_list(), sub["share"].to_list(), strict=True))
        parts.append({"unit_id": row_id, **{c: shares.get(c) for c in categories}})
    schema = {"unit_id": pl.String, **{c: pl.Float64 for c in categories}}
    return pl.DataFrame(parts, schema=schema)


def missing_categories(classified: Classified, unit_ids: Sequence[str]) -> pl.DataFrame:
    """The mandatory categories a unit never had live in the period: ``unit_id, category``."""
    return (
        classified.coverage.filter(
            (pl.col("bucket") == 0)
            & pl.col("unit_id").is_in(list(unit_ids))
            & (pl.col("O_COVERAGE") == "not_covered")
        )
        .select("unit_id", "category")
        .sort("unit_id", "category")
    )


def count_by(
    frame_name: str, classified: Classified, unit_ids: Sequence[str], by: str
) -> pl.DataFrame:
    """Records of the period per value of ``by``: ``by, count`` (largest first)."""
    frame = _in_scope(getattr(classified, frame_name), unit_ids)
    return (
        frame.group_by(by)
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .sort(["count", by], descending=[True, False])
    )


def publish_workdays(classified: Classified, unit_ids: Sequence[str]) -> pl.Series:
    """Working days from forming to publishing of the period's disclosures with a
    ``formed_on`` (the O_TIMELY population)."""
    frame = _in_scope(classified.disclosures, unit_ids)
    return frame.filter(pl.col("O_TIMELY") != "no_formed_on").get_column("workdays")


def close_days(classified: Classified, unit_ids: Sequence[str]) -> pl.Series:
    """Days from receipt to closing of the period's closed feedback (R_CLOSE_DAYS)."""
    frame = _in_scope(classified.feedback, unit_ids)
    return frame.filter(pl.col("R_CLOSE_DAYS") == "closed").get_column("close_days")


def open_cases(backlog: Classified, unit_ids: Sequence[str], as_of: datetime) -> pl.DataFrame:
    """Feedback still open at ``as_of``, with its age and whether it is overdue.

    ``backlog`` is a classification whose first period runs from the first
    record to the as-of day, so every case received by as-of is in it.
    Columns: case_id, unit_id, kind, channel, received_at, due, age_days,
    overdue, overdue_days; oldest first.
    """
    frame = _in_scope(backlog.feedback, unit_ids).filter(pl.col("closed_at").is_null())
    as_of_lit = pl.lit(as_of, dtype=pl.Datetime("us"))
    return (
        frame.with_columns(
            ((as_of_lit - pl.col("received_at")).dt.total_hours() / 24).alias("age_days"),
            (pl.col("due") < as_of_lit).alias("overdue"),
        )
        .with_columns(
            pl.when(pl.col("overdue"))
            .then((as_of_lit - pl.col("due")).dt.total_hours() / 24)
            .alias("overdue_days")
        )
        .select(
            "case_id",
            "unit_id",
            "kind",
            "channel",
            "received_at",
            "due",
            "age_days",
            "overdue",
            "overdue_days",
        )
        .sort("received_at")
    )


def age_classes(cases: pl.DataFrame) -> pl.DataFrame:
    """Open cases per age class: ``lo, hi, open, overdue`` (hi null = and older)."""
    rows = []
    for lo, hi in AGE_CLASSES:
        whole_days = pl.col("age_days").floor()
        cond = whole_days >= lo
        if hi is not None:
            cond = cond & (whole_days <= hi)
        part = cases.filter(cond)
        rows.append((lo, hi, part.height, int(part.get_column("overdue").sum())))
    return pl.DataFrame(
        rows,
        schema={"lo": pl.Int64, "hi": pl.Int64, "open": pl.Int64, "overdue": pl.Int64},
        orient="row",
    )


def supervision_by_source(classified: Classified, unit_ids: Sequence[str]) -> pl.DataFrame:
    """Supervision items opened in the period per source, with how their rectification
    stands, and items rectified in the period per source with their result published
    or not. Columns: source, internal, opened, on_time, late, pending, no_due_date,
    rectified, published, not_published."""
    rect = _in_scope(classified.rectify, unit_ids)
    pub = _in_scope(classified.supervision_public, unit_ids)
    opened = rect.group_by("source").agg(
        pl.len().cast(pl.Int64).alias("opened"),
        *[
            (pl.col("R_RECTIFY") == s).sum().cast(pl.Int64).alias(s)
            for s in ("on_time", "late", "pending", "no_due_date")
        ],
    )
    published = pub.group_by("source").agg(
        pl.len().cast(pl.Int64).alias("rectified"),
        (pl.col("O_SUPERVISION_PUBLIC") == "published").sum().cast(pl.Int64).alias("published"),
        (pl.col("O_SUPERVISION_PUBLIC") == "not_published")
        .sum()
        .cast(pl.Int64)
        .alias("not_published"),
    )
    out = opened.join(published, on="source", how="full", coalesce=True).fill_null(0)
    return (
        out.with_columns(pl.col("source").is_in(list(INTERNAL_SOURCES)).alias("internal"))
        .select(
            "source",
            "internal",
            "opened",
            "on_time",
            "late",
            "pending",
            "no_due_date",
            "rectified",
            "published",
            "not_published",
        )
        .sort(["internal", "opened", "source"], descending=[True, True, False])
    )


def supervision_items(classified: Classified, unit_ids: Sequence[str]) -> pl.DataFrame:
    """Items opened in the period with their rectification status, latest first."""
    return (
        _in_scope(classified.rectify, unit_ids)
        .select(
            "item_id",
            "unit_id",
            "source",
            "severity",
            "opened_on",
            "finding",
            "rectify_due_on",
            "rectified_on",
            "result_published_on",
            "R_RECTIFY",
        )
        .sort(["opened_on", "item_id"], descending=[True, False])
    )


def peer_median(series: pl.DataFrame, peer_ids: Sequence[str], code: str) -> pl.DataFrame:
    """Per month, the median of ``code`` over the peers that have a value:
    ``month, median, peers``."""
    part = series.filter(
        pl.col("unit_id").is_in(list(peer_ids))
        & (pl.col("code") == code)
        & pl.col("value").is_not_null()
    )
    return (
        part.group_by("month")
        .agg(pl.col("value").median().alias("median"), pl.len().cast(pl.Int64).alias("peers"))
        .sort("month")
    )


def monthly_long(wide: pl.DataFrame, months: Sequence[str]) -> pl.DataFrame:
    """The engine's per-bucket wide frame (``queries.engine.indicators.compute_buckets(...).wide``
    over consecutive months) as ``unit_id, month, code, value``: every indicator's value
    and the four scores, one pass for both."""
    labels = dict(enumerate(months))
    return (
        wide.with_columns(
            pl.col("bucket").replace_strict(labels, return_dtype=pl.String).alias("month")
        )
        .select(
            "unit_id",
            "month",
            *[pl.col(c).cast(pl.Float64) for c in (*SCORE_COLUMNS, *INDICATOR_CODES)],
        )
        .unpivot(index=["unit_id", "month"], variable_name="code", value_name="value")
        .sort("unit_id", "month")
    )


def scores_long(scores: pl.DataFrame) -> pl.DataFrame:
    """Monthly scores (``queries.engine.series.monthly_scores``) in the long shape of
    ``monthly_series``: ``unit_id, month, code, value`` with code the score's name."""
    return scores.unpivot(
        index=["unit_id", "month"],
        on=["openness", "responsiveness", "satisfaction", "overall"],
        variable_name="code",
        value_name="value",
    ).with_columns(pl.col("value").cast(pl.Float64))
