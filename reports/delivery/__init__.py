"""Delivering what jobs produce (cli.md "Jobs"): a :class:`Message` to :class:`Target`
channels (mail, webhook, 企业微信 and 钉钉 group robots, an outbox folder), retried,
audited as ``delivered``, never lost (a failure is kept in the outbox).

    message = Message(subject, text, link, attachments=(path,), what="briefing 2026-11")
    results = deliver(message, [parse_target("mail:x@y", settings)], settings=s, conn=engine,
                      actor="job:monthly")
"""

from reports.delivery.credentials import DeliveryError
from reports.delivery.message import (
    DeliveryResult,
    Message,
    Target,
    check_target,
    page_link,
    parse_target,
)
from reports.delivery.send import audit_detail, deliver, delivered

__all__ = [
    "DeliveryError",
    "DeliveryResult",
    "Message",
    "Target",
    "audit_detail",
    "check_target",
    "deliver",
    "delivered",
    "page_link",
    "parse_target",
]
