"""Settings: defaults, TOML merge rules, validation naming the key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import REAL_RECORDS

from queries.model.settings import (
    DEFAULT_SETTINGS,
    Settings,
    SettingsError,
    load_settings,
    settings_from_mapping,
)


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "settings.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_are_the_methodology_configuration() -> None:
    s = load_settings(None)
    assert s.disclosure_deadline_workdays == 20
    assert s.response_hours == 24
    assert s.due_days == {
        "complaint": 30,
        "report": 30,
        "suggestion": 30,
        "opinion": 30,
        "enquiry": 3,
    }
    assert s.basically_satisfied_weight == 1.0
    assert s.min_sample == 10
    assert s.public_min_count == 5
    assert s.public_levels == ("bureau", "branch")
    assert s.holidays == () and s.workdays == ()
    assert s.weights["openness"] == {
        "O_COVERAGE": 0.30,
        "O_TIMELY": 0.25,
        "O_DEPTH": 0.20,
        "O_SUPERVISION_PUBLIC": 0.15,
        "O_CHANNELS": 0.10,
    }
    assert s.overall_weights == {"openness": 1, "responsiveness": 1, "satisfaction": 1}
    assert s.catalogue["window"] == (
        "powers_duties",
        "procedures",
        "obligations",
        "rights_remedies",
        "convenience_measures",
        "complaint_channels",
        "units_contacts",
    )
    assert len(s.catalogue["comprehensive"]) == 9


def test_real_settings_file_changes_only_complaint_days() -> None:
    s = load_settings(REAL_RECORDS / "settings.toml")
    assert s.due_days["complaint"] == 90
    assert s.due_days["enquiry"] == 3
    assert s.weights == DEFAULT_SETTINGS.weights


def test_weight_table_replaces_the_dimension_whole(tmp_path: Path) -> None:
    s = load_settings(
        _write(
            tmp_path,
            """
min_sample = 5
basically_satisfied_weight = 0.9
holidays = [2026-03-02, "2026-03-03"]
[weights.responsiveness]
R_RESPONSE = 1
[weights.overall]
openness = 2
responsiveness = 1
satisfaction = 1
[catalogue]
window = ["procedures"]
""",
        )
    )
    assert s.min_sample == 5
    assert s.basically_satisfied_weight == 0.9
    assert s.holidays == (date(2026, 3, 2), date(2026, 3, 3))
    assert s.weights["responsiveness"] == {"R_RESPONSE": 1.0}
    assert s.indicator_weight("R_ONTIME") == 0.0
    assert s.weights["openness"] == DEFAULT_SETTINGS.weights["openness"]
    assert s.overall_weights == {"openness": 2.0, "responsiveness": 1.0, "satisfaction": 1.0}
    assert s.catalogue["window"] == ("procedures",)
    assert s.catalogue["management"] == DEFAULT_SETTINGS.catalogue["management"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("min_samples = 3", "min_samples"),
        ("[weights.openness]\nO_COVERAGE = -0.1", "weights.openness.O_COVERAGE"),
        ("[weights.openness]\nO_COVERAGE = 0\nO_TIMELY = 0", "weights.openness"),
        ("[weights.overall]\nopenness = 0", "weights.overall"),
        ('[catalogue]\nwindow = ["procedures", "recipes"]', "catalogue.window"),
        ('[catalogue]\nkiosk = ["procedures"]', "catalogue.kiosk"),
        ("[weights.openness]\nR_RESPONSE = 1", "weights.openness.R_RESPONSE"),
        ("[weights.responsiveness]\nR_ADOPTION = 1", "weights.responsiveness.R_ADOPTION"),
        ("[weights.speed]\nR_RESPONSE = 1", "weights.speed"),
        ('min_sample = "ten"', "min_sample"),
        ("min_sample = 2.5", "min_sample"),
        ("min_sample = true", "min_sample"),
        ("response_hours = 0", "response_hours"),
        ("basically_satisfied_weight = 1.5", "basically_satisfied_weight"),
        ("[due_days]\nappeal = 10", "due_days.appeal"),
        ("[due_days]\ncomplaint = -1", "due_days.complaint"),
        ('public_levels = ["bureau", "precinct"]', "public_levels"),
        ('holidays = ["2026-02-30"]', "holidays"),
        ("weights = 3", "weights"),
    ],
)
def test_invalid_settings_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(_write(tmp_path, text))
    assert info.value.key == key
    assert repr(key) in str(info.value)


def test_not_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(_write(tmp_path, "min_sample = = 3"))
    with pytest.raises(SettingsError, match="cannot read"):
        load_settings(tmp_path / "missing.toml")


def test_fingerprint_is_stable_and_sensitive() -> None:
    a = Settings()
    b = settings_from_mapping({})
    assert a.fingerprint() == b.fingerprint() and hash(a) == hash(b) and a == b
    c = settings_from_mapping({"min_sample": 11})
    assert c.fingerprint() != a.fingerprint()
    d = settings_from_mapping({"weights": {"satisfaction": {"S_SATISFACTION": 1}}})
    assert d.fingerprint() != a.fingerprint()
    assert {a: 1}[b] == 1
