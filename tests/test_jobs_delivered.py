"""Jobs delivering, end to end on loopback, SQLite and PostgreSQL: a monthly briefing mailed
to the liaison office through a real SMTP server (STARTTLS, AUTH), and daily alerts to a
signed 钉钉 robot (tests/delivery_servers.py). Each slot delivers once, the audit trail
says so, and nothing record-level is in a message."""

from __future__ import annotations

import email
import io
from datetime import date, datetime
from email.policy import default
from pathlib import Path

import pytest
import sqlalchemy as sa
from delivery_servers import dingtalk_robot, http_receiver, smtp_server
from docx import Document
from typer.testing import CliRunner

from openness.cli import app
from queries.access import audit
from queries.jobs import store
from queries.model.schema import RECORD_TABLES
from seed_data.generator import seed_database
from seed_data.scales import SCALES, Scale

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("data_folder")

PASSWORD = "smtp-口令-42"
TOKEN, SECRET = "b2c8e1d07a", "SEC5f0e9d8c7b6a"
BASE = "https://openness.bureau.example"
# the generator's tiny city over two years: a control chart's baseline and its 12 months
TWO_YEARS = Scale("tiny-2y", 1, (3, 3), 4.0, 15, 2, 8_000, 2_400, 300)


def _run_due(at: str, db_url: str, config: Path) -> tuple[int, str]:
    res = runner.invoke(
        app, ["jobs", "run-due", "--at", at, "--db", db_url, "--config", str(config)]
    )
    return res.exit_code, res.stderr


def _record_keys(engine: sa.Engine) -> set[str]:
    """Every record's key (case ids): none may leave in a message."""
    keys: set[str] = set()
    with engine.connect() as conn:
        for kind in ("disclosures", "feedback", "supervision"):
            t = RECORD_TABLES[kind]
            key = t.primary_key.columns.keys()[0]
            keys |= {str(k) for (k,) in conn.execute(sa.select(t.c[key]))}
    assert len(keys) > 100
    return keys


def test_a_monthly_briefing_is_mailed_to_the_liaison_office_once_a_month(
    engine: sa.Engine, db_url: str, tmp_path: Path, data_folder: Path
) -> None:
    seed_database(engine, "tiny", 7, date(2026, 6, 30), progress=False)
    data_folder.mkdir(parents=True, exist_ok=True)
    (tmp_path / "smtp.pass").write_text(PASSWORD + "\n", encoding="utf-8")
    store.add_job(
        engine,
        "monthly",
        "briefing",
        "0 8 1 * *",
        {
            "period": "previous-month",
            "format": "docx",
            "lang": "zh",
            "to": ["mail:liaison@gaj.example"],
        },
        unit_id=None,
        actor="cli:ops",
        at=datetime(2026, 6, 15),
    )
    with smtp_server(tmp_path, "openness@gaj.example", PASSWORD) as (port, box, cert):
        config = tmp_path / "settings.toml"
        config.write_text(
            f'public_base_url = "{BASE}"\n'
            "[channels.mail]\n"
            'host = "localhost"\n'
            f"port = {port}\n"
            'sender = "openness@gaj.example"\n'
            "starttls = true\n"
            f'password_file = "{tmp_path / "smtp.pass"}"\n'
            f'ca_file = "{cert}"\n',
            encoding="utf-8",
        )
        # 1 July 08:00, cron again a minute later: one mail
        assert _run_due("2026-07-01 08:00", db_url, config) == (0, "job monthly: ok\n")
        assert _run_due("2026-07-01 08:01", db_url, config) == (0, "")

    [(sender, rcpts, raw, under_tls, _)] = box.mails
    assert (sender, rcpts, under_tls) == ("openness@gaj.example", ["liaison@gaj.example"], True)
    mail = email.message_from_bytes(raw, policy=default)
    assert mail["Subject"] == "警务公开联络简报（2026年6月）"
    body = mail.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "briefing_2026-06_all.docx" in text and f"{BASE}/briefing?period=2026-06" in text
    [part] = list(mail.iter_attachments())
    assert part.get_filename() == "briefing_2026-06_all.docx"
    doc = Document(io.BytesIO(part.get_content()))
    assert "2026年6月" in "\n".join(p.text for p in doc.paragraphs)
    assert not any(k in text for k in _record_keys(engine))
    trail = audit.read(engine, events=("delivered", "job_run"))
    assert trail.select("user", "event", "detail").rows() == [
        ("job:monthly", "delivered", "mail liaison@gaj.example: briefing 2026-06 (docx)"),
        (trail["user"][1], "job_run", "job monthly: ok"),
    ]


def test_daily_alerts_reach_a_dingtalk_group_once_each_new_signal(
    engine: sa.Engine, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(SCALES, TWO_YEARS.name, TWO_YEARS)
    seed_database(engine, TWO_YEARS.name, 7, date(2026, 6, 30), progress=False)
    (tmp_path / "token").write_text(TOKEN, encoding="utf-8")
    (tmp_path / "secret").write_text(SECRET, encoding="utf-8")
    store.add_job(
        engine,
        "daily",
        "alerts",
        "0 9 * * *",
        {"to": ["dingtalk:group"]},
        unit_id=None,
        actor="cli:ops",
        at=datetime(2026, 7, 1, 12),
    )
    with http_receiver(dingtalk_robot(TOKEN, SECRET)) as (url, received):
        config = tmp_path / "settings.toml"
        config.write_text(
            f'public_base_url = "{BASE}"\n'
            "[channels.group]\n"
            'kind = "dingtalk"\n'
            f'host = "{url}"\n'
            f'token_file = "{tmp_path / "token"}"\n'
            f'secret_file = "{tmp_path / "secret"}"\n',
            encoding="utf-8",
        )
        first = _run_due("2026-07-02 09:00", db_url, config)
        # the next day the same signals stand: nothing new, nothing sent
        second = _run_due("2026-07-03 09:00", db_url, config)

    assert first == (0, "job daily: ok\n")
    assert second == (0, "job daily: skipped: no new signals\n")
    [req] = received  # one message, signed and in the documented format (the robot checks)
    sent = req.json()["markdown"]
    sent["text"] = sent["text"].replace("\\", "")  # markdown's escapes ("\\(") read away
    assert sent["title"].startswith("警务公开：9 条新的需关注信号（2026年6月）")
    # the signals' own sentences, both languages, each linked to its unit's page
    assert "马关派出所 建议采纳率连续 7 个月低于基线（2025年12月至2026年6月）" in sent["text"]
    assert (
        "suggestions adopted below its baseline 7 months running (2025-12–2026-06)" in sent["text"]
    )
    assert f"{BASE}/unit?unit=B01-S03&period=2026-06&lang=zh" in sent["text"]
    assert f"{BASE}/unit?unit=B01-S03&period=2026-06&lang=en" in sent["text"]
    assert not any(k in sent["text"] for k in _record_keys(engine))
    trail = audit.read(engine, events=("delivered", "job_run"))
    assert trail.select("event", "detail").rows() == [
        ("delivered", "dingtalk group: alerts 2026-06: 9 new signal(s)"),
        ("job_run", "job daily: ok"),
        ("job_run", "job daily: skipped: no new signals"),
    ]
