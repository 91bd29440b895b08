"""``openness import``: record files into the database (docs/spec/cli.md, docs/spec/records.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from openness.app import (
    EXIT_OK,
    EXIT_PROBLEMS,
    DbOption,
    app,
    err,
    fail,
    open_database,
    read_settings,
)

# rejected rows shown in the summary (the rest are in the rejects file)
SHOWN = 3


def _labels(config: Path | None) -> dict[str, dict[str, str | bool]]:
    """The settings' label mappings, or exit 2 naming the setting at fault."""
    if config is None:
        return {}

    settings = read_settings(config)
    labels = getattr(settings, "labels", {})
    return {f: dict(m) for f, m in labels.items()}


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
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Settings file (TOML): its \\[labels.<field>] tables map source labels to codes.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Import record files: units first, each file in one transaction, rows upserted by key."""
    from queries.importing.run import ImportUsageError, UnusableFileError, import_files
    from queries.importing.shown import escape_invisible

    labels = _labels(config)
    engine = open_database(db, create=True)
    try:
        results = import_files(
            engine, files, kind=kind, strict=strict, progress=True, labels=labels
        )
    except ImportUsageError as exc:
        fail(str(exc))
    except UnusableFileError as exc:
        fail(f"{exc} (未导入任何内容 / nothing imported from it)")
    finally:
        engine.dispose()
    status = EXIT_OK
    for r in results:
        where = r.file if r.sheet is None else f"{r.file} [工作表 / sheet {r.sheet}]"
        line = (
            f"{where}: {r.kind}, 读取 {r.rows_read:,} 行, 接受 {r.rows_accepted:,}, "
            f"拒绝 {r.rows_rejected:,} / {r.rows_read:,} rows read, {r.rows_accepted:,} accepted, "
            f"{r.rows_rejected:,} rejected"
        )
        if r.status == "rolled_back":
            line += " — 严格模式，本文件未写入 / strict mode: nothing written from this file (rolled back)"
        err.print(line, markup=False)
        if r.rows_above:
            err.print(
                f"  表头上方 {r.rows_above} 行（标题、说明）已跳过 / {r.rows_above} row(s) above "
                "the header (titles, notes) skipped",
                markup=False,
            )
        if r.rows_below:
            err.print(
                f"  表格下方 {r.rows_below} 行（合计、填报人等表尾）已跳过 / {r.rows_below} "
                "footer row(s) below the table (totals, who filled it in) skipped",
                markup=False,
            )
        if r.rejects_file is not None:
            err.print(f"  rejected rows / 被拒绝的行: {r.rejects_file}", markup=False)
            for row, key, columns, reasons in (
                r.reject_rows.head(SHOWN).select("row", "key", "columns", "reasons").iter_rows()
            ):
                at = f", {columns}" if columns else ""
                shown = escape_invisible(key) if key else "?"
                err.print(f"  row {row} ({shown}){at}: {reasons}", markup=False)
            if r.reject_rows.height > SHOWN:
                more = r.reject_rows.height - SHOWN
                err.print(
                    f"  ... 另有 {more:,} 行 / and {more:,} more rows in the file", markup=False
                )
        status = max(status, r.exit_code)
    if status == EXIT_PROBLEMS:
        raise typer.Exit(EXIT_PROBLEMS)
