"""The unit tree of a scale, and each unit's hidden profile (how open, how
quick, how busy) that the record generators draw from.

Ids: one city has the bureau ``HQ`` with branches ``B01``.., stations
``B01-S01``.. and departments ``D01``..; in the province scale each city is a
root bureau ``C01``.. and its units carry the city's prefix (``C01-B01-S03``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from seed_data.catalogue import coverage_and_weights
from seed_data.names import (
    CITIES,
    DEPARTMENTS,
    DISTRICTS,
    STATION_PREFIXES,
    STATION_STEMS,
)
from seed_data.scales import Scale

LEVELS = ("bureau", "branch", "department", "station")
KINDS = ("comprehensive", "window", "case_handling", "management")

# how open a level is, compared with a station (higher units publish less:
# fewer catalogue entries, fewer results, later)
LEVEL_OPENNESS = {"station": 1.0, "branch": 0.9, "department": 0.8, "bureau": 0.75}
# share of a kind's mandatory catalogue a unit of that kind keeps published
TRAFFIC_DEPARTMENT = "D06"
KIND_COVERAGE = {"window": 0.97, "comprehensive": 0.9, "management": 0.85, "case_handling": 0.62}


@dataclass(frozen=True)
class UnitProfiles:
    """Per-unit parameters, aligned with the rows of the units frame."""

    level: np.ndarray  # int index into LEVELS
    kind: np.ndarray  # int index into KINDS
    feedback_weight: np.ndarray
    disclosure_weight: np.ndarray
    supervision_weight: np.ndarray
    openness: np.ndarray  # 0..1, level x unit noise
    chronically_late: np.ndarray  # bool
    close_mult: np.ndarray  # multiplies days to close
    response_hours: np.ndarray  # median hours to first response
    reply_p: np.ndarray  # chance of a reasoned reply
    visit_p: np.ndarray  # chance of a return visit
    resolve_p: np.ndarray  # chance resolved at the return visit
    covered: np.ndarray  # units x categories: publishes the category at all
    category_weight: np.ndarray  # units x categories: weight in its disclosures


def _station_names(rng: np.random.Generator, n: int) -> list[tuple[str, str]]:
    combos = [(p + s, pe + se) for p, pe in STATION_PREFIXES for s, se in STATION_STEMS]
    order = rng.permutation(len(combos))[:n]
    return [combos[i] for i in order]


def build_units(scale: Scale, rng: np.random.Generator) -> tuple[pl.DataFrame, UnitProfiles]:
    """The units frame (columns of records.UNITS) and the profiles behind it."""
    rows: list[tuple[str, str, str, str | None, str, str]] = []
    unit_fw: list[float] = []  # feedback weights of the rows, by row
    unit_dw: list[float] = []
    single = scale.cities == 1
    for c in range(scale.cities):
        city, city_en = CITIES[c % len(CITIES)]
        if c >= len(CITIES):  # the national scale's 200 cities: names repeat, numbered
            city, city_en = f"{city}{c // len(CITIES) + 1}", f"{city_en} {c // len(CITIES) + 1}"
        prefix = "" if single else f"C{c + 1:02d}-"
        root = "HQ" if single else f"C{c + 1:02d}"
        zh = "" if single else city
        en = "" if single else f"{city_en} "
        rows.append(
            (
                root,
                f"{city}市公安局",
                f"{city_en} Public Security Bureau",
                None,
                "bureau",
                "comprehensive",
            )
        )
        unit_fw.append(2.0)
        unit_dw.append(3.0)
        for code, name, name_en, dept_kind, fw, dw in DEPARTMENTS[: scale.departments]:
            rows.append((prefix + code, zh + name, en + name_en, root, "department", dept_kind))
            unit_fw.append(fw)
            unit_dw.append(dw)
        lo, hi = scale.branches
        n_branches = int(rng.integers(lo, hi + 1))
        n_stations = round(n_branches * scale.stations_per_branch)
        # every branch gets at least 3 stations, the rest spread unevenly
        floor = min(3, n_stations // n_branches)
        extra = rng.multinomial(
            n_stations - floor * n_branches, rng.dirichlet(np.full(n_branches, 4.0))
        )
        districts = [DISTRICTS[i] for i in rng.permutation(len(DISTRICTS))[:n_branches]]
        stations = _station_names(rng, n_stations)
        k = 0
        for b in range(n_branches):
            bid = f"{prefix}B{b + 1:02d}"
            dz, de = districts[b]
            rows.append((bid, f"{zh}{dz}分局", f"{en}{de} Branch", root, "branch", "comprehensive"))
            unit_fw.append(1.5)
            unit_dw.append(2.0)
            for s in range(floor + int(extra[b])):
                sz, se = stations[k]
                k += 1
                rows.append(
                    (
                        f"{bid}-S{s + 1:02d}",
                        f"{zh}{sz}派出所",
                        f"{en}{se} Police Station",
                        bid,
                        "station",
                        "comprehensive",
                    )
                )
                unit_fw.append(1.0)
                unit_dw.append(1.0)

    units = pl.DataFrame(
        rows,
        schema={
            "unit_id": pl.String,
            "name": pl.String,
            "name_en": pl.String,
            "parent_id": pl.String,
            "level": pl.String,
            "kind": pl.String,
        },
        orient="row",
    )
    n = units.height
    level = np.array([LEVELS.index(r[4]) for r in rows])
    kind = np.array([KINDS.index(r[5]) for r in rows])
    is_station = level == LEVELS.index("station")

    # a few units are chronically late: about 4% of stations and one branch per city
    late = np.zeros(n, dtype=bool)
    station_idx = np.flatnonzero(is_station)
    n_late = max(2, round(0.04 * len(station_idx)))
    late[rng.choice(station_idx, n_late, replace=False)] = True
    branch_idx = np.flatnonzero(level == LEVELS.index("branch"))
    roots = units["parent_id"].is_null().to_numpy()
    for r in np.flatnonzero(roots):
        city_branches = branch_idx[units["parent_id"].to_numpy()[branch_idx] == rows[r][0]]
        if len(city_branches) > 3:
            late[rng.choice(city_branches)] = True

    noise = rng.lognormal(0.0, 0.35, n)
    level_open = np.array([LEVEL_OPENNESS[LEVELS[i]] for i in level])
    openness = np.clip(level_open * rng.normal(1.0, 0.04, n), 0.3, 1.0)
    covered, category_weight = coverage_and_weights(
        rng,
        [r[5] for r in rows],
        openness,
        np.array([KIND_COVERAGE[r[5]] for r in rows]),
        np.array([r[0].endswith(TRAFFIC_DEPARTMENT) for r in rows]),
    )
    profiles = UnitProfiles(
        level=level,
        kind=kind,
        feedback_weight=np.array(unit_fw) * noise,
        disclosure_weight=np.array(unit_dw) * rng.lognormal(0.0, 0.3, n),
        supervision_weight=np.where(level == 0, 0.6, np.where(is_station, 1.0, 1.4))
        * np.where(late, 2.0, 1.0)
        * rng.lognormal(0.0, 0.3, n),
        openness=openness,
        chronically_late=late,
        close_mult=np.where(late, 3.5, 1.0) * rng.lognormal(0.0, 0.12, n),
        response_hours=np.where(late, 9.0, 2.5) * rng.lognormal(0.0, 0.25, n),
        reply_p=np.clip(rng.normal(0.88, 0.05, n) - np.where(late, 0.2, 0.0), 0.3, 0.99),
        visit_p=np.clip(rng.normal(0.78, 0.08, n), 0.3, 0.97),
        resolve_p=np.clip(rng.normal(0.8, 0.06, n) - np.where(late, 0.15, 0.0), 0.3, 0.97),
        covered=covered,
        category_weight=category_weight,
    )
    return units, profiles
