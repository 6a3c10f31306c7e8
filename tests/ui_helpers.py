"""Helpers for driving the board in tests."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.content import Content
from textual.widget import Widget

from kanban_tui import config
from kanban_tui.domain.models import Column
from kanban_tui.services.session import Board, open_board
from kanban_tui.ui.app import KanbanApp
from kanban_tui.ui.screens.board import BoardScreen
from kanban_tui.ui.widgets.column import ColumnView
from tests.process_helpers import PATIENCE


class SteadyApp(KanbanApp):
    """The board, with toasts that stay until cleared: they expire on the wall clock (5 s),
    so on a loaded machine a snapshot or an assert made later would miss them."""

    CSS_PATH = str(Path(inspect.getfile(KanbanApp)).with_name("app.tcss"))
    NOTIFICATION_TIMEOUT = 3600


def make_app(
    db: Path | str, clock: object, *, lang: str = "en", **settings: object
) -> tuple[KanbanApp, Board]:
    from kanban_tui.i18n import set_language

    set_language(lang)
    values = {"refresh_seconds": 0.1, **settings}
    chosen = config.Settings(**values)
    board = open_board(str(db), chosen, clock=clock)  # type: ignore[arg-type]
    app = SteadyApp(board, settings=chosen, language=lang, save_settings=False)
    return app, board


def screen(app: KanbanApp) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def column(app: KanbanApp, which: Column) -> ColumnView:
    return app.screen.query_one(f"#col-{which.value}", ColumnView)


def shown_lines(view: ColumnView) -> list[str]:
    """The text the column paints, line by line (what the user reads)."""
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


def row_ids(view: ColumnView) -> list[int]:
    """The ids of the cards a column holds, top to bottom (loaded a page at a time)."""
    rows = [view.row(index) for index in range(view.count)]
    return [row.id for row in rows if row is not None]


def shown_text(widget: Widget) -> str:
    """The plain text a widget paints (a head, the top bar)."""
    rendered = widget.render()
    assert isinstance(rendered, Content | Text), rendered
    return rendered.plain


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


async def started(pilot: Any) -> None:
    """Wait until the board's start-up work after its first frame is done: the collector
    back on, the scheduler started, the risk-alert check run and its cards shown. Until
    then an alert card can land at a moment that depends on the machine's load."""
    app = pilot.app
    try:
        await asyncio.wait_for(app.started_up.wait(), PATIENCE)
    except TimeoutError:
        raise AssertionError("gave up waiting: the board's start-up alert check") from None
    await pilot.pause()


async def pilot_until(pilot: Any, condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition`` holds (another process's change arrives, a screen
    opens); fails after ``PATIENCE`` seconds, saying what never happened."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        await pilot.pause(0.02)
