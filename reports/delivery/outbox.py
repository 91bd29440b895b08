"""The outbox: a message written as files for a gateway to carry out (a network with
no outgoing connection), and where a failed delivery keeps what it carried.

Each message is one folder, ``<YYYYMMDDTHHMMSS>-<what>-<6 hex>/``, holding
``message.txt`` (subject, blank line, text, blank line, link), ``message.json``
(the same, with ``to``, ``what``, ``created_at``, ``attachments`` and, after a
failure, ``cause``) and the attachments under their own names. It is built in a
hidden folder beside it (``.tmp-…``) and renamed into place, so a gateway that
ignores names starting with a dot never sees half a message.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from queries.model.clock import now_local
from queries.model.db import data_dir
from queries.model.settings import Settings
from reports.delivery.message import Message

MESSAGE_TXT = "message.txt"
MESSAGE_JSON = "message.json"


def outbox_root(settings: Settings) -> Path:
    """The setting ``outbox_folder`` (relative: from the data folder)."""
    path = Path(settings.outbox_folder).expanduser()
    return path if path.is_absolute() else data_dir() / path


def channel_folder(settings: Settings, name: str) -> Path:
    """Where ``outbox:NAME`` writes: its table's ``folder``, else NAME in the outbox."""
    folder = str(settings.channels[name].get("folder") or "")
    if not folder:
        return outbox_root(settings) / name
    path = Path(folder).expanduser()
    return path if path.is_absolute() else data_dir() / path


def failed_folder(settings: Settings) -> Path:
    """Where a delivery that failed keeps its message."""
    return outbox_root(settings) / "failed"


def _slug(what: str) -> str:
    """``what`` as a safe file-name part (ASCII letters, digits, ``.``, ``_``, ``-``).

    >>> _slug("briefing 2026-11 简报")
    'briefing-2026-11'
    """
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", what).strip("-.")
    return slug[:60] or "message"


def message_text(message: Message) -> str:
    """The message as one plain text: subject, text, link."""
    parts = [message.subject, message.text]
    if message.link:
        parts.append(message.link)
    return "\n\n".join(p.strip("\n") for p in parts) + "\n"


def write_message(
    folder: Path,
    message: Message,
    *,
    to: str,
    extra: dict[str, Any] | None = None,
    at: datetime | None = None,
    missing_ok: bool = False,
) -> Path:
    """Write ``message`` into a new folder inside ``folder``, atomically; its path.

    Raises OSError when the folder cannot be written or an attachment cannot be read
    (nothing is left behind either way). ``missing_ok``: an attachment that cannot be
    read is left out and named in ``message.json``'s ``missing_attachments`` instead
    (what a failed delivery keeps: at least the text).
    """
    when = at or now_local()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{when:%Y%m%dT%H%M%S}-{_slug(message.what)}-{secrets.token_hex(3)}"
    tmp = folder / f".tmp-{name}"
    tmp.mkdir()
    try:
        names, missing = [], []
        for src in message.attachments:
            try:
                shutil.copyfile(src, tmp / src.name)
                names.append(src.name)
            except OSError:
                if not missing_ok:
                    raise
                missing.append(str(src))
        body = {
            "to": to,
            "what": message.what,
            "subject": message.subject,
            "text": message.text,
            "link": message.link,
            "attachments": names,
            "created_at": when.isoformat(timespec="seconds"),
            **({"missing_attachments": missing} if missing else {}),
            **(extra or {}),
        }
        _write_synced(tmp / MESSAGE_TXT, message_text(message).encode("utf-8"))
        _write_synced(
            tmp / MESSAGE_JSON, json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
        )
        final = folder / name
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
