"""queries/engine/relational/plan.py: a computation's SQL is compiled once per shape
(the number of periods, the settings) and each scope's dates, as-of and months are
written into it. The SQL written so is the SQL compiled for the scope itself, on every
engine's dialect; a scope whose values coincide (an as-of on a period's last day) gets
the same figures as the SQL compiled for it, which Ibis writes with a predicate fewer.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from queries.engine.relational import plan
from queries.engine.relational.plan import (
    CountScope,
    _plan,
    _small_tables,
    _span_query,
    _statements,
)
from queries.engine.relational.sql import compile_sql, fill_literals, literal_sql
from queries.engine.relational.statuses import PLACEHOLDER_YEAR, placeholder, placeholders
from queries.model.db import init_db, make_engine
from queries.model.periods import Period
from queries.model.settings import load_settings
from queries.store.frames import load_frames
from seed_data.generator import seed_database

DIALECTS = ("duckdb", "postgres", "pyspark")


def _direct(dialect: str, scope: CountScope) -> dict[str, str]:
    """The scope's SQL compiled for it alone (what plan._statements did before)."""
    groups = plan.MEDIAN_GROUPS.get(dialect, 1)
    made = {"span": _span_query(scope, True), **_plan(scope, None, True, groups)}
    return {name: compile_sql(expr, dialect) for name, expr in made.items()}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_written_into_the_shape_equals_compiled_for_the_scope(dialect: str) -> None:
    settings = load_settings(None)
    # as-of 12:30 on a day inside the later quarter: no two values of the scope coincide
    scopes = [
        CountScope(
            (Period.parse("2026-Q1"), Period.parse("2025-Q4")),
            datetime(2026, 3, 17, 12, 30),
            settings,
        ),
        CountScope(
            (Period.parse("2025-Q3"), Period.parse("2025-Q2")),
            datetime(2025, 9, 2, 8, 15),
            settings,
        ),
    ]
    plan._SHAPES.clear()
    for scope in scopes:
        assert _statements(dialect, scope, None, True) == _direct(dialect, scope)
    # two scopes of one shape: one compilation
    shapes = [k for k in plan._SHAPES if k[0] == dialect]
    assert len(shapes) == 1, len(shapes)
    # and no placeholder is left in what runs
    for sql in _statements(dialect, scopes[1], None, True).values():
        assert "~openness slot" not in sql
        assert f"{PLACEHOLDER_YEAR}" not in sql


def test_placeholders_are_written_distinctly() -> None:
    """Every placeholder's text is its own: none is found inside another's (100 of each
    type, as a scope of 24 months asks for about 60)."""
    for dialect in DIALECTS:
        texts = [
            literal_sql(placeholder(n, t), t, dialect)
            for t in ("timestamp", "date", "string")
            for n in range(100)
        ]
        assert len(set(texts)) == len(texts)
        for a in texts:
            assert [b for b in texts if a in b] == [a], a


def test_a_placeholder_missing_from_the_sql_is_compiled_anew() -> None:
    assert fill_literals({"q": "SELECT 'a'"}, {"'a'": "'b'"}) == {"q": "SELECT 'b'"}
    assert fill_literals({"q": "SELECT 'a'"}, {"'a'": "'b'", "'c'": "'d'"}) is None
    # one pass: a value written in is never replaced again
    assert fill_literals({"q": "'a' 'b'"}, {"'a'": "'b'", "'b'": "'a'"}) == {"q": "'b' 'a'"}


def test_placeholders_record_each_value_in_order() -> None:
    settings = load_settings(None)
    scope = CountScope((Period.parse("2026-06"),), datetime(2026, 6, 30), settings)
    with placeholders() as slots:
        _span_query(scope, True)
    # disclosures in scope: months 2026-06..2026-06, published_on 2026-06-01..2026-06-30,
    # the bucket's start and end
    assert slots == [
        ("string", "2026-06"),
        ("string", "2026-06"),
        ("date", datetime(2026, 6, 1).date()),
        ("date", datetime(2026, 6, 30).date()),
        ("date", datetime(2026, 6, 1).date()),
        ("date", datetime(2026, 6, 30).date()),
    ]


def test_coinciding_values_give_the_figures_of_the_scope_s_own_sql(tmp_path: Path) -> None:
    """As-of on the last day of the quarter: the as-of, the period's end and the last
    month coincide. Every query run through the shape's SQL returns what the SQL
    compiled for the scope alone returns, on the lake DuckDB reads (seeded records)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'openness.db'}")
    init_db(engine)
    seed_database(engine, "tiny", 11, date(2026, 6, 30), progress=False)
    frames = load_frames(engine, cache_dir=tmp_path / "cache")
    periods = (Period.parse("2026-Q2"), Period.parse("2026-Q1"))
    scope = CountScope(periods, datetime(2026, 6, 30), load_settings(None))
    shaped = _statements("duckdb", scope, None, True)
    direct = _direct("duckdb", scope)
    assert shaped != direct  # Ibis writes the coinciding predicates once
    assert frames.source is not None and frames.source.partitioned  # the lake
    with frames.source.open() as bound:
        for name, frame in _small_tables(frames.units, scope, (2020, 2027)).items():
            bound.put(name, frame)
        for name in direct:
            a, b = bound.run(shaped[name]), bound.run(direct[name])
            assert a.sort(a.columns).equals(b.sort(b.columns)), name
            if name == "part:0":
                assert a.height > 0
    engine.dispose()
