"""queries.access.uploads: record files uploaded for a person, within their upload reach
(access.md, "Added with jobs, uploads, goals and notes"), on SQLite and PostgreSQL.

The tree: SJ above the branches FJ1 and FJ2, each above one station (PCS1, PCS2).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from import_helpers import FEEDBACK_HEADER, logs, table, write

from queries.access import audit
from queries.access.gate import Denied, Gate
from queries.access.roles import Person, Role
from queries.access.uploads import upload_files
from queries.importing.preview import preview_file
from queries.importing.run import ImportUsageError, import_files
from queries.model.tree import Tree
from queries.store.frames import load_frames

pytestmark = pytest.mark.usefixtures("data_folder")

UNITS = """\
unit_id,name,name_en,parent_id,level,kind
SJ,市局,City bureau,,bureau,management
FJ1,一分局,Branch 1,SJ,branch,comprehensive
PCS1,城关派出所,Chengguan station,FJ1,station,window
FJ2,二分局,Branch 2,SJ,branch,comprehensive
PCS2,东关派出所,Dongguan station,FJ2,station,window
"""
# five rows: two of the head's station, one of its branch, one of the other branch's
# station, one of a unit that does not exist
ROWS = [
    "C1,PCS1,complaint,hotline,2026-03-02 14:05,,,,,,,,,",
    "C2,PCS1,report,online,2026-03-03,,,,,,,,,",
    "C3,FJ1,enquiry,online,2026-03-04,,,,,,,,,",
    "C4,PCS2,complaint,hotline,2026-03-05,,,,,,,,,",
    "C5,NOPE,complaint,hotline,2026-03-06,,,,,,,,,",
]

ADMIN = Person("admin@bureau.cn", Role.ADMIN)
LEAD = Person("lead@bureau.cn", Role.LEADERSHIP)
HEAD = Person("head@bureau.cn", Role.UNIT_HEAD, "FJ1")
STATION_HEAD = Person("pcs1@bureau.cn", Role.UNIT_HEAD, "PCS1")
LIAISON = Person("liaison@bureau.cn", Role.LIAISON)
VIEWER = Person("viewer@bureau.cn", Role.VIEWER)


@pytest.fixture
def world(engine: sa.Engine, tmp_path: Path) -> tuple[sa.Engine, Tree, Path]:
    import_files(engine, [write(tmp_path / "units.csv", UNITS)], progress=False)
    feedback = write(tmp_path / "march_feedback.csv", "\n".join([FEEDBACK_HEADER, *ROWS]) + "\n")
    return engine, Tree.from_units(load_frames(engine).units), feedback


def _gate(engine: sa.Engine, person: Person) -> Gate:
    return Gate(engine, person, audit.Where(page="data"))


def _reasons(result_rows: pl.DataFrame) -> dict[str, str]:
    return dict(result_rows.select("key", "reasons").iter_rows())


@pytest.mark.parametrize("person", [ADMIN, LEAD], ids=["admin", "leadership"])
def test_admins_and_leadership_upload_for_every_unit(
    world: tuple[sa.Engine, Tree, Path], person: Person
) -> None:
    engine, tree, feedback = world
    [r] = upload_files(_gate(engine, person), tree, [feedback])
    # 5 rows read: C5 names no unit; the other four (PCS1 x2, FJ1, PCS2) are written
    assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (5, 4, 1)
    assert sorted(table(engine, "feedback")["case_id"]) == ["C1", "C2", "C3", "C4"]
    assert list(_reasons(r.reject_rows)) == ["C5"]


def test_a_unit_head_s_rows_of_other_units_are_rejected_with_the_reason(
    world: tuple[sa.Engine, Tree, Path],
) -> None:
    engine, tree, feedback = world
    gate = _gate(engine, HEAD)
    [r] = upload_files(gate, tree, [feedback], names={feedback: "三月诉求_feedback.csv"})
    # FJ1's subtree is FJ1 and PCS1: C1, C2, C3 in; C4 (PCS2, FJ2's) outside; C5 unknown
    assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (5, 3, 2)
    assert sorted(table(engine, "feedback")["case_id"]) == ["C1", "C2", "C3"]
    reasons = _reasons(r.reject_rows)
    assert reasons["C4"] == (
        "单位“PCS2”不在上传人的范围内（FJ1 及其下属单位）/ unit_id 'PCS2' is outside the "
        "uploader's reach (FJ1 and the units below it)"
    )
    assert "names no unit" in reasons["C5"] and "reach" not in reasons["C5"]
    # the rejects file is the command line's: named after the uploaded name, its lines
    # row, key, columns, reasons, then the record's columns as read
    assert r.rejects_file is not None and r.rejects_file.name.endswith(
        "_三月诉求_feedback_rejects.csv"
    )
    lines = pl.read_csv(r.rejects_file, infer_schema=False)
    assert lines.columns[:5] == ["row", "key", "columns", "reasons", "case_id"]
    assert lines.select("row", "key", "columns").rows() == [
        ("5", "C4", "unit_id"),
        ("6", "C5", "unit_id"),
    ]
    # audited as one upload: file, kind, rows accepted / rejected; unit = the reach
    trail = audit.read(engine, events=("upload",))
    assert trail.select("user", "role", "unit_id", "records", "detail").rows() == [
        (
            "head@bureau.cn",
            "unit_head",
            "FJ1",
            3,
            "三月诉求_feedback.csv: feedback, 3 accepted / 2 rejected",
        )
    ]
    assert logs(engine)[-1] == ("feedback", 5, 3, 2, "committed")


def test_a_station_head_reaches_only_the_station(world: tuple[sa.Engine, Tree, Path]) -> None:
    engine, tree, feedback = world
    [r] = upload_files(_gate(engine, STATION_HEAD), tree, [feedback])
    # PCS1 alone: C1, C2 in; C3 (FJ1, the station's parent) and C4 outside, C5 unknown
    assert (r.rows_accepted, r.rows_rejected) == (2, 3)
    assert "outside the uploader's reach (PCS1" in _reasons(r.reject_rows)["C3"]


def test_a_unit_head_may_not_upload_the_hierarchy(
    world: tuple[sa.Engine, Tree, Path], tmp_path: Path
) -> None:
    engine, tree, _ = world
    units = write(tmp_path / "more_units.csv", UNITS)
    with pytest.raises(ImportUsageError, match="not a units file"):
        upload_files(_gate(engine, HEAD), tree, [units])
    assert "failed" in audit.read(engine, events=("upload",))["detail"][0]


@pytest.mark.parametrize("person", [LIAISON, VIEWER], ids=["liaison", "viewer"])
def test_liaison_and_viewer_are_refused_where_the_data_is_written(
    world: tuple[sa.Engine, Tree, Path], person: Person
) -> None:
    engine, tree, feedback = world
    before = logs(engine)
    with pytest.raises(Denied):
        upload_files(_gate(engine, person), tree, [feedback])
    assert table(engine, "feedback").is_empty()
    assert logs(engine) == before  # nothing read, nothing logged
    denied = audit.read(engine, events=("denied", "upload"))
    assert denied.select("user", "event", "detail").rows() == [
        (person.email, "denied", "upload: upload")
    ]


def test_the_preview_is_what_the_import_reads(world: tuple[sa.Engine, Tree, Path]) -> None:
    _, _, feedback = world
    p = preview_file(feedback, first=2)
    assert (p.kind, p.format, p.sheet, p.rows) == ("feedback", "csv", None, 5)
    assert p.header == FEEDBACK_HEADER.split(",")
    assert p.first.select("row", "case_id", "unit_id").rows() == [
        (2, "C1", "PCS1"),
        (3, "C2", "PCS1"),
    ]
