"""The open board adds recurring cards by itself when their time comes."""

from __future__ import annotations

from kanban_tui.domain.models import Column
from tests.ui_helpers import column, make_app, pilot_until, screen


async def test_new_daily_cards_arrive_after_midnight_and_focus_stays(tmp_path, clock):
    # 09:30 in Shenzhen is 17:30 the day before in Los Angeles (the default marketplace)
    app, board = make_app(tmp_path / "b.db", clock, schedule_check_seconds=0.05)
    messages: list[str] = []
    app.notify = lambda message, **_: messages.append(message)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        daily = board.cards.list_cards(Column.DAILY)
        assert {c.period_key for c in daily} == {"2026-11-24"}
        await pilot.press("l", "j")
        focused = column(app, Column.WEEKLY).current
        messages.clear()

        clock.advance(hours=7)  # 00:30 in Los Angeles on the 25th
        await pilot_until(
            pilot,
            lambda: {c.period_key for c in board.cards.list_cards(Column.DAILY)} == {"2026-11-25"},
            "the tick of the 25th",
        )
        daily = board.cards.list_cards(Column.DAILY)
        assert sorted(c.period_key for c in daily) == ["2026-11-25"] * 5
        await pilot_until(pilot, lambda: column(app, Column.DAILY).count == 5, "the new cards")
        assert screen(app).focus_index == 1
        assert column(app, Column.WEEKLY).current.id == focused.id
        # the toast comes with the tick's follow-up on the UI thread: waited for like the
        # cards, not assumed to have landed with them (it did not, once, on a loaded machine)
        await pilot_until(pilot, lambda: "5 new Daily cards" in messages, "the toast")


async def test_a_clock_jump_after_sleep_ticks_at_once(tmp_path, clock):
    app, board = make_app(tmp_path / "b.db", clock, schedule_check_seconds=0.05)
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.pause()
        clock.advance(days=6)  # the laptop slept from Tuesday to Monday
        await pilot_until(
            pilot,
            lambda: any(c.period_key == "2026-W49" for c in board.cards.list_cards(Column.WEEKLY)),
            "the tick of week 49",
        )
        weekly = board.cards.list_cards(Column.WEEKLY)
        assert sum(c.period_key == "2026-W49" for c in weekly) == 4
        # last week's weekly cards were carried over and show how overdue they are
        carried = [c for c in weekly if c.period_key == "2026-W48"]
        assert len(carried) == 4
        view = column(app, Column.WEEKLY)
        await pilot_until(
            pilot,
            lambda: any("overdue" in view.render_line(y).text for y in range(30)),
            "the carried cards marked overdue",
        )


async def test_a_card_becomes_recurring_from_its_edit_form(tmp_path, clock):
    from textual.widgets import Select

    from kanban_tui.ui.screens.card_form import CardForm

    app, board = make_app(tmp_path / "b.db", clock)
    card = board.cards.add({"title": "Export the PPC search-term report"}, Column.WEEKLY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("l", *["j"] * 6)
        assert column(app, Column.WEEKLY).current.id == card.id
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, CardForm)
        form.query_one("#repeat", Select).value = "custom"
        await pilot.pause()
        await pilot.press(*"weekly:mox", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CardForm)  # refused, with the place shown
        assert "^" in str(form.query_one("#repeat-error").render())
        assert board.templates.template_of(card.id) is None
        form.query_one("#repeat-rule").value = "weekly:fri"
        await pilot.press("ctrl+s")
        await pilot.pause()
        template = board.templates.template_of(card.id)
        assert template is not None and template.rule == "weekly:fri"
        assert board.cards.card(card.id).period_key == "2026-W48"
        # the next tick does not add a twin for this week
        assert board.templates.tick().created == []
        # and the form shows the rule next time; choosing "no repeat" pauses the template
        await pilot.press("e")
        assert app.screen.query_one("#repeat", Select).value == "custom"
        app.screen.query_one("#repeat", Select).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert board.templates.row(template.id).active is False
