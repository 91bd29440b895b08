"""Settings of the methodology ("Configuration"): the values in force, TOML loading.

One TOML file, read by the command line (``--config FILE``) and the dashboard.
A file sets only what it changes: a ``[weights.X]`` table replaces that
dimension's weights whole, a ``[catalogue]`` entry replaces that unit kind's
list, a ``[due_days]`` entry replaces that feedback kind's days, a
``[labels.F]`` table replaces field F's labels. Any bad setting raises
:class:`SettingsError` naming the key.

What each setting is, its default and its check are declared once, in
:mod:`queries.model.settings.declarations`; the named rules at the end of this
module check, when it loads, that the declarations and :class:`Settings` agree.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from queries.model.catalogue import BY_CODE, INDICATORS
from queries.model.settings.declarations import (
    DEFAULT_CATALOGUE,
    DEFAULT_DUE_DAYS,
    DEFAULT_OVERALL_WEIGHTS,
    DEFAULT_WEIGHTS,
    SETTINGS,
    Setting,
    default_of,
    setting,
    split_document,
)
from queries.model.settings.values import SettingsError

__all__ = [
    "DEFAULT_CATALOGUE",
    "DEFAULT_DUE_DAYS",
    "DEFAULT_OVERALL_WEIGHTS",
    "DEFAULT_SETTINGS",
    "DEFAULT_WEIGHTS",
    "SETTINGS_RULES",
    "Settings",
    "SettingsError",
    "check_settings_catalogue",
    "load_settings",
    "settings_from_mapping",
    "settings_issues",
]


@dataclass(frozen=True)
class Settings:
    """Every number or list of the methodology that can be changed.

    Each attribute is one setting of :data:`~queries.model.settings.declarations.SETTINGS`
    (its default comes from there). Treat as immutable: hashing uses :meth:`fingerprint`.
    """

    disclosure_deadline_workdays: int = field(
        default_factory=default_of("disclosure_deadline_workdays")
    )
    response_hours: float = field(default_factory=default_of("response_hours"))
    due_days: dict[str, float] = field(default_factory=default_of("due_days"))
    basically_satisfied_weight: float = field(
        default_factory=default_of("basically_satisfied_weight")
    )
    min_sample: int = field(default_factory=default_of("min_sample"))
    public_min_count: int = field(default_factory=default_of("public_min_count"))
    # public counts above public_min_count are rounded to the nearest multiple of this
    public_rounding: int = field(default_factory=default_of("public_rounding"))
    public_levels: tuple[str, ...] = field(default_factory=default_of("public_levels"))
    holidays: tuple[date, ...] = field(default_factory=default_of("holidays"))
    workdays: tuple[date, ...] = field(default_factory=default_of("workdays"))
    catalogue: dict[str, tuple[str, ...]] = field(default_factory=default_of("catalogue"))
    # dimension -> indicator code -> weight (indicators not listed weigh 0)
    weights: dict[str, dict[str, float]] = field(default_factory=default_of("weights"))
    overall_weights: dict[str, float] = field(default_factory=default_of("overall_weights"))
    # record field -> {source label: code} (true/false for yes/no fields), for the importer
    labels: Mapping[str, Mapping[str, str | bool]] = field(default_factory=default_of("labels"))
    # the audit trail's HMAC key (queries.access.chain), relative to the data folder
    audit_key_file: str = field(default_factory=default_of("audit_key_file"))
    engine: str = field(default_factory=default_of("engine"))
    # delivery of jobs' messages (reports.delivery); channel name -> its checked fields
    public_base_url: str = field(default_factory=default_of("public_base_url"))
    delivery_attempts: int = field(default_factory=default_of("delivery_attempts"))
    delivery_backoff_seconds: float = field(default_factory=default_of("delivery_backoff_seconds"))
    outbox_folder: str = field(default_factory=default_of("outbox_folder"))
    channels: dict[str, dict[str, Any]] = field(default_factory=default_of("channels"))
    # the Data page's upload limit, in MB (and Streamlit's server.maxUploadSize)
    upload_max_mb: int = field(default_factory=default_of("upload_max_mb"))

    def as_dict(self) -> dict[str, Any]:
        """A plain, JSON-friendly view (dates as ISO strings, tuples as lists)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("holidays", "workdays"):
                v = [d.isoformat() for d in v]
            elif f.name == "catalogue":
                v = {k: list(c) for k, c in v.items()}
            elif f.name == "labels":
                v = {k: dict(m) for k, m in v.items()}
            elif isinstance(v, tuple):
                v = list(v)
            out[f.name] = v
        return out

    def fingerprint(self) -> str:
        """A stable hash of every setting, for cache keys."""
        text = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def __hash__(self) -> int:
        return hash(self.fingerprint())

    def indicator_weight(self, code: str) -> float:
        ind = BY_CODE[code]
        return self.weights.get(ind.dimension, {}).get(code, 0.0)

    def value_of(self, key: str) -> Any:
        """The value in force of the setting with TOML key ``key``."""
        return getattr(self, setting(key).attr)


def settings_from_mapping(data: Mapping[str, Any], base: Settings | None = None) -> Settings:
    """Apply ``data`` (a parsed TOML document) over ``base`` (default settings).

    Raises :class:`SettingsError` naming the first bad key; nothing is half applied
    (the result is a new ``Settings``; ``base`` is never changed).
    """
    s = base or DEFAULT_SETTINGS
    changes: dict[str, Any] = {}
    for key, value in split_document(data):
        decl = setting(key)
        current = changes.get(decl.attr, getattr(s, decl.attr))
        changes[decl.attr] = decl.parse(key, value, current)
    return replace(s, **changes)


def load_settings(path: str | Path | None = None) -> Settings:
    """The defaults, with the TOML file at ``path`` applied over them."""
    if path is None:
        return DEFAULT_SETTINGS
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SettingsError(str(p), f"cannot read the settings file: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(str(p), f"not valid TOML: {exc}") from None
    return settings_from_mapping(data)


# ---- named rules, checked when this module loads (MetricFlow-style validation) ----

# a rule reads the declarations and returns one message per problem (none: it holds)
SettingsRule = Callable[[Sequence[Setting]], list[str]]


def rule_every_attribute_declared(decls: Sequence[Setting]) -> list[str]:
    """Settings attributes and the declarations' ``attr`` are the same set."""
    attrs = {f.name for f in fields(Settings)}
    declared = {s.attr for s in decls}
    return [f"Settings.{a} has no declaration" for a in sorted(attrs - declared)] + [
        f"a declaration fills no Settings attribute {a!r}" for a in sorted(declared - attrs)
    ]


def rule_unique_keys(decls: Sequence[Setting]) -> list[str]:
    """No TOML key and no attribute is declared twice."""
    out = []
    for what in ("key", "attr"):
        names = [getattr(s, what) for s in decls]
        out += [f"{what} {n!r} is declared twice" for n in sorted(set(names)) if names.count(n) > 1]
    return out


def rule_help_in_both_languages(decls: Sequence[Setting]) -> list[str]:
    """Type and help text, Chinese and English, are all written."""
    return [
        f"setting {s.key!r} lacks {what}"
        for s in decls
        for what in ("type_zh", "type_en", "help_zh", "help_en")
        if not getattr(s, what).strip()
    ]


def rule_defaults_pass_their_check(decls: Sequence[Setting]) -> list[str]:
    """Each default, read back through its own parser, passes and is unchanged."""
    out = []
    for s in decls:
        try:
            value = s.parse(s.key, s.make_default(), s.make_default())
        except SettingsError as exc:
            out.append(f"default of {s.key!r} fails its check: {exc}")
            continue
        if value != s.default:
            out.append(f"default of {s.key!r} changes when read: {value!r}")
    return out


def rule_weights_only_for_scored_indicators(decls: Sequence[Setting]) -> list[str]:
    """Default ``weights``: every scored indicator weighted, and no other name."""
    weights: Mapping[str, Mapping[str, float]] = next(
        (s.default for s in decls if s.key == "weights"), {}
    )
    out = []
    for ind in INDICATORS:
        weighted = ind.code in weights.get(ind.dimension, {})
        if ind.scored and not weighted:
            out.append(f"scored indicator {ind.code} has no default weight")
        if weighted and not ind.scored:
            out.append(f"{ind.code} is not scored but has a default weight")
    known = {(i.dimension, i.code) for i in INDICATORS}
    out += [
        f"weights.{d}.{c} is no indicator of {d}"
        for d, w in weights.items()
        for c in w
        if (d, c) not in known
    ]
    return out


SETTINGS_RULES: dict[str, SettingsRule] = {
    "every_attribute_declared": rule_every_attribute_declared,
    "unique_keys": rule_unique_keys,
    "help_in_both_languages": rule_help_in_both_languages,
    "defaults_pass_their_check": rule_defaults_pass_their_check,
    "weights_only_for_scored_indicators": rule_weights_only_for_scored_indicators,
}


def settings_issues(
    decls: Sequence[Setting] = SETTINGS, rules: Mapping[str, SettingsRule] = SETTINGS_RULES
) -> list[str]:
    """Every rule's problems with ``decls``, each as ``rule name: message``."""
    return [f"{name}: {issue}" for name, rule in rules.items() for issue in rule(decls)]


def check_settings_catalogue(decls: Sequence[Setting] = SETTINGS) -> None:
    """Raise ``ValueError`` listing every problem the rules find (run on import)."""
    issues = settings_issues(decls)
    if issues:
        raise ValueError("settings catalogue: " + "; ".join(issues))


check_settings_catalogue()
DEFAULT_SETTINGS = Settings()
