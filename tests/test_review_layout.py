"""The review screen (3) at 80×24, 120×35 and 200×50 in both languages: template names get
the free room, number headers stay whole words, KPI names are readable, and nothing is cut
without an ellipsis."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable

from kanban_tui.ui.screens.review import ReviewScreen
from tests.test_plan_screens import make_history, open_october

TITLES = {
    "en": "Review ad performance (CPC $0.8–1.5, ACoS ≤ 25%)",
    "zh": "审核广告表现(CPC $0.8–1.5, ACoS≤25%)",
}
KPI = {"en": "Buyer-message response time", "zh": "买家消息回复时间"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


def screen_text(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def headers(app) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(column.label).strip() for column in table.columns.values()]


def title_cells(app) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_at_80_columns_the_numbers_keep_whole_headers(db, lang):
    app, _board, _ = make_history(db, lang)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_october(pilot)
        assert screen.fit_mode == "narrow"
        done, missed, rate = (
            ("Done", "Missed", "Rate") if lang == "en" else ("完成", "错过", "完成率")
        )
        assert headers(app)[2:] == [done, missed, rate]
        shown = "\n".join(screen_text(app))
        for header in (done, missed, rate):
            assert header in shown
        table = app.screen.query_one(DataTable)
        row = next(
            [str(cell) for cell in table.get_row_at(i)]
            for i, title in enumerate(title_cells(app))
            if title.startswith(TITLES[lang][:6])
        )
        assert row[2:] == ["15/31", "16", "48%"]  # on time + late of planned, missed, rate
        # a name longer than its column ends with …; the whole name is in the detail box
        for title in title_cells(app):
            assert cell_len(title) <= screen.title_width
        assert any(title.endswith("…") for title in title_cells(app))
        # the KPI names are whole (on their own line when the panel is narrow)
        side = "".join(line.split("▊")[-1].strip() for line in screen_text(app))
        assert KPI[lang].replace(" ", "") in side.replace(" ", "")
        assert not any("C…" in line for line in screen_text(app))


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_at_200_columns_the_names_take_the_free_room(db, lang):
    app, _, _ = make_history(db, lang)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_october(pilot)
        assert screen.fit_mode == "wide"
        assert screen.title_width >= 80
        assert TITLES[lang] in title_cells(app)  # whole, no …
        assert len(headers(app)) == 8
        lines = screen_text(app)
        assert any(TITLES[lang] in line for line in lines)
        assert any(KPI[lang] in line and "28.0 h" in line for line in lines)
        # the table reaches the side panel: no wide empty band right of the numbers
        header_line = next(line for line in lines if line.lstrip().startswith(headers(app)[1]))
        assert header_line.index("▊") - len(header_line[: header_line.index("▊")].rstrip()) < 6


async def test_resizing_switches_the_layout_and_keeps_the_cursor(db):
    app, _, _ = make_history(db)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_october(pilot)
        assert screen.fit_mode == "medium"
        assert headers(app)[2:] == ["Planned", "On time", "Late", "Missed", "Open", "Rate"]
        await pilot.press("j", "j")
        current = screen.current
        assert current is not None
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert screen.fit_mode == "narrow"
        assert headers(app)[2:] == ["Done", "Missed", "Rate"]
        assert screen.current is not None
        assert screen.current.template_id == current.template_id
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert screen.fit_mode == "wide"
        assert screen.current.template_id == current.template_id
        assert len(headers(app)) == 8
