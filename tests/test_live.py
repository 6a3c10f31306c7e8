"""Team mode, live: a change reaches every open board (NOTIFY on PostgreSQL, the
``data_version`` poll on SQLite), a server restart while a board is open, a writer killed
mid-transaction, concurrent moves from many clients, two people moving one card."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from typing import Any

from kanban_tui.domain.models import Card, Column
from kanban_tui.errors import MovedElsewhere
from kanban_tui.services.session import open_board
from kanban_tui.storage.database import open_database
from tests.conftest import FakeClock
from tests.process_helpers import PATIENCE, subprocess_env, wait_until
from tests.ui_helpers import column, make_app, pilot_until, row_ids, settled, shown_text

SIZE = (120, 40)


def positions_are_gapless(location: str) -> dict[Column, int]:
    """Every column's positions are exactly 0 … n-1; returns n per column."""
    db = open_database(location, create=False)
    try:
        with db.read() as session:
            from sqlmodel import select

            cards = session.exec(select(Card)).all()
    finally:
        db.close()
    sizes = {}
    for which in Column:
        found = sorted(card.position for card in cards if card.column is which)
        assert found == list(range(len(found))), (which, found)
        sizes[which] = len(found)
    return sizes


# ------------------------------------------------------------------------ live refresh
def test_a_commit_elsewhere_is_seen_and_ones_own_is_not(db_location: str) -> None:
    first = open_board(db_location, settings=None, interactive=False)
    second = open_board(db_location, settings=None, interactive=False)
    try:
        first.db.changed_elsewhere()  # the baseline (starts listening on PostgreSQL)
        first.cards.add({"title": "My own card"}, Column.DAILY)
        assert not first.db.changed_elsewhere()
        second.cards.add({"title": "Teammate's card"}, Column.DAILY)
        wait_until(first.db.changed_elsewhere, "the other client's commit")
    finally:
        first.close()
        second.close()


def test_a_poll_during_ones_own_commit_does_not_take_it_for_anothers(tmp_path: Any) -> None:
    """The board polls ``data_version`` on the UI thread while its writes commit in the
    writer thread: a poll that lands between a commit and its being taken as seen used to
    report a change, and the whole board reloaded after its own write (under load)."""
    board = open_board(str(tmp_path / "board.db"), settings=None, interactive=False)
    try:
        board.db.changed_elsewhere()  # the baseline
        record = board.db._own_commit
        polled: list[bool] = []

        def poll_then_record() -> None:  # the poll, landing right after the commit
            polled.append(board.db.changed_elsewhere())
            record()

        board.db._own_commit = poll_then_record  # type: ignore[method-assign]
        board.cards.add({"title": "My own card"}, Column.DAILY)
        assert polled == [False]
        assert not board.db.changed_elsewhere()
    finally:
        board.close()


async def test_two_boards_on_postgresql_show_each_others_cards(pg_url: str, clock: Any) -> None:
    app, board = make_app(pg_url, clock, refresh_seconds=1.0)
    teammate = open_board(pg_url, settings=None, clock=clock, interactive=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            card = teammate.cards.add({"title": "Refund request from Berlin"}, Column.DAILY)

            def shown() -> bool:
                view = column(app, Column.DAILY)
                return any(view.row(i).title == card.title for i in range(view.count))  # type: ignore[union-attr]

            await pilot_until(pilot, shown, "the teammate's card on the open board")
            # and the other way round: a move on the board reaches the teammate
            await pilot.press("shift+right")
            await settled(pilot)
            moved = column(app, Column.WEEKLY).row(0)
            assert moved is not None
            assert teammate.cards.card(moved.id).column is Column.WEEKLY
    finally:
        teammate.close()
        board.close()


async def test_a_server_restart_while_a_board_is_open(
    pg_cluster: Any, pg_url: str, clock: Any
) -> None:
    app, board = make_app(pg_url, clock, refresh_seconds=1.0)
    teammate = None
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            topbar = app.screen.query_one("#topbar")
            assert "offline" not in shown_text(topbar)
            pg_cluster.stop()
            try:
                await pilot_until(
                    pilot,
                    lambda: "offline — retrying" in shown_text(topbar),
                    "the offline mark",
                )
                # an edit made while the server is away waits and is stored once it is back
                result: dict[str, Any] = {}

                def edit() -> None:
                    try:
                        result["card"] = board.cards.add({"title": "Typed offline"}, Column.DAILY)
                    except Exception as exc:  # reported below
                        result["error"] = exc

                writer = threading.Thread(target=edit)
                writer.start()
            finally:
                pg_cluster.start()
            writer.join(PATIENCE)
            assert "error" not in result, result
            await pilot_until(pilot, lambda: "offline" not in shown_text(topbar), "back online")
            teammate = open_board(pg_url, settings=None, clock=clock, interactive=False)
            assert "Typed offline" in [c.title for c in teammate.cards.list_cards(Column.DAILY)]
            card = teammate.cards.add({"title": "After the restart"}, Column.DAILY)

            def shown() -> bool:
                view = column(app, Column.DAILY)
                return any(view.row(i).title == card.title for i in range(view.count))  # type: ignore[union-attr]

            await pilot_until(pilot, shown, "a card added after the restart")
    finally:
        if teammate is not None:
            teammate.close()
        board.close()


# ------------------------------------------------------------- a writer killed with -9
WRITER = """
import sys, time
from kanban_tui.domain.models import Card, Column
from kanban_tui.storage import cards as repo
from kanban_tui.storage.database import open_database

db = open_database(sys.argv[1], create=False)

def work(session):
    for n in range(20):
        repo.insert(session, Card(title=f"half-done {n}"), Column.DAILY, 0)
    first = repo.all_cards(session, Column.WEEKLY)[0]
    repo.move(session, first, Column.MONTHLY, 0)
    session.flush()
    print("inside", flush=True)
    time.sleep(600)  # killed here, the transaction open

db.transact(work)
"""


def test_a_writer_killed_mid_transaction_leaves_the_board_whole(db_location: str) -> None:
    board = open_board(db_location, settings=None, interactive=True)
    before = {c: [row.title for row in board.cards.list_cards(c)] for c in Column}
    board.close()
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, db_location],
        stdout=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "inside"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    positions_are_gapless(db_location)
    board = open_board(db_location, settings=None, interactive=False)
    try:
        assert {c: [row.title for row in board.cards.list_cards(c)] for c in Column} == before
        # and the next writer is not blocked by what the dead one held
        board.cards.add({"title": "Next writer"}, Column.DAILY)
    finally:
        board.close()
    positions_are_gapless(db_location)


# ------------------------------------------------------------------------ concurrency
def test_concurrent_moves_from_many_clients_keep_positions_unique_and_gapless(
    db_location: str,
) -> None:
    board = open_board(db_location, settings=None, clock=FakeClock())
    for n in range(30):
        board.cards.add({"title": f"card {n}"}, Column.WEEKLY)
    ids = [row.id for which in Column for row in board.cards.list_cards(which, True)]
    total = len(ids)
    board.close()
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def client(seed: int) -> None:
        chance = random.Random(seed)
        mine = open_board(db_location, settings=None, clock=FakeClock(), interactive=False)
        try:
            start.wait()
            for _ in range(15):
                target = chance.choice([Column.DAILY, Column.WEEKLY, Column.MONTHLY])
                mine.cards.move(chance.choice(ids), target, chance.randrange(0, 12))
        except BaseException as exc:
            errors.append(exc)
        finally:
            mine.close()

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sizes = positions_are_gapless(db_location)
    assert sum(sizes.values()) == total


def test_two_people_moving_one_card_at_once_one_wins(db_location: str) -> None:
    setup = open_board(db_location, settings=None, clock=FakeClock())
    card = setup.cards.add({"title": "Renew the brand registry"}, Column.DAILY)
    setup.close()
    boards = [
        open_board(db_location, settings=None, clock=FakeClock(), interactive=False)
        for _ in range(2)
    ]
    outcome: list[Any] = [None, None]
    start = threading.Barrier(2)

    def person(index: int) -> None:
        start.wait()
        try:
            outcome[index] = boards[index].cards.step(card.id, +1, None, Column.DAILY)
        except MovedElsewhere as exc:
            outcome[index] = exc

    threads = [threading.Thread(target=person, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        winners = [o for o in outcome if not isinstance(o, MovedElsewhere)]
        losers = [o for o in outcome if isinstance(o, MovedElsewhere)]
        assert len(winners) == 1 and len(losers) == 1, outcome
        assert winners[0].column is Column.WEEKLY
        # the card is once on the board, in Weekly (not moved twice to Monthly)
        shown = boards[0].cards.list_cards(None, True)
        assert [c.column for c in shown if c.id == card.id] == [Column.WEEKLY]
    finally:
        for board in boards:
            board.close()
    positions_are_gapless(db_location)


async def test_the_loser_of_a_move_sees_a_toast_and_the_card_where_it_is(tmp_path, clock):
    path = tmp_path / "board.db"
    app, board = make_app(path, clock, refresh_seconds=60)
    teammate = open_board(str(path), settings=None, clock=clock, interactive=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            app.clear_notifications()
            first = column(app, Column.DAILY).row(0)
            assert first is not None
            # the teammate moved it to Monthly a moment ago; this board has not refreshed
            teammate.cards.move(first.id, Column.MONTHLY, 0)
            await pilot.press("shift+right")
            await settled(pilot)
            await pilot.pause()
            assert board.cards.card(first.id).column is Column.MONTHLY
            assert first.id in row_ids(column(app, Column.MONTHLY))
            assert first.id not in row_ids(column(app, Column.WEEKLY))
            toasts = [n.message for n in app._notifications]
            assert any("someone else moved this card" in m for m in toasts), toasts
    finally:
        teammate.close()
        board.close()
