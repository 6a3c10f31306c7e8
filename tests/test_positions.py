"""Positions stay gapless and undo/redo is exact, whatever sequence of edits a user makes.

A hypothesis state machine drives :class:`BoardService` over a board shaped like the
default plan and keeps its own model of the board: the ordered card ids of every column,
the titles, and a history of model states for undo/redo. After every step the database
must match the model exactly.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)

from kanban_tui.domain.models import COLUMNS, OPEN_COLUMNS, Card, Column, utcnow
from kanban_tui.errors import KanbanError
from kanban_tui.services.board import BoardService
from kanban_tui.storage import cards as repo
from kanban_tui.storage.database import Database, open_database

TITLES = st.text(alphabet="abcXYZ 0189-[]/é中", min_size=1, max_size=24).filter(
    lambda text: text.strip() != ""
)
POSITIONS = st.none() | st.integers(min_value=0, max_value=25)
PICK = st.integers(min_value=0, max_value=10_000)


@dataclass
class Model:
    """What the user should see: card ids per column in position order, and titles."""

    columns: dict[Column, list[int]] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)
    origin: dict[int, Column | None] = field(default_factory=dict)

    def column_of(self, card_id: int) -> Column:
        return next(c for c, ids in self.columns.items() if card_id in ids)

    def ids(self) -> list[int]:
        return sorted(self.titles)


#: Where each example's board lives: in-memory SQLite, or (one test below) PostgreSQL.
LOCATION = ":memory:"


def seeded_database() -> Database:
    """A board like the default plan (5 daily, 5 weekly, 6 monthly) plus two done cards."""
    db = open_database(LOCATION)
    if db.is_server:  # one database for all examples: emptied, ids from 1 again
        db.transact(
            lambda session: session.connection().exec_driver_sql(
                "TRUNCATE card, period_record, template RESTART IDENTITY CASCADE"
            )
        )

    def seed(session) -> None:
        columns = [Column.DAILY] * 5 + [Column.WEEKLY] * 5 + [Column.MONTHLY] * 6
        for number, column in enumerate(columns):
            position = columns[:number].count(column)
            session.add(Card(title=f"plan task {number}", column=column, position=position))
        for number, origin in enumerate((Column.WEEKLY, Column.DAILY)):
            session.add(
                Card(
                    title=f"finished {number}",
                    column=Column.DONE,
                    position=number,
                    done_at=utcnow(),
                    origin_column=origin,
                )
            )

    db.transact(seed)
    return db


def read_board(db: Database) -> Model:
    """The board as stored, checking the column bookkeeping on the way."""
    model = Model(columns={c: [] for c in COLUMNS})
    with db.read() as session:
        for column in COLUMNS:
            found = repo.all_cards(session, column)
            positions = [card.position for card in found]
            assert positions == list(range(len(found))), (column, positions)
            for card in found:
                assert card.id is not None
                model.columns[column].append(card.id)
                model.titles[card.id] = card.title
                model.origin[card.id] = card.origin_column
                # a card is done exactly when it sits in Done
                assert (card.done_at is not None) == (column is Column.DONE), card
    return model


class BoardMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.db = seeded_database()
        self.service = BoardService(self.db)
        self.model = read_board(self.db)
        assert [len(self.model.columns[c]) for c in COLUMNS] == [5, 5, 6, 2]
        self.initial = copy.deepcopy(self.model)
        self.undo_stack: list[tuple[Model, Model]] = []
        self.redo_stack: list[tuple[Model, Model]] = []

    # ---------------------------------------------------------------- helpers
    def pick(self, index: int) -> int:
        ids = self.model.ids()
        return ids[index % len(ids)]

    def change(self, mutate) -> None:
        """Apply ``mutate`` to a copy of the model and record it as one undoable step."""
        before = copy.deepcopy(self.model)
        after = copy.deepcopy(self.model)
        mutate(after)
        self.model = after
        self.undo_stack.append((before, copy.deepcopy(after)))
        self.redo_stack.clear()

    @staticmethod
    def place(model: Model, card_id: int, column: Column, position: int | None) -> None:
        model.columns[model.column_of(card_id)].remove(card_id)
        target = model.columns[column]
        at = len(target) if position is None else max(0, min(position, len(target)))
        target.insert(at, card_id)

    def has_cards(self) -> bool:
        return bool(self.model.titles)

    # ------------------------------------------------------------------ rules
    @rule(column=st.sampled_from(OPEN_COLUMNS), position=POSITIONS, title=TITLES)
    def add(self, column: Column, position: int | None, title: str) -> None:
        row = self.service.add({"title": title}, column, position)
        assert row.title == title.strip()
        assert row.column is column

        def mutate(model: Model) -> None:
            target = model.columns[column]
            at = len(target) if position is None else min(position, len(target))
            target.insert(at, row.id)
            model.titles[row.id] = title.strip()
            model.origin[row.id] = None

        assert row.id not in self.model.titles
        self.change(mutate)
        assert row.position == self.model.columns[column].index(row.id)

    @precondition(has_cards)
    @rule(index=PICK, column=st.sampled_from(COLUMNS), position=POSITIONS)
    def move(self, index: int, column: Column, position: int | None) -> None:
        card_id = self.pick(index)
        current = self.model.column_of(card_id)
        if current is column and position is None:
            self.service.move(card_id, column, position)  # nothing to do, nothing recorded
            return
        if current is Column.DONE and column is Column.DONE:
            with pytest.raises(KanbanError):
                self.service.move(card_id, column, position)
            return
        self.service.move(card_id, column, position)

        def mutate(model: Model) -> None:
            if column is Column.DONE:
                self.place(model, card_id, column, None)  # finished cards go on top
                model.origin[card_id] = current
            else:
                self.place(model, card_id, column, position)
                model.origin[card_id] = None

        self.change(mutate)

    @precondition(has_cards)
    @rule(index=PICK, delta=st.sampled_from((-1, +1)))
    def reorder(self, index: int, delta: int) -> None:
        card_id = self.pick(index)
        column = self.model.column_of(card_id)
        if column is Column.DONE:
            with pytest.raises(KanbanError):
                self.service.reorder(card_id, delta)
            return
        self.service.reorder(card_id, delta)
        target = self.model.columns[column].index(card_id) + delta
        if not 0 <= target < len(self.model.columns[column]):
            return  # already at the top or the bottom: nothing recorded
        self.change(lambda model: self.place(model, card_id, column, target))

    @precondition(has_cards)
    @rule(index=PICK)
    def toggle_done(self, index: int) -> None:
        card_id = self.pick(index)
        current = self.model.column_of(card_id)
        row = self.service.toggle_done(card_id)

        def mutate(model: Model) -> None:
            if current is Column.DONE:
                back = model.origin[card_id] or Column.DAILY
                self.place(model, card_id, back, None)
                model.origin[card_id] = None
            else:
                self.place(model, card_id, Column.DONE, None)
                model.origin[card_id] = current

        self.change(mutate)
        assert row.done is (current is not Column.DONE)

    @precondition(has_cards)
    @rule(index=PICK)
    def delete(self, index: int) -> None:
        card_id = self.pick(index)
        self.service.delete(card_id)

        def mutate(model: Model) -> None:
            model.columns[model.column_of(card_id)].remove(card_id)
            del model.titles[card_id]
            del model.origin[card_id]

        self.change(mutate)

    @precondition(has_cards)
    @rule(index=PICK, title=TITLES)
    def edit(self, index: int, title: str) -> None:
        card_id = self.pick(index)
        self.service.edit(card_id, {"title": title})

        def mutate(model: Model) -> None:
            model.titles[card_id] = title.strip()

        self.change(mutate)

    @rule()
    def undo(self) -> None:
        result = self.service.undo()
        if not self.undo_stack:
            assert result is None
            return
        assert result is not None
        before, after = self.undo_stack.pop()
        self.model = copy.deepcopy(before)
        self.redo_stack.append((before, after))

    @rule()
    def redo(self) -> None:
        result = self.service.redo()
        if not self.redo_stack:
            assert result is None
            return
        assert result is not None
        before, after = self.redo_stack.pop()
        self.model = copy.deepcopy(after)
        self.undo_stack.append((before, after))

    # ------------------------------------------------------------- invariants
    @invariant()
    def board_matches_model(self) -> None:
        assert read_board(self.db) == self.model

    def teardown(self) -> None:
        """Undo everything back to the start, then redo it all again."""
        try:
            final = read_board(self.db)
            steps = len(self.undo_stack)
            for _ in range(steps):
                assert self.service.undo() is not None
            assert self.service.undo() is None
            assert read_board(self.db) == self.initial
            for _ in range(steps):
                assert self.service.redo() is not None
            assert read_board(self.db) == final
        finally:
            self.db.close()


BoardMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestBoardPositions = BoardMachine.TestCase


def test_board_positions_on_postgresql(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same state machine on PostgreSQL (fewer examples: each one is a server round)."""
    from hypothesis.stateful import run_state_machine_as_test

    monkeypatch.setattr(sys.modules[__name__], "LOCATION", pg_url)
    run_state_machine_as_test(
        BoardMachine,
        settings=settings(
            max_examples=12,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
