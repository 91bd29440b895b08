"""The briefing's charts and the machine's fonts (issue 19; reports/fonts.py): a CJK font
installed after matplotlib's font cache was written is found all the same, and on a
machine with no CJK font the briefing is refused (exit 2 naming the font to install),
never written with boxes. Real ``openness briefing`` processes, each with its own
matplotlib cache (``MPLCONFIGDIR``) and, for the hidden fonts, its own fontconfig."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import openness_env, seed_tiny

BRIEFING = ("briefing", "--period", "2026-Q2", "--as-of", "2026-06-30", "--format", "html")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("fonts")
    return tmp, seed_tiny(tmp)


@pytest.fixture(scope="module")
def stale(tiny: tuple[Path, str]) -> Path:
    """One stale matplotlib cache for the module (building one takes seconds)."""
    tmp, _ = tiny
    return stale_cache(tmp / "mpl-stale", openness_env(tmp))


def copy_of(stale: Path, tmp_path: Path) -> str:
    folder = tmp_path / "mpl"
    shutil.copytree(stale, folder)
    return str(folder)


def stale_cache(folder: Path, env: dict[str, str]) -> Path:
    """A matplotlib config folder whose font cache predates every CJK font: the cache
    matplotlib writes here, without the entries of the fonts fontconfig lists for
    Chinese (as on a machine where fonts-noto-cjk came after matplotlib's first run)."""
    folder.mkdir()
    env = {**env, "MPLCONFIGDIR": str(folder)}
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=True)
    (cache,) = folder.glob("fontlist-*.json")
    zh = subprocess.run(
        ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=True
    ).stdout
    files = {line.split(":")[0] for line in zh.splitlines() if line}
    assert files, "the test machine has a CJK font (fonts-noto-cjk)"
    fonts = json.loads(cache.read_text(encoding="utf-8"))
    fonts["ttflist"] = [f for f in fonts["ttflist"] if f["fname"] not in files]
    cache.write_text(json.dumps(fonts), encoding="utf-8")
    return folder


def briefing(
    env: dict[str, str], url: str, out: Path, lang: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "openness", *BRIEFING, "--lang", lang, "--db", url, "--out", str(out)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip


def test_a_cjk_font_newer_than_the_cache_is_found(
    tiny: tuple[Path, str], stale: Path, tmp_path: Path
) -> None:
    tmp, url = tiny
    env = openness_env(tmp)
    env["MPLCONFIGDIR"] = copy_of(stale, tmp_path)
    out = tmp_path / "briefing.html"
    done = briefing(env, url, out, "zh")
    assert done.returncode == 0, done.stderr
    assert "missing from font" not in done.stderr, done.stderr
    html = out.read_text(encoding="utf-8")
    # matplotlib names each glyph it draws as a path after its font: Chinese ones from
    # a Noto CJK face, none from DejaVu Sans that would be boxes
    assert 'id="NotoSansCJK' in html, html[:2000]


def test_no_cjk_font_at_all_is_refused_naming_the_font(
    tiny: tuple[Path, str], stale: Path, tmp_path: Path
) -> None:
    tmp, url = tiny
    env = openness_env(tmp)
    # fontconfig that knows only DejaVu, and a matplotlib cache without any CJK font
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        "<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
        "<dir>/usr/share/fonts/truetype/dejavu</dir>"
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env["MPLCONFIGDIR"] = copy_of(stale, tmp_path)
    env["FONTCONFIG_FILE"] = str(conf)
    out = tmp_path / "briefing.html"
    done = briefing(env, url, out, "zh")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no font on this machine can draw"), (
        done.stderr
    )
    assert "fonts-noto-cjk" in lines[0]
    assert not out.exists()
