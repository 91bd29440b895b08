"""Every setting of methodology.md "Configuration", declared once.

Each :class:`Setting` holds its TOML key, the :class:`~queries.model.settings.Settings`
attribute it fills, its default, what it does in both languages and the parser
that checks a TOML value (:mod:`queries.model.settings.values`). The settings
dataclass, ``openness settings``, the README's settings section and the
dashboard's Methodology page all derive from :data:`SETTINGS`.

To add a setting: one ``Setting(...)`` here, one attribute on ``Settings``
(its default comes from here), a test in ``tests/test_settings.py``; then
regenerate the README section (``python -m queries.model.settings.doc``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from queries.model.catalogue import DIMENSION_CODES
from queries.model.settings import channels as ch
from queries.model.settings import values as v

Parser = Callable[[str, Any, Any], Any]

DEFAULT_DUE_DAYS: dict[str, int] = {
    "complaint": 30,
    "report": 30,
    "suggestion": 30,
    "opinion": 30,
    "enquiry": 3,
}

_COMMON = ["powers_duties", "procedures"]
DEFAULT_CATALOGUE: dict[str, tuple[str, ...]] = {
    "comprehensive": (
        *_COMMON,
        "obligations",
        "rights_remedies",
        "convenience_measures",
        "complaint_channels",
        "units_contacts",
        "case_progress",
        "enforcement_results",
    ),
    "window": (
        *_COMMON,
        "obligations",
        "rights_remedies",
        "convenience_measures",
        "complaint_channels",
        "units_contacts",
    ),
    "case_handling": (
        *_COMMON,
        "rights_remedies",
        "complaint_channels",
        "units_contacts",
        "case_progress",
        "enforcement_results",
    ),
    "management": (
        "powers_duties",
        "normative_documents",
        "procedures",
        "complaint_channels",
        "units_contacts",
        "major_decisions",
        "statistics",
    ),
}

DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "openness": {
        "O_COVERAGE": 0.30,
        "O_TIMELY": 0.25,
        "O_DEPTH": 0.20,
        "O_SUPERVISION_PUBLIC": 0.15,
        "O_CHANNELS": 0.10,
    },
    "responsiveness": {"R_RESPONSE": 0.30, "R_ONTIME": 0.30, "R_REPLY": 0.20, "R_RECTIFY": 0.20},
    "satisfaction": {"S_SATISFACTION": 0.50, "S_RESOLVED": 0.30, "S_RETURN_VISIT": 0.20},
}
DEFAULT_OVERALL_WEIGHTS: dict[str, float] = {d: 1.0 for d in DIMENSION_CODES}


@dataclass(frozen=True, kw_only=True)
class Setting:
    """One setting: where it lives, its default, what it does, how it is checked.

    ``key`` is the TOML key (dotted for a table inside another: ``weights.overall``);
    ``attr`` the :class:`Settings` attribute; ``parse(key, value, current)`` returns
    the attribute's new value or raises ``SettingsError`` naming the key.
    """

    key: str
    attr: str
    default: Any
    parse: Parser
    type_zh: str
    type_en: str
    help_zh: str
    help_en: str

    def make_default(self) -> Any:
        """A fresh copy of the default (tables are never shared between Settings)."""
        return copy.deepcopy(self.default)

    def help(self, lang: str = "zh") -> str:
        return self.help_zh if lang == "zh" else self.help_en

    def type_text(self, lang: str = "zh") -> str:
        return self.type_zh if lang == "zh" else self.type_en


SETTINGS: tuple[Setting, ...] = (
    Setting(
        key="disclosure_deadline_workdays",
        attr="disclosure_deadline_workdays",
        default=20,
        parse=v.at_least(0, int),
        type_zh="整数，≥ 0",
        type_en="whole number >= 0",
        help_zh="信息自形成之日起应在多少个工作日内公开（公开及时率 O_TIMELY）。",
        help_en="Working days from forming to publishing that count as timely (O_TIMELY).",
    ),
    Setting(
        key="response_hours",
        attr="response_hours",
        default=24,
        parse=v.positive,
        type_zh="数值，> 0",
        type_en="number > 0",
        help_zh="收到诉求后首次联系当事人的时限，以小时计（响应率 R_RESPONSE）。",
        help_en="Hours from receipt within which the first response counts (R_RESPONSE).",
    ),
    Setting(
        key="due_days",
        attr="due_days",
        default=DEFAULT_DUE_DAYS,
        parse=v.due_days,
        type_zh="表：诉求类型 → 天数（≥ 0）",
        type_en="table: feedback kind -> days (>= 0)",
        help_zh="未填办理期限时，各类诉求自收到起的默认办理天数（按期办结率 R_ONTIME）；"
        "只改写列出的类型。",
        help_en="Days to close each feedback kind when due_at is empty (R_ONTIME); a file "
        "changes only the kinds it lists.",
    ),
    Setting(
        key="basically_satisfied_weight",
        attr="basically_satisfied_weight",
        default=1.0,
        parse=v.share,
        type_zh="数值，0 至 1",
        type_en="number from 0 to 1",
        help_zh="“基本满意”计入满意率 S_SATISFACTION 时的权重。",
        help_en="How much a 'basically satisfied' rating counts in S_SATISFACTION.",
    ),
    Setting(
        key="min_sample",
        attr="min_sample",
        default=10,
        parse=v.at_least(0, int),
        type_zh="整数，≥ 0",
        type_en="whole number >= 0",
        help_zh="最小样本量：n 小于此数的指标标为“数据不足”，不计入得分（O_COVERAGE 除外）。",
        help_en="Minimum sample: an indicator with n below it is marked insufficient and "
        "left out of the scores (O_COVERAGE exempt).",
    ),
    Setting(
        key="public_min_count",
        attr="public_min_count",
        default=5,
        parse=v.at_least(0, int),
        type_zh="整数，≥ 0",
        type_en="whole number >= 0",
        help_zh="公开摘要中，来自诉求和监督记录的 1 至此数减 1 的计数显示为“<此数”。",
        help_en="In the public summary, counts from feedback and supervision records from 1 "
        "to this number minus 1 are shown as '<this number'.",
    ),
    Setting(
        key="public_rounding",
        attr="public_rounding",
        default=5,
        parse=v.at_least(1, int),
        type_zh="整数，≥ 1",
        type_en="whole number >= 1",
        help_zh="公开摘要中，较大的计数取整到此数最接近的倍数。",
        help_en="In the public summary, larger counts are rounded to the nearest multiple "
        "of this number.",
    ),
    Setting(
        key="public_levels",
        attr="public_levels",
        default=("bureau", "branch"),
        parse=v.levels,
        type_zh="单位层级列表",
        type_en="list of unit levels",
        help_zh="公开摘要中列出的单位层级。",
        help_en="Unit levels shown in the public summary.",
    ),
    Setting(
        key="holidays",
        attr="holidays",
        default=(),
        parse=v.dates,
        type_zh="日期列表",
        type_en="list of dates",
        help_zh="内置日历之外的节假日（不算工作日）。",
        help_en="Holidays beyond the built-in calendar (not working days).",
    ),
    Setting(
        key="workdays",
        attr="workdays",
        default=(),
        parse=v.dates,
        type_zh="日期列表",
        type_en="list of dates",
        help_zh="内置日历之外的调休工作日（周末上班）。",
        help_en="Working days beyond the built-in calendar (weekends worked).",
    ),
    Setting(
        key="catalogue",
        attr="catalogue",
        default=DEFAULT_CATALOGUE,
        parse=v.catalogue,
        type_zh="表：单位类型 → 公开类别列表",
        type_en="table: unit kind -> list of categories",
        help_zh="各类单位的法定公开目录（目录覆盖率 O_COVERAGE）；列出的类型整体替换。",
        help_en="The mandatory disclosure catalogue of each unit kind (O_COVERAGE); a kind "
        "listed is replaced whole.",
    ),
    Setting(
        key="weights",
        attr="weights",
        default=DEFAULT_WEIGHTS,
        parse=v.indicator_weights,
        type_zh="表：维度 → 指标 → 权重（≥ 0）",
        type_en="table: dimension -> indicator -> weight (>= 0)",
        help_zh="各维度得分中计分指标的权重；列出的维度整体替换，未列出的指标权重为 0。",
        help_en="Weights of the scored indicators in their dimension's score; a dimension "
        "listed is replaced whole, indicators not listed weigh 0.",
    ),
    Setting(
        key="weights.overall",
        attr="overall_weights",
        default=DEFAULT_OVERALL_WEIGHTS,
        parse=v.dimension_weights,
        type_zh="表：维度 → 权重（≥ 0）",
        type_en="table: dimension -> weight (>= 0)",
        help_zh="总分中三个维度的权重（整体替换）。",
        help_en="Weights of the three dimensions in the overall score (replaced whole).",
    ),
    Setting(
        key="labels",
        attr="labels",
        default={},
        parse=v.labels,
        type_zh="表：字段 → {来源标签 → 代码}",
        type_en="table: field -> {source label -> code}",
        help_zh="导入时把来源系统自己的标签映射为代码（是/否字段映射为 true/false）；"
        "列出的字段整体替换。",
        help_en="Source systems' own labels mapped to codes on import (true/false for "
        "yes/no fields); a field listed is replaced whole.",
    ),
    Setting(
        key="audit_key_file",
        attr="audit_key_file",
        default="audit.key",
        parse=v.file_path,
        type_zh="文件路径",
        type_en="file path",
        help_zh="审计记录哈希链（HMAC）密钥文件，存放于数据库之外；相对路径自数据目录"
        "（OPENNESS_DATA）起算；不存在时创建（权限 0600）。请与数据库分开备份。",
        help_en="The key of the audit trail's HMAC chain, kept outside the database; a "
        "relative path is taken from the data folder (OPENNESS_DATA); created (mode 0600) "
        "when missing. Back it up apart from the database.",
    ),
    Setting(
        key="engine",
        attr="engine",
        default="",
        parse=v.engine_url,
        type_zh="计算引擎地址",
        type_en="engine URL",
        help_zh="指标、信号、简报与公开摘要的默认计算引擎：Apache Spark 集群 spark://主机:端口"
        "（或 local[N]），须同时给出 --lake（OPENNESS_LAKE）；留空则由数据库自身的引擎计算"
        "（SQLite 为内嵌列式引擎，PostgreSQL 为数据库本身）。",
        help_en="The default engine of the indicators, signals, briefing and public summary: "
        "an Apache Spark cluster spark://HOST:PORT (or local[N]), which needs --lake "
        "(OPENNESS_LAKE); empty: the database's own engine (embedded columnar for SQLite, "
        "PostgreSQL itself).",
    ),
    Setting(
        key="public_base_url",
        attr="public_base_url",
        default="",
        parse=ch.base_url,
        type_zh="网址（http:// 或 https://），可留空",
        type_en="URL (http:// or https://) or empty",
        help_zh="看板对使用者公开的地址（如 https://openness.bureau.gov.cn）；定时任务发送的"
        "消息据此链接到单位页面；留空则消息不带链接。",
        help_en="The dashboard's address as its users reach it (e.g. "
        "https://openness.bureau.gov.cn); messages sent by jobs link to a unit's page "
        "from it; empty: messages carry no link.",
    ),
    Setting(
        key="delivery_attempts",
        attr="delivery_attempts",
        default=3,
        parse=v.at_least(1, int),
        type_zh="整数，≥ 1",
        type_en="whole number >= 1",
        help_zh="每次投递最多尝试的次数；全部失败则记为失败，消息存入 outbox_folder 的 failed 文件夹。",
        help_en="How many times a delivery is tried; when every try fails it is recorded "
        "as failed and the message is kept in outbox_folder's failed folder.",
    ),
    Setting(
        key="delivery_backoff_seconds",
        attr="delivery_backoff_seconds",
        default=30.0,
        parse=v.at_least(0, float),
        type_zh="数值，≥ 0（秒）",
        type_en="number >= 0 (seconds)",
        help_zh="投递失败后第一次重试前等待的秒数；此后每次加倍。",
        help_en="Seconds to wait before the first retry of a failed delivery; doubled "
        "before each further retry.",
    ),
    Setting(
        key="outbox_folder",
        attr="outbox_folder",
        default="outbox",
        parse=v.file_path,
        type_zh="文件夹路径",
        type_en="folder path",
        help_zh="待外发消息的文件夹（供网关转发）；相对路径自数据目录（OPENNESS_DATA）起算。"
        "outbox 渠道未指定 folder 时写入其下的同名文件夹，投递失败的消息存入其下的 failed。",
        help_en="The folder of messages waiting to be carried out (by a gateway); a relative "
        "path is taken from the data folder (OPENNESS_DATA). An outbox channel without a "
        "folder writes to the folder of its name inside it; failed deliveries are kept in "
        "its failed folder.",
    ),
    Setting(
        key="channels",
        attr="channels",
        default={},
        parse=ch.channels,
        type_zh="表：渠道名 → 渠道设置",
        type_en="table: channel name -> channel settings",
        help_zh="定时任务的投递渠道（cli.md“Jobs”）：[channels.mail] 为 SMTP 服务器，其他"
        "[channels.名称] 以 kind 指明 webhook、wecom（企业微信/政务微信群机器人）、dingtalk"
        "（钉钉/政务钉钉群机器人）或 outbox；密钥只以 *_file（文件）或 *_env（环境变量）给出，"
        "不写入本文件；列出的渠道整体替换。字段见 docs/deploy.md。",
        help_en='The delivery channels of jobs (cli.md "Jobs"): [channels.mail] is the SMTP '
        "server, every other [channels.NAME] names its kind: webhook, wecom (WeCom group "
        "robot), dingtalk (DingTalk group robot) or outbox; secrets only as *_file (a file) or "
        "*_env (an environment variable), never in this file; a channel listed is replaced "
        "whole. Fields: docs/deploy.md.",
    ),
    Setting(
        key="upload_max_mb",
        attr="upload_max_mb",
        default=200,
        parse=v.at_least(1, int),
        type_zh="整数（MB），≥ 1",
        type_en="whole number (MB) >= 1",
        help_zh="数据页上传记录文件的大小上限（MB）；openness serve 把 Streamlit 自己的上传上限"
        "（server.maxUploadSize）设为同一值。更大的文件请在服务器上用 openness import 导入。",
        help_en="The largest record file the Data page takes as an upload (MB); openness serve "
        "sets Streamlit's own upload limit (server.maxUploadSize) to the same value. Import "
        "larger files on the server with openness import.",
    ),
)

BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}
BY_ATTR: dict[str, Setting] = {s.attr: s for s in SETTINGS}


def setting(key: str) -> Setting:
    """The setting with this TOML key (KeyError naming it otherwise)."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown setting {key!r}") from None


def default_of(attr: str) -> Callable[[], Any]:
    """A default factory for the ``Settings`` attribute ``attr``."""
    return BY_ATTR[attr].make_default


def split_document(data: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """A parsed TOML document as (setting key, value) pairs, in the document's order.

    A dotted setting (``weights.overall``) is taken out of its parent table; the
    rest of that table goes to the parent setting (if anything is left). Unknown
    top-level keys raise ``SettingsError``.
    """
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        if key not in BY_KEY:
            raise v.SettingsError(key, "unknown setting")
        if isinstance(value, Mapping):
            rest = dict(value)
            for sub in list(rest):
                if f"{key}.{sub}" in BY_KEY:
                    out.append((f"{key}.{sub}", rest.pop(sub)))
            if rest or not value:
                out.append((key, rest))
        else:
            out.append((key, value))
    return out
