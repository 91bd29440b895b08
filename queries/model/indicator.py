"""What an indicator is, as data: its kind, direction, dimension, labels and formula.

The engine chooses how to count, compute a value and an interval, and score an
indicator by its :class:`Kind` and :class:`Direction`, never by its code; the
declarations themselves are in :mod:`queries.model.catalogue`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How an indicator's value is computed from its records' statuses.

    - ``rate``: numerator / denominator of status shares (STATUS_RULES), with a
      Wilson interval; columns X, X_n, X_lo, X_hi.
    - ``balance``: the mean of the defined terms min(1, x / y) of
      ``balance_terms`` (pairs of status groups; 1 if y = 0 and x > 0, undefined
      if both 0), as O_DEPTH; columns X, X_n.
    - ``distinct_share``: distinct values of ``distinct_column`` among the records
      counted, divided by ``distinct_total``, as O_CHANNELS; columns X, X_n.
    - ``median``: the median of ``median_column`` over the records whose status
      is ``median_status``, as R_CLOSE_DAYS (in days); columns X, X_n.
    """

    RATE = "rate"
    BALANCE = "balance"
    DISTINCT_SHARE = "distinct_share"
    MEDIAN = "median"


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


@dataclass(frozen=True, kw_only=True)
class Indicator:
    """One indicator: what it is, how it is computed, how it is shown.

    Every field is given by keyword. The kind's parameters (``balance_terms``,
    ``distinct_column`` / ``distinct_total``, ``median_column`` / ``median_status``)
    are set for that kind only; :mod:`queries.model.catalogue_rules` checks it.
    """

    code: str
    dimension: str
    kind: Kind
    direction: Direction
    scored: bool
    # which record kind it counts: disclosures / feedback / supervision
    record_kind: str
    name_zh: str
    name_en: str
    explain_zh: str
    explain_en: str
    formula_zh: str
    formula_en: str
    numerator_zh: str
    numerator_en: str
    denominator_zh: str
    denominator_en: str
    # methodology: O_COVERAGE counts catalogue entries, not a sample
    min_sample_exempt: bool = False
    # optional record fields the indicator reads: when no record of the database has
    # one of them filled in, its value shows what was not exported, not the work done
    # (queries.engine.gaps)
    relies_on: tuple[str, ...] = ()
    # kind = balance: (x, y) pairs of status groups, value = mean of min(1, x / y)
    balance_terms: tuple[tuple[str, str], ...] = ()
    # kind = distinct_share: distinct values of this column / this many possible values
    distinct_column: str | None = None
    distinct_total: int | None = None
    # kind = median: the median of this column over records with this status
    median_column: str | None = None
    median_status: str | None = None

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
    def is_rate(self) -> bool:
        """A rate: a numerator over a denominator, with an interval."""
        return self.kind == Kind.RATE

    @property
    def unit(self) -> Unit:
        """What a value measures: a share 0..1, or days (a median)."""
        return Unit.DAYS if self.kind == Kind.MEDIAN else Unit.SHARE

    @property
    def columns(self) -> tuple[str, ...]:
        """This indicator's columns in the indicator table (cli.md)."""
        c = self.code
        return (c, f"{c}_n", f"{c}_lo", f"{c}_hi") if self.is_rate else (c, f"{c}_n")
