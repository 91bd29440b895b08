"""Small Streamlit pieces the pages share: page heading, tables with downloads,
plotly charts, metrics. No data access and no computing here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import downloads, guard, state, workbook
from dashboard.data import Source
from dashboard.downloads import Asker, Needs
from dashboard.export import download_buttons
from dashboard.i18n import Lang, fmt_date, fmt_int, fmt_month, fmt_score, md, t, unit_name
from dashboard.tables import interval_text, to_display, unit_labels, value_text
from queries.engine.gaps import data_gaps
from queries.model.catalogue import Direction, Unit, indicator
from queries.model.db import hide_secrets, read_only_cause
from queries.model.periods import Period
from queries.model.settings import Settings
from queries.model.tree import Tree
from queries.store.integrity import DatabaseUnreadable
from reports.gap_wording import gap_sentence

# what a table shows for a missing value (Streamlit shows a grey "None"); the
# downloads keep null as an empty cell
NULL_CELL = "—"

# a whole-number column of a table on a phone, in px
NARROW_NUMBER = 52

PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def scope_name(ctx: state.Context, unit_id: str | None = None) -> str:
    uid = unit_id or ctx.filters.scope
    if uid is None:
        return ""
    units = ctx.source.units()
    row = units.filter(pl.col("unit_id") == uid)
    if row.is_empty():
        return uid
    r = row.row(0, named=True)
    return unit_name(r["name"], r["name_en"], ctx.lang)


def heading(ctx: state.Context, key: str, unit_id: str | None = None) -> None:
    """The page title with the scope, and the period and as-of under it."""
    f = ctx.filters
    st.title(t(key, ctx.lang, unit=md(scope_name(ctx, unit_id))))
    st.caption(
        t(
            "filter.period_shown",
            ctx.lang,
            period=f.period.label(ctx.lang),
            as_of=f.as_of_day.isoformat(),
        )
    )


WHOLE_ROWS = 20  # a table of up to this many rows is drawn whole, without an inner scroll


def fitted_height(rows: int, tall: int | Literal["auto"] = "auto") -> int | Literal["auto"]:
    """A table's height in pixels: a small table's rows whole (header and rows of 35
    px), so that no row hides behind an inner scroll and no empty rows are drawn;
    ``tall`` for a table of more than :data:`WHOLE_ROWS` rows."""
    return 38 + 35 * rows if rows <= WHOLE_ROWS else tall


def table(
    ctx: state.Context,
    frame: pl.DataFrame,
    *,
    key: str,
    stem: str,
    unit: str | None = None,
    column_config: dict[str, Any] | None = None,
    select: bool = False,
    open_unit: list[str] | None = None,
    height: int | str = "auto",
    hide: tuple[str, ...] = (),
    needs: Needs | None = None,
    compact: tuple[str, ...] = (),
) -> Any:
    """Draw ``frame`` (text as text, never markup) with its CSV/XLSX downloads.

    ``needs``: what the frame holds, checked for the person when a file is made
    (default: aggregates of every unit); record tables say :attr:`Area.RECORDS`.

    With ``select`` the user can pick one row; returns the selection event.
    With ``open_unit`` (the unit id of each row) picking a row opens that unit's page.
    With ``compact`` (column names) a narrow screen (a phone) shows only those
    columns, and the rest of a row behind a tap (:func:`narrow_table`); the downloads
    and a wide screen keep every column.
    """
    if frame.is_empty():
        st.info(t("empty.table", ctx.lang), icon=":material/info:")
        return None
    order = [c for c in frame.columns if c not in hide]
    if height == "auto":
        height = fitted_height(frame.height)
    kwargs: dict[str, Any] = {
        "hide_index": True,
        "column_config": {**number_columns(frame), **(column_config or {})},
        "column_order": order,
        "width": "stretch",
        "height": height,
        "key": key,
        "placeholder": NULL_CELL,
    }
    if open_unit is not None or select:
        kwargs.update(on_select="rerun", selection_mode="single-row")
    if compact:
        with st.container(key=f"wide_{key}"):
            event = st.dataframe(to_display(frame), **kwargs)
        narrow = narrow_table(ctx, frame.select(order), compact, kwargs)
        if selected_row(narrow) is not None:
            event = narrow
    else:
        event = st.dataframe(to_display(frame), **kwargs)
    picked = selected_row(event) if open_unit is not None else None
    if picked is not None:
        state.open_unit(ctx.filters, open_unit[picked])  # type: ignore[index]
    workbook.collect(workbook.PageTable(stem, frame.select(order), needs or Needs(), unit))
    download_buttons(
        frame.select(order),
        stem=stem,
        period=ctx.filters.period_text,
        unit=unit or ctx.filters.scope,
        lang=ctx.lang,
        key=key,
        who=asker(ctx),
        needs=needs or Needs(),
    )
    return event


def narrow_table(
    ctx: state.Context, frame: pl.DataFrame, compact: tuple[str, ...], kwargs: dict[str, Any]
) -> Any:
    """The table as a phone shows it (app.py's CSS shows it under 640 px, and hides the
    wide one): the ``compact`` columns, each as narrow as its content allows, then the
    rest of a row behind a tap (an expander: pick a row, see every field). Returns its
    selection event (a tap on a row acts as on the wide table)."""
    # its own keys start apart from ``key`` (a page's `st-key-<key>` classes stay its own)
    key = kwargs["key"]
    config = dict(kwargs["column_config"])
    for name in compact:
        # whole numbers (a rank, n) need little; the rest share what is left
        width: Any = NARROW_NUMBER if frame.schema[name].is_integer() else "small"
        column = config.get(name)
        if column is None:
            config[name] = st.column_config.Column(name, width=width)
        else:
            config[name] = {**column, "width": width}
    with st.container(key=f"narrow_{key}"):
        event = st.dataframe(
            to_display(frame),
            **{
                **kwargs,
                "key": f"phone_{key}",
                "column_order": list(compact),
                "column_config": config,
            },
        )
        rest = [c for c in frame.columns if c not in compact]
        if rest:
            _row_details(ctx, frame, compact, key)
    return event


def _row_details(
    ctx: state.Context, frame: pl.DataFrame, compact: tuple[str, ...], key: str
) -> None:
    """Every field of one row, as two narrow columns (field, value)."""
    lang = ctx.lang
    labels = [c for c in compact if frame.schema[c] == pl.String] or [frame.columns[0]]
    names = [str(v) if v is not None else NULL_CELL for v in frame.get_column(labels[0])]
    with st.expander(t("table.details", lang), icon=":material/unfold_more:"):
        at = st.selectbox(
            t("table.details.pick", lang),
            range(frame.height),
            format_func=lambda i: names[i],
            key=f"phonepick_{key}",
        )
        row = frame.row(at or 0, named=True)
        shown = pl.DataFrame(
            {
                t("table.details.field", lang): list(row),
                t("table.details.value", lang): [_cell(v) for v in row.values()],
            },
            schema={
                t("table.details.field", lang): pl.String,
                t("table.details.value", lang): pl.String,
            },
        )
        st.dataframe(
            to_display(shown),
            hide_index=True,
            width="stretch",
            height=38 + 35 * shown.height,
            key=f"phonerow_{key}",
            placeholder=NULL_CELL,
        )


def _cell(value: object) -> str:
    if value is None:
        return NULL_CELL
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def asker(ctx: state.Context) -> Asker:
    """Who asks for this run's files: its session, person's database, page and filters."""
    src = ctx.source
    tree = src.tree() if src.has_units else Tree({}, {}, ())
    return downloads.asker(ctx.gate.engine, ctx.gate.where, tree, ctx.lang)


def document(html: bytes, *, key: str, height: int, alt: str, lang: Lang) -> None:
    """A document of the product (the briefing, a public page) in an iframe, served by
    this server to this session's browser only and sandboxed in an origin of its own:
    its scripts never run with the dashboard's (dashboard/guard.py). ``lang``: the
    language a public page opens in (its ``?lang``)."""
    url = guard.publish_document(html, key)
    st.iframe(f"{url}?lang={lang}", height=height, alt=alt)


def selected_row(event: Any) -> int | None:
    try:
        rows = event.selection.rows
    except AttributeError:
        return None
    return rows[0] if rows else None


def chart(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, config=PLOT_CONFIG, key=key, width="stretch")


def unfinished_month(months: Sequence[Period | str], as_of: datetime, lang: Lang) -> None:
    """Under a chart of ``months`` (oldest first; Periods or ``YYYY-MM``): a caption when
    the last one is not over at ``as-of`` (the default as-of is now), whose figures
    still wait for closures and return visits and so are not a whole month's."""
    if not months:
        return
    last = Period.parse(str(months[-1]))
    if as_of.date() < last.end:
        st.caption(
            ":material/schedule: "
            + t(
                "month.unfinished",
                lang,
                month=fmt_month(str(last), lang),
                day=fmt_date(as_of.date(), lang),
            )
        )


def number_columns(frame: pl.DataFrame, decimals: int = 1) -> dict[str, Any]:
    """Column config: floats with ``decimals`` decimals, dates as YYYY-MM-DD."""
    fmt = f"%.{decimals}f"
    out: dict[str, Any] = {}
    for c, dt in frame.schema.items():
        if dt.is_float():
            out[c] = st.column_config.NumberColumn(c, format=fmt)
        elif dt == pl.Date:
            out[c] = st.column_config.DateColumn(c, format="YYYY-MM-DD")
    return out


def scope_units(ctx: state.Context) -> tuple[str, list[str], list[str]]:
    """The scope unit, its subtree, and the peer units (the peer level within it)."""
    tree = ctx.source.tree()
    scope = ctx.filters.scope or tree.roots[0]
    subtree = tree.subtree(scope)
    levels = dict(ctx.source.units().select("unit_id", "level").iter_rows())
    level = ctx.filters.level or levels.get(scope)
    peers = sorted(u for u in subtree if levels.get(u) == level)
    return scope, subtree, peers


def unit_row(table: pl.DataFrame, unit_id: str) -> dict[str, Any]:
    rows = table.filter(pl.col("unit_id") == unit_id)
    return rows.row(0, named=True) if rows.height else {}


@dataclass(frozen=True)
class TopicPage:
    """What a topic page (openness, responsiveness, satisfaction, supervision) starts
    from: the run's context, the scope's units, the period's indicator table, the
    units' labels, and the scope's row this period and the previous one."""

    ctx: state.Context
    scope: str
    subtree: list[str]
    peers: list[str]
    table: pl.DataFrame
    labels: dict[str, str]
    row: dict[str, Any]
    prev_row: dict[str, Any]

    @property
    def filters(self) -> state.Filters:
        return self.ctx.filters

    @property
    def lang(self) -> Lang:
        return self.ctx.lang

    @property
    def source(self) -> Source:
        return self.ctx.source

    @property
    def settings(self) -> Settings:
        return self.ctx.source.settings


def topic_page(title_key: str) -> TopicPage:
    """Draw a topic page's heading and gather what the page starts from."""
    ctx = state.current()
    f, src = ctx.filters, ctx.source
    heading(ctx, title_key)
    scope, subtree, peers = scope_units(ctx)
    table = src.table(f.period, f.as_of)
    previous = src.previous_table(f.period, f.as_of)
    return TopicPage(
        ctx=ctx,
        scope=scope,
        subtree=subtree,
        peers=peers,
        table=table,
        labels=unit_labels(src.units(), ctx.lang),
        row=unit_row(table, scope),
        prev_row=unit_row(previous, scope),
    )


def _delta(text: str | None, change: float | None, color: str = "normal") -> dict[str, Any]:
    """st.metric's delta arguments: ``text`` with a coloured arrow, or, for a change that
    shows as zero at one decimal, "±0.0" without arrow or colour (Streamlit would draw
    any other text as a rise)."""
    if text is None or change is None:
        return {"delta": None}
    if round(change, 1) == 0:
        return {"delta": "±" + text.lstrip("+-"), "delta_color": "off", "delta_arrow": "off"}
    return {"delta": text, "delta_color": color}


def gaps_notice(ctx: state.Context) -> None:
    """A warning naming the record kinds the database holds none of and the fields no
    record has filled in, with the indicators that therefore show 0 or nothing
    (queries.engine.gaps); nothing when there is no gap."""
    sentence = gap_sentence(data_gaps(ctx.source.frames()), ctx.lang)
    if sentence:
        st.warning(sentence, icon=":material/report:")


def indicator_metrics(
    ctx: state.Context, row: dict[str, Any], prev_row: dict[str, Any], codes: list[str]
) -> None:
    """One metric per indicator: value, change against the previous period, n and
    interval in the help."""
    lang = ctx.lang
    cols = st.columns(len(codes))
    for col, code in zip(cols, codes, strict=True):
        ind = indicator(code)
        now, before = row.get(code), prev_row.get(code)
        delta, change = None, None
        if now is not None and before is not None:
            days = ind.unit == Unit.DAYS
            change = (now - before) * (1 if days else 100)
            suffix = (
                (" 天" if lang == "zh" else " days")
                if days
                else (" 个百分点" if lang == "zh" else " pp")
            )
            delta = f"{change:+.1f}{suffix}"
        n = row.get(f"{code}_n")
        help_parts = [ind.explain(lang), f"n = {fmt_int(n, lang)}"]
        if ind.is_rate:
            help_parts.append(
                t("col.interval", lang)
                + ": "
                + interval_text(row.get(f"{code}_lo"), row.get(f"{code}_hi"), lang)
            )
        if not ind.min_sample_exempt and (n or 0) < ctx.source.settings.min_sample:
            help_parts.append(t("insufficient", lang))
        with col:
            st.metric(
                ind.name(lang),
                value_text(ind, now, lang),
                **_delta(
                    delta, change, "inverse" if ind.direction == Direction.LOWER else "normal"
                ),
                help="  \n".join(help_parts),
                border=True,
            )
            st.caption(f"n = {fmt_int(n, lang)}")


def guarded(render: Any) -> None:
    """Run a page's body; an error becomes a message for the reader, not a traceback
    (st.stop, st.rerun and st.switch_page pass through: they are not Exceptions)."""
    import logging

    import sqlalchemy as sa

    ctx = state.current()
    lang = ctx.lang
    workbook.begin()
    try:
        render()
        workbook.offer(ctx)
    except DatabaseUnreadable as exc:
        st.error(t("error.db", lang, error=md(exc)), icon=":material/error:")
    except sa.exc.SQLAlchemyError as exc:
        if cause := read_only_cause(exc):
            logging.getLogger("openness.dashboard").error("database is read-only: %s", cause)
            st.error(t("error.read_only", lang), icon=":material/error:")
            return
        # the message only, its passwords hidden (a traceback would repeat it whole)
        why = hide_secrets(str(getattr(exc, "orig", None) or exc), state.current().source.url)
        logging.getLogger("openness.dashboard").error("database error: %s", why)
        st.error(t("error.db", lang, error=md(why)), icon=":material/error:")
    except Exception as exc:
        logging.getLogger("openness.dashboard").exception("page error")
        st.error(t("error.page", lang, error=type(exc).__name__), icon=":material/error:")


def score_metrics(
    ctx: state.Context,
    table: pl.DataFrame,
    row: dict[str, Any],
    prev_row: dict[str, Any],
    previous: Any,
) -> None:
    """The four scores with their change against the previous period, and the rank
    among the unit's level with its change (when the level has more than one unit)."""
    lang = ctx.lang
    peers = table.filter(pl.col("level") == row.get("level")).height
    codes = ("overall", "openness", "responsiveness", "satisfaction")
    cols = st.columns(5 if peers > 1 else 4)
    for col, code in zip(cols, codes, strict=False):
        now, before = row.get(code), prev_row.get(code)
        with col:
            st.metric(
                t(f"col.{code}", lang),
                fmt_score(now, lang) if now is not None else t("overview.no_score", lang),
                **_delta(
                    None if now is None or before is None else f"{now - before:+.1f}",
                    None if now is None or before is None else now - before,
                ),
                help=t("overview.previous", lang, period=previous.label(lang))
                + f": {fmt_score(before, lang)}",
                border=True,
            )
    if not prev_row:
        st.caption(t("overview.no_previous", lang, period=previous.label(lang)))
    if peers > 1:
        rank, change = row.get("rank"), row.get("rank_change")
        with cols[4]:
            st.metric(
                t("col.rank", lang),
                f"{rank} / {peers}" if rank is not None else t("incomplete", lang),
                **_delta(None if change is None else f"{change:+d}", change),
                help=t("overview.rank.help", lang, prev=prev_row.get("rank") or t("na", lang)),
                border=True,
            )
