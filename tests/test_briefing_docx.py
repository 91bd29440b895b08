"""The briefing as DOCX: opens in python-docx, Chinese fonts set, converts with LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import ARTIFACTS
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from queries.model.periods import Period
from queries.model.settings import DEFAULT_SETTINGS
from queries.store.schemas import make_frames
from reports.briefing.docx import EAST_ASIAN_FONT, briefing_docx
from reports.briefing.model import build_briefing
from seed_data.generator import generate


@pytest.fixture(scope="module")
def frames():  # type: ignore[no-untyped-def]
    return make_frames(**generate("tiny", 7, date(2026, 4, 10)))


def _docx(frames, lang: str) -> bytes:  # type: ignore[no-untyped-def]
    b = build_briefing(
        frames, Period.parse("2026-Q1"), datetime(2026, 4, 10), DEFAULT_SETTINGS, lang=lang
    )
    return briefing_docx(b)


def test_docx_opens_with_east_asian_fonts_on_a4(frames) -> None:  # type: ignore[no-untyped-def]
    doc = Document(io.BytesIO(_docx(frames, "zh")))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        rfonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == EAST_ASIAN_FONT, name
        assert rfonts.get(qn("w:eastAsiaTheme")) is None, name
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "警务公开工作情况通报" in text
    assert "一、总体情况" in text and "四、代表委员反映事项办理情况" in text
    # charts are pictures; tables: headline, 3 dimensions, levels, deputies x2, public, notes
    assert len(doc.inline_shapes) >= 2
    assert len(doc.tables) >= 9


def _soffice_pdf(docx: Path, out_dir: Path) -> Path:
    # a private profile: parallel runs must not share LibreOffice's lock
    profile = (out_dir / "lo-profile").as_uri()
    proc = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(docx),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    pdf = out_dir / (docx.stem + ".pdf")
    assert pdf.exists(), proc.stdout + proc.stderr
    return pdf


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_docx_converts_with_libreoffice(frames, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    assert shutil.which("soffice"), "LibreOffice (soffice) is required"
    path = tmp_path / f"briefing_{lang}.docx"
    path.write_bytes(_docx(frames, lang))
    pdf = _soffice_pdf(path, tmp_path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    if lang == "zh":
        assert "警务公开工作情况通报" in text
        assert "代表委员反映事项办理情况" in text
        fonts = subprocess.run(
            ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        # Chinese was drawn with a CJK font (not boxes from a Latin one)
        assert "CJK" in fonts
    else:
        assert "Police Affairs Openness Briefing" in text
        assert "Items raised by deputies and members" in text
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / f"briefing_docx_{lang}")],
        check=True,
    )
    assert (ARTIFACTS / f"briefing_docx_{lang}-1.png").exists()
