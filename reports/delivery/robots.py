"""企业微信 (WeCom) and 钉钉 (DingTalk) group robots, in their documented formats.

WeCom (also 政务微信 on an intranet: ``host``): ``POST {host}/cgi-bin/webhook/send?key=KEY``
with ``{"msgtype": "markdown", "markdown": {"content": ...}}`` or ``{"msgtype": "text",
"text": {"content": ...}}``; the content is at most 4096 bytes (markdown) or 2048 bytes
(text) of UTF-8.

DingTalk (also 政务钉钉: ``host``): ``POST {host}/robot/send?access_token=TOKEN`` with
``{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}`` or ``{"msgtype":
"text", "text": {"content": ...}}``; a signed robot adds ``&timestamp=MS&sign=SIGN``
where SIGN is the URL-encoded base64 of HMAC-SHA256(key = secret, message =
``"MS\\nsecret"``); the request body is at most 20000 bytes.

Both answer HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}``; any other errcode is a
failure. A message longer than the limit is split (:mod:`reports.delivery.chat_text`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from queries.model.settings import Settings
from reports.delivery.chat_text import Layout, parts
from reports.delivery.credentials import DeliveryError, Secrets
from reports.delivery.message import Message, Target
from reports.delivery.webhook import json_body, post_json

WECOM_MARKDOWN_BYTES = 4096
WECOM_TEXT_BYTES = 2048
DINGTALK_BODY_BYTES = 20000


def wecom_payload(msgtype: str, title: str, content: str) -> dict[str, Any]:
    return {"msgtype": msgtype, msgtype: {"content": content}}


def dingtalk_payload(msgtype: str, title: str, content: str) -> dict[str, Any]:
    if msgtype == "markdown":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": content}}
    return {"msgtype": "text", "text": {"content": content}}


def wecom_layout(msgtype: str) -> Layout:
    limit = WECOM_MARKDOWN_BYTES if msgtype == "markdown" else WECOM_TEXT_BYTES
    return Layout(
        markdown=msgtype == "markdown",
        newline="\n",
        fits=lambda title, content: len(content.encode("utf-8")) <= limit,
    )


def dingtalk_layout(msgtype: str) -> Layout:
    return Layout(
        markdown=msgtype == "markdown",
        newline="  \n" if msgtype == "markdown" else "\n",
        fits=lambda title, content: (
            len(json_body(dingtalk_payload(msgtype, title, content))) <= DINGTALK_BODY_BYTES
        ),
    )


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    """DingTalk's ``sign`` parameter, URL-encoded.

    >>> dingtalk_sign(1700000000000, "SECabc")
    'jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM%3D'
    """
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def check_answer(platform: str, answer: bytes) -> None:
    """Raise :class:`DeliveryError` unless the answer is ``{"errcode": 0, ...}``."""
    try:
        data = json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DeliveryError(f"{platform} answered something other than JSON") from None
    if not isinstance(data, dict) or "errcode" not in data:
        raise DeliveryError(f"{platform} answered without an errcode")
    if data["errcode"] != 0:
        why = " ".join(str(data.get("errmsg", "")).split())[:200]
        raise DeliveryError(f"{platform} answered errcode {data['errcode']}: {why}")


def _send_parts(
    platform: str,
    url_of: Callable[[], str],
    build: Callable[[str, str, str], dict[str, Any]],
    layout: Layout,
    message: Message,
    table: dict[str, Any],
    progress: dict[str, Any],
    own: str,
) -> None:
    """Send the parts not yet accepted (``progress["sent"]``), in order; a failure of a
    message in several parts names the part."""
    all_parts = parts(message, layout, int(table["max_parts"]), own)
    n = len(all_parts)
    for i in range(int(progress.get("sent", 0)), n):
        title, content = all_parts[i]
        try:
            body = json_body(build(str(table["msgtype"]), title, content))
            check_answer(platform, post_json(url_of(), body, table))
        except DeliveryError as exc:
            if n == 1:
                raise
            raise DeliveryError(f"{exc} (part {i + 1} of {n})", final=exc.final) from None
        progress["sent"] = i + 1


def send_wecom(
    target: Target,
    message: Message,
    table: dict[str, Any],
    secrets: Secrets,
    settings: Settings,
    progress: dict[str, Any],
) -> Path | None:
    """One attempt to post ``message`` to the WeCom robot of ``[channels.NAME]``."""
    key = secrets.read(target.name, table, "key")
    url = f"{table['host']}/cgi-bin/webhook/send?key={quote(key or '', safe='')}"
    layout = wecom_layout(str(table["msgtype"]))
    _send_parts(
        "WeCom",
        lambda: url,
        wecom_payload,
        layout,
        message,
        table,
        progress,
        settings.public_base_url,
    )
    return None


def send_dingtalk(
    target: Target,
    message: Message,
    table: dict[str, Any],
    secrets: Secrets,
    settings: Settings,
    progress: dict[str, Any],
) -> Path | None:
    """One attempt to post ``message`` to the DingTalk robot of ``[channels.NAME]``
    (signed when the table names a secret)."""
    token = secrets.read(target.name, table, "token")
    secret = secrets.read(target.name, table, "secret")
    base = f"{table['host']}/robot/send?access_token={quote(token or '', safe='')}"

    def url_of() -> str:
        if not secret:
            return base
        now = int(time.time() * 1000)  # signed anew for each request (valid one hour)
        return f"{base}&timestamp={now}&sign={dingtalk_sign(now, secret)}"

    layout = dingtalk_layout(str(table["msgtype"]))
    _send_parts(
        "DingTalk",
        url_of,
        dingtalk_payload,
        layout,
        message,
        table,
        progress,
        settings.public_base_url,
    )
    return None
