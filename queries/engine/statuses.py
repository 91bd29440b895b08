"""The statuses a record can have for each indicator, and what each one counts.

:data:`STATUS_RULES` gives, per indicator, each status's share of the numerator
and of the denominator (``pending``, ``open``, ``no_return_visit`` ... count in
neither). :mod:`queries.engine.classify` assigns the statuses; the indicator table,
the drill-down and the dashboard's breakdowns count them with these rules.
"""

from __future__ import annotations

import polars as pl

from queries.model.catalogue import INDICATORS
from queries.model.settings import Settings
from queries.vocabulary.text import Text

# num "w" = the settings' basically_satisfied_weight
NumDen = tuple[float | str, int]

STATUS_RULES: dict[str, dict[str, NumDen]] = {
    "O_COVERAGE": {"covered": (1, 1), "not_covered": (0, 1)},
    "O_TIMELY": {"on_time": (1, 1), "late": (0, 1), "no_formed_on": (0, 0)},
    "O_SUPERVISION_PUBLIC": {"published": (1, 1), "not_published": (0, 1)},
    "R_RESPONSE": {"on_time": (1, 1), "late": (0, 1), "pending": (0, 0)},
    "R_ONTIME": {"on_time": (1, 1), "late": (0, 1), "pending": (0, 0)},
    "R_REPLY": {"reasoned": (1, 1), "not_reasoned": (0, 1), "open": (0, 0)},
    "R_RECTIFY": {"on_time": (1, 1), "late": (0, 1), "pending": (0, 0), "no_due_date": (0, 0)},
    "R_ADOPTION": {
        "adopted": (1, 1),
        "partly_adopted": (1, 1),
        "not_adopted": (0, 1),
        "no_adoption_outcome": (0, 0),
        "open": (0, 0),
        "not_suggestion": (0, 0),
    },
    "S_SATISFACTION": {
        "satisfied": (1, 1),
        "basically_satisfied": ("w", 1),
        "dissatisfied": (0, 1),
        "not_rated": (0, 0),
        "no_return_visit": (0, 0),
    },
    "S_RESOLVED": {
        "resolved": (1, 1),
        "not_resolved": (0, 1),
        "not_answered": (0, 0),
        "no_return_visit": (0, 0),
    },
    "S_RETURN_VISIT": {"visited": (1, 1), "not_visited": (0, 1), "open": (0, 0)},
    "S_REPEAT": {"repeat": (1, 1), "not_repeat": (0, 1)},
    # not num/den rates: n counts the records whose status is not excluded
    "R_CLOSE_DAYS": {"closed": (0, 1), "open": (0, 0)},
    "O_DEPTH": {
        "result": (0, 1),
        "procedure": (0, 1),
        "rights": (0, 1),
        "obligation": (0, 1),
        "other": (0, 1),
    },
    "O_CHANNELS": {"published": (0, 1)},
}

# what each status is called in a table cell (record lists, their downloads)
STATUS_LABELS: dict[str, Text] = {
    "covered": Text("已覆盖", "Covered"),
    "not_covered": Text("未覆盖", "Not covered"),
    "on_time": Text("按时", "On time"),
    "late": Text("逾期", "Late"),
    "pending": Text("未到期", "Pending"),
    "no_formed_on": Text("无形成日期（不计）", "No formed date (excluded)"),
    "no_due_date": Text("无整改期限（不计）", "No deadline (excluded)"),
    "published": Text("已公开", "Published"),
    "not_published": Text("未公开", "Not published"),
    "reasoned": Text("说理答复", "Reasoned reply"),
    "not_reasoned": Text("未说理答复", "No reasoned reply"),
    "open": Text("未办结（不计）", "Not closed (excluded)"),
    "adopted": Text("采纳", "Adopted"),
    "partly_adopted": Text("部分采纳", "Partly adopted"),
    "not_adopted": Text("未采纳", "Not adopted"),
    "no_adoption_outcome": Text("无采纳结论（不计）", "No adoption outcome (excluded)"),
    "not_suggestion": Text("非建议意见（不计）", "Not a suggestion or opinion (excluded)"),
    "satisfied": Text("满意", "Satisfied"),
    "basically_satisfied": Text("基本满意", "Basically satisfied"),
    "dissatisfied": Text("不满意", "Dissatisfied"),
    "not_rated": Text("未评价（不计）", "Not rated (excluded)"),
    "no_return_visit": Text("未回访（不计）", "No return visit (excluded)"),
    "resolved": Text("已解决", "Resolved"),
    "not_resolved": Text("未解决", "Not resolved"),
    "not_answered": Text("解决情况未知（不计）", "Resolved unknown (excluded)"),
    "visited": Text("已回访", "Visited"),
    "not_visited": Text("未回访", "Not visited"),
    "repeat": Text("重复反映", "Repeat"),
    "not_repeat": Text("首次反映", "First time"),
    "closed": Text("已办结", "Closed"),
    "result": Text("结果类（执法过程/结果）", "Results (case progress / enforcement results)"),
    "procedure": Text("程序类", "Procedures"),
    "rights": Text("权利类", "Rights and remedies"),
    "obligation": Text("义务类", "Obligations"),
    "other": Text("其他类别", "Other categories"),
}

# the indicators classified per feedback case and per disclosure, in catalogue order
# (O_COVERAGE counts catalogue entries per unit, not disclosures one by one)
FEEDBACK_CODES = tuple(i.code for i in INDICATORS if i.record_kind == "feedback")
DISCLOSURE_CODES = tuple(
    i.code for i in INDICATORS if i.record_kind == "disclosures" and i.code != "O_COVERAGE"
)

DEPTH_GROUPS = {
    "case_progress": "result",
    "enforcement_results": "result",
    "procedures": "procedure",
    "rights_remedies": "rights",
    "obligations": "obligation",
}


# each status column is an Enum of its indicator's statuses: cheap to build and compare
STATUS_DTYPES: dict[str, pl.Enum] = {c: pl.Enum(list(r)) for c, r in STATUS_RULES.items()}


def st(code: str, status: str) -> pl.Expr:
    """The literal ``status`` of ``code``'s status column."""
    if status not in STATUS_RULES[code]:
        raise KeyError(f"{code} has no status {status!r}")
    return pl.lit(status, dtype=STATUS_DTYPES[code])


def status_label(status: str, lang: str = "zh") -> str:
    """The label of ``status`` in ``lang``; an unknown status as it is."""
    return STATUS_LABELS.get(status, Text(status, status)).of(lang)


def _weights(code: str, settings: Settings) -> tuple[dict[str, float], dict[str, int]]:
    rules = STATUS_RULES[code]
    w = settings.basically_satisfied_weight
    nums = {s: float(w if n == "w" else n) for s, (n, _d) in rules.items()}
    dens = {s: d for s, (_n, d) in rules.items()}
    return nums, dens


def num_den_exprs(code: str, settings: Settings) -> tuple[pl.Expr, pl.Expr]:
    """Per record: its share of the numerator (Float64) and denominator (Int64)."""
    nums, dens = _weights(code, settings)
    col = pl.col(code).cast(pl.String)
    num = col.replace_strict(nums, default=0.0, return_dtype=pl.Float64)
    den = col.replace_strict(dens, default=0, return_dtype=pl.Int64)
    return num, den
