"""Every indicator of ``docs/spec/methodology.md``, declared once, as data.

The indicator table's columns, the dashboard's labels, the methodology page,
exports and the briefing all derive from :data:`INDICATORS` and
:data:`DIMENSIONS`; nothing else lists the codes. The engine computes each
indicator by its declared :class:`~queries.model.indicator.Kind` and scores it
by its :class:`~queries.model.indicator.Direction`; the named rules of
:mod:`queries.model.catalogue_rules` check the declarations when this module loads.

Adding an indicator of an existing kind is one declaration here plus its tests.
For example, a rate of feedback cases answered in writing would be::

    Indicator(
        code="R_WRITTEN",
        dimension="responsiveness",
        kind=Kind.RATE,
        direction=Direction.HIGHER,
        scored=False,  # shown only; to score it, also give it a weight (settings)
        record_kind="feedback",
        name_zh="书面答复率", name_en="Written replies",
        explain_zh=..., explain_en=..., formula_zh=..., formula_en=...,
        numerator_zh=..., numerator_en=..., denominator_zh=..., denominator_en=...,
    ),

plus, for a rate, its statuses and their numerator/denominator shares in
``queries/engine/statuses.py`` (``STATUS_RULES``) and the line of
``queries/engine/classify.py`` that gives each record its status; then tests
with hand-computed numbers (tests/test_indicators.py) and the oracle
(tests/test_indicators_oracle.py). A balance, distinct-share or median
indicator names its parameters (``balance_terms``, ``distinct_column`` and
``distinct_total``, ``median_column`` and ``median_status``) instead of code.
The table's columns, the methodology page, exports and the README follow.
More, with the settings: ``docs/catalogue.md``.
"""

from __future__ import annotations

from queries.model.catalogue_rules import check_catalogue
from queries.model.indicator import Dimension, Direction, Indicator, Kind, Unit
from queries.model.records import DISCLOSURE_CHANNELS

__all__ = [
    "BY_CODE",
    "DIMENSIONS",
    "DIMENSION_CODES",
    "INDICATORS",
    "INDICATOR_CODES",
    "RANK_COLUMNS",
    "RATE_CODES",
    "SCORED_CODES",
    "SCORE_COLUMNS",
    "UNIT_COLUMNS",
    "WILSON_Z",
    "Dimension",
    "Direction",
    "Indicator",
    "Kind",
    "Unit",
    "dimension",
    "indicator",
    "indicators_of",
    "table_columns",
]

DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("openness", "公开", "Openness"),
    Dimension("responsiveness", "响应", "Responsiveness"),
    Dimension("satisfaction", "满意", "Satisfaction"),
)
DIMENSION_CODES: tuple[str, ...] = tuple(d.code for d in DIMENSIONS)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="O_COVERAGE",
        dimension="openness",
        kind=Kind.RATE,
        direction=Direction.HIGHER,
        scored=True,
        record_kind="disclosures",
        min_sample_exempt=True,
        name_zh="目录覆盖率",
        name_en="Catalogue coverage",
        explain_zh="本单位及下属单位的法定公开目录中，期内有有效公开信息的类别所占比例。",
        explain_en=(
            "Share of the mandatory disclosure categories (by unit kind) for which each unit had "
            "at least one live disclosure during the period."
        ),
        formula_zh="Σ 各单位已覆盖的法定类别数 ÷ Σ 各单位法定类别数（期内有效：期末前发布且未在期初前撤下）",
        formula_en=(
            "sum over units of covered mandatory categories / sum of mandatory categories (live: "
            "published before the period's end, not withdrawn before its start)"
        ),
        numerator_zh="已覆盖的法定类别",
        numerator_en="mandatory categories covered",
        denominator_zh="法定公开类别",
        denominator_en="mandatory categories",
    ),
    Indicator(
        code="O_TIMELY",
        dimension="openness",
        kind=Kind.RATE,
        direction=Direction.HIGHER,
        scored=True,
        record_kind="disclosures",
        relies_on=("formed_on",),
        name_zh="公开及时率",
        name_en="Timely disclosure",
        explain_zh="期内发布的信息中，自形成之日起20个工作日内公开的比例。",
        explain_en=(
            "Share of disclosures published in the period within 20 working days of being formed."
        ),
        formula_zh="工作日(形成日, 发布日) ≤ 20 的信息数 ÷ 期内发布且有形成日期的信息数",
        formula_en=(
            "disclosures with workdays(formed_on, published_on) <= 20 / disclosures published in "
            "the period that have a formed_on"
        ),
        numerator_zh="按时公开的信息",
        numerator_en="disclosures published on time",
        denominator_zh="期内发布且有形成日期的信息",
        denominator_en="disclosures published in the period with a formed date",
    ),
    Indicator(
        code="O_DEPTH",
        dimension="openness",
        kind=Kind.BALANCE,
        direction=Direction.HIGHER,
        scored=True,
        record_kind="disclosures",
        balance_terms=(("result", "procedure"), ("rights", "obligation")),
        name_zh="公开深度",
        name_en="Disclosure depth",
        explain_zh="结果类与程序类、权利类与义务类公开的平衡：程序多结果少、义务多权利少则得分低。",
        explain_en=(
            "Balance of results against procedures and of rights against obligations: many "
            "procedures with few results, or many obligations with few rights, score low."
        ),
        formula_zh=(
            "R=执法过程+执法结果，P=办事程序，G=权利救济，B=群众义务；项(x,y)=min(1,x/y)（y>0），1（y=0且x>0），否则不计；取 项(R,P)、项(G"
            ",B) 中有定义者的平均"
        ),
        formula_en=(
            "R = case_progress + enforcement_results, P = procedures, G = rights_remedies, B = "
            "obligations; term(x, y) = min(1, x/y) if y > 0, 1 if y = 0 and x > 0, undefined if "
            "both 0; value = mean of the defined terms of term(R, P), term(G, B)"
        ),
        numerator_zh="结果类、权利类信息",
        numerator_en="result and rights disclosures",
        denominator_zh="期内发布的信息",
        denominator_en="disclosures published in the period",
    ),
    Indicator(
        code="O_CHANNELS",
        dimension="openness",
        kind=Kind.DISTINCT_SHARE,
        direction=Direction.HIGHER,
        scored=True,
        record_kind="disclosures",
        distinct_column="channel",
        distinct_total=len(DISCLOSURE_CHANNELS),
        name_zh="公开渠道",
        name_en="Disclosure channels",
        explain_zh="期内发布信息所用的不同渠道数占8类渠道的比例。",
        explain_en="Distinct channels used by the disclosures published in the period, out of 8.",
        formula_zh="期内发布信息的不同渠道数 ÷ 8",
        formula_en="distinct channels among disclosures published in the period / 8",
        numerator_zh="使用的渠道",
        numerator_en="channels used",
        denominator_zh="期内发布的信息",
        denominator_en="disclosures published in the period",
    ),
    Indicator(
        code="O_SUPERVISION_PUBLIC",
        dimension="openness",
        kind=Kind.RATE,
        direction=Direction.HIGHER,
        scored=True,
        record_kind="supervision",
        name_zh="监督结果公开率",
        name_en="Supervision results published",
        explain_zh="期内整改完成的监督事项中，结果已公开的比例。",
        explain_en=(
            "Share of supervision items rectified in the period whose result was made public."
        ),
        formula_zh="结果已公开的事项数 ÷ 期内整改完成的事项数",
        formula_en="items with a result_published_on / items with rectified_on in the period",
        numerator_zh="结果已公开的事项",
        numerator_en="items with the result published",
        denominator_zh="期内整改完成的监督事项",
        denominator_en="supervision items rectified in the period",
    ),
    Indicator(
        code="R_RESPONSE",
        dimension="responsiveness",
        kind=Kind.RATE,
        direction=Direction.HIGHER,
        scored=True,
        record_kind="feedback",
        relies_on=("first_response_at",),
        name_zh="响应率",
        name_en="Response within 24 h",
        explain_zh="期内收到的诉求中，24小时内首次联系当事人的比例（未到时限的不计）。",
        explain_en=(
            "Share of feedback received in the period with a first response within 24 hours "
            "(cases not yet due are left out)."
        ),
        formula_zh="24小时内响应数 ÷（按时响应数 + 逾期数）；逾期：超时响应，或未响应且时限 < 截止时点",
        formula_en=(
            "responded within the limit / (on time + late); late: responded after the limit, or "
            "no response and limit < as-of"
        ),
        numerator_zh="按时响应的诉求",
        numerator_en="cases responded to on time",
        denominator_zh="已到响应时限的诉求",
        denominator_en="cases past their response limit or responded",
    ),
    Indicator(
        code="R_ONTIME",
        dimension="responsiveness",
        kind=Kind.RATE,
        direction=Direction.HIGHER,
        scored=True,
        record_kind="feedback",
        relies_on=("closed_at",),
        name_zh="按期办结率",
        name_en="Closed on time",
        explain_zh="期内收到的诉求中，在办理期限内办结的比例（未到期的不计）。",
        explain_en=(
            "Share of feedback received in the period closed by its due time (cases not yet due "
            "are left out)."
        ),
        formula_zh="按期办结数 ÷（按期办结数 + 逾期数）；期限 = 办理期限，或收到时间 + 该类默认天数",
        formula_en=(
            "closed by due / (on time + late); due = due_at, or received_at + the kind's default"
        ),
        numerator_zh="按期办结的诉求",
        numerator_en="cases closed on time",
        denominator_zh="已办结或已到期的诉求",
        denominator_en="cases closed or past due",
    ),
    Indicator(
        code="R_REPLY",
        dimension="responsiveness",
        kind=Kind.RATE,
        direction=Direction.HIGHER,
        scored=True,
        record_kind="feedback",
        relies_on=("reasoned_reply",),
        name_zh="答复说理率",
        name_en="Reasoned replies",
        explain_zh="期内收到并已办结的诉求中，给予书面说理答复的比例。",
        explain_en=(
            "Share of feedback received in the period and closed that got a written, reasoned "
            "reply."
        ),
        formula_zh="说理答复数 ÷ 期内收到且已办结的诉求数",
        formula_en="reasoned_reply = true / received in the period and closed",
        numerator_zh="说理答复的诉求",
        numerator_en="cases with a reasoned reply",
        denominator_zh="期内收到且已办结的诉求",
        denominator_en="cases received in the period and closed",
    ),
    Indicator(
        code="R_RECTIFY",
        dimension="responsiveness",
        kind=Kind.RATE,
        direction=Direction.HIGHER,
        scored=True,
        record_kind="supervision",
        relies_on=("rectified_on",),
        name_zh="整改按期率",
        name_en="Rectified on time",
        explain_zh="期内立项且有整改期限的监督事项中，按期整改的比例（未到期的不计）。",
        explain_en=(
            "Share of supervision items opened in the period with a deadline that were put right "
            "by it (items not yet due are left out)."
        ),
        formula_zh="按期整改数 ÷（按期整改数 + 逾期数）",
        formula_en="rectified_on <= rectify_due_on / (on time + late)",
        numerator_zh="按期整改的事项",
        numerator_en="items rectified on time",
        denominator_zh="已整改或已到期的监督事项",
        denominator_en="items rectified or past due",
    ),
    Indicator(
        code="R_ADOPTION",
        dimension="responsiveness",
        kind=Kind.RATE,
        direction=Direction.HIGHER,
        scored=False,
        record_kind="feedback",
        relies_on=("outcome",),
        name_zh="建议采纳率",
        name_en="Suggestions adopted",
        explain_zh="（仅展示，不计分）期内收到并办结的建议、意见中被采纳或部分采纳的比例。",
        explain_en=(
            "(Shown, not scored) Share of suggestions and opinions received in the period and "
            "closed that were adopted or partly adopted."
        ),
        formula_zh="采纳 + 部分采纳 ÷ 有采纳结论的已办结建议、意见",
        formula_en=(
            "adopted or partly_adopted / closed suggestions and opinions with an adoption outcome"
        ),
        numerator_zh="采纳或部分采纳的建议意见",
        numerator_en="suggestions adopted or partly adopted",
        denominator_zh="有采纳结论的已办结建议意见",
        denominator_en="closed suggestions and opinions with an adoption outcome",
    ),
    Indicator(
        code="R_CLOSE_DAYS",
        dimension="responsiveness",
        kind=Kind.MEDIAN,
        direction=Direction.LOWER,
        scored=False,
        record_kind="feedback",
        relies_on=("closed_at",),
        median_column="close_days",
        median_status="closed",
        name_zh="办结用时",
        name_en="Days to close",
        explain_zh="（仅展示，不计分）期内收到并已办结诉求的办结用时中位数（天）。",
        explain_en=(
            "(Shown, not scored) Median days from receipt to closing of feedback received in the "
            "period and closed."
        ),
        formula_zh="中位数(办结时间 − 收到时间)，以天计（小时 ÷ 24）",
        formula_en="median of closed_at - received_at in days (hours / 24)",
        numerator_zh="办结用时",
        numerator_en="days to close",
        denominator_zh="期内收到且已办结的诉求",
        denominator_en="cases received in the period and closed",
    ),
    Indicator(
        code="S_SATISFACTION",
        dimension="satisfaction",
        kind=Kind.RATE,
        direction=Direction.HIGHER,
        scored=True,
        record_kind="feedback",
        relies_on=("satisfaction",),
        name_zh="满意率",
        name_en="Satisfaction",
        explain_zh="期内收到并已回访评价的诉求中，满意（含基本满意，按权重）的比例。",
        explain_en=(
            "Share of rated feedback (received in the period, with a return visit) that was "
            "satisfied, counting basically satisfied with its weight."
        ),
        formula_zh="（满意 + w × 基本满意）÷ 已评价数，w 默认 1.0",
        formula_en="(satisfied + w x basically_satisfied) / rated, w = 1.0 by default",
        numerator_zh="满意（含加权基本满意）",
        numerator_en="satisfied (plus weighted basically satisfied)",
        denominator_zh="已回访并评价的诉求",
        denominator_en="cases with a return visit and a rating",
    ),
    Indicator(
        code="S_RESOLVED",
        dimension="satisfaction",
        kind=Kind.RATE,
        direction=Direction.HIGHER,
        scored=True,
        record_kind="feedback",
        relies_on=("resolved",),
        name_zh="解决率",
        name_en="Resolved",
        explain_zh="期内收到并已回访的诉求中，问题得到解决的比例。",
        explain_en=(
            "Share of feedback received in the period, with a return visit, whose problem was "
            "resolved."
        ),
        formula_zh="已解决数 ÷ 回访时有解决情况的诉求数",
        formula_en="resolved = true / cases with a return visit and a resolved answer",
        numerator_zh="已解决的诉求",
        numerator_en="cases resolved",
        denominator_zh="回访时有解决情况的诉求",
        denominator_en="cases with a return visit and a resolved answer",
    ),
    Indicator(
        code="S_RETURN_VISIT",
        dimension="satisfaction",
        kind=Kind.RATE,
        direction=Direction.HIGHER,
        scored=True,
        record_kind="feedback",
        relies_on=("return_visit_at",),
        name_zh="回访率",
        name_en="Return visits",
        explain_zh="期内收到并已办结的诉求中，进行了回访的比例。",
        explain_en="Share of feedback received in the period and closed that got a return visit.",
        formula_zh="已回访数 ÷ 期内收到且已办结的诉求数",
        formula_en="with a return visit / received in the period and closed",
        numerator_zh="已回访的诉求",
        numerator_en="cases with a return visit",
        denominator_zh="期内收到且已办结的诉求",
        denominator_en="cases received in the period and closed",
    ),
    Indicator(
        code="S_REPEAT",
        dimension="satisfaction",
        kind=Kind.RATE,
        direction=Direction.LOWER,
        scored=False,
        record_kind="feedback",
        name_zh="重复投诉率",
        name_en="Repeat feedback",
        explain_zh="（仅展示，不计分，越低越好）期内收到的诉求中，属于重复反映的比例。",
        explain_en=(
            "(Shown, not scored; lower is better) Share of feedback received in the period that "
            "repeats an earlier case."
        ),
        formula_zh="有 repeat_of 的诉求数 ÷ 期内收到的诉求数",
        formula_en="cases with a repeat_of / cases received in the period",
        numerator_zh="重复反映的诉求",
        numerator_en="repeat cases",
        denominator_zh="期内收到的诉求",
        denominator_en="cases received in the period",
        # no case anywhere marked as a repeat is an export without the column, and
        # would read as the best possible rate (lower is better)
        relies_on=("repeat_of",),
    ),
)

INDICATOR_CODES: tuple[str, ...] = tuple(i.code for i in INDICATORS)
BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}
SCORED_CODES: tuple[str, ...] = tuple(i.code for i in INDICATORS if i.scored)
RATE_CODES: tuple[str, ...] = tuple(i.code for i in INDICATORS if i.is_rate)

UNIT_COLUMNS: tuple[str, ...] = ("unit_id", "name", "level", "kind", "parent_id")
SCORE_COLUMNS: tuple[str, ...] = (*DIMENSION_CODES, "overall")
RANK_COLUMNS: tuple[str, ...] = ("rank", "rank_change")

# Wilson score interval, 95%
WILSON_Z = 1.959964


def indicator(code: str) -> Indicator:
    """The indicator with this code (KeyError naming it otherwise)."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown indicator {code!r}") from None


def dimension(code: str) -> Dimension:
    for d in DIMENSIONS:
        if d.code == code:
            return d
    raise KeyError(f"unknown dimension {code!r}")


def indicators_of(dimension_code: str) -> tuple[Indicator, ...]:
    return tuple(i for i in INDICATORS if i.dimension == dimension_code)


def table_columns() -> tuple[str, ...]:
    """The indicator table's columns in cli.md order."""
    cols: list[str] = list(UNIT_COLUMNS)
    for ind in INDICATORS:
        cols.extend(ind.columns)
    cols.extend(SCORE_COLUMNS)
    cols.extend(RANK_COLUMNS)
    return tuple(cols)


check_catalogue(INDICATORS, DIMENSIONS)
