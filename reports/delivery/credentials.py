"""A channel's secrets, read when a message is sent: from the file (``X_file``) or the
environment variable (``X_env``) its ``[channels.NAME]`` table names; never stored,
logged or printed. :class:`Secrets` also takes every secret it handed out back out of
any text (a server's error, an exception) before that text goes anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from queries.model.db import data_dir

REDACTED = "[secret]"


class DeliveryError(Exception):
    """A delivery attempt failed; the message is one line and holds no secret.
    ``final``: trying again cannot help (a setting or a secret is missing)."""

    def __init__(self, message: str, *, final: bool = False) -> None:
        super().__init__(message)
        self.final = final


def secret_path(value: str) -> Path:
    """A secret file's path: a relative one is taken from the data folder, like the
    audit key."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else data_dir() / path


class Secrets:
    """The secrets read for one delivery, to be redacted from every text it produces."""

    def __init__(self) -> None:
        self._seen: list[str] = []

    def read(self, channel: str, table: Mapping[str, Any], stem: str) -> str | None:
        """The secret ``stem`` (``password``, ``key``, ``token``, ``secret``) of the
        channel, or None when the table names neither a file nor a variable.

        Raises :class:`DeliveryError` naming the file or variable (never its content).
        """
        file, env = table.get(f"{stem}_file", ""), table.get(f"{stem}_env", "")
        if file:
            path = secret_path(file)
            try:
                value = path.read_text(encoding="utf-8-sig").strip()
            except (OSError, UnicodeDecodeError) as exc:
                why = (
                    exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
                )
                raise DeliveryError(
                    f"[channels.{channel}] {stem}_file {path}: cannot be read ({why})", final=True
                ) from None
            if not value:
                raise DeliveryError(f"[channels.{channel}] {stem}_file {path} is empty", final=True)
        elif env:
            value = os.environ.get(env, "").strip()
            if not value:
                raise DeliveryError(
                    f"[channels.{channel}] {stem}_env: the environment variable {env} is not set",
                    final=True,
                )
        else:
            return None
        self._seen.append(value)
        return value

    def redact(self, text: str) -> str:
        """``text`` with every secret read so far (as is, and URL-quoted) replaced."""
        for value in sorted(self._seen, key=len, reverse=True):
            for form in {value, quote(value, safe=""), quote_plus(value)}:
                if form:
                    text = text.replace(form, REDACTED)
        return text
