"""Publishing the bundle atomically (reports/public/publishing.py, `openness publish`)."""

from __future__ import annotations

import errno
import os
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from openness.cli import app
from reports.public.publishing import PublishError, foreign_entries, publish_folder
from seed_data.generator import seed_database


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # frame caches go to <OPENNESS_DATA>/cache: keep them out of the project's data/
    monkeypatch.setenv("OPENNESS_DATA", str(tmp_path / "data"))


OLD = {"index.html": b"<p>last quarter</p>", "summary.csv": b"a\r\n1\r\n"}
NEW = {"index.html": b"<p>this quarter</p>" * 1000, "summary.csv": b"a\r\n2\r\n"}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_publish_replaces_the_previous_bundle_whole(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_folder(OLD, site)
    assert _snapshot(site) == OLD
    paths = publish_folder(NEW, site)
    assert paths == [site / "index.html", site / "summary.csv"]
    assert _snapshot(site) == NEW
    # nothing left beside it
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_failure_part_way_leaves_the_previous_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    publish_folder(OLD, site)
    calls = {"n": 0}
    real_fsync = os.fsync

    def disk_full_on_second(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", disk_full_on_second)
    with pytest.raises(OSError, match="No space"):
        publish_folder(NEW, site)
    assert _snapshot(site) == OLD  # before: a truncated index.html beside the old files
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_refuses_a_folder_with_foreign_files_unless_forced(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("mine")
    (site / "index.html").write_text("old")
    assert foreign_entries(site, NEW) == ["notes.txt"]
    with pytest.raises(PublishError, match=r"notes\.txt"):
        publish_folder(NEW, site)
    assert (site / "notes.txt").read_text() == "mine"
    publish_folder(NEW, site, force=True)
    assert _snapshot(site) == NEW


def test_never_follows_a_symlink_out_of_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "passwd"
    outside.write_text("root:x:0:0")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").symlink_to(outside)
    with pytest.raises(PublishError, match=r"index\.html"):
        publish_folder(NEW, site)
    publish_folder(NEW, site, force=True)
    assert outside.read_text() == "root:x:0:0"  # before: overwritten through the link
    assert not (site / "index.html").is_symlink()
    assert _snapshot(site) == NEW


def test_a_symlinked_target_is_replaced_not_followed(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "keep.txt").write_text("keep")
    site = tmp_path / "site"
    site.symlink_to(real)
    with pytest.raises(PublishError, match="symlink"):
        publish_folder(NEW, site)
    publish_folder(NEW, site, force=True)
    assert not site.is_symlink() and _snapshot(site) == NEW
    assert _snapshot(real) == {"keep.txt": b"keep"}


def test_a_file_as_target_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "site"
    f.write_text("x")
    with pytest.raises(PublishError, match="not a folder"):
        publish_folder(NEW, f, force=True)


def test_cli_publish_refuses_foreign_files_and_forces(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    seed_database(engine, "tiny", 7, date(2026, 4, 10), progress=False)
    site = tmp_path / "site"
    site.mkdir()
    (site / "secret.docx").write_bytes(b"x")
    args = ["publish", "--period", "2026-03", "--as-of", "2026-04-10", "--db", db_url]
    res = CliRunner().invoke(app, [*args, "--out", str(site)])
    assert res.exit_code == 2
    assert "secret.docx" in res.stderr and "--force" in res.stderr
    assert "Traceback" not in res.output
    assert [p.name for p in site.iterdir()] == ["secret.docx"]
    res = CliRunner().invoke(app, [*args, "--out", str(site), "--force"])
    assert res.exit_code == 0, res.stderr
    assert sorted(p.name for p in site.iterdir()) == [
        "embed.html",
        "index.html",
        "methodology.html",
        "summary.csv",
        "summary.json",
    ]


def test_cli_out_file_is_written_beside_then_renamed(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    seed_database(engine, "tiny", 7, date(2026, 4, 10), progress=False)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep")
    link = tmp_path / "table.csv"
    link.symlink_to(outside)
    res = CliRunner().invoke(
        app,
        [
            "indicators",
            "--period",
            "2026-03",
            "--as-of",
            "2026-04-10",
            "--db",
            db_url,
            "--out",
            str(link),
        ],
    )
    assert res.exit_code == 0, res.stderr
    assert outside.read_text() == "keep"  # before: written through the symlink
    assert not link.is_symlink() and link.read_bytes().startswith(b"\xef\xbb\xbf")
