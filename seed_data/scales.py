"""The sizes the generator knows: how many units, years and records."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """One generator size.

    Record totals are for the whole span; each quarter gets its share by the
    seasonal day weights, so the numbers generated are close to, not exactly,
    these.
    """

    name: str
    cities: int
    # branches (分局) per city: low, high (inclusive); stations per branch on average
    branches: tuple[int, int]
    stations_per_branch: float
    departments: int
    years: int
    feedback: int
    disclosures: int
    supervision: int


SCALES: dict[str, Scale] = {
    # for tests: a handful of units and one year
    "tiny": Scale("tiny", 1, (3, 3), 4.0, 15, 1, 4_000, 1_200, 150),
    # one city: 1 bureau, 12 branches, 80 stations, 15 departments; two years
    "demo": Scale("demo", 1, (12, 12), 80 / 12, 15, 2, 100_000, 25_000, 2_500),
    # the same city with four years of history
    "city": Scale("city", 1, (12, 12), 80 / 12, 15, 4, 200_000, 50_000, 5_000),
    # a province: 20 city bureaus as roots, about 3,000 units, three years
    "province": Scale("province", 20, (9, 15), 10.5, 15, 3, 6_000_000, 1_500_000, 150_000),
    # the province's units and yearly volume (2 M feedback, 500 k disclosures, 50 k
    # supervision a year) with one year and with five years of history: what
    # benchmarks/engines.py compares (does a year's table cost more with more history?).
    # Volume grows ~8% a year, so five years total 4.43 years' worth of the last one:
    # the last year of each holds the same number of records.
    "province1": Scale("province1", 20, (9, 15), 10.5, 15, 1, 2_000_000, 500_000, 50_000),
    "province5": Scale("province5", 20, (9, 15), 10.5, 15, 5, 8_865_000, 2_216_000, 221_600),
    # ten provinces' volume (200 city bureaus, ~29,000 units, ~76 M records over three
    # years): the national simulation of benchmarks/engines.py (--scale national)
    "national": Scale("national", 200, (9, 15), 10.5, 15, 3, 60_000_000, 15_000_000, 1_500_000),
}
