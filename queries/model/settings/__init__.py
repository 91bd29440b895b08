"""The settings of methodology.md "Configuration", one package: each setting declared
once (``declarations``), its parser and checks (``values``), TOML loading with the merge
rules (``loading``), and the settings written out for people (``doc``: TOML, the README
table, the Methodology page's rows). What the rest of the product uses is re-exported
here."""

from queries.model.settings.loading import (
    DEFAULT_CATALOGUE,
    DEFAULT_SETTINGS,
    DEFAULT_WEIGHTS,
    SETTINGS_RULES,
    Settings,
    SettingsError,
    load_settings,
    settings_from_mapping,
    settings_issues,
)

__all__ = [
    "DEFAULT_CATALOGUE",
    "DEFAULT_SETTINGS",
    "DEFAULT_WEIGHTS",
    "SETTINGS_RULES",
    "Settings",
    "SettingsError",
    "load_settings",
    "settings_from_mapping",
    "settings_issues",
]
