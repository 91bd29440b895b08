"""``openness import``: record files into the database (spec/cli.md, spec/records.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from openness.app import EXIT_OK, EXIT_PROBLEMS, DbOption, app, err, fail, open_database


@app.command("import")
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Record files (.csv or .xlsx). The kind comes from the name: it must contain "
            "units, disclosures, feedback or supervision (e.g. 2026-03_feedback.csv).",
            show_default=False,
        ),
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="The kind of every file given: units, disclosures, feedback or supervision.",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Any rejected row means nothing from that file is written."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Import record files: units first, each file in one transaction, rows upserted by key."""
    from queries.importing.run import ImportUsageError, UnusableFileError, import_files

    engine = open_database(db, create=True)
    try:
        results = import_files(engine, files, kind=kind, strict=strict, progress=True)
    except ImportUsageError as exc:
        fail(str(exc))
    except UnusableFileError as exc:
        fail(f"{exc} (nothing imported from it)")
    finally:
        engine.dispose()
    status = EXIT_OK
    for r in results:
        line = (
            f"{r.file}: {r.kind}, 读取 {r.rows_read:,} 行, 接受 {r.rows_accepted:,}, "
            f"拒绝 {r.rows_rejected:,} / {r.rows_read:,} rows read, {r.rows_accepted:,} accepted, "
            f"{r.rows_rejected:,} rejected"
        )
        if r.status == "rolled_back":
            line += " — 严格模式，本文件未写入 / strict mode: nothing written from this file (rolled back)"
        err.print(line, markup=False)
        if r.rejects_file is not None:
            err.print(f"  rejected rows / 被拒绝的行: {r.rejects_file}", markup=False)
            for row, column, reason in r.rejects.head(3).iter_rows():
                err.print(f"  row {row}, {column}: {reason}", markup=False)
            if r.rejects.height > 3:
                err.print(f"  ... and {r.rejects.height - 3:,} more in the file", markup=False)
        status = max(status, r.exit_code)
    if status == EXIT_PROBLEMS:
        raise typer.Exit(EXIT_PROBLEMS)
