"""The public bundle's methodology.html: how each figure is computed.

Built from the catalogue (indicator names, explanations, formulas) and the
active settings (weights, thresholds, deadlines, the mandatory catalogue), so
the page always describes the numbers it sits beside.
"""

from __future__ import annotations

from queries.model.catalogue import DIMENSIONS, INDICATORS
from queries.model.records import (
    DISCLOSURE_CATEGORIES,
    DISCLOSURE_CATEGORIES_EN,
    FEEDBACK_KINDS,
    FEEDBACK_KINDS_EN,
    UNIT_KINDS,
    UNIT_KINDS_EN,
    UNIT_LEVELS,
    UNIT_LEVELS_EN,
)
from reports.public.bundle import PublicSummary
from reports.public.html import bi, page, stamp


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
                    f"样本少于{st.min_sample}件的指标标为“数据不足”，不公布数值，也不计入得分；"
                    f"少于{st.public_min_count}件的数量显示为“<{st.public_min_count}”。",
                    f"An indicator with fewer than {st.min_sample} cases is shown as "
                    "“insufficient data” and is not scored; counts below "
                    f"{st.public_min_count} are shown as “<{st.public_min_count}”.",
                ),
                (
                    "公布范围：" + "、".join(UNIT_LEVELS[lv] for lv in st.public_levels) + "。",
                    "Units shown: "
                    + ", ".join(UNIT_LEVELS_EN[lv] for lv in st.public_levels)
                    + ".",
                ),
            )
        )
        + f"</ul>{stamp(s)}</section>"
    ]
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
        f"<thead><tr><th>{bi('指标', 'Indicator')}</th><th>{bi('维度', 'Dimension')}</th>"
        f"<th>{bi('含义', 'What it measures')}</th><th>{bi('计算方法', 'How it is computed')}</th>"
        f'<th class="num">{bi("权重", "Weight")}</th></tr></thead><tbody>{"".join(rows)}</tbody>'
        f"</table></div>{stamp(s)}</section>"
    )
    dims_zh = "、".join(f"{d.name_zh}{st.overall_weights.get(d.code, 0):g}" for d in DIMENSIONS)
    dims_en = ", ".join(f"{d.name_en} {st.overall_weights.get(d.code, 0):g}" for d in DIMENSIONS)
    due_zh = "、".join(f"{FEEDBACK_KINDS[k]}{v:g}天" for k, v in st.due_days.items())
    due_en = ", ".join(f"{FEEDBACK_KINDS_EN[k].lower()} {v:g} days" for k, v in st.due_days.items())
    rules = (
        (
            "维度得分 = 100 × Σ(权重 × 指标值) ÷ Σ权重，只计入有数值且样本充足的计分指标。",
            "Dimension score = 100 × Σ(weight × value) / Σ weight over the scored indicators "
            "that have a value and enough cases.",
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
        f"<tr><td>{bi(UNIT_KINDS[k], UNIT_KINDS_EN[k])}</td>"
        f'<td style="white-space:normal">'
        f"{bi('、'.join(DISCLOSURE_CATEGORIES[c] for c in cats), ', '.join(DISCLOSURE_CATEGORIES_EN[c] for c in cats))}"
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
    return page(s, ("计算方法", "Methodology"), body)
