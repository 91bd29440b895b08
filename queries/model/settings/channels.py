"""The delivery channels of the settings file (cli.md "Jobs"): each ``[channels.NAME]``
table's fields declared once, per kind, with their defaults and checks.

``[channels.mail]`` is the SMTP server that ``mail:ADDRESS`` uses; every other
``[channels.NAME]`` names its ``kind`` (``webhook``, ``wecom``, ``dingtalk``,
``outbox``) and is what ``KIND:NAME`` uses. A secret (SMTP password, robot key,
token or signing secret) is never written in the file: a field ``X_file`` names a
file holding it, ``X_env`` an environment variable; the value is read when a
message is sent (:mod:`reports.delivery.credentials`), never stored or printed.
An error names the key and never repeats a value that might be a secret.

The parsed value is a plain table (``name -> {field: value}``, every field filled,
``kind`` included), so that the settings stay JSON-friendly and hashable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from queries.model.settings.values import SettingsError, number, table, toml_key

CHANNEL_KINDS = ("mail", "webhook", "wecom", "dingtalk", "outbox")

# the secrets each kind may name, as the stem of its X_file / X_env fields
SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "mail": ("password",),
    "webhook": ("token",),
    "wecom": ("key",),
    "dingtalk": ("token", "secret"),
    "outbox": (),
}
# the secrets without which a channel cannot send
REQUIRED_SECRETS: dict[str, tuple[str, ...]] = {"wecom": ("key",), "dingtalk": ("token",)}

# a key that looks like a secret written in the file itself
_SECRET_WORDS = ("password", "passwd", "secret", "token", "key", "access_token")

FieldCheck = Callable[[str, Any], Any]


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or "\0" in value:
        raise SettingsError(key, "must be text")
    return value.strip()


def _required_text(key: str, value: Any) -> str:
    text = _text(key, value)
    if not text:
        raise SettingsError(key, "must not be empty")
    return text


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _env_name(key: str, value: Any) -> str:
    text = _text(key, value)
    if text and not _ENV_NAME.match(text):
        raise SettingsError(key, "must be the name of an environment variable (A-Z, 0-9, _)")
    return text


_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s]*)?$")


def _url(key: str, value: Any) -> str:
    text = _required_text(key, value)
    if not _URL.match(text):
        # the value is not repeated: a webhook URL may carry a token
        raise SettingsError(key, "must be an http:// or https:// URL")
    return text


def _host_url(key: str, value: Any) -> str:
    """A scheme and host (and port), no path: ``https://qyapi.weixin.qq.com``."""
    text = _url(key, value).rstrip("/")
    if "/" in text.split("://", 1)[1] or "?" in text:
        raise SettingsError(key, "must be a scheme and host only, e.g. https://host:port")
    return text


_ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+$")


def _address(key: str, value: Any) -> str:
    text = _required_text(key, value)
    if not _ADDRESS.match(text):
        raise SettingsError(key, f"must be one mail address, got {text!r}")
    return text


def _flag(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SettingsError(key, f"must be true or false, got {value!r}")
    return value


def _port(key: str, value: Any) -> int:
    v = number(key, value, int)
    if not 1 <= v <= 65535:
        raise SettingsError(key, f"must be a port from 1 to 65535, got {v}")
    return int(v)


def _seconds(key: str, value: Any) -> float:
    v = number(key, value, float)
    if v <= 0:
        raise SettingsError(key, f"must be > 0, got {v}")
    return float(v)


def _parts(key: str, value: Any) -> int:
    v = number(key, value, int)
    if v < 1:
        raise SettingsError(key, f"must be >= 1, got {v}")
    return int(v)


def _msgtype(key: str, value: Any) -> str:
    if value not in ("markdown", "text"):
        raise SettingsError(key, f"must be markdown or text, got {value!r}")
    return str(value)


@dataclass(frozen=True)
class ChannelField:
    """One field of a ``[channels.NAME]`` table: its check and its default
    (``None``: required)."""

    check: FieldCheck
    default: Any


_SECURITY = {
    "ca_file": ChannelField(_text, ""),  # a CA bundle for an intranet's own certificates
    "timeout_seconds": ChannelField(_seconds, 30.0),
}
_ROBOT = {
    "msgtype": ChannelField(_msgtype, "markdown"),
    # a message longer than the platform takes is split into at most this many parts
    "max_parts": ChannelField(_parts, 5),
}


def _secret_fields(kind: str) -> dict[str, ChannelField]:
    out: dict[str, ChannelField] = {}
    for stem in SECRET_FIELDS[kind]:
        out[f"{stem}_file"] = ChannelField(_text, "")
        out[f"{stem}_env"] = ChannelField(_env_name, "")
    return out


FIELDS: dict[str, dict[str, ChannelField]] = {
    "mail": {
        "host": ChannelField(_required_text, None),
        "port": ChannelField(_port, 25),
        "sender": ChannelField(_address, None),
        "starttls": ChannelField(_flag, False),
        "tls": ChannelField(_flag, False),  # implicit TLS (SMTPS, port 465)
        "user": ChannelField(_text, ""),  # the SMTP login (default: the sender)
        **_secret_fields("mail"),
        **_SECURITY,
    },
    "webhook": {"url": ChannelField(_url, None), **_secret_fields("webhook"), **_SECURITY},
    "wecom": {
        "host": ChannelField(_host_url, "https://qyapi.weixin.qq.com"),
        **_secret_fields("wecom"),
        **_ROBOT,
        **_SECURITY,
    },
    "dingtalk": {
        "host": ChannelField(_host_url, "https://oapi.dingtalk.com"),
        **_secret_fields("dingtalk"),
        **_ROBOT,
        **_SECURITY,
    },
    # empty: the folder NAME inside the setting outbox_folder
    "outbox": {"folder": ChannelField(_text, "")},
}

_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def channel(key: str, name: str, value: Any) -> dict[str, Any]:
    """One ``[channels.NAME]`` table, checked, every field filled."""
    given = dict(table(key, value))
    if name == "mail":
        kind = given.pop("kind", "mail")
        if kind != "mail":
            raise SettingsError(f"{key}.kind", "[channels.mail] is the SMTP server (kind mail)")
    else:
        kind = given.pop("kind", None)
        if kind not in CHANNEL_KINDS or kind == "mail":
            allowed = ", ".join(k for k in CHANNEL_KINDS if k != "mail")
            raise SettingsError(f"{key}.kind", f"must be one of {allowed}, got {kind!r}")
    fields = FIELDS[kind]
    out: dict[str, Any] = {"kind": kind}
    for field, raw in given.items():
        k = f"{key}.{toml_key(field)}"
        if field not in fields:
            if field.lower() in _SECRET_WORDS:
                stem = "password" if "pass" in field.lower() else field.lower()
                raise SettingsError(
                    k,
                    "a secret is never written in the settings file: name a file "
                    f"({stem}_file) or an environment variable ({stem}_env) holding it",
                )
            raise SettingsError(k, f"unknown field for a {kind} channel ({', '.join(fields)})")
        out[field] = fields[field].check(k, raw)
    for field, spec in fields.items():
        if field in out:
            continue
        if spec.default is None:
            raise SettingsError(f"{key}.{field}", f"a {kind} channel needs it")
        out[field] = spec.default
    for stem in SECRET_FIELDS[kind]:
        if out[f"{stem}_file"] and out[f"{stem}_env"]:
            raise SettingsError(f"{key}.{stem}_file", f"give {stem}_file or {stem}_env, not both")
    if kind == "mail" and out["tls"] and out["starttls"]:
        raise SettingsError(f"{key}.tls", "give tls (port 465) or starttls, not both")
    for stem in REQUIRED_SECRETS.get(kind, ()):
        if not out[f"{stem}_file"] and not out[f"{stem}_env"]:
            raise SettingsError(
                f"{key}.{stem}_file", f"a {kind} channel needs {stem}_file or {stem}_env"
            )
    return out


def channels(key: str, value: Any, current: Any) -> dict[str, dict[str, Any]]:
    """``[channels.NAME]`` tables; a table given replaces that channel whole."""
    out = {n: dict(c) for n, c in current.items()}
    for name, body in table(key, value).items():
        k = f"{key}.{toml_key(name)}"
        if not _NAME.match(name):
            raise SettingsError(k, "a channel's name is letters, digits, _ and -")
        out[name] = channel(k, name, body)
    return out


def base_url(key: str, value: Any, current: Any) -> str:
    """Empty, or the dashboard's address as people reach it (``https://host/path``)."""
    text = _text(key, value)
    if text and not _URL.match(text):
        raise SettingsError(key, f"must be an http:// or https:// URL or empty, got {text!r}")
    return text.rstrip("/")
