"""Opening everything a board needs over one database: the services and first-run setup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from kanban_tui.domain.models import Card, Column, Meta, Source
from kanban_tui.services.board import BoardService, Clock, system_clock
from kanban_tui.storage.database import Database, open_database

PLAN_SEEDED = "plan_seeded"


@dataclass
class Board:
    """The services of one open database."""

    db: Database
    cards: BoardService
    settings: Any

    def close(self) -> None:
        self.db.close()


def open_board(location: str, settings: Any, clock: Clock = system_clock) -> Board:
    db = open_database(location)
    board = Board(db=db, cards=BoardService(db, clock), settings=settings)
    seed_default_plan(board)
    return board


def seed_default_plan(board: Board) -> int:
    """Put the default plan on a new board once, in the user's language."""
    from kanban_tui.i18n import language
    from kanban_tui.services.plan import default_plan
    from kanban_tui.storage import cards as repo

    tasks = default_plan(language())

    def work(session: Any) -> int:
        if session.get(Meta, PLAN_SEEDED) is not None:
            return 0
        if session.exec(select(Card.id).limit(1)).first() is not None:
            session.add(Meta(key=PLAN_SEEDED, value="existing cards"))
            return 0
        for task in tasks:
            card = Card(
                title=task.title,
                category=task.category,
                estimate_minutes=task.estimate,
                priority=task.priority,
                source=Source.PLAN,
            )
            repo.insert(session, card, Column(task.column), None)
        session.add(Meta(key=PLAN_SEEDED, value=language()))
        return len(tasks)

    return board.db.transact(work)
