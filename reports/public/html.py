"""The public summary's pages: index.html, embed.html, methodology.html.

Both languages are in every page; a button (and ``?lang=en``) switches which
one shows. index.html inlines plotly.js (``plotly.offline.get_plotlyjs()``):
no page makes a request to any other host. Every figure carries its period,
as-of and a link to methodology.html.
"""

from __future__ import annotations

from html import escape

from queries.model.catalogue import DIMENSIONS, INDICATORS, Indicator, Unit
from queries.vocabulary.enums import enum_label
from queries.vocabulary.terms import TERMS
from reports import charts
from reports.public.disclosure_control import INSUFFICIENT, OK
from reports.public.summary import (
    COUNTS,
    INCOMPLETE_TEXT,
    INSUFFICIENT_TEXT,
    NO_DATA_TEXT,
    SUPERVISION_PUBLISHED,
    PublicFigure,
    PublicSummary,
    PublicUnit,
)
from reports.wording import days, pct, score

TITLE = ("警务公开评价结果", "Police Affairs Openness Results")
SCORE_CODES = (*(d.code for d in DIMENSIONS), "overall")

CSS = """
:root { --ink:#1a1a1a; --muted:#5d5d5d; --rule:#d6d6d6; --accent:#1f5fa8; --bg:#f6f7f9; }
* { box-sizing: border-box; }
html[data-lang="zh"] .l-en, html[data-lang="en"] .l-zh { display: none !important; }
/* English: a Latin font first, so quotes and dashes are not drawn full-width */
html[data-lang="en"] body { font-family: "Helvetica Neue", Arial, "Noto Sans", "Noto Sans CJK SC",
  "Microsoft YaHei", sans-serif; }
body { margin: 0; color: var(--ink); background: var(--bg); line-height: 1.6;
  font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue", Arial,
  sans-serif; -webkit-text-size-adjust: 100%; }
.wrap { max-width: 980px; margin: 0 auto; padding: 12px 14px 40px; }
header.top { background: var(--accent); color: #fff; }
header.top .wrap { padding-top: 14px; padding-bottom: 14px; display: flex; flex-wrap: wrap;
  align-items: center; gap: 8px 16px; }
header.top h1 { font-size: 1.35rem; margin: 0; flex: 1 1 auto; }
header.top p { margin: 0; width: 100%; opacity: .92; font-size: .95rem; }
button.lang { border: 1px solid #fff; background: transparent; color: #fff; border-radius: 4px;
  padding: 4px 12px; font-size: .9rem; cursor: pointer; }
section { background: #fff; border: 1px solid var(--rule); border-radius: 6px; padding: 12px 14px;
  margin: 14px 0; }
h2 { font-size: 1.1rem; margin: 0 0 8px; }
.stamp { color: var(--muted); font-size: .8rem; margin: 8px 0 0; }
.stamp a, footer a { color: var(--accent); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 8px; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 10px; }
.card .k { color: var(--muted); font-size: .85rem; }
.card .v { font-size: 1.6rem; font-weight: 600; color: var(--accent); }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; }
th, td { padding: 5px 6px; border-bottom: 1px solid var(--rule); text-align: left;
  white-space: nowrap; }
th { font-weight: 600; border-bottom: 1.5px solid var(--ink); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th { white-space: normal; vertical-align: bottom; }
th.num { min-width: 5em; }
td:first-child { white-space: normal; min-width: 8em; }
td.na { color: var(--muted); }
tr.top-level td { font-weight: 600; }
.bar { display: inline-block; height: .6em; background: var(--accent); border-radius: 2px;
  vertical-align: middle; margin-left: 6px; }
footer { color: var(--muted); font-size: .85rem; }
footer ul { padding-left: 1.2em; }
.chart { min-height: 120px; }
@media (max-width: 560px) {
  html { font-size: 14px; }
  .card .v { font-size: 1.35rem; }
}
@media print { button.lang { display: none; } body { background: #fff; } }
"""

SCRIPT = """
(function () {
  var root = document.documentElement;
  function show(lang) {
    root.setAttribute('data-lang', lang);
    root.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = root.getAttribute('data-title-' + lang);
    if (window.Plotly) {
      document.querySelectorAll('.l-' + lang + ' .js-plotly-plot').forEach(function (d) {
        window.Plotly.Plots.resize(d);
      });
    }
  }
  var q = new URLSearchParams(window.location.search).get('lang');
  show(q === 'en' ? 'en' : 'zh');
  document.querySelectorAll('button.lang').forEach(function (b) {
    b.addEventListener('click', function () {
      show(root.getAttribute('data-lang') === 'zh' ? 'en' : 'zh');
    });
  });
})();
"""


def bi(zh: str, en: str) -> str:
    """Both languages, one shown at a time (escaped)."""
    return f'<span class="l-zh">{escape(zh)}</span><span class="l-en">{escape(en)}</span>'


def page(
    s: PublicSummary,
    title: tuple[str, str],
    body: str,
    *,
    head_extra: str = "",
    embed: bool = False,
) -> str:
    header = (
        f'<header class="top"><div class="wrap"><h1>{bi(*title)}</h1>'
        '<button class="lang" type="button" aria-label="切换语言 / Switch language">'
        '<span class="l-zh">English</span><span class="l-en">中文</span></button>'
        f"<p>{bi(_scope_line(s, 'zh'), _scope_line(s, 'en'))}</p></div></header>"
    )
    if embed:
        header = (
            '<div class="wrap" style="padding-bottom:0;display:flex;gap:8px;align-items:center">'
            f'<strong style="flex:1">{bi(*title)}</strong>'
            '<button class="lang" type="button" style="color:#1f5fa8;border-color:#1f5fa8">'
            '<span class="l-zh">EN</span><span class="l-en">中文</span></button></div>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN" data-lang="zh" '
        f'data-title-zh="{escape(title[0])}" data-title-en="{escape(title[1])}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title[0])}</title>\n<style>{CSS}</style>\n{head_extra}</head>\n<body>\n"
        f'{header}\n<main class="wrap">\n{body}\n</main>\n<script>{SCRIPT}</script>\n'
        "</body>\n</html>\n"
    )


def _scope_line(s: PublicSummary, lang: str) -> str:
    if lang == "zh":
        return f"统计周期：{s.period_label('zh')}　数据截至：{s.as_of_text}"
    return f"Period: {s.period_label('en')} · as of {s.as_of_text}"


def stamp(s: PublicSummary) -> str:
    """Period, as-of and the methodology link, under every figure."""
    zh = f"{s.period_label('zh')} · 数据截至 {s.as_of_text} · "
    en = f"{s.period_label('en')} · as of {s.as_of_text} · "
    return (
        f'<p class="stamp">{bi(zh, en)}<a href="methodology.html">{bi(*TERMS["formula"])}</a></p>'
    )


def _name(u: PublicUnit, lang: str) -> str:
    return u.name if lang == "zh" else u.name_en


def _level(level: str, lang: str) -> str:
    return enum_label("level", level, lang)


def figure_text(ind: Indicator, f: PublicFigure, lang: str) -> str:
    """An indicator as shown: the value, or "insufficient data" / "no data"."""
    if f.status == OK and f.value is not None:
        if ind.unit == Unit.DAYS:
            return days(f.value, lang)
        return pct(f.value)
    return (INSUFFICIENT_TEXT if f.status == INSUFFICIENT else NO_DATA_TEXT).of(lang)


def score_text(v: float | None, lang: str) -> str:
    return INCOMPLETE_TEXT.of(lang) if v is None else score(v)


def _score_label(code: str, lang: str) -> str:
    if code == "overall":
        return TERMS["overall"].of(lang)
    d = next(d for d in DIMENSIONS if d.code == code)
    return d.name_zh if lang == "zh" else d.name_en


def _cell(zh: str, en: str, *, num: bool = True, na: bool = False) -> str:
    cls = " ".join(c for c in ("num" if num else "", "na" if na else "") if c)
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{bi(zh, en) if zh != en else escape(zh)}</td>"


def _cards(s: PublicSummary) -> str:
    out = []
    tops = [u for u in s.units if u.level == s.units[0].level] if s.units else []
    for u in tops:
        cards = "".join(
            f'<div class="card"><div class="k">{bi(_score_label(c, "zh"), _score_label(c, "en"))}'
            f'</div><div class="v">{bi(score_text(u.scores[c], "zh"), score_text(u.scores[c], "en"))}'
            "</div></div>"
            for c in ("overall", *(d.code for d in DIMENSIONS))
        )
        out.append(
            f"<section><h2>{bi(u.name, u.name_en)}</h2>"
            f'<div class="cards">{cards}</div>{stamp(s)}</section>'
        )
    return "".join(out)


def _score_table(s: PublicSummary) -> str:
    head = "".join(
        f'<th class="num">{bi(_score_label(c, "zh"), _score_label(c, "en"))}</th>'
        for c in ("overall", *(d.code for d in DIMENSIONS))
    )
    rows = []
    top = s.units[0].level if s.units else None
    for u in s.units:
        cells = "".join(
            _cell(
                score_text(u.scores[c], "zh"), score_text(u.scores[c], "en"), na=u.scores[c] is None
            )
            for c in ("overall", *(d.code for d in DIMENSIONS))
        )
        rank = "" if u.rank is None else str(u.rank)
        cls = ' class="top-level"' if u.level == top else ""
        rows.append(
            f"<tr{cls}><td>{bi(u.name, u.name_en)}</td>"
            f"<td>{bi(_level(u.level, 'zh'), _level(u.level, 'en'))}</td>"
            f'{cells}<td class="num">{rank}</td></tr>'
        )
    return (
        f'<section><h2>{bi("各单位得分", "Scores by unit")}</h2><div class="scroll"><table>'
        f"<thead><tr><th>{bi(*TERMS['unit'])}</th><th>{bi(*TERMS['level'])}</th>{head}"
        f'<th class="num">{bi("同级排名", "Rank in level")}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{stamp(s)}</section>"
    )


def _indicator_tables(s: PublicSummary) -> str:
    out = []
    for d in DIMENSIONS:
        inds = [i for i in INDICATORS if i.dimension == d.code]
        head = "".join(f'<th class="num">{bi(i.name_zh, i.name_en)}</th>' for i in inds)
        rows = []
        for u in s.units:
            cells = "".join(
                _cell(
                    figure_text(i, u.figure(i.code), "zh"),
                    figure_text(i, u.figure(i.code), "en"),
                    na=u.figure(i.code).status != OK,
                )
                for i in inds
            )
            rows.append(f"<tr><td>{bi(u.name, u.name_en)}</td>{cells}</tr>")
        out.append(
            f"<section><h2>{bi(d.name_zh + TERMS['indicator'].zh, d.name_en + ' indicators')}</h2>"
            f'<div class="scroll"><table><thead><tr><th>{bi(*TERMS["unit"])}</th>{head}</tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table></div>{stamp(s)}</section>"
        )
    return "".join(out)


def _counts_table(s: PublicSummary) -> str:
    keys = (*COUNTS, SUPERVISION_PUBLISHED)
    head = "".join(f'<th class="num">{bi(*c.label)}</th>' for c in keys)
    rows = []
    for u in s.units:
        cells = "".join(f'<td class="num">{escape(str(u.counts[c.key]))}</td>' for c in keys)
        rows.append(f"<tr><td>{bi(u.name, u.name_en)}</td>{cells}</tr>")
    return (
        f'<section><h2>{bi("工作量", "Volumes")}</h2><div class="scroll"><table>'
        f"<thead><tr><th>{bi(*TERMS['unit'])}</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>{stamp(s)}</section>"
    )


def _plot_div(fig: object, div_id: str) -> str:
    html: str = fig.to_html(  # type: ignore[attr-defined]
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displayModeBar": False, "responsive": True},
    )
    return html


def _charts(s: PublicSummary) -> str:
    out = []
    ranked = [u for u in s.units if u.scores["overall"] is not None]
    ranked.sort(key=lambda u: (-float(u.scores["overall"] or 0), u.unit_id))
    top = s.units[0].level if s.units else None
    if ranked:
        parts = []
        # thousands of units: the top and bottom ones (as the briefing), all in the tables
        total, gap = len(ranked), None
        if total > charts.CHART_MAX_UNITS:
            k = gap = charts.CHART_CUT
            ranked = ranked[:k] + ranked[-k:]
        for lang in ("zh", "en"):
            title = (
                f"总分（{s.period_label('zh')}，截至{s.as_of_text}）"
                if lang == "zh"
                else f"Overall score ({s.period_label('en')}, as of {s.as_of_text})"
            )
            if gap is not None:
                title += (
                    f"：{total}个单位中的前{gap}名与后{gap}名，全部见下表"
                    if lang == "zh"
                    else f": top {gap} and bottom {gap} of {total} units, all in the tables below"
                )
            fig = charts.plotly_scores_bar(
                title,
                [_name(u, lang) for u in ranked],
                [float(u.scores["overall"] or 0) for u in ranked],
                [u.level == top for u in ranked],
                gap_after=gap,
            )
            parts.append(f'<div class="l-{lang} chart">{_plot_div(fig, f"scores-{lang}")}</div>')
        out.append(
            f"<section><h2>{bi('总分对比', 'Overall scores')}</h2>{''.join(parts)}{stamp(s)}</section>"
        )
    tops = [u for u in s.units if u.level == top]
    if tops:
        parts = []
        for lang in ("zh", "en"):
            if len(tops) == 1:
                t = s.trend[tops[0].unit_id]
                series = [
                    (_score_label(c, lang), t[c])
                    for c in ("overall", *(d.code for d in DIMENSIONS))
                ]
            else:
                series = [(_name(u, lang), s.trend[u.unit_id]["overall"]) for u in tops]
            title = (
                f"逐月得分（截至{s.as_of_text}）"
                if lang == "zh"
                else f"Monthly scores (as of {s.as_of_text})"
            )
            fig = charts.plotly_trend(title, s.months, series)
            parts.append(f'<div class="l-{lang} chart">{_plot_div(fig, f"trend-{lang}")}</div>')
        out.append(f"<section><h2>{bi('趋势', 'Trend')}</h2>{''.join(parts)}{stamp(s)}</section>")
    return "".join(out)


def _footer(s: PublicSummary) -> str:
    m, k = s.settings.min_sample, s.settings.public_min_count
    zh = [
        f"“<{k}”表示少于{k}件；“数据不足”表示样本少于{m}件，不公布比率。",
        "仅公布汇总数据，不含任何案件、事项或信息的编号、标题、内容和时间。",
        "得分为0至100分；“数据不完整”的单位不计总分、不排名。",
    ]
    en = [
        f"“<{k}” means fewer than {k}; “insufficient data” means fewer than {m} cases, "
        "so no rate is published.",
        "Aggregates only: no case, item or disclosure ids, titles, contents or times.",
        "Scores run from 0 to 100; an “incomplete” unit has no overall score and no rank.",
    ]
    items = "".join(f"<li>{bi(a, b)}</li>" for a, b in zip(zh, en, strict=True))
    links = (
        f'<a href="methodology.html">{bi(*TERMS["methodology"])}</a> · '
        f'<a href="summary.csv">summary.csv</a> · <a href="summary.json">summary.json</a>'
    )
    return f"<footer><ul>{items}</ul><p>{links}</p>{stamp(s)}</footer>"


def index_html(s: PublicSummary) -> str:
    """The public page: self-contained, plotly.js inlined."""
    from plotly.offline import get_plotlyjs

    head = f'<script type="text/javascript">{get_plotlyjs()}</script>\n'
    body = _cards(s) + _charts(s) + _score_table(s) + _indicator_tables(s) + _counts_table(s)
    body += _footer(s)
    return page(s, TITLE, body, head_extra=head)


def embed_html(s: PublicSummary) -> str:
    """A compact version for an iframe: scores with CSS bars, no script library."""
    rows = []
    top = s.units[0].level if s.units else None
    for u in s.units:
        v = u.scores["overall"]
        bar = f'<span class="bar" style="width:{0.8 * v:.0f}px"></span>' if v is not None else ""
        cls = ' class="top-level"' if u.level == top else ""
        rows.append(
            f"<tr{cls}><td>{bi(u.name, u.name_en)}</td>"
            f'<td class="num">{bi(score_text(v, "zh"), score_text(v, "en"))}{bar}</td>'
            + "".join(
                _cell(score_text(u.scores[d.code], "zh"), score_text(u.scores[d.code], "en"))
                for d in DIMENSIONS
            )
            + "</tr>"
        )
    head = "".join(
        f'<th class="num">{bi(_score_label(c, "zh"), _score_label(c, "en"))}</th>'
        for c in ("overall", *(d.code for d in DIMENSIONS))
    )
    body = (
        f'<div class="scroll"><table><thead><tr><th>{bi(*TERMS["unit"])}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{stamp(s)}"
    )
    return page(s, TITLE, body, embed=True).replace(
        '<a href="methodology.html">', '<a href="methodology.html" target="_blank" rel="noopener">'
    )
