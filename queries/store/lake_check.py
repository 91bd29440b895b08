"""A lake is never trusted blindly: every file a computation reads is the file the
export wrote (its SHA-256 against the manifest) before any engine reads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from queries.store.lake import read_manifest
from queries.store.lake_folder import PARTITIONED, LakeError, file_sha256


def _parts(manifest: dict[str, Any], table: str) -> list[dict[str, Any]]:
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
        for part in _parts(manifest, table):
            path = root / part["file"]
            if not path.is_file():
                raise LakeError(f"lake at {root}: {part['file']} is missing")
            if file_sha256(path) != part["sha256"]:
                raise LakeError(
                    f"lake at {root}: {part['file']} is not the file the lake wrote "
                    "(changed since); export the lake again"
                )
    return manifest
