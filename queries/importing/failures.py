"""How an import that fails part-way is said and logged: one exit-2 error naming the
file (or the database, or the rejects folder) and the cause, never a traceback."""

from __future__ import annotations

import contextlib
from pathlib import Path

import sqlalchemy as sa

from queries.importing.log import finish_log
from queries.importing.source import UnusableFileError
from queries.importing.write import Stage
from queries.model.clock import now_local
from queries.model.db import hide_secrets, shown_url
from queries.vocabulary.text import Text


def cause(exc: BaseException) -> str:
    """An exception as the log's one-line message."""
    if isinstance(exc, KeyboardInterrupt):
        return "中断 / interrupted (Ctrl-C)"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


def environment_error(
    exc: BaseException, engine: sa.Engine, rejects_file: Path | None, source: str = ""
) -> UnusableFileError | None:
    """The exit-2 error for a file or environment that failed part-way, else None
    (an interrupt: Ctrl-C, a signal, a system exit, is raised as it is).

    Any other error while importing ``source`` names the file and the error in one
    line, never a traceback; the file is rolled back and logged ``failed`` with it.
    """
    if isinstance(exc, UnusableFileError):
        return exc
    if isinstance(exc, OSError):
        where = exc.filename or rejects_file or "rejects file"
        why = exc.strerror or exc
        return UnusableFileError(
            where, Text(f"无法写入被拒行文件：{why}", f"cannot write the rejects file: {why}")
        )
    if isinstance(exc, sa.exc.DBAPIError):
        orig = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        url = shown_url(engine.url)
        orig = hide_secrets(orig, engine.url)
        return UnusableFileError(
            f"database {url}", Text(f"数据库出错：{orig}", f"database error: {orig}")
        )
    if isinstance(exc, Exception) and source:
        text = str(exc).strip()
        first = text.splitlines()[0] if text else ""
        why = f"{type(exc).__name__}: {first}"
        return UnusableFileError(source, Text(f"无法导入：{why}", f"cannot be imported: {why}"))
    return None


def log_failure(engine: sa.Engine, import_id: int, rows_read: int, message: str) -> None:
    """Log the import ``failed`` with its cause (if the database still takes a write:
    else the log row stays ``running`` until :func:`settle_interrupted` finds it)."""
    with contextlib.suppress(Exception), engine.begin() as log_conn:
        finish_log(
            log_conn,
            import_id,
            {
                "finished_at": now_local(),
                "status": "failed",
                "rows_read": rows_read,
                "message": message,
            },
        )


def stage_close(stage: Stage | None) -> None:
    """Let a merge in flight end before rolling back (its own error is moot then)."""
    if stage is None:
        return
    with contextlib.suppress(Exception):
        stage.wait()
    stage.close()
