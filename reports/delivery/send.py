"""Delivering a message to its targets: each tried up to ``delivery_attempts`` times
with a doubling wait (``delivery_backoff_seconds``), its outcome written to the audit
trail as ``delivered`` (access.md), a failure kept in the outbox's ``failed`` folder
so that nothing it carried is lost.

Each channel kind has one sender, ``send(target, message, table, secrets, settings,
progress)``: it returns the folder the message was written to (outbox) or None, and
raises :class:`~reports.delivery.credentials.DeliveryError` on failure; ``progress``
lives across the attempts of one target (a robot resends only the parts not yet
accepted).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from queries.access import audit, chain
from queries.model.settings import Settings
from reports.delivery import mail, outbox, robots, webhook
from reports.delivery.credentials import DeliveryError, Secrets
from reports.delivery.message import DeliveryResult, Message, Target, check_target

Sender = Callable[[Target, Message, dict[str, Any], Secrets, Settings, dict[str, Any]], Path | None]


def _to_outbox(
    target: Target,
    message: Message,
    table: dict[str, Any],
    secrets: Secrets,
    settings: Settings,
    progress: dict[str, Any],
) -> Path:
    for path in message.attachments:
        if not path.is_file():
            raise DeliveryError(f"an attachment cannot be read: {path}", final=True)
    try:
        return outbox.write_message(
            outbox.channel_folder(settings, target.name), message, to=str(target)
        )
    except OSError as exc:
        raise DeliveryError(f"the outbox folder cannot be written: {_os_cause(exc)}") from None


SENDERS: dict[str, Sender] = {
    "mail": mail.send,
    "webhook": webhook.send,
    "wecom": robots.send_wecom,
    "dingtalk": robots.send_dingtalk,
    "outbox": _to_outbox,
}


def deliver(
    message: Message,
    targets: Iterable[Target],
    *,
    settings: Settings,
    conn: sa.Engine | sa.Connection,
    actor: str = "job",
    sleep: Callable[[float], None] = time.sleep,
) -> list[DeliveryResult]:
    """Deliver ``message`` to every target, in order; one result per target.

    Never raises for a failed delivery: it is a ``failed`` result, audited, with the
    message kept under the outbox's ``failed`` folder. ``actor`` is the audit trail's
    user (``job:NAME``); ``conn`` an Engine (each event committed at once) or a
    Connection (written in the caller's transaction).
    """
    key = chain.load_key(chain.key_path(settings), create=True)
    results = []
    for target in targets:
        result = _deliver_one(message, target, settings, sleep)
        audit.write(
            conn, "delivered", None, email=actor, detail=audit_detail(result, message), key=key
        )
        results.append(result)
    return results


def _deliver_one(
    message: Message, target: Target, settings: Settings, sleep: Callable[[float], None]
) -> DeliveryResult:
    secrets = Secrets()
    progress: dict[str, Any] = {}
    attempts = 0
    cause = ""
    try:
        table = check_target(target, settings)
    except ValueError as exc:
        cause = str(exc).removeprefix(f"--to '{target}': ")
    else:
        delay = settings.delivery_backoff_seconds
        while attempts < settings.delivery_attempts:
            attempts += 1
            try:
                kept = SENDERS[target.kind](
                    target, message, dict(table), secrets, settings, progress
                )
                return DeliveryResult(target, "delivered", attempts, kept=kept)
            except DeliveryError as exc:
                cause = secrets.redact(_one_line(str(exc)))
                if exc.final:
                    break
            except Exception as exc:  # a channel's unforeseen error is a failure, not a crash
                cause = secrets.redact(_one_line(f"{type(exc).__name__}: {exc}"))
            if attempts < settings.delivery_attempts:
                sleep(delay)
                delay *= 2
    try:
        kept_at: Path | None = outbox.write_message(
            outbox.failed_folder(settings),
            message,
            to=str(target),
            extra={"cause": cause, "attempts": attempts},
            missing_ok=True,
        )
    except OSError as exc:
        kept_at = None
        cause += f"; the message could not be kept in the outbox: {_os_cause(exc)}"
    return DeliveryResult(target, "failed", attempts, cause=cause, kept=kept_at)


def audit_detail(result: DeliveryResult, message: Message) -> str:
    """The ``delivered`` event's detail: channel, recipients, what (and the cause).

    >>> t = Target("dingtalk", "ops")
    >>> audit_detail(DeliveryResult(t, "delivered", 1), Message("s", "x", what="alerts"))
    'dingtalk ops: alerts'
    >>> audit_detail(DeliveryResult(t, "failed", 3, cause="HTTP 500"), Message("s", "x", what="alerts"))
    'failed: dingtalk ops: alerts (3 attempts): HTTP 500'
    """
    text = f"{result.target.kind} {result.target.name}: {_one_line(message.what)}"
    if result.attempts > 1:
        text += f" ({result.attempts} attempts)"
    if result.status == "failed":
        text = f"failed: {text}: {result.cause}"
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _os_cause(exc: OSError) -> str:
    return f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc)


def delivered(results: Sequence[DeliveryResult]) -> bool:
    """Whether every target was delivered."""
    return all(r.status == "delivered" for r in results)
