"""Keys typed at once after a key that opens a form land in the form, in order.

``pilot.press`` waits for the app to settle after every key; a person typing ``n`` and then
the title does not. These tests hand the keys to the driver in one burst, as a terminal
does, before the form has opened.
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input, TextArea

from kanban_tui.domain.models import Column
from kanban_tui.ui.screens.card_form import CardForm
from kanban_tui.ui.screens.kpi import KpiEntryForm
from tests.ui_helpers import make_app

SIZE = (120, 35)


def burst(app, keys: list[str]) -> None:
    """Every key handed over at once, as from a fast typist (no waiting in between)."""
    driver = app._driver
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        driver.send_message(event)


async def settle(pilot) -> None:
    for _ in range(5):
        await pilot.pause()


async def test_a_title_typed_right_after_n_lands_in_the_new_card_form(tmp_path: Path, clock):
    app, board = make_app(tmp_path / "b.db", clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = [c.title for c in board.cards.list_cards(Column.DAILY)]
        # "u" (undo) and "y" (copy) are board keys: typed into the form they are letters
        burst(app, ["n", *"Buy 2 boxes"])
        await settle(pilot)
        assert isinstance(app.screen, CardForm)
        assert app.screen.query_one("#title", Input).value == "Buy 2 boxes"
        assert app.screen.focused is app.screen.query_one("#title", Input)
        # typing on after the form is open continues the same field
        await pilot.press(*" now")
        burst(app, ["enter"])
        await settle(pilot)
        after = [c.title for c in board.cards.list_cards(Column.DAILY)]
        assert "Buy 2 boxes now" in after
        assert sorted(after) == sorted([*before, "Buy 2 boxes now"])


async def test_a_value_typed_right_after_a_lands_in_the_kpi_entry_form(tmp_path: Path, clock):
    app, _board = make_app(tmp_path / "k.db", clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        burst(app, ["a", *"1250"])
        await settle(pilot)
        assert isinstance(app.screen, KpiEntryForm)
        assert app.screen.query_one("#value", Input).value == "1250"


async def test_keys_typed_in_an_open_form_stay_where_the_user_put_them(tmp_path: Path, clock):
    app, _board = make_app(tmp_path / "c.db", clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CardForm)
        form.query_one("#notes", TextArea).focus()
        await settle(pilot)
        burst(app, list("ok"))
        await settle(pilot)
        assert form.query_one("#notes", TextArea).text == "ok"
        assert form.query_one("#title", Input).value == ""
