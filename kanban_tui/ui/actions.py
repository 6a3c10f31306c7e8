"""The one registry of named board actions.

Key bindings, the command palette and the help screen are all generated from
:data:`BOARD_ACTIONS`, so they can never disagree. Each action names the method
``action_<name>`` (with optional arguments) that the board screen implements.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NamedAction:
    #: ``action_*`` call on the board screen, e.g. ``"move_card(1)"``.
    action: str
    #: Comma-separated Textual key names; the first is the one shown.
    keys: str
    #: i18n key of the short description (footer, palette) — ``action.<id>``.
    id: str
    #: Shown in the footer (the rest are in help and the palette).
    footer: bool = False
    #: The key as written in the help screen and README.
    display: str = ""

    @property
    def key_text(self) -> str:
        return self.display or self.keys.split(",")[0]


BOARD_ACTIONS: tuple[NamedAction, ...] = (
    NamedAction("focus_column(-1)", "left,h", "focus_left", display="← / h"),
    NamedAction("focus_column(1)", "right,l", "focus_right", display="→ / l"),
    NamedAction("cursor(-1)", "up,k", "cursor_up", display="↑ / k"),
    NamedAction("cursor(1)", "down,j", "cursor_down", display="↓ / j"),
    NamedAction("page(-1)", "pageup", "page_up", display="pgup"),
    NamedAction("page(1)", "pagedown", "page_down", display="pgdn"),
    NamedAction("move_card(-1)", "shift+left,H", "move_left", display="shift+← / H"),
    NamedAction("move_card(1)", "shift+right,L", "move_right", display="shift+→ / L"),
    NamedAction("reorder(-1)", "shift+up,K", "reorder_up", display="shift+↑ / K"),
    NamedAction("reorder(1)", "shift+down,J", "reorder_down", display="shift+↓ / J"),
    NamedAction("toggle_done", "space", "toggle_done", footer=True, display="space"),
    NamedAction("new_card", "n", "new_card", footer=True, display="n"),
    NamedAction("edit_card", "enter,e", "edit_card", footer=True, display="enter / e"),
    NamedAction("edit_card(True)", "E", "edit_card_form", display="E"),
    NamedAction("delete_card", "d", "delete_card", display="d"),
    NamedAction("detail", "c", "detail", display="c"),
    NamedAction("timer", "T", "timer", display="T"),
    NamedAction("copy_card", "y", "copy_card", display="y"),
    NamedAction("defer", "w", "defer", display="w"),
    NamedAction("playbook", "exclamation_mark", "playbook", display="!"),
    NamedAction("undo", "u", "undo", footer=True, display="u"),
    NamedAction("redo", "ctrl+r", "redo", display="ctrl+r"),
    NamedAction("filter", "slash", "filter", footer=True, display="/"),
    NamedAction("clear_filter", "escape", "clear_filter", display="esc"),
    NamedAction("mine", "m", "mine", footer=True, display="m"),
    NamedAction("kpi", "2", "kpi", footer=True, display="2"),
    NamedAction("templates", "t", "templates", footer=True, display="t"),
    NamedAction("review", "3", "review", footer=True, display="3"),
    NamedAction("week", "4", "week", display="4"),
    NamedAction("goals", "g", "goals", display="g"),
    NamedAction("settings", "s", "settings", display="s"),
    NamedAction("help", "question_mark", "help", footer=True, display="?"),
    NamedAction("quit", "q", "quit", footer=True, display="q"),
)


def find(action_id: str) -> NamedAction:
    return next(a for a in BOARD_ACTIONS if a.id == action_id)
