"""Reading a lake (:mod:`queries.store.lake`): its manifest, the files it names, whether
it is the database's as it is, and its files checked against their SHA-256 before use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from queries.store.changes import records_marker
from queries.store.lake_folder import (
    FORMAT,
    PARTITIONED,
    VERSION,
    LakeError,
    file_sha256,
    raw_manifest,
)


def read_manifest(directory: Path | str) -> dict[str, Any] | None:
    """The lake's manifest (``_lake.json``), None when there is none or it is not a
    manifest of this format and version."""
    raw = raw_manifest(Path(directory))
    if raw is None or raw.get("format") != FORMAT or raw.get("version") != VERSION:
        return None
    return raw


def lake_files(manifest: dict[str, Any], table: str) -> list[str]:
    """The files of ``table`` that ``manifest`` names, relative to the lake's folder
    (what a reader that follows the manifest reads; read them with the folder given
    as the base path for the ``month`` column)."""
    entry = manifest["tables"][table]
    if "file" in entry:
        return [entry["file"]["file"]]
    return [p["file"] for _, p in sorted(entry["partitions"].items())]


def lake_is_current(engine: sa.Engine, directory: Path | str) -> bool:
    """Whether the lake at ``directory`` holds the database's records as they are: its
    manifest records the database's present change marker (a marker the database
    cannot give is never current) and every file it names exists."""
    manifest = read_manifest(directory)
    if manifest is None or manifest.get("change_marker") is None:
        return False
    if manifest["change_marker"] != records_marker(engine):
        return False
    root = Path(directory)
    return all((root / f).is_file() for t in manifest["tables"] for f in lake_files(manifest, t))


def manifest_parts(manifest: dict[str, Any], table: str) -> list[dict[str, Any]]:
    """The manifest's entries of ``table``'s files (one for an unpartitioned table)."""
    entry = manifest["tables"][table]
    if "file" in entry:
        return [entry["file"]]
    return [p for _, p in sorted(entry["partitions"].items())]


def verified_manifest(
    directory: Path | str, tables: tuple[str, ...] = PARTITIONED
) -> dict[str, Any]:
    """The lake's manifest once every file of ``tables`` it names is there with the
    SHA-256 it records (a file is hashed once per process while its size and time
    stay): a lake is never trusted blindly. Raises :class:`LakeError` naming the first
    file missing or changed, or saying there is no lake."""
    root = Path(directory)
    manifest = read_manifest(root)
    if manifest is None:
        raise LakeError(f"no lake at {root} (write one with `openness lake export {root}`)")
    for table in tables:
        for part in manifest_parts(manifest, table):
            path = root / part["file"]
            if not path.is_file():
                raise LakeError(f"lake at {root}: {part['file']} is missing")
            if file_sha256(path) != part["sha256"]:
                raise LakeError(
                    f"lake at {root}: {part['file']} is not the file the lake wrote "
                    "(changed since); export the lake again"
                )
    return manifest
