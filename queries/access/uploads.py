"""Record files uploaded on the Data page, imported for the person who uploads them
(access.md, "Added with jobs, uploads, goals and notes").

The reach is enforced here, where the import writes, not on the page: a person whose
upload reach is none is refused (``denied``, audited) before anything is read; a unit
head's file is imported with the reach of their subtree
(:func:`queries.importing.run.import_files`'s ``reach``), so each row naming another
unit is rejected with that reason, and the rejects file says so. Every import is the
command line's own (``openness import``); each file is audited as ``upload`` with its
name, kind and rows accepted and rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from queries.access import audit
from queries.access.gate import Denied, Gate
from queries.access.roles import Area, Reach
from queries.importing.run import ImportResult, ImportUsageError, UnusableFileError, import_files
from queries.importing.validate import Labels
from queries.model.tree import Tree

__all__ = ["may_upload", "upload_detail", "upload_files"]


def may_upload(gate: Gate) -> bool:
    """Whether the gate's person may upload record files at all."""
    return gate.person.reach(Area.UPLOAD) != Reach.NONE


def upload_detail(result: ImportResult) -> str:
    """The ``upload`` event's detail: file, kind, rows accepted / rejected.

    >>> from queries.importing.run import ImportResult
    >>> upload_detail(ImportResult("march_feedback.xlsx", "feedback", 7, "committed",
    ...                            5, 3, 2, ""))
    'march_feedback.xlsx: feedback, 3 accepted / 2 rejected'
    """
    text = f"{result.file}: {result.kind}, {result.rows_accepted} accepted / "
    text += f"{result.rows_rejected} rejected"
    return text + ("" if result.status == "committed" else f" ({result.status})")


def upload_files(
    gate: Gate,
    tree: Tree,
    paths: list[Path],
    *,
    kind: str | None = None,
    labels: Labels | None = None,
    names: Mapping[Path, str] | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> list[ImportResult]:
    """Import ``paths`` for the gate's person, within their upload reach.

    ``names``: each path's name as uploaded (what the log, the rejects file and the
    audit call it). Raises :class:`~queries.access.gate.Denied` (audited) when the
    person may not upload; else what ``import_files`` raises.
    """
    person = gate.person
    scope = person.reach(Area.UPLOAD)
    if scope == Reach.NONE or (scope == Reach.SUBTREE and person.unit_id is None):
        gate.check(Area.UPLOAD, None, tree, "upload")
        raise Denied(person, Area.UPLOAD, None)  # pragma: no cover - check raised
    reach = None if scope == Reach.ALL else person.unit_id
    where = audit.Where(
        page=gate.where.page, unit_id=reach, period=gate.where.period, as_of=gate.where.as_of
    )
    try:
        results = import_files(
            gate.engine,
            paths,
            kind=kind,
            progress=False,
            labels=labels,
            reach=reach,
            on_rows=on_rows,
            names=names,
        )
    except (ImportUsageError, UnusableFileError) as exc:
        shown = ", ".join((names or {}).get(p, p.name) for p in paths)
        why = exc.reason if isinstance(exc, UnusableFileError) else str(exc)
        audit.write(gate.engine, "upload", person, where, detail=f"{shown}: failed ({why})")
        raise
    for result in results:
        audit.write(
            gate.engine,
            "upload",
            person,
            where,
            records=result.rows_accepted,
            detail=upload_detail(result),
        )
    return results
