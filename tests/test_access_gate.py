"""queries.access.gate: the reach of every role where records are read, on both databases.

The generator's tiny city (seed 7, to 2026-06-30): HQ above departments D01..D05
and branches B01..B03, each branch above its stations B0x-S0y.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest
import sqlalchemy as sa

from queries.access import audit
from queries.access.gate import Denied, Gate, records_behind
from queries.access.roles import Area, Person, Role
from queries.engine.drilldown import records_behind as unguarded
from queries.engine.indicators import compute_table
from queries.model.periods import Period
from queries.model.tree import Tree
from queries.store.frames import load_frames

PERIOD = Period.parse("2026-Q2")
AS_OF = datetime(2026, 6, 30, 23, 59, 59)

ROLES = {
    "admin": Person("admin@bureau.cn", Role.ADMIN),
    "leadership": Person("lead@bureau.cn", Role.LEADERSHIP),
    "unit_head": Person("head@bureau.cn", Role.UNIT_HEAD, "B01"),
    "liaison": Person("liaison@bureau.cn", Role.LIAISON),
    "viewer": Person("viewer@bureau.cn", Role.VIEWER),
}
# which units' records each role may open (access.md): B01's subtree for the head
ALLOWED = {
    "admin": {"HQ", "B01", "B01-S01", "B02", "D01"},
    "leadership": {"HQ", "B01", "B01-S01", "B02", "D01"},
    "unit_head": {"B01", "B01-S01"},
    "liaison": set(),
    "viewer": set(),
}


def test_every_role_s_reach_of_the_records_behind_a_figure(seeded: str) -> None:
    engine = sa.create_engine(seeded)
    frames = load_frames(engine)
    table = compute_table(frames, PERIOD, AS_OF).table
    for name, person in ROLES.items():
        gate = Gate(engine, person, audit.Where("unit", None, str(PERIOD), AS_OF))
        for unit in ("HQ", "B01", "B01-S01", "B02", "D01"):
            before = audit.read(engine).height
            if unit in ALLOWED[name]:
                got = records_behind(gate, frames, "R_ONTIME", unit, PERIOD, AS_OF)
                # the same rows as the engine's, adding up to the table's n
                assert got.equals(unguarded(frames, "R_ONTIME", unit, PERIOD, AS_OF))
                n = table.filter(pl.col("unit_id") == unit)["R_ONTIME_n"].item()
                assert got["denominator"].sum() == n
                last = audit.read(engine).row(-1, named=True)
                assert (last["event"], last["user"], last["unit_id"], last["records"]) == (
                    "view_records",
                    person.email,
                    unit,
                    got.height,
                )
                assert last["detail"] == "records R_ONTIME" and last["page"] == "unit"
            else:
                with pytest.raises(Denied):
                    records_behind(gate, frames, "R_ONTIME", unit, PERIOD, AS_OF)
                last = audit.read(engine).row(-1, named=True)
                assert (last["event"], last["user"], last["role"], last["unit_id"]) == (
                    "denied",
                    person.email,
                    name,
                    unit,
                )
                assert last["records"] is None
            assert audit.read(engine).height == before + 1
    engine.dispose()


def test_a_read_outside_the_reach_reads_nothing(seeded: str) -> None:
    engine = sa.create_engine(seeded)
    frames = load_frames(engine)
    tree = Tree.from_units(frames.units)
    calls: list[str] = []

    def read() -> pl.DataFrame:
        calls.append("read")
        return pl.DataFrame({"unit_id": ["B01"]})

    gate = Gate(engine, ROLES["unit_head"])
    with pytest.raises(Denied):
        gate.records("B02", tree, read, detail="x")
    with pytest.raises(Denied):  # HQ's records hold other branches'
        gate.records("HQ", tree, read, detail="x")
    with pytest.raises(Denied):  # an unknown unit is no one's subtree
        gate.records("B99", tree, read, detail="x")
    assert calls == []
    # a reader that returns too much: the rows outside the reach are dropped
    wide = pl.DataFrame({"unit_id": ["B01", "B02", "B01-S02", "HQ"], "n": [1, 2, 3, 4]})
    got = gate.records("B01", tree, lambda: wide, detail="x")
    assert got.equals(pl.DataFrame({"unit_id": ["B01", "B01-S02"], "n": [1, 3]}))
    assert audit.read(engine)["records"].to_list()[-1] == 2
    engine.dispose()


def test_per_unit_tables_briefing_and_data(seeded: str) -> None:
    """The Data page's freshness keeps the head's subtree; its import log (not per unit)
    is for every-unit reach; the briefing of a scope needs the scope in reach."""
    engine = sa.create_engine(seeded)
    frames = load_frames(engine)
    tree = Tree.from_units(frames.units)
    per_unit = frames.units.select("unit_id")
    b01 = set(tree.subtree("B01"))
    assert len(b01) == 1 + len(tree.children["B01"])
    for name, person in ROLES.items():
        gate = Gate(engine, person)
        data_reach = {"admin": 31, "leadership": 31, "unit_head": len(b01)}
        if name in data_reach:
            rows = gate.rows(Area.DATA, per_unit, tree, detail="freshness", unit_id=None)
            assert rows.height == data_reach[name]
            assert audit.read(engine)["records"].to_list()[-1] == data_reach[name]
        else:
            with pytest.raises(Denied):
                gate.rows(Area.DATA, per_unit, tree, detail="freshness", unit_id=None)
        assert gate.may(Area.DATA, None, tree) is (name in ("admin", "leadership"))
        briefing_whole = name in ("admin", "leadership", "liaison")
        assert gate.may(Area.BRIEFING, None, tree) is briefing_whole
        assert gate.may(Area.BRIEFING, "B01-S01", tree) is (name != "viewer")
        assert gate.may(Area.BRIEFING, "B02", tree) is briefing_whole
        assert gate.may(Area.AUDIT, None, tree) is (name == "admin")
    assert per_unit.height == 31
    engine.dispose()


def test_a_session_audits_one_view_once(seeded: str) -> None:
    engine = sa.create_engine(seeded)
    frames = load_frames(engine)
    gate = Gate(engine, ROLES["admin"], audit.Where("unit"), seen=set())
    for _ in range(3):  # the page redrawn three times
        records_behind(gate, frames, "R_ONTIME", "B01", PERIOD, AS_OF)
    records_behind(gate, frames, "R_REPLY", "B01", PERIOD, AS_OF)
    gate.download("records_R_ONTIME_2026-Q2_B01.csv", unit_id="B01", records=5)
    gate.download("records_R_ONTIME_2026-Q2_B01.csv", unit_id="B01", records=5)
    trail = audit.read(engine)
    assert trail["event"].to_list() == ["view_records", "view_records", "download", "download"]
    assert trail["detail"].to_list()[:2] == ["records R_ONTIME", "records R_REPLY"]
    engine.dispose()
