"""The Templates screen and its form, driven with Textual's Pilot as a seller would."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Label, Select, Static, TextArea

from kanban_tui.domain.models import Column
from kanban_tui.ui.screens.board import BoardScreen
from kanban_tui.ui.screens.dialogs import ConfirmScreen, ErrorScreen, HelpScreen
from kanban_tui.ui.screens.templates import TemplateForm, TemplatesScreen, completion
from tests.ui_helpers import make_app

SIZE = (120, 40)
FIRST = "Check account health (ODR < 1%)"
#: Long titles are cut to the title column's width; the line under the table shows them.
FIRST_SHOWN = "Check account health (ODR < 1…"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


def table(app) -> DataTable:
    assert isinstance(app.screen, TemplatesScreen)
    return app.screen.query_one("#templates-table", DataTable)


def shown_rows(app) -> list[list[str]]:
    """The table as the user reads it: one list of cell texts per template."""
    view = table(app)
    return [[str(cell) for cell in view.get_row_at(i)] for i in range(view.row_count)]


def shown(widget: Static) -> str:
    return str(widget.render())


async def open_templates(pilot) -> None:
    await pilot.press("t")
    await pilot.pause()
    assert isinstance(pilot.app.screen, TemplatesScreen)


async def retype(pilot, widget_id: str, text: str) -> None:
    """Empty an input and type ``text`` into it key by key."""
    box = pilot.app.screen.query_one(widget_id, Input)
    box.focus()
    box.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def test_t_opens_the_list_of_every_template_with_its_rule_in_words(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        assert "t" in {b.key for b in BoardScreen.BINDINGS if b.show}  # in the footer
        await open_templates(pilot)
        rows = shown_rows(app)
        assert len(rows) == 16 == len(board.templates.rows())
        assert rows[0] == [
            FIRST_SHOWN,
            "every day 00:00 Los Angeles time",
            "Daily",
            "11-25 00:00",  # 2026-11-24 17:30 in Los Angeles: the next card is at midnight
            "—",
            "—",
        ]
        weekly = next(r for r in rows if r[0].startswith("Track at least 5"))
        assert weekly[1:4] == ["every Monday 00:00 Los Angeles time", "Weekly", "11-30 00:00"]
        assert any(r[1] == "monthly on day 1 00:00 Los Angeles time" for r in rows)
        head = shown(app.screen.query_one("#templates-head", Static))
        assert "16 templates, 0 paused" in head
        detail = shown(app.screen.query_one("#template-detail", Static))
        assert FIRST in detail and "US United States" in detail


async def test_the_templates_key_is_in_the_help(db, clock):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "Templates" in shown(app.screen.query_one("#help-keys", Static))


async def test_the_list_in_chinese(db, clock):
    app, _ = make_app(db, clock, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await open_templates(pilot)
        rows = shown_rows(app)
        assert rows[0][:4] == [
            "检查账户健康指标(ODR<1%)",
            "每天 00:00 洛杉矶时间",
            "每日",
            "11-25 00:00",
        ]
        assert any(r[1] == "每周一 00:00 洛杉矶时间" for r in rows)
        assert str(table(app).columns["rule"].label) == "规则"
        assert "共 16 个模板" in shown(app.screen.query_one("#templates-head", Static))


async def test_the_rule_preview_follows_typing_and_a_bad_rule_is_refused(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_templates(pilot)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, TemplateForm)
        preview = form.query_one("#rule-preview", Static)
        await pilot.press(*"Send the weekly report")
        await retype(pilot, "#rule", "weekly:mon")
        lines = shown(preview).splitlines()
        assert lines[0] == "every Monday 09:00 Los Angeles time"
        assert [line.strip() for line in lines[1:]] == [
            "Mon 2026-11-30 09:00 PST",
            "Mon 2026-12-07 09:00 PST",
            "Mon 2026-12-14 09:00 PST",
            "Mon 2026-12-21 09:00 PST",
            "Mon 2026-12-28 09:00 PST",
        ]
        form.query_one("#marketplace", Select).value = "JP"
        await pilot.pause()
        assert shown(preview).splitlines()[:2] == [
            "every Monday 09:00 Tokyo time",
            "  Mon 2026-11-30 09:00 JST",
        ]
        assert not preview.has_class("-error")

        await pilot.press("backspace")  # "weekly:mo" is not a weekday either
        await pilot.press("x")
        await pilot.pause()
        assert preview.has_class("-error")
        error = shown(preview).splitlines()
        assert error[0].startswith("unknown weekday 'mox' at 7")
        assert error[1:] == ["  weekly:mox", "         ^"]

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # nothing saved, the form stays
        assert "^" in shown(form.query_one("#rule-error", Label))
        assert len(board.templates.rows()) == 16

        await retype(pilot, "#rule", "monthly:last")
        assert shown(preview).splitlines()[1] == "  Mon 2026-11-30 09:00 JST"
        await retype(pilot, "#at", "25:00")
        assert preview.has_class("-error")
        assert "09:00" in shown(preview)  # "use a time like 09:00"
        await pilot.press("escape")
        assert isinstance(app.screen, TemplatesScreen)
        assert len(board.templates.rows()) == 16


@pytest.mark.parametrize(
    ("lang", "problem"),
    [
        ("en", "bad RRULE value BYDAY=XX at 18 (use MO, TU, WE"),
        ("zh", "无效的 RRULE 值 BYDAY=XX,位置 18(可用 MO、TU、WE"),
    ],
)
async def test_a_bad_rule_is_explained_in_the_forms_language(db, clock, lang, problem):
    app, board = make_app(db, clock, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await open_templates(pilot)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, TemplateForm)
        await pilot.press(*"Ads")
        await retype(pilot, "#rule", "rrule:FREQ=WEEKLY;BYDAY=XX")
        preview = form.query_one("#rule-preview", Static)
        assert preview.has_class("-error")
        said, echoed, caret = shown(preview).splitlines()
        assert said.startswith(problem)
        assert (echoed, caret) == ("  rrule:FREQ=WEEKLY;BYDAY=XX", "  " + " " * 18 + "^")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # nothing saved, the form stays
        said = shown(form.query_one("#rule-error", Label))
        assert said.startswith(problem) and said.splitlines()[-1].strip() == "^"
        assert "rule_error" not in said and "rule_hint" not in said  # no catalog key shown
        assert len(board.templates.rows()) == 16


async def test_adding_a_template(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_templates(pilot)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, TemplateForm)
        await pilot.press(*"Check FBA inbound shipments", "tab", *"检查入库货件")
        await retype(pilot, "#rule", "weekly:fri")
        await retype(pilot, "#at", "10:30")
        await retype(pilot, "#estimate_minutes", "25")
        form.query_one("#marketplace", Select).value = "JP"
        form.query_one("#column", Select).value = "weekly"
        form.query_one("#checklist", TextArea).text = "open Shipments\n\ncheck receiving\n"
        await pilot.pause()
        await pilot.press("enter")  # in an input: saves
        await pilot.pause()

        assert isinstance(app.screen, TemplatesScreen)
        added = board.templates.rows()[-1]
        assert len(board.templates.rows()) == 17
        assert (added.title_en, added.title_zh) == ("Check FBA inbound shipments", "检查入库货件")
        assert (added.rule, added.at, added.marketplace) == ("weekly:fri", "10:30", "JP")
        assert (added.column, added.estimate_minutes) == ("weekly", 25)
        assert added.checklist == ["open Shipments", "check receiving"]
        assert added.on_period_end == "carry"  # the default of a weekly rule
        assert shown_rows(app)[-1][:4] == [
            "Check FBA inbound shipments",
            "every Friday 10:30 Tokyo time",
            "Weekly",
            "11-27 10:30",  # it is Wednesday 10:30 in Tokyo
        ]
        assert table(app).cursor_row == 16  # the cursor is on the new template


async def test_titles_are_shown_literally(db, clock):
    app, board = make_app(db, clock)
    board.templates.add({"title_en": "[bold]Promo[/bold] check", "rule": "daily"})
    async with app.run_test(size=SIZE) as pilot:
        await open_templates(pilot)
        assert shown_rows(app)[-1][0] == "[bold]Promo[/bold] check"


async def test_pause_and_resume(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_templates(pilot)
        await pilot.press("j", "p")
        await pilot.pause()
        second = board.templates.rows()[1]
        assert not second.active
        assert shown_rows(app)[1][3] == "paused"
        assert table(app).cursor_row == 1  # still on the same template
        assert "1 paused" in shown(app.screen.query_one("#templates-head", Static))
        await pilot.press("p")
        await pilot.pause()
        assert board.templates.rows()[1].active
        assert shown_rows(app)[1][3] == "11-25 00:00"


async def test_delete_asks_first_and_keeps_the_cards(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        first = board.templates.rows()[0]
        cards = [c for c in board.cards.list_cards() if c.template_id == first.id]
        assert cards, "the first tick made today's card"
        await open_templates(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert len(board.templates.rows()) == 16
        await pilot.press("d", "y")
        await pilot.pause()
        assert first.id not in [r.id for r in board.templates.rows()]
        assert len(shown_rows(app)) == 15
        assert shown_rows(app)[0][0] == "Answer buyer messages (within…"
        assert table(app).cursor_row == 0
        kept = [c.id for c in board.cards.list_cards() if c.template_id == first.id]
        assert kept == [c.id for c in cards]


@pytest.mark.parametrize("key", ["e", "enter"])
async def test_editing_the_estimate(db, clock, key):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_templates(pilot)
        await pilot.press("j", "j", key)
        form = app.screen
        assert isinstance(form, TemplateForm)
        third = board.templates.rows()[2]
        assert form.query_one("#title_en", Input).value == third.title_en
        assert form.query_one("#rule", Input).value == "daily"
        await retype(pilot, "#estimate_minutes", "40")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TemplatesScreen)
        edited = board.templates.row(third.id)
        assert edited.estimate_minutes == 40
        assert dataclasses.replace(edited, estimate_minutes=third.estimate_minutes) == third
        assert table(app).cursor_row == 2


async def test_the_form_shows_errors_by_the_field(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_templates(pilot)
        await pilot.press("a")
        form = app.screen
        await retype(pilot, "#estimate_minutes", "999")
        await retype(pilot, "#at", "9h")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "must not be empty" in shown(form.query_one("#title_en-error", Label))
        assert "0 and 480" in shown(form.query_one("#estimate_minutes-error", Label))
        assert "09:00" in shown(form.query_one("#at-error", Label))
        assert app.focused is form.query_one("#title_en", Input)
        assert len(board.templates.rows()) == 16


async def test_a_service_error_shows_in_the_error_modal(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_templates(pilot)
        board.templates.delete(board.templates.rows()[0].id)  # gone behind the screen's back
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, TemplatesScreen)


@pytest.mark.parametrize("key", ["escape", "t", "b"])
async def test_back_to_the_board(db, clock, key):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_templates(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert app.screen.query_one(f"#col-{Column.DAILY.value}").count == 5


async def test_adding_then_going_back_to_the_board(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_templates(pilot)
        await pilot.press("a")
        await pilot.press(*"Extra daily check", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert len(board.templates.rows()) == 17


def finish_first_card(board) -> int:
    """Mark today's card of the first template done; returns the template's id."""
    first = board.templates.rows()[0]
    card = next(c for c in board.cards.list_cards() if c.template_id == first.id)
    board.cards.set_done(card.id, True)
    return first.id


async def test_last_done_and_the_completion_of_recent_periods(db, clock):
    app, board = make_app(db, clock)
    finish_first_card(board)
    async with app.run_test(size=SIZE) as pilot:
        await open_templates(pilot)
        rows = shown_rows(app)
        assert rows[0][4:] == ["11-25 09:30", "1/1 100%"]  # done on this computer's clock
        assert rows[1][4:] == ["—", "—"]  # today's card is still open


def test_completion_counts_done_and_late_over_closed_periods():
    from kanban_tui.services.templates import TemplateRow

    row = TemplateRow(
        id=1,
        key=None,
        title_en="x",
        title_zh="",
        category="",
        estimate_minutes=0,
        priority="normal",
        checklist=[],
        column="daily",
        rule="daily",
        at="00:00",
        marketplace="US",
        active=True,
        on_period_end="expire",
        next_due=None,
        last_done=None,
        recent={"done": 5, "late": 1, "missed": 2, "open": 1},
    )
    assert completion(row) == "6/8 75%"
    assert completion(dataclasses.replace(row, recent={"open": 1})) == "—"
    assert completion(dataclasses.replace(row, recent={})) == "—"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_templates_snapshot(snap_compare, db, clock, lang):
    app, board = make_app(db, clock, lang=lang)
    finish_first_card(board)
    board.templates.set_active(board.templates.rows()[1].id, False)
    board.templates.add(
        {
            "title_en": "[bold]Promo[/bold] price check",
            "title_zh": "[bold]促销[/bold]价格检查",
            "rule": "weekly:fri",
            "at": "10:30",
            "marketplace": "JP",
            "checklist": ["coupons", "lightning deals"],
        }
    )
    assert snap_compare(app, terminal_size=SIZE, press=["t", "j"])
