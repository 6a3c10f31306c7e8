"""What the board does before its first frame and what a move's frame draws (issue 15):
counted, never timed."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from sqlalchemy import event
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.strip import Strip
from textual.widget import Widget

from kanban_tui.domain.models import Column
from kanban_tui.ui import writes
from kanban_tui.ui.widgets import column as column_module
from kanban_tui.ui.widgets.column import CARD_HEIGHT
from tests.ui_helpers import column, make_app, settled, started

SIZE = (120, 40)

Cell = tuple[str, object]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


async def test_the_first_frame_reads_only_the_visible_rows_and_counts(db, clock):
    """Before the first frame: a count per column and one page of rows per column, nothing
    else (today's load, the scheduler's next moment and the alert check come after it)."""
    app, board = make_app(db, clock)
    statements: list[str] = []

    @event.listens_for(board.db.engine, "before_cursor_execute")
    def note(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        statements.append(" ".join(statement.split()))

    display = app._display
    before_frame: list[str] = []

    def probed(screen: Any, update: Any) -> None:
        display(screen, update)
        if update is not None and not before_frame:
            before_frame.extend(statements)

    app._display = probed
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        reads = [s for s in before_frame if s.startswith("SELECT")]
        counts = [s for s in reads if s.startswith("SELECT count(*)")]
        pages = [s for s in reads if s.startswith("SELECT card.id")]
        assert len(counts) == len(Column)  # the heads
        shown = [c for c in Column if column(app, c).count]
        assert len(pages) == len(shown)  # one page under each column's viewport
        assert all("LIMIT" in s for s in pages)
        assert len(reads) == len(counts) + len(pages)  # no template, incident or load query
        # … and the load is on the top bar once the first frame is out
        assert "Today" in str(app.screen.query_one("#topbar").render())


async def test_the_collector_waits_for_the_first_frame_and_skips_the_start_up_heap(db, clock):
    collections = 0

    def count(phase: str, info: dict[str, int]) -> None:
        nonlocal collections
        if phase == "start":
            collections += 1

    app, _ = make_app(db, clock)
    gc.callbacks.append(count)
    try:
        display = app._display
        before_frame: list[int] = []

        def probed(screen: Any, update: Any) -> None:
            if update is not None and not before_frame:
                before_frame.append(collections)
            display(screen, update)

        app._display = probed
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            assert before_frame == [0]  # no collection between the app's start and its frame
            assert gc.isenabled()
            assert gc.get_freeze_count() > 10_000  # the start-up heap, frozen
        assert gc.isenabled()
        assert gc.get_freeze_count() == 0  # given back when the app is gone
    finally:
        gc.callbacks.remove(count)


def test_a_board_made_but_never_run_leaves_the_collector_on(db, clock):
    """The collector is paused while the board starts (above), not when it is made: a board
    made and then not run (a failed start, a test) must not leave the process without one."""
    assert gc.isenabled()
    make_app(db, clock)
    assert gc.isenabled()


def test_the_ui_does_not_import_the_scheduler_library_until_it_starts():
    code = (
        "import sys; import kanban_tui.ui.app; "
        "print(sorted(m for m in sys.modules if m.startswith('apscheduler.schedulers')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def cells(strip: Strip) -> list[Cell]:
    """A painted line as terminal cells (text, style); a wide character fills two."""
    found: list[Cell] = []
    for segment in strip:
        text, style, control = segment
        if control:
            continue
        for char in text:
            found.append((char, style))
            if cell_len(char) == 2:
                found.append(("", style))
    return found


def apply(screen: list[list[Cell]], update: Any) -> None:
    """What a terminal shows after ``update``, written over ``screen``."""
    if isinstance(update, LayoutUpdate):
        screen[:] = [cells(Strip.join(strips)) for strips in update.strips]
        return
    assert isinstance(update, ChopsUpdate)
    for y, x1, x2 in update.spans:
        line = update.chops[y]
        for end, (x, strip) in zip(update.chop_ends[y], line.items(), strict=False):
            if strip is None or x >= x2 or end <= x1:
                continue
            for offset, cell in enumerate(cells(strip)):
                if x1 <= x + offset < min(x2, end):
                    screen[y][x + offset] = cell


async def test_a_moves_partial_frames_leave_the_screen_a_full_render_would_paint(
    db, clock, monkeypatch
):
    """The board draws only the widgets an update touches (ui/compositor.py): the terminal,
    updated frame by frame, shows what a full render of the same moment shows, and the
    columns a move leaves alone are not asked for a line."""
    # the "saving…" mark (a layout pass when a write outlasts a frame, as it does on a
    # loaded machine) is tested in test_ui_writes; here it would repaint every column
    monkeypatch.setattr(writes, "FRAME_SECONDS", 3600.0)
    app, _ = make_app(db, clock)
    terminal: list[list[Cell]] = []
    partial = 0
    display = app._display

    asked: dict[str, int] = {}
    pending: dict[str, int] = {}  # widgets asked for lines since the last frame

    def probed(screen: Any, update: Any) -> None:
        nonlocal partial
        display(screen, update)
        if update is not None:
            partial += isinstance(update, ChopsUpdate)
            apply(terminal, update)
            if isinstance(update, ChopsUpdate):  # a full layout (a resize, a timer's
                for key, count in pending.items():  # repaint on a loaded machine) asks
                    asked[key] = asked.get(key, 0) + count  # every widget, rightly
        pending.clear()

    app._display = probed
    real = Widget.render_lines

    def counted(self: Widget, crop: Any) -> list[Strip]:
        key = f"{type(self).__name__}#{self.id}"
        pending[key] = pending.get(key, 0) + 1
        return real(self, crop)

    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)  # the start-up alert check repaints every column when it lands
        await settled(pilot)
        for keys in (("j", "shift+right"), ("shift+right",), ("left", "shift+left"), ("space",)):
            if keys != ("space",):  # a move: count the widgets asked for lines
                Widget.render_lines = counted
            try:
                await pilot.press(*keys)
                await settled(pilot)
            finally:
                Widget.render_lines = real
            full = [cells(strip) for strip in app.screen._compositor.render_strips()]
            assert terminal == full, keys
        assert partial >= 4
        # the moves, Daily → Weekly → Monthly and back: no partial frame asked Done or its pane
        assert not any(key.endswith(("#col-done", "#pane-done")) for key in asked), asked


async def test_a_title_is_split_once_for_all_its_lines(db, clock, monkeypatch):
    """A wide board splits long titles in two; each title is split once, not per line."""
    splits: list[str] = []
    real = column_module.split_title

    def counted(text: str, width: int) -> tuple[str, str]:
        splits.append(text)
        return real(text, width)

    monkeypatch.setattr(column_module, "split_title", counted)
    column_module.title_parts.cache_clear()
    app, _ = make_app(db, clock)
    async with app.run_test(size=(170, 40)) as pilot:
        await settled(pilot)
        daily = column(app, Column.DAILY)
        assert daily.wide()
        daily.refresh()
        await pilot.pause()
        assert splits
        assert len(splits) == len(set(splits))


async def test_a_move_styles_only_the_lines_that_changed(db, clock):
    """The rows below a moved card shift by one card: their lines are styled already (see
    LineStylesCache), so the move's frame styles only the lines whose text or highlight
    changed."""
    from textual._styles_cache import StylesCache

    styled: list[int] = []
    columns: set[int] = set()
    counting = False
    real = StylesCache.render_line

    def counted(self: StylesCache, styles: Any, y: int, *rest: Any) -> Any:
        if counting and id(self) in columns:  # the columns' lines (not heads, top bar …)
            styled.append(y)
        return real(self, styles, y, *rest)

    app, _ = make_app(db, clock)
    display = app._display

    def probed(screen: Any, update: Any) -> None:
        nonlocal counting
        display(screen, update)
        if update is not None:
            counting = False  # the move's own frame is out

    app._display = probed
    StylesCache.render_line = counted
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            columns.update(id(column(app, which)._styles_cache) for which in Column)
            daily, weekly = column(app, Column.DAILY), column(app, Column.WEEKLY)
            shifted = (daily.count - 1) + weekly.count  # rows that move up or down a card
            assert shifted >= 8
            board = app.screen
            real_move = board.action_move_card

            def move(delta: int) -> None:
                nonlocal counting
                counting = True  # from the key's action to the frame that shows it
                real_move(delta)

            board.action_move_card = move
            await pilot.press("shift+right")  # Daily's top card: every row below it moves
            await settled(pilot)
    finally:
        StylesCache.render_line = real
    # the moved card (now focused in Weekly), the card that takes its place in Daily (now
    # under the cursor) and Weekly's card that lost the cursor; not every shifted row
    assert styled
    assert len(styled) <= 3 * CARD_HEIGHT
