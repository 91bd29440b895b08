"""Display frames: the engine's results with headers and labels in the chosen
language, numbers rounded as shown. The same frame is drawn and downloaded.

Percent columns hold the percent rounded to one decimal (header ends "(%)"),
scores one decimal, days one decimal. Nothing is computed here beyond
labelling, rounding and choosing rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from dashboard.i18n import (
    Lang,
    dimension,
    enum_label,
    enum_labels,
    field_label,
    fmt_days,
    fmt_pct,
    fmt_rank_change,
    t,
)
from queries.engine.goals import goal_codes, standing
from queries.model.catalogue import (
    DIMENSION_CODES,
    INDICATORS,
    Indicator,
    Unit,
    indicator,
    indicators_of,
)
from queries.model.records import LEVEL_ORDER
from queries.model.settings import Settings
from queries.model.tree import unit_names
from reports.goal_wording import standing_cell

if TYPE_CHECKING:
    import pandas as pd

# which enum group labels a record column, by record kind of the indicator
_ENUM_COLUMNS = {
    "category": "category",
    "kind": "feedback_kind",
    "source": "source",
    "severity": "severity",
    "outcome": "outcome",
    "satisfaction": "satisfaction",
    "domain": "domain",
}


def unit_labels(units: pl.DataFrame, lang: Lang) -> dict[str, str]:
    """unit_id -> display name in ``lang`` (English name when there is one), a name two
    units share made unique (:func:`queries.model.tree.unit_names`)."""
    return unit_names(units, lang)


def relabel(frame: pl.DataFrame, column: str, label: Callable[[Any], str]) -> pl.Expr:
    """``column`` of ``frame`` with each value replaced by ``label(value)``, as an
    expression (null stays null; the result is text and keeps the column's name).

    ``label`` runs here, in Python, once per distinct value, and polars gets the
    lookup. Never ``map_elements``: a Python function called from polars' thread pool
    waits there for the interpreter lock, and a session's thread holding the lock
    while it waits on that pool (a conversion for st.dataframe, a gather) then waits
    forever, with the whole server (docs/DECISIONS.md, "Many sessions at once").

    >>> frame = pl.DataFrame({"c": ["a", None, "b", "a"]})
    >>> frame.select(relabel(frame, "c", str.upper))["c"].to_list()
    ['A', None, 'B', 'A']
    """
    values = frame.get_column(column).drop_nulls().unique(maintain_order=True).to_list()
    return pl.col(column).replace_strict(
        values, [label(v) for v in values], default=None, return_dtype=pl.String
    )


def row_texts(
    frame: pl.DataFrame, columns: Sequence[str], text: Callable[..., str], name: str
) -> pl.Series:
    """``text(*row)`` of each row of ``frame``'s ``columns``, computed in Python (see
    :func:`relabel` for why not in polars), as a text series called ``name``.

    >>> frame = pl.DataFrame({"lo": [1, 2], "hi": [3, None]})
    >>> row_texts(frame, ["lo", "hi"], lambda lo, hi: f"{lo}-{hi}", "x").to_list()
    ['1-3', '2-None']
    """
    rows = frame.select(columns).iter_rows()
    return pl.Series(name, [text(*row) for row in rows], dtype=pl.String)


def to_display(frame: pl.DataFrame) -> pd.DataFrame:
    """``frame`` converted for st.dataframe / st.table, from a private copy.

    Every frame a page draws goes through here. polars guards each frame with a
    read-write lock, and a conversion of a frame in several pieces takes it for writing
    while it holds the interpreter lock; another session's thread reading the same
    frame (a cached one) and waiting for the interpreter lock then deadlocks the server
    (docs/DECISIONS.md, "Many sessions at once"). A clone shares the columns, not the
    lock: the conversion locks only what this thread alone can see. Through Arrow,
    not ``to_pandas``: polars' ``to_pandas`` holds the interpreter lock while it waits
    on polars' pool (the server's event loop, its health endpoint included, stands
    still meanwhile); ``to_arrow`` lets go of it. The pandas frame is the one
    ``to_pandas`` made (same dtypes), which Streamlit then sends as before.
    """
    arrow = frame.clone().to_arrow(compat_level=pl.CompatLevel.oldest())
    return arrow.to_pandas(date_as_object=False)


def pct(col: str) -> pl.Expr:
    return (pl.col(col) * 100).round(1)


def pct_header(name: str) -> str:
    return f"{name} (%)"


def status_note(row: dict[str, Any], settings: Settings, lang: Lang) -> str:
    """Why a unit is not ranked, and which of its scored indicators have too few cases."""
    parts: list[str] = []
    if row.get("overall") is None:
        missing = [
            dimension(d, lang)
            for d in DIMENSION_CODES
            if row.get(d) is None and settings.overall_weights.get(d, 0) > 0
        ]
        parts.append(
            t(
                "status.incomplete",
                lang,
                dims="、".join(missing) if lang == "zh" else ", ".join(missing),
            )
        )
    thin = [
        ind.name(lang)
        for ind in INDICATORS
        if ind.scored
        and not ind.min_sample_exempt
        and (row.get(f"{ind.code}_n") or 0) < settings.min_sample
    ]
    if thin:
        sep = "、" if lang == "zh" else ", "
        parts.append(t("status.insufficient", lang, min=settings.min_sample, codes=sep.join(thin)))
    return ("；" if lang == "zh" else "; ").join(parts)


def score_table(
    table: pl.DataFrame,
    unit_ids: Sequence[str],
    labels: dict[str, str],
    settings: Settings,
    lang: Lang,
    *,
    with_rank: bool = True,
    with_level: bool = False,
) -> pl.DataFrame:
    """Ranking rows for ``unit_ids``: rank, rank change, unit, the four scores, a note.

    Ranked units first by rank, then the unranked (incomplete) ones, each with
    the reason in the note column: none is dropped.
    """
    rows = (
        table.filter(pl.col("unit_id").is_in(list(unit_ids)))
        .with_columns(
            pl.col("level")
            .replace_strict(
                {lv: i for i, lv in enumerate(LEVEL_ORDER)}, default=9, return_dtype=pl.Int32
            )
            .alias("_level_order")
        )
        .sort(["_level_order", "rank", "unit_id"], nulls_last=True)
    )
    notes = [status_note(r, settings, lang) for r in rows.iter_rows(named=True)]
    out = rows.select(
        pl.col("unit_id").alias(t("col.unit_id", lang)),
        *(
            [
                pl.col("rank").alias(t("col.rank", lang)),
                relabel(rows, "rank_change", lambda v: fmt_rank_change(v, lang))
                .fill_null(t("na", lang))
                .alias(t("col.rank_change", lang)),
            ]
            if with_rank
            else []
        ),
        pl.col("unit_id")
        .replace_strict(labels, default=pl.col("unit_id"))
        .alias(t("col.unit", lang)),
        *(
            [
                pl.col("level")
                .replace_strict(enum_labels("level", lang), default=pl.col("level"))
                .alias(t("col.level", lang))
            ]
            if with_level
            else []
        ),
        *[
            pl.col(c).round(1).alias(t(f"col.{c}", lang))
            for c in ("overall", "openness", "responsiveness", "satisfaction")
        ],
    )
    return out.with_columns(pl.Series(t("col.status", lang), notes, dtype=pl.String))


def value_text(ind: Indicator, value: float | None, lang: Lang) -> str:
    if ind.unit == Unit.DAYS:
        return fmt_days(value, lang)
    return fmt_pct(value, lang)


def interval_text(lo: float | None, hi: float | None, lang: Lang) -> str:
    if lo is None or hi is None:
        return t("na", lang)
    return f"{fmt_pct(lo, lang)} – {fmt_pct(hi, lang)}"


def indicator_rows(row: dict[str, Any], settings: Settings, lang: Lang) -> pl.DataFrame:
    """One unit's indicators: dimension, name, value, (its goal, met or not and by how
    much, when the table has goals), n, interval, note, meaning, code."""
    goals = goal_codes(row)
    recs = []
    for ind in INDICATORS:
        c = ind.code
        n = row.get(f"{c}_n")
        lo = row.get(f"{c}_lo") if ind.is_rate else None
        hi = row.get(f"{c}_hi") if ind.is_rate else None
        notes = []
        if not ind.scored:
            notes.append("不计分" if lang == "zh" else "not scored")
        if not ind.min_sample_exempt and (n or 0) < settings.min_sample:
            notes.append(
                f"{t('insufficient', lang)}（n<{settings.min_sample}）"
                if lang == "zh"
                else f"{t('insufficient', lang)} (n<{settings.min_sample})"
            )
        recs.append(
            (
                dimension(ind.dimension, lang),
                ind.name(lang),
                value_text(ind, row.get(c), lang),
                standing_cell(standing(row, c), lang),
                n,
                interval_text(lo, hi, lang) if ind.is_rate else "",
                ("；" if lang == "zh" else "; ").join(notes),
                ind.explain(lang),
                c,
            )
        )
    frame = pl.DataFrame(
        recs,
        schema={
            t("col.dimension", lang): pl.String,
            t("col.indicator", lang): pl.String,
            t("col.value", lang): pl.String,
            t("col.goal", lang): pl.String,
            t("col.n", lang): pl.Int64,
            t("col.interval", lang): pl.String,
            t("col.status", lang): pl.String,
            t("col.explain", lang): pl.String,
            t("col.code", lang): pl.String,
        },
        orient="row",
    )
    return frame if goals else frame.drop(t("col.goal", lang))


def record_rows(
    records: pl.DataFrame, labels: dict[str, str], lang: Lang, *, channel_group: str
) -> pl.DataFrame:
    """The records behind a rate, labelled: enums as words, date-times to the minute,
    the unit's name beside its id, the status in words."""
    exprs: list[pl.Expr] = []
    skip = {"status", "status_zh", "status_en"}
    for col in records.columns:
        if col in skip:
            continue
        dtype = records.schema[col]
        e = pl.col(col)
        if col == "unit_id":
            exprs.append(e.alias(field_label("unit_id", lang)))
            exprs.append(e.replace_strict(labels, default=e).alias(field_label("unit", lang)))
            continue
        if col == "channel" or col in _ENUM_COLUMNS:
            group = channel_group if col == "channel" else _ENUM_COLUMNS[col]
            e = e.replace_strict(enum_labels(group, lang), default=e, return_dtype=pl.String)
        elif dtype == pl.Boolean:
            e = pl.when(e).then(pl.lit(t("yes", lang))).when(~e).then(pl.lit(t("no", lang)))
        elif isinstance(dtype, pl.Datetime):
            e = e.dt.strftime("%Y-%m-%d %H:%M").fill_null("")
        elif dtype == pl.Date:
            e = e.dt.strftime("%Y-%m-%d").fill_null("")
        elif col == "numerator":
            # a count beside the integer denominator (1, not 1.0), unless an indicator's
            # numerator is fractional
            whole = records[col].drop_nulls()
            e = e.cast(pl.Int64) if bool((whole == whole.round(0)).all()) else e.round(2)
        elif col in ("close_days", "age_days", "overdue_days"):
            e = e.round(1)
        exprs.append(e.alias(field_label(col, lang)))
    status_col = "status_zh" if lang == "zh" else "status_en"
    if status_col in records.columns:
        exprs.insert(0, pl.col(status_col).alias(field_label("status", lang)))
    return records.select(exprs)


def by_group_rates(frame: pl.DataFrame, by: str, group: str, lang: Lang, name: str) -> pl.DataFrame:
    """A ``rate_by`` frame labelled: group, rate (%), n, interval (%)."""
    return frame.select(
        relabel(frame, by, lambda v: enum_label(group, v, lang)).alias(
            field_label(by if by != "channel" else "channel", lang)
        ),
        pct("value").alias(pct_header(name)),
        pl.col("n").alias(f"{name} n"),
        row_texts(
            frame,
            ["lo", "hi"],
            lambda lo, hi: interval_text(lo, hi, lang),
            f"{name} {t('col.interval', lang)}",
        ),
    )


def dimension_table(
    table: pl.DataFrame,
    unit_ids: Sequence[str],
    labels: dict[str, str],
    dimension_code: str,
    lang: Lang,
) -> pl.DataFrame:
    """Units compared on one dimension: unit, the dimension score, and for each of its
    indicators the value (percent or days) and n; weakest score first."""
    exprs: list[pl.Expr] = [
        pl.col("unit_id").alias(t("col.unit_id", lang)),
        pl.col("unit_id")
        .replace_strict(labels, default=pl.col("unit_id"))
        .alias(t("col.unit", lang)),
        pl.col(dimension_code).round(1).alias(t(f"col.{dimension_code}", lang)),
    ]
    for ind in indicators_of(dimension_code):
        c = ind.code
        if ind.unit == Unit.DAYS:
            exprs.append(
                pl.col(c)
                .round(1)
                .alias(f"{ind.name(lang)}（天）" if lang == "zh" else f"{ind.name(lang)} (days)")
            )
        else:
            exprs.append(pct(c).alias(pct_header(ind.name(lang))))
        exprs.append(pl.col(f"{c}_n").alias(f"{ind.name(lang)} n"))
    return (
        table.filter(pl.col("unit_id").is_in(list(unit_ids)))
        .sort([dimension_code, "unit_id"], nulls_last=True)
        .select(exprs)
    )


def channel_rate_table(
    rates: pl.DataFrame, everyone: dict[str, Any], codes: Sequence[str], lang: Lang
) -> pl.DataFrame:
    """Channels (rows) against rate indicators (percent and n columns), with a last row
    for all channels together (the unit's own values)."""
    recs = []
    for ch in rates["channel"].unique(maintain_order=True).to_list():
        cells: list[Any] = [enum_label("feedback_channel", ch, lang)]
        for code in codes:
            r = rates.filter((pl.col("channel") == ch) & (pl.col("code") == code)).row(
                0, named=True
            )
            cells += [None if r["value"] is None else round(r["value"] * 100, 1), r["n"]]
        recs.append(cells)
    last: list[Any] = [t("resp.all_channels", lang)]
    for code in codes:
        v = everyone.get(code)
        last += [None if v is None else round(v * 100, 1), everyone.get(f"{code}_n") or 0]
    recs.append(last)
    schema: dict[str, pl.DataType] = {field_label("channel", lang): pl.String()}
    for code in codes:
        name = indicator(code).name(lang)
        schema[pct_header(name)] = pl.Float64()
        schema[f"{name} n"] = pl.Int64()
    return pl.DataFrame(recs, schema=schema, orient="row")
