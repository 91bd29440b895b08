"""How a reason quotes a record's raw value: cut to a readable length, its invisible
characters (format and control: U+200B, U+FEFF, U+001F ...) written as escapes
(records.md, "keys and ids"). The escaping is Python, run on the calling thread, never
inside polars' pool: the dashboard's server imports uploads (docs/DECISIONS.md, "Many
sessions at once")."""

from __future__ import annotations

import unicodedata

import polars as pl

_MAX_SHOWN = 60
# format and control characters (U+200B, U+FEFF, U+001F...): removed from ids, shown
# escaped in reasons (records.md, "keys and ids")
INVISIBLE = r"[\p{Cf}\p{Cc}]"


_SHOWN = "__shown_"


def shown(col: str) -> pl.Expr:
    r"""The raw value as quoted in a reason (long values cut, invisible characters
    escaped: ``A\u200b1``): the column :func:`with_shown` adds."""
    return pl.col(_SHOWN + col)


def with_shown(frame: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    """``frame`` with each of ``cols`` as a reason quotes it (:func:`shown`)."""
    cut = frame.select(
        [
            pl.when(pl.col(c).str.len_chars() > _MAX_SHOWN)
            .then(pl.col(c).str.slice(0, _MAX_SHOWN) + "…")
            .otherwise(pl.col(c))
            .alias(_SHOWN + c)
            for c in cols
        ]
    )
    escaped = [
        _escape_series(column) if column.str.contains(INVISIBLE).any() else column
        for column in cut.get_columns()
    ]
    return frame.with_columns(escaped)


def escape_invisible(text: str) -> str:
    r"""``text`` with its format and control characters written as escapes.

    >>> escape_invisible("\u200bA1\x1f")
    '\\u200bA1\\u001f'
    """
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cf", "Cc") else ch for ch in text
    )


def _escape_series(values: pl.Series) -> pl.Series:
    return pl.Series(
        values.name,
        [None if v is None else escape_invisible(v) for v in values.to_list()],
        dtype=pl.String,
    )
