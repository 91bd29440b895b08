"""The public bundle's methodology.html: how each figure is computed.

Built from the catalogue (indicator names, explanations, formulas) and the
active settings (weights, thresholds, deadlines, the mandatory catalogue), so
the page always describes the numbers it sits beside.
"""

from __future__ import annotations

from queries.model.catalogue import DIMENSIONS, INDICATORS
from queries.vocabulary.enums import ENUMS, enum_label
from queries.vocabulary.formats import days
from queries.vocabulary.terms import TERMS
from reports.public.disclosure_control import public_rounding
from reports.public.html import bi, page, stamp
from reports.public.summary import PublicSummary


def methodology_html(s: PublicSummary) -> str:
    """How each figure is computed: the catalogue and the active settings."""
    st = s.settings
    parts = [
        f"<section><h2>{bi('统计口径', 'Scope')}</h2><ul>"
        + "".join(
            f"<li>{bi(a, b)}</li>"
            for a, b in (
                (
                    f"统计周期：{s.period_label('zh')}；数据截至 {s.as_of_text}，此后发生的记录与办理结果视为尚未发生。",
                    f"Period: {s.period_label('en')}; as of {s.as_of_text}: anything recorded "
                    "or done later counts as not yet happened.",
                ),
                (
                    "上级单位的比率按其本身及全部下属单位的记录合计后计算，不是下属单位比率的平均。",
                    "A unit's rates count the records of the unit and of every unit below it, "
                    "summed first and then divided; never an average of rates.",
                ),
                (
                    "公布范围："
                    + "、".join(enum_label("level", lv, "zh") for lv in st.public_levels)
                    + "。",
                    "Units shown: "
                    + ", ".join(enum_label("level", lv, "en") for lv in st.public_levels)
                    + ".",
                ),
            )
        )
        + f"</ul>{stamp(s)}</section>"
    ]
    parts.append(_disclosure_control(s))
    rows = []
    for ind in INDICATORS:
        d = next(x for x in DIMENSIONS if x.code == ind.dimension)
        w = st.indicator_weight(ind.code) if ind.scored else None
        weight = "—" if not w else f"{w:g}"
        rows.append(
            f"<tr><td>{bi(ind.name_zh, ind.name_en)}</td><td>{bi(d.name_zh, d.name_en)}</td>"
            f'<td style="white-space:normal;min-width:14em">{bi(ind.explain_zh, ind.explain_en)}</td>'
            f'<td style="white-space:normal;min-width:16em">{bi(ind.formula_zh, ind.formula_en)}</td>'
            f'<td class="num">{weight}</td></tr>'
        )
    parts.append(
        f'<section><h2>{bi("指标与权重", "Indicators and weights")}</h2><div class="scroll"><table>'
        f"<thead><tr><th>{bi(*TERMS['indicator'])}</th><th>{bi(*TERMS['dimension'])}</th>"
        f"<th>{bi(*TERMS['explain'])}</th><th>{bi(*TERMS['formula'])}</th>"
        f'<th class="num">{bi(*TERMS["weight"])}</th></tr></thead><tbody>{"".join(rows)}</tbody>'
        f"</table></div>{stamp(s)}</section>"
    )
    dims_zh = "、".join(f"{d.name_zh}{st.overall_weights.get(d.code, 0):g}" for d in DIMENSIONS)
    dims_en = ", ".join(f"{d.name_en} {st.overall_weights.get(d.code, 0):g}" for d in DIMENSIONS)
    due_zh = "、".join(
        f"{enum_label('feedback_kind', k, 'zh')}{days(v, 'zh', decimals=None)}"
        for k, v in st.due_days.items()
    )
    due_en = ", ".join(
        f"{enum_label('feedback_kind', k, 'en').lower()} {days(v, 'en', decimals=None)}"
        for k, v in st.due_days.items()
    )
    rules: tuple[tuple[str, str], ...] = (
        (
            "公开得分只由本页公布的数值计算：维度得分 = 100 × Σ(权重 × 公布的指标值) ÷ Σ权重，"
            "只计入已公布数值的计分指标；总分由公布的维度得分（保留一位小数）加权平均。"
            "任何人都可按本页复算；它可能与内部得分不同，公开排名按公开总分。",
            "Public scores are computed from the figures published here alone: dimension score "
            "= 100 × Σ(weight × published value) / Σ weight over the scored indicators with a "
            "published value; overall = weighted mean of the published dimension scores (one "
            "decimal). Anyone can recompute them from this page; they may differ from internal "
            "scores, and the public ranking is by the public overall score.",
        ),
        (
            f"总分为各维度得分的加权平均（{dims_zh}）；任一维度无得分则不计总分、不排名。",
            f"Overall = weighted mean of the dimension scores ({dims_en}); a unit missing a "
            "dimension has no overall score and is not ranked.",
        ),
        (
            "排名：同一层级中有总分的单位按总分从高到低排列，同分并列。",
            "Rank: among units of the same level with an overall score, highest first; ties "
            "share a rank.",
        ),
        (
            f"响应时限{st.response_hours:g}小时；默认办理期限：{due_zh}；"
            f"信息形成后{st.disclosure_deadline_workdays}个工作日内公开为及时；"
            f"“基本满意”按{st.basically_satisfied_weight:g}计入满意率。",
            f"Response limit {st.response_hours:g} hours; default deadlines: {due_en}; a "
            f"disclosure is timely within {st.disclosure_deadline_workdays} working days; "
            f"“basically satisfied” counts {st.basically_satisfied_weight:g} towards satisfaction.",
        ),
    )
    if not s.calendar_complete:
        rules += (
            (
                "部分日期尚无官方工作日安排，按周一至周五为工作日计算。",
                "The official working-day calendar did not cover every day counted: Monday to "
                "Friday were taken as working days there.",
            ),
        )
    parts.append(
        f"<section><h2>{bi('得分与排名', 'Scores and ranks')}</h2><ul>"
        + "".join(f"<li>{bi(a, b)}</li>" for a, b in rules)
        + f"</ul>{stamp(s)}</section>"
    )
    cat_rows = "".join(
        f"<tr><td>{bi(*ENUMS['kind'][k])}</td>"
        f'<td style="white-space:normal">'
        f"{bi('、'.join(enum_label('category', c, 'zh') for c in cats), ', '.join(enum_label('category', c, 'en') for c in cats))}"
        "</td></tr>"
        for k, cats in st.catalogue.items()
    )
    parts.append(
        f"<section><h2>{bi('法定公开目录（目录覆盖率）', 'Mandatory catalogue (coverage)')}</h2>"
        f'<div class="scroll"><table><thead><tr><th>{bi("单位类型", "Unit kind")}</th>'
        f"<th>{bi('必须公开的类别', 'Mandatory categories')}</th></tr></thead>"
        f"<tbody>{cat_rows}</tbody></table></div>{stamp(s)}</section>"
    )
    body = "".join(parts) + f'<p><a href="index.html">{bi("返回", "Back")}</a></p>'
    return page(s, TERMS["methodology"], body)


def _disclosure_control(s: PublicSummary) -> str:
    """The disclosure-control rule, both languages, with the active settings."""
    st = s.settings
    k, r, m = st.public_min_count, public_rounding(st), st.min_sample
    items = (
        (
            f"投诉建议、监督事项等涉及群众与监督的数据：数量为0显示0，1至{k - 1}显示“<{k}”，"
            f"其余四舍五入到{r}的倍数；比率旁的样本数也按此显示。",
            f"Figures from complaints, suggestions and supervision items: a count of 0 is shown "
            f"as 0, 1 to {k - 1} as “<{k}”, larger counts rounded to the nearest multiple of "
            f"{r}; the n beside a rate is such a count.",
        ),
        (
            f"比率仅在样本不少于{m}件，且分子和“样本数减分子”都不在1至{k - 1}之间时公布"
            f"（满意率的分子为满意加基本满意，另一部分为不满意）；否则显示“数据不足”。"
            f"办结用时（中位数）在样本不少于{m}件时公布，保留一位小数（天）。",
            f"A rate is shown only when n ≥ {m} and neither its numerator nor n minus the "
            f"numerator lies between 1 and {k - 1} (for satisfaction: the satisfied plus "
            "basically satisfied, and the dissatisfied); otherwise “insufficient data”. Days "
            f"to close (a median) is shown when n ≥ {m}, to one decimal of a day.",
        ),
        (
            f"信息公开类数据（单位自身公开的内容，不涉及个人）按实际计算公布；样本少于{m}件的"
            "标为“数据不足”（目录覆盖率除外，它统计的是目录条目）。",
            "Figures from disclosures (what units published themselves; not about people) are "
            f"shown as computed; fewer than {m} cases is “insufficient data” (coverage exempt: "
            "it counts catalogue entries).",
        ),
        (
            "所有文件（页面、CSV、JSON）中比率保留到百分比的一位小数，得分保留一位小数，"
            "不公布置信区间，也不公布更精确的数值。",
            "Every file (page, CSV, JSON) shows rates to one decimal of a percent and scores to "
            "one decimal, with no interval bounds and nothing more precise.",
        ),
        (
            "保证：单份公布材料中，1至"
            f"{k - 1}之间的数量既不能直接读出，也不能由比率乘样本数、上级减下级或得分反推得出。"
            "局限：时间重叠的公布（如一个季度及其各月）相减，在少数组合下仍可能把隐藏的数量缩小到"
            "一个值；同时公布重叠周期的单位应知悉这一点。",
            f"What this guarantees: within one bundle, no count from 1 to {k - 1} can be read, "
            "nor worked out as rate × n, parent minus children, or from the scores. What rounding "
            "does not rule out: figures of overlapping periods (a quarter and its months) can, "
            "in rare combinations, still narrow a hidden count to one value; a bureau that "
            "publishes overlapping periods should know it.",
        ),
    )
    return (
        f"<section><h2>{bi('数据保护规则', 'Disclosure control')}</h2><ul>"
        + "".join(f"<li>{bi(a, b)}</li>" for a, b in items)
        + f"</ul>{stamp(s)}</section>"
    )
