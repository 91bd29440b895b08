"""The webhook channel (a JSON POST) and the HTTP transport the robots share.

A ``webhook:NAME`` receives, as ``application/json; charset=utf-8``::

    {"subject": "...", "text": "...", "link": "https://..." or null,
     "what": "briefing 2026-11", "sent_at": "2026-12-01T08:00:05+08:00"}

with ``Authorization: Bearer TOKEN`` when the table names a ``token_file`` or
``token_env``. Any 2xx answer is delivered; anything else fails the attempt.
Attachments are not sent (mail and the outbox carry them).
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from queries.model.clock import LOCAL_TIME, now_local
from queries.model.settings import Settings
from reports.delivery.credentials import DeliveryError, Secrets
from reports.delivery.message import Message, Target

# what is read of an answer (a robot's errcode JSON is a few dozen bytes)
MAX_ANSWER = 64 * 1024


def payload(message: Message) -> dict[str, Any]:
    """The JSON a webhook receives (module docstring)."""
    return {
        "subject": message.subject,
        "text": message.text,
        "link": message.link,
        "what": message.what,
        "sent_at": now_local().replace(tzinfo=LOCAL_TIME).isoformat(timespec="seconds"),
    }


def json_body(data: dict[str, Any]) -> bytes:
    """The bytes sent: UTF-8 JSON, Chinese as is (what the robots' limits count)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def where(url: str) -> str:
    """The host and port of ``url``, for a message (never its path or query: a robot's
    key travels there)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{host}:{parts.port}" if parts.port else host


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx: urllib would follow a 302 with a GET
    without the body, and its 200 would count as delivered."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def post_json(
    url: str, body: bytes, table: dict[str, Any], headers: dict[str, str] | None = None
) -> bytes:
    """POST ``body`` to ``url``; the answer's body. Raises :class:`DeliveryError` on a
    connection failure, a timeout or an answer other than 2xx (naming the host only)."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if url.startswith("https://"):
        context = ssl.create_default_context(cafile=table.get("ca_file") or None)
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    host = where(url)
    try:
        with opener.open(request, timeout=float(table.get("timeout_seconds", 30.0))) as answer:
            return bytes(answer.read(MAX_ANSWER))
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"{host} answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise DeliveryError(f"{host} cannot be reached: {exc.reason}") from None
    except TimeoutError:
        raise DeliveryError(f"{host} did not answer in time") from None
    except OSError as exc:
        raise DeliveryError(f"{host}: {exc.strerror or exc}") from None


def send(
    target: Target,
    message: Message,
    table: dict[str, Any],
    secrets: Secrets,
    settings: Settings,
    progress: dict[str, Any],
) -> Path | None:
    """One attempt to POST ``message`` to the ``[channels.NAME]`` webhook."""
    token = secrets.read(target.name, table, "token")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    post_json(str(table["url"]), json_body(payload(message)), table, headers)
    return None
