"""Delivery (cli.md "Jobs", access.md "delivered"): targets parsed, the outbox written
atomically, every outcome in the audit trail, a failure retried then kept in the
outbox. Channels with a server (SMTP, webhook, robots) are in test_delivery_channels.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from queries.access import audit
from queries.model.settings import SettingsError, settings_from_mapping
from reports.delivery import Message, Target, deliver, parse_target
from reports.delivery.outbox import write_message


def _settings(**channels: dict) -> object:  # type: ignore[type-arg]
    return settings_from_mapping(
        {"channels": channels, "delivery_attempts": 3, "delivery_backoff_seconds": 0.01}
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail:liaison@bureau.gov.cn", Target("mail", "liaison@bureau.gov.cn")),
        ("webhook:hub", Target("webhook", "hub")),
        ("wecom:office", Target("wecom", "office")),
        ("DingTalk:ops-1", Target("dingtalk", "ops-1")),
        ("outbox:gateway", Target("outbox", "gateway")),
    ],
)
def test_targets_are_read(text: str, expected: Target) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("pager:ops", "the channel must be one of mail, webhook, wecom, dingtalk, outbox"),
        ("ops", "the channel must be one of"),
        ("mail:not-an-address", "mail: takes one mail address"),
        ("mail:a@b.cn,c@d.cn", "mail: takes one mail address"),
        ("dingtalk:", "takes the name of a [channels.NAME] table"),
        ("wecom:a b", "takes the name of a [channels.NAME] table"),
    ],
)
def test_a_bad_target_is_one_line(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=r"^--to ") as err:
        parse_target(text)
    assert says in str(err.value) and "\n" not in str(err.value)


def test_a_target_names_a_channel_of_its_kind() -> None:
    s = _settings(ops={"kind": "outbox"})
    assert parse_target("outbox:ops", s) == Target("outbox", "ops")
    with pytest.raises(ValueError, match=r"no \[channels.other\] table"):
        parse_target("outbox:other", s)
    with pytest.raises(ValueError, match=r"\[channels.ops\] is an outbox channel, not dingtalk"):
        parse_target("dingtalk:ops", s)
    with pytest.raises(ValueError, match=r"no \[channels.mail\] table"):
        parse_target("mail:a@b.cn", s)


@pytest.mark.parametrize(
    ("table", "key", "says"),
    [
        ({"ops": {"kind": "dingtalk", "token": "abc"}}, "channels.ops.token", "never written"),
        ({"ops": {"kind": "wecom"}}, "channels.ops.key_file", "needs key_file or key_env"),
        ({"ops": {"kind": "pager"}}, "channels.ops.kind", "must be one of"),
        ({"mail": {"host": "h", "sender": "a@b", "password": "x"}}, "channels.mail.password", ""),
        ({"mail": {"host": "h"}}, "channels.mail.sender", "needs it"),
        ({"hook": {"kind": "webhook", "url": "ftp://x"}}, "channels.hook.url", "http"),
        ({"ops": {"kind": "dingtalk", "token_env": "A", "token_file": "f"}}, "", "not both"),
    ],
)
def test_bad_channel_settings_name_the_key_and_never_the_secret(
    table: dict, key: str, says: str
) -> None:  # type: ignore[type-arg]
    with pytest.raises(SettingsError) as err:
        settings_from_mapping({"channels": table})
    assert key in str(err.value) and says in str(err.value)
    assert "abc" not in str(err.value) and "'x'" not in str(err.value)


def _trail(engine: sa.Engine) -> list[tuple[str, str, str]]:
    frame = audit.read(engine, events=("delivered",))
    return list(zip(frame["user"], frame["event"], frame["detail"], strict=True))


def test_the_outbox_receives_the_message_and_its_attachment(
    engine: sa.Engine, data_folder: Path, tmp_path: Path
) -> None:
    briefing = tmp_path / "briefing-2026-11.docx"
    briefing.write_bytes(b"PK\x03\x04 a briefing")
    message = Message(
        "2026年11月简报",
        "全局按期办结率 85.0%（上月 80.0%）",
        "https://openness.example/unit?unit=B01",
        (briefing,),
        "briefing 2026-11",
    )
    s = _settings(gateway={"kind": "outbox"})
    [result] = deliver(
        message, [parse_target("outbox:gateway", s)], settings=s, conn=engine, actor="job:monthly"
    )
    assert (result.status, result.attempts, result.cause) == ("delivered", 1, None)
    folder = data_folder / "outbox" / "gateway"
    [written] = list(folder.iterdir())  # one folder, no leftover temporary
    assert result.kept == written and written.name.endswith(written.name[-6:])
    assert written.name.split("-", 1)[1].startswith("briefing-2026-11-")
    assert sorted(p.name for p in written.iterdir()) == [
        "briefing-2026-11.docx",
        "message.json",
        "message.txt",
    ]
    assert (written / "briefing-2026-11.docx").read_bytes() == b"PK\x03\x04 a briefing"
    assert (written / "message.txt").read_text(encoding="utf-8") == (
        "2026年11月简报\n\n全局按期办结率 85.0%（上月 80.0%）\n\n"
        "https://openness.example/unit?unit=B01\n"
    )
    body = json.loads((written / "message.json").read_text(encoding="utf-8"))
    assert {k: body[k] for k in ("to", "what", "subject", "link", "attachments")} == {
        "to": "outbox:gateway",
        "what": "briefing 2026-11",
        "subject": "2026年11月简报",
        "link": "https://openness.example/unit?unit=B01",
        "attachments": ["briefing-2026-11.docx"],
    }
    assert _trail(engine) == [("job:monthly", "delivered", "outbox gateway: briefing 2026-11")]


def test_an_unwritable_outbox_fails_three_times_and_keeps_the_message(
    engine: sa.Engine, data_folder: Path, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    s = _settings(gateway={"kind": "outbox", "folder": str(blocked)})
    waits: list[float] = []
    [result] = deliver(
        Message("告警", "B01 按期办结率低于同级范围", what="alerts 2026-12-01"),
        [Target("outbox", "gateway")],
        settings=s,
        conn=engine,
        actor="job:daily",
        sleep=waits.append,
    )
    assert (result.status, result.attempts) == ("failed", 3)
    assert waits == [0.01, 0.02]  # backoff doubles: 0.01, then 0.02
    assert result.cause is not None and "the outbox folder cannot be written" in result.cause
    [kept] = list((data_folder / "outbox" / "failed").iterdir())
    assert result.kept == kept
    body = json.loads((kept / "message.json").read_text(encoding="utf-8"))
    assert (body["to"], body["attempts"], body["cause"]) == ("outbox:gateway", 3, result.cause)
    assert body["text"] == "B01 按期办结率低于同级范围"
    assert _trail(engine) == [
        (
            "job:daily",
            "delivered",
            f"failed: outbox gateway: alerts 2026-12-01 (3 attempts): {result.cause}",
        )
    ]


def test_a_target_without_its_channel_fails_at_once_and_is_kept(
    engine: sa.Engine, data_folder: Path
) -> None:
    s = _settings()
    [result] = deliver(
        Message("s", "t", what="alerts"), [Target("dingtalk", "ops")], settings=s, conn=engine
    )
    assert (result.status, result.attempts) == ("failed", 0)
    assert result.cause == "the settings have no [channels.ops] table"
    assert result.kept is not None and result.kept.parent == data_folder / "outbox" / "failed"
    assert _trail(engine) == [
        (
            "job",
            "delivered",
            "failed: dingtalk ops: alerts: the settings have no [channels.ops] table",
        )
    ]


def test_a_message_half_written_never_shows_in_the_outbox(
    engine: sa.Engine, data_folder: Path, tmp_path: Path
) -> None:
    """The second attachment cannot be read: the outbox folder holds nothing (no half
    message, no temporary folder), and the failure keeps the text with the missing
    file named."""
    first = tmp_path / "a.docx"
    first.write_bytes(b"first")
    gone = tmp_path / "b.docx"
    s = _settings(gateway={"kind": "outbox"})
    message = Message("简报", "正文", None, (first, gone), "briefing 2026-11")
    folder = data_folder / "outbox" / "gateway"
    with pytest.raises(FileNotFoundError):
        write_message(folder, message, to="outbox:gateway")
    assert list(folder.iterdir()) == []
    [result] = deliver(message, [Target("outbox", "gateway")], settings=s, conn=engine)
    assert (result.status, result.attempts) == ("failed", 1)
    assert result.cause == f"an attachment cannot be read: {gone}"
    assert list(folder.iterdir()) == []
    assert result.kept is not None
    assert sorted(p.name for p in result.kept.iterdir()) == [
        "a.docx",
        "message.json",
        "message.txt",
    ]
    body = json.loads((result.kept / "message.json").read_text(encoding="utf-8"))
    assert (body["attachments"], body["missing_attachments"]) == (["a.docx"], [str(gone)])
