"""One Ibis expression to one engine's SQL text, with the exact middle values of a
median, which Ibis has no portable expression for.

Ibis compiles ``x.median()`` to each engine's *interpolating* median (DuckDB's
``quantile_cont``, PostgreSQL's ``percentile_cont``, Spark's ``percentile``), whose
results differ in the last bit. :func:`middle_low` stands for the SQL standard's
discrete ``percentile_disc(0.5)`` (the lower of the two middle values, an actual value
of the group, no arithmetic), which :func:`compile_sql` writes in each engine's own
syntax; the upper middle value is ``-middle_low(-x)``.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Mapping

import ibis
import ibis.backends.sql.compilers as sc
import ibis.expr.types as ir
import sqlglot.expressions as sge

_MIDDLE_LOW = "openness_middle_low"


@ibis.udf.agg.builtin(name=_MIDDLE_LOW)
def middle_low(x: float) -> float:  # type: ignore[empty-body]
    """The lower middle value of a group's ``x`` (non-null values sorted ascending:
    the ``(n - 1) // 2``-th, 0-based): for an odd count the median, for an even count
    the smaller of the two values it averages. Float64; null for no values. Only
    :func:`compile_sql` turns it into SQL."""


def _discrete(node: sge.Expression, dialect: str) -> sge.Expression:
    if not (isinstance(node, sge.Anonymous) and str(node.this).lower() == _MIDDLE_LOW):
        return node
    (arg,) = node.expressions
    half = sge.Literal.number("0.5")
    if dialect == "duckdb":
        # DuckDB's discrete quantile picks the element at floor(0.5 * (n - 1))
        return sge.Anonymous(this="QUANTILE_DISC", expressions=[arg.copy(), half])
    # PostgreSQL, Spark 4 (and the SQL standard): the first value whose cumulative
    # distribution reaches 0.5, the same element; written as text, not as sqlglot's
    # PercentileDisc, which its Spark dialect turns into an approximation
    return sge.WithinGroup(
        this=sge.Anonymous(this="PERCENTILE_DISC", expressions=[half]),
        expression=sge.Order(expressions=[sge.Ordered(this=arg.copy())]),
    )


def _compiler(dialect: str) -> sc.SQLGlotCompiler:
    try:
        compiler = getattr(sc, dialect).compiler
    except AttributeError as e:
        raise ValueError(f"unknown dialect {dialect!r}") from e
    if dialect == "pyspark":
        # the pyspark compiler reads its backend's options, registered by the backend
        importlib.import_module("ibis.backends.pyspark").Backend.register_options()
    return compiler


@functools.lru_cache(maxsize=4096)
def literal_sql(value: object, type_: str, dialect: str) -> str:
    """How ``dialect``'s compiler writes the literal ``value`` of Ibis type ``type_``
    (``timestamp``, ``date``, ``string``...), as it writes it inside a query. Raises
    ValueError for an unknown dialect."""
    compiler = _compiler(dialect)
    op = ibis.literal(value, type=type_).op()
    node = compiler.visit_Literal(op, value=op.value, dtype=op.dtype)
    return str(node.sql(dialect=compiler.dialect))


def fill_literals(
    statements: Mapping[str, str], written: Mapping[str, str]
) -> dict[str, str] | None:
    """``statements`` with each literal text in ``written``'s keys replaced by its value
    (in one pass: a replacement is never replaced again); None when one of them is in
    no statement (the caller compiles the statements anew then)."""
    if not written:
        return dict(statements)
    pattern = re.compile("|".join(re.escape(k) for k in sorted(written, key=len, reverse=True)))
    seen: set[str] = set()

    def swap(m: re.Match[str]) -> str:
        seen.add(m.group(0))
        return written[m.group(0)]

    out = {name: pattern.sub(swap, sql) for name, sql in statements.items()}
    return out if len(seen) == len(written) else None


def compile_sql(expr: ir.Expr, dialect: str) -> str:
    """The SQL text of ``expr`` for ``dialect`` (``duckdb``, ``postgres`` or
    ``pyspark``), as :func:`ibis.to_sql` writes it, with :func:`middle_low` written in
    the engine's own syntax. Raises ValueError for an unknown dialect."""
    compiler = _compiler(dialect)
    out = compiler.to_sqlglot(expr.unbind())
    queries = out if isinstance(out, list) else [out]
    return ";\n".join(
        q.transform(lambda n: _discrete(n, dialect)).sql(dialect=compiler.dialect, pretty=True)
        for q in queries
    )
