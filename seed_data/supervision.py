"""Supervision items: oversight findings, internal and external.

Internal checks (higher authority, inspectorate, legal affairs ...) are the
bulk; external sources (deputies, members, police supervisors, procuratorate,
media, public appraisal) a minority. Chronically late units are found wanting
more often and put things right more slowly. Few results are made public:
about one in six internal and two in five external rectifications.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from queries.model.records import EXTERNAL_SOURCES, SUPERVISION
from seed_data.draws import choose, code_series, date_series, sequence_ids
from seed_data.names import FINDINGS
from seed_data.world import Chunk, World, chunk_days

SOURCES = {
    "higher_authority": 0.30,
    "inspectorate": 0.24,
    "legal_affairs": 0.12,
    "discipline": 0.07,
    "audit": 0.05,
    "police_supervisor": 0.07,
    "npc_deputy": 0.04,
    "cppcc_member": 0.03,
    "procuratorate": 0.03,
    "media": 0.02,
    "public_appraisal": 0.03,
}
SEVERITIES = ("minor", "moderate", "serious")
SEVERITY_P = {"minor": 0.64, "moderate": 0.29, "serious": 0.07}
RECTIFY_DAYS = np.array([30, 45, 60])
_FINDINGS = [f for s in SEVERITIES for f in FINDINGS[s]]
FINDING_COUNTS = np.array([len(FINDINGS[s]) for s in SEVERITIES])
FINDING_OFFSETS = np.concatenate([[0], np.cumsum(FINDING_COUNTS)[:-1]])
NAT = np.datetime64("NaT")


def generate_supervision(world: World, chunk: Chunk) -> pl.DataFrame:
    """The supervision items opened in ``chunk``, ordered by opened_on."""
    rng = world.rng("supervision", chunk)
    p = world.profiles
    n = chunk.counts["supervision"]
    ref = np.datetime64(world.reference_date)

    w = p.supervision_weight
    unit = rng.choice(len(w), n, p=w / w.sum())
    day = np.sort(chunk_days(world, chunk, "supervision", n, rng))
    opened = world.grid.days[day]

    source = choose(rng, n, SOURCES)
    external = np.isin(source, [list(SOURCES).index(s) for s in EXTERNAL_SOURCES])
    severity = choose(rng, n, SEVERITY_P)
    severity_known = rng.random(n) > 0.03
    finding = FINDING_OFFSETS[severity] + (rng.random(n) * FINDING_COUNTS[severity]).astype(
        np.int64
    )

    due = opened + RECTIFY_DAYS[severity]
    due = np.where(rng.random(n) < 0.1, NAT, due)
    days = rng.lognormal(np.log(20.0), 0.7, n) * p.close_mult[unit] ** 0.7
    rectified = opened + np.ceil(days).astype(np.int64)
    rectified = np.where((rng.random(n) < 0.03) | (rectified > ref), NAT, rectified)

    publish_p = np.where(external, 0.4, 0.15) * p.openness[unit]
    published = rectified + rng.integers(1, 21, n)
    published = np.where(
        ~np.isnat(rectified) & (rng.random(n) < publish_p) & (published <= ref), published, NAT
    )

    frame = pl.DataFrame(
        [
            sequence_ids("SUP", chunk.year, chunk.offsets["supervision"], n, 5).alias("item_id"),
            code_series("unit_id", world.units["unit_id"].to_list(), unit),
            code_series("source", list(SOURCES), source),
            date_series("opened_on", opened),
            code_series("severity", SEVERITIES, severity, severity_known),
            code_series("finding", _FINDINGS, finding, rng.random(n) > 0.02),
            date_series("rectify_due_on", due),
            date_series("rectified_on", rectified),
            date_series("result_published_on", published),
        ]
    )
    return frame.select(SUPERVISION.columns)
