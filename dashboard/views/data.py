"""Data: records held, the import log and rejected rows, each unit's data freshness,
the as-of in force."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import signin, state, tables, upload_panel, widgets
from dashboard.export import Needs
from dashboard.i18n import enum_label, fmt_int, md, t
from queries.access.gate import Denied
from queries.access.roles import Area, Reach
from queries.importing.log import IMPORT_STATUSES
from queries.model.db import shown_url
from queries.model.tree import Tree


def render() -> None:
    ctx = state.current()
    f, lang, src = ctx.filters, ctx.lang, ctx.source
    st.title(t("data.title", lang))
    tree = src.tree() if src.has_units else Tree({}, {}, ())
    if ctx.person.reach(Area.DATA) == Reach.NONE:
        try:
            ctx.gate.check(Area.DATA, None, tree, "data page")
        except Denied as exc:
            signin.refuse(exc, lang, key="page")
            return
    whole = ctx.gate.may(Area.DATA, None, tree)
    st.caption(t("data.as_of", lang, as_of=f.as_of.strftime("%Y-%m-%d %H:%M:%S")))
    if whole:  # where the data lives, never with its password
        st.caption(t("data.db", lang, url=md(shown_url(src.url))))

    st.subheader(t("data.counts", lang))
    counts = src.counts()
    for col, (kind, n) in zip(st.columns(len(counts)), counts.items(), strict=True):
        col.metric(t(f"data.kind.{kind}", lang), fmt_int(n, lang), border=True)

    upload_panel.render(ctx, tree)

    st.subheader(t("data.imports", lang))
    if whole:
        _imports(ctx, counts)
    else:
        st.caption(":material/lock: " + t("data.imports.reach", lang))
    _freshness(ctx, tree)


def _imports(ctx: state.Context, counts: dict[str, int]) -> None:
    """The import log and the rejected rows (every unit's: whole-reach roles only)."""
    lang = ctx.lang
    log, rejects = ctx.source.imports()
    if log.is_empty():
        st.caption(t("data.imports.none", lang))
    else:
        shown = log.select(
            pl.col("import_id").alias(t("data.col.import_id", lang)),
            pl.col("file").alias(t("data.col.file", lang)),
            tables.relabel(
                log, "kind", lambda k: t(f"data.kind.{k}", lang) if k in counts else k
            ).alias(t("data.kind", lang)),
            pl.col("started_at")
            .dt.strftime("%Y-%m-%d %H:%M:%S")
            .alias(t("data.col.started", lang)),
            pl.col("finished_at")
            .dt.strftime("%Y-%m-%d %H:%M:%S")
            .alias(t("data.col.finished", lang)),
            pl.col("rows_read").alias(t("data.col.read", lang)),
            pl.col("rows_accepted").alias(t("data.col.accepted", lang)),
            pl.col("rows_rejected").alias(t("data.col.rejected", lang)),
            pl.col("status")
            .replace_strict(
                {k: t(f"data.status.{k}", lang) for k in IMPORT_STATUSES},
                default=pl.col("status"),
            )
            .alias(t("data.col.import_status", lang)),
        )
        widgets.table(ctx, shown, key="da_imports", stem="import_log", needs=Needs(Area.DATA))

    st.subheader(t("data.rejects", lang))
    if rejects.is_empty():
        st.caption(t("data.rejects.none", lang))
    else:
        widgets.table(
            ctx,
            rejects.select(
                pl.col("import_id").alias(t("data.col.import_id", lang)),
                pl.col("file").alias(t("data.col.file", lang)),
                pl.col("row_number").alias(t("data.col.row", lang)),
                pl.col("column_name").alias(t("data.col.column", lang)),
                pl.col("reason").alias(t("data.col.reason", lang)),
            ),
            key="da_rejects",
            stem="rejected_rows",
            needs=Needs(Area.DATA),
        )


def _freshness(ctx: state.Context, tree: Tree) -> None:
    f, lang, src = ctx.filters, ctx.lang, ctx.source
    st.subheader(t("data.freshness", lang))
    st.caption(t("data.freshness.help", lang))
    fresh = ctx.gate.limit(Area.DATA, src.freshness(f.as_of), tree)
    if fresh.is_empty():
        st.caption(t("empty.table", lang))
    else:
        exprs = [
            pl.col("unit_id").alias(t("col.unit_id", lang)),
            (pl.col("name_en").fill_null(pl.col("name")) if lang == "en" else pl.col("name")).alias(
                t("col.unit", lang)
            ),
            tables.relabel(fresh, "level", lambda v: enum_label("level", v, lang)).alias(
                t("col.level", lang)
            ),
        ]
        for kind in ("disclosures", "feedback", "supervision"):
            name = t(f"data.kind.{kind}", lang)
            exprs.append(pl.col(f"{kind}_last").alias(t("data.col.last", lang, kind=name)))
            exprs.append(pl.col(f"{kind}_age_days").alias(t("data.col.age", lang, kind=name)))
        widgets.table(
            ctx,
            fresh.select(exprs),
            key="da_fresh",
            stem="freshness",
            height=420,
            needs=Needs(
                Area.DATA, None if ctx.gate.may(Area.DATA, None, tree) else ctx.person.unit_id
            ),
        )


# run by the router (st.navigation runs a page file as __main__), never on import
if __name__ == "__main__":
    widgets.guarded(render)
