"""Vectorised validation of record batches (``docs/spec/records.md``).

A batch is a polars frame of string columns plus the spreadsheet row number.
Every check is a polars expression over the whole batch; reasons are built
only for the rows that fail. Each reason names the column and the value, in
Chinese and English, so a clerk can find and fix the cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from queries.importing.shown import INVISIBLE, shown, with_shown
from queries.importing.source import EXCEL_ID_HINT, EXCEL_ID_HINT_ZH, REJECT_SCHEMA, ROW
from queries.model.records import Field, FieldType, RecordKind

__all__ = ["REJECT_SCHEMA", "BatchValidator", "Labels", "enum_lookup", "parse_datetimes"]

# field -> {source label -> code (enum) or True/False (bool)}: ``Settings.labels``
Labels = Mapping[str, Mapping[str, str | bool]]

# dates outside these years are taken as keying errors (a closing date in 3019)
MIN_YEAR = 1900
MAX_YEAR = 2099

_BOOLS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
_BOOLS |= {"是": True, "否": False, "√": True, "×": False, "✓": True, "✗": False}
_BOOLS |= {"１": True, "０": False}
# full-width digits and separators (what Chinese input methods type) -> ASCII
_FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_FULL_WIDTH |= {"－": "-", "／": "/", "：": ":", "．": ".", "\u3000": " ", "Ｔ": "T"}
# 2026年3月2日, 2026.3.2 (and the separators mixed) -> 2026-3-2
_DATE_SPELLING = r"^\s*(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?"
# feedback: the date-times that may not precede received_at, and the return-visit results
_NOT_BEFORE_RECEIVED = ("first_response_at", "closed_at", "return_visit_at")
_NEED_RETURN_VISIT = ("resolved", "satisfaction")
# an id Excel turned into a number shown in scientific notation (1.10101E+17)
_SCIENTIFIC = r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$"


def enum_lookup(f: Field) -> dict[str, str]:
    """Accepted spellings of an enum field -> its code.

    The code in any case, its Chinese label, and each part of a label written
    with ``/`` (``支队/大队`` accepts ``支队`` and ``大队``) when no other
    code of the field claims that part.
    """
    lookup = {code.lower(): code for code in f.choices}
    for code, label in f.choices.items():
        lookup[label] = code
    parts: dict[str, set[str]] = {}
    for code, label in f.choices.items():
        if "/" in label:
            for part in label.split("/"):
                parts.setdefault(part.strip(), set()).add(code)
    for part, codes in parts.items():
        if len(codes) == 1 and part not in lookup:
            lookup[part] = codes.pop()
    return lookup


def _parsed_name(col: str) -> str:
    return f"{col}__v"


# the spellings records.md accepts, most common first; each is tried only on
# the values that the ones before it could not read
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y/%m/%d %H:%M:%S%.f",
)


def parse_datetimes(raw: pl.Series) -> pl.Series:
    """Datetimes from any spelling records.md accepts; null where none fits.

    The common spellings are tried first on every value; only the values they
    cannot read are respelt (full-width to ASCII, ``2026年3月2日`` and
    ``2026.3.2`` to ``2026-3-2``) and tried again.
    """
    out = _parse_formats(
        raw, raw.str.strptime(_DT, _DATETIME_FORMATS[0], strict=False, cache=False)
    )
    todo = (out.is_null() & raw.is_not_null()).arg_true()
    if todo.is_empty():
        return out
    respelt = (
        raw.gather(todo)
        .str.replace_many(list(_FULL_WIDTH), list(_FULL_WIDTH.values()))
        .str.replace(_DATE_SPELLING, "${1}-${2}-${3}")
        .str.strip_chars()
    )
    again = _parse_formats(
        respelt, respelt.str.strptime(_DT, _DATETIME_FORMATS[0], strict=False, cache=False)
    )
    return out.scatter(todo, again)


_DT = pl.Datetime("us")


def _parse_formats(raw: pl.Series, out: pl.Series) -> pl.Series:
    for fmt in _DATETIME_FORMATS[1:]:
        todo = (out.is_null() & raw.is_not_null()).arg_true()
        if todo.is_empty():
            break
        out = out.scatter(todo, raw.gather(todo).str.strptime(_DT, fmt, strict=False, cache=False))
    return out


@dataclass
class Check:
    """One kind of problem: which rows have it, and the reason for them."""

    column: str
    mask: pl.Expr
    reason: pl.Expr


@dataclass
class BatchValidator:
    """Validates the batches of one file in order (duplicate keys span batches)."""

    kind: RecordKind
    # unit ids a record may name (None for the units file itself)
    known_units: pl.Series | None = None
    # source labels the settings map to codes, per field
    labels: Labels = field(default_factory=dict)
    # an upload's reach: the unit ids its rows may name, and the unit whose subtree
    # they are (None: every unit); a row naming a known unit outside it is rejected
    reach: pl.Series | None = None
    reach_root: str = ""
    _seen: pl.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self._seen = pl.DataFrame(
            schema={self.kind.key: pl.String, "__first": pl.Int64, "__hash": pl.UInt64}
        )

    # -- public ----------------------------------------------------------------

    def validate(self, batch: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(accepted rows, typed, with ``__row``; rejects: row, column, reason)."""
        frame = self._normalise(batch)
        frame = frame.with_columns(self._parse_exprs(frame))
        frame = self._with_first_row(frame)
        checks = self._checks()
        masks = frame.select([c.mask.fill_null(False).alias(f"m{i}") for i, c in enumerate(checks)])
        bad = masks.select(pl.any_horizontal(pl.all()).alias("bad")).to_series()
        if bad.any():
            frame = with_shown(frame, [f.name for f in self.kind.fields])
            parts = []
            for i, check in enumerate(checks):
                mask = masks.get_column(f"m{i}")
                if mask.any():
                    parts.append(
                        # rechunk: works around a polars 2.1 panic in str formatting
                        frame.filter(mask)
                        .rechunk()
                        .select(
                            pl.col(ROW).alias("row"),
                            pl.lit(check.column).alias("column"),
                            check.reason.alias("reason"),
                        )
                    )
            rejects = pl.concat(parts).sort("row", maintain_order=True)
            frame = frame.filter(~bad)
        else:
            rejects = pl.DataFrame(schema=REJECT_SCHEMA)
        accepted = frame.select(
            ROW, *[pl.col(_parsed_name(f.name)).alias(f.name) for f in self.kind.fields]
        )
        return accepted, rejects

    # -- steps -----------------------------------------------------------------

    def _normalise(self, batch: pl.DataFrame) -> pl.DataFrame:
        """Spec columns only, trimmed, empty = null; missing optional columns null."""
        exprs = []
        ids = self.kind.id_columns
        for f in self.kind.fields:
            if f.name in batch.columns:
                v = pl.col(f.name).cast(pl.String)
                # looked for first: replacing costs three times as much, and is rarely needed
                column = batch.get_column(f.name).cast(pl.String)
                if f.name in ids and column.str.contains(INVISIBLE).any():
                    v = v.str.replace_all(INVISIBLE, "")
                v = v.str.strip_chars()
                exprs.append(pl.when(v != "").then(v).alias(f.name))
            else:
                exprs.append(pl.lit(None, pl.String).alias(f.name))
        return batch.select(pl.col(ROW).cast(pl.Int64), *exprs)

    def _parse_exprs(self, frame: pl.DataFrame) -> list[pl.Expr]:
        """The typed columns of ``frame``'s raw ones; dates parsed by Python here, on
        the calling thread, not inside polars' pool (see :func:`~queries.importing.shown.with_shown`)."""
        exprs = []
        for f in self.kind.fields:
            raw = pl.col(f.name)
            out = _parsed_name(f.name)
            own = {str(k).strip().lower(): v for k, v in self.labels.get(f.name, {}).items()}
            if f.type is FieldType.ENUM:
                lookup = enum_lookup(f) | {k: str(v) for k, v in own.items()}
                exprs.append(
                    raw.str.to_lowercase()
                    .replace_strict(
                        list(lookup), list(lookup.values()), default=None, return_dtype=pl.String
                    )
                    .alias(out)
                )
            elif f.type is FieldType.BOOL:
                bools = _BOOLS | {k: bool(v) for k, v in own.items()}
                exprs.append(
                    raw.str.to_lowercase()
                    .replace_strict(
                        list(bools), list(bools.values()), default=None, return_dtype=pl.Boolean
                    )
                    .alias(out)
                )
            elif f.type in (FieldType.DATE, FieldType.DATETIME):
                value = pl.lit(parse_datetimes(frame.get_column(f.name)).cast(pl.Datetime("us")))
                exprs.append(value.alias(out + "_dt"))
                if f.type is FieldType.DATE:
                    exprs.append((value.dt.time() != pl.time(0, 0, 0)).alias(out + "_time"))
            else:
                exprs.append(raw.alias(out))
        return exprs

    def _with_first_row(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Add ``__first``: the row where the record's key first appears in the file.

        Keys seen in earlier batches are kept as 64-bit hashes (with the key
        and row); a key whose hash was seen is then matched exactly.
        """
        key = self.kind.key
        keyed = frame.select(ROW, key, pl.col(key).hash(seed=0).alias("__hash"))
        first_here = pl.col(ROW).min().over(key)
        keyed = keyed.with_columns(
            pl.when(pl.col(key).is_not_null()).then(first_here).alias("__first")
        )
        seen = self._seen
        maybe = keyed.get_column("__hash").is_in(seen.get_column("__hash").implode())
        if maybe.any():
            candidates = keyed.filter(maybe).select(key, ROW)
            earlier = seen.filter(
                pl.col("__hash").is_in(candidates.get_column(key).hash(seed=0).implode())
            ).select(key, pl.col("__first").alias("__earlier"))
            earlier = candidates.join(earlier, on=key, how="inner").select(ROW, "__earlier")
            keyed = keyed.join(earlier, on=ROW, how="left", maintain_order="left").with_columns(
                pl.coalesce("__earlier", "__first").alias("__first")
            )
        new = keyed.filter(pl.col("__first") == pl.col(ROW)).select(key, "__first", "__hash")
        self._seen = pl.concat([seen, new], rechunk=False)
        frame = frame.with_columns(keyed.get_column("__first"))
        # dates: the typed value once its range and time of day are known
        date_exprs = []
        for f in self.kind.fields:
            out = _parsed_name(f.name)
            if f.type is FieldType.DATETIME:
                date_exprs.append(pl.col(out + "_dt").alias(out))
            elif f.type is FieldType.DATE:
                date_exprs.append(pl.col(out + "_dt").dt.date().alias(out))
        return frame.with_columns(date_exprs)

    def _checks(self) -> list[Check]:
        checks: list[Check] = []
        key = self.kind.key
        for f in self.kind.fields:
            checks.extend(_field_checks(f))
        for c in self.kind.id_columns:
            checks.append(
                Check(
                    c,
                    pl.col(c).str.contains(_SCIENTIFIC),
                    pl.format(
                        "编号已被 Excel 改成科学计数法，其余数字已丢失（{}）/ {} '{}' is in "
                        "scientific notation: "
                        "Excel turned the id into a number and kept only 15 digits, the rest "
                        "are lost; {}",
                        pl.lit(EXCEL_ID_HINT_ZH),
                        pl.lit(c),
                        shown(c),
                        pl.lit(EXCEL_ID_HINT),
                    ),
                )
            )
        checks.append(
            Check(
                key,
                pl.col("__first") != pl.col(ROW),
                pl.format(
                    "与第 {} 行重复 / {} '{}' repeats row {}: only the first row is kept",
                    "__first",
                    pl.lit(key),
                    shown(key),
                    "__first",
                ),
            )
        )
        if self.known_units is not None and "unit_id" in self.kind.columns:
            checks.append(
                Check(
                    "unit_id",
                    pl.col("unit_id").is_not_null()
                    & ~pl.col("unit_id").is_in(self.known_units.implode()),
                    pl.format(
                        "单位不存在 / unit_id '{}' names no unit (neither in the database "
                        "nor in a units file of this import)",
                        shown("unit_id"),
                    ),
                )
            )
        if self.reach is not None and "unit_id" in self.kind.columns:
            known = (
                pl.col("unit_id").is_in(self.known_units.implode())
                if self.known_units is not None
                else pl.lit(True)
            )
            checks.append(
                Check(
                    "unit_id",
                    pl.col("unit_id").is_not_null()
                    & known
                    & ~pl.col("unit_id").is_in(self.reach.implode()),
                    pl.format(
                        "单位“{}”不在上传人的范围内（{} 及其下属单位）/ unit_id '{}' is outside "
                        "the uploader's reach ({} and the units below it)",
                        shown("unit_id"),
                        pl.lit(self.reach_root),
                        shown("unit_id"),
                        pl.lit(self.reach_root),
                    ),
                )
            )
        if self.kind.name == "feedback":
            checks.extend(_feedback_checks())
        return checks


def _field_checks(f: Field) -> list[Check]:
    c = f.name
    raw = pl.col(c)
    out = pl.col(
        _parsed_name(f.name) + ("_dt" if f.type in (FieldType.DATE, FieldType.DATETIME) else "")
    )
    checks = []
    if f.required:
        checks.append(Check(c, raw.is_null(), pl.lit(f"必填项为空 / {c} is required but empty")))
    if f.type is FieldType.ENUM:
        codes = ", ".join(f.choices)
        checks.append(
            Check(
                c,
                raw.is_not_null() & out.is_null(),
                pl.format(
                    "取值无效 / {} '{}' is not one of: {} (or the Chinese label, or a label of the "
                    "settings)",
                    pl.lit(c),
                    shown(c),
                    pl.lit(codes),
                ),
            )
        )
    elif f.type is FieldType.BOOL:
        checks.append(
            Check(
                c,
                raw.is_not_null() & out.is_null(),
                pl.format(
                    "不是是/否值 / {} '{}' is not a yes/no value "
                    "(true/false, 1/0, yes/no, 是/否, √/×, ✓/✗, or a label of the settings)",
                    pl.lit(c),
                    shown(c),
                ),
            )
        )
    elif f.type in (FieldType.DATE, FieldType.DATETIME):
        what = "date (YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日)"
        zh = "日期格式无效"
        if f.type is FieldType.DATETIME:
            what = "date-time (a date, or a date and HH:MM or HH:MM:SS)"
            zh = "日期时间格式无效"
        checks.append(
            Check(
                c,
                raw.is_not_null() & out.is_null(),
                pl.format(
                    "{} / {} '{}' is not a valid {}", pl.lit(zh), pl.lit(c), shown(c), pl.lit(what)
                ),
            )
        )
        year = out.dt.year()
        checks.append(
            Check(
                c,
                out.is_not_null() & ((year < MIN_YEAR) | (year > MAX_YEAR)),
                pl.format(
                    "年份不合理 / {} '{}' is implausible: the year must be between {} and {}",
                    pl.lit(c),
                    shown(c),
                    pl.lit(MIN_YEAR),
                    pl.lit(MAX_YEAR),
                ),
            )
        )
        if f.type is FieldType.DATE:
            checks.append(
                Check(
                    c,
                    out.is_not_null() & pl.col(_parsed_name(c) + "_time"),
                    pl.format(
                        "应为日期 / {} '{}' has a time of day: give the date only",
                        pl.lit(c),
                        shown(c),
                    ),
                )
            )
    return checks


def _feedback_checks() -> list[Check]:
    checks = []
    received = pl.col(_parsed_name("received_at"))
    for c in _NOT_BEFORE_RECEIVED:
        value = pl.col(_parsed_name(c))
        checks.append(
            Check(
                c,
                value < received,
                pl.format(
                    "早于受理时间 / {} {} is before received_at {}",
                    pl.lit(c),
                    shown(c),
                    shown("received_at"),
                ),
            )
        )
    visit = pl.col("return_visit_at")
    for c in _NEED_RETURN_VISIT:
        checks.append(
            Check(
                c,
                pl.col(c).is_not_null() & visit.is_null(),
                pl.format(
                    "未回访却填写了回访结果 / {} '{}' is given but return_visit_at is empty: "
                    "{} is recorded at the return visit",
                    pl.lit(c),
                    shown(c),
                    pl.lit(c),
                ),
            )
        )
    return checks
