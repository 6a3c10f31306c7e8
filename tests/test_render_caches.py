"""Drawing the same thing twice costs nothing: the KPI chart keeps what plotext drew."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult

from kanban_tui.ui.widgets.kpi import ChartColors, ChartSpec, TrendChart

COLORS = ChartColors(
    values=(200, 0, 0), rolling=(0, 200, 0), target=(0, 0, 200), previous=(9, 9, 9)
)


def spec(scale: float) -> ChartSpec:
    return ChartSpec(size=30, values=[[(x, x * scale) for x in range(30)]], targets=[10.0])


class ChartApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TrendChart(id="chart")


async def test_going_back_to_a_chart_does_not_draw_it_again() -> None:
    app = ChartApp()
    async with app.run_test(size=(80, 24)) as pilot:
        chart = app.query_one(TrendChart)
        builds: list[int] = []
        plot: Any = chart.plt
        build = plot._build_matrix  # plotext's drawing (the chart reads its matrix)

        def counting_build(*args: Any, **kwargs: Any) -> Any:
            builds.append(1)
            return build(*args, **kwargs)

        plot._build_matrix = counting_build
        chart.draw(spec(1.0), COLORS)
        await pilot.pause()
        first = chart.render()
        assert len(builds) == 1
        chart.draw(spec(2.0), COLORS)  # another month: drawn
        await pilot.pause()
        assert len(builds) == 2
        chart.draw(spec(1.0), COLORS)  # back to the first: the kept drawing
        await pilot.pause()
        assert len(builds) == 2
        assert chart.render() is first
        await pilot.resize_terminal(100, 30)  # a new size draws again, to suit the ticks
        await pilot.pause()
        assert len(builds) == 3
