"""Disclosures: what units made public.

Two parts:
- the standing catalogue: in the first chunk, one entry per category a unit
  publishes at all (``UnitProfiles.covered``: window units keep nearly all
  their mandatory catalogue, case-handling units and higher units less);
- the flow: items spread over the days by working-day weights, categories
  drawn per unit from ``UnitProfiles.category_weight`` (procedures far more
  than results, obligations more than rights).

``formed_on`` is mostly a few working days before ``published_on``, with a
late tail beyond 20 working days (heavier for higher and chronically late
units) and an occasional null; a few items are updated or withdrawn later.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl

from queries.model.records import DISCLOSURES
from seed_data.catalogue import CATEGORIES, CHANNEL_BY_KIND, CHANNELS, DOMAIN_BY_CATEGORY, DOMAINS
from seed_data.draws import choose_by_row, code_series, date_series, sequence_ids
from seed_data.names import TITLES
from seed_data.world import Chunk, World, chunk_days

# a flat list of all titles; category c owns TITLE_OFFSETS[c] .. + TITLE_COUNTS[c]
_TITLES = [t for c in CATEGORIES for t in TITLES[c]]
TITLE_COUNTS = np.array([len(TITLES[c]) for c in CATEGORIES])
TITLE_OFFSETS = np.concatenate([[0], np.cumsum(TITLE_COUNTS)[:-1]])
NAT = np.datetime64("NaT")


def generate_disclosures(world: World, chunk: Chunk) -> pl.DataFrame:
    """The disclosures published in ``chunk`` (with the standing catalogue in the first)."""
    rng = world.rng("disclosures", chunk)
    p = world.profiles
    n = chunk.counts["disclosures"]
    standing_n = int(p.covered.sum()) if chunk.index == 0 else 0
    flow_n = n - standing_n

    # standing catalogue: every covered (unit, category), early in the window
    su, sc = np.nonzero(p.covered) if standing_n else (np.array([], int), np.array([], int))
    a = world.grid.index(chunk.first)
    b = min(world.grid.index(chunk.last), world.grid.index(chunk.first + timedelta(days=45)))
    workdays = a + np.flatnonzero(world.grid.workday[a : b + 1])
    if len(workdays) == 0:
        workdays = np.array([a])
    s_day = workdays[rng.integers(0, len(workdays), standing_n)]

    w = p.disclosure_weight * p.openness
    fu = rng.choice(len(w), flow_n, p=w / w.sum())
    fc = choose_by_row(rng, p.category_weight[fu]) if flow_n else np.array([], int)
    f_day = chunk_days(world, chunk, "disclosures", flow_n, rng)

    unit = np.concatenate([su, fu])
    cat = np.concatenate([sc, fc])
    day = np.concatenate([s_day, f_day])
    order = np.lexsort((cat, unit, day))
    unit, cat, day = unit[order], cat[order], day[order]

    # lag in working days from forming to publishing
    late_p = 0.05 / p.openness[unit] ** 2 * np.where(p.chronically_late[unit], 3.0, 1.0)
    late = rng.random(n) < late_p
    lag = np.where(
        late,
        rng.integers(21, 70, n),
        np.clip(np.round(rng.lognormal(np.log(3.0), 0.7, n)), 0, 20).astype(np.int64),
    )
    formed = world.grid.days[world.grid.workdays_before(day, lag)]
    formed = np.where(rng.random(n) < 0.04, NAT, formed)
    published = world.grid.days[day]

    ref = np.datetime64(world.reference_date)
    updated = published + rng.integers(1, 240, n)
    updated = np.where((rng.random(n) < 0.12) & (updated <= ref), updated, NAT)
    withdrawn = published + rng.integers(7, 365, n)
    withdrawn = np.where((rng.random(n) < 0.03) & (withdrawn <= ref), withdrawn, NAT)
    updated = np.where(~np.isnat(withdrawn) & (updated > withdrawn), withdrawn, updated)

    domain = choose_by_row(rng, DOMAIN_BY_CATEGORY[cat])
    channel = choose_by_row(rng, CHANNEL_BY_KIND[p.kind[unit]])
    title = TITLE_OFFSETS[cat] + (rng.random(n) * TITLE_COUNTS[cat]).astype(np.int64)

    frame = pl.DataFrame(
        [
            sequence_ids("PUB", chunk.year, chunk.offsets["disclosures"], n, 6).alias(
                "disclosure_id"
            ),
            code_series("unit_id", world.units["unit_id"].to_list(), unit),
            code_series("title", _TITLES, title),
            code_series("category", CATEGORIES, cat),
            code_series("domain", DOMAINS, domain, rng.random(n) > 0.08),
            code_series("channel", CHANNELS, channel),
            date_series("formed_on", formed),
            date_series("published_on", published),
            date_series("updated_on", updated),
            date_series("withdrawn_on", withdrawn),
        ]
    )
    return frame.select(DISCLOSURES.columns)
