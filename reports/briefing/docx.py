"""The liaison briefing as a Word document (python-docx), A4.

Chinese text needs the East Asian font slot (``w:eastAsia`` on ``w:rFonts``):
python-docx's ``font.name`` only sets the Latin slots, and Word then shows
Chinese in whatever default it picks. Styles Normal, Title and the headings
get Microsoft YaHei (what Windows offices have) for East Asian text; a
machine without it (LibreOffice on Linux) substitutes its CJK font, e.g.
Noto Sans CJK SC, which the font table names as the alternative.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle

from reports.blocks import (
    Bullets,
    Document,
    Heading,
    Image,
    Paragraph,
    Table,
)
from reports.briefing.layout import briefing_document
from reports.briefing.model import Briefing

EAST_ASIAN_FONT = "Microsoft YaHei"
EAST_ASIAN_FALLBACK = "Noto Sans CJK SC"
LATIN_FONT = "Arial"
ACCENT = RGBColor(0x1F, 0x5F, 0xA8)
MUTED = RGBColor(0x5A, 0x5A, 0x5A)
# text width of A4 with 20 mm side margins
TEXT_WIDTH_MM = 170
# charts a little narrower than the text: two fit on a page with the text around them
CHART_WIDTH_MM = 145


def _set_fonts(style: BaseStyle, size: float | None = None, bold: bool | None = None) -> None:
    """Latin and East Asian fonts of a style."""
    font = style.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    rfonts.set(qn("w:cs"), LATIN_FONT)
    # theme fonts would override the explicit ones in Word
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _font_alternative(doc: DocxDocument) -> None:
    """Name Noto Sans CJK SC as the alternative of the East Asian font in the font table."""
    part = doc.part
    for rel in part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            table = rel.target_part
            break
    else:
        return
    from lxml import etree

    root = etree.fromstring(table.blob)
    font = OxmlElement("w:font")
    font.set(qn("w:name"), EAST_ASIAN_FONT)
    alt = OxmlElement("w:altName")
    alt.set(qn("w:val"), EAST_ASIAN_FALLBACK)
    font.append(alt)
    charset = OxmlElement("w:charset")
    charset.set(qn("w:val"), "86")  # GB2312
    font.append(charset)
    family = OxmlElement("w:family")
    family.set(qn("w:val"), "swiss")
    font.append(family)
    root.append(font)
    table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    styles = doc.styles
    _set_fonts(styles["Normal"], 10.5)
    styles["Normal"].paragraph_format.space_after = Pt(4)
    styles["Normal"].paragraph_format.line_spacing = 1.25
    _set_fonts(styles["Title"], 20, True)
    styles["Title"].font.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)
    for name, size in (("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 11)):
        _set_fonts(styles[name], size, True)
        styles[name].font.color.rgb = ACCENT if name == "Heading 1" else RGBColor(0x1A, 0x1A, 0x1A)
        styles[name].paragraph_format.space_before = Pt(12 if name == "Heading 1" else 8)
        styles[name].paragraph_format.space_after = Pt(4)
    for name in ("List Bullet", "Table Grid", "Caption"):
        if name in [s.name for s in styles]:
            _set_fonts(styles[name])
    _font_alternative(doc)


def _cell_text(
    cell, text: str, *, bold: bool = False, right: bool = False, size: float = 9
) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = 1.1
    if right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold


def _table(doc: DocxDocument, tab: Table) -> None:
    table = doc.add_table(rows=1 + len(tab.rows), cols=len(tab.header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = tab.widths or tuple(1.0 for _ in tab.header)
    total = sum(widths)
    for i, h in enumerate(tab.header):
        cell = table.rows[0].cells[i]
        _cell_text(cell, h, bold=True, right=tab.numeric[i])
        _shade(cell, "E8EEF6")
    for r, row in enumerate(tab.rows, start=1):
        bold = tab.total_row and r == len(tab.rows)
        for i, text in enumerate(row):
            _cell_text(table.rows[r].cells[i], text, bold=bold, right=tab.numeric[i])
    # fixed layout: Word reads the cell widths, LibreOffice the grid columns
    table.autofit = False
    for i, w in enumerate(widths):
        width = Mm(TEXT_WIDTH_MM * w / total)
        table.columns[i].width = width
        for row_ in table.rows:
            row_.cells[i].width = width
    # repeat the header row on each page
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for note in tab.notes:
        p = doc.add_paragraph()
        run = p.add_run(note)
        run.font.size = Pt(8.5)
        run.font.color.rgb = MUTED
    if not tab.notes:
        doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def render_docx(doc_model: Document) -> bytes:
    """The document as DOCX bytes."""
    doc = new_document()
    _setup(doc)
    doc.core_properties.title = doc_model.title
    doc.core_properties.language = "zh-CN" if doc_model.lang == "zh" else "en-GB"
    doc.add_paragraph(doc_model.title, style="Title")
    sub = doc.add_paragraph()
    run = sub.add_run(doc_model.subtitle)
    run.font.color.rgb = MUTED
    for label, value in doc_model.meta:
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        r = p.add_run(f"{label}：" if doc_model.lang == "zh" else f"{label}: ")
        r.font.color.rgb = MUTED
        p.add_run(value)
    for block in doc_model.blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=min(block.level, 3))
        elif isinstance(block, Paragraph):
            p = doc.add_paragraph()
            run = p.add_run(block.text)
            if block.style == "note":
                run.font.size = Pt(8.5)
                run.font.color.rgb = MUTED
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Image):
            doc.add_picture(io.BytesIO(block.chart.png), width=Mm(CHART_WIDTH_MM))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if block.caption:
                doc.add_paragraph(block.caption, style="Caption")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def briefing_docx(b: Briefing) -> bytes:
    """The briefing as DOCX bytes."""
    return render_docx(briefing_document(b))


def write_docx(b: Briefing, path: Path) -> None:
    path.write_bytes(briefing_docx(b))
