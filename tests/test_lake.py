"""The lake (cli.md, "Engines and the lake"; queries/store/lake.py): layout, types, no
personal column, only changed months rewritten, emptied months removed, the change
marker. Read back with DuckDB as a cluster would (hive partitioning), on both
databases. The command line and interrupted exports: tests/test_lake_cli.py."""

from __future__ import annotations

import fcntl
import os
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from db_records import insert_records
from lake_support import (
    SECRET_FINDING,
    SECRET_TITLE,
    database_table,
    file_states,
    lake_table,
    manifest_intact,
    records,
    same_records,
)

from queries.model.db import init_db, make_engine
from queries.model.records import KINDS
from queries.model.schema import RECORD_TABLES
from queries.model.workdays import WorkdayCalendar, calendar_frame, calendar_years
from queries.store.changes import note_record_write, records_marker
from queries.store.lake import (
    PARTITIONED,
    LakeError,
    export_lake,
    lake_is_current,
    read_manifest,
)


def same_marker(recorded: str | None, engine: sa.Engine) -> None:
    """``recorded`` is the database's change marker as it is now (on PostgreSQL too: it
    moves only when the records are written)."""
    now = records_marker(engine)
    assert recorded is not None and recorded == now


def test_layout_types_and_rows_match_the_seeded_database(seeded: str, tmp_path: Path) -> None:
    engine = make_engine(seeded)
    lake = tmp_path / "lake"
    result = export_lake(engine, lake)
    m = manifest_intact(lake)
    for name in PARTITIONED:
        kind = KINDS[name]
        months = sorted(p.name for p in (lake / name).iterdir())
        assert months == [f"month={k}" for k in sorted(m["tables"][name]["partitions"])]
        assert len(months) == result.tables[name].partitions >= 12
        for folder in months:
            [file] = (lake / name / folder).iterdir()
            # the partition column is the folder's, never inside the file
            assert file.name.startswith("part-") and "month" not in pq.read_schema(file).names
        same_records(lake, engine, name)
        con = duckdb.connect()
        described = con.sql(
            f"DESCRIBE SELECT * FROM read_parquet('{lake}/{name}/*/*.parquet', "
            "hive_partitioning=true)"
        ).fetchall()
        types = {row[0]: row[1] for row in described}
        assert types.pop("month") == "VARCHAR"
        for f in kind.fields:
            if f.free_text:
                assert f.name not in types
                continue
            want = {"date": "DATE", "datetime": "TIMESTAMP", "bool": "BOOLEAN"}
            assert types.pop(f.name) == want.get(f.type.value, "VARCHAR"), f.name
        assert types == {}
    same_records(lake, engine, "units")
    [units_file] = (lake / "units").iterdir()
    assert units_file.name.startswith("units-")
    # the calendar: the official calendar's years and those of the records (and one more)
    days = lake_table(lake, "calendar")
    lo, hi = m["tables"]["calendar"]["years"]
    c_lo, c_hi = calendar_years()
    assert lo <= c_lo and hi >= max(c_hi, 2027)
    assert days.sort("date").equals(calendar_frame(lo, hi))
    assert m["version"] == 1
    same_marker(m["change_marker"], engine)
    engine.dispose()


def test_no_personal_or_free_text_column_leaves(engine: sa.Engine, tmp_path: Path) -> None:
    insert_records(engine, records())
    lake = tmp_path / "lake"
    export_lake(engine, lake)
    files = list(lake.rglob("*.parquet"))
    assert len(files) == 1 + 3 * 3 + 1
    for path in files:
        table = pq.read_table(path)
        assert not {"title", "finding", "import_id"} & set(table.column_names), path
        for column in table.columns:
            values = {str(v) for v in column.to_pylist()}
            assert SECRET_TITLE not in values and SECRET_FINDING not in values, path
    text = (lake / "_lake.json").read_text(encoding="utf-8")
    assert SECRET_TITLE not in text and SECRET_FINDING not in text
    m = read_manifest(lake)
    assert m is not None
    assert m["tables"]["disclosures"]["omitted"] == ["title"]
    assert m["tables"]["supervision"]["omitted"] == ["finding"]
    for name in ("units", *PARTITIONED):
        same_records(lake, engine, name)


def test_re_export_with_no_change_writes_nothing(engine: sa.Engine, tmp_path: Path) -> None:
    insert_records(engine, records())
    lake = tmp_path / "lake"
    first = export_lake(engine, lake)
    assert first.written == 1 + 9 + 1 and first.manifest_written
    before = file_states(lake)
    again = export_lake(engine, lake)
    assert (again.written, again.kept, again.removed) == (0, 11, 0)
    assert file_states(lake) == before
    # nothing written to the records since, so nothing read
    assert not again.read
    assert again.manifest_written == again.read
    # a write that leaves the records as they were: read, compared, nothing rewritten
    units = RECORD_TABLES["units"]
    with engine.begin() as conn:
        note_record_write(conn)  # a writer other than the importer
        conn.execute(units.insert().values(unit_id="X", name="x", level="station", kind="window"))
    with engine.begin() as conn:
        note_record_write(conn)  # a writer other than the importer
        conn.execute(units.delete().where(units.c.unit_id == "X"))
    third = export_lake(engine, lake)
    assert third.read and third.manifest_written
    assert (third.written, third.kept, third.removed) == (0, 11, 0)
    after = file_states(lake)
    assert {f for f in after if after[f] != before.get(f)} == {"_lake.json"}
    assert after.keys() == before.keys()


def test_an_old_case_updated_rewrites_only_its_month(engine: sa.Engine, tmp_path: Path) -> None:
    insert_records(engine, records())
    lake = tmp_path / "lake"
    export_lake(engine, lake)
    before = file_states(lake)
    fb = RECORD_TABLES["feedback"]
    closed = datetime(2026, 3, 3, 10, 0, 0, 123456)
    with engine.begin() as conn:
        note_record_write(conn)  # a writer other than the importer
        n = conn.execute(
            sa.update(fb).where(fb.c.case_id == "F000003").values(closed_at=closed)
        ).rowcount
    assert n == 1  # received 2025-12
    result = export_lake(engine, lake)
    assert result.tables["feedback"].written == ("2025-12",)
    assert result.written == 1 and result.kept == 10
    after = file_states(lake)
    changed = {f for f in before.keys() | after.keys() if before.get(f) != after.get(f)}
    old_part = next(f for f in before if f.startswith("feedback/month=2025-12/"))
    new_part = next(f for f in after if f.startswith("feedback/month=2025-12/"))
    assert old_part != new_part
    assert changed == {old_part, new_part, "_lake.json"}
    got = lake_table(lake, "feedback").filter(case_id="F000003")["closed_at"].item()
    assert got == closed
    same_records(lake, engine, "feedback")
    manifest_intact(lake)


def _feedback_change(engine: sa.Engine, where: sa.ColumnElement[bool], **values: object) -> None:
    fb = RECORD_TABLES["feedback"]
    with engine.begin() as conn:
        note_record_write(conn)  # a writer other than the importer
        assert conn.execute(sa.update(fb).where(where).values(**values)).rowcount > 0


def _tables(lake: Path) -> dict[str, object]:
    m = read_manifest(lake)
    assert m is not None
    return dict(m["tables"])


def test_given_months_only_those_are_read(engine: sa.Engine, tmp_path: Path) -> None:
    """``months``: those months read again (a new one added), the others kept as the
    manifest records them (December, changed but not named, stays as it was: it was not
    read); named months that cover every change give the manifest a full export gives."""
    insert_records(engine, records())
    lake = tmp_path / "lake"
    export_lake(engine, lake)
    fb = RECORD_TABLES["feedback"]
    _feedback_change(engine, fb.c.case_id.in_(["F000002", "F000003"]), outcome="withdrawn")
    with engine.begin() as conn:
        note_record_write(conn)  # a new case in March
        conn.execute(fb.insert().values(case_id="F-NEW", unit_id="S1", kind="complaint",
                     channel="hotline", received_at=datetime(2026, 3, 2, 9, 0)))  # fmt: skip
    before = file_states(lake)
    # F000002 was received in February, F000003 in December (not named)
    result = export_lake(engine, lake, months={"feedback": {"2026-02", "2026-03"}})
    t = result.tables["feedback"]
    assert (t.written, t.kept, t.partitions, t.rows) == (("2026-02", "2026-03"), 2, 4, 31)
    after = file_states(lake)
    december = [f for f in before if f.startswith("feedback/month=2025-12/")]
    assert all(after.get(f) == before[f] for f in december)
    assert all(after.get(f) == before[f] for f in before if f.startswith(("disclosures/", "super")))
    # the lake records the database's marker: the months were taken as saying it all;
    # a full export (after any other write) reads December too; then one month
    # changed and named: the same manifest as an export into an empty folder
    assert lake_is_current(engine, lake)
    with engine.begin() as conn:
        note_record_write(conn)
    assert export_lake(engine, lake).tables["feedback"].written == ("2025-12",)
    _feedback_change(engine, fb.c.case_id == "F000004", closed_at=datetime(2026, 3, 9, 1, 2))
    again = export_lake(engine, lake, months={"feedback": {"2026-01"}})
    assert again.tables["feedback"].written == ("2026-01",)
    export_lake(engine, tmp_path / "fresh")
    assert _tables(lake) == _tables(tmp_path / "fresh")
    same_records(lake, engine, "feedback", manifest=True)


def test_months_that_miss_a_change_are_not_trusted(engine: sa.Engine, tmp_path: Path) -> None:
    """A kind whose count differs from its months' sum, or a lake that is not at the
    ``since`` marker the months start from: every month read again."""
    insert_records(engine, records())
    lake = tmp_path / "lake"
    export_lake(engine, lake)
    fb = RECORD_TABLES["feedback"]
    with engine.begin() as conn:
        note_record_write(conn)  # a case removed from December, not named below
        conn.execute(sa.delete(fb).where(fb.c.case_id == "F000003"))
    result = export_lake(engine, lake, months={"feedback": {"2026-01"}})
    assert result.tables["feedback"].written == ("2025-12",)
    same_records(lake, engine, "feedback", manifest=True)
    marker = read_manifest(lake)["change_marker"]  # type: ignore[index]
    _feedback_change(engine, fb.c.case_id == "F000002", outcome="withdrawn")  # February
    result = export_lake(engine, lake, months={"feedback": {"2026-01"}}, since=("not it", "x"))
    assert result.tables["feedback"].written == ("2026-02",)
    same_marker(result.change_marker, engine)
    # the since the lake is at: the months trusted, the lake records the given "after"
    _feedback_change(engine, fb.c.case_id == "F000005", outcome="withdrawn")  # February
    now = read_manifest(lake)["change_marker"]  # type: ignore[index]
    assert now != marker
    result = export_lake(engine, lake, months={"feedback": {"2026-02"}}, since=(now, "after"))
    assert result.tables["feedback"].written == ("2026-02",)
    assert result.change_marker == "after" and not lake_is_current(engine, lake)
    same_records(lake, engine, "feedback", manifest=True)


def test_a_month_whose_records_are_gone_is_removed(engine: sa.Engine, tmp_path: Path) -> None:
    insert_records(engine, records())
    lake = tmp_path / "lake"
    export_lake(engine, lake)
    before = file_states(lake)
    sup = RECORD_TABLES["supervision"]
    with engine.begin() as conn:
        note_record_write(conn)  # a writer other than the importer
        conn.execute(sa.delete(sup).where(sup.c.opened_on >= datetime(2026, 2, 1).date()))
    result = export_lake(engine, lake)
    assert result.tables["supervision"].removed == ("2026-02",)
    assert result.written == 0
    assert not (lake / "supervision" / "month=2026-02").exists()
    m = manifest_intact(lake)
    assert sorted(m["tables"]["supervision"]["partitions"]) == ["2025-12", "2026-01"]
    after = file_states(lake)
    assert {f for f in before if f not in after} == {
        f for f in before if f.startswith("supervision/month=2026-02/")
    }
    assert all(after[f] == before[f] for f in after if f != "_lake.json")
    same_records(lake, engine, "supervision")


def test_the_lake_records_the_change_marker(engine: sa.Engine, tmp_path: Path) -> None:
    insert_records(engine, records())
    lake = tmp_path / "lake"
    assert not lake_is_current(engine, lake)
    export_lake(engine, lake)
    m = read_manifest(lake)
    assert m is not None
    same_marker(m["change_marker"], engine)
    assert lake_is_current(engine, lake)
    fb = RECORD_TABLES["feedback"]
    with engine.begin() as conn:
        note_record_write(conn)  # a writer other than the importer
        conn.execute(sa.update(fb).where(fb.c.case_id == "F000001").values(outcome="withdrawn"))
    assert not lake_is_current(engine, lake)
    export_lake(engine, lake)
    assert lake_is_current(engine, lake)
    # a file the manifest names gone: not current
    next((lake / "units").iterdir()).unlink()
    assert not lake_is_current(engine, lake)


def test_the_calendar_takes_the_settings_overrides(engine: sa.Engine, tmp_path: Path) -> None:
    insert_records(engine, records())
    lake = tmp_path / "lake"
    export_lake(engine, lake)
    holiday = datetime(2026, 1, 7).date()  # a Wednesday
    assert lake_table(lake, "calendar").filter(date=holiday)["workday"].item() is True
    result = export_lake(engine, lake, calendar=WorkdayCalendar(holidays=(holiday,)))
    assert result.tables["calendar"].written == ("calendar",) and result.written == 1
    assert lake_table(lake, "calendar").filter(date=holiday)["workday"].item() is False


def test_a_folder_holding_other_things_is_refused(engine: sa.Engine, tmp_path: Path) -> None:
    insert_records(engine, records())
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(LakeError, match="holds no lake"):
        export_lake(engine, other)
    assert [p.name for p in other.iterdir()] == ["notes.txt"]


def test_one_export_at_a_time(engine: sa.Engine, tmp_path: Path) -> None:
    insert_records(engine, records())
    lake = tmp_path / "lake"
    export_lake(engine, lake)
    before = file_states(lake)
    fd = os.open(lake / ".lake.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another export holds it
        with pytest.raises(LakeError, match="another export"):
            export_lake(engine, lake)
    finally:
        os.close(fd)
    assert file_states(lake) == before


def test_spark_reads_the_same_rows_and_types(tmp_path: Path) -> None:
    """Apache Spark (the 'spark' extra: pyspark and Java 17) reads the lake's folders
    with their ``month`` partition column and the records' own types."""
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    engine = make_engine(f"sqlite:///{tmp_path / 'spark.db'}")
    init_db(engine)
    insert_records(engine, records())
    lake = tmp_path / "lake"
    export_lake(engine, lake)
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("openness-lake-test")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        for name in ("units", *PARTITIONED):
            kind = KINDS[name]
            frame = spark.read.parquet(str(lake / name))
            types = {f.name: f.dataType.simpleString() for f in frame.schema.fields}
            want = database_table(engine, name)
            expected = {
                c: {"Date": "date", "Boolean": "boolean", "String": "string"}.get(
                    str(t), "timestamp_ntz"
                )
                for c, t in want.schema.items()
            }
            if name in PARTITIONED:
                expected["month"] = "string"
            assert types == expected, name
            rows = [r.asDict() for r in frame.orderBy(kind.key).collect()]
            if name in PARTITIONED:
                anchor = kind.anchor
                assert all(r.pop("month") == r[anchor].strftime("%Y-%m") for r in rows)
            assert rows == want.to_dicts(), name
    finally:
        spark.stop()
        engine.dispose()
