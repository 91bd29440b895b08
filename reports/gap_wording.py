"""The sentence that names the data gaps (queries.engine.gaps), one wording for the
dashboard's notice and the briefing."""

from __future__ import annotations

from collections.abc import Sequence

from queries.engine.gaps import Gap
from queries.model.catalogue import indicator
from queries.vocabulary.fields import field_label
from queries.vocabulary.text import Text

GAP_TEXTS: dict[str, Text] = {
    "body": Text(
        "数据缺口：{items}。以下指标因此按不存在的记录计算（多为 0 或无值），反映的是"
        "没有报送的数据，不是工作实绩：{indicators}。",
        "Data gaps: {items}. These indicators are therefore computed on records that are "
        "not there (mostly 0 or no value): they show what was not exported, not the work "
        "done: {indicators}.",
    ),
    "kind": Text("数据库中没有{kind}记录", "the database holds no {kind} records"),
    "field": Text("所有{kind}记录都没有填写“{field}”", "no {kind} record has “{field}” filled in"),
    "disclosures": Text("公开信息", "disclosure"),
    "feedback": Text("投诉建议", "feedback"),
    "supervision": Text("监督事项", "supervision"),
}


def gap_sentence(gaps: Sequence[Gap], lang: str) -> str:
    """One sentence naming every gap and the indicators resting on them; "" for none.

    >>> gap_sentence([Gap("feedback", "return_visit_at", ("S_RETURN_VISIT",))], "en")[:58]
    'Data gaps: no feedback record has “Return visit” filled in'
    """
    if not gaps:
        return ""
    zh = lang == "zh"
    items = []
    for g in gaps:
        kind = GAP_TEXTS[g.kind].of(lang)
        if g.field is None:
            items.append(GAP_TEXTS["kind"].of(lang, kind=kind))
        else:
            items.append(GAP_TEXTS["field"].of(lang, kind=kind, field=field_label(g.field, lang)))
    codes = dict.fromkeys(c for g in gaps for c in g.codes)
    names = ("、" if zh else ", ").join(indicator(c).name(lang) for c in codes)
    return GAP_TEXTS["body"].of(lang, items=("；" if zh else "; ").join(items), indicators=names)
