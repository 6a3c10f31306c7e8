"""The "saving…" mark of a slow move (issue 14): each screen keeps its mark, hidden, and
showing or hiding it repaints only its own corner: no full frame, no column laid out again
or asked for a line (before, mounting the mark laid out and repainted the whole board in
the middle of the move). Counted, never timed."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual._compositor import LayoutUpdate
from textual.widget import Widget

from kanban_tui.domain.models import Column
from kanban_tui.ui import writes
from kanban_tui.ui.widgets.column import ColumnView
from kanban_tui.ui.writes import SavingMark
from tests.test_live import pilot_until
from tests.ui_helpers import column, make_app, settled

SIZE = (120, 40)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


class Frames:
    """What the app draws while ``counting``: full frames, partial frames, the widgets
    asked for lines (by class) and the columns laid out again (a new size)."""

    def __init__(self, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counting = False
        self.full = self.partial = self.laid_out = 0
        self.asked: dict[str, int] = {}
        display = app._display

        def probed(screen: Any, update: Any) -> None:
            display(screen, update)
            if self.counting and update is not None:
                if isinstance(update, LayoutUpdate):
                    self.full += 1
                else:
                    self.partial += 1

        app._display = probed
        real_lines = Widget.render_lines

        def lines(widget: Widget, crop: Any) -> Any:
            if self.counting:
                name = type(widget).__name__
                self.asked[name] = self.asked.get(name, 0) + 1
            return real_lines(widget, crop)

        real_sized = ColumnView._size_updated

        def sized(view: ColumnView, *args: Any, **kwargs: Any) -> bool:
            changed = real_sized(view, *args, **kwargs)
            self.laid_out += self.counting and changed
            return changed

        monkeypatch.setattr(Widget, "render_lines", lines)
        monkeypatch.setattr(ColumnView, "_size_updated", sized)

    def start(self) -> None:
        self.counting = True
        self.full = self.partial = self.laid_out = 0
        self.asked.clear()

    def stop(self) -> dict[str, Any]:
        self.counting = False
        return {
            "full": self.full,
            "partial": self.partial,
            "laid_out": self.laid_out,
            "asked": dict(self.asked),
        }


def slow_moves(board: Any, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Make a move's write wait until the returned event is set."""
    release = threading.Event()
    step = board.cards.step

    def slow_step(*args: Any, **kwargs: Any) -> Any:
        assert release.wait(60), "the test never released the move"
        return step(*args, **kwargs)

    monkeypatch.setattr(board.cards, "step", slow_step)
    return release


def shown(app: Any) -> bool:
    return any(mark.visible for mark in app.screen.query(SavingMark))


async def test_showing_and_hiding_the_mark_during_a_move_repaints_only_the_mark(
    db, clock, monkeypatch
):
    # the mark is shown when the test says (its one-frame timer would race the move's frame)
    monkeypatch.setattr(writes, "FRAME_SECONDS", 3600.0)
    app, board = make_app(db, clock)
    release = slow_moves(board, monkeypatch)
    frames = Frames(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert len(app.screen.query(SavingMark)) == 1 and not shown(app)  # there, hidden
        daily = column(app, Column.DAILY)
        moved = daily.current
        assert moved is not None
        try:
            await pilot.press("shift+right")  # the move shows at once; its write waits
            await pilot.pause()
            assert not shown(app)
            frames.start()
            app.writes._show()  # what the mark's timer does once the write outlasts a frame
            await pilot.pause()
            showing = frames.stop()
            assert shown(app) and app.writes.saving
            assert "saving…" in str(app.screen.query_one(SavingMark).render())
            frames.start()
        finally:
            release.set()
        await settled(pilot)
        hiding = frames.stop()
        assert not shown(app) and not app.writes.saving
        assert len(app.screen.query(SavingMark)) == 1  # kept for the next slow write
        assert board.cards.card(moved.id).column == Column.WEEKLY
    for counted in (showing, hiding):
        assert counted["full"] == 0, counted  # no full frame
        assert counted["partial"] >= 1, counted  # its corner was drawn
        assert counted["laid_out"] == 0, counted  # no column laid out again
        assert not {"ColumnView", "ScrollBar"} & set(counted["asked"]), counted  # nor painted
    assert showing["asked"].get("SavingMark")


async def test_the_mark_follows_the_screen_on_show(db, clock, monkeypatch):
    """A write still on its way when a dialog opens: the mark shows on the dialog, and the
    board's own mark is hidden; each screen keeps one mark however often it shows."""
    app, board = make_app(db, clock)
    release = slow_moves(board, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        board_screen = app.screen
        try:
            await pilot.press("shift+right")
            await pilot_until(pilot, lambda: shown(app), "the saving… mark")
            await pilot.press("question_mark")  # help opens over the board
            await pilot.pause()
            assert app.screen is not board_screen and shown(app)
            assert not any(mark.visible for mark in board_screen.query(SavingMark))
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is board_screen and shown(app)
        finally:
            release.set()
        await settled(pilot)
        assert not shown(app)
        assert len(board_screen.query(SavingMark)) == 1


async def test_a_closed_screen_takes_its_mark_with_it(db, clock):
    """Each full screen's mark goes with the screen: opening and closing screens all day
    keeps no marks (nor their screens) alive."""
    import gc
    import weakref

    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        gone: list[weakref.ref[SavingMark]] = []
        for _ in range(5):
            await pilot.press("4")  # the week plan, a full screen
            await pilot.pause()
            marks = list(app.screen.query(SavingMark))
            assert len(marks) == 1  # the week plan has its own
            gone.append(weakref.ref(marks[0]))
            del marks
            await pilot.press("escape")
            await pilot.pause()
        gc.collect()
        assert [ref() for ref in gone] == [None] * 5
        assert len(app.screen.query(SavingMark)) == 1  # the board's, still there
