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
}
