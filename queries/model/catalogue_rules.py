"""Named rules that the indicator catalogue must pass, checked when it loads.

After MetricFlow's semantic-manifest validator: each rule reads the whole
catalogue (indicators and dimensions) and returns one message per problem;
:func:`check_catalogue` runs every rule of :data:`CATALOGUE_RULES` and raises
:class:`CatalogueError` listing all problems, each prefixed with its rule's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from queries.model.indicator import Dimension, Indicator, Kind, Unit
from queries.model.records import KINDS

Rule = Callable[[Sequence[Indicator], Sequence[Dimension]], list[str]]

_CJK = re.compile(r"[\u3400-\u9fff]")
_TEXTS = ("name", "explain", "formula", "numerator", "denominator")
# the parameters each kind needs; every other kind leaves them unset
_PARAMETERS: dict[Kind, tuple[str, ...]] = {
    Kind.RATE: (),
    Kind.BALANCE: ("balance_terms",),
    Kind.DISTINCT_SHARE: ("distinct_column", "distinct_total"),
    Kind.MEDIAN: ("median_column", "median_status"),
}
_ALL_PARAMETERS = tuple(p for ps in _PARAMETERS.values() for p in ps)


class CatalogueError(ValueError):
    """The catalogue breaks one or more rules; ``issues`` lists ``rule: problem``."""

    def __init__(self, issues: list[str]) -> None:
        self.issues = issues
        super().__init__("indicator catalogue: " + "; ".join(issues))


def rule_unique_codes(inds: Sequence[Indicator], dims: Sequence[Dimension]) -> list[str]:
    """No indicator code and no dimension code is declared twice."""
    out = []
    for what, codes in (
        ("indicator", [i.code for i in inds]),
        ("dimension", [d.code for d in dims]),
    ):
        out += [f"{what} {c} is declared twice" for c in sorted(set(codes)) if codes.count(c) > 1]
    return out


def rule_code_names_its_dimension(
    inds: Sequence[Indicator], dims: Sequence[Dimension]
) -> list[str]:
    """A code is CAPITALS_WITH_UNDERSCORES starting with its dimension's initial (O_, R_, S_)."""
    return [
        f"{i.code} should read {i.dimension[:1].upper()}_... (dimension {i.dimension})"
        for i in inds
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", i.code)
        or not i.code.startswith(f"{i.dimension[:1].upper()}_")
    ]


def rule_known_dimension(inds: Sequence[Indicator], dims: Sequence[Dimension]) -> list[str]:
    """Every indicator belongs to a declared dimension."""
    known = {d.code for d in dims}
    return [
        f"{i.code}: unknown dimension {i.dimension!r}" for i in inds if i.dimension not in known
    ]


def rule_scored_in_every_dimension(
    inds: Sequence[Indicator], dims: Sequence[Dimension]
) -> list[str]:
    """Every dimension has at least one scored indicator (else its score is always empty)."""
    return [
        f"dimension {d.code} has no scored indicator"
        for d in dims
        if not any(i.scored and i.dimension == d.code for i in inds)
    ]


def rule_scored_are_shares(inds: Sequence[Indicator], dims: Sequence[Dimension]) -> list[str]:
    """A scored indicator is a share 0..1 (a score is 100 x a weighted mean of shares)."""
    return [
        f"{i.code} is scored but measures {i.unit.value}, not a share"
        for i in inds
        if i.scored and i.unit != Unit.SHARE
    ]


def rule_kind_parameters(inds: Sequence[Indicator], dims: Sequence[Dimension]) -> list[str]:
    """Each kind's parameters are set, and only those: a balance has terms, a distinct
    share a column and a total > 0, a median a column and a status."""
    out = []
    for i in inds:
        need = _PARAMETERS[i.kind]
        for p in need:
            if not getattr(i, p):
                out.append(f"{i.code} ({i.kind.value}) needs {p}")
        for p in _ALL_PARAMETERS:
            if p not in need and getattr(i, p):
                out.append(f"{i.code} ({i.kind.value}) must not set {p}")
        if i.kind == Kind.DISTINCT_SHARE and (i.distinct_total or 0) < 0:
            out.append(f"{i.code}: distinct_total must be > 0")
        if any(len(t) != 2 or not all(t) for t in i.balance_terms):
            out.append(f"{i.code}: each balance term is a pair (x, y) of status groups")
    return out


def rule_known_record_kind(inds: Sequence[Indicator], dims: Sequence[Dimension]) -> list[str]:
    """Every indicator counts records of a declared record kind (not units)."""
    known = set(KINDS) - {"units"}
    return [
        f"{i.code}: unknown record kind {i.record_kind!r}"
        for i in inds
        if i.record_kind not in known
    ]


def rule_relies_on_optional_fields(
    inds: Sequence[Indicator], dims: Sequence[Dimension]
) -> list[str]:
    """``relies_on`` names optional fields of the indicator's record kind (a required
    field is always filled in, so its absence could never be seen)."""
    out = []
    for i in inds:
        fields = {f.name: f for f in KINDS[i.record_kind].fields} if i.record_kind in KINDS else {}
        for name in i.relies_on:
            if name not in fields:
                out.append(f"{i.code}: relies on {name!r}, not a field of {i.record_kind}")
            elif fields[name].required:
                out.append(f"{i.code}: relies on {name!r}, a required field of {i.record_kind}")
    return out


def rule_labels_in_both_languages(
    inds: Sequence[Indicator], dims: Sequence[Dimension]
) -> list[str]:
    """Every label and formula is written in Chinese (with Chinese characters) and in
    English (without any)."""
    out = []
    texts = [
        (i.code, f"{what}_{lang}", getattr(i, f"{what}_{lang}"))
        for i in inds
        for what in _TEXTS
        for lang in ("zh", "en")
    ]
    texts += [
        (d.code, f"name_{lang}", getattr(d, f"name_{lang}")) for d in dims for lang in ("zh", "en")
    ]
    for code, name, text in texts:
        if not text.strip():
            out.append(f"{code}: {name} is empty")
        elif name.endswith("_zh") and not _CJK.search(text):
            out.append(f"{code}: {name} has no Chinese")
        elif name.endswith("_en") and _CJK.search(text):
            out.append(f"{code}: {name} is not English: {text!r}")
    return out


CATALOGUE_RULES: dict[str, Rule] = {
    "unique_codes": rule_unique_codes,
    "code_names_its_dimension": rule_code_names_its_dimension,
    "known_dimension": rule_known_dimension,
    "scored_in_every_dimension": rule_scored_in_every_dimension,
    "scored_are_shares": rule_scored_are_shares,
    "kind_parameters": rule_kind_parameters,
    "known_record_kind": rule_known_record_kind,
    "relies_on_optional_fields": rule_relies_on_optional_fields,
    "labels_in_both_languages": rule_labels_in_both_languages,
}


def catalogue_issues(
    inds: Sequence[Indicator],
    dims: Sequence[Dimension],
    rules: Mapping[str, Rule] = CATALOGUE_RULES,
) -> list[str]:
    """Every rule's problems, each as ``rule name: problem`` (empty: the catalogue holds)."""
    return [f"{name}: {issue}" for name, rule in rules.items() for issue in rule(inds, dims)]


def check_catalogue(inds: Sequence[Indicator], dims: Sequence[Dimension]) -> None:
    """Raise :class:`CatalogueError` if any rule finds a problem."""
    issues = catalogue_issues(inds, dims)
    if issues:
        raise CatalogueError(issues)
