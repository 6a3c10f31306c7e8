"""The user's keymap: ``[keymap]`` in config.toml rebinds board actions everywhere."""

from __future__ import annotations

import json

import pytest
from textual.widgets._footer import FooterKey

from kanban_tui.cli import main
from kanban_tui.errors import ConfigError
from kanban_tui.ui.actions import BOARD_ACTIONS
from kanban_tui.ui.keymap import resolve
from kanban_tui.ui.screens.dialogs import HelpScreen
from kanban_tui.ui.screens.kpi import KpiScreen
from tests.ui_helpers import make_app


async def test_a_remapped_key_works_on_the_board_and_shows_in_footer_and_help(tmp_path, clock):
    app, _ = make_app(tmp_path / "b.db", clock, keymap={"kpi": "f2", "help": "f1,question_mark"})
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("2")  # the old key does nothing now
        await pilot.pause()
        assert not isinstance(app.screen, KpiScreen)
        footer = " ".join(str(k.render()) for k in app.screen.query(FooterKey))
        assert "f2" in footer
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, KpiScreen)
        await pilot.press("escape")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys").render())
        assert "f2" in text and "f1 / ?" in text


def test_keys_lists_every_action_with_the_keys_in_force(isolated_env, capsys):
    config = isolated_env / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[keymap]\nundo = "u,ctrl+z"\n', encoding="utf-8")
    assert main(["keys", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["action"] for r in rows] == [a.id for a in BOARD_ACTIONS]
    by_id = {r["action"]: r for r in rows}
    assert by_id["undo"]["keys"] == ["u", "ctrl+z"]
    assert by_id["move_right"]["keys"] == ["shift+right", "L"]
    assert by_id["undo"]["description"] == "Undo"
    assert main(["--lang", "zh", "keys"]) == 0
    out = capsys.readouterr().out
    assert "u / ctrl+z" in out and "撤销" in out


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ('kpi = "f2"\nbogus = "x"', ["line 3", "bogus", "not an action"]),
        ('kpi = "3"', ["line 2", "review", "kpi"]),  # 3 opens the review
        ('kpi = "ctrl+p"', ["line 2", "ctrl+p"]),
        ('kpi = "banana"', ["line 2", "banana", "not a key"]),
        ('kpi = ""', ["line 2", "at least one key"]),
    ],
)
def test_a_bad_keymap_is_refused_naming_the_line(isolated_env, capsys, table, words):
    config = isolated_env / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[keymap]\n{table}\n", encoding="utf-8")
    assert main(["keys"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    for word in words:
        assert word in err


def test_swapping_two_keys_is_not_a_conflict():
    actions = {a.id: a for a in resolve({"kpi": "3", "review": "2"})}
    assert actions["kpi"].keys == "3" and actions["review"].keys == "2"
    with pytest.raises(ConfigError):
        resolve({"kpi": "3"})
