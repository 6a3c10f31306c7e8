"""The optimistic move: the view changes at once, the write runs in the writer thread,
the view is checked against the database afterwards and rolled back when the write fails."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from kanban_tui.domain.models import Column
from kanban_tui.errors import KanbanError
from kanban_tui.ui.widgets.column import CARD_HEIGHT, ColumnView
from tests.ui_helpers import column, make_app, row_ids, screen, settled, shown_titles

SIZE = (120, 40)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


def titles(board: Any, which: Column) -> list[str]:
    return [c.title for c in board.cards.list_cards(which)]


def view_titles(view: ColumnView) -> list[str]:
    rows = [view.row(index) for index in range(view.count)]
    assert None not in rows, rows  # every index below the count has its card
    return [row.title for row in rows if row is not None]


def heads(app: Any) -> list[str]:
    return [app.screen.query_one(f"#head-{c.value}").render().plain.strip() for c in Column]


def assert_view_is_stored(app: Any, board: Any) -> None:
    """Every column shows exactly what the database holds, in order."""
    for which in Column:
        assert view_titles(column(app, which)) == titles(board, which), which


def painted_lines(app: Any) -> dict[Column, list[int]]:
    """Wrap each column's ``render_line``: the lines it paints from now on, per column."""
    painted: dict[Column, list[int]] = {c: [] for c in Column}
    for which in Column:
        view = column(app, which)

        def probe(y: int, view: ColumnView = view, which: Column = which) -> Any:
            painted[which].append(y)
            return ColumnView.render_line(view, y)

        view.render_line = probe  # type: ignore[method-assign]
    return painted


async def test_a_move_repaints_only_the_two_columns_from_the_moved_row_down(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")
        await settled(pilot)
        painted = painted_lines(app)
        await pilot.press("shift+right")
        await settled(pilot)
        assert painted[Column.MONTHLY] == []
        assert painted[Column.DONE] == []
        # Daily lost its third card: the two cards above it are not drawn again
        assert painted[Column.DAILY]
        assert min(painted[Column.DAILY]) >= 2 * CARD_HEIGHT
        # Weekly: the new card at row 2 and below, and the old cursor row (its highlight)
        weekly = set(painted[Column.WEEKLY])
        assert weekly and not weekly & set(range(CARD_HEIGHT, 2 * CARD_HEIGHT))
        assert column(app, Column.WEEKLY).cursor == 2
        assert_view_is_stored(app, board)


async def test_the_view_moves_before_the_write_is_stored(db, clock):
    app, board = make_app(db, clock)
    release = threading.Event()
    real_step = board.cards.step

    def slow_step(*args: Any, **kwargs: Any) -> Any:
        release.wait(timeout=10)
        return real_step(*args, **kwargs)

    board.cards.step = slow_step
    moved = "Check account health (ODR < 1%)"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+right")
        await pilot.pause()
        # on screen at once: in Weekly, focused, the heads counted again
        assert column(app, Column.WEEKLY).current.title == moved
        assert moved not in shown_titles(column(app, Column.DAILY))
        assert heads(app)[0].startswith("Daily  4")
        assert heads(app)[1].startswith("Weekly  6")
        # … while the database still has it in Daily
        assert moved in titles(board, Column.DAILY)
        release.set()
        await settled(pilot)
        assert moved in titles(board, Column.WEEKLY)
        assert_view_is_stored(app, board)


async def test_a_failed_write_rolls_the_view_back_with_a_toast(db, clock):
    app, board = make_app(db, clock)

    def failing_step(*_: Any, **__: Any) -> Any:
        raise KanbanError("board.db", "database is locked by another program")

    async with app.run_test(size=SIZE) as pilot:
        app.clear_notifications()
        before = {c: titles(board, c) for c in Column}
        heads_before = heads(app)
        board.cards.step = failing_step
        await pilot.press("j", "shift+right")
        await settled(pilot)
        assert {c: titles(board, c) for c in Column} == before
        assert_view_is_stored(app, board)
        assert heads(app) == heads_before
        # the cursor is back on the card, in Daily
        assert screen(app).focus_index == 0
        assert column(app, Column.DAILY).current.title == before[Column.DAILY][1]
        toasts = [n.message for n in app._notifications]
        assert any(
            "Not moved: Answer buyer messages" in m and "locked by another program" in m
            for m in toasts
        ), toasts


async def test_moves_pressed_in_a_row_are_stored_in_order(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        first = titles(board, Column.DAILY)[0]
        await pilot.press("shift+right", "shift+right", "shift+right")  # to Done
        await settled(pilot)
        assert board.cards.card(column(app, Column.DONE).current.id).title == first
        assert first in titles(board, Column.DONE)
        assert_view_is_stored(app, board)
        await pilot.press("u")  # undo waits for the writer: the last move is undone
        await settled(pilot)
        assert first in titles(board, Column.MONTHLY)
        assert_view_is_stored(app, board)


async def test_a_wrong_guess_is_corrected_from_the_database(db, clock):
    """An urgent card on top of Weekly: the service places a normal card by position,
    below the urgent ones; the view guessed otherwise and is read again."""
    app, board = make_app(db, clock)
    urgent = board.cards.add({"title": "A-to-z claim", "priority": "urgent"}, Column.WEEKLY)
    async with app.run_test(size=SIZE) as pilot:
        moved = titles(board, Column.DAILY)[0]  # priority high, lands at the urgent card's place
        await pilot.press("shift+right")
        await settled(pilot)
        assert_view_is_stored(app, board)
        weekly = column(app, Column.WEEKLY)
        assert weekly.current.title == moved
        assert weekly.cursor == titles(board, Column.WEEKLY).index(moved) > 1
        assert row_ids(weekly)[0] == urgent.id


async def test_a_wrong_guess_is_corrected_after_the_moves_pressed_behind_it(db, clock):
    """The first of two quick moves lands otherwise than guessed; the second is right:
    the columns of the first are still read again once both are stored."""
    app, board = make_app(db, clock)
    board.cards.add({"title": "A-to-z claim", "priority": "urgent"}, Column.WEEKLY)
    async with app.run_test(size=SIZE) as pilot:
        moved = titles(board, Column.DAILY)[0]
        await pilot.press("shift+right", "shift+right")  # Daily → Weekly → Monthly
        await settled(pilot)
        assert moved in titles(board, Column.MONTHLY)
        assert_view_is_stored(app, board)
        assert column(app, Column.MONTHLY).current.title == moved
