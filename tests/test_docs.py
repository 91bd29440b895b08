"""The docs derived from the declarations stay in step with them (datasette's test_docs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_harness import app, open_page

from dashboard.i18n import t
from queries.model.db import init_db, make_engine
from queries.model.settings.declarations import SETTINGS
from queries.model.settings.doc import readme_section, settings_markdown

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def test_readme_settings_section_is_generated_from_the_catalogue() -> None:
    section = readme_section(README.read_text(encoding="utf-8"))
    assert section == settings_markdown(), (
        "README settings section is out of date: python -m queries.model.settings.doc README.md"
    )


def test_every_setting_is_documented_in_the_readme() -> None:
    section = readme_section(README.read_text(encoding="utf-8"))
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    documented = [line.split("`")[1] for line in rows]
    assert documented == [s.key for s in SETTINGS]
    for s, line in zip(SETTINGS, rows, strict=True):
        assert s.help_zh in line and s.help_en in line


def test_readme_lists_the_settings_command() -> None:
    assert "| `openness settings [--config FILE]` |" in README.read_text(encoding="utf-8")


@pytest.mark.usefixtures("fresh_caches")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_methodology_page_lists_every_setting_from_the_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(url)
    init_db(engine)
    engine.dispose()
    config = tmp_path / "settings.toml"
    config.write_text("public_rounding = 10\n[labels.resolved]\n'已解决' = true\n", "utf-8")
    monkeypatch.setenv("OPENNESS_DB", url)
    monkeypatch.setenv("OPENNESS_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("OPENNESS_CONFIG", str(config))
    at = app(lang=lang)
    at.run()
    open_page(at, "methodology")
    key, value, default, meaning = (
        t(c, lang) for c in ("method.setting", "method.value", "method.default", "method.meaning")
    )
    frames = [d.value for d in at.dataframe if key in d.value.columns]
    assert len(frames) == 1
    shown = frames[0].set_index(key)
    assert list(shown.index) == [s.key for s in SETTINGS]
    for s in SETTINGS:
        assert shown.loc[s.key, meaning] == s.help(lang)
    assert shown.loc["public_rounding", value] == "10"
    assert shown.loc["public_rounding", default] == "5"
    assert shown.loc["labels", value] == 'resolved = { "已解决" = true }'
    assert shown.loc["labels", default] == "{}"
    assert shown.loc["min_sample", value] == shown.loc["min_sample", default] == "10"
