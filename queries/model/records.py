"""The four record kinds of ``docs/spec/records.md``, declared once.

The importer, the database schema, the seed generator and the dashboard's
record tables all read these declarations; nothing else lists the columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FieldType(StrEnum):
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"
    ENUM = "enum"


@dataclass(frozen=True)
class Field:
    """One column of a record file."""

    name: str
    type: FieldType
    required: bool = False
    # code -> Chinese label, for enums (the label is accepted on import too)
    choices: dict[str, str] = field(default_factory=dict)
    meaning: str = ""
    # personal or free text: shown in the internal dashboard only, never published
    free_text: bool = False
    # code -> English label, for enums (shown only; the vocabulary pairs the two)
    choices_en: dict[str, str] = field(default_factory=dict)
    # an id (a key, or one naming a record): invisible characters removed, and a
    # value Excel destroyed (scientific notation, digits past 15) rejected
    is_id: bool = False


@dataclass(frozen=True)
class RecordKind:
    """A record file: its name, its key (the first column) and its columns."""

    name: str
    fields: tuple[Field, ...]
    # the column that anchors a record in a period (None for units)
    anchor: str | None = None
    # the Chinese name (a workbook's sheet named so, or by ``name``, is read for this kind)
    name_zh: str = ""

    @property
    def key(self) -> str:
        return self.fields[0].name

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def id_columns(self) -> tuple[str, ...]:
        """The key and every column naming a record (records.md, "keys and ids")."""
        return tuple(f.name for i, f in enumerate(self.fields) if i == 0 or f.is_id)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


UNIT_LEVELS = {
    "bureau": "市局",
    "branch": "分局",
    "department": "支队/大队",
    "station": "派出所",
}
UNIT_LEVELS_EN = {
    "bureau": "Bureau",
    "branch": "Branch",
    "department": "Department",
    "station": "Station",
}
# the order levels are shown in (top of the hierarchy first)
LEVEL_ORDER = ("bureau", "branch", "department", "station")

UNIT_KINDS = {
    "comprehensive": "综合",
    "window": "窗口服务",
    "case_handling": "执法办案",
    "management": "管理",
}
UNIT_KINDS_EN = {
    "comprehensive": "Comprehensive",
    "window": "Window service",
    "case_handling": "Case handling",
    "management": "Management",
}

DISCLOSURE_CATEGORIES = {
    "powers_duties": "职责权限",
    "normative_documents": "规范性文件",
    "procedures": "办事程序",
    "obligations": "群众义务",
    "rights_remedies": "权利救济",
    "convenience_measures": "便民措施",
    "complaint_channels": "监督渠道",
    "units_contacts": "机构联系",
    "major_decisions": "重大决策",
    "case_progress": "执法过程",
    "enforcement_results": "执法结果",
    "statistics": "警情数据",
    "traffic_notices": "交通管理",
}
DISCLOSURE_CATEGORIES_EN = {
    "powers_duties": "Powers and duties",
    "normative_documents": "Normative documents",
    "procedures": "Procedures",
    "obligations": "Public obligations",
    "rights_remedies": "Rights and remedies",
    "convenience_measures": "Convenience measures",
    "complaint_channels": "Complaint channels",
    "units_contacts": "Units and contacts",
    "major_decisions": "Major decisions",
    "case_progress": "Case progress",
    "enforcement_results": "Enforcement results",
    "statistics": "Statistics",
    "traffic_notices": "Traffic notices",
}

DISCLOSURE_DOMAINS = {"administrative": "行政", "criminal": "刑事", "service": "服务"}
DISCLOSURE_DOMAINS_EN = {
    "administrative": "Administrative",
    "criminal": "Criminal",
    "service": "Service",
}

DISCLOSURE_CHANNELS = {
    "website": "门户网站",
    "new_media": "政务新媒体",
    "bulletin_board": "公开栏",
    "service_window": "窗口/触摸屏",
    "press": "新闻发布",
    "broadcast": "广播电视",
    "print": "报刊/手册",
    "meeting": "会议/通报",
}
DISCLOSURE_CHANNELS_EN = {
    "website": "Website",
    "new_media": "New media",
    "bulletin_board": "Bulletin board",
    "service_window": "Service window",
    "press": "Press conference",
    "broadcast": "Broadcast",
    "print": "Print",
    "meeting": "Meeting",
}

FEEDBACK_KINDS = {
    "complaint": "投诉",
    "report": "举报",
    "suggestion": "建议",
    "opinion": "意见",
    "enquiry": "咨询",
}
FEEDBACK_KINDS_EN = {
    "complaint": "Complaint",
    "report": "Report",
    "suggestion": "Suggestion",
    "opinion": "Opinion",
    "enquiry": "Enquiry",
}

FEEDBACK_CHANNELS = {
    "hotline": "热线",
    "mailbox": "信箱",
    "online": "网上",
    "in_person": "来访",
    "letter": "来信",
    "deputy": "人大代表/政协委员",
    "supervisor": "特邀监督员",
    "media": "媒体",
}
FEEDBACK_CHANNELS_EN = {
    "hotline": "Hotline",
    "mailbox": "Mailbox",
    "online": "Online",
    "in_person": "In person",
    "letter": "Letter",
    "deputy": "NPC deputy / CPPCC member",
    "supervisor": "Police supervisor",
    "media": "Media",
}

OUTCOMES = {
    "upheld": "属实",
    "partly_upheld": "部分属实",
    "not_upheld": "不属实",
    "adopted": "采纳",
    "partly_adopted": "部分采纳",
    "not_adopted": "未采纳",
    "answered": "已答复",
    "withdrawn": "撤回",
}
OUTCOMES_EN = {
    "upheld": "Upheld",
    "partly_upheld": "Partly upheld",
    "not_upheld": "Not upheld",
    "adopted": "Adopted",
    "partly_adopted": "Partly adopted",
    "not_adopted": "Not adopted",
    "answered": "Answered",
    "withdrawn": "Withdrawn",
}

SATISFACTION = {
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "dissatisfied": "不满意",
}
SATISFACTION_EN = {
    "satisfied": "Satisfied",
    "basically_satisfied": "Basically satisfied",
    "dissatisfied": "Dissatisfied",
}

INTERNAL_SOURCES = {
    "higher_authority": "上级检查",
    "inspectorate": "督察",
    "discipline": "纪检监察",
    "legal_affairs": "法制",
    "audit": "审计",
}
EXTERNAL_SOURCES = {
    "police_supervisor": "特邀监督员",
    "npc_deputy": "人大代表",
    "cppcc_member": "政协委员",
    "procuratorate": "检察院",
    "media": "媒体",
    "public_appraisal": "民主评议",
}
SUPERVISION_SOURCES = {**INTERNAL_SOURCES, **EXTERNAL_SOURCES}
SUPERVISION_SOURCES_EN = {
    "higher_authority": "Higher authority",
    "inspectorate": "Inspectorate",
    "discipline": "Discipline inspection",
    "legal_affairs": "Legal affairs",
    "audit": "Audit",
    "police_supervisor": "Police supervisor",
    "npc_deputy": "NPC deputy",
    "cppcc_member": "CPPCC member",
    "procuratorate": "Procuratorate",
    "media": "Media",
    "public_appraisal": "Public appraisal",
}

SEVERITIES = {"minor": "一般", "moderate": "较重", "serious": "严重"}
SEVERITIES_EN = {"minor": "Minor", "moderate": "Moderate", "serious": "Serious"}

T, D, DT, B, E = (
    FieldType.TEXT,
    FieldType.DATE,
    FieldType.DATETIME,
    FieldType.BOOL,
    FieldType.ENUM,
)

UNITS = RecordKind(
    "units",
    (
        Field("unit_id", T, True, meaning="stable id", is_id=True),
        Field("name", T, True, meaning="display name"),
        Field("name_en", T, meaning="English display name"),
        Field("parent_id", T, meaning="the unit above; empty for a root", is_id=True),
        Field("level", E, True, UNIT_LEVELS, choices_en=UNIT_LEVELS_EN),
        Field("kind", E, True, UNIT_KINDS, choices_en=UNIT_KINDS_EN),
    ),
    name_zh="单位",
)

DISCLOSURES = RecordKind(
    "disclosures",
    (
        Field("disclosure_id", T, True, is_id=True),
        Field("unit_id", T, True, is_id=True),
        Field("title", T, free_text=True),
        Field("category", E, True, DISCLOSURE_CATEGORIES, choices_en=DISCLOSURE_CATEGORIES_EN),
        Field("domain", E, False, DISCLOSURE_DOMAINS, choices_en=DISCLOSURE_DOMAINS_EN),
        Field("channel", E, True, DISCLOSURE_CHANNELS, choices_en=DISCLOSURE_CHANNELS_EN),
        Field("formed_on", D),
        Field("published_on", D, True),
        Field("updated_on", D),
        Field("withdrawn_on", D),
    ),
    anchor="published_on",
    name_zh="公开",
)

FEEDBACK = RecordKind(
    "feedback",
    (
        Field("case_id", T, True, is_id=True),
        Field("unit_id", T, True, is_id=True),
        Field("kind", E, True, FEEDBACK_KINDS, choices_en=FEEDBACK_KINDS_EN),
        Field("channel", E, True, FEEDBACK_CHANNELS, choices_en=FEEDBACK_CHANNELS_EN),
        Field("received_at", DT, True),
        Field("due_at", DT),
        Field("first_response_at", DT),
        Field("closed_at", DT),
        Field("outcome", E, False, OUTCOMES, choices_en=OUTCOMES_EN),
        Field("reasoned_reply", B),
        Field("return_visit_at", DT),
        Field("resolved", B),
        Field("satisfaction", E, False, SATISFACTION, choices_en=SATISFACTION_EN),
        Field("repeat_of", T, is_id=True),
    ),
    anchor="received_at",
    name_zh="投诉建议",
)

SUPERVISION = RecordKind(
    "supervision",
    (
        Field("item_id", T, True, is_id=True),
        Field("unit_id", T, True, is_id=True),
        Field("source", E, True, SUPERVISION_SOURCES, choices_en=SUPERVISION_SOURCES_EN),
        Field("opened_on", D, True),
        Field("severity", E, False, SEVERITIES, choices_en=SEVERITIES_EN),
        Field("finding", T, free_text=True),
        Field("rectify_due_on", D),
        Field("rectified_on", D),
        Field("result_published_on", D),
    ),
    anchor="opened_on",
    name_zh="监督",
)

KINDS: dict[str, RecordKind] = {k.name: k for k in (UNITS, DISCLOSURES, FEEDBACK, SUPERVISION)}
# import order: units first, so that the other files can be checked against them
IMPORT_ORDER = ("units", "disclosures", "feedback", "supervision")
