"""Every indicator of ``spec/methodology.md``, declared once.

The indicator table's columns, the dashboard's labels, the methodology page,
exports and the briefing all derive from :data:`INDICATORS` and
:data:`DIMENSIONS`; nothing else lists the codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"


class Unit(StrEnum):
    SHARE = "share"  # a fraction 0..1
    DAYS = "days"


@dataclass(frozen=True)
class Dimension:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Indicator:
    """One indicator: what it is, how it is computed, how it is shown."""

    code: str
    dimension: str
    name_zh: str
    name_en: str
    explain_zh: str
    explain_en: str
    formula_zh: str
    formula_en: str
    is_rate: bool
    scored: bool
    direction: Direction
    unit: Unit
    # which record kind it counts: disclosures / feedback / supervision
    record_kind: str
    numerator_zh: str
    numerator_en: str
    denominator_zh: str
    denominator_en: str
    # methodology: O_COVERAGE counts catalogue entries, not a sample
    min_sample_exempt: bool = False

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def explain(self, lang: str = "zh") -> str:
        return self.explain_zh if lang == "zh" else self.explain_en

    def formula(self, lang: str = "zh") -> str:
        return self.formula_zh if lang == "zh" else self.formula_en

    def numerator(self, lang: str = "zh") -> str:
        return self.numerator_zh if lang == "zh" else self.numerator_en

    def denominator(self, lang: str = "zh") -> str:
        return self.denominator_zh if lang == "zh" else self.denominator_en

    @property
    def columns(self) -> tuple[str, ...]:
        """This indicator's columns in the indicator table (cli.md)."""
        c = self.code
        return (c, f"{c}_n", f"{c}_lo", f"{c}_hi") if self.is_rate else (c, f"{c}_n")


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("openness", "公开", "Openness"),
    Dimension("responsiveness", "响应", "Responsiveness"),
    Dimension("satisfaction", "满意", "Satisfaction"),
)
DIMENSION_CODES: tuple[str, ...] = tuple(d.code for d in DIMENSIONS)

H, L = Direction.HIGHER, Direction.LOWER
S, D = Unit.SHARE, Unit.DAYS

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "O_COVERAGE",
        "openness",
        "目录覆盖率",
        "Catalogue coverage",
        "本单位及下属单位的法定公开目录中，期内有有效公开信息的类别所占比例。",
        "Share of the mandatory disclosure categories (by unit kind) for which each unit "
        "had at least one live disclosure during the period.",
        "Σ 各单位已覆盖的法定类别数 ÷ Σ 各单位法定类别数（期内有效：期末前发布且未在期初前撤下）",
        "sum over units of covered mandatory categories / sum of mandatory categories "
        "(live: published before the period's end, not withdrawn before its start)",
        True,
        True,
        H,
        S,
        "disclosures",
        "已覆盖的法定类别",
        "mandatory categories covered",
        "法定公开类别",
        "mandatory categories",
        min_sample_exempt=True,
    ),
    Indicator(
        "O_TIMELY",
        "openness",
        "公开及时率",
        "Timely disclosure",
        "期内发布的信息中，自形成之日起20个工作日内公开的比例。",
        "Share of disclosures published in the period within 20 working days of being formed.",
        "工作日(形成日, 发布日) ≤ 20 的信息数 ÷ 期内发布且有形成日期的信息数",
        "disclosures with workdays(formed_on, published_on) <= 20 / disclosures published "
        "in the period that have a formed_on",
        True,
        True,
        H,
        S,
        "disclosures",
        "按时公开的信息",
        "disclosures published on time",
        "期内发布且有形成日期的信息",
        "disclosures published in the period with a formed date",
    ),
    Indicator(
        "O_DEPTH",
        "openness",
        "公开深度",
        "Disclosure depth",
        "结果类与程序类、权利类与义务类公开的平衡：程序多结果少、义务多权利少则得分低。",
        "Balance of results against procedures and of rights against obligations: many "
        "procedures with few results, or many obligations with few rights, score low.",
        "R=执法过程+执法结果，P=办事程序，G=权利救济，B=群众义务；"
        "项(x,y)=min(1,x/y)（y>0），1（y=0且x>0），否则不计；取 项(R,P)、项(G,B) 中有定义者的平均",
        "R = case_progress + enforcement_results, P = procedures, G = rights_remedies, "
        "B = obligations; term(x, y) = min(1, x/y) if y > 0, 1 if y = 0 and x > 0, "
        "undefined if both 0; value = mean of the defined terms of term(R, P), term(G, B)",
        False,
        True,
        H,
        S,
        "disclosures",
        "结果类、权利类信息",
        "result and rights disclosures",
        "期内发布的信息",
        "disclosures published in the period",
    ),
    Indicator(
        "O_CHANNELS",
        "openness",
        "公开渠道",
        "Disclosure channels",
        "期内发布信息所用的不同渠道数占8类渠道的比例。",
        "Distinct channels used by the disclosures published in the period, out of 8.",
        "期内发布信息的不同渠道数 ÷ 8",
        "distinct channels among disclosures published in the period / 8",
        False,
        True,
        H,
        S,
        "disclosures",
        "使用的渠道",
        "channels used",
        "期内发布的信息",
        "disclosures published in the period",
    ),
    Indicator(
        "O_SUPERVISION_PUBLIC",
        "openness",
        "监督结果公开率",
        "Supervision results published",
        "期内整改完成的监督事项中，结果已公开的比例。",
        "Share of supervision items rectified in the period whose result was made public.",
        "结果已公开的事项数 ÷ 期内整改完成的事项数",
        "items with a result_published_on / items with rectified_on in the period",
        True,
        True,
        H,
        S,
        "supervision",
        "结果已公开的事项",
        "items with the result published",
        "期内整改完成的监督事项",
        "supervision items rectified in the period",
    ),
    Indicator(
        "R_RESPONSE",
        "responsiveness",
        "响应率",
        "Response within 24 h",
        "期内收到的诉求中，24小时内首次联系当事人的比例（未到时限的不计）。",
        "Share of feedback received in the period with a first response within 24 hours "
        "(cases not yet due are left out).",
        "24小时内响应数 ÷（按时响应数 + 逾期数）；逾期：超时响应，或未响应且时限 < 截止时点",
        "responded within the limit / (on time + late); late: responded after the limit, "
        "or no response and limit < as-of",
        True,
        True,
        H,
        S,
        "feedback",
        "按时响应的诉求",
        "cases responded to on time",
        "已到响应时限的诉求",
        "cases past their response limit or responded",
    ),
    Indicator(
        "R_ONTIME",
        "responsiveness",
        "按期办结率",
        "Closed on time",
        "期内收到的诉求中，在办理期限内办结的比例（未到期的不计）。",
        "Share of feedback received in the period closed by its due time (cases not yet due "
        "are left out).",
        "按期办结数 ÷（按期办结数 + 逾期数）；期限 = 办理期限，或收到时间 + 该类默认天数",
        "closed by due / (on time + late); due = due_at, or received_at + the kind's default",
        True,
        True,
        H,
        S,
        "feedback",
        "按期办结的诉求",
        "cases closed on time",
        "已办结或已到期的诉求",
        "cases closed or past due",
    ),
    Indicator(
        "R_REPLY",
        "responsiveness",
        "答复说理率",
        "Reasoned replies",
        "期内收到并已办结的诉求中，给予书面说理答复的比例。",
        "Share of feedback received in the period and closed that got a written, reasoned reply.",
        "说理答复数 ÷ 期内收到且已办结的诉求数",
        "reasoned_reply = true / received in the period and closed",
        True,
        True,
        H,
        S,
        "feedback",
        "说理答复的诉求",
        "cases with a reasoned reply",
        "期内收到且已办结的诉求",
        "cases received in the period and closed",
    ),
    Indicator(
        "R_RECTIFY",
        "responsiveness",
        "整改按期率",
        "Rectified on time",
        "期内立项且有整改期限的监督事项中，按期整改的比例（未到期的不计）。",
        "Share of supervision items opened in the period with a deadline that were put "
        "right by it (items not yet due are left out).",
        "按期整改数 ÷（按期整改数 + 逾期数）",
        "rectified_on <= rectify_due_on / (on time + late)",
        True,
        True,
        H,
        S,
        "supervision",
        "按期整改的事项",
        "items rectified on time",
        "已整改或已到期的监督事项",
        "items rectified or past due",
    ),
    Indicator(
        "R_ADOPTION",
        "responsiveness",
        "建议采纳率",
        "Suggestions adopted",
        "（仅展示，不计分）期内收到并办结的建议、意见中被采纳或部分采纳的比例。",
        "(Shown, not scored) Share of suggestions and opinions received in the period and "
        "closed that were adopted or partly adopted.",
        "采纳 + 部分采纳 ÷ 有采纳结论的已办结建议、意见",
        "adopted or partly_adopted / closed suggestions and opinions with an adoption outcome",
        True,
        False,
        H,
        S,
        "feedback",
        "采纳或部分采纳的建议意见",
        "suggestions adopted or partly adopted",
        "有采纳结论的已办结建议意见",
        "closed suggestions and opinions with an adoption outcome",
    ),
    Indicator(
        "R_CLOSE_DAYS",
        "responsiveness",
        "办结用时",
        "Days to close",
        "（仅展示，不计分）期内收到并已办结诉求的办结用时中位数（天）。",
        "(Shown, not scored) Median days from receipt to closing of feedback received in "
        "the period and closed.",
        "中位数(办结时间 − 收到时间)，以天计（小时 ÷ 24）",
        "median of closed_at - received_at in days (hours / 24)",
        False,
        False,
        L,
        D,
        "feedback",
        "办结用时",
        "days to close",
        "期内收到且已办结的诉求",
        "cases received in the period and closed",
    ),
    Indicator(
        "S_SATISFACTION",
        "satisfaction",
        "满意率",
        "Satisfaction",
        "期内收到并已回访评价的诉求中，满意（含基本满意，按权重）的比例。",
        "Share of rated feedback (received in the period, with a return visit) that was "
        "satisfied, counting basically satisfied with its weight.",
        "（满意 + w × 基本满意）÷ 已评价数，w 默认 1.0",
        "(satisfied + w x basically_satisfied) / rated, w = 1.0 by default",
        True,
        True,
        H,
        S,
        "feedback",
        "满意（含加权基本满意）",
        "satisfied (plus weighted basically satisfied)",
        "已回访并评价的诉求",
        "cases with a return visit and a rating",
    ),
    Indicator(
        "S_RESOLVED",
        "satisfaction",
        "解决率",
        "Resolved",
        "期内收到并已回访的诉求中，问题得到解决的比例。",
        "Share of feedback received in the period, with a return visit, whose problem was "
        "resolved.",
        "已解决数 ÷ 回访时有解决情况的诉求数",
        "resolved = true / cases with a return visit and a resolved answer",
        True,
        True,
        H,
        S,
        "feedback",
        "已解决的诉求",
        "cases resolved",
        "回访时有解决情况的诉求",
        "cases with a return visit and a resolved answer",
    ),
    Indicator(
        "S_RETURN_VISIT",
        "satisfaction",
        "回访率",
        "Return visits",
        "期内收到并已办结的诉求中，进行了回访的比例。",
        "Share of feedback received in the period and closed that got a return visit.",
        "已回访数 ÷ 期内收到且已办结的诉求数",
        "with a return visit / received in the period and closed",
        True,
        True,
        H,
        S,
        "feedback",
        "已回访的诉求",
        "cases with a return visit",
        "期内收到且已办结的诉求",
        "cases received in the period and closed",
    ),
    Indicator(
        "S_REPEAT",
        "satisfaction",
        "重复投诉率",
        "Repeat feedback",
        "（仅展示，不计分，越低越好）期内收到的诉求中，属于重复反映的比例。",
        "(Shown, not scored; lower is better) Share of feedback received in the period that "
        "repeats an earlier case.",
        "有 repeat_of 的诉求数 ÷ 期内收到的诉求数",
        "cases with a repeat_of / cases received in the period",
        True,
        False,
        L,
        S,
        "feedback",
        "重复反映的诉求",
        "repeat cases",
        "期内收到的诉求",
        "cases received in the period",
    ),
)

INDICATOR_CODES: tuple[str, ...] = tuple(i.code for i in INDICATORS)
BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}
SCORED_CODES: tuple[str, ...] = tuple(i.code for i in INDICATORS if i.scored)
RATE_CODES: tuple[str, ...] = tuple(i.code for i in INDICATORS if i.is_rate)

UNIT_COLUMNS: tuple[str, ...] = ("unit_id", "name", "level", "kind", "parent_id")
SCORE_COLUMNS: tuple[str, ...] = (*DIMENSION_CODES, "overall")
RANK_COLUMNS: tuple[str, ...] = ("rank", "rank_change")

# the number of disclosure channels O_CHANNELS divides by (records.md lists 8)
CHANNEL_COUNT = 8
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
