"""Each delivery channel against a real server on loopback (tests/delivery_servers.py):
SMTP with STARTTLS and AUTH, a webhook receiver, WeCom and DingTalk robots that check
the documented formats and signature; retries, failures kept, secrets never shown."""

from __future__ import annotations

import email
import json
import logging
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from delivery_servers import (
    OK,
    Answer,
    Request,
    http_receiver,
    self_signed,
    smtp_server,
)

from queries.access import audit
from queries.model.settings import Settings, settings_from_mapping
from reports.delivery import Message, Target, deliver

SUBJECT = "2026年11月政务公开简报"
TEXT = "全局按期办结率 85.0%（上月 80.0%）\n城东派出所 满意率 92.5%"
LINK = "https://openness.example/unit?unit=B01"
PASSWORD = "pa55-smtp-秘密"


def _settings(channels: dict[str, Any], attempts: int = 3) -> Settings:
    return settings_from_mapping(
        {"channels": channels, "delivery_attempts": attempts, "delivery_backoff_seconds": 0.01}
    )


def _trail(engine: sa.Engine) -> list[str]:
    return list(audit.read(engine, events=("delivered",))["detail"])


def _everything_written(engine: sa.Engine, folder: Path) -> str:
    """The audit trail and every file under ``folder``, as one text to search."""
    rows = audit.read(engine).to_dicts()
    files = [p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()]
    assert folder.name == "outbox"  # never the folder of the secret files themselves
    return json.dumps(rows, default=str, ensure_ascii=False) + "\n".join(files)


def test_mail_goes_over_starttls_with_the_password_file_and_reads_in_chinese(
    engine: sa.Engine, data_folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    data_folder.mkdir(parents=True, exist_ok=True)
    (data_folder / "smtp.pass").write_text(PASSWORD + "\n", encoding="utf-8")
    briefing = tmp_path / "简报-2026-11.docx"
    briefing.write_bytes(b"PK\x03\x04 docx bytes")
    with smtp_server(tmp_path, "openness@bureau.gov.cn", PASSWORD) as (port, box, cert):
        s = _settings(
            {
                "mail": {
                    "host": "localhost",
                    "port": port,
                    "sender": "openness@bureau.gov.cn",
                    "starttls": True,
                    "password_file": "smtp.pass",  # relative: from the data folder
                    "ca_file": str(cert),
                }
            }
        )
        message = Message(SUBJECT, TEXT, LINK, (briefing,), "briefing 2026-11")
        [result] = deliver(
            message,
            [Target("mail", "liaison@bureau.gov.cn")],
            settings=s,
            conn=engine,
            actor="job:monthly",
        )
    assert (result.status, result.attempts, result.cause) == ("delivered", 1, None)
    [(sender, rcpts, raw, under_tls, login)] = box.mails
    assert (sender, rcpts, under_tls, login) == (
        "openness@bureau.gov.cn",
        ["liaison@bureau.gov.cn"],
        True,
        "openness@bureau.gov.cn",
    )
    # on the wire: every header ASCII, the subject an RFC 2047 UTF-8 word
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert "Subject: =?utf-8?" in head
    mail = email.message_from_bytes(raw, policy=default)
    assert mail["Subject"] == SUBJECT
    body = mail.get_body(("plain",))
    assert body is not None and body.get_content_charset() == "utf-8"
    # lines end in CRLF inside the base64, as mail wants them
    assert body.get_content() == f"{TEXT}\n\n{LINK}\n".replace("\n", "\r\n")
    assert body["Content-Transfer-Encoding"] == "base64"
    [part] = list(mail.iter_attachments())
    assert part.get_filename() == "简报-2026-11.docx"
    assert part.get_content_type() == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert part.get_content() == b"PK\x03\x04 docx bytes"
    assert _trail(engine) == ["mail liaison@bureau.gov.cn: briefing 2026-11"]
    assert PASSWORD not in _everything_written(engine, data_folder / "outbox")
    assert PASSWORD not in caplog.text


def test_a_wrong_mail_password_fails_and_never_shows(
    engine: sa.Engine, data_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENNESS_SMTP_PASSWORD", "wrong-" + PASSWORD)
    with smtp_server(tmp_path, "openness@bureau.gov.cn", PASSWORD) as (port, box, cert):
        s = _settings(
            {
                "mail": {
                    "host": "localhost",
                    "port": port,
                    "sender": "openness@bureau.gov.cn",
                    "starttls": True,
                    "password_env": "OPENNESS_SMTP_PASSWORD",
                    "ca_file": str(cert),
                }
            },
            attempts=2,
        )
        [result] = deliver(
            Message(SUBJECT, TEXT, what="briefing 2026-11"),
            [Target("mail", "liaison@bureau.gov.cn")],
            settings=s,
            conn=engine,
        )
    assert box.mails == []
    assert (result.status, result.attempts) == ("failed", 2)
    assert (
        result.cause
        == f"SMTP localhost:{port} answered 535 5.7.8 Authentication credentials invalid"
    )
    written = _everything_written(engine, data_folder / "outbox")
    assert "wrong-" not in written and PASSWORD not in written
    assert result.kept is not None and (result.kept / "message.json").exists()


def test_mail_refuses_a_password_without_tls(engine: sa.Engine, data_folder: Path) -> None:
    data_folder.mkdir(parents=True, exist_ok=True)
    (data_folder / "smtp.pass").write_text(PASSWORD, encoding="utf-8")
    s = _settings(
        {"mail": {"host": "127.0.0.1", "port": 1, "sender": "a@b.cn", "password_file": "smtp.pass"}}
    )
    [result] = deliver(Message("s", "t"), [Target("mail", "x@b.cn")], settings=s, conn=engine)
    assert (result.status, result.attempts) == ("failed", 1)  # not retried: a setting is wrong
    assert result.cause == "[channels.mail]: a password is sent only over TLS (set starttls or tls)"


def test_the_webhook_receives_the_documented_json_with_its_bearer_token(
    engine: sa.Engine, data_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_TOKEN", "tok-123")
    with http_receiver(lambda req: OK) as (url, received):
        s = _settings(
            {"hub": {"kind": "webhook", "url": f"{url}/hooks/openness", "token_env": "HUB_TOKEN"}}
        )
        [result] = deliver(
            Message(SUBJECT, TEXT, LINK, (), "alerts 2026-12-01"),
            [Target("webhook", "hub")],
            settings=s,
            conn=engine,
        )
    assert result.status == "delivered"
    [req] = received
    assert req.path == "/hooks/openness"
    assert req.headers["authorization"] == "Bearer tok-123"
    assert req.headers["content-type"] == "application/json; charset=utf-8"
    body = req.json()
    assert set(body) == {"subject", "text", "link", "what", "sent_at"}
    assert (body["subject"], body["text"], body["link"], body["what"]) == (
        SUBJECT,
        TEXT,
        LINK,
        "alerts 2026-12-01",
    )
    assert body["sent_at"].endswith("+08:00")
    assert _trail(engine) == ["webhook hub: alerts 2026-12-01"]


def _flaky(failures: int) -> Any:
    """An endpoint that answers HTTP 503 ``failures`` times, then accepts."""
    count = {"n": 0}

    def answer(req: Request) -> Answer:
        count["n"] += 1
        return (503, {"error": "busy"}) if count["n"] <= failures else OK

    return answer


def test_an_endpoint_that_fails_twice_then_accepts_takes_three_attempts(
    engine: sa.Engine, data_folder: Path
) -> None:
    with http_receiver(_flaky(2)) as (url, received):
        s = _settings({"hub": {"kind": "webhook", "url": url}})
        [result] = deliver(
            Message(SUBJECT, TEXT, what="alerts"),
            [Target("webhook", "hub")],
            settings=s,
            conn=engine,
        )
    assert (result.status, result.attempts, len(received)) == ("delivered", 3, 3)
    assert _trail(engine) == ["webhook hub: alerts (3 attempts)"]
    assert not (data_folder / "outbox").exists()


def test_an_endpoint_that_always_fails_is_failed_kept_and_audited(
    engine: sa.Engine, data_folder: Path
) -> None:
    with http_receiver(lambda req: (500, {"error": "down"})) as (url, received):
        s = _settings({"hub": {"kind": "webhook", "url": url}})
        [result] = deliver(
            Message(SUBJECT, TEXT, LINK, what="alerts"),
            [Target("webhook", "hub")],
            settings=s,
            conn=engine,
            actor="job:daily",
        )
    assert (result.status, result.attempts, len(received)) == ("failed", 3, 3)
    port = url.rsplit(":", 1)[1]
    assert result.cause == f"localhost:{port} answered HTTP 500 Internal Server Error"
    [kept] = list((data_folder / "outbox" / "failed").iterdir())
    body = json.loads((kept / "message.json").read_text(encoding="utf-8"))
    assert (body["to"], body["subject"], body["text"], body["link"]) == (
        "webhook:hub",
        SUBJECT,
        TEXT,
        LINK,
    )
    assert _trail(engine) == [f"failed: webhook hub: alerts (3 attempts): {result.cause}"]


def test_nothing_listens_fails_with_the_host_named(engine: sa.Engine, data_folder: Path) -> None:
    s = _settings({"hub": {"kind": "webhook", "url": "http://127.0.0.1:9/x?token=abc"}}, 1)
    [result] = deliver(Message("s", "t"), [Target("webhook", "hub")], settings=s, conn=engine)
    assert result.status == "failed" and result.cause is not None
    assert result.cause.startswith("127.0.0.1:9 cannot be reached: ")
    assert "abc" not in result.cause


def test_a_redirect_is_not_followed_and_is_a_failure(engine: sa.Engine, data_folder: Path) -> None:
    """urllib would follow a 302 with a GET without the body; the 200 at the end would
    read as delivered."""

    def answer(req: Request) -> Answer:
        return (302, {}) if req.path == "/hook" else OK

    with http_receiver(answer) as (url, received):
        s = _settings({"hub": {"kind": "webhook", "url": f"{url}/hook"}}, 1)
        [result] = deliver(Message("s", "t"), [Target("webhook", "hub")], settings=s, conn=engine)
    assert [r.path for r in received] == ["/hook"]
    assert result.status == "failed" and result.cause is not None
    assert result.cause.endswith("answered HTTP 302 Found")


def test_https_verifies_the_certificate_against_the_ca_file(
    engine: sa.Engine, data_folder: Path, tmp_path: Path
) -> None:
    cert, key = self_signed(tmp_path)
    with http_receiver(lambda req: OK, tls=(cert, key)) as (url, received):
        trusting = {"kind": "webhook", "url": url, "ca_file": str(cert)}
        s = _settings({"hub": trusting, "other": {**trusting, "ca_file": ""}}, 1)
        results = deliver(
            Message("s", "t"),
            [Target("webhook", "hub"), Target("webhook", "other")],
            settings=s,
            conn=engine,
        )
    assert [r.status for r in results] == ["delivered", "failed"]
    assert len(received) == 1
    assert results[1].cause is not None and "CERTIFICATE_VERIFY_FAILED" in results[1].cause


def test_mail_over_implicit_tls(
    engine: sa.Engine, data_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``tls = true``: SMTPS (port 465), TLS from the first byte."""
    monkeypatch.setenv("OPENNESS_SMTP_PASSWORD", "pw")
    with smtp_server(tmp_path, "u@bureau.gov.cn", "pw", implicit_tls=True) as (port, box, cert):
        mail = {
            "host": "localhost",
            "port": port,
            "sender": "u@bureau.gov.cn",
            "tls": True,
            "password_env": "OPENNESS_SMTP_PASSWORD",
            "ca_file": str(cert),
        }
        [result] = deliver(
            Message(SUBJECT, TEXT),
            [Target("mail", "x@b.cn")],
            settings=_settings({"mail": mail}),
            conn=engine,
        )
    assert result.status == "delivered", result.cause
    [(_, rcpts, _, under_tls, login)] = box.mails
    assert (rcpts, under_tls, login) == (["x@b.cn"], True, "u@bureau.gov.cn")
