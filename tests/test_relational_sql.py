"""queries/engine/relational/sql.py: the two middle values of a median, written in each
engine's syntax, picked exactly (DuckDB here, PostgreSQL on its server; Spark in
tests/test_engines.py's cluster tests)."""

from __future__ import annotations

import duckdb
import ibis
import psycopg
import pytest
import sqlalchemy as sa
from conftest import fresh_pg_database

from queries.engine.relational.sql import compile_sql, middle_low

# group -> values; the middle values of each, sorted, 0-based (n-1)//2 and n//2:
ROWS = {
    1: [7.0],  # n=1: a = b = 7.0, median (7.0 + 7.0) / 2 = 7.0
    2: [3.0, 1.0],  # sorted [1, 3]: a = 1.0, b = 3.0, median 2.0
    3: [5.0, 0.5, 2.25],  # sorted [0.5, 2.25, 5]: a = b = 2.25
    4: [4.0, 4.0, 1.0, 9.5],  # sorted [1, 4, 4, 9.5]: a = b = 4.0 (a tie in the middle)
    5: [0.1, 0.7, 0.2, 0.4],  # sorted [0.1, 0.2, 0.4, 0.7]: a = 0.2, b = 0.4,
    # median (0.2 + 0.4) / 2 = 0.30000000000000004 (binary floating point, compared exactly)
    6: [0.7, 0.1],  # a = 0.1, b = 0.7: (0.1 + 0.7) / 2 = 0.39999999999999997, where an
    # interpolating median 0.1 + (0.7 - 0.1) * 0.5 gives 0.4: the operations matter
}
EXPECTED = {1: (7.0, 7.0, 7.0), 2: (1.0, 3.0, 2.0), 3: (2.25, 2.25, 2.25), 4: (4.0, 4.0, 4.0)}
EXPECTED[5] = (0.2, 0.4, 0.30000000000000004)
EXPECTED[6] = (0.1, 0.7, 0.39999999999999997)


def _expr() -> ibis.Table:
    t = ibis.table({"g": "int64", "x": "float64"}, name="t")
    lo, hi = middle_low(t.x), -middle_low(-t.x)
    return t.group_by("g").aggregate(lo=lo, hi=hi, median=(lo + hi) / 2.0).order_by("g")


def _rows() -> list[tuple[int, float]]:
    return [(g, x) for g, xs in ROWS.items() for x in xs]


def test_middle_values_on_duckdb() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (g BIGINT, x DOUBLE)")
    con.executemany("INSERT INTO t VALUES (?, ?)", _rows())
    got = {
        g: (lo, hi, m) for g, lo, hi, m in con.execute(compile_sql(_expr(), "duckdb")).fetchall()
    }
    assert got == EXPECTED


def test_middle_values_on_postgres() -> None:
    with fresh_pg_database("relsql") as url:
        dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn) as conn:
            conn.execute("CREATE TABLE t (g BIGINT, x DOUBLE PRECISION)")
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO t VALUES (%s, %s)", _rows())
            sql = compile_sql(_expr(), "postgres")
            got = {g: (lo, hi, m) for g, lo, hi, m in conn.execute(sql).fetchall()}
    assert got == EXPECTED


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "pyspark"])
def test_no_interpolating_or_approximate_median_is_written(dialect: str) -> None:
    sql = compile_sql(_expr(), dialect).upper()
    assert "DISC" in sql
    for word in ("QUANTILE_CONT", "PERCENTILE_CONT", "APPROX", "OPENNESS_MIDDLE_LOW"):
        assert word not in sql


def test_unknown_dialect_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown dialect"):
        compile_sql(_expr(), "nosuchengine")
