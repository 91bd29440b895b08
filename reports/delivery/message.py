"""What a job delivers and where: :class:`Message`, :class:`Target` (``--to``) and
:class:`DeliveryResult`.

A message is already written for people, in its language, aggregates only (the job
composes it); a channel only carries it. Only mail and the outbox carry attachments;
a webhook or a robot gets the text and the link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

from queries.model.settings import Settings
from queries.model.settings.channels import CHANNEL_KINDS

Status = Literal["delivered", "failed"]


@dataclass(frozen=True)
class Message:
    """One message: ``subject`` (a mail's subject, a robot message's title), ``text``
    (plain text a person reads, lines separated by ``\\n``), ``link`` (the dashboard
    page it points to, or None), ``attachments`` (files carried by mail and outbox),
    ``what`` (a short name for the audit trail: ``briefing 2026-11``), ``lang`` (``zh`` or
    ``en``: the language of the few words a channel adds, such as a split's last line)."""

    subject: str
    text: str
    link: str | None = None
    attachments: tuple[Path, ...] = field(default_factory=tuple)
    what: str = ""
    lang: str = "zh"

    def __post_init__(self) -> None:
        r"""The subject is one line (a mail header, a robot's title).

        >>> Message("2026年11月\n简报", "x").subject
        '2026年11月 简报'
        """
        object.__setattr__(self, "subject", " ".join(self.subject.split()))
        object.__setattr__(self, "attachments", tuple(Path(p) for p in self.attachments))
        if not self.what:
            object.__setattr__(self, "what", self.subject)


@dataclass(frozen=True)
class Target:
    """Where a message goes: ``kind`` (mail, webhook, wecom, dingtalk, outbox) and
    ``name`` (a mail address for mail, else the ``[channels.NAME]`` table).

    >>> parse_target("dingtalk:ops")
    Target(kind='dingtalk', name='ops')
    >>> str(parse_target("mail:liaison@bureau.gov.cn"))
    'mail:liaison@bureau.gov.cn'
    """

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"

    @property
    def channel(self) -> str:
        """The ``[channels.X]`` table it uses (``mail`` for every address)."""
        return "mail" if self.kind == "mail" else self.name


@dataclass(frozen=True)
class DeliveryResult:
    """How one target's delivery ended: ``status`` ``delivered`` or ``failed``, the
    ``attempts`` made, the ``cause`` of a failure (one line, no secret), and where
    the message was written when it went to a folder (an outbox, or kept after a
    failure)."""

    target: Target
    status: Status
    attempts: int
    cause: str | None = None
    kept: Path | None = None


_ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+$")
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def parse_target(text: str, settings: Settings | None = None) -> Target:
    """A ``--to`` value: ``mail:ADDRESS``, ``webhook:NAME``, ``wecom:NAME``,
    ``dingtalk:NAME`` or ``outbox:NAME``. With ``settings``: NAME (``mail`` for an
    address) must be a ``[channels.NAME]`` table of that kind.

    Raises ValueError with a one-line message (exit 2 for the command line).

    >>> parse_target("pager:ops")
    Traceback (most recent call last):
    ...
    ValueError: --to 'pager:ops': the channel must be one of mail, webhook, wecom, dingtalk, outbox
    """
    kind, sep, name = text.strip().partition(":")
    kind, name = kind.strip().lower(), name.strip()
    if not sep or kind not in CHANNEL_KINDS:
        raise ValueError(f"--to {text!r}: the channel must be one of {', '.join(CHANNEL_KINDS)}")
    if kind == "mail":
        if not _ADDRESS.match(name):
            raise ValueError(f"--to {text!r}: mail: takes one mail address (mail:name@host)")
    elif not _NAME.match(name):
        raise ValueError(
            f"--to {text!r}: {kind}: takes the name of a [channels.NAME] table "
            "(letters, digits, _ and -)"
        )
    target = Target(kind, name)
    if settings is not None:
        check_target(target, settings)
    return target


def check_target(target: Target, settings: Settings) -> dict[str, object]:
    """The ``[channels.X]`` table ``target`` uses, which must exist and be of its kind.

    Raises ValueError with a one-line message.
    """
    table = settings.channels.get(target.channel)
    if table is None:
        raise ValueError(f"--to '{target}': the settings have no [channels.{target.channel}] table")
    if table["kind"] != target.kind:
        raise ValueError(
            f"--to '{target}': [channels.{target.channel}] is "
            f"{'an' if str(table['kind'])[0] in 'aeiou' else 'a'} {table['kind']} channel, "
            f"not {target.kind}"
        )
    return table


def page_link(settings: Settings, page: str, **params: str) -> str | None:
    """The address of a dashboard page for a message (None when the setting
    ``public_base_url`` is empty).

    >>> from queries.model.settings import settings_from_mapping
    >>> s = settings_from_mapping({"public_base_url": "https://openness.example/dash/"})
    >>> page_link(s, "unit", unit="B02")
    'https://openness.example/dash/unit?unit=B02'
    """
    if not settings.public_base_url:
        return None
    query = f"?{urlencode(params)}" if params else ""
    return f"{settings.public_base_url}/{page.strip('/')}{query}"
