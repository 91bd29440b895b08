"""How each setting's TOML value is read and checked: one parser per setting.

Every parser has the shape ``parse(key, value, current) -> new value``: ``key`` is
the TOML key being read (used in errors), ``value`` the parsed TOML value,
``current`` the value in force before the file (a table that a file replaces
entry by entry starts from it). Any bad value raises :class:`SettingsError`
naming the key at fault, down to the entry (``weights.openness.O_COVERAGE``,
``labels.satisfaction."很好"``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from queries.model.catalogue import DIMENSION_CODES, indicators_of
from queries.model.records import (
    DISCLOSURE_CATEGORIES,
    FEEDBACK_KINDS,
    KINDS,
    UNIT_KINDS,
    UNIT_LEVELS,
    FieldType,
)


class SettingsError(ValueError):
    """A bad setting; the message starts with the key at fault."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"setting {key!r}: {message}")


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key(part: str) -> str:
    """One part of a dotted TOML key: bare when TOML allows it, else quoted."""
    return part if _BARE_KEY.match(part) else json.dumps(part, ensure_ascii=False)


def number(key: str, value: Any, kind: type = float) -> Any:
    """A finite int or float (``kind=int``: a whole number, returned as int)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingsError(key, f"must be a number, got {value!r}")
    if not math.isfinite(value):
        raise SettingsError(key, f"must be finite, got {value!r}")
    if kind is int and not isinstance(value, int):
        if float(value).is_integer():
            return int(value)
        raise SettingsError(key, f"must be a whole number, got {value!r}")
    return value


def table(key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SettingsError(key, f"must be a table, got {value!r}")
    return value


def at_least(minimum: float, kind: type = int) -> Callable[[str, Any, Any], Any]:
    """A parser for a number (``kind``) that must be >= ``minimum``."""

    def parse(key: str, value: Any, current: Any) -> Any:
        v = number(key, value, kind)
        if v < minimum:
            raise SettingsError(key, f"must be >= {minimum:g}, got {v}")
        return v

    return parse


def positive(key: str, value: Any, current: Any) -> Any:
    v = number(key, value, float)
    if v <= 0:
        raise SettingsError(key, f"must be > 0, got {v}")
    return v


def share(key: str, value: Any, current: Any) -> Any:
    v = number(key, value, float)
    if not 0 <= v <= 1:
        raise SettingsError(key, f"must be between 0 and 1, got {v}")
    return v


def due_days(key: str, value: Any, current: Any) -> dict[str, float]:
    """feedback kind -> days; entries not given keep their current value."""
    out = dict(current)
    for kind, days in table(key, value).items():
        k = f"{key}.{toml_key(kind)}"
        if kind not in FEEDBACK_KINDS:
            raise SettingsError(k, f"unknown feedback kind (expected {', '.join(FEEDBACK_KINDS)})")
        d = number(k, days, float)
        if d < 0:
            raise SettingsError(k, f"must be >= 0, got {d}")
        out[kind] = d
    return out


def file_path(key: str, value: Any, current: Any) -> str:
    """A file's path as text (not empty, no NUL); whether it exists is checked where it is used."""
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise SettingsError(key, f"must be a file path, got {value!r}")
    return value.strip()


# what --engine and the setting engine accept (host and port named for a reachability check)
ENGINE_URL = re.compile(r"^(spark://(?P<host>[^:/\s]+):(?P<port>\d{1,5})|local\[(\d+|\*)\])$")


def engine_url(key: str, value: Any, current: Any) -> str:
    """``spark://HOST:PORT``, ``local[N]`` or empty (the database's own engine)."""
    if not isinstance(value, str) or (value.strip() and not ENGINE_URL.match(value.strip())):
        raise SettingsError(key, f"must be spark://HOST:PORT, local[N] or empty, got {value!r}")
    return value.strip()


def levels(key: str, value: Any, current: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise SettingsError(key, f"must be a list of unit levels, got {value!r}")
    for v in value:
        if v not in UNIT_LEVELS:
            raise SettingsError(key, f"unknown level {v!r} (expected {', '.join(UNIT_LEVELS)})")
    return tuple(value)


def dates(key: str, value: Any, current: Any) -> tuple[date, ...]:
    """Dates (TOML dates or ``YYYY-MM-DD`` text), sorted, without repeats."""
    if not isinstance(value, list | tuple):
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


def catalogue(key: str, value: Any, current: Any) -> dict[str, tuple[str, ...]]:
    """unit kind -> mandatory categories; a kind given replaces that kind's list."""
    out = dict(current)
    for kind, cats in table(key, value).items():
        k = f"{key}.{toml_key(kind)}"
        if kind not in UNIT_KINDS:
            raise SettingsError(k, f"unknown unit kind (expected {', '.join(UNIT_KINDS)})")
        if not isinstance(cats, list | tuple) or not all(isinstance(c, str) for c in cats):
            raise SettingsError(k, f"must be a list of categories, got {cats!r}")
        for c in cats:
            if c not in DISCLOSURE_CATEGORIES:
                raise SettingsError(k, f"unknown category {c!r}")
        out[kind] = tuple(dict.fromkeys(cats))
    return out


def _weight_table(key: str, value: Any, allowed: Mapping[str, str | None]) -> dict[str, float]:
    """``allowed``: name -> None if it may be weighted, else why it may not."""
    out: dict[str, float] = {}
    for name, w in table(key, value).items():
        k = f"{key}.{toml_key(name)}"
        if name not in allowed:
            raise SettingsError(k, f"unknown name (expected one of {', '.join(allowed)})")
        if allowed[name] is not None:
            raise SettingsError(k, str(allowed[name]))
        w = float(number(k, w, float))
        if w < 0:
            raise SettingsError(k, f"weight must be >= 0, got {w}")
        out[name] = w
    if not out or all(w == 0 for w in out.values()):
        raise SettingsError(key, "all weights are 0: at least one must be positive")
    return out


def indicator_weights(key: str, value: Any, current: Any) -> dict[str, dict[str, float]]:
    """dimension -> indicator code -> weight; a dimension given is replaced whole.

    Only scored indicators of that dimension may carry a weight.
    """
    out = {d: dict(w) for d, w in current.items()}
    for dim, weights in table(key, value).items():
        k = f"{key}.{toml_key(dim)}"
        if dim not in DIMENSION_CODES:
            raise SettingsError(
                k, f"unknown dimension (expected {', '.join(DIMENSION_CODES)}, overall)"
            )
        allowed = {
            i.code: None if i.scored else "is shown only, not scored: it has no weight"
            for i in indicators_of(dim)
        }
        out[dim] = _weight_table(k, weights, allowed)
    return out


def dimension_weights(key: str, value: Any, current: Any) -> dict[str, float]:
    """dimension -> weight in the overall score; the table is replaced whole."""
    return _weight_table(key, value, dict.fromkeys(DIMENSION_CODES))


def _label_fields() -> dict[str, tuple[FieldType, dict[str, str]]]:
    """Field name -> (enum or bool, code -> built-in label) over every record kind.

    A name used by two kinds (``channel``, ``kind``) takes the union of their codes.
    """
    out: dict[str, tuple[FieldType, dict[str, str]]] = {}
    for kind in KINDS.values():
        for f in kind.fields:
            if f.type in (FieldType.ENUM, FieldType.BOOL):
                _, choices = out.get(f.name, (f.type, {}))
                out[f.name] = (f.type, {**choices, **f.choices})
    return out


LABEL_FIELDS = _label_fields()


def _fold(text: str) -> str:
    return text.strip().casefold()


def labels(key: str, value: Any, current: Any) -> dict[str, dict[str, str | bool]]:
    """field -> {source label: code} (``true``/``false`` for yes/no fields).

    A ``[labels.<field>]`` table replaces that field's labels whole. Errors: a field
    that is not an enum or yes/no field of any record kind; an enum label mapping to
    an unknown code; a yes/no label mapping to anything but true/false; a label that
    is already another code (or that code's Chinese label) of the field; two labels
    that differ only in case or spaces but map to different codes.
    """
    out = {f: dict(m) for f, m in current.items()}
    for name, mapping in table(key, value).items():
        k = f"{key}.{toml_key(name)}"
        if name not in LABEL_FIELDS:
            raise SettingsError(
                k,
                "not an enum or yes/no field of any record kind "
                f"(expected one of {', '.join(sorted(LABEL_FIELDS))})",
            )
        ftype, choices = LABEL_FIELDS[name]
        built_in = {_fold(c): c for c in choices} | {_fold(z): c for c, z in choices.items()}
        seen: dict[str, str | bool] = {}
        field_out: dict[str, str | bool] = {}
        for label, target in table(k, mapping).items():
            # labels are always quoted in messages: `labels.satisfaction."很好"`
            lk = f"{k}.{json.dumps(label, ensure_ascii=False)}"
            if not label.strip():
                raise SettingsError(lk, "a label must not be empty")
            if ftype == FieldType.BOOL:
                if not isinstance(target, bool):
                    raise SettingsError(lk, f"must map to true or false, got {target!r}")
                code: str | bool = target
            else:
                if not isinstance(target, str) or target.strip().lower() not in choices:
                    raise SettingsError(
                        lk,
                        f"maps to unknown code {target!r} (expected {', '.join(choices)})",
                    )
                code = target.strip().lower()
                clash = built_in.get(_fold(label))
                if clash is not None and clash != code:
                    raise SettingsError(lk, f"is already the code or label of {clash!r}")
            folded = _fold(label)
            if folded in seen and seen[folded] != code:
                raise SettingsError(
                    lk, f"another label differing only in case or spaces maps to {seen[folded]!r}"
                )
            seen[folded] = code
            field_out[label.strip()] = code
        out[name] = field_out
    return out
