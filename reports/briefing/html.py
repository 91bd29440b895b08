"""The liaison briefing as one self-contained HTML file.

Inline CSS, charts inline as SVG (text drawn as paths, so no font is needed),
no script and no request to any other host. ``@page`` sets A4 so that
printing from a browser gives the same pages as the DOCX, roughly.
"""

from __future__ import annotations

from html import escape

from reports.blocks import (
    Block,
    Bullets,
    Document,
    Heading,
    Image,
    Paragraph,
    Table,
)
from reports.briefing.layout import briefing_document
from reports.briefing.model import Briefing

CSS = """
@page { size: A4; margin: 20mm 18mm 20mm 18mm; }
:root { --ink: #1a1a1a; --muted: #5a5a5a; --rule: #c8c8c8; --accent: #1f5fa8; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body {
  margin: 0 auto; max-width: 820px; padding: 24px 28px 48px; color: var(--ink);
  font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "SimSun", sans-serif;
  line-height: 1.65; background: #fff;
}
html[lang="en"] body { font-family: "Helvetica Neue", Arial, "Noto Sans", "Noto Sans CJK SC",
  "Microsoft YaHei", sans-serif; }
header { border-bottom: 2px solid var(--accent); margin-bottom: 18px; padding-bottom: 10px; }
h1.title { font-size: 1.7rem; margin: 0 0 2px; letter-spacing: .04em; }
p.subtitle { margin: 0 0 8px; color: var(--muted); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0 12px; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
h2 { font-size: 1.25rem; margin: 26px 0 8px; color: var(--accent); break-after: avoid; }
h3 { font-size: 1.08rem; margin: 18px 0 6px; break-after: avoid; }
h4 { font-size: 1rem; margin: 14px 0 4px; break-after: avoid; }
p { margin: 6px 0; }
p.lead { font-size: 1.05rem; }
p.note { color: var(--muted); font-size: .85rem; }
ul { margin: 6px 0 10px; padding-left: 1.3em; }
li { margin: 2px 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-size: .9rem;
  break-inside: avoid; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 6px; text-align: left;
  vertical-align: top; }
th { border-bottom: 1.5px solid var(--ink); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 600; border-top: 1.5px solid var(--ink); }
.table-notes { color: var(--muted); font-size: .8rem; margin: 0 0 8px; }
figure { margin: 10px 0 14px; break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .8rem; }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  h2 { break-before: auto; }
}
"""


def render_document(doc: Document) -> str:
    """A complete HTML page for the document."""
    lang_attr = "zh-CN" if doc.lang == "zh" else "en"
    meta = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in doc.meta)
    body = "\n".join(_block(b) for b in doc.blocks)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang_attr}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(doc.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header><h1 class="title">{escape(doc.title)}</h1>'
        f'<p class="subtitle">{escape(doc.subtitle)}</p><dl class="meta">{meta}</dl></header>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _block(b: Block) -> str:
    if isinstance(b, Heading):
        h = min(b.level + 1, 4)
        return f"<h{h}>{escape(b.text)}</h{h}>"
    if isinstance(b, Paragraph):
        return f'<p class="{b.style}">{escape(b.text)}</p>'
    if isinstance(b, Bullets):
        return "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in b.items) + "</ul>"
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Image):
        cap = f"<figcaption>{escape(b.caption)}</figcaption>" if b.caption else ""
        label = escape(b.chart.title)
        return f'<figure role="img" aria-label="{label}">{b.chart.svg}{cap}</figure>'
    raise TypeError(type(b))


def _table(tab: Table) -> str:
    def cls(i: int) -> str:
        return ' class="num"' if tab.numeric[i] else ""

    head = "".join(f"<th{cls(i)}>{escape(h)}</th>" for i, h in enumerate(tab.header))
    colgroup = ""
    if tab.widths:
        total = sum(tab.widths)
        colgroup = (
            "<colgroup>"
            + "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in tab.widths)
            + "</colgroup>"
        )
    rows = []
    for r, row in enumerate(tab.rows):
        tr = ' class="total"' if tab.total_row and r == len(tab.rows) - 1 else ""
        cells = "".join(f"<td{cls(i)}>{escape(c)}</td>" for i, c in enumerate(row))
        rows.append(f"<tr{tr}>{cells}</tr>")
    notes = "".join(f'<p class="table-notes">{escape(n)}</p>' for n in tab.notes)
    return (
        f"<table>{colgroup}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + notes
    )


def briefing_html(b: Briefing) -> str:
    """The briefing as a self-contained HTML page."""
    return render_document(briefing_document(b))
