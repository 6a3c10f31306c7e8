"""Snapshots of the review (3), the KPI pane (2) and the board at 80×24, 120×35 and 200×50
in English and Chinese: the layouts that adapt to the width and height.

Regenerate after an intended visual change with ``pytest tests/test_layout_snapshots.py
--snapshot-update`` and look at the SVGs in ``tests/__snapshots__``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kanban_tui.domain.models import Column
from tests.test_kpi_ui import import_may
from tests.test_plan_screens import make_history
from tests.ui_helpers import make_app

SIZES = [(80, 24), (120, 35), (200, 50)]
LONG = {
    "en": "Restock SKU-42 and SKU-43 before Black Friday and check the inbound shipment plan",
    "zh": "在黑色星期五之前补货SKU-42和SKU-43并检查入库货件计划与仓储容量限制以及广告预算安排",
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


async def _settle(pilot) -> None:
    await pilot.app.writes.idle()  # the keys' writes are stored and shown
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_review_at_three_sizes(snap_compare, db, lang, size):
    app, _, _ = make_history(db, lang)

    async def open_review(pilot) -> None:
        await pilot.press("3", "left_square_bracket", "down", "down")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_review)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kpi_pane_at_three_sizes(snap_compare, db, clock, lang, size):
    app, board = make_app(db, clock, lang=lang)
    import_may(board)

    async def open_pane(pilot) -> None:
        await pilot.press("2")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_pane)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_wide_board_wraps_titles_and_marks_the_timer(snap_compare, db, clock, lang):
    app, board = make_app(db, clock, lang=lang)
    board.cards.add({"title": LONG[lang], "category": "inventory"}, Column.DAILY, 0)

    async def start_timer(pilot) -> None:
        await pilot.press("T")
        await _settle(pilot)
        pilot.app.screen.settle()
        clock.advance(minutes=25)
        for view in pilot.app.screen.columns:
            view.tick_timers()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(200, 50), run_before=start_timer)
