"""The fonts the briefing's charts draw with: a CJK font found whatever matplotlib's
font cache says, and a chart refused rather than drawn with boxes.

matplotlib lists the machine's fonts once, in a cache (``fontlist-*.json`` under
``MPLCONFIGDIR``) it never refreshes: a CJK font installed after matplotlib first ran
is not in it, and every Chinese character would be drawn as a box. When none of the
known CJK families is in the cache, the font files fontconfig knows for Chinese (else,
without fontconfig, the system's font folders) are added to matplotlib's list in this
process.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess

from matplotlib import font_manager

# Noto Sans CJK SC is the Debian font (fonts-noto-cjk); the others are what Windows,
# macOS and other Linux distributions have
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
)
# DejaVu Sans (matplotlib's own) covers Latin digits and signs
LATIN_FAMILY = "DejaVu Sans"
INSTALL_HINT = (
    "install a Chinese font: fonts-noto-cjk (Debian, Ubuntu: apt install fonts-noto-cjk; "
    "RHEL, Fedora: google-noto-sans-cjk-fonts), or Microsoft YaHei or SimHei"
)
# file names of CJK fonts, for a machine without fontconfig
_CJK_FILE = re.compile(r"cjk|sourcehan|msyh|simhei|simsun|pingfang|wqy|wenquanyi", re.IGNORECASE)


class ChartFontMissing(Exception):
    """A chart's labels hold characters no font found can draw."""


def _fontconfig_files() -> list[str] | None:
    """The files fontconfig knows with Chinese coverage, sans-serif ones first; None
    when fontconfig's ``fc-list`` is not installed."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        done = subprocess.run(
            [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    files = sorted({line.split(":")[0].strip() for line in done.stdout.splitlines() if line})
    return sorted(files, key=lambda f: ("Sans" not in f, "Bold" in f or "Mono" in f, f))


def _disk_files() -> list[str]:
    found = _fontconfig_files()
    if found is not None:
        return found
    files = font_manager.findSystemFonts(fontext="ttf")  # .otf and .ttc too
    return sorted(f for f in files if _CJK_FILE.search(f))


@functools.cache
def chart_families() -> tuple[str, ...]:
    """The sans-serif families charts ask for: the CJK families matplotlib knows, else
    the family of a CJK font file found on the machine (added to matplotlib's list),
    then DejaVu Sans. Without any CJK font, DejaVu Sans alone: a chart with Chinese
    labels is then refused (:func:`check_drawn`)."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    found = [name for name in CJK_FAMILIES if name in known]
    if not found:
        for path in _disk_files():
            before = len(font_manager.fontManager.ttflist)
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # unreadable, not a font
                continue
            found.extend(f.name for f in font_manager.fontManager.ttflist[before:])
            if found:
                break
    return (*dict.fromkeys(found), LATIN_FAMILY)


def check_drawn(warnings_seen: list[str], title: str) -> None:
    """Raise :class:`ChartFontMissing` when drawing the chart ``title`` warned of
    glyphs missing from its fonts (matplotlib would have drawn boxes)."""
    glyphs = sorted(
        {m.group(1) for w in warnings_seen if (m := re.search(r"Glyph \d+ \((.*?)\)", w))}
    )
    if glyphs:
        shown = ", ".join(glyphs[:3]) + (", ..." if len(glyphs) > 3 else "")
        raise ChartFontMissing(
            f"no font on this machine can draw the chart {title!r} ({shown}): {INSTALL_HINT}"
        )
