"""The command palette in the reader's language.

Textual's own palette entries (theme, quit, keys, maximize, screenshot) and its search
prompt are English text inside Textual; the board offers the same commands with titles
and help lines from the catalogs, so a Chinese palette is Chinese throughout.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.screen import Screen
from textual.theme import ThemeProvider

from kanban_tui.i18n import t


def system_commands(app: App[Any], screen: Screen[Any]) -> Iterable[SystemCommand]:
    """Textual's system commands, worded from the catalogs."""
    yield SystemCommand(t("palette.theme"), t("palette.theme_help"), app.action_change_theme)
    yield SystemCommand(t("palette.quit"), t("palette.quit_help"), app.action_quit)
    if screen.query("HelpPanel"):
        yield SystemCommand(
            t("palette.keys"), t("palette.keys_hide_help"), app.action_hide_help_panel
        )
    else:
        yield SystemCommand(t("palette.keys"), t("palette.keys_help"), app.action_show_help_panel)
    if screen.maximized is not None:
        yield SystemCommand(
            t("palette.minimize"), t("palette.minimize_help"), screen.action_minimize
        )
    elif screen.focused is not None and screen.focused.allow_maximize:
        yield SystemCommand(
            t("palette.maximize"), t("palette.maximize_help"), screen.action_maximize
        )
    yield SystemCommand(
        t("palette.screenshot"),
        t("palette.screenshot_help"),
        lambda: app.set_timer(0.1, app.deliver_screenshot),
    )


def palette() -> CommandPalette:
    """The palette with its search prompt in the reader's language."""
    return CommandPalette(placeholder=t("palette.search"), id="--command-palette")


def theme_palette() -> CommandPalette:
    """The theme picker, its search prompt in the reader's language."""
    return CommandPalette(providers=[ThemeProvider], placeholder=t("palette.search_themes"))
