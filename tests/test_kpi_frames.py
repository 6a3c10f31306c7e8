"""A key on the KPI pane rebuilds only what changed, and the key's frame comes first.

Counts, never times: which lines are painted again, how many rows the ASIN table is built
from, whether the collector may run before the key's frame. Driven with Textual's Pilot.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import DataTable

from kanban_tui.services.kpi_view import CACHE_SIZE, KpiView
from kanban_tui.ui.screens.kpi import KpiScreen
from kanban_tui.ui.screens.kpi import pane as pane_module
from kanban_tui.ui.widgets.kpi import ChartSpec, TrendChart, plotext_text
from tests.test_kpi_ui import SIZE, import_may, open_pane
from tests.test_render_caches import COLORS, ChartApp
from tests.ui_helpers import make_app


def counting(method: Any, calls: list[int]) -> Any:
    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return method(*args, **kwargs)

    return counted


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


@pytest.fixture(autouse=True)
def no_idle_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pane draws no chart ahead on its own here (the tests count the charts drawn;
    ``prepare_next`` is called where it is the subject)."""
    monkeypatch.setattr(pane_module, "PREPARE_AFTER", 3600.0)


@asynccontextmanager
async def may_pane(db: Path, clock: object) -> AsyncIterator[tuple[Any, KpiScreen]]:
    """The pane over May's reports, opened and settled: (pilot, pane)."""
    app, board = make_app(db, clock)
    import_may(board)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        await pilot.pause()
        yield pilot, screen


async def test_going_back_to_a_kpi_paints_the_lines_kept(db, clock):
    async with may_pane(db, clock) as (pilot, screen):
        chart = screen.query_one(TrendChart)
        assert chart.display
        first = [chart.render_line(y) for y in range(chart.size.height)]
        builds = chart.builds
        await pilot.press("down")
        await pilot.pause()
        assert screen.selected == 1
        await pilot.press("up")
        await pilot.pause()
        assert screen.selected == 0
        # neither plotext nor Textual's text rendering ran again for the first KPI: the
        # very lines painted before are painted now
        again = [chart.render_line(y) for y in range(chart.size.height)]
        assert all(a is b for a, b in zip(first, again, strict=True))
        assert chart.builds == builds + 1  # the second KPI's chart


async def test_choosing_an_asin_marks_it_without_building_the_table_again(db, clock):
    async with may_pane(db, clock) as (pilot, screen):
        table = screen.query_one("#kpi-asins", DataTable)
        rows = screen.asin_rows()
        assert len(rows) >= 2  # the Sponsored Products report's ASINs
        added: list[int] = []
        table.add_row = counting(table.add_row, added)
        await pilot.press("i")
        await pilot.pause()
        assert screen.asin == rows[0].asin
        assert added == []  # the same rows: only the mark moved
        cell = table.get_cell(rows[0].asin, "asin")
        assert cell.plain == rows[0].asin and "reverse" in str(cell.style)
        await pilot.press("i")
        await pilot.pause()
        assert screen.asin == rows[1].asin
        assert "reverse" not in str(table.get_cell(rows[0].asin, "asin").style)
        assert "reverse" in str(table.get_cell(rows[1].asin, "asin").style)
        assert added == []
        await pilot.press("left_square_bracket")  # another month: other rows, built
        await pilot.pause()
        assert table.row_count == len(screen.asin_rows())


async def test_a_chart_not_drawn_yet_follows_the_frame_of_the_key(db, clock):
    async with may_pane(db, clock) as (pilot, screen):
        chart = screen.query_one(TrendChart)
        before = chart.chart_spec
        assert gc.isenabled()  # the board gave the collector back after its first frame
        screen.action_select(1)  # as the key ↓ does
        # the key's frame: the tiles and the detail of the new KPI; the collector waits
        assert screen.selected == 1
        assert screen.chart_waiting and chart.chart_spec is before
        assert not gc.isenabled()
        await pilot.pause()
        assert gc.isenabled()
        assert not screen.chart_waiting
        assert chart.chart_spec is not None and chart.chart_spec == screen.chart_spec()
        assert screen.chart_title().startswith(screen.query_one("#kpi-chart-title").content.plain)
        # back to the first KPI: drawn before, so in the key's own frame
        screen.action_select(-1)  # as the key ↑ does
        assert not screen.chart_waiting and chart.chart_spec == before
        await pilot.pause()


async def test_kept_charts_are_bounded() -> None:
    app = ChartApp()
    async with app.run_test(size=(80, 24)) as pilot:
        chart = app.query_one(TrendChart)
        await pilot.pause()
        start = chart.builds  # the empty chart painted at mount
        for n in range(TrendChart.DRAWN_KEPT + 8):
            chart.draw(ChartSpec(size=5, values=[[(x, float(x * n)) for x in range(5)]]), COLORS)
            await pilot.pause()
        assert chart.builds - start == TrendChart.DRAWN_KEPT + 8
        assert len(chart._drawn) == TrendChart.DRAWN_KEPT


def test_the_view_model_drops_its_least_recently_used_answers(monkeypatch) -> None:
    class Service:
        def remembering(self, reads: dict) -> Service:
            return self

    view = KpiView(Service())  # type: ignore[arg-type]
    made: list[int] = []

    def make(n: int) -> int:
        made.append(n)
        return n

    for n in range(CACHE_SIZE + 100):
        view._get(("n", n), partial(make, n))
        view._get(("n", 0), lambda: make(0))  # the answer asked for all along
    assert len(view._cache) == CACHE_SIZE
    assert made.count(0) == 1  # kept, never made again
    assert ("n", CACHE_SIZE + 99) in view._cache and ("n", 1) not in view._cache


SPECS = [
    ChartSpec(  # a month of days: values, the rolling mean, last month, a target band
        size=30,
        values=[[(x, 100.0 + 7 * (x % 5)) for x in range(12)], [(x, 90.0) for x in (20, 21)]],
        rolling=[[(x, 104.0 + x / 10) for x in range(12)]],
        previous=[[(x, 80.0 + x) for x in range(30)]],
        targets=[95.0, 120.0],
        xticks=[(n, str(n + 1)) for n in range(30)],
    ),
    ChartSpec(  # twelve months and a goal that steps
        size=12,
        values=[[(x, 1000.0 * x) for x in range(12)]],
        target_steps=[(x, 5000.0 + 100 * x) for x in range(12)],
        xticks=[(x, f"{x + 1:02d}") for x in range(12)],
    ),
    ChartSpec(size=31, values=[[(3, 12.5)]], ylabel="percent"),  # one point, a share
]


async def test_the_chart_reads_plotext_as_its_ansi_output_would() -> None:
    from textual.app import App, ComposeResult

    class ChartApp(App[None]):
        def compose(self) -> ComposeResult:
            yield TrendChart(id="chart")

    app = ChartApp()
    async with app.run_test(size=(100, 30)) as pilot:
        chart = app.query_one(TrendChart)
        await pilot.pause()
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            for spec in SPECS:
                chart.draw(spec, COLORS)
                chart._build()
                plot = chart.plt
                plot.plotsize(chart.size.width, chart.size.height)
                plot._set_size(chart.size.width, chart.size.height)
                plot.theme(chart._get_plotext_theme_name(app.theme))
                read = plotext_text(plot)
                parsed = Text.from_ansi(plot.build())
                assert read.plain == parsed.plain
                assert read.spans == parsed.spans and len(parsed.spans) > 20
                assert len(read.plain.splitlines()) == chart.size.height


async def test_an_idle_pane_draws_the_next_kpis_chart_ahead(db, clock):
    async with may_pane(db, clock) as (pilot, screen):
        chart = screen.query_one(TrendChart)
        shown = chart.chart_spec
        builds = chart.builds
        assert screen.prepare_next()  # what the idle timer calls
        assert chart.builds == builds + 1 and chart.chart_spec is shown  # kept, not shown
        screen.action_select(1)  # ↓: its chart in the key's own frame
        assert not screen.chart_waiting and chart.chart_spec == screen.chart_spec()
        await pilot.pause()
        assert chart.builds == builds + 1
        assert screen.prepare_next() and chart.builds == builds + 2  # the third KPI's
        assert not screen.prepare_next()  # both neighbours kept
