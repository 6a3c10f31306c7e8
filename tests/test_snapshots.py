"""Snapshot tests of the board at 120×40 in English and Chinese.

Regenerate after an intended visual change with ``pytest tests/test_snapshots.py
--snapshot-update`` and review the SVGs in ``tests/__snapshots__``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kanban_tui.domain.models import Column
from tests.ui_helpers import make_app, pilot_until

SIZE = (120, 40)


def _board(tmp_path: Path, clock, lang: str):
    app, board = make_app(tmp_path / "snap.db", clock, lang=lang)
    cards = board.cards
    cards.add(
        {
            "title": "Restock SKU-42 before Black Friday",
            "category": "inventory",
            "estimate_minutes": 25,
            "priority": "urgent",
            "due": "2026-11-24",
        },
        Column.DAILY,
        0,
    )
    cards.add(
        {"title": "[bold]literal markup[/bold] 与中文标题", "due": "2026-11-25"}, Column.WEEKLY
    )
    first_weekly = cards.list_cards(Column.WEEKLY)[0]
    cards.set_done(first_weekly.id, True)
    return app


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_board_snapshot(snap_compare, tmp_path, clock, lang):
    app = _board(tmp_path, clock, lang)
    assert snap_compare(app, terminal_size=SIZE, press=["j"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_help_snapshot(snap_compare, tmp_path, clock, lang):
    app = _board(tmp_path, clock, lang)
    assert snap_compare(app, terminal_size=SIZE, press=["question_mark"])


def test_new_card_form_with_errors_snapshot(snap_compare, tmp_path, clock):
    from kanban_tui.ui.screens.card_form import CardForm

    app = _board(tmp_path, clock, "en")

    async def fill_in(pilot) -> None:
        await pilot.press("n")
        await pilot_until(  # the form is a screen of its own: type once it is there
            pilot, lambda: isinstance(app.screen, CardForm) and app.screen.is_mounted, "the form"
        )
        await pilot.pause()
        await pilot.press("tab", "tab", "9", "9", "9", "ctrl+s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=fill_in)
