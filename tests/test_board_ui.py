"""The board driven from the keyboard with Textual's Pilot, as a seller would."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Label

from kanban_tui.domain.models import Column
from kanban_tui.services.board import BoardService
from kanban_tui.storage import open_database
from kanban_tui.ui.screens.card_form import CardForm
from kanban_tui.ui.screens.dialogs import ConfirmScreen, ErrorScreen, HelpScreen
from tests.ui_helpers import (
    column,
    make_app,
    pilot_until,
    screen,
    settled,
    shown_lines,
    shown_titles,
)

SIZE = (120, 40)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


def titles(board, which: Column) -> list[str]:
    return [c.title for c in board.cards.list_cards(which)]


async def test_board_opens_with_the_default_plan(db, clock):
    app, _board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        heads = [str(app.screen.query_one(f"#head-{c.value}").render()).strip() for c in Column]
        assert heads[0].startswith("Daily  5")
        assert heads[1].startswith("Weekly  5")
        assert heads[2].startswith("Monthly  6")
        assert heads[3].startswith("Done  0")
        assert "1 h 45 m" in heads[0]
        daily = shown_lines(column(app, Column.DAILY))
        assert daily[0].startswith(" ▲ Check account health")
        assert "account health · ↻ · 15" in daily[1]
        assert "Nothing done this week" in "".join(shown_lines(column(app, Column.DONE)))


async def test_arrow_and_vim_keys_move_the_focus(db, clock):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        board = screen(app)
        await pilot.press("j", "down")
        assert column(app, Column.DAILY).cursor == 2
        await pilot.press("k")
        assert column(app, Column.DAILY).cursor == 1
        await pilot.press("up", "up")  # stops at the top
        assert column(app, Column.DAILY).cursor == 0
        await pilot.press("l")
        assert board.focus_index == 1 and column(app, Column.WEEKLY).active
        assert not column(app, Column.DAILY).active
        await pilot.press("right", "right", "right")  # stops at Done
        assert board.focus_index == 3
        await pilot.press("h", "left")
        assert board.focus_index == 1


@pytest.mark.parametrize(("right", "left"), [("shift+right", "shift+left"), ("L", "H")])
async def test_moving_a_card_between_columns_and_focus_follows(db, clock, right, left):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", right)
        await settled(pilot)
        moved = "Answer buyer messages (within 24 h)"
        assert moved in titles(board, Column.WEEKLY)
        assert moved not in titles(board, Column.DAILY)
        assert screen(app).focus_index == 1
        assert column(app, Column.WEEKLY).current.title == moved
        assert screen(app).query_one("#head-weekly").render().plain.strip().startswith("Weekly  6")
        await pilot.press(right, right)  # Monthly, then Done
        await settled(pilot)
        assert board.cards.card(column(app, Column.DONE).current.id).done
        await pilot.press(left)  # back out of Done into Monthly
        await settled(pilot)
        assert moved in titles(board, Column.MONTHLY)
        assert column(app, Column.MONTHLY).current.title == moved


@pytest.mark.parametrize(("down", "up"), [("shift+down", "shift+up"), ("J", "K")])
async def test_reordering_within_a_column(db, clock, down, up):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        first = titles(board, Column.DAILY)[0]
        await pilot.press(down, down)
        assert titles(board, Column.DAILY)[2] == first
        assert column(app, Column.DAILY).cursor == 2
        await pilot.press(up)
        assert titles(board, Column.DAILY)[1] == first
        positions = [c.position for c in board.cards.list_cards(Column.DAILY)]
        assert positions == list(range(5))


async def test_space_marks_done_and_reopens_into_the_column_it_came_from(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "space")  # first weekly card
        done = board.cards.list_cards(Column.DONE)
        assert [c.title for c in done] == ["Track at least 5 core competitors"]
        assert done[0].done_at is not None
        lines = shown_lines(column(app, Column.DONE))
        assert lines[0].startswith(" ✓ Track at least 5 core")
        await pilot.press("l", "l", "space")  # reopen from Done
        assert board.cards.list_cards(Column.DONE) == []
        assert "Track at least 5 core competitors" in titles(board, Column.WEEKLY)


async def test_new_card_in_the_focused_column(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "n")
        assert isinstance(app.screen, CardForm)
        await pilot.press(*"Ship FBA inbound", "tab")
        await pilot.press(*"inventory", "tab", *"40")
        await pilot.press("enter")
        await pilot.pause()
        weekly = board.cards.list_cards(Column.WEEKLY)
        assert weekly[-1].title == "Ship FBA inbound"
        assert weekly[-1].category == "inventory"
        assert weekly[-1].estimate_minutes == 40
        assert column(app, Column.WEEKLY).current.title == "Ship FBA inbound"


async def test_the_form_refuses_bad_input_and_saves_nothing(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        before = board.cards.count()
        # title, category, estimate, assignee (issue 12), priority, due
        await pilot.press("n", "tab", "tab", *"999", "tab", "tab", "tab", *"2026-02-30")
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CardForm)
        assert "must not be empty" in str(form.query_one("#title-error", Label).render())
        assert "0 and 480" in str(form.query_one("#estimate_minutes-error", Label).render())
        assert "2026-11-25" in str(form.query_one("#due-error", Label).render())
        await pilot.press("escape")
        assert board.cards.count() == before
        assert not isinstance(app.screen, CardForm)


@pytest.mark.parametrize("key", ["enter", "e"])
async def test_editing_a_card(db, clock, key):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        form = app.screen
        assert isinstance(form, CardForm)
        title = form.query_one("#title", Input)
        assert title.value == "Check account health (ODR < 1%)"
        title.value = "Check account health twice"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert titles(board, Column.DAILY)[0] == "Check account health twice"


async def test_delete_asks_first(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert len(titles(board, Column.DAILY)) == 5
        await pilot.press("d", "y")
        await pilot.pause()
        assert "Check account health (ODR < 1%)" not in titles(board, Column.DAILY)
        assert len(titles(board, Column.DAILY)) == 4


async def test_undo_and_redo_many_steps(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        start = {c: titles(board, c) for c in Column}
        await pilot.press("L", "J", "space", "d", "y")
        await pilot.pause()
        assert {c: titles(board, c) for c in Column} != start
        await pilot.press("u", "u", "u", "u")
        await pilot.pause()
        assert {c: titles(board, c) for c in Column} == start
        await pilot.press("ctrl+r")
        assert "Check account health (ODR < 1%)" in titles(board, Column.WEEKLY)
        await pilot.press("u", "u")  # one more than there is: a warning, nothing breaks
        assert {c: titles(board, c) for c in Column} == start


async def test_undo_names_the_card_and_a_burst_of_undos_shows_one_toast(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        first = titles(board, Column.DAILY)[0]
        await pilot.press("L", "L", "L")
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("u", "u", "u")
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert shown == [f"Undone: move · {first}"]


async def test_filter_by_text_and_by_category_in_the_shown_language(db, clock):
    app, _board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"keyword")
        await pilot.pause()
        assert column(app, Column.WEEKLY).count == 1
        assert column(app, Column.MONTHLY).count == 1
        assert column(app, Column.DAILY).count == 0
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert column(app, Column.DAILY).count == 5
        await pilot.press("slash", *"account health", "enter")
        await pilot.pause()
        assert column(app, Column.DAILY).count == 2
        assert screen(app).query_one("#filter", Input).display


async def test_the_english_board_finds_a_card_by_its_chinese_category(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"竞品", "enter")
        await pilot.pause()
        shown = shown_titles(column(app, Column.WEEKLY))
        assert shown and all(
            board.cards.card(c.id).category == "competitors"
            for c in board.cards.list_cards(Column.WEEKLY)
            if c.title in shown
        )
        assert column(app, Column.DAILY).count == 0


async def test_help_lists_every_key(db, clock):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys").render())
        for key in ("shift+← / H", "space", "ctrl+r", "/", "enter / e"):
            assert key in text
        assert "Move left" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits(db, clock):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_card_text_is_shown_literally(db, clock):
    app, board = make_app(db, clock)
    board.cards.add({"title": "[bold red]x[/] \x1b[31mred\x1b]8;;http://e\x07"}, Column.DAILY, 0)
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.pause()
        line = shown_lines(column(app, Column.DAILY))[0]
        assert "[bold red]x[/]" in line
        assert "␛[31mred␛]8;;http://e␇" in line
        assert "\x1b" not in line


async def test_long_and_chinese_titles_truncate_by_cell_width(db, clock):
    app, board = make_app(db, clock)
    board.cards.add({"title": "检查账户健康指标" * 10}, Column.DAILY, 0)
    board.cards.add({"title": "x" * 200}, Column.DAILY, 1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = column(app, Column.DAILY)
        from rich.cells import cell_len

        lines = shown_lines(view)
        width = view.scrollable_content_region.width
        assert all(cell_len(line) == width for line in lines)
        assert lines[0].rstrip().endswith("…")
        assert lines[3].rstrip().endswith("…")


async def test_changes_from_another_process_show_up_and_keep_focus(db, clock):
    app, _board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        focused = column(app, Column.DAILY).current.id
        other = BoardService(open_database(db), clock)
        other.add({"title": "Added by cron"}, Column.DAILY, 0)
        await pilot_until(pilot, lambda: column(app, Column.DAILY).count == 6, "the cron card")
        assert column(app, Column.DAILY).current.id == focused
        assert "Added by cron" in shown_titles(column(app, Column.DAILY))[0]


async def test_clicking_a_card_focuses_it(db, clock):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#col-monthly", offset=(3, 4))
        await pilot.pause()
        assert screen(app).focus_index == 2
        assert column(app, Column.MONTHLY).cursor == 1


async def test_errors_show_in_the_error_modal(db, clock):
    app, _board = make_app(db, clock, refresh_seconds=60)  # no repaint between delete and edit
    async with app.run_test(size=SIZE) as pilot:
        card = column(app, Column.DAILY).current
        BoardService(open_database(db), clock).delete(card.id)  # gone behind our back
        await pilot.press("e")
        form = app.screen
        form.query_one("#title", Input).value = "edited"
        await pilot.press("ctrl+s")
        await settled(pilot)  # the write runs in the writer thread
        assert isinstance(app.screen, ErrorScreen)
        assert "no such card" in str(app.screen.query_one("#error-message").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, ErrorScreen)


async def test_chinese_board(db, clock):
    app, _ = make_app(db, clock, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        head = app.screen.query_one("#head-daily").render().plain
        assert head.strip().startswith("每日  5")
        assert "1小时45分" in head
        assert shown_titles(column(app, Column.DAILY))[0].startswith("检查账户健康指标")
        await pilot.press("question_mark")
        assert "左移" in str(app.screen.query_one("#help-keys").render())


async def test_command_palette_offers_the_board_actions(db, clock):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles_offered = [c.title for c in app.get_system_commands(app.screen)]
        for name in ("Move right", "Undo", "Redo", "New", "Filter", "Help"):
            assert name in titles_offered


async def test_the_chinese_palette_is_chinese_throughout(db, clock):
    """Textual's own entries (theme, quit, keys, screenshot) and the search prompt come
    from the catalogs too, and the footer names the palette in Chinese."""
    from textual.command import CommandInput, CommandPalette

    app, _ = make_app(db, clock, lang="zh")
    async with app.run_test(size=(200, 50)) as pilot:  # wide: the palette key is shown
        await pilot.pause()
        footer = " ".join(str(key.render()) for key in app.screen.query("FooterKey"))
        assert "命令" in footer and "palette" not in footer
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(CommandInput).placeholder == "搜索命令…"
        titles = [c.title for c in app.get_system_commands(app.board_screen)]
        for name in ("主题", "退出", "按键", "截图", "撤销"):
            assert name in titles, titles
        assert not {"Theme", "Quit", "Keys", "Screenshot"} & set(titles)
        await pilot.press(*"主题")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)  # the theme picker
        assert app.screen.query_one(CommandInput).placeholder == "搜索主题…"


async def test_theme_choice_is_remembered(db, clock, isolated_env):
    from kanban_tui import config

    app, _ = make_app(db, clock)
    app.save_settings = True
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert config.load().theme == "nord"
    again, _ = make_app(db, clock, theme=config.load().theme)
    async with again.run_test(size=SIZE):
        assert again.theme == "nord"


async def test_long_columns_scroll_with_the_cursor(db, clock):
    app, board = make_app(db, clock)
    for n in range(60):
        board.cards.add({"title": f"Restock SKU {n:02d}"}, Column.WEEKLY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "pagedown", "pagedown", "pagedown")
        await pilot.pause()
        view = column(app, Column.WEEKLY)
        assert view.cursor > 20
        assert view.scroll_offset.y > 0
        current = view.current.title
        assert any(current[:20] in line for line in shown_lines(view))
        await pilot.press("L")  # moving shrinks the column; the view stays consistent
        await settled(pilot)
        assert column(app, Column.WEEKLY).count == 64
        assert column(app, Column.MONTHLY).current.title == current
        assert view.max_scroll_y == 64 * 3 - view.scrollable_content_region.height


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_narrow_board_keeps_help_and_quit_and_never_cuts_a_total(db, clock, lang):
    from textual.widgets._footer import FooterKey

    app, _ = make_app(db, clock, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = [k.key for k in app.screen.query(FooterKey)]
        assert "question_mark" in keys and "q" in keys
        for column in ("daily", "weekly", "monthly", "done"):
            head = str(app.screen.query_one(f"#head-{column}").render())
            # a total is whole ("1 h 45 m") or absent, never cut to "· 1"
            assert "·" not in head or head.rstrip().endswith(("m", "分", "h", "时"))
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        keys = [k.key for k in app.screen.query(FooterKey)]
        assert "2" in keys and "t" in keys  # the wide board shows more keys again
        head = str(app.screen.query_one("#head-daily").render())
        assert "·" in head


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        (
            "Reply to every buyer message within 24 hours and log the answers",
            "Copied: Reply to every buyer message within 24…",
        ),
        (
            "回复买家消息并在二十四小时内记录答复内容回复买家消息",
            "回复买家消息并在二十四小时内记录答复内…",
        ),
    ],
)
async def test_a_toast_cuts_a_long_title_at_a_word_by_cells_with_an_ellipsis(
    db, clock, title, shown
):
    app, board = make_app(db, clock)
    board.cards.add({"title": title}, Column.DAILY, 0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("y")
        await pilot.pause()
        (message,) = [n.message for n in app._notifications]
        assert shown in message
