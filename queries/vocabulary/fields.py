"""Record fields (records.md) as column headers, and the drill-down's own columns."""

from __future__ import annotations

from queries.vocabulary.text import Text

FIELD_LABELS: dict[str, Text] = {
    "unit_id": Text("单位编号", "Unit ID"),
    "unit": Text("单位", "Unit"),
    "disclosure_id": Text("信息编号", "Disclosure ID"),
    "title": Text("标题", "Title"),
    "category": Text("公开类别", "Category"),
    "domain": Text("领域", "Domain"),
    "channel": Text("渠道", "Channel"),
    "formed_on": Text("形成日期", "Formed on"),
    "published_on": Text("公开日期", "Published on"),
    "updated_on": Text("更新日期", "Updated on"),
    "withdrawn_on": Text("撤下日期", "Withdrawn on"),
    "workdays": Text("工作日数", "Working days"),
    "case_id": Text("案件编号", "Case ID"),
    "kind": Text("类型", "Kind"),
    "received_at": Text("收到时间", "Received"),
    "due_at": Text("办理期限", "Due"),
    "due": Text("办理期限", "Due"),
    "response_limit": Text("响应时限", "Response limit"),
    "first_response_at": Text("首次响应时间", "First response"),
    "closed_at": Text("办结时间", "Closed"),
    "close_days": Text("办结用时（天）", "Days to close"),
    "outcome": Text("办理结果", "Outcome"),
    "reasoned_reply": Text("说理答复", "Reasoned reply"),
    "return_visit_at": Text("回访时间", "Return visit"),
    "resolved": Text("是否解决", "Resolved"),
    "satisfaction": Text("满意度", "Satisfaction"),
    "repeat_of": Text("重复于", "Repeat of"),
    "item_id": Text("事项编号", "Item ID"),
    "source": Text("监督来源", "Source"),
    "opened_on": Text("立项日期", "Opened on"),
    "severity": Text("严重程度", "Severity"),
    "finding": Text("发现问题", "Finding"),
    "rectify_due_on": Text("整改期限", "Rectify by"),
    "rectified_on": Text("整改完成", "Rectified on"),
    "result_published_on": Text("结果公开日期", "Result published"),
    "covered_by": Text("覆盖该类别的信息", "Covered by"),
    "status": Text("状态", "Status"),
    "numerator": Text("计入分子", "In numerator"),
    "denominator": Text("计入分母", "In denominator"),
    "age_days": Text("已用天数", "Age (days)"),
    "overdue": Text("是否超期", "Overdue"),
    "overdue_days": Text("超期天数", "Days overdue"),
    "internal": Text("内部/外部", "Internal/external"),
}


def field_label(name: str, lang: str) -> str:
    """A column header for a record field; the name itself when not declared."""
    text = FIELD_LABELS.get(name)
    return text.of(lang) if text else name
