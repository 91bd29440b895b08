"""The demo data generator: determinism, validity against records.md, and the
realism the dashboard's demo relies on (checked on the demo scale).

Shares are computed here directly with polars from the generated frames (not
through the indicator engine), with the reasoning written beside each bound.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries.model.records import EXTERNAL_SOURCES, KINDS, FieldType
from seed_data.generator import generate
from seed_data.scales import SCALES
from seed_data.world import build_world

REF = date(2026, 6, 30)
END = datetime(2026, 7, 1)  # the midnight that ends the reference date

# methodology.md, "Mandatory catalogue by unit kind (default)", written out again
# so that this test checks the generator against the spec, not against itself
CATALOGUE = {
    "comprehensive": "powers_duties procedures obligations rights_remedies convenience_measures "
    "complaint_channels units_contacts case_progress enforcement_results",
    "window": "powers_duties procedures obligations rights_remedies convenience_measures "
    "complaint_channels units_contacts",
    "case_handling": "powers_duties procedures rights_remedies complaint_channels units_contacts "
    "case_progress enforcement_results",
    "management": "powers_duties normative_documents procedures complaint_channels units_contacts "
    "major_decisions statistics",
}


@pytest.fixture(scope="module")
def demo() -> dict[str, pl.DataFrame]:
    return generate("demo", 42, REF)


# --- determinism ---------------------------------------------------------------------


def test_same_seed_gives_identical_frames(demo: dict[str, pl.DataFrame]) -> None:
    again = generate("demo", 42, REF)
    for kind, frame in demo.items():
        assert_frame_equal(again[kind], frame)


def test_different_seed_gives_different_frames() -> None:
    a = generate("tiny", 1, REF)
    b = generate("tiny", 2, REF)
    for kind in ("disclosures", "feedback", "supervision"):
        assert not a[kind].equals(b[kind]), kind
    # the unit tree's shape is fixed by the scale, its names and profiles by the seed
    assert a["units"].height == b["units"].height
    assert not a["units"].equals(b["units"])


def test_reference_date_is_a_parameter_not_the_clock() -> None:
    a = generate("tiny", 1, date(2025, 3, 31))
    b = generate("tiny", 1, date(2025, 3, 31))
    assert a["feedback"].equals(b["feedback"])
    assert a["feedback"]["received_at"].max() < datetime(2025, 4, 1)
    # a year window: the day after 2024-03-31 is the first day
    assert a["feedback"]["received_at"].min() >= datetime(2024, 4, 1)


# --- shape -----------------------------------------------------------------------------


def test_columns_and_types_are_those_of_records(demo: dict[str, pl.DataFrame]) -> None:
    dtypes = {
        FieldType.TEXT: pl.String,
        FieldType.ENUM: pl.String,
        FieldType.DATE: pl.Date,
        FieldType.DATETIME: pl.Datetime("us"),
        FieldType.BOOL: pl.Boolean,
    }
    for kind, frame in demo.items():
        expected = {f.name: dtypes[f.type] for f in KINDS[kind].fields}
        assert dict(frame.schema) == expected, kind


def test_demo_sizes(demo: dict[str, pl.DataFrame]) -> None:
    levels = dict(demo["units"].group_by("level").len().iter_rows())
    assert levels == {"bureau": 1, "branch": 12, "station": 80, "department": 15}
    # totals are planned per quarter and rounded: within a few of the scale's numbers
    assert abs(demo["feedback"].height - 100_000) < 10
    assert abs(demo["disclosures"].height - 25_000) < 10
    assert abs(demo["supervision"].height - 2_500) < 10


def test_unit_ids_and_names(demo: dict[str, pl.DataFrame]) -> None:
    units = demo["units"]
    ids = set(units["unit_id"])
    assert {"HQ", "B01", "B01-S03", "D05"} <= ids
    row = units.filter(pl.col("unit_id") == "D07").row(0, named=True)
    assert row["name"] == "出入境管理支队"
    assert row["kind"] == "window"
    assert units.filter(pl.col("level") == "station")["name"].str.ends_with("派出所").all()
    assert units["name_en"].null_count() == 0


def test_province_units_have_city_roots() -> None:
    world = build_world(SCALES["province"], 42, REF)
    units = world.units
    roots = units.filter(pl.col("parent_id").is_null())
    assert roots["unit_id"].to_list() == [f"C{i:02d}" for i in range(1, 21)]
    assert roots["level"].unique().to_list() == ["bureau"]
    assert 2_700 <= units.height <= 3_300
    assert units["unit_id"].n_unique() == units.height


def _planned_per_year(scale: str) -> dict[int, int]:
    """Feedback cases the generator plans for each calendar year (reference 2025-12-31)."""
    world = build_world(SCALES[scale], 42, date(2025, 12, 31))
    per: dict[int, int] = {}
    for chunk in world.chunks:
        per[chunk.year] = per.get(chunk.year, 0) + chunk.counts["feedback"]
    return per


def test_benchmark_provinces_share_the_province_units_and_yearly_volume() -> None:
    # benchmarks/engines.py compares a year's table over one year and over five years of
    # history: the same units, and about the same volume in the year asked (2025)
    province = build_world(SCALES["province"], 42, REF).units
    for scale in ("province1", "province5"):
        assert_frame_equal(build_world(SCALES[scale], 42, REF).units, province)
    one, five = _planned_per_year("province1"), _planned_per_year("province5")
    assert sorted(one) == [2025]
    assert sorted(five) == [2021, 2022, 2023, 2024, 2025]
    # the year asked holds the same volume in both (within 1%); growing ~8% a year,
    # the five years hold about 4.4 times the last one
    assert five[2025] == pytest.approx(one[2025], rel=0.01)
    assert 4.2 <= sum(five.values()) / one[2025] <= 4.6


def test_national_scale_has_200_city_roots_with_unique_ids_and_names() -> None:
    units = build_world(SCALES["national"], 42, REF).units
    roots = units.filter(pl.col("parent_id").is_null())
    assert roots.height == 200
    assert roots["unit_id"][-1] == "C200"
    assert units["unit_id"].n_unique() == units.height
    assert roots["name"].n_unique() == 200  # names repeat past the list, numbered
    assert 27_000 <= units.height <= 33_000


# --- validity (records.md) -------------------------------------------------------------


def _check_every_row_passes_the_record_rules(demo: dict[str, pl.DataFrame]) -> None:
    for kind, frame in demo.items():
        spec = KINDS[kind]
        assert frame[spec.key].n_unique() == frame.height, f"{kind}: duplicate keys"
        for f in spec.fields:
            if f.required:
                assert frame[f.name].null_count() == 0, f"{kind}.{f.name} empty"
            if f.type == FieldType.ENUM:
                bad = set(frame[f.name].drop_nulls().unique()) - set(f.choices)
                assert not bad, f"{kind}.{f.name}: {bad}"
    ids = set(demo["units"]["unit_id"])
    for kind in ("disclosures", "feedback", "supervision"):
        assert set(demo[kind]["unit_id"]) <= ids, kind


def _check_units_form_a_forest(demo: dict[str, pl.DataFrame]) -> None:
    parent = dict(demo["units"].select("unit_id", "parent_id").iter_rows())
    assert set(p for p in parent.values() if p is not None) <= set(parent)
    for unit in parent:
        seen = set()
        while unit is not None:
            assert unit not in seen, f"cycle through {unit}"
            seen.add(unit)
            unit = parent[unit]


def _check_feedback_cross_field_rules(demo: dict[str, pl.DataFrame]) -> None:
    fb = demo["feedback"]
    for col in ("first_response_at", "closed_at", "return_visit_at"):
        assert fb.filter(pl.col(col) < pl.col("received_at")).height == 0, col
    no_visit = fb.filter(pl.col("return_visit_at").is_null())
    assert no_visit["resolved"].null_count() == no_visit.height
    assert no_visit["satisfaction"].null_count() == no_visit.height
    # a return visit follows closure; first contact comes no later than closure
    assert fb.filter(pl.col("return_visit_at") < pl.col("closed_at")).height == 0
    assert fb.filter(pl.col("first_response_at") > pl.col("closed_at")).height == 0
    # outcome and reply belong to closed cases
    open_ = fb.filter(pl.col("closed_at").is_null())
    assert open_["outcome"].null_count() == open_.height
    assert open_["reasoned_reply"].null_count() == open_.height


def test_demo_rows_pass_the_record_rules(demo: dict[str, pl.DataFrame]) -> None:
    _check_every_row_passes_the_record_rules(demo)
    _check_units_form_a_forest(demo)
    _check_feedback_cross_field_rules(demo)
    _check_disclosure_and_supervision_dates_are_ordered(demo)


@pytest.mark.parametrize(
    "ref",
    [
        date(2024, 2, 29),  # leap day: the window starts 2023-03-01
        date(2026, 12, 30),  # the first quarter of the window is one day long
        date(2027, 8, 15),  # beyond chinese-calendar's years: Monday-Friday workdays
    ],
)
def test_rules_hold_for_any_reference_date(ref: date) -> None:
    frames = generate("tiny", 11, ref)
    _check_every_row_passes_the_record_rules(frames)
    _check_units_form_a_forest(frames)
    _check_feedback_cross_field_rules(frames)
    _check_disclosure_and_supervision_dates_are_ordered(frames)
    end = datetime.combine(ref + timedelta(days=1), datetime.min.time())
    fb, d, s = frames["feedback"], frames["disclosures"], frames["supervision"]
    for col in ("received_at", "first_response_at", "closed_at", "return_visit_at"):
        assert fb[col].max() < end, col
    assert (
        max(d[c].max() for c in ("formed_on", "published_on", "updated_on", "withdrawn_on")) <= ref
    )
    assert max(s[c].max() for c in ("opened_on", "rectified_on", "result_published_on")) <= ref
    start = ref.replace(year=ref.year - 1, day=28 if (ref.month, ref.day) == (2, 29) else ref.day)
    assert d["published_on"].min() > start
    assert fb["received_at"].min() >= datetime.combine(
        start + timedelta(days=1), datetime.min.time()
    )


def test_nothing_happens_after_the_reference_date(demo: dict[str, pl.DataFrame]) -> None:
    fb, d, s = demo["feedback"], demo["disclosures"], demo["supervision"]
    for col in ("received_at", "first_response_at", "closed_at", "return_visit_at"):
        assert fb[col].max() < END, col
    for col in ("formed_on", "published_on", "updated_on", "withdrawn_on"):
        assert d[col].max() <= REF, col
    for col in ("opened_on", "rectified_on", "result_published_on"):
        assert s[col].max() <= REF, col
    # the window is two years: 2024-07-01 .. 2026-06-30
    assert fb["received_at"].min() >= datetime(2024, 7, 1)
    assert d["published_on"].min() >= date(2024, 7, 1)


def _check_disclosure_and_supervision_dates_are_ordered(demo: dict[str, pl.DataFrame]) -> None:
    d, s = demo["disclosures"], demo["supervision"]
    assert d.filter(pl.col("formed_on") > pl.col("published_on")).height == 0
    assert d.filter(pl.col("updated_on") < pl.col("published_on")).height == 0
    assert d.filter(pl.col("withdrawn_on") < pl.col("published_on")).height == 0
    assert d.filter(pl.col("updated_on") > pl.col("withdrawn_on")).height == 0
    assert s.filter(pl.col("rectified_on") < pl.col("opened_on")).height == 0
    assert s.filter(pl.col("result_published_on") < pl.col("rectified_on")).height == 0
    assert s.filter(
        pl.col("rectified_on").is_null() & pl.col("result_published_on").is_not_null()
    ).is_empty()


def test_repeats_name_an_earlier_case_of_the_same_unit(demo: dict[str, pl.DataFrame]) -> None:
    fb = demo["feedback"]
    earlier = fb.select(
        pl.col("case_id").alias("repeat_of"),
        pl.col("unit_id").alias("earlier_unit"),
        pl.col("received_at").alias("earlier_at"),
    )
    rep = fb.filter(pl.col("repeat_of").is_not_null()).join(earlier, on="repeat_of", how="left")
    assert rep["earlier_unit"].null_count() == 0
    assert (rep["earlier_unit"] == rep["unit_id"]).all()
    assert (rep["earlier_at"] <= rep["received_at"]).all()
    assert (rep["repeat_of"] != rep["case_id"]).all()
    # about 6% of complaints, reports and opinions (~57% of cases): ~3.4% overall
    assert 0.01 < rep.height / fb.height < 0.08


# --- realism ---------------------------------------------------------------------------


def _coverage(demo: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Per unit: share of its kind's mandatory categories it has a live disclosure in."""
    catalogue = pl.DataFrame(
        [(k, c) for k, cats in CATALOGUE.items() for c in cats.split()],
        schema=["kind", "category"],
        orient="row",
    )
    live = (
        demo["disclosures"]
        .filter(pl.col("withdrawn_on").is_null())
        .select("unit_id", "category")
        .unique()
        .with_columns(has=pl.lit(True))
    )
    return (
        demo["units"]
        .join(catalogue, on="kind")
        .join(live, on=["unit_id", "category"], how="left")
        .group_by("unit_id", "level", "kind")
        .agg(coverage=pl.col("has").fill_null(False).mean())
    )


def test_window_units_cover_more_of_their_catalogue_than_case_handling(demo) -> None:  # type: ignore[no-untyped-def]
    by_kind = dict(_coverage(demo).group_by("kind").agg(pl.col("coverage").mean()).iter_rows())
    # generated with 0.97 vs 0.62 keep rates (x the department level's 0.8)
    assert by_kind["window"] > by_kind["case_handling"] + 0.2


def test_procedures_far_outnumber_results_and_obligations_rights(demo) -> None:  # type: ignore[no-untyped-def]
    n = dict(demo["disclosures"]["category"].value_counts().iter_rows())
    assert n["procedures"] > 3 * (n["case_progress"] + n["enforcement_results"])
    assert n["obligations"] > 2 * n["rights_remedies"]


def test_higher_units_are_less_open_than_stations(demo) -> None:  # type: ignore[no-untyped-def]
    cov = dict(_coverage(demo).group_by("level").agg(pl.col("coverage").mean()).iter_rows())
    assert cov["station"] > cov["department"] + 0.1
    assert cov["station"] > cov["bureau"] + 0.1
    d = demo["disclosures"].join(demo["units"].select("unit_id", "level"), on="unit_id")
    results = dict(
        d.group_by(pl.col("level").is_in(["station"]).alias("station"))
        .agg(pl.col("category").is_in(["case_progress", "enforcement_results"]).mean())
        .iter_rows()
    )
    assert results[True] > 1.5 * results[False]


def test_a_few_units_are_chronically_late(demo: dict[str, pl.DataFrame]) -> None:
    fb = demo["feedback"]
    default_due = pl.col("received_at") + pl.when(pl.col("kind") == "enquiry").then(
        pl.duration(days=3)
    ).otherwise(pl.duration(days=30))
    per_unit = (
        fb.with_columns(due=pl.coalesce("due_at", default_due))
        .filter(pl.col("due") < END)  # due by the reference date: not pending
        .group_by("unit_id")
        .agg(on_time=(pl.col("closed_at") <= pl.col("due")).fill_null(False).mean())
    )
    median = per_unit["on_time"].median()
    assert median is not None and median > 0.85
    late = per_unit.filter(pl.col("on_time") < median - 0.25)
    # ~4% of 80 stations (3) plus one branch
    assert 2 <= late.height <= 6, late


def test_days_to_close_have_a_long_tail(demo: dict[str, pl.DataFrame]) -> None:
    days = (
        demo["feedback"]
        .filter(pl.col("closed_at").is_not_null())
        .select((pl.col("closed_at") - pl.col("received_at")).dt.total_seconds() / 86_400)
        .to_series()
    )
    median, p95 = days.median(), days.quantile(0.95)
    assert median is not None and p95 is not None
    assert p95 > 4 * median


def test_satisfaction_tracks_resolution(demo: dict[str, pl.DataFrame]) -> None:
    rated = demo["feedback"].filter(
        pl.col("resolved").is_not_null() & pl.col("satisfaction").is_not_null()
    )
    satisfied = dict(
        rated.group_by("resolved").agg((pl.col("satisfaction") == "satisfied").mean()).iter_rows()
    )
    assert satisfied[True] > 0.6
    assert satisfied[False] < 0.2


def test_volume_dips_in_spring_festival_weeks(demo: dict[str, pl.DataFrame]) -> None:
    weekly = dict(
        demo["feedback"]
        .group_by(pl.col("received_at").dt.truncate("1w").dt.date())
        .len()
        .iter_rows()
    )
    # the weeks (from Monday) holding 2025-01-29 and 2026-02-17 (New Year's day)
    for week in (date(2025, 1, 27), date(2026, 2, 16)):
        around = [weekly[week + timedelta(weeks=k)] for k in (-4, -3, -2, 2, 3, 4)]
        assert weekly[week] < 0.6 * sum(around) / len(around), week


def test_deputies_are_a_small_share_of_feedback(demo: dict[str, pl.DataFrame]) -> None:
    share = (demo["feedback"]["channel"] == "deputy").mean()
    assert 0.01 <= share <= 0.03


def test_some_recent_cases_are_open(demo: dict[str, pl.DataFrame]) -> None:
    fb = demo["feedback"]
    recent = fb.filter(pl.col("received_at") >= datetime(2026, 6, 16))
    old = fb.filter(pl.col("received_at") < datetime(2025, 6, 30))
    assert recent["closed_at"].null_count() / recent.height > 0.3
    # 0.4% never close at all
    assert old["closed_at"].null_count() / old.height < 0.01


def test_return_visits_due_dates_and_withdrawals(demo: dict[str, pl.DataFrame]) -> None:
    fb, d = demo["feedback"], demo["disclosures"]
    closed = fb.filter(pl.col("closed_at").is_not_null())
    visit_share = closed["return_visit_at"].is_not_null().mean()
    assert visit_share is not None and 0.4 < visit_share < 0.9
    assert 0.05 < fb["due_at"].is_null().mean() < 0.4  # type: ignore[operator]
    assert 0.01 < d["withdrawn_on"].is_not_null().mean() < 0.1  # type: ignore[operator]


def test_supervision_results_mostly_unpublished_and_external_a_minority(demo) -> None:  # type: ignore[no-untyped-def]
    s = demo["supervision"]
    rectified = s.filter(pl.col("rectified_on").is_not_null())
    published = rectified["result_published_on"].is_not_null().mean()
    assert published is not None and 0.05 < published < 0.4
    external = s["source"].is_in(list(EXTERNAL_SOURCES)).mean()
    assert external is not None and 0.1 < external < 0.4


def test_formed_on_lags_a_few_working_days_with_a_late_tail(demo) -> None:  # type: ignore[no-untyped-def]
    d = demo["disclosures"]
    first = d["formed_on"].min()
    assert first is not None
    # cumulative working days by China's official calendar (2023-2026 are covered)
    days = [first + timedelta(days=i) for i in range((REF - first).days + 1)]
    cum, total = {}, 0
    for day in days:
        total += chinese_calendar.is_workday(day)
        cum[day] = total
    lookup = pl.DataFrame({"day": days, "cum": [cum[x] for x in days]})
    lags = (
        d.filter(pl.col("formed_on").is_not_null())
        .join(lookup.rename({"day": "formed_on", "cum": "c0"}), on="formed_on")
        .join(lookup.rename({"day": "published_on", "cum": "c1"}), on="published_on")
        .select(lag=pl.col("c1") - pl.col("c0"))["lag"]
    )
    assert lags.median() is not None and 1 <= lags.median() <= 5  # type: ignore[operator]
    late = (lags > 20).mean()
    assert late is not None and 0.03 < late < 0.2
    null_share = d["formed_on"].is_null().mean()
    assert null_share is not None and 0.01 < null_share < 0.1
