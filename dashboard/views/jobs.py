"""Jobs (admins): every scheduled job with its last and next run and result, the latest
runs, the deliveries from the audit trail, and "run now" (audited as ``job_run``).
Everyone else is refused where the jobs are read (queries.jobs.store.jobs_view)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, signin, state, widgets
from dashboard.i18n import STRINGS, Lang, t
from dashboard.tables import relabel, to_display
from queries.access.gate import Denied
from queries.jobs.store import jobs_view
from queries.vocabulary.formats import labelled
from reports.jobs.runner import run_as


def render() -> None:
    ctx = state.current()
    lang = ctx.lang
    st.title(t("jobs.title", lang))
    try:
        view = jobs_view(ctx.gate)
    except Denied as exc:
        signin.refuse(exc, lang, key="page")
        return
    st.caption(t("jobs.help", lang))
    if view.jobs.is_empty():
        st.info(t("jobs.none", lang), icon=":material/info:")
        return
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    name = c1.selectbox(t("jobs.run.pick", lang), view.jobs["name"].to_list(), key="jobs_pick")
    if c2.button(t("jobs.run.button", lang), icon=":material/play_arrow:", key="jobs_run"):
        _run_now(ctx, str(name), lang)
        view = jobs_view(ctx.gate)  # the run's result in the tables below
    jobs = view.jobs.with_columns(
        relabel(view.jobs, "kind", lambda k: t(f"jobs.kind.{k}", lang)),
        relabel(view.jobs, "scope", lambda s: t("jobs.scope.all", lang) if s == "all" else s),
        relabel(view.jobs, "last_result", lambda r: result_text(r, lang)),
    )
    _table(jobs, lang, key="jobs_table")
    st.subheader(t("jobs.runs", lang))
    if view.runs.is_empty():
        st.caption(t("jobs.runs.none", lang))
    else:
        runs = view.runs.with_columns(relabel(view.runs, "result", lambda r: result_text(r, lang)))
        _table(runs, lang, key="jobs_runs")
    st.subheader(t("jobs.deliveries", lang))
    if view.deliveries.is_empty():
        st.caption(t("jobs.deliveries.none", lang))
    else:
        _table(view.deliveries, lang, key="jobs_deliveries")


def _run_now(ctx: state.Context, name: str, lang: Lang) -> None:
    settings = data.get_settings(data.config_path())
    with st.spinner(t("jobs.run.running", lang, job=name)):
        try:
            outcome = run_as(ctx.gate, settings, name, state.local_now())
        except Denied as exc:
            signin.refuse(exc, lang, key="page")
            return
    if outcome is None:
        return
    if outcome.result is None:
        st.warning(t("jobs.run.busy", lang, job=name), icon=":material/hourglass:")
        return
    shown = t("jobs.run.done", lang, job=name, result=result_text(outcome.result, lang))
    if outcome.failed:
        st.error(shown, icon=":material/error:")
    else:
        st.success(shown, icon=":material/check_circle:")


def result_text(result: str, lang: Lang) -> str:
    """cli.md's ``ok``, ``failed: CAUSE``, ``skipped: CAUSE`` (and ``running``, a run
    not finished) in the page's language: the causes the runs word themselves
    translated, any other as the run wrote it.

    >>> result_text("skipped: still being written: a.csv, b.csv", "zh")
    '跳过：文件仍在写入：a.csv, b.csv'
    >>> result_text("failed: did not finish", "zh"), result_text("running", "en")
    ('失败：未运行完（进程中止）', 'running')
    """
    word, sep, cause = result.partition(": ")
    if word not in ("ok", "failed", "skipped", "running"):
        return result
    known, rest_sep, rest = cause.partition(": ")
    if f"jobs.cause.{known}" in STRINGS:
        cause = t(f"jobs.cause.{known}", lang)
        cause = labelled(cause, rest, lang) if rest_sep else cause
    head = t(f"jobs.result.{word}", lang)
    return labelled(head, cause, lang) if sep else head


def _table(frame: pl.DataFrame, lang: Lang, *, key: str) -> None:
    shown = frame.with_columns(pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M"))
    st.dataframe(
        to_display(shown.rename({c: t(f"jobs.col.{c}", lang) for c in shown.columns})),
        hide_index=True,
        width="stretch",
        placeholder=widgets.NULL_CELL,
        key=key,
    )


# run by the router (st.navigation runs a page file as __main__), never on import
if __name__ == "__main__":
    widgets.guarded(render)
