"""Settings: defaults, TOML merge rules, validation naming the key."""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields, replace
from datetime import date
from pathlib import Path

import pytest
from conftest import REAL_RECORDS, SPEC
from typer.testing import CliRunner

from openness.cli import app
from queries.model.settings import (
    DEFAULT_SETTINGS,
    SETTINGS_RULES,
    Settings,
    SettingsError,
    load_settings,
    settings_from_mapping,
    settings_issues,
)
from queries.model.settings.declarations import SETTINGS, setting
from queries.model.settings.doc import settings_toml


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
    assert s.public_rounding == 5
    assert s.labels == {}
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
        ("public_rounding = 0", "public_rounding"),
        ("public_rounding = -5", "public_rounding"),
        ("public_rounding = 2.5", "public_rounding"),
        ("public_min_count = -1", "public_min_count"),
        ('labels = "x"', "labels"),
        ("[labels]\nsatisfaction = 3", "labels.satisfaction"),
        ('[labels.satisfaction]\n"很好" = "great"', 'labels.satisfaction."很好"'),
        ('[labels.satisfaction]\n"很好" = true', 'labels.satisfaction."很好"'),
        ('[labels.resolved]\n"已解决" = "yes"', 'labels.resolved."已解决"'),
        ('[labels.title]\n"x" = "y"', "labels.title"),
        ('[labels.colour]\n"红" = "red"', "labels.colour"),
        ('[labels."due at"]\n"x" = "y"', 'labels."due at"'),
        ('[labels.satisfaction]\n" " = "satisfied"', 'labels.satisfaction." "'),
        # a built-in code or Chinese label of another code cannot be remapped
        ('[labels.satisfaction]\n"满意" = "dissatisfied"', 'labels.satisfaction."满意"'),
        ('[labels.satisfaction]\n"Satisfied" = "dissatisfied"', 'labels.satisfaction."Satisfied"'),
        # two labels equal but for case and spaces, mapping to different codes
        (
            '[labels.kind]\n"Complaint " = "complaint"\n"complaint" = "report"',
            'labels.kind."complaint"',
        ),
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


def test_public_rounding_and_labels_are_read(tmp_path: Path) -> None:
    s = load_settings(
        _write(
            tmp_path,
            """
public_rounding = 10
[labels.satisfaction]
"非常满意" = "satisfied"
"很好" = " Basically_Satisfied "
"非常不满意" = "dissatisfied"
"满意" = "satisfied"
[labels.resolved]
"已解决" = true
"未解决" = false
[labels.channel]
"12345" = "hotline"
"政务网站" = "website"
""",
        )
    )
    assert s.public_rounding == 10
    assert s.labels == {
        "satisfaction": {
            "非常满意": "satisfied",
            "很好": "basically_satisfied",  # codes are case-insensitive, trimmed
            "非常不满意": "dissatisfied",
            "满意": "satisfied",  # the built-in label of the same code: allowed
        },
        "resolved": {"已解决": True, "未解决": False},
        # `channel` is a field of feedback and of disclosures: either kind's codes
        "channel": {"12345": "hotline", "政务网站": "website"},
    }
    # a [labels.F] table replaces F's labels whole; other fields are kept
    t = settings_from_mapping({"labels": {"resolved": {"是的": True}}}, s)
    assert t.labels["resolved"] == {"是的": True}
    assert t.labels["satisfaction"] == s.labels["satisfaction"]
    assert s.fingerprint() != DEFAULT_SETTINGS.fingerprint() != t.fingerprint()


def test_a_bad_setting_leaves_the_base_untouched() -> None:
    base = settings_from_mapping({"min_sample": 3})
    before = base.as_dict()
    with pytest.raises(SettingsError):
        settings_from_mapping({"min_sample": 4, "labels": {"satisfaction": {"x": "y"}}}, base)
    assert base.as_dict() == before


def test_every_attribute_is_one_declared_setting() -> None:
    assert [f.name for f in fields(Settings)] == [s.attr for s in SETTINGS]
    for s in SETTINGS:
        assert DEFAULT_SETTINGS.value_of(s.key) == s.default
    assert setting("weights.overall").attr == "overall_weights"
    with pytest.raises(KeyError, match="colour"):
        setting("colour")


def test_settings_of_the_methodology_are_all_declared() -> None:
    """methodology.md "Configuration": every backquoted setting, the catalogue, the
    indicator weights and the dimension weights."""
    text = (SPEC / "methodology.md").read_text(encoding="utf-8")
    config = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z_]+)`", config))
    assert named == {
        "disclosure_deadline_workdays",
        "response_hours",
        "due_days",
        "basically_satisfied_weight",
        "min_sample",
        "public_min_count",
        "public_rounding",
        "public_levels",
        "holidays",
        "workdays",
        "labels",
    }
    keys = {s.key for s in SETTINGS}
    # access.md "Audit trail": the chain's key is "a file named in the settings"; cli.md
    # "Engines and the lake": "the setting `engine` gives a default"
    # cli.md "Jobs": the delivery channels and what delivering needs (issue 20)
    delivery = {
        "public_base_url",
        "delivery_attempts",
        "delivery_backoff_seconds",
        "outbox_folder",
        "channels",
    }
    # issue 21 (uploads): "a size limit", with Streamlit's own raised to it
    beyond = {"catalogue", "weights", "weights.overall", "audit_key_file", "engine"}
    assert named | beyond | delivery | {"upload_max_mb"} == keys


def test_the_declarations_pass_every_rule() -> None:
    assert settings_issues() == []


@pytest.mark.parametrize(
    ("rule", "broken"),
    [
        ("every_attribute_declared", SETTINGS[:-1]),
        ("every_attribute_declared", (*SETTINGS, replace(SETTINGS[0], key="x", attr="x"))),
        ("unique_keys", (*SETTINGS, SETTINGS[0])),
        ("help_in_both_languages", (replace(SETTINGS[0], help_en=" "), *SETTINGS[1:])),
        ("help_in_both_languages", (replace(SETTINGS[0], type_zh=""), *SETTINGS[1:])),
        ("defaults_pass_their_check", (replace(SETTINGS[0], default=-1), *SETTINGS[1:])),
        (
            "defaults_pass_their_check",
            (SETTINGS[0], replace(SETTINGS[1], default="24"), *SETTINGS[2:]),
        ),
        (
            "weights_only_for_scored_indicators",
            tuple(
                replace(s, default={**s.default, "responsiveness": {"R_ADOPTION": 1.0}})
                if s.key == "weights"
                else s
                for s in SETTINGS
            ),
        ),
        (
            "weights_only_for_scored_indicators",
            tuple(
                replace(s, default={**s.default, "openness": {"R_RESPONSE": 1.0}})
                if s.key == "weights"
                else s
                for s in SETTINGS
            ),
        ),
    ],
)
def test_each_rule_catches_its_fault(rule: str, broken: tuple) -> None:  # type: ignore[type-arg]
    assert rule in SETTINGS_RULES
    issues = settings_issues(broken)
    assert any(i.startswith(f"{rule}: ") for i in issues), issues


def test_settings_toml_loads_back_to_the_same_settings(tmp_path: Path) -> None:
    for s in (
        DEFAULT_SETTINGS,
        load_settings(REAL_RECORDS / "settings.toml"),
        settings_from_mapping(
            {
                "holidays": [date(2026, 10, 1)],
                "weights": {"overall": {"openness": 2}, "satisfaction": {"S_RESOLVED": 1}},
                "labels": {"satisfaction": {'很"好"': "satisfied"}, "resolved": {"是的": True}},
                "public_levels": [],
            }
        ),
        settings_from_mapping(
            {
                "public_base_url": "https://openness.example/",
                "delivery_backoff_seconds": 0.5,
                "channels": {
                    "mail": {"host": "m.cn", "sender": "a@b.cn", "password_env": "P"},
                    "ops": {"kind": "dingtalk", "token_file": "t.txt", "max_parts": 2},
                },
            }
        ),
    ):
        text = settings_toml(s)
        back = settings_from_mapping(tomllib.loads(text))
        assert back == s and back.fingerprint() == s.fingerprint()


runner = CliRunner()


def test_openness_settings_lists_every_setting(tmp_path: Path) -> None:
    res = runner.invoke(app, ["settings"])
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    for s in SETTINGS:
        assert f"# {s.key} (" in out and s.help_zh in out and s.help_en in out
    assert "\nmin_sample = 10\n" in out and "# 默认 / default: 10\n" in out
    cfg = _write(tmp_path, 'min_sample = 4\n[labels.resolved]\n"已解决" = true\n')
    res = runner.invoke(app, ["settings", "--config", str(cfg)])
    assert res.exit_code == 0, res.stderr
    assert "# 默认 / default: 10  (已修改 / changed)\nmin_sample = 4\n" in res.stdout
    assert 'labels.resolved = { "已解决" = true }' in res.stdout
    assert str(cfg) in res.stdout.splitlines()[0]


def test_openness_settings_bad_file_is_exit_2_naming_the_key(tmp_path: Path) -> None:
    cfg = _write(tmp_path, "public_rounding = 0\n")
    res = runner.invoke(app, ["settings", "--config", str(cfg)])
    assert res.exit_code == 2
    assert "'public_rounding'" in res.stderr and "Traceback" not in res.stderr
    assert res.stdout == ""


def test_openness_settings_missing_file_is_exit_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["settings", "--config", str(tmp_path / "none.toml")])
    assert res.exit_code == 2
    assert "cannot read the settings file" in res.stderr and "none.toml" in res.stderr
    assert res.stdout == ""


def test_channels_are_filled_from_their_declared_defaults(tmp_path: Path) -> None:
    cfg = _write(
        tmp_path,
        'public_base_url = "https://openness.example/dash/"\n'
        "[channels.ops]\n"
        'kind = "dingtalk"\n'
        'token_env = "DT_TOKEN"\n',
    )
    s = load_settings(cfg)
    assert s.public_base_url == "https://openness.example/dash"  # no trailing slash
    assert s.channels == {
        "ops": {
            "kind": "dingtalk",
            "host": "https://oapi.dingtalk.com",
            "token_file": "",
            "token_env": "DT_TOKEN",
            "secret_file": "",
            "secret_env": "",
            "msgtype": "markdown",
            "max_parts": 5,
            "ca_file": "",
            "timeout_seconds": 30.0,
        }
    }
    assert (s.delivery_attempts, s.delivery_backoff_seconds, s.outbox_folder) == (3, 30.0, "outbox")


def test_the_engine_setting_takes_a_spark_url_or_nothing(tmp_path: Path) -> None:
    """cli.md "Engines and the lake": spark://HOST:PORT, local[N], or empty."""
    for good in ("spark://10.0.0.5:7077", "local[2]", "local[*]", ""):
        f = tmp_path / "ok.toml"
        f.write_text(f'engine = "{good}"\n', encoding="utf-8")
        assert load_settings(f).engine == good
    for bad in ("yarn", "spark://host", "local[two]", "http://x:1"):
        f = tmp_path / "bad.toml"
        f.write_text(f'engine = "{bad}"\n', encoding="utf-8")
        with pytest.raises(SettingsError, match="engine"):
            load_settings(f)


def test_the_upload_limit_is_whole_megabytes_at_least_one(tmp_path: Path) -> None:
    """Issue 21, uploads: "a size limit (a setting)"; 200 MB unless set."""
    assert load_settings(None).upload_max_mb == 200
    f = tmp_path / "ok.toml"
    f.write_text("upload_max_mb = 5\n", encoding="utf-8")
    assert load_settings(f).upload_max_mb == 5
    for bad in ("0", "-1", '"big"', "2.5"):
        f.write_text(f"upload_max_mb = {bad}\n", encoding="utf-8")
        with pytest.raises(SettingsError, match="upload_max_mb"):
            load_settings(f)
