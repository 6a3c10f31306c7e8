"""Helpers for driving the board in tests."""

from __future__ import annotations

from pathlib import Path

from kanban_tui import config
from kanban_tui.domain.models import Column
from kanban_tui.services.session import Board, open_board
from kanban_tui.ui.app import KanbanApp
from kanban_tui.ui.screens.board import BoardScreen
from kanban_tui.ui.widgets.column import ColumnView


def make_app(
    db: Path | str, clock: object, *, lang: str = "en", **settings: object
) -> tuple[KanbanApp, Board]:
    from kanban_tui.i18n import set_language

    set_language(lang)
    values = {"refresh_seconds": 0.1, **settings}
    chosen = config.Settings(**values)  # type: ignore[arg-type]
    board = open_board(str(db), chosen, clock=clock)  # type: ignore[arg-type]
    app = KanbanApp(board, settings=chosen, language=lang, save_settings=False)
    # toasts expire on the wall clock (5 s): on a loaded machine a snapshot taken later would
    # miss the start-up toasts its stored SVG shows; in tests they stay until cleared
    app.NOTIFICATION_TIMEOUT = 3600
    return app, board


def screen(app: KanbanApp) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def column(app: KanbanApp, which: Column) -> ColumnView:
    return app.screen.query_one(f"#col-{which.value}", ColumnView)


def shown_lines(view: ColumnView) -> list[str]:
    """The text the column paints, line by line (what the user reads)."""
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


def shown_titles(view: ColumnView) -> list[str]:
    return [line.strip()[2:].rstrip() for line in shown_lines(view)[0::3] if line.strip()]


async def settled(pilot: object) -> None:
    """Wait until the board's optimistic moves and every other write of the UI (they run
    in the app's writer thread) are stored and their screens have shown the outcome."""
    app = pilot.app  # type: ignore[attr-defined]
    for candidate in app.screen_stack:
        if isinstance(candidate, BoardScreen):
            candidate.settle()
    await app.writes.idle()
    await pilot.pause()  # type: ignore[attr-defined]
