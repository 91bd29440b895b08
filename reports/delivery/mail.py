"""The mail channel: ``mail:ADDRESS`` through the SMTP server of ``[channels.mail]``.

The message is built with the standard library's ``email`` package under the SMTP
policy (CRLF lines): a Chinese subject is an RFC 2047 UTF-8 encoded word, the body
``text/plain; charset="utf-8"`` in base64, each attachment a part with its MIME type
and its file name (RFC 2231 when not ASCII).
STARTTLS (``starttls = true``) or implicit TLS (``tls = true``, port 465) verify the
server's certificate (``ca_file`` for an intranet's own CA); a password is only ever
sent over one of them.
"""

from __future__ import annotations

import base64
import mimetypes
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from queries.model.settings import Settings
from reports.delivery.credentials import DeliveryError, Secrets
from reports.delivery.message import Message, Target
from reports.delivery.outbox import message_text


def compose(message: Message, sender: str, to: str) -> EmailMessage:
    """The mail: subject, body (text and link), attachments.

    Raises FileNotFoundError for a missing attachment.
    """
    mail = EmailMessage(policy=SMTP)
    mail["Subject"] = message.subject
    mail["From"] = sender
    mail["To"] = to
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    body = message_text(message).split("\n\n", 1)[1]  # the subject is the header's
    mail.set_content(body, charset="utf-8", cte="base64")
    for path in message.attachments:
        kind, _ = mimetypes.guess_type(path.name)
        maintype, subtype = (kind or "application/octet-stream").split("/", 1)
        mail.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    return mail


def send(
    target: Target,
    message: Message,
    table: dict[str, Any],
    secrets: Secrets,
    settings: Settings,
    progress: dict[str, Any],
) -> Path | None:
    """One attempt to mail ``message`` to ``target.name``."""
    host, port = str(table["host"]), int(table["port"])
    sender = str(table["sender"])
    password = secrets.read("mail", table, "password")
    implicit, starttls = bool(table.get("tls")), bool(table["starttls"])
    if password and not (implicit or starttls):
        raise DeliveryError(
            "[channels.mail]: a password is sent only over TLS (set starttls or tls)", final=True
        )
    try:
        mail = compose(message, sender, target.name)
    except OSError as exc:
        raise DeliveryError(f"an attachment cannot be read: {exc.filename}", final=True) from None
    context = ssl.create_default_context(cafile=table.get("ca_file") or None)
    timeout = float(table["timeout_seconds"])
    where = f"SMTP {host}:{port}"
    try:
        smtp = (
            smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
            if implicit
            else smtplib.SMTP(host, port, timeout=timeout)
        )
        with smtp:
            smtp.ehlo()
            if starttls:
                smtp.starttls(context=context)
                smtp.ehlo()
            if password:
                _login(smtp, str(table["user"] or sender), password)
            smtp.send_message(mail, from_addr=sender, to_addrs=[target.name])
    except smtplib.SMTPRecipientsRefused as exc:
        code, why = next(iter(exc.recipients.values()))
        raise DeliveryError(f"{where} refused {target.name}: {code} {_text(why)}") from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"{where} answered {exc.smtp_code} {_text(exc.smtp_error)}") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(f"{where}: {exc}") from None
    except ssl.SSLError as exc:
        raise DeliveryError(f"{where}: TLS failed: {exc.reason or exc}") from None
    except TimeoutError:
        raise DeliveryError(f"{where} did not answer in time") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{where}: {getattr(exc, 'strerror', None) or exc}") from None
    return None


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """``smtp.login``, except that a login or password that is not ASCII (smtplib
    encodes ASCII only) goes as AUTH PLAIN in UTF-8, as RFC 4616 defines it."""
    if user.isascii() and password.isascii():
        smtp.login(user, password)
        return
    if not smtp.has_extn("auth") or "PLAIN" not in smtp.esmtp_features["auth"].upper().split():
        raise smtplib.SMTPNotSupportedError(
            "a password that is not ASCII needs AUTH PLAIN, which the server does not offer"
        )
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
    code, answer = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
