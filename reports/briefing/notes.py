"""The briefing's closing note on method: as-of, data freshness, scoring, indicators.

Indicator names and explanations come from the catalogue; weights and
thresholds from the active settings.
"""

from __future__ import annotations

from queries.model.catalogue import DIMENSIONS, INDICATORS
from reports.blocks import Block, Heading, Paragraph, Table
from reports.briefing.model import Briefing
from reports.signal_wording import word
from reports.wording import t


def notes_blocks(b: Briefing, heading: str, level: int) -> list[Block]:
    """The closing note: as-of, data freshness, how scores are made, what each indicator means."""
    lang = b.lang
    zh = lang == "zh"
    fr = b.freshness
    out: list[Block] = [Heading(heading, level)]
    imported = fr.latest_import_at.strftime("%Y-%m-%d %H:%M") if fr.latest_import_at else None
    latest = fr.latest_record_on.isoformat() if fr.latest_record_on else None
    if zh:
        out.append(
            Paragraph(
                f"本通报数据截至{b.as_of_text}：此后发生的记录和办理结果视为尚未发生，以同一截至时点重新生成，数字不变。"
                + (
                    f"上期为{b.previous_label}，去年同期为{b.last_year_label}，均按同一截至时点计算。"
                    if b.shows_last_year
                    else f"上期为{b.previous_label}，按同一截至时点计算。"
                )
            )
        )
        out.append(
            Paragraph(
                f"数据更新：最近一次导入时间为{imported or '（无导入记录）'}；截至时点前最新一条记录的日期为{latest or '（无）'}。"
            )
        )
        dims = "、".join(f"{d.name_zh}{_w(b.overall_weights.get(d.code, 0))}" for d in DIMENSIONS)
        out.append(
            Paragraph(
                "各指标为比率（分子÷分母），上级单位的比率按其全部下属单位的记录合计后计算，不是下属单位比率的平均。"
                f"维度得分 = 100 × Σ(权重 × 指标值) ÷ Σ权重，只计入有数值且样本不少于{b.min_sample}件的计分指标；"
                f"总分为各维度得分的加权平均（权重：{dims}），任一维度无得分则不计总分、不排名。"
            )
        )
    else:
        out.append(
            Paragraph(
                f"Figures are as of {b.as_of_text}: anything recorded or done after it counts as not yet "
                "happened, so rerunning with the same as-of gives the same numbers. "
                + (
                    f"The previous period is {b.previous_label} and the same period last year "
                    f"{b.last_year_label}, both at the same as-of."
                    if b.shows_last_year
                    else f"The previous period is {b.previous_label}, at the same as-of."
                )
            )
        )
        out.append(
            Paragraph(
                f"Data freshness: latest import {imported or 'none recorded'}; latest record dated "
                f"{latest or 'none'} at the as-of."
            )
        )
        dims = ", ".join(f"{d.name_en} {_w(b.overall_weights.get(d.code, 0))}" for d in DIMENSIONS)
        out.append(
            Paragraph(
                "Each indicator is a rate (numerator / denominator); a unit's rate sums the records "
                "of every unit below it first, it is never an average of their rates. "
                "Dimension score = 100 × Σ(weight × value) / Σ weight over the scored indicators "
                f"with a value and at least {b.min_sample} cases; the overall score is the weighted "
                f"mean of the dimension scores (weights {dims}); a unit missing a dimension has "
                "no overall score and is not ranked."
            )
        )
    out.append(Paragraph(word("b.signals.method", lang).format(min=b.min_sample)))
    if not b.calendar_complete:
        out.append(
            Paragraph(
                "注意：部分日期尚无官方工作日安排，公开及时率在这些日期按周一至周五为工作日计算。"
                if zh
                else "Note: the official working-day calendar did not cover every day counted; "
                "timely disclosure took Monday to Friday as working days there."
            )
        )
    out.append(
        Table(
            header=(t("col.indicator", lang), t("col.explain", lang)),
            rows=tuple((ind.name(lang), ind.explain(lang)) for ind in INDICATORS),
            numeric=(False, False),
            widths=(2.2, 7.8),
        )
    )
    return out


def _w(x: float) -> str:
    return f"{x:g}"
