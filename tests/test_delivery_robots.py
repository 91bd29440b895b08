"""企业微信 and 钉钉 group robots (reports/delivery/robots.py) against endpoints on
loopback that check the documented message format, length limit and signature
(tests/delivery_servers.py) and reject anything else."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from delivery_servers import OK, Answer, Request, dingtalk_robot, http_receiver, wecom_robot

from queries.access import audit
from queries.model.settings import Settings, settings_from_mapping
from reports.delivery import Message, Target, deliver
from reports.delivery.chat_text import ZERO_WIDTH_SPACE as ZWSP

KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
TOKEN = "e9a8118c8a3dc0d0d6038"
SECRET = "SEC10d6e79b42bd94be0d0d603843651aa2"
LINK = "https://openness.example/unit?unit=B01"


def _settings(channels: dict[str, Any], attempts: int = 3, base: str = "") -> Settings:
    return settings_from_mapping(
        {
            "channels": channels,
            "delivery_attempts": attempts,
            "delivery_backoff_seconds": 0.01,
            "public_base_url": base,
        }
    )


def _secrets(folder: Path, **values: str) -> dict[str, str]:
    """Each secret written to its own file under ``folder``: ``{stem}_file`` entries."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for stem, value in values.items():
        (folder / f"{stem}.txt").write_text(value + "\n", encoding="utf-8")
        out[f"{stem}_file"] = str(folder / f"{stem}.txt")
    return out


def _trail(engine: sa.Engine) -> list[str]:
    return list(audit.read(engine, events=("delivered",))["detail"])


def test_wecom_markdown_escapes_the_records_text_and_links_only_the_dashboard(
    engine: sa.Engine, data_folder: Path
) -> None:
    text = (
        '**城东所** [点此](http://evil.example) <font color="info">绿</font> <@all>\n1. 按期 85.0%'
    )
    with http_receiver(wecom_robot(KEY)) as (url, received):
        s = _settings({"office": {"kind": "wecom", "host": url, **_secrets(data_folder, key=KEY)}})
        [result] = deliver(
            Message("告警 B01", text, LINK, what="alerts 2026-12-01"),
            [Target("wecom", "office")],
            settings=s,
            conn=engine,
        )
    assert result.status == "delivered", result.cause
    [req] = received
    assert req.json() == {
        "msgtype": "markdown",
        "markdown": {
            "content": "**告警 B01**\n"
            f"\\*\\*城东所\\*\\* \\[点此\\]\\(http:{ZWSP}//evil.example\\) "
            '\\<font color="info"\\>绿\\</font\\> \\<@all\\>\n'
            "1\\. 按期 85.0%\n"
            "[https://openness.example/unit?unit=B01](https://openness.example/unit?unit=B01)"
        },
    }
    assert _trail(engine) == ["wecom office: alerts 2026-12-01"]


def test_wecom_text_defuses_a_mention(engine: sa.Engine, data_folder: Path) -> None:
    with http_receiver(wecom_robot(KEY)) as (url, received):
        s = _settings(
            {
                "office": {
                    "kind": "wecom",
                    "host": url,
                    "msgtype": "text",
                    **_secrets(data_folder, key=KEY),
                }
            }
        )
        [result] = deliver(
            Message("告警", "单位 <@all> 满意率 70%", None),
            [Target("wecom", "office")],
            settings=s,
            conn=engine,
        )
    assert result.status == "delivered"
    assert received[0].json() == {
        "msgtype": "text",
        "text": {"content": f"告警\n单位 <{ZWSP}@all> 满意率 70%"},
    }


def _long_text(lines: int) -> str:
    return "\n".join(f"第{i:03d}条：城东派出所按期办结率 85.0%，低于同级范围" for i in range(lines))


def test_a_long_wecom_message_is_split_within_4096_bytes(
    engine: sa.Engine, data_folder: Path
) -> None:
    text = _long_text(200)
    line_bytes = len("第000条：城东派出所按期办结率 85.0%，低于同级范围".encode())
    # 18 CJK characters and 2 full-width marks, 3 bytes each, + "000" + " 85.0%":
    # 60 + 3 + 6 = 69 bytes, nothing to escape. A part: 4096 bytes less the title line
    # (~20) and the link line (~80) holds (4096 - 100) // 70 = 57 lines (with "\n"):
    # 200 lines are 57 + 57 + 57 + 29, 4 parts
    assert line_bytes == 69
    with http_receiver(wecom_robot(KEY)) as (url, received):
        s = _settings({"office": {"kind": "wecom", "host": url, **_secrets(data_folder, key=KEY)}})
        [result] = deliver(
            Message("告警", text, LINK), [Target("wecom", "office")], settings=s, conn=engine
        )
    assert result.status == "delivered", result.cause
    contents = [r.json()["markdown"]["content"] for r in received]
    assert [len(c.split("\n")) - 2 for c in contents] == [57, 57, 57, 29]  # title, link
    assert all(len(c.encode()) <= 4096 for c in contents)
    assert [c.split("\n", 1)[0] for c in contents] == [
        f"**告警 \\({i}/4\\)**" for i in (1, 2, 3, 4)
    ]
    body = [line for c in contents for line in c.split("\n")[1:] if not line.startswith("[https")]
    assert body == text.split("\n")  # every line, once, in order
    assert all(c.endswith(f"[{LINK}]({LINK})") for c in contents)


def test_more_parts_than_allowed_end_with_a_line_pointing_to_the_link(
    engine: sa.Engine, data_folder: Path
) -> None:
    text = _long_text(200)
    with http_receiver(wecom_robot(KEY)) as (url, received):
        s = _settings(
            {
                "office": {
                    "kind": "wecom",
                    "host": url,
                    "max_parts": 2,
                    **_secrets(data_folder, key=KEY),
                }
            }
        )
        [result] = deliver(
            Message("告警", text, LINK), [Target("wecom", "office")], settings=s, conn=engine
        )
    assert result.status == "delivered", result.cause
    contents = [r.json()["markdown"]["content"] for r in received]
    assert len(contents) == 2 and all(len(c.encode()) <= 4096 for c in contents)
    lines = [line for c in contents for line in c.split("\n")[1:-1]]
    shown = len(lines) - 1
    assert lines[:-1] == text.split("\n")[:shown]
    assert lines[-1] == f"……另有 {200 - shown} 行未显示，详见链接。"


def test_a_signed_dingtalk_robot_accepts_the_documented_signature(
    engine: sa.Engine, data_folder: Path
) -> None:
    with http_receiver(dingtalk_robot(TOKEN, SECRET)) as (url, received):
        s = _settings(
            {
                "ops": {
                    "kind": "dingtalk",
                    "host": url,
                    **_secrets(data_folder, token=TOKEN, secret=SECRET),
                }
            }
        )
        [result] = deliver(
            Message("每日告警", "B01 按期办结率 70.0%\nB02 满意率 65.0%", LINK, what="alerts"),
            [Target("dingtalk", "ops")],
            settings=s,
            conn=engine,
            actor="job:daily",
        )
    assert (result.status, result.attempts) == ("delivered", 1), result.cause
    [req] = received
    assert set(req.query) == {"access_token", "timestamp", "sign"}
    assert req.json() == {
        "msgtype": "markdown",
        "markdown": {
            "title": "每日告警",
            "text": f"**每日告警**  \nB01 按期办结率 70.0%  \nB02 满意率 65.0%  \n[{LINK}]({LINK})",
        },
    }
    assert _trail(engine) == ["dingtalk ops: alerts"]


def test_a_digest_links_each_unit_page_and_nothing_else(
    engine: sa.Engine, data_folder: Path
) -> None:
    """Words that are addresses inside the dashboard (public_base_url) become links; an
    address elsewhere, or one that only starts like it, stays text that a chat client
    cannot turn into a link either (a zero-width space after ":")."""
    text = (
        "城东所 按期办结率 70.0% https://openness.example/unit?unit=B01\n"
        "http://evil.example/a https://openness.example.evil.cn/x"
    )
    with http_receiver(dingtalk_robot(TOKEN, None)) as (url, received):
        s = _settings(
            {"ops": {"kind": "dingtalk", "host": url, **_secrets(data_folder, token=TOKEN)}},
            base="https://openness.example",
        )
        [result] = deliver(
            Message("每日告警", text), [Target("dingtalk", "ops")], settings=s, conn=engine
        )
    assert result.status == "delivered", result.cause
    assert received[0].json()["markdown"]["text"] == (
        "**每日告警**  \n"
        "城东所 按期办结率 70.0% "
        "[https://openness.example/unit?unit=B01](https://openness.example/unit?unit=B01)  \n"
        f"http:{ZWSP}//evil.example/a https:{ZWSP}//openness.example.evil.cn/x"
    )


def test_a_wrong_dingtalk_secret_is_rejected_and_recorded_failed(
    engine: sa.Engine, data_folder: Path
) -> None:
    with http_receiver(dingtalk_robot(TOKEN, SECRET)) as (url, received):
        s = _settings(
            {
                "ops": {
                    "kind": "dingtalk",
                    "host": url,
                    **_secrets(data_folder, token=TOKEN, secret="SECnot-the-one"),
                }
            }
        )
        [result] = deliver(
            Message("每日告警", "B01", what="alerts"),
            [Target("dingtalk", "ops")],
            settings=s,
            conn=engine,
        )
    assert (result.status, result.attempts, len(received)) == ("failed", 3, 3)
    assert result.cause == "DingTalk answered errcode 310000: sign not match"
    assert _trail(engine) == [
        "failed: dingtalk ops: alerts (3 attempts): DingTalk answered errcode 310000: sign not match"
    ]


def test_an_unsigned_dingtalk_robot_gets_text(engine: sa.Engine, data_folder: Path) -> None:
    with http_receiver(dingtalk_robot(TOKEN, None)) as (url, received):
        s = _settings(
            {
                "ops": {
                    "kind": "dingtalk",
                    "host": url,
                    "msgtype": "text",
                    **_secrets(data_folder, token=TOKEN),
                }
            }
        )
        [result] = deliver(
            Message("告警", "B01 70%", LINK), [Target("dingtalk", "ops")], settings=s, conn=engine
        )
    assert result.status == "delivered", result.cause
    [req] = received
    assert set(req.query) == {"access_token"}
    assert req.json() == {"msgtype": "text", "text": {"content": f"告警\nB01 70%\n{LINK}"}}


def test_a_retry_resends_only_the_parts_not_yet_accepted(
    engine: sa.Engine, data_folder: Path
) -> None:
    robot = dingtalk_robot(TOKEN, None)
    calls = {"n": 0}

    def answer(req: Request) -> Answer:
        calls["n"] += 1
        return (502, {"error": "gateway"}) if calls["n"] == 2 else robot(req)

    # 600 lines of 66 bytes ~ 40,000 bytes: 3 parts of <= 20,000 bytes of body
    text = _long_text(600)
    with http_receiver(answer) as (url, received):
        s = _settings(
            {"ops": {"kind": "dingtalk", "host": url, **_secrets(data_folder, token=TOKEN)}}
        )
        [result] = deliver(
            Message("告警", text), [Target("dingtalk", "ops")], settings=s, conn=engine
        )
    assert (result.status, result.attempts) == ("delivered", 2), result.cause
    assert _trail(engine) == ["dingtalk ops: 告警 (2 attempts)"]
    titles = [r.json()["markdown"]["title"] for r in received]
    assert titles == ["告警 (1/3)", "告警 (2/3)", "告警 (2/3)", "告警 (3/3)"]
    assert all(len(r.body) <= 20000 for r in received)


def test_a_part_refused_is_named_in_the_cause(engine: sa.Engine, data_folder: Path) -> None:
    robot = dingtalk_robot(TOKEN, None)

    def answer(req: Request) -> Answer:
        if req.json()["markdown"]["title"].endswith("(2/3)"):
            return 200, {"errcode": 130101, "errmsg": "send too fast"}
        return robot(req)

    with http_receiver(answer) as (url, received):
        s = _settings(
            {"ops": {"kind": "dingtalk", "host": url, **_secrets(data_folder, token=TOKEN)}}, 2
        )
        [result] = deliver(
            Message("告警", _long_text(600)), [Target("dingtalk", "ops")], settings=s, conn=engine
        )
    assert (result.status, result.attempts) == ("failed", 2)
    assert result.cause == "DingTalk answered errcode 130101: send too fast (part 2 of 3)"
    titles = [r.json()["markdown"]["title"] for r in received]
    assert titles == ["告警 (1/3)", "告警 (2/3)", "告警 (2/3)"]  # part 1 is never sent twice


def test_a_robot_key_never_shows_even_when_the_server_repeats_it(
    engine: sa.Engine, data_folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    def echo(req: Request) -> Answer:
        return 200, {"errcode": 93000, "errmsg": f"invalid webhook url key={req.query['key']}"}

    with http_receiver(echo) as (url, received):
        s = _settings(
            {"office": {"kind": "wecom", "host": url, **_secrets(data_folder / "keys", key=KEY)}}, 1
        )
        [result] = deliver(
            Message("告警", "B01"), [Target("wecom", "office")], settings=s, conn=engine
        )
    assert received[0].query["key"] == KEY  # it was sent, and the server said it back
    assert result.cause == "WeCom answered errcode 93000: invalid webhook url key=[secret]"
    rows = json.dumps(audit.read(engine).to_dicts(), default=str)
    kept = "".join(p.read_text() for p in (data_folder / "outbox").rglob("*") if p.is_file())
    assert KEY not in rows and KEY not in kept and KEY not in caplog.text
    assert "[secret]" in rows


def test_a_missing_key_file_fails_at_once_naming_the_file(
    engine: sa.Engine, data_folder: Path
) -> None:
    s = _settings({"office": {"kind": "wecom", "key_file": "keys/wecom.key"}})
    [result] = deliver(Message("告警", "B01"), [Target("wecom", "office")], settings=s, conn=engine)
    assert (result.status, result.attempts) == ("failed", 1)
    assert result.cause == (
        f"[channels.office] key_file {data_folder / 'keys' / 'wecom.key'}: cannot be read "
        "(No such file or directory)"
    )


def test_a_robot_answering_ok_without_errcode_zero_fails() -> None:
    from reports.delivery.credentials import DeliveryError
    from reports.delivery.robots import check_answer

    check_answer("WeCom", json.dumps(OK[1]).encode())
    for answer, says in [
        (b"<html>", "answered something other than JSON"),
        (b"{}", "answered without an errcode"),
        (b'{"errcode": 45009, "errmsg": "api freq out of limit"}', "errcode 45009: api freq"),
    ]:
        with pytest.raises(DeliveryError, match=says):
            check_answer("WeCom", answer)
