"""Drill-down: the records behind a rate, with the statuses the table counts."""

from __future__ import annotations

import polars as pl
import pytest
from indicator_world import dis, fb, world

from queries.engine.drilldown import COLUMNS, records_behind
from queries.engine.indicators import UnknownUnitError, compute_table
from queries.engine.statuses import STATUS_LABELS, STATUS_RULES
from queries.model.catalogue import INDICATOR_CODES

AS_OF = "2026-04-10 12:00"


def _frames():  # type: ignore[no-untyped-def]
    return world(
        feedback=[
            fb("B1-S1", "2026-04-01 08:00", case_id="a", first_response_at="2026-04-01 09:00"),
            fb("B1-S2", "2026-04-01 08:00", case_id="b", first_response_at="2026-04-03 09:00"),
            fb("B1-S2", "2026-04-10 08:00", case_id="c"),
            fb("B2", "2026-04-01 08:00", case_id="d"),
        ],
        disclosures=[dis("B1-S1", "procedures", "2026-04-02", disclosure_id="x")],
    )


def test_rows_statuses_and_labels() -> None:
    df = records_behind(_frames(), "R_RESPONSE", "B1", "2026-Q2", AS_OF)
    assert df.columns == [
        *COLUMNS["R_RESPONSE"],
        "status",
        "status_zh",
        "status_en",
        "numerator",
        "denominator",
    ]
    # B1's subtree: a (on time), b (late), c (limit 04-11 08:00 >= as-of: pending); not d (B2)
    assert df.select("case_id", "status", "status_zh", "numerator", "denominator").rows() == [
        ("a", "on_time", "按时", 1.0, 1),
        ("b", "late", "逾期", 0.0, 1),
        ("c", "pending", "未到期", 0.0, 0),
    ]
    only = records_behind(_frames(), "R_RESPONSE", "B1", "2026-Q2", AS_OF, include_excluded=False)
    assert only["case_id"].to_list() == ["a", "b"]


def test_every_code_adds_up_to_the_table() -> None:
    f = _frames()
    table = compute_table(f, "2026-Q2", AS_OF).table.filter(pl.col("unit_id") == "B").to_dicts()[0]
    for code in INDICATOR_CODES:
        df = records_behind(f, code, "B", "2026-Q2", AS_OF)
        assert df.columns[: len(COLUMNS[code])] == COLUMNS[code]
        assert df["denominator"].sum() == table[f"{code}_n"], code
        assert df["status_en"].null_count() == 0


def test_coverage_lists_the_catalogue() -> None:
    df = records_behind(_frames(), "O_COVERAGE", "B1-S1", "2026-Q2", AS_OF)
    # window catalogue: 7 categories, procedures covered by x
    assert df.height == 7
    row = df.filter(pl.col("category") == "procedures").to_dicts()[0]
    assert (row["status"], row["covered_by"], row["numerator"]) == ("covered", "x", 1.0)
    assert df["numerator"].sum() == 1.0


def test_unknown_code_and_unit() -> None:
    with pytest.raises(KeyError, match="R_NOPE"):
        records_behind(_frames(), "R_NOPE", "B", "2026-Q2", AS_OF)
    with pytest.raises(UnknownUnitError):
        records_behind(_frames(), "R_RESPONSE", "Z", "2026-Q2", AS_OF)


def test_every_status_has_rules_and_labels() -> None:
    assert sorted(STATUS_RULES) == sorted(INDICATOR_CODES)
    for code, rules in STATUS_RULES.items():
        for status, (num, den) in rules.items():
            zh, en = STATUS_LABELS[status]
            assert zh and en, status
            # nothing counts in the numerator without counting in the denominator
            assert den == 1 or num == 0, (code, status)
