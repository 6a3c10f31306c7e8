"""Every setting from the environment (``SELLER_KANBAN_`` + the key), over the config file,
over the default; a bad variable is named in one line and changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kanban_tui import config, locations
from kanban_tui.config import Settings
from tests.process_helpers import in_process_cli

#: A value for every setting, different from its default, as a variable would give it.
VARIABLES = {
    "language": ("SELLER_KANBAN_LANG", "zh", "zh"),
    "theme": ("SELLER_KANBAN_THEME", "nord", "nord"),
    "work_hours_per_day": ("SELLER_KANBAN_WORK_HOURS_PER_DAY", "6.5", 6.5),
    "incident_buffer": ("SELLER_KANBAN_INCIDENT_BUFFER", "0.25", 0.25),
    "default_marketplace": ("SELLER_KANBAN_DEFAULT_MARKETPLACE", "jp", "JP"),
    "backups_kept": ("SELLER_KANBAN_BACKUPS_KEPT", "3", 3),
    "fx_base": ("SELLER_KANBAN_FX_BASE", "EUR", "EUR"),
    "fx_rates": ("SELLER_KANBAN_FX_RATES", '{"JPY": 0.0067}', {"JPY": 0.0067}),
    "pace_grace_days": ("SELLER_KANBAN_PACE_GRACE_DAYS", "5", 5),
    "replenishment_lead_days": ("SELLER_KANBAN_REPLENISHMENT_LEAD_DAYS", "45", 45),
    "refresh_seconds": ("SELLER_KANBAN_REFRESH_SECONDS", "2", 2.0),
    "schedule_check_seconds": ("SELLER_KANBAN_SCHEDULE_CHECK_SECONDS", "60", 60.0),
    "keymap": ("SELLER_KANBAN_KEYMAP", '{"undo": "u"}', {"undo": "u"}),
    "user": ("SELLER_KANBAN_USER", "Li Wei", "Li Wei"),
}


def test_every_setting_has_a_variable() -> None:
    assert set(VARIABLES) == set(Settings.model_fields)
    for field, (name, _, _) in VARIABLES.items():
        assert config.variable(field) == name


@pytest.mark.parametrize("field", sorted(VARIABLES))
def test_each_setting_is_read_from_its_variable(tmp_path: Path, field: str) -> None:
    name, raw, expected = VARIABLES[field]
    settings = config.load(tmp_path / "config.toml", {name: raw})
    assert getattr(settings, field) == expected
    # the rest stay at their defaults
    defaults = Settings()
    assert all(
        getattr(settings, other) == getattr(defaults, other)
        for other in VARIABLES
        if other != field
    )


def test_variable_over_file_over_default(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\nbackups_kept = 7\nlanguage = "en"\n', encoding="utf-8")
    environ = {"SELLER_KANBAN_BACKUPS_KEPT": "2", "SELLER_KANBAN_LANG": "zh_CN.UTF-8"}
    settings = config.load(path, environ)
    assert settings.backups_kept == 2  # the variable wins
    assert settings.language == "zh"  # spelled as the locale spells it
    assert settings.theme == "nord"  # the file's, no variable
    assert settings.work_hours_per_day == 8.0  # the default
    assert config.load(path, {"SELLER_KANBAN_BACKUPS_KEPT": ""}).backups_kept == 7  # empty: unset


def test_names_are_case_insensitive_and_other_variables_are_ignored(tmp_path: Path) -> None:
    environ = {
        "seller_kanban_theme": "nord",
        "SELLER_KANBAN_DB": "/somewhere/kanban.db",  # a location, not a setting
        "SELLER_KANBAN_TOKEN": "secret",
        "LANGUAGE": "fr_FR:fr",  # the locale's own variable is not ours
    }
    settings = config.load(tmp_path / "config.toml", environ)
    assert settings.theme == "nord" and settings.language is None


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("SELLER_KANBAN_WORK_HOURS_PER_DAY", "lots", ["lots"]),
        ("SELLER_KANBAN_BACKUPS_KEPT", "-1", ["-1", "greater than or equal to 0"]),
        ("SELLER_KANBAN_FX_RATES", "JPY=0.0067", ["JSON", "JPY=0.0067"]),
        ("SELLER_KANBAN_FX_RATES", '{"JPY": -1}', ["greater than 0"]),
        ("SELLER_KANBAN_DEFAULT_MARKETPLACE", "XX", ["unknown marketplace", "XX"]),
        ("SELLER_KANBAN_REFRESH_SECONDS", "nan", ["finite"]),
        ("SELLER_KANBAN_LANG", "fr", ["fr"]),
    ],
)
def test_a_bad_variable_is_named_in_one_line_and_changes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: str,
    words: list[str],
) -> None:
    monkeypatch.setenv(name, value)
    path = tmp_path / "kanban.db"
    code, out, err = in_process_cli(capsys)(path, "add", "Restock yoga mats")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert name in lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert not path.exists()


def test_a_bad_file_is_named_even_when_a_variable_sets_the_same_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('work_hours_per_day = "lots"\n', encoding="utf-8")
    with pytest.raises(config.ConfigError) as caught:
        config.load(path, {"SELLER_KANBAN_WORK_HOURS_PER_DAY": "6"})
    assert caught.value.title == str(path)


def test_the_cli_uses_a_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    locations.config_file().parent.mkdir(parents=True, exist_ok=True)
    locations.config_file().write_text('language = "en"\n', encoding="utf-8")
    monkeypatch.setenv("SELLER_KANBAN_LANGUAGE", "zh")
    code, _, err = in_process_cli(capsys)(tmp_path / "kanban.db", "list", "--json")
    assert code == 0, err
    code, _, err = in_process_cli(capsys)(tmp_path / "kanban.db", "move", "999999", "done")
    assert code != 0
    assert any("\u4e00" <= char <= "\u9fff" for char in err), err  # said in Chinese


def test_reading_the_environment_loads_no_pydantic_settings(tmp_path: Path) -> None:
    """The variables are read without pydantic-settings, whose import (all its providers)
    cost a scripted command with ``SELLER_KANBAN_USER`` set more than the command. (It was
    imported when a setting variable was set; this test used to expect that.)"""
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from kanban_tui import config\n"
        f"config.load(Path({str(tmp_path / 'c.toml')!r}), {{'SELLER_KANBAN_DB': 'x'}})\n"
        "first = 'pydantic_settings' in sys.modules\n"
        f"s = config.load(Path({str(tmp_path / 'c.toml')!r}), {{'SELLER_KANBAN_THEME': 'nord'}})\n"
        "print(json.dumps([first, 'pydantic_settings' in sys.modules, s.theme]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == [False, False, "nord"]


def test_two_spellings_of_one_variable_the_first_name_wins(tmp_path: Path) -> None:
    """``SELLER_KANBAN_LANG`` over ``SELLER_KANBAN_LANGUAGE``, whatever their order."""
    environ = {"SELLER_KANBAN_LANGUAGE": "en", "SELLER_KANBAN_LANG": "zh"}
    assert config.load(tmp_path / "c.toml", environ).language == "zh"
    environ = {"SELLER_KANBAN_LANGUAGE": "zh", "seller_kanban_lang": ""}  # empty: unset
    assert config.load(tmp_path / "c.toml", environ).language == "zh"
