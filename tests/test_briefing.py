"""The liaison briefing's facts: figures from the indicator table, deputies' items, sentences."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
import sqlalchemy as sa
from db_records import record_days

from queries.engine.indicators import indicator_table
from queries.model.catalogue import INDICATORS, table_columns
from queries.model.periods import Period
from queries.model.settings import DEFAULT_SETTINGS
from queries.store.frames import load_frames
from queries.store.schemas import make_frames
from reports.briefing.deputies import FeedbackCounts, SupervisionCounts, deputy_items, subtree_ids
from reports.briefing.html import briefing_html
from reports.briefing.model import build_briefing
from reports.briefing.standings import level_standings
from reports.wording import change_sentence, pct, score
from seed_data.generator import seed_database

PERIOD = Period.parse("2026-Q1")
AS_OF = datetime(2026, 4, 10)


@pytest.fixture
def seeded(engine: sa.Engine) -> sa.Engine:
    """The tiny generated city (1 bureau, 3 branches, stations, departments; one year)."""
    seed_database(engine, "tiny", 7, date(2026, 4, 10), progress=False)
    return engine


# --- deputies' own items, hand-computed ------------------------------------------------

UNITS = [
    {"unit_id": "B", "name": "市局", "level": "bureau", "kind": "management"},
    {
        "unit_id": "X",
        "name": "甲分局",
        "parent_id": "B",
        "level": "branch",
        "kind": "comprehensive",
    },
    {"unit_id": "S", "name": "甲派出所", "parent_id": "X", "level": "station", "kind": "window"},
    {
        "unit_id": "Y",
        "name": "乙分局",
        "parent_id": "B",
        "level": "branch",
        "kind": "comprehensive",
    },
]


def _fb(case_id: str, unit: str, kind: str, received: str, channel: str = "deputy", **kw: object):  # type: ignore[no-untyped-def]
    return {
        "case_id": case_id,
        "unit_id": unit,
        "kind": kind,
        "channel": channel,
        "received_at": received,
        **kw,
    }


def _sv(item_id: str, unit: str, source: str, opened: str, **kw: object):  # type: ignore[no-untyped-def]
    return {"item_id": item_id, "unit_id": unit, "source": source, "opened_on": opened, **kw}


FEEDBACK = [
    # in scope X: received in 2026-03
    _fb(
        "f1",
        "S",
        "suggestion",
        "2026-03-02 10:00",
        first_response_at="2026-03-02 12:00",
        closed_at="2026-03-10 09:00",
        outcome="adopted",
    ),
    _fb(
        "f2",
        "X",
        "opinion",
        "2026-03-05 09:00",
        closed_at="2026-03-20 09:00",
        outcome="not_adopted",
    ),
    # open; due = received + 30 days = 2026-03-31 00:00 < as-of: overdue
    _fb("f3", "X", "complaint", "2026-03-01 00:00"),
    # open; due_at after as-of: not overdue
    _fb("f4", "S", "complaint", "2026-03-20 09:00", due_at="2026-04-30 00:00"),
    # closed after as-of: still open at as-of, so not adopted either; due 2026-04-24: not overdue
    _fb(
        "f5",
        "X",
        "suggestion",
        "2026-03-25 09:00",
        closed_at="2026-04-06 09:00",
        outcome="adopted",
    ),
    # enquiry due after 3 days = 2026-04-03 23:00 < as-of: overdue
    _fb("f10", "X", "enquiry", "2026-03-31 23:00"),
    # out of scope or out of period or another channel
    _fb("f6", "Y", "suggestion", "2026-03-10 09:00"),
    _fb("f7", "X", "complaint", "2026-03-10 09:00", channel="hotline"),
    _fb("f8", "X", "suggestion", "2026-02-28 23:59"),
    _fb("f9", "X", "enquiry", "2026-04-01 00:00"),
]

SUPERVISION = [
    _sv(
        "s1",
        "S",
        "npc_deputy",
        "2026-03-03",
        rectify_due_on="2026-03-20",
        rectified_on="2026-03-18",
        result_published_on="2026-03-25",
    ),
    _sv("s2", "X", "cppcc_member", "2026-03-10", rectify_due_on="2026-03-31"),
    # rectified after as-of: not rectified yet; due after as-of: not overdue
    _sv(
        "s3",
        "X",
        "npc_deputy",
        "2026-03-15",
        rectify_due_on="2026-04-10",
        rectified_on="2026-04-08",
    ),
    # rectified late; published after as-of: not published yet
    _sv(
        "s4",
        "X",
        "npc_deputy",
        "2026-03-20",
        rectify_due_on="2026-03-25",
        rectified_on="2026-03-28",
        result_published_on="2026-04-07",
    ),
    # no deadline: open but never overdue
    _sv("s8", "X", "cppcc_member", "2026-03-05"),
    _sv("s5", "X", "inspectorate", "2026-03-05"),
    _sv("s6", "Y", "npc_deputy", "2026-03-05"),
    _sv("s7", "X", "npc_deputy", "2026-04-02"),
]


def test_deputy_items_hand_computed() -> None:
    frames = make_frames(units=UNITS, feedback=FEEDBACK, supervision=SUPERVISION)
    scope = subtree_ids(frames.units, ["X"])
    assert scope == {"X", "S"}
    result = deputy_items(
        frames, scope, Period.parse("2026-03"), datetime(2026, 4, 5, 12, 0), DEFAULT_SETTINGS
    )
    fields = ("received", "responded", "closed", "adopted", "adoption_decided", "open", "overdue")
    expected_feedback = [
        # suggestion: f1 (responded, closed, adopted), f5 (open at as-of, not yet due)
        ("suggestion", 2, 1, 1, 1, 1, 1, 0),
        # opinion: f2 closed, not adopted
        ("opinion", 1, 0, 1, 0, 1, 0, 0),
        # complaint: f3 open and overdue, f4 open, due later
        ("complaint", 2, 0, 0, 0, 0, 2, 1),
        # enquiry: f10 open, 3-day deadline passed
        ("enquiry", 1, 0, 0, 0, 0, 1, 1),
        # total: 2 + 1 + 2 + 1 = 6 received; closed f1, f2; open 6 - 2 = 4; overdue f3, f10
        ("total", 6, 1, 2, 1, 2, 4, 2),
    ]
    assert list(result.feedback) == [
        FeedbackCounts(kind, **dict(zip(fields, nums, strict=True)))
        for kind, *nums in expected_feedback
    ]
    sfields = ("raised", "rectified", "rectified_on_time", "open", "overdue", "published")
    expected_supervision = [
        # s1 on time and published, s3 open (rectified after as-of), s4 rectified late
        ("npc_deputy", 3, 2, 1, 1, 0, 1),
        # s2 open past its deadline, s8 open without a deadline
        ("cppcc_member", 2, 0, 0, 2, 1, 0),
        ("total", 5, 2, 1, 3, 1, 1),
    ]
    assert list(result.supervision) == [
        SupervisionCounts(src, **dict(zip(sfields, nums, strict=True)))
        for src, *nums in expected_supervision
    ]


def test_deputy_items_whole_bureau_includes_other_branch() -> None:
    frames = make_frames(units=UNITS, feedback=FEEDBACK, supervision=SUPERVISION)
    result = deputy_items(
        frames,
        subtree_ids(frames.units, ["B"]),
        Period.parse("2026-03"),
        datetime(2026, 4, 5, 12, 0),
        DEFAULT_SETTINGS,
    )
    # scope X's 6 cases + f6 (Y, suggestion, open, due 2026-04-09: not overdue)
    assert result.feedback_total.received == 7
    assert result.feedback_total.overdue == 2
    # scope X's 5 findings + s6 (Y)
    assert result.supervision_total.raised == 6


# --- sentences -------------------------------------------------------------------------


def test_change_sentences() -> None:
    assert (
        change_sentence("按期办结率", 0.78, 0.71, 0.65, "pct", "zh")
        == "按期办结率由上期的71.0%升至78.0%，去年同期为65.0%（+13.0个百分点）。"
    )
    assert (
        change_sentence("On-time closure", 0.78, 0.71, None, "pct", "en")
        == "On-time closure rose from 71.0% in the previous period to 78.0%."
    )
    # equal once rounded: held, not "fell from 78.0% to 78.0%"
    assert (
        change_sentence("满意率", 0.78004, 0.78001, None, "pct", "zh")
        == "满意率与上期持平，为78.0%。"
    )
    assert change_sentence("总分", 70.0, 75.5, 80.0, "score", "zh") == (
        "总分由上期的75.5分降至70.0分，去年同期为80.0分（−10.0分）。"
    )
    assert change_sentence("回访率", None, 0.5, None, "pct", "zh") == "回访率本期无数据。"
    assert change_sentence("Return visits", 0.5, None, None, "pct", "en") == (
        "Return visits was 50.0% (no data for the previous period)."
    )
    assert change_sentence(
        "解决率", 0.5, 0.4, None, "pct", "zh", n=6, insufficient=True, min_sample=10
    ) == ("解决率由上期的40.0%升至50.0%；样本仅6件（少于10件），仅供参考，不计入得分。")


# --- strongest and weakest units -------------------------------------------------------


def _table_rows(rows: list[dict[str, object]]) -> pl.DataFrame:
    full = [{c: r.get(c) for c in table_columns()} for r in rows]
    schema = {
        c: (pl.String if c in ("unit_id", "name", "level", "kind", "parent_id") else pl.Float64)
        for c in table_columns()
    }
    schema["rank"] = pl.Int64
    return pl.DataFrame(full, schema=schema)


def test_level_standings_weak_points_against_the_median() -> None:
    def station(
        uid: str, overall: float, rank: int, ontime: float, sat: float, sat_n: int
    ) -> dict[str, object]:
        return {
            "unit_id": uid,
            "level": "station",
            "overall": overall,
            "rank": rank,
            "R_ONTIME": ontime,
            "R_ONTIME_n": 50,
            "S_SATISFACTION": sat,
            "S_SATISFACTION_n": sat_n,
            "S_REPEAT": 0.9,  # not scored: never a weak point
            "S_REPEAT_n": 50,
        }

    table = _table_rows(
        [
            station("A", 90.0, 1, 0.90, 0.95, 40),
            station("B", 80.0, 2, 0.80, 0.90, 40),
            station("C", 70.0, 3, 0.72, 0.85, 40),
            # satisfaction from 5 cases: insufficient, so neither counted nor named
            station("D", 60.0, 4, 0.40, 0.10, 5),
        ]
    )
    names = {"A": "A所", "B": "B所", "C": "C所", "D": "D所"}
    (lv,) = level_standings(table, "branch", DEFAULT_SETTINGS, names, "zh")
    # 4 ranked: top (4 + 1) // 2 = 2, bottom 4 - 2 = 2, lowest first
    assert [u.unit_id for u in lv.strongest] == ["A", "B"]
    assert [u.unit_id for u in lv.weakest] == ["D", "C"]
    # R_ONTIME median over A..D = (0.80 + 0.72) / 2 = 0.76; S_SATISFACTION over A..C = 0.90
    d, c = lv.weakest
    assert [(w.code, w.value, w.median) for w in d.weak] == [
        ("R_ONTIME", 0.40, pytest.approx(0.76))
    ]
    # C: satisfaction 0.05 below its median comes before on-time closure 0.04 below
    assert [(w.code, w.value, w.median) for w in c.weak] == [
        ("S_SATISFACTION", 0.85, pytest.approx(0.90)),
        ("R_ONTIME", 0.72, pytest.approx(0.76)),
    ]
    assert lv.median_overall == 75.0  # (80 + 70) / 2
    assert lv.sentences[1] == "D所主要失分在按期办结率40.0%（同级中位数76.0%）。"


# --- the briefing equals the indicator table -------------------------------------------


def _same(a: object, b: object) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and float(a) == float(b))  # type: ignore[arg-type]


@pytest.mark.parametrize("unit_id", [None, "B01"])
def test_briefing_figures_equal_the_indicator_table(seeded: sa.Engine, unit_id: str | None) -> None:
    frames = load_frames(seeded)
    b = build_briefing(frames, PERIOD, AS_OF, DEFAULT_SETTINGS, unit_id=unit_id, lang="zh")
    tables = {
        "now": indicator_table(frames, PERIOD, AS_OF, DEFAULT_SETTINGS, unit_id=unit_id),
        "previous": indicator_table(
            frames, PERIOD.previous(), AS_OF, DEFAULT_SETTINGS, unit_id=unit_id
        ),
        "last_year": indicator_table(
            frames, PERIOD.same_period_last_year(), AS_OF, DEFAULT_SETTINGS, unit_id=unit_id
        ),
    }
    (section,) = b.sections
    assert section.unit_id == (unit_id or "HQ")
    rows = {
        k: t.filter(pl.col("unit_id") == section.unit_id).to_dicts()[0] for k, t in tables.items()
    }
    # the tiny city's records begin a year before 2026-04-10: the same quarter last year
    # (2025-01-01..03-31) ends before the first record, so the briefing has nothing to
    # compare with, where the table would give its units a coverage of 0
    first, _latest = record_days(seeded)
    first_day = first
    assert PERIOD.same_period_last_year().end.isoformat() < first_day
    assert PERIOD.previous().end.isoformat() >= first_day
    checked = 0
    for line in (*section.headline, *section.indicators):
        for when in ("now", "previous"):
            assert _same(getattr(line, when), rows[when][line.code]), (line.code, when)
            checked += 1
        assert line.last_year is None, line.code
        checked += 1
    assert rows["last_year"]["O_COVERAGE"] == 0.0  # what the table says, and why not shown
    for line in section.indicators:
        assert line.n == rows["now"][f"{line.code}_n"]
    assert checked == 3 * (4 + len(INDICATORS))
    assert section.rank == rows["now"]["rank"]

    # units named as strongest / weakest carry their table score and rank
    now = tables["now"]
    for lv in section.levels:
        level_rows = now.filter(pl.col("level") == lv.level)
        assert lv.units == level_rows.height
        for u in (*lv.strongest, *lv.weakest):
            r = level_rows.filter(pl.col("unit_id") == u.unit_id).to_dicts()[0]
            assert (u.overall, u.rank) == (r["overall"], r["rank"])
            for w in u.weak:
                assert w.value == r[w.code]
    if unit_id == "B01":
        assert [lv.level for lv in section.levels] == ["station"]

    # the trend's months end with the period's last month, whose scores are that month's table
    assert b.trend_months[-1] == "2026-03" and len(b.trend_months) == 12
    march = indicator_table(frames, "2026-03", AS_OF, DEFAULT_SETTINGS, unit_id=unit_id)
    march_row = march.filter(pl.col("unit_id") == section.unit_id).to_dicts()[0]
    for code in ("overall", "openness", "responsiveness", "satisfaction"):
        assert _same(section.trend[code][-1], march_row[code]), code

    sp = section.supervision_public
    assert sp.rectified == rows["now"]["O_SUPERVISION_PUBLIC_n"]
    assert sp.published + sp.internal == sp.rectified
    assert _same(sp.rate, rows["now"]["O_SUPERVISION_PUBLIC"])

    # the page prints the same numbers, rounded once
    page = briefing_html(b)
    for line in section.headline:
        if line.now is not None:
            assert score(line.now) in page
    for line in section.indicators:
        if line.now is not None and line.fmt == "pct":
            assert pct(line.now) in page


def test_briefing_deputy_counts_match_their_function(seeded: sa.Engine) -> None:
    frames = load_frames(seeded)
    b = build_briefing(frames, PERIOD, AS_OF, DEFAULT_SETTINGS)
    (section,) = b.sections
    direct = deputy_items(
        frames, set(frames.units["unit_id"].to_list()), PERIOD, AS_OF, DEFAULT_SETTINGS
    )
    assert section.deputies == direct
    # the per-kind rows add up to the total
    total = direct.feedback_total
    kinds = [r for r in direct.feedback if r.kind != "total"]
    assert sum(r.received for r in kinds) == total.received
    assert total.received == total.closed + total.open
    # the seeded city has deputy-channel cases in the quarter (else this test shows nothing)
    assert total.received > 0


def test_briefing_english_and_unknown_unit(seeded: sa.Engine) -> None:
    frames = load_frames(seeded)
    b = build_briefing(frames, PERIOD, AS_OF, DEFAULT_SETTINGS, lang="en")
    page = briefing_html(b)
    assert "Police Affairs Openness Briefing" in page
    assert "Jiangzhou" in page  # English unit names
    with pytest.raises(ValueError, match="unknown unit"):
        build_briefing(frames, PERIOD, AS_OF, DEFAULT_SETTINGS, unit_id="NOPE")


def test_each_root_gets_its_own_section() -> None:
    units = [
        *UNITS,
        {"unit_id": "R2", "name": "二市局", "level": "bureau", "kind": "management"},
        # a parent that names no unit: treated as a root too
        {
            "unit_id": "O",
            "name": "孤立分局",
            "parent_id": "GONE",
            "level": "branch",
            "kind": "window",
        },
    ]
    frames = make_frames(units=units, feedback=FEEDBACK, supervision=SUPERVISION)
    b = build_briefing(frames, Period.parse("2026-03"), datetime(2026, 4, 5, 12), DEFAULT_SETTINGS)
    assert [s.unit_id for s in b.sections] == ["B", "O", "R2"]
    # the first root's deputy channel: its 7 cases (see the whole-bureau test above)
    assert b.sections[0].deputies.feedback_total.received == 7
    assert b.sections[2].deputies.feedback_total.received == 0
    page = briefing_html(b)
    assert page.count("<h2>二市局</h2>") == 1


def test_a_year_is_compared_with_the_previous_year_once() -> None:
    frames = make_frames(units=UNITS, feedback=FEEDBACK, supervision=SUPERVISION)
    b = build_briefing(frames, Period.parse("2026"), datetime(2026, 4, 5, 12), DEFAULT_SETTINGS)
    assert not b.shows_last_year
    assert "去年同期" not in briefing_html(b)
    q = build_briefing(frames, Period.parse("2026-Q1"), datetime(2026, 4, 5, 12), DEFAULT_SETTINGS)
    assert q.shows_last_year
    assert "去年同期" in briefing_html(q)


def test_one_complete_score_at_a_level_is_no_ranking() -> None:
    """New Orleans: one of 65 units had a complete score, and the briefing called it
    first ("CID（0.7分）居前")."""
    from reports.briefing.standings import UnitLine, _level_sentences

    only = UnitLine(unit_id="CID", name="CID", overall=0.7, rank=1)
    zh = _level_sentences("支队/大队", 65, 1, (only,), (), "zh")
    assert zh == ("65个支队/大队中只有CID有完整得分（0.7分），不作排名比较。",)
    en = _level_sentences("Division", 65, 1, (only,), (), "en")
    assert en == (
        "Only CID of the 65 division units has a complete score (0.7): there is no "
        "ranking to compare.",
    )
