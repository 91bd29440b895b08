"""The Data page's upload: a record file previewed, then imported by ``openness import``'s
own code for the person who uploads it (queries/access/uploads.py enforces the reach
and audits), with a progress bar, the result and the rejects file to download.

Only drawing here: the preview comes from :func:`queries.importing.preview.preview_file`,
the import from :func:`queries.access.uploads.upload_files`.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import signin, state, widgets
from dashboard.downloads import Needs, deferred
from dashboard.export import CSV_MIME
from dashboard.i18n import fmt_int, md, t
from dashboard.tables import to_display
from queries.access.gate import Denied
from queries.access.roles import Area, Reach
from queries.access.uploads import may_upload, upload_files
from queries.importing.preview import Preview, preview_file
from queries.importing.read import kind_from_name
from queries.importing.run import ImportResult, ImportUsageError, UnusableFileError
from queries.model.records import IMPORT_ORDER
from queries.model.tree import Tree

MB = 1024 * 1024
# the session's uploaded file kept on disk between runs: file id -> _Held
_HELD = "da_upload_held"
_DONE = "da_upload_done"


@dataclass
class _Held:
    """An uploaded file written to a folder of its own, under its own name."""

    file_id: str
    name: str
    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / self.name


def render(ctx: state.Context, tree: Tree) -> None:
    """The upload section, for a person who may upload; nothing for anyone else."""
    if not may_upload(ctx.gate):
        return
    lang = ctx.lang
    limit = ctx.source.settings.upload_max_mb
    person = ctx.person
    st.subheader(t("data.upload", lang))
    subtree = person.reach(Area.UPLOAD) == Reach.SUBTREE
    reach = (
        t(
            "data.upload.reach.subtree",
            lang,
            unit=md(widgets.scope_name(ctx, person.unit_id)),
            unit_id=md(person.unit_id),
        )
        if subtree
        else t("data.upload.reach.all", lang)
    )
    st.caption(t("data.upload.help", lang, mb=limit, reach=reach))
    uploaded = st.file_uploader(
        t("data.upload.file", lang),
        type=["csv", "xlsx", "xls"],
        key="da_upload",
        max_upload_size=limit,
    )
    if uploaded is None:
        _forget()
        return
    if uploaded.size > limit * MB:
        size = f"{uploaded.size / MB:.1f}"
        st.error(
            t("data.upload.too_big", lang, name=md(uploaded.name), size=size, mb=limit),
            icon=":material/block:",
        )
        return
    held = _hold(uploaded)
    done: dict[str, Any] | None = st.session_state.get(_DONE)
    if done is not None and done.get("file_id") == held.file_id:
        _result(ctx, done["results"], done["reach"])
        st.caption(t("data.upload.again", lang))
        return
    kinds = [k for k in IMPORT_ORDER if not (subtree and k == "units")]
    named = kind_from_name(held.name)
    kind = st.selectbox(
        t("data.upload.kind", lang),
        kinds,
        index=kinds.index(named) if named in kinds else None,
        format_func=lambda k: t(f"data.kind.{k}", lang),
        key=f"da_upload_kind_{held.file_id}",  # a new file: its own kind
    )
    if kind is None:
        st.info(t("data.upload.kind.pick", lang), icon=":material/help:")
        return
    try:
        preview = preview_file(held.path, kind)
    except (ImportUsageError, UnusableFileError) as exc:
        _failed(exc, held, lang)
        return
    _preview(preview, lang)
    if not st.button(t("data.upload.go", lang), type="primary", key="da_upload_go"):
        return
    bar = st.progress(0.0, text=_progress_text(held.name, 0, preview.rows, lang))

    def on_rows(done_rows: int) -> None:
        share = min(done_rows / preview.rows, 1.0) if preview.rows else 1.0
        bar.progress(share, text=_progress_text(held.name, done_rows, preview.rows, lang))

    try:
        results = upload_files(
            ctx.gate,
            tree,
            [held.path],
            kind=kind,
            labels=ctx.source.settings.labels,
            names={held.path: held.name},
            on_rows=on_rows,
        )
    except Denied as exc:
        signin.refuse(exc, lang, key="page")
        return
    except (ImportUsageError, UnusableFileError) as exc:
        _failed(exc, held, lang)
        return
    bar.progress(1.0, text=_progress_text(held.name, preview.rows, preview.rows, lang))
    unit = person.unit_id if subtree else None
    st.session_state[_DONE] = {"file_id": held.file_id, "results": results, "reach": unit}
    _result(ctx, results, unit)


def _progress_text(name: str, done: int, rows: int, lang: Any) -> str:
    return t(
        "data.upload.progress",
        lang,
        name=md(name),
        done=fmt_int(done, lang),
        rows=fmt_int(rows, lang),
    )


def _hold(uploaded: Any) -> _Held:
    """The uploaded file on disk (written once per upload, removed when it goes)."""
    held: _Held | None = st.session_state.get(_HELD)
    if held is not None and held.file_id == uploaded.file_id and held.path.is_file():
        return held
    _forget()
    folder = Path(tempfile.mkdtemp(prefix="openness-upload-"))
    # the uploaded name without any folder part (the importer names the kind from it)
    name = Path(uploaded.name.replace("\\", "/")).name or "upload"
    held = _Held(uploaded.file_id, name, folder)
    held.path.write_bytes(uploaded.getbuffer())
    st.session_state[_HELD] = held
    return held


def _forget() -> None:
    held: _Held | None = st.session_state.pop(_HELD, None)
    if held is not None:
        shutil.rmtree(held.folder, ignore_errors=True)


def _failed(exc: Exception, held: _Held, lang: Any) -> None:
    why = exc.reason if isinstance(exc, UnusableFileError) else str(exc)
    why = why.replace(str(held.path), held.name).replace(str(held.folder), "")
    st.error(t("data.upload.failed", lang, error=md(why)), icon=":material/error:")


def _preview(p: Preview, lang: Any) -> None:
    st.markdown(f"**{t('data.upload.preview', lang)}**")
    st.caption(
        t(
            "data.upload.preview.what",
            lang,
            kind=t(f"data.kind.{p.kind}", lang),
            format=p.format.upper(),
            rows=fmt_int(p.rows, lang),
        )
    )
    if p.sheet is not None:
        st.caption(t("data.upload.preview.sheet", lang, sheet=md(p.sheet), above=p.rows_above))
    st.caption(t("data.upload.preview.header", lang))
    st.text(" | ".join(p.header))  # text as text: the file's own cells
    if p.missing_optional:
        st.caption(t("data.upload.preview.missing", lang, cols=", ".join(p.missing_optional)))
    st.caption(t("data.upload.preview.first", lang, n=p.first.height))
    st.dataframe(
        to_display(p.first),
        hide_index=True,
        width="stretch",
        key="da_upload_first",
        placeholder=widgets.NULL_CELL,
    )


def _result(ctx: state.Context, results: list[ImportResult], unit: str | None) -> None:
    lang = ctx.lang
    for r in results:
        text = t(
            "data.upload.done",
            lang,
            name=md(r.file),
            read=fmt_int(r.rows_read, lang),
            accepted=fmt_int(r.rows_accepted, lang),
            rejected=fmt_int(r.rows_rejected, lang),
        )
        if r.rows_rejected:
            st.warning(text, icon=":material/warning:")
        else:
            st.success(text, icon=":material/check_circle:")
        if r.rejects_file is None or not r.rejects_file.is_file():
            continue
        st.caption(t("data.upload.rejects", lang))
        lines = r.reject_rows.select("row", "key", "columns", "reasons")
        st.dataframe(
            to_display(lines.head(200)),
            hide_index=True,
            width="stretch",
            key=f"da_rej_{r.import_id}",
        )
        path = r.rejects_file
        st.download_button(
            t("data.upload.rejects.file", lang),
            data=deferred(
                path.read_bytes,
                path.name,
                r.rows_rejected,
                widgets.asker(ctx),
                Needs(Area.UPLOAD, unit),
            ),
            file_name=path.name,
            mime=CSV_MIME,
            key=f"da_rej_file_{r.import_id}",
            on_click="ignore",
            icon=":material/download:",
        )
