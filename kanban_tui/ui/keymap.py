"""The user's keymap: ``[keymap]`` in ``config.toml`` rebinds the board's named actions.

``action_id = "f6"`` or ``"f6,ctrl+l"`` replaces the keys of one action of
:data:`~kanban_tui.ui.actions.BOARD_ACTIONS`. :func:`resolve` checks the whole table before
the board opens — unknown action ids, keys Textual cannot name, two actions on one key, a
key the app keeps for itself — and names the line of the file. The result is the registry
with the keys in force, which the bindings (through Textual's ``App.set_keymap``), the
footer, the help screen, the palette and ``seller-kanban keys`` all read.

No Textual widgets are imported here, so ``seller-kanban keys`` stays a quick command.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from kanban_tui.errors import ConfigError
from kanban_tui.ui.actions import BOARD_ACTIONS, NamedAction

#: Keys the app itself keeps: the command palette, quit and copy.
RESERVED = ("ctrl+p", "ctrl+q", "ctrl+c")
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
#: How a key is written in help and the footer when the user chose it.
_SHOWN = {
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "escape": "esc",
    "pageup": "pgup",
    "pagedown": "pgdn",
}


@cache
def _key_names() -> frozenset[str]:
    from textual.keys import Keys, _character_to_key

    names = {key.value for key in Keys}
    names.update(_character_to_key(chr(code)) for code in range(33, 127))
    names.update(("space", "enter", "escape", "tab", "backspace", "delete"))
    return frozenset(names)


def normalise(key: str) -> str:
    """``"?"`` → ``"question_mark"``, ``"Ctrl+L"`` → ``"ctrl+l"`` (Textual's key names)."""
    from textual.keys import _character_to_key

    key = key.strip()
    if len(key) == 1:
        return _character_to_key(key)
    *mods, base = key.split("+")
    mods = [m.lower() for m in mods]
    if len(base) == 1:
        base = _character_to_key(base)
    elif base.lower() in _key_names():
        base = base.lower()
    return "+".join([*mods, base])


def valid(key: str) -> bool:
    *mods, base = key.split("+")
    return all(m in MODIFIERS for m in mods) and base in _key_names()


def shown(key: str) -> str:
    """A key as help and the footer write it: ``question_mark`` → ``?``."""
    from textual.keys import key_to_character

    *mods, base = key.split("+")
    text = _SHOWN.get(base) or (key_to_character(base) if base != "space" else None) or base
    return "+".join([*mods, text])


def _line_of(source: Path | None, action_id: str) -> str:
    """``config.toml, line 12`` — where ``action_id`` is set under ``[keymap]``."""
    if source is None:
        return "keymap"
    try:
        lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return str(source)
    in_table = False
    pattern = re.compile(rf"""^\s*["']?{re.escape(action_id)}["']?\s*=""")
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = stripped.strip("[] ") == "keymap"
            continue
        if (in_table and pattern.match(line)) or line.strip().startswith(f"keymap.{action_id}"):
            return f"{source}, line {number}"
    return str(source)


def resolve(keymap: Mapping[str, str], source: Path | None = None) -> tuple[NamedAction, ...]:
    """The registry with ``keymap`` applied, or :class:`ConfigError` naming the line."""
    from kanban_tui.i18n import t

    known = {action.id: action for action in BOARD_ACTIONS}
    chosen: dict[str, list[str]] = {}
    for action_id, value in keymap.items():
        where = _line_of(source, action_id)
        if action_id not in known:
            raise ConfigError(
                where, t("keymap.unknown", action=action_id, known=", ".join(sorted(known)))
            )
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(where, t("keymap.empty", action=action_id))
        keys = [normalise(part) for part in value.split(",") if part.strip()]
        for key in keys:
            if not valid(key):
                raise ConfigError(where, t("keymap.bad_key", action=action_id, key=key))
            if key in RESERVED:
                raise ConfigError(where, t("keymap.reserved", action=action_id, key=key))
        if len(set(keys)) != len(keys):
            raise ConfigError(where, t("keymap.repeated", action=action_id))
        chosen[action_id] = keys

    owner: dict[str, str] = {}
    result: list[NamedAction] = []
    for action in BOARD_ACTIONS:
        keys = chosen.get(action.id) or [normalise(k) for k in action.keys.split(",")]
        for key in keys:
            other = owner.setdefault(key, action.id)
            if other != action.id:
                culprit = action.id if action.id in chosen else other
                raise ConfigError(
                    _line_of(source, culprit),
                    t("keymap.conflict", key=shown(key), action=action.id, other=other),
                )
        if action.id in chosen:
            display = " / ".join(shown(key) for key in keys)
            action = dataclasses.replace(action, keys=",".join(keys), display=display)
        result.append(action)
    return tuple(result)


def overrides(actions: tuple[NamedAction, ...]) -> dict[str, str]:
    """What Textual's ``App.set_keymap`` needs: binding id → keys, for every action."""
    return {action.id: action.keys for action in actions}
