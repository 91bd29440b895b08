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

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "covered": ("已覆盖", "covered"),
    "not_covered": ("未覆盖", "not covered"),
    "on_time": ("按时", "on time"),
    "late": ("逾期", "late"),
    "pending": ("未到期", "pending"),
    "no_formed_on": ("无形成日期（不计）", "no formed date (excluded)"),
    "no_due_date": ("无整改期限（不计）", "no deadline (excluded)"),
    "published": ("已公开", "published"),
    "not_published": ("未公开", "not published"),
    "reasoned": ("说理答复", "reasoned reply"),
    "not_reasoned": ("未说理答复", "no reasoned reply"),
    "open": ("未办结（不计）", "not closed (excluded)"),
    "adopted": ("采纳", "adopted"),
    "partly_adopted": ("部分采纳", "partly adopted"),
    "not_adopted": ("未采纳", "not adopted"),
    "no_adoption_outcome": ("无采纳结论（不计）", "no adoption outcome (excluded)"),
    "not_suggestion": ("非建议意见（不计）", "not a suggestion or opinion (excluded)"),
    "satisfied": ("满意", "satisfied"),
    "basically_satisfied": ("基本满意", "basically satisfied"),
    "dissatisfied": ("不满意", "dissatisfied"),
    "not_rated": ("未评价（不计）", "not rated (excluded)"),
    "no_return_visit": ("未回访（不计）", "no return visit (excluded)"),
    "resolved": ("已解决", "resolved"),
    "not_resolved": ("未解决", "not resolved"),
    "not_answered": ("解决情况未知（不计）", "resolved unknown (excluded)"),
    "visited": ("已回访", "visited"),
    "not_visited": ("未回访", "not visited"),
    "repeat": ("重复反映", "repeat"),
    "not_repeat": ("首次反映", "first time"),
    "closed": ("已办结", "closed"),
    "result": ("结果类（执法过程/结果）", "results (case progress / enforcement results)"),
    "procedure": ("程序类", "procedures"),
    "rights": ("权利类", "rights and remedies"),
    "obligation": ("义务类", "obligations"),
    "other": ("其他类别", "other categories"),
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
    zh, en = STATUS_LABELS.get(status, (status, status))
    return zh if lang == "zh" else en


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


def num_den_sums(code: str, settings: Settings) -> tuple[pl.Expr, pl.Expr]:
    """Aggregations: the numerator and the denominator of a group of records.

    The same rules as :func:`num_den_exprs`, summed (for group_by)."""
    nums, dens = _weights(code, settings)
    col = pl.col(code)
    num: pl.Expr = pl.lit(0.0)
    for status, w in nums.items():
        if w:
            num = num + w * (col == st(code, status)).sum().cast(pl.Float64)
    in_den: pl.Expr = pl.lit(False)
    for status, d in dens.items():
        if d:
            in_den = in_den | (col == st(code, status))
    den = in_den.sum().cast(pl.Int64)
    return num.alias(f"{code}__num"), den.alias(f"{code}__den")
