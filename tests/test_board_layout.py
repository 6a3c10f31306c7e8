"""The board's cards at work: a running timer's mark, and two-line titles on wide boards."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region

from kanban_tui.domain.models import Column
from kanban_tui.ui.widgets.column import CARD_HEIGHT, TIMER_MARK
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

        daily.refresh = spy  # type: ignore[method-assign]
        assert daily.tick_timers() == [1]
        # one line repainted: the meta line of the card whose timer runs, nothing else
        assert [(r.y, r.height) for r in repainted] == [(CARD_HEIGHT + 1, 1)]
        for other in (column(app, c) for c in (Column.WEEKLY, Column.MONTHLY)):
            assert other.tick_timers() == []
        daily.refresh = original  # type: ignore[method-assign]
        meta = shown_lines(daily)[CARD_HEIGHT + 1]
        assert f"{TIMER_MARK} {twelve}" in meta
        await pilot.press("T")  # stopped: the mark goes
        await settled(pilot)
        assert not any(TIMER_MARK in line for line in shown_lines(daily))
