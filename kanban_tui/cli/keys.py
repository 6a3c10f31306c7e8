"""``keys``: every action of the board, its keys in force (``[keymap]`` applied) and what
it does."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from kanban_tui.cli.output import cells, pad, print_json
from kanban_tui.cli.parser import Commands, json_flag
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from kanban_tui.cli.dispatch import Handler
    from kanban_tui.config import Settings


def register(commands: Commands) -> None:
    json_flag(commands.add("keys"))


def keymap(settings: Settings) -> Any:
    """The board's actions with ``[keymap]`` applied; a bad entry names its line."""
    from kanban_tui import locations
    from kanban_tui.ui.keymap import resolve

    return resolve(settings.keymap, locations.config_file())


def keys(args: argparse.Namespace, settings: Settings, lang: str) -> int:
    from kanban_tui.domain.text import literal
    from kanban_tui.ui.keymap import normalise, shown

    rows = [
        {
            "action": action.id,
            "keys": [normalise(key) for key in action.keys.split(",")],
            "description": t(f"action.{action.id}"),
        }
        for action in keymap(settings)
    ]
    if args.json:
        print_json(rows)
        return 0
    texts = [" / ".join(shown(key) for key in row["keys"]) for row in rows]
    width = max(cells(row["action"]) for row in rows)
    keys_width = max(map(cells, texts))
    for row, text in zip(rows, texts, strict=True):
        print(f"{row['action']:<{width}}  {pad(text, keys_width)}  {literal(row['description'])}")
    return 0


HANDLERS: dict[str | None, Handler] = {"keys": keys}
