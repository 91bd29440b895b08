"""Disclosure categories as the generator sees them: the mandatory catalogue
per unit kind (methodology.md's default) and how often each category is
published.

The weights carry the field's known imbalance: procedures are published far
more often than results (case progress, enforcement results), obligations
more often than rights and remedies.
"""

from __future__ import annotations

import numpy as np

from queries.model.records import DISCLOSURE_CATEGORIES, DISCLOSURE_CHANNELS
from queries.model.settings import DEFAULT_CATALOGUE

CATEGORIES: tuple[str, ...] = tuple(DISCLOSURE_CATEGORIES)

# methodology.md, "Mandatory catalogue by unit kind (default)": declared once, in settings
MANDATORY: dict[str, tuple[str, ...]] = DEFAULT_CATALOGUE

# results and rights: what higher, less open units publish least of
RESULTS = ("case_progress", "enforcement_results")
SENSITIVE = (*RESULTS, "rights_remedies")

BASE_WEIGHT: dict[str, float] = {
    "powers_duties": 3.0,
    "normative_documents": 3.0,
    "procedures": 20.0,
    "obligations": 10.0,
    "rights_remedies": 3.5,
    "convenience_measures": 7.0,
    "complaint_channels": 3.0,
    "units_contacts": 5.0,
    "major_decisions": 1.5,
    "case_progress": 3.0,
    "enforcement_results": 3.0,
    "statistics": 4.0,
    "traffic_notices": 6.0,
}
KIND_FACTOR: dict[str, dict[str, float]] = {
    "comprehensive": {},
    "window": {"procedures": 1.5, "convenience_measures": 1.5},
    "case_handling": {"case_progress": 2.5, "enforcement_results": 2.0},
    "management": {"normative_documents": 2.0, "statistics": 2.0, "traffic_notices": 2.0},
}
# chance of publishing a category outside the kind's mandatory catalogue
OPTIONAL_P = 0.25

# domain probabilities (administrative, criminal, service) per category
DOMAINS = ("administrative", "criminal", "service")
DOMAIN_BY_CATEGORY = np.array(
    [
        [0.6, 0.2, 0.2],  # powers_duties
        [0.8, 0.2, 0.0],  # normative_documents
        [0.5, 0.05, 0.45],  # procedures
        [0.6, 0.0, 0.4],  # obligations
        [0.6, 0.4, 0.0],  # rights_remedies
        [0.1, 0.0, 0.9],  # convenience_measures
        [0.4, 0.1, 0.5],  # complaint_channels
        [0.2, 0.0, 0.8],  # units_contacts
        [0.5, 0.5, 0.0],  # major_decisions
        [0.3, 0.7, 0.0],  # case_progress
        [0.6, 0.4, 0.0],  # enforcement_results
        [0.5, 0.5, 0.0],  # statistics
        [0.9, 0.0, 0.1],  # traffic_notices
    ]
)

CHANNELS: tuple[str, ...] = tuple(DISCLOSURE_CHANNELS)
# per unit kind (seed_data.units.KINDS order)
CHANNEL_BY_KIND = np.array(
    [
        [30, 35, 15, 5, 2, 2, 4, 7],  # comprehensive
        [25, 30, 8, 25, 2, 2, 6, 2],  # window
        [35, 35, 4, 2, 12, 3, 2, 7],  # case_handling
        [35, 35, 4, 2, 10, 6, 3, 5],  # management
    ],
    dtype=float,
)


def coverage_and_weights(
    rng: np.random.Generator,
    kinds: list[str],
    openness: np.ndarray,
    kind_coverage: np.ndarray,
    traffic: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Which categories each unit publishes at all (units x categories, bool),
    and the weight of each category in its flow of disclosures.

    A mandatory category is kept with probability kind_coverage x openness
    (results and rights once more x openness); procedures nearly always.
    """
    n, m = len(kinds), len(CATEGORIES)
    mandatory = np.array([[c in MANDATORY[k] for c in CATEGORIES] for k in kinds])
    sensitive = np.array([c in SENSITIVE for c in CATEGORIES])
    p = (kind_coverage * openness)[:, None] * np.where(sensitive, openness[:, None], 1.0)
    p = np.where(mandatory, p, OPTIONAL_P)
    p[:, CATEGORIES.index("procedures")] = np.maximum(p[:, CATEGORIES.index("procedures")], 0.97)
    # traffic notices: always from the traffic police, now and then from other
    # management units, never from the rest
    t = CATEGORIES.index("traffic_notices")
    p[:, t] = np.where(traffic, 1.0, p[:, t] * np.array([k == "management" for k in kinds]))
    covered = rng.random((n, m)) < p
    covered[covered.sum(axis=1) == 0, CATEGORIES.index("procedures")] = True
    base = np.array(
        [[BASE_WEIGHT[c] * KIND_FACTOR[k].get(c, 1.0) for c in CATEGORIES] for k in kinds]
    )
    level = np.where(sensitive, openness[:, None] ** 2, 1.0)
    return covered, base * level * covered
