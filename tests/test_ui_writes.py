"""Writes off the UI thread (issues 11 and 12): a write that waits on a lock or on a server
that is away never freezes the board; a quiet "saving…" mark shows while it waits; a second
key on the same thing does not apply twice (space twice, enter twice); a failed write says
why in one line and keeps what was typed."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from kanban_tui.domain.models import Column
from kanban_tui.errors import DatabaseError
from kanban_tui.services.session import open_board
from kanban_tui.ui.screens.card_form import CardForm
from kanban_tui.ui.screens.dialogs import ErrorScreen
from kanban_tui.ui.writes import SavingMark
from tests.test_live import pilot_until
from tests.ui_helpers import column, make_app, settled

SIZE = (120, 40)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


def marked(app: Any) -> bool:
    """Whether the screen on show shows the "saving…" mark (each screen keeps one, hidden
    while nothing is being saved)."""
    return any(mark.visible for mark in app.screen.query(SavingMark))


def blocking(
    monkeypatch: pytest.MonkeyPatch, target: Any, name: str
) -> tuple[threading.Event, list[int]]:
    """Make ``target.name`` wait until the returned event is set; count its calls."""
    release = threading.Event()
    calls: list[int] = []
    original = getattr(target, name)

    def waiting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        assert release.wait(60), "the test never released the write"
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, waiting)
    return release, calls


async def test_a_slow_done_keeps_the_board_responsive_and_marks_saving(db, clock, monkeypatch):
    app, board = make_app(db, clock)
    release, calls = blocking(monkeypatch, board.cards, "toggle_done")
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        daily = column(app, Column.DAILY)
        card = daily.current
        assert card is not None
        try:
            await pilot.press("space")  # done
            await pilot_until(pilot, lambda: marked(app), "the saving… mark")
            assert "saving…" in str(app.screen.query_one(SavingMark).render())
            # the card is not shown as done while its write waits
            assert daily.current is not None and daily.current.id == card.id
            await pilot.press("space")  # again on the same card: not a second toggle
            await pilot.press("j")  # another key works meanwhile
            assert daily.cursor == 1
            await pilot.press("k")
        finally:
            release.set()
        await settled(pilot)
        assert calls == [1]
        assert board.cards.card(card.id).done
        assert not marked(app)
        assert card.id not in [daily.row(i).id for i in range(daily.count)]


async def test_a_write_waiting_on_a_lock_held_by_another_connection(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        card = column(app, Column.DAILY).current
        assert card is not None
        other = sqlite3.connect(db, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
            await pilot.press("space")
            await pilot_until(pilot, lambda: marked(app), "the saving… mark")
            await pilot.press("l")  # the board still answers
            assert app.screen.focus_index == 1
        finally:
            other.execute("ROLLBACK")
            other.close()
        await settled(pilot)
        assert board.cards.card(card.id).done
        assert not marked(app)


async def test_the_mark_says_saving_in_chinese(db, clock, monkeypatch):
    app, board = make_app(db, clock, lang="zh")
    release, _ = blocking(monkeypatch, board.cards, "toggle_timer")
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        try:
            await pilot.press("T")
            await pilot_until(pilot, lambda: marked(app), "the saving… mark")
            assert "保存中…" in str(app.screen.query_one(SavingMark).render())
        finally:
            release.set()
        await settled(pilot)
        assert not marked(app)


async def test_enter_twice_on_a_slow_form_adds_one_card(db, clock, monkeypatch):
    app, board = make_app(db, clock)
    release, calls = blocking(monkeypatch, board.cards, "add")
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        before = board.cards.summary(Column.DAILY, "", None)[0]
        await pilot.press("n")
        await pilot.press(*"Reply to buyer messages")
        try:
            await pilot.press("enter")
            await pilot_until(pilot, lambda: marked(app), "the saving… mark")
            assert isinstance(app.screen, CardForm)  # open until stored
            await pilot.press("enter")
        finally:
            release.set()
        await settled(pilot)
        assert calls == [1]
        assert not isinstance(app.screen, CardForm)
        assert board.cards.summary(Column.DAILY, "", None)[0] == before + 1
        current = column(app, Column.DAILY).current
        assert current is not None and current.title == "Reply to buyer messages"


async def test_a_failed_save_keeps_the_form_open_with_what_was_typed(db, clock, monkeypatch):
    app, board = make_app(db, clock)

    def refuse(*_: Any, **__: Any) -> Any:
        raise DatabaseError(str(db), "is busy in another program; nothing was changed, try again")

    monkeypatch.setattr(board.cards, "edit", refuse)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        column_card = column(app, Column.DAILY).current
        assert column_card is not None
        await pilot.press("e")
        title = app.screen.query_one("#title", Input)
        title.value = "Check account health before noon"
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, ErrorScreen)
        message = str(app.screen.query_one("#error-message").render())
        assert "is busy in another program" in message and "\n" not in message.strip()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CardForm)  # nothing typed is lost
        assert app.screen.query_one("#title", Input).value == "Check account health before noon"
        card = board.cards.card(column_card.id)
    assert card.title == column_card.title  # not changed in the database


async def test_a_failed_goal_save_says_why_on_the_form(db, clock, monkeypatch):
    from kanban_tui.ui.screens.goals import GoalForm

    app, board = make_app(db, clock)

    def refuse(*_: Any, **__: Any) -> Any:
        raise DatabaseError(str(db), "is busy in another program; nothing was changed, try again")

    monkeypatch.setattr(board.kpi, "set_goal", refuse)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("g", "e")
        await pilot.pause()
        assert isinstance(app.screen, GoalForm)
        box = app.screen.query_one("#amount", Input)
        box.focus()
        box.value = ""
        await pilot.press(*"120000", "ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, GoalForm)  # open, with what was typed
        assert app.screen.query_one("#amount", Input).value == "120000"
        error = str(app.screen.query_one("#form-error").render())
        assert "is busy in another program" in error


async def test_quick_ticks_of_two_items_both_land(db, clock, monkeypatch):
    from kanban_tui.ui.screens.card_detail import CardDetail

    app, board = make_app(db, clock)
    card = board.cards.add({"title": "Launch checklist"}, Column.DAILY, 0)
    board.cards.set_checklist(
        card.id, [{"text": "Photos", "done": False}, {"text": "Bullets", "done": False}]
    )
    release, calls = blocking(monkeypatch, board.cards, "set_checklist")
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("c")
        assert isinstance(app.screen, CardDetail)
        try:
            await pilot.press("space")  # the first item
            await pilot.press("space")  # the same item again while on its way: nothing
            await pilot.press("down", "space")  # the second item
        finally:
            release.set()
        await settled(pilot)
        assert len(calls) == 2
        items = json.loads(board.cards.card(card.id).checklist)
        assert [item["done"] for item in items] == [True, True]


async def test_a_form_submitted_while_the_server_is_away(pg_cluster, pg_url, clock):
    """PostgreSQL stopped while a card is saved: the board answers keys meanwhile, marks
    offline / saving, and the card lands (and shows) when the server is back."""
    app, board = make_app(pg_url, clock, refresh_seconds=1.0)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            topbar = app.screen.query_one("#topbar")
            pg_cluster.stop()
            try:
                await pilot_until(
                    pilot, lambda: "offline — retrying" in topbar.render().plain, "offline"
                )
                await pilot.press("n")
                await pilot.press(*"Typed while offline", "enter")
                await pilot_until(pilot, lambda: marked(app), "the saving… mark")
                assert isinstance(app.screen, CardForm)  # open until stored
                await pilot.press("escape")  # back to the board; the save goes on
                await pilot.pause()
                assert not isinstance(app.screen, CardForm)
                await pilot.press("l")  # the board answers while the write waits
                assert app.screen.focus_index == 1
            finally:
                pg_cluster.start()

            def landed() -> bool:
                view = column(app, Column.DAILY)
                rows = [view.row(i) for i in range(min(view.count, 32))]
                return any(row is not None and row.title == "Typed while offline" for row in rows)

            await pilot_until(pilot, landed, "the card saved once the server is back")
            await settled(pilot)
            assert not marked(app)
    finally:
        board.close()


async def test_an_edit_the_server_never_takes_is_told_and_kept(
    pg_cluster, pg_url, clock, monkeypatch
):
    """The server stays away longer than a write retries: one line says the card was not
    stored, and the form still holds what was typed."""
    from kanban_tui.storage import database

    monkeypatch.setattr(database, "SERVER_RETRY_SECONDS", 0.5)
    app, board = make_app(pg_url, clock, refresh_seconds=1.0)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            topbar = app.screen.query_one("#topbar")
            pg_cluster.stop()
            try:
                await pilot_until(
                    pilot, lambda: "offline — retrying" in topbar.render().plain, "offline"
                )
                await pilot.press("n")
                await pilot.press(*"Never stored", "enter")
                await pilot_until(
                    pilot,
                    lambda: (
                        isinstance(app.screen, ErrorScreen)
                        and bool(app.screen.query("#error-message"))
                    ),
                    "the error dialog",
                )
                message = str(app.screen.query_one("#error-message").render()).strip()
                assert "cannot be reached or written" in message
                assert "nothing was changed" in message and "\n" not in message
                await pilot.press("escape")
                await pilot.pause()
                assert isinstance(app.screen, CardForm)
                assert app.screen.query_one("#title", Input).value == "Never stored"
                assert not marked(app)
            finally:
                pg_cluster.start()
        check = open_board(pg_url, settings=None, clock=clock, interactive=False)
        try:  # told "nothing was changed": nothing was
            assert "Never stored" not in [c.title for c in check.cards.list_cards(Column.DAILY)]
        finally:
            check.close()
    finally:
        board.close()
