"""Every record enum of ``docs/spec/records.md`` in both languages.

The codes and labels are declared on the record fields in
:mod:`queries.model.records` (``choices`` in Chinese, ``choices_en`` in
English); this module pairs them, one group per enum field.
"""

from __future__ import annotations

from queries.model.records import DISCLOSURES, FEEDBACK, SUPERVISION, UNITS, Field
from queries.vocabulary.formats import NA
from queries.vocabulary.text import Text

# group -> the record field that declares it (record kinds reuse field names:
# a unit's kind and a feedback kind, a disclosure channel and a feedback channel)
ENUM_FIELDS: dict[str, Field] = {
    "level": UNITS.field("level"),
    "kind": UNITS.field("kind"),
    "category": DISCLOSURES.field("category"),
    "domain": DISCLOSURES.field("domain"),
    "disclosure_channel": DISCLOSURES.field("channel"),
    "feedback_kind": FEEDBACK.field("kind"),
    "feedback_channel": FEEDBACK.field("channel"),
    "outcome": FEEDBACK.field("outcome"),
    "satisfaction": FEEDBACK.field("satisfaction"),
    "source": SUPERVISION.field("source"),
    "severity": SUPERVISION.field("severity"),
}

# group -> code -> label; a missing English label is "" (the vocabulary test names it)
ENUMS: dict[str, dict[str, Text]] = {
    group: {code: Text(zh, f.choices_en.get(code, "")) for code, zh in f.choices.items()}
    for group, f in ENUM_FIELDS.items()
}


def enum_label(group: str, code: str | None, lang: str) -> str:
    """The label of one code of an enum group; ``—`` for None, the code itself if unknown.

    Raises KeyError for an unknown group.
    """
    if code is None:
        return NA
    labels = ENUMS[group]
    return labels[code].of(lang) if code in labels else code


def enum_labels(group: str, lang: str) -> dict[str, str]:
    """code -> label of a whole enum group, in records.md order."""
    return {code: text.of(lang) for code, text in ENUMS[group].items()}
