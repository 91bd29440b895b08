"""Shared terms and units: one word per term, in both languages.

A term here is a word more than one part of the product prints (the
dashboard, the briefing, the public bundle, the command line). Each is
declared once; ``AVOID`` lists the other spellings once found for the same
term, which ``tests/test_vocabulary.py`` forbids anywhere in the source.
Indicator and dimension names live in :mod:`queries.model.catalogue`.
"""

from __future__ import annotations

from queries.model.catalogue import dimension
from queries.vocabulary.text import Text

TERMS: dict[str, Text] = {
    # states of a figure or a unit (methodology.md "Confidence and small samples", "Scores")
    "insufficient": Text("数据不足", "insufficient data"),
    "no_data": Text("无数据", "no data"),
    "incomplete": Text("数据不完整", "incomplete"),
    "not_ranked": Text("未排名", "not ranked"),
    "not_scored": Text("仅展示，不计分", "shown, not scored"),
    # scores
    "overall": Text("总分", "Overall score"),
    "dimension_score": Text("{dimension}得分", "{dimension} score"),
    "rank": Text("排名", "Rank"),
    "rank_same": Text("持平", "same"),
    "median": Text("中位数", "median"),
    "peers_median": Text("同级中位数", "peers' median"),
    # periods compared
    "this_period": Text("本期", "this period"),
    "previous": Text("上期", "previous period"),
    "last_year": Text("去年同期", "same period last year"),
    # column words
    "unit": Text("单位", "Unit"),
    "level": Text("层级", "Level"),
    "indicator": Text("指标", "Indicator"),
    "dimension": Text("维度", "Dimension"),
    "sample_size": Text("样本量", "n"),
    "weight": Text("权重", "Weight"),
    "explain": Text("含义", "What it measures"),
    "formula": Text("计算方法", "How it is computed"),
    "methodology": Text("计算方法", "Methodology"),
    "total": Text("合计", "Total"),
}

# units written after a number (the formatters in formats.py add them)
UNITS: dict[str, Text] = {
    "days": Text("天", "days"),
    "score": Text("分", ""),
    "count": Text("件", ""),
    "points": Text("个百分点", " points"),
}

# term -> other spellings of it, forbidden in source text outside the vocabulary
AVOID: dict[str, tuple[str, ...]] = {
    "insufficient": ("样本不足", "insufficient sample"),
    "overall": ("综合得分", "综合分"),
    "peers_median": ("level median", "Peers' median"),
    "explain": ("What it means",),
}


def term(key: str, lang: str, /, **kwargs: object) -> str:
    """The shared term ``key`` in ``lang``, formatted with ``kwargs`` (KeyError if unknown)."""
    return TERMS[key].of(lang, **kwargs)


def dimension_score(code: str) -> Text:
    """``公开得分`` / ``Openness score``: a dimension's score, named from the catalogue."""
    d = dimension(code)
    return Text(
        TERMS["dimension_score"].zh.format(dimension=d.name_zh),
        TERMS["dimension_score"].en.format(dimension=d.name_en),
    )
