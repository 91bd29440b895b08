"""Settings of the methodology ("Configuration"): defaults, TOML loading, validation.

One TOML file, read by the command line (``--config FILE``) and the dashboard.
A file sets only what it changes: a ``[weights.X]`` table replaces that
dimension's weights whole, a ``[catalogue]`` entry replaces that unit kind's
list, a ``[due_days]`` entry replaces that feedback kind's days. Any bad
setting raises :class:`SettingsError` naming the key.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from queries.model.catalogue import BY_CODE, DIMENSION_CODES, indicators_of
from queries.model.records import DISCLOSURE_CATEGORIES, FEEDBACK_KINDS, UNIT_KINDS, UNIT_LEVELS


class SettingsError(ValueError):
    """A bad setting; the message starts with the key at fault."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"setting {key!r}: {message}")


DEFAULT_DUE_DAYS: dict[str, int] = {
    "complaint": 30,
    "report": 30,
    "suggestion": 30,
    "opinion": 30,
    "enquiry": 3,
}

_COMMON = ["powers_duties", "procedures"]
DEFAULT_CATALOGUE: dict[str, tuple[str, ...]] = {
    "comprehensive": (
        *_COMMON,
        "obligations",
        "rights_remedies",
        "convenience_measures",
        "complaint_channels",
        "units_contacts",
        "case_progress",
        "enforcement_results",
    ),
    "window": (
        *_COMMON,
        "obligations",
        "rights_remedies",
        "convenience_measures",
        "complaint_channels",
        "units_contacts",
    ),
    "case_handling": (
        *_COMMON,
        "rights_remedies",
        "complaint_channels",
        "units_contacts",
        "case_progress",
        "enforcement_results",
    ),
    "management": (
        "powers_duties",
        "normative_documents",
        "procedures",
        "complaint_channels",
        "units_contacts",
        "major_decisions",
        "statistics",
    ),
}

DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "openness": {
        "O_COVERAGE": 0.30,
        "O_TIMELY": 0.25,
        "O_DEPTH": 0.20,
        "O_SUPERVISION_PUBLIC": 0.15,
        "O_CHANNELS": 0.10,
    },
    "responsiveness": {"R_RESPONSE": 0.30, "R_ONTIME": 0.30, "R_REPLY": 0.20, "R_RECTIFY": 0.20},
    "satisfaction": {"S_SATISFACTION": 0.50, "S_RESOLVED": 0.30, "S_RETURN_VISIT": 0.20},
}
DEFAULT_OVERALL_WEIGHTS: dict[str, float] = {d: 1.0 for d in DIMENSION_CODES}


@dataclass(frozen=True)
class Settings:
    """Every number or list of the methodology that can be changed.

    Treat as immutable: hashing uses :meth:`fingerprint`.
    """

    disclosure_deadline_workdays: int = 20
    response_hours: float = 24
    due_days: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_DUE_DAYS))
    basically_satisfied_weight: float = 1.0
    min_sample: int = 10
    public_min_count: int = 5
    public_levels: tuple[str, ...] = ("bureau", "branch")
    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()
    catalogue: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_CATALOGUE))
    # dimension -> indicator code -> weight (indicators not listed weigh 0)
    weights: dict[str, dict[str, float]] = field(
        default_factory=lambda: {d: dict(w) for d, w in DEFAULT_WEIGHTS.items()}
    )
    overall_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_OVERALL_WEIGHTS))

    def as_dict(self) -> dict[str, Any]:
        """A plain, JSON-friendly view (dates as ISO strings)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("holidays", "workdays"):
                v = [d.isoformat() for d in v]
            elif f.name == "catalogue":
                v = {k: list(c) for k, c in v.items()}
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


DEFAULT_SETTINGS = Settings()

_SCALARS = {
    "disclosure_deadline_workdays": int,
    "response_hours": float,
    "basically_satisfied_weight": float,
    "min_sample": int,
    "public_min_count": int,
}
_TOP_KEYS = {
    *_SCALARS,
    "due_days",
    "public_levels",
    "holidays",
    "workdays",
    "catalogue",
    "weights",
}


def _number(key: str, value: Any, kind: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingsError(key, f"must be a number, got {value!r}")
    if kind is int and not isinstance(value, int):
        if float(value).is_integer():
            return int(value)
        raise SettingsError(key, f"must be a whole number, got {value!r}")
    if not math.isfinite(value):
        raise SettingsError(key, f"must be finite, got {value!r}")
    return value


def _table(key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SettingsError(key, f"must be a table, got {value!r}")
    return value


def _dates(key: str, value: Any) -> tuple[date, ...]:
    if not isinstance(value, list):
        raise SettingsError(key, f"must be a list of dates, got {value!r}")
    out = []
    for v in value:
        if isinstance(v, datetime):
            raise SettingsError(key, f"must hold dates, not date-times: {v!r}")
        if isinstance(v, date):
            out.append(v)
        elif isinstance(v, str):
            try:
                out.append(date.fromisoformat(v.strip().replace("/", "-")))
            except ValueError:
                raise SettingsError(key, f"not a date (YYYY-MM-DD): {v!r}") from None
        else:
            raise SettingsError(key, f"not a date: {v!r}")
    return tuple(sorted(set(out)))


def _weights(key: str, value: Any, allowed: Mapping[str, str | None]) -> dict[str, float]:
    """``allowed``: name -> None if it may be weighted, else why it may not."""
    table = _table(key, value)
    out: dict[str, float] = {}
    for name, w in table.items():
        k = f"{key}.{name}"
        if name not in allowed:
            raise SettingsError(k, f"unknown name (expected one of {', '.join(allowed)})")
        if allowed[name] is not None:
            raise SettingsError(k, str(allowed[name]))
        w = float(_number(k, w, float))
        if w < 0:
            raise SettingsError(k, f"weight must be >= 0, got {w}")
        out[name] = w
    if not out or all(w == 0 for w in out.values()):
        raise SettingsError(key, "all weights are 0: at least one must be positive")
    return out


def settings_from_mapping(data: Mapping[str, Any], base: Settings | None = None) -> Settings:
    """Apply ``data`` (a parsed TOML document) over ``base`` (default settings)."""
    s = base or DEFAULT_SETTINGS
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _TOP_KEYS:
            raise SettingsError(key, "unknown setting")
        if key in _SCALARS:
            v = _number(key, value, _SCALARS[key])
            if key == "basically_satisfied_weight" and not 0 <= v <= 1:
                raise SettingsError(key, f"must be between 0 and 1, got {v}")
            if key in ("response_hours",) and v <= 0:
                raise SettingsError(key, f"must be > 0, got {v}")
            if v < 0:
                raise SettingsError(key, f"must be >= 0, got {v}")
            changes[key] = v
        elif key == "due_days":
            due = dict(s.due_days)
            for kind, days in _table(key, value).items():
                k = f"due_days.{kind}"
                if kind not in FEEDBACK_KINDS:
                    raise SettingsError(
                        k, f"unknown feedback kind (expected {', '.join(FEEDBACK_KINDS)})"
                    )
                d = _number(k, days, float)
                if d < 0:
                    raise SettingsError(k, f"must be >= 0, got {d}")
                due[kind] = d
            changes[key] = due
        elif key == "public_levels":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SettingsError(key, f"must be a list of unit levels, got {value!r}")
            for v in value:
                if v not in UNIT_LEVELS:
                    raise SettingsError(
                        key, f"unknown level {v!r} (expected {', '.join(UNIT_LEVELS)})"
                    )
            changes[key] = tuple(value)
        elif key in ("holidays", "workdays"):
            changes[key] = _dates(key, value)
        elif key == "catalogue":
            cat = dict(s.catalogue)
            for kind, cats in _table(key, value).items():
                k = f"catalogue.{kind}"
                if kind not in UNIT_KINDS:
                    raise SettingsError(k, f"unknown unit kind (expected {', '.join(UNIT_KINDS)})")
                if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
                    raise SettingsError(k, f"must be a list of categories, got {cats!r}")
                for c in cats:
                    if c not in DISCLOSURE_CATEGORIES:
                        raise SettingsError(k, f"unknown category {c!r}")
                cat[kind] = tuple(dict.fromkeys(cats))
            changes[key] = cat
        elif key == "weights":
            weights = {d: dict(w) for d, w in s.weights.items()}
            overall = dict(s.overall_weights)
            for dim, table in _table(key, value).items():
                k = f"weights.{dim}"
                if dim == "overall":
                    overall = _weights(k, table, dict.fromkeys(DIMENSION_CODES))
                elif dim in DIMENSION_CODES:
                    allowed: dict[str, str | None] = {}
                    for ind in indicators_of(dim):
                        allowed[ind.code] = (
                            None if ind.scored else "is shown only, not scored: it has no weight"
                        )
                    weights[dim] = _weights(k, table, allowed)
                else:
                    raise SettingsError(
                        k, f"unknown dimension (expected {', '.join(DIMENSION_CODES)}, overall)"
                    )
            changes["weights"] = weights
            changes["overall_weights"] = overall
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
