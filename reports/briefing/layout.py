"""The briefing as a list of blocks (headings, paragraphs, tables, charts).

Both renderers (:mod:`reports.briefing.docx`, :mod:`reports.briefing.html`)
walk the same blocks, so the DOCX and the HTML say exactly the same thing in
the same order; they only differ in how a block is drawn.
"""

from __future__ import annotations

from queries.model.catalogue import DIMENSIONS, indicator
from queries.vocabulary.enums import enum_label, enum_labels
from reports import charts
from reports.blocks import Block, Bullets, Document, Heading, Image, Paragraph, Table
from reports.briefing.deputies import deputy_sentences
from reports.briefing.model import Briefing, FigureLine, ScopeSection
from reports.briefing.notes import notes_blocks
from reports.briefing.signals import SignalPart
from reports.briefing.standings import LevelStanding
from reports.gap_wording import gap_sentence
from reports.goal_wording import word as goal_word
from reports.signal_wording import word
from reports.wording import pct, score, t

# a level with more ranked units than this is charted as its top and bottom ones
CHART_MAX_UNITS, CHART_CUT = charts.CHART_MAX_UNITS, charts.CHART_CUT
_ZH_NUMERALS = "一二三四五六七八九十"


def _part(i: int, key: str, lang: str) -> str:
    if lang == "zh":
        return f"{_ZH_NUMERALS[i]}、{t(key, lang)}"
    return f"{i + 1}. {t(key, lang)}"


def briefing_document(b: Briefing) -> Document:
    """The briefing laid out as blocks, charts rendered."""
    lang = b.lang
    blocks: list[Block] = []
    if b.gaps:  # before any figure: the zeros that are missing records, not missing work
        blocks.append(Paragraph(gap_sentence(b.gaps, lang)))
    multi = len(b.sections) > 1
    for section in b.sections:
        if multi:
            blocks.append(Heading(section.name, 1))
        blocks.extend(_section_blocks(b, section, 2 if multi else 1))
    blocks.extend(notes_blocks(b, _part(len(_PARTS), "b.part.notes", lang), 2 if multi else 1))
    scope = (
        "、".join(s.name for s in b.sections)
        if lang == "zh"
        else ", ".join(s.name for s in b.sections)
    )
    meta = (
        (t("b.scope", lang), scope),
        (
            t("b.period", lang),
            _period_text(b),
        ),
        (t("b.as_of", lang), b.as_of_text),
    )
    return Document(lang, t("b.title", lang), t("b.subtitle", lang), meta, tuple(blocks))


def _period_text(b: Briefing) -> str:
    """The period's label, with its code when that says something more (``2026-Q1``)."""
    code = str(b.period)
    if b.period_label == code:
        return code
    return f"{b.period_label}（{code}）" if b.lang == "zh" else f"{b.period_label} ({code})"


_PARTS = (
    "b.part.overall",
    "b.part.indicators",
    "b.part.units",
    "b.part.deputies",
    "b.part.supervision_public",
    "b.part.signals",
)


def _section_blocks(b: Briefing, s: ScopeSection, level: int) -> list[Block]:
    lang = b.lang
    out: list[Block] = []
    cols = (
        t("col.item", lang),
        t("col.now", lang),
        t("col.previous", lang),
        t("col.last_year", lang),
    )

    # 1. overall
    out.append(Heading(_part(0, "b.part.overall", lang), level))
    out.append(
        Paragraph(
            " ".join(f.sentence for f in s.headline)
            if lang == "en"
            else "".join(f.sentence for f in s.headline),
            "lead",
        )
    )
    out.append(
        Table(
            header=cols,
            rows=tuple(
                (f.label, f.show(f.now, lang), f.show(f.previous, lang), f.show(f.last_year, lang))
                for f in s.headline
            ),
            numeric=(False, True, True, True),
            widths=(3, 2, 2, 2.4),
        ).drop_last_column(not b.shows_last_year)
    )
    out.append(Image(_headline_chart(b, s)))
    if any(v is not None for v in s.trend.get("overall", ())):
        out.append(Image(_trend_chart(b, s)))
    out.extend(_note_blocks(s, lang, level + 1))

    # 2. indicators, by dimension
    out.append(Heading(_part(1, "b.part.indicators", lang), level))
    for d in DIMENSIONS:
        lines = [f for f in s.indicators if f.dimension == d.code]
        out.append(Heading(d.name_zh if lang == "zh" else d.name_en, level + 1))
        out.append(_indicator_table(lines, b).drop_last_column(not b.shows_last_year))
        out.append(Bullets(tuple(f.sentence for f in lines)))
    if s.goals is not None:
        out.append(Heading(t("b.goals", lang), level + 1))
        out.append(Paragraph(goal_word("goal_note", lang)))
        out.append(Bullets(s.goals.standings + s.goals.below))

    # 3. units
    out.append(Heading(_part(2, "b.part.units", lang), level))
    if not s.levels:
        out.append(
            Paragraph("本单位无下属单位。" if lang == "zh" else "This unit has no units below it.")
        )
    for lv in s.levels:
        out.append(Heading(lv.label, level + 1))
        out.extend(Paragraph(x) for x in lv.sentences)
        if lv.ranked:
            out.append(_level_table(lv, lang))
            out.append(Image(_level_chart(lv, lang)))

    # 4. deputies and members
    out.append(Heading(_part(3, "b.part.deputies", lang), level))
    first, second = deputy_sentences(s.deputies, lang)
    out.append(Paragraph(first))
    out.append(_deputy_feedback_table(s, lang))
    out.append(Paragraph(second))
    out.append(_deputy_supervision_table(s, lang))

    # 5. supervision results public / internal
    out.append(Heading(_part(4, "b.part.supervision_public", lang), level))
    sp = s.supervision_public
    out.append(Paragraph(sp.sentence))
    out.append(
        Table(
            header=(
                t("col.rectified", lang),
                t("col.published", lang),
                t("col.internal", lang),
                t("col.rate", lang),
            ),
            rows=(
                (
                    str(sp.rectified),
                    str(sp.published),
                    str(sp.internal),
                    (pct(sp.rate) + ("*" if sp.insufficient else ""))
                    if sp.rate is not None
                    else t("no_data", lang),
                ),
            ),
            numeric=(True, True, True, True),
            notes=(t("flag.insufficient", lang).format(min=b.min_sample),)
            if sp.insufficient
            else (),
        )
    )

    # 6. which differences are larger than chance
    out.append(Heading(_part(5, "b.part.signals", lang), level))
    if s.signals is not None:
        out.extend(_signal_blocks(s.signals, lang))
    return out


def _note_blocks(s: ScopeSection, lang: str, level: int) -> list[Block]:
    """The notes of the period on the scope's units: what explains a dip on a chart."""
    if not s.notes:
        return []
    items = tuple(
        f"{n.unit}，{n.days}：{n.text}（{n.author}）"
        if lang == "zh"
        else f"{n.unit}, {n.days}: {n.text} ({n.author})"
        for n in s.notes
    )
    return [Heading(t("b.notes", lang), level), Paragraph(t("b.notes.lead", lang)), Bullets(items)]


def _signal_blocks(sp: SignalPart, lang: str) -> list[Block]:
    out: list[Block] = [Paragraph(word("b.signals.lead", lang))]
    if not sp.unfavourable and not sp.favourable:
        out.append(Paragraph(word("b.signals.none", lang)))
        return out
    for key, items, more in (
        ("b.signals.unfavourable", sp.unfavourable, sp.more_unfavourable),
        ("b.signals.favourable", sp.favourable, sp.more_favourable),
    ):
        if not items:
            continue
        out.append(Paragraph(word(key, lang)))
        extra = (word("b.signals.more", lang).format(k=more),) if more else ()
        out.append(Bullets(items + extra))
    if sp.funnel is not None:
        out.append(Image(_funnel_chart(sp, lang)))
    return out


def _funnel_chart(sp: SignalPart, lang: str) -> charts.Chart:
    f = sp.funnel
    assert f is not None
    level = enum_label("level", f.level, lang)
    name = indicator(f.code).name(lang)
    title = word("b.signals.chart", lang).format(indicator=name, level=level)
    return charts.funnel_plot(
        title,
        f.target,
        list(f.ns),
        list(f.values),
        list(f.signals),
        legend={
            "target": f"{word('b.signals.target', lang)} {pct(f.target)}",
            "95": word("b.signals.95", lang),
            "99.8": word("b.signals.998", lang),
            "within": word("signal.within", lang),
            "alert": word("signal.alert", lang),
            "alarm": word("signal.alarm", lang),
        },
        x_label=word("b.signals.x", lang),
        y_label=name,
    )


def _indicator_table(lines: list[FigureLine], b: Briefing) -> Table:
    lang = b.lang
    rows = []
    any_insufficient = any_unscored = False
    for f in lines:
        mark = ""
        if f.insufficient:
            mark += "*"
            any_insufficient = True
        if not f.scored:
            mark += "†"
            any_unscored = True
        rows.append(
            (
                f.label + mark,
                f.show(f.now, lang),
                "" if f.n is None else str(f.n),
                f.show(f.previous, lang),
                f.show(f.last_year, lang),
            )
        )
    notes = []
    if any_insufficient:
        notes.append(t("flag.insufficient", lang).format(min=b.min_sample))
    if any_unscored:
        notes.append(t("flag.not_scored", lang))
    return Table(
        header=(
            t("col.indicator", lang),
            t("col.now", lang),
            t("col.n", lang),
            t("col.previous", lang),
            t("col.last_year", lang),
        ),
        rows=tuple(rows),
        numeric=(False, True, True, True, True),
        notes=tuple(notes),
        widths=(3.2, 1.6, 1.2, 1.6, 1.6),
    )


def _level_table(lv: LevelStanding, lang: str) -> Table:
    rows = []
    for tag, lines in ((t("strongest", lang), lv.strongest), (t("weakest", lang), lv.weakest)):
        for u in lines:
            weak = ("、" if lang == "zh" else "; ").join(
                f"{w.label} {pct(w.value)}（{pct(w.median)}）"
                if lang == "zh"
                else f"{w.label} {pct(w.value)} ({pct(w.median)})"
                for w in u.weak
            )
            rows.append(
                (tag, "" if u.rank is None else str(u.rank), u.name, score(u.overall), weak)
            )
    return Table(
        header=(
            "",
            t("col.rank", lang),
            t("col.unit", lang),
            t("overall", lang),
            t("col.weak", lang),
        ),
        rows=tuple(rows),
        numeric=(False, True, False, True, False),
        widths=(1.0, 0.9, 2.6, 1.1, 4.4),
    )


def _deputy_feedback_table(s: ScopeSection, lang: str) -> Table:
    kinds = enum_labels("feedback_kind", lang)
    rows = tuple(
        (
            t("total", lang) if r.kind == "total" else kinds[r.kind],
            str(r.received),
            str(r.responded),
            str(r.closed),
            str(r.adopted) if r.kind in ("suggestion", "opinion", "total") else "—",
            str(r.open),
            str(r.overdue),
        )
        for r in s.deputies.feedback
    )
    return Table(
        header=tuple(
            t(k, lang)
            for k in (
                "col.kind",
                "col.received",
                "col.responded",
                "col.closed",
                "col.adopted",
                "col.open",
                "col.overdue",
            )
        ),
        rows=rows,
        numeric=(False, True, True, True, True, True, True),
        total_row=True,
    )


def _deputy_supervision_table(s: ScopeSection, lang: str) -> Table:
    sources = enum_labels("source", lang)
    rows = tuple(
        (
            t("total", lang) if r.source == "total" else sources[r.source],
            str(r.raised),
            str(r.rectified),
            str(r.rectified_on_time),
            str(r.open),
            str(r.overdue),
            str(r.published),
        )
        for r in s.deputies.supervision
    )
    return Table(
        header=tuple(
            t(k, lang)
            for k in (
                "col.source",
                "col.raised",
                "col.rectified",
                "col.on_time",
                "col.not_rectified",
                "col.overdue",
                "col.published",
            )
        ),
        rows=rows,
        numeric=(False, True, True, True, True, True, True),
        total_row=True,
    )


def _headline_chart(b: Briefing, s: ScopeSection) -> charts.Chart:
    lang = b.lang
    title = (
        f"{s.name} {t('chart.scores', lang)}（{b.period_label}）"
        if lang == "zh"
        else f"{s.name}: {t('chart.scores', lang)} ({b.period_label})"
    )
    series = []
    if b.shows_last_year:
        label = f"{t('col.last_year', lang)} {b.last_year_label}"
        series.append(("last_year", label, [f.last_year for f in s.headline]))
    label = f"{t('col.previous', lang)} {b.previous_label}"
    series.append(("previous", label, [f.previous for f in s.headline]))
    label = f"{t('col.now', lang)} {b.period_label}"
    series.append(("now", label, [f.now for f in s.headline]))
    return charts.comparison_bars(
        title,
        [t("overall", lang)] + [d.name_zh if lang == "zh" else d.name_en for d in DIMENSIONS],
        series,
    )


def _level_chart(lv: LevelStanding, lang: str) -> charts.Chart:
    units = list(lv.all_ranked)
    weak_ids = {u.unit_id for u in lv.weakest}
    gap = None
    if len(units) > CHART_MAX_UNITS:
        units = units[:CHART_CUT] + units[-CHART_CUT:]
        gap = CHART_CUT
        title = t("chart.level_cut", lang).format(level=lv.label, k=CHART_CUT)
    else:
        title = t("chart.level", lang).format(level=lv.label)
    return charts.ranking_bars(
        title,
        [u.name for u in units],
        [u.overall for u in units],
        highlight=[u.unit_id in weak_ids for u in units],
        reference=lv.median_overall,
        reference_label=t("chart.median", lang),
        gap_after=gap,
    )


def _trend_chart(b: Briefing, s: ScopeSection) -> charts.Chart:
    lang = b.lang
    title = (
        f"{s.name} 逐月得分（截至{b.as_of_text}）"
        if lang == "zh"
        else f"{s.name}: monthly scores (as of {b.as_of_text})"
    )
    series = [(t("overall", lang), s.trend["overall"])] + [
        (d.name_zh if lang == "zh" else d.name_en, s.trend[d.code]) for d in DIMENSIONS
    ]
    return charts.trend_lines(title, list(b.trend_months), series)
