"""Data gaps (queries/engine/gaps.py): record kinds with no record and optional fields
no record has filled in, with the indicators resting on them."""

from __future__ import annotations

from datetime import date

import polars as pl

from queries.engine.gaps import Gap, data_gaps
from queries.model.catalogue import INDICATORS
from queries.store.schemas import Frames, conform
from seed_data.generator import generate


def _tiny() -> Frames:
    f = {k: conform(k, v) for k, v in generate("tiny", 7, date(2026, 6, 30)).items()}
    return Frames(f["units"], f["disclosures"], f["feedback"], f["supervision"])


def _with(f: Frames, **records: pl.DataFrame) -> Frames:
    """``f`` with some record frames replaced."""
    parts = {n: records.get(n, f[n]) for n in ("units", "disclosures", "feedback", "supervision")}
    return Frames.of(parts)


def test_a_complete_export_has_no_gap() -> None:
    assert data_gaps(_tiny()) == []


def test_an_empty_database_has_no_gap_to_name() -> None:
    f = _tiny()
    empty = Frames(
        f.units.clear(), f.disclosures.clear(), f.feedback.clear(), f.supervision.clear()
    )
    assert data_gaps(empty) == []


def test_a_missing_kind_and_an_empty_column_are_named_with_their_indicators() -> None:
    f = _tiny()
    # no disclosures exported; a hotline sheet without first response or return visits
    fb = f.feedback.with_columns(
        pl.lit(None, dtype=f.feedback["first_response_at"].dtype).alias("first_response_at"),
        pl.lit(None, dtype=f.feedback["return_visit_at"].dtype).alias("return_visit_at"),
    )
    gaps = data_gaps(Frames(f.units, f.disclosures.clear(), fb, f.supervision))
    openness_on_disclosures = tuple(i.code for i in INDICATORS if i.record_kind == "disclosures")
    assert gaps == [
        Gap("disclosures", None, openness_on_disclosures),
        Gap("feedback", "first_response_at", ("R_RESPONSE",)),
        Gap("feedback", "return_visit_at", ("S_RETURN_VISIT",)),
    ]
    assert openness_on_disclosures == ("O_COVERAGE", "O_TIMELY", "O_DEPTH", "O_CHANNELS")


def test_one_filled_cell_is_enough() -> None:
    f = _tiny()
    col = f.feedback["first_response_at"]
    one = pl.Series("first_response_at", [col[0]] + [None] * (col.len() - 1), dtype=col.dtype)
    fb = f.feedback.with_columns(one)
    assert data_gaps(_with(_tiny(), feedback=fb)) == []


def test_the_briefing_opens_with_the_gaps_in_both_languages() -> None:
    from datetime import datetime

    from queries.model.periods import Period
    from queries.model.settings import DEFAULT_SETTINGS
    from reports.blocks import Paragraph
    from reports.briefing.layout import briefing_document
    from reports.briefing.model import build_briefing

    f = _tiny()
    no_disclosures = _with(f, disclosures=f.disclosures.clear())
    for lang, start in (
        ("zh", "数据缺口：数据库中没有公开信息记录。"),
        ("en", "Data gaps: the database"),
    ):
        b = build_briefing(
            no_disclosures,
            Period.parse("2026-Q2"),
            datetime(2026, 6, 30, 23, 59),
            DEFAULT_SETTINGS,
            lang=lang,
        )
        first = briefing_document(b).blocks[0]
        assert isinstance(first, Paragraph) and first.text.startswith(start), first
    # a complete export: the briefing starts with its first part, as before
    b = build_briefing(f, Period.parse("2026-Q2"), datetime(2026, 6, 30, 23, 59), DEFAULT_SETTINGS)
    assert not isinstance(briefing_document(b).blocks[0], Paragraph)


def test_no_repeat_marked_anywhere_is_a_gap_not_the_best_rate() -> None:
    """The real Detroit and New Orleans exports have no repeat_of column: 0.0% repeat
    feedback (lower is better) would read as the best rate there is."""
    f = _tiny()
    assert f.feedback["repeat_of"].is_not_null().any()
    fb = f.feedback.with_columns(pl.lit(None, dtype=pl.String).alias("repeat_of"))
    assert data_gaps(_with(f, feedback=fb)) == [Gap("feedback", "repeat_of", ("S_REPEAT",))]
