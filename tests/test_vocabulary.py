"""The vocabulary: every term in both languages, and one spelling per term across the product.

The source checks read the string literals (``ast``, so comments do not count)
of every module the product runs: the dashboard, the briefing and the public
bundle, the command line, the queries. A term restated outside
``queries/vocabulary``, or spelled the way the vocabulary avoids, fails here
with its file and line.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from dashboard.i18n import STRINGS
from queries.model import catalogue
from queries.model.records import KINDS, FieldType
from queries.vocabulary import formats
from queries.vocabulary.enums import ENUM_FIELDS, ENUMS, enum_label, enum_labels
from queries.vocabulary.fields import FIELD_LABELS, field_label
from queries.vocabulary.terms import AVOID, TERMS, UNITS, dimension_score, term
from queries.vocabulary.text import Text

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dashboard", "reports", "openness", "queries", "seed_data")
VOCABULARY = ROOT / "queries" / "vocabulary"
PLACEHOLDER = re.compile(r"{(\w+)}")


def _sources() -> list[Path]:
    return sorted(
        p
        for pkg in PACKAGES
        for p in (ROOT / pkg).rglob("*.py")
        if VOCABULARY not in p.parents and "migrations" not in p.parts
    )


def _literals(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant, f-string parts included, docstrings not."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.lineno, node.value


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


# ---- every term in both languages ------------------------------------------------


def _all_texts() -> Iterator[tuple[str, Text]]:
    for key, text in TERMS.items():
        yield f"TERMS[{key}]", text
    for key, text in FIELD_LABELS.items():
        yield f"FIELD_LABELS[{key}]", text
    for group, labels in ENUMS.items():
        for code, text in labels.items():
            yield f"ENUMS[{group}][{code}]", text
    for key, text in STRINGS.items():
        if key != "status.ranked":  # deliberately empty: nothing to say for a ranked unit
            yield f"dashboard STRINGS[{key}]", text


@pytest.mark.parametrize(("where", "text"), list(_all_texts()), ids=lambda x: str(x)[:60])
def test_every_text_has_both_languages_with_the_same_placeholders(where: str, text: Text) -> None:
    assert isinstance(text, Text), where
    assert text.zh.strip() and text.en.strip(), f"{where} lacks a language: {text}"
    assert set(PLACEHOLDER.findall(text.zh)) == set(PLACEHOLDER.findall(text.en)), where


def test_units_lack_english_only_where_english_writes_no_unit() -> None:
    # "75.5分" / "75.5" and "12件" / "12": English writes the bare number
    assert {k for k, u in UNITS.items() if not u.en} == {"score", "count"}
    assert all(u.zh for u in UNITS.values())


def test_every_record_enum_has_a_group_and_both_languages() -> None:
    declared = {(kind.name, f.name) for kind in KINDS.values() for f in kind.fields}
    enum_fields = {
        (kind.name, f.name)
        for kind in KINDS.values()
        for f in kind.fields
        if f.type == FieldType.ENUM
    }
    grouped = {(k, f.name) for f in ENUM_FIELDS.values() for k in KINDS if f in KINDS[k].fields}
    assert enum_fields == grouped
    assert grouped <= declared
    for group, f in ENUM_FIELDS.items():
        assert set(f.choices_en) == set(f.choices), f"{group}: English for {set(f.choices)}"
        assert set(ENUMS[group]) == set(f.choices)


def test_the_three_enum_groups_once_patched_in_the_dashboard_have_english() -> None:
    assert enum_label("outcome", "partly_upheld", "en") == "Partly upheld"
    assert enum_label("outcome", "partly_upheld", "zh") == "部分属实"
    assert enum_label("severity", "serious", "en") == "Serious"
    assert enum_label("domain", "criminal", "en") == "Criminal"
    assert enum_label("domain", None, "en") == "—"
    assert enum_label("domain", "unknown_code", "en") == "unknown_code"
    assert list(enum_labels("level", "zh").values()) == ["市局", "分局", "支队/大队", "派出所"]


def test_terms_and_field_labels() -> None:
    assert term("insufficient", "zh") == "数据不足"
    assert term("insufficient", "en") == "insufficient data"
    assert term("overall", "zh") == "总分"
    assert dimension_score("openness") == Text("公开得分", "Openness score")
    assert TERMS["previous"].capitalized() == Text("上期", "Previous period")
    assert field_label("closed_at", "en") == "Closed"
    assert field_label("no_such_field", "zh") == "no_such_field"


def test_formats_one_spelling_each() -> None:
    assert formats.pct(0.8567) == "85.7%"  # 85.67 -> 85.7
    assert formats.pct(None) == "—"
    assert formats.pct(float("nan")) == "—"
    assert formats.score(75.46) == "75.5"
    assert formats.score_points(75.46, "zh") == "75.5分"
    assert formats.score_points(75.46, "en") == "75.5"
    assert formats.days(3.25, "zh") == "3.2 天"  # 3.25 is 3.2499... in binary
    assert formats.days(3.0, "en") == "3.0 days"
    assert formats.days(30, "zh", decimals=0) == "30 天"
    assert formats.integer(12345) == "12,345"
    assert formats.count(12, "zh") == "12件"
    assert formats.count(12, "en") == "12"
    assert formats.signed(-0.04) == "0.0"
    assert formats.signed(2.35, suffix="%") == "+2.4%"  # 2.35000000000000008882 rounds up
    assert formats.date_text(date(2026, 3, 2), "zh") == "2026年3月2日"
    assert formats.date_text(datetime(2026, 3, 2, 14, 5), "en") == "2026-03-02 14:05"
    assert formats.month_text("2026-03", "zh") == "2026年3月"
    assert formats.rank_change(0, "en") == "same"
    assert formats.rank_change(-2, "en") == "▼2"


# ---- one spelling per term across the source --------------------------------------


def test_no_module_spells_a_term_the_way_the_vocabulary_avoids() -> None:
    found = [
        f"{_where(path, line)}: {bad!r} (the term is {TERMS[key]})"
        for path in _sources()
        for line, text in _literals(path)
        for key, spellings in AVOID.items()
        for bad in spellings
        if bad in text
    ]
    assert found == []


# a term restated whole: Chinese of two characters or more, English phrases (a
# single English word, "Unit", "median", is also a page name or a column key)
RESTATED = {
    s: key
    for key, text in TERMS.items()
    for s in text
    if "{" not in s and (len(s) >= 2 if s == text.zh else " " in s)
}


# where records, indicators and settings are declared: their own names, not restated terms
DECLARATIONS = {"records.py", "catalogue.py", "settings/declarations.py", "settings.py"}


def test_no_module_restates_a_term_as_a_literal_of_its_own() -> None:
    found = [
        f"{_where(path, line)}: {text!r} is TERMS[{RESTATED[text]!r}]"
        for path in _sources()
        if not (path.parent.name == "model" and path.name in DECLARATIONS)
        for line, text in _literals(path)
        if text in RESTATED
    ]
    assert found == []


def _unit_after_number(node: ast.JoinedStr) -> Iterator[str]:
    """The text right after a formatted number in an f-string, when it starts with a day unit."""
    for before, after in zip(node.values, node.values[1:], strict=False):
        if (
            isinstance(before, ast.FormattedValue)
            and isinstance(after, ast.Constant)
            and isinstance(after.value, str)
            and re.match(r"(天|\s*days?\b|\s*d\b)", after.value)
        ):
            yield after.value


def test_days_are_written_by_the_one_formatter() -> None:
    found = [
        f"{_where(path, node.lineno)}: {{…}}{unit!r} (use queries.vocabulary.formats.days)"
        for path in _sources()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.JoinedStr)
        for unit in _unit_after_number(node)
    ]
    assert found == []


def test_the_checks_can_fail() -> None:
    """The scanners find what they look for (on a snippet, not the tree)."""
    snippet = ast.parse('x = f"{v:.1f}天"\ny = "数据不足"\nz = f"{n} days left"\n')
    joined = [n for n in ast.walk(snippet) if isinstance(n, ast.JoinedStr)]
    assert [u for n in joined for u in _unit_after_number(n)] == ["天", " days left"]
    texts = [n.value for n in ast.walk(snippet) if isinstance(n, ast.Constant)]
    assert "数据不足" in texts and "数据不足" in RESTATED


# ---- the rendered outputs say the same words ----------------------------------------


def test_dashboard_briefing_and_public_bundle_print_one_word_per_term() -> None:
    from dashboard.i18n import fmt_days, t
    from reports import wording
    from reports.public.disclosure_control import INSUFFICIENT, OK, Published
    from reports.public.html import _score_label, figure_text

    close_days = catalogue.indicator("R_CLOSE_DAYS")
    rate = catalogue.indicator("R_ONTIME")
    for lang in ("zh", "en"):
        # the overall score's name: dashboard column, briefing, public page
        overall = {
            t("col.overall", lang),
            wording.t("overall", lang),
            _score_label("overall", lang),
        }
        assert overall == {TERMS["overall"].of(lang)}
        # a figure with too small a sample
        thin = Published("R_ONTIME", None, "<5", INSUFFICIENT)
        insufficient = {
            t("insufficient", lang),
            wording.t("insufficient", lang),
            figure_text(rate, thin, lang),
        }
        assert insufficient == {TERMS["insufficient"].of(lang)}
        # a median of days: 3.25 days is written "3.2 天" / "3.2 days" by all three
        shown = Published("R_CLOSE_DAYS", 3.25, 20, OK)
        days = {
            fmt_days(3.25, lang),
            wording.indicator_value(close_days, 3.25, lang),
            figure_text(close_days, shown, lang),
        }
        assert days == {"3.2 天" if lang == "zh" else "3.2 days"}


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    """The briefing (both languages) and the public bundle's pages, from generated records."""
    from queries.model.periods import Period
    from queries.model.settings import DEFAULT_SETTINGS
    from queries.store.schemas import make_frames
    from reports.briefing.html import briefing_html
    from reports.briefing.model import build_briefing
    from reports.public.bundle import bundle_files
    from reports.public.summary import public_summary
    from seed_data.generator import generate

    frames = make_frames(**generate("tiny", 7, date(2026, 4, 10)))
    period, as_of = Period.parse("2026-Q1"), datetime(2026, 4, 10)
    out = {
        f"briefing.{lang}.html": briefing_html(
            build_briefing(frames, period, as_of, DEFAULT_SETTINGS, lang=lang)
        )
        for lang in ("zh", "en")
    }
    files = bundle_files(public_summary(frames, period, as_of, DEFAULT_SETTINGS))
    for name in ("index.html", "methodology.html", "summary.json", "summary.csv"):
        out[name] = files[name].decode("utf-8-sig")
    return out


def test_rendered_outputs_use_no_avoided_spelling(rendered: dict[str, str]) -> None:
    found = [
        f"{name}: {bad!r}"
        for name, text in rendered.items()
        for spellings in AVOID.values()
        for bad in spellings
        if bad in text
    ]
    assert found == []
    # and they do say the vocabulary's words
    assert TERMS["overall"].zh in rendered["briefing.zh.html"]
    assert TERMS["overall"].zh in rendered["index.html"]
    assert TERMS["overall"].en in rendered["briefing.en.html"]
    assert TERMS["insufficient"].zh in rendered["methodology.html"]
    rules = json.loads(rendered["summary.json"])["rules"]
    assert rules["insufficient"] == {"zh": "数据不足", "en": "insufficient data"}


def test_a_label_and_its_value_take_the_language_s_colon() -> None:
    assert formats.labelled("层级", "市局", "zh") == "层级：市局"
    assert formats.labelled("Level", "Bureau", "en") == "Level: Bureau"
