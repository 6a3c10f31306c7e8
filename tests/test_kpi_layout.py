"""The KPI pane (2) fitted to small screens: at 80×24 the month header stays on top, the
chart comes first, and the tiles below it scroll with the selection, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from kanban_tui.ui.screens.kpi import KpiScreen
from kanban_tui.ui.widgets.kpi import KpiTiles, TrendChart
from tests.test_kpi_ui import import_may
from tests.ui_helpers import make_app


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def visible(app, widget) -> bool:
    """The widget has rows on screen (not scrolled away, not zero-sized)."""
    region = app.screen.find_widget(widget).region
    return region.height > 0 and region.y < app.size.height


@pytest.mark.parametrize(("lang", "month"), [("en", "May 2026"), ("zh", "2026年5月")])
async def test_at_80x24_the_header_and_chart_are_in_view(db, clock, lang, month):
    app, board = make_app(db, clock, lang=lang)
    import_may(board)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KpiScreen)
        assert screen.has_class("-short") and screen.has_class("-narrow")
        lines = screen_lines(app)
        assert month in lines[0]  # the month header is the first line, not scrolled off
        assert screen.scroll_offset.y == 0
        chart = screen.query_one(TrendChart)
        region = screen.find_widget(chart).region
        assert region.y < 6 and region.height >= 8  # the chart comes first, and is usable
        head = screen.query_one("#kpi-head", Static)
        assert screen.find_widget(head).region.y == 0
        tiles = screen.query_one(KpiTiles)
        assert visible(app, tiles)
        # the header fits its line or ends with …
        assert len(lines[0].rstrip()) <= 80


async def test_the_selected_tile_scrolls_into_view_on_a_short_screen(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KpiScreen)
        box = screen.query_one("#kpi-tiles-box")
        assert box.scroll_offset.y == 0
        last = len(screen.keys) - 1
        for _ in range(last):
            await pilot.press("down")
        await pilot.pause()
        assert screen.selected == last
        name = screen.query_one(KpiTiles).tiles[last].name
        assert box.scroll_offset.y > 0
        assert any(name[:12] in line for line in screen_lines(app))
        for _ in range(last):
            await pilot.press("up")
        await pilot.pause()
        assert screen.selected == 0
        assert box.scroll_offset.y == 0


async def test_a_tall_screen_keeps_the_tiles_on_top_and_resizing_switches(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KpiScreen)
        assert not screen.has_class("-short")
        tiles_y = screen.find_widget(screen.query_one(KpiTiles)).region.y
        chart_y = screen.find_widget(screen.query_one(TrendChart)).region.y
        assert tiles_y < chart_y
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.has_class("-short")
        tiles_y = screen.find_widget(screen.query_one(KpiTiles)).region.y
        chart_y = screen.find_widget(screen.query_one(TrendChart)).region.y
        assert chart_y < tiles_y
        assert "May 2026" in screen_lines(app)[0]
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not screen.has_class("-short")
        tiles_y = screen.find_widget(screen.query_one(KpiTiles)).region.y
        chart_y = screen.find_widget(screen.query_one(TrendChart)).region.y
        assert tiles_y < chart_y
