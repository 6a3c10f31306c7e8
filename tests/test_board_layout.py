"""The board's cards at work: a running timer's mark, and two-line titles on wide boards."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.geometry import Region

from kanban_tui.domain.models import Column
from kanban_tui.ui.widgets.column import CARD_HEIGHT, TIMER_MARK, split_title
from tests.ui_helpers import column, make_app, settled, shown_lines


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


@pytest.mark.parametrize(("lang", "twelve"), [("en", "12 m"), ("zh", "12分")])
async def test_a_running_timer_shows_on_its_card_with_the_elapsed_time(db, clock, lang, twelve):
    app, _ = make_app(db, clock, lang=lang)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        daily = column(app, Column.DAILY)
        assert not any(TIMER_MARK in line for line in shown_lines(daily))
        await pilot.press("j", "T")  # the second card's timer
        await settled(pilot)
        lines = shown_lines(daily)
        assert TIMER_MARK not in lines[1]
        assert TIMER_MARK in lines[CARD_HEIGHT + 1]
        clock.advance(minutes=12)
        repainted: list[Region] = []
        original = daily.refresh

        def spy(*regions: Region, **kwargs: object) -> object:
            repainted.extend(regions)
            return original(*regions, **kwargs)

        daily.refresh = spy
        assert daily.tick_timers() == [1]
        # one line repainted: the meta line of the card whose timer runs, nothing else
        assert [(r.y, r.height) for r in repainted] == [(CARD_HEIGHT + 1, 1)]
        for other in (column(app, c) for c in (Column.WEEKLY, Column.MONTHLY)):
            assert other.tick_timers() == []
        daily.refresh = original
        meta = shown_lines(daily)[CARD_HEIGHT + 1]
        assert f"{TIMER_MARK} {twelve}" in meta
        await pilot.press("T")  # stopped: the mark goes
        await settled(pilot)
        assert not any(TIMER_MARK in line for line in shown_lines(daily))


LONG = {
    "en": "Restock SKU-42 and SKU-43 before Black Friday and check the inbound shipment plan",
    "zh": "在黑色星期五之前补货SKU-42和SKU-43并检查入库货件计划与仓储容量限制以及广告预算安排",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_wide_boards_wrap_long_titles_to_two_lines(db, clock, lang):
    app, board = make_app(db, clock, lang=lang)
    board.cards.add({"title": LONG[lang], "category": "inventory"}, Column.DAILY, 0)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        daily = column(app, Column.DAILY)
        lines = shown_lines(daily)
        first, second, meta = lines[0], lines[1], lines[2]
        joined = first[3:].rstrip() + (" " if lang == "en" else "") + second[3:].strip()
        assert joined.rstrip("…").startswith(LONG[lang][: len(joined.rstrip("…")) - 1])
        assert cell_len(first[3:].rstrip()) > 30  # far more than one cut line showed
        assert second.startswith("   ") and second.strip()
        assert first[3:].rstrip()[-1] != "…"  # the first line is whole: the title goes on
        assert ("inventory" if lang == "en" else "库存") in meta
        # the next card starts on the fourth line, as every card is three lines high
        assert lines[CARD_HEIGHT].strip()
        assert lines[CARD_HEIGHT + 2].strip() == ""
        # a running timer's mark sits on the meta line, wherever that line is
        await pilot.press("T")
        await settled(pilot)
        clock.advance(minutes=5)
        repainted: list[Region] = []
        original = daily.refresh
        daily.refresh = lambda *r, **k: repainted.extend(r)
        assert daily.tick_timers() == [0]
        daily.refresh = original
        assert [(r.y, r.height) for r in repainted] == [(2, 1)]
        assert TIMER_MARK in shown_lines(daily)[2]
        # moving the cursor and the page keys still work a card (3 lines) at a time
        await pilot.press("j")
        assert daily.cursor == 1
        await pilot.press("k")
        assert daily.cursor == 0
        # narrower than 160 columns: one line, cut with …
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        lines = shown_lines(daily)
        assert lines[0].rstrip().endswith("…")
        assert ("inventory" if lang == "en" else "库存") in lines[1]
        assert lines[2].strip() == ""


def test_split_title_breaks_at_a_space_and_cjk_anywhere():
    assert split_title("Restock SKU-42 before Friday", 16) == ("Restock SKU-42", "before Friday")
    assert split_title("short", 16) == ("short", "")
    first, rest = split_title("补货计划与仓储容量", 10)
    assert (first, rest) == ("补货计划与", "仓储容量")
    assert cell_len(first) <= 10
