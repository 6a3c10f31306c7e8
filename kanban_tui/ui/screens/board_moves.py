"""The board's optimistic moves: shown at once, stored in order by one writer thread,
checked against the database when stored and rolled back (with a toast) when not."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import UTC
from typing import TypeVar

from textual import on
from textual.message import Message

from kanban_tui.domain.models import COLUMNS, Column, Priority
from kanban_tui.domain.text import shorten
from kanban_tui.errors import KanbanError
from kanban_tui.i18n import t
from kanban_tui.services.board import BoardService, CardRow
from kanban_tui.services.budget import DayLoad, day_load
from kanban_tui.ui.actions import BOARD_ACTIONS, NamedAction
from kanban_tui.ui.screens.board_view import BoardView
from kanban_tui.ui.widgets.column import ColumnView

T = TypeVar("T")


@dataclass(frozen=True)
class MoveOutcome:
    """What the write of one optimistic move found, read in the writer thread."""

    card: CardRow
    #: Where the card is shown now (column, row), or None when the filter hides it.
    shown: tuple[Column, int] | None
    #: Today's load when Daily was involved (the top bar shows it).
    load: DayLoad | None


class BoardMoves(BoardView):
    """A move (shift+←/→) is optimistic: the two columns change in the view at once, without
    a query, and the write runs in one writer thread, in order. When it is stored, the
    screen checks the view against the database (and repaints the two columns if they
    differ); when it fails, every column is read again and a toast says why. Everything
    else that reads or writes cards first waits for the pending moves (:meth:`settle`).
    """

    class MoveStored(Message):
        """The writer thread stored a move (``outcome`` None: skipped after a failure)."""

        def __init__(
            self, outcome: MoveOutcome | None, column: Column, planned: tuple[Column, int]
        ) -> None:
            super().__init__()
            self.outcome = outcome
            self.column = column  # where the card came from
            self.planned = planned

    class MoveFailed(Message):
        """The writer thread could not store a move: the view is rolled back."""

        def __init__(self, card: CardRow, error: str) -> None:
            super().__init__()
            self.card = card
            self.error = error

    def __init__(
        self, service: BoardService, actions: tuple[NamedAction, ...] = BOARD_ACTIONS
    ) -> None:
        super().__init__(service, actions)
        #: The last optimistic move handed to the app's writer thread (one queue for every
        #: write of the UI, see ``ui/writes.py``), the moves not yet handed, their count.
        self._last_write: Future[None] | None = None
        self._unsent: list[Callable[[], None]] = []
        self._pending = 0
        #: Columns whose rows the database placed otherwise than the view guessed, the last
        #: such card, and today's load: applied when the last pending move is stored.
        self._misplaced: dict[Column, None] = {}
        self._misplaced_card: int | None = None
        self._load_after_moves: DayLoad | None = None
        #: Moves carry the epoch they were made in; when one fails, the writer skips the
        #: rest of that epoch and the UI thread starts a new one after reading the board again.
        self._epoch = 0
        self._failed_epoch = -1

    # ------------------------------------------------------------- actions
    def _guard(self, work: Callable[[], T]) -> T | None:
        self.settle()  # every pending move is stored first
        return super()._guard(work)

    def action_move_card(self, delta: int) -> None:
        """Move the focused card to the previous / next column: shown at once, stored by
        the writer thread (see the class docstring)."""
        source = self.column
        card = source.current
        index = self.focus_index + delta
        if card is None or not 0 <= index < len(COLUMNS):
            return
        row = source.cursor
        target = self.columns[index]
        moved = self._moved(card, target.column)
        at = self._landing(target, moved, row)
        # the view first: two rows change, the lines below them are repainted, no query
        source.take(row)
        target.put(at, moved)
        for view, sign in ((source, -1), (target, +1)):
            count, minutes = self._heads.get(view.column, (0, 0))
            self._heads[view.column] = (count + sign, minutes + sign * card.estimate_minutes)
        self.activate(index)  # repaints both heads (their active state changes)
        target.cursor = at
        self._write_move(card, delta, row, (target.column, at))

    def _moved(self, card: CardRow, to: Column) -> CardRow:
        """The card as the service will store it in ``to`` (see ``BoardService.move``)."""
        now = self.service.clock().astimezone(UTC)
        if to is Column.DONE:
            return replace(card, column=to, done_at=now, origin_column=card.column, updated_at=now)
        return replace(card, column=to, done_at=None, origin_column=None, updated_at=now)

    def _landing(self, target: ColumnView, card: CardRow, row: int) -> int:
        """The row where ``BoardService.step`` will show ``card`` in ``target``: the newest
        of Done on top; in an open column the place of the card now at ``row`` (urgent
        cards stay above the rest). The writer thread checks the guess."""
        if target.column is Column.DONE:
            return 0

        def urgent(found: CardRow | None) -> bool:
            return found is not None and found.priority is Priority.URGENT

        there = target.row(row) if row < target.count else None
        if there is not None and urgent(there) == urgent(card):
            return row
        if not urgent(card) and there is None:
            return target.count
        first_other = 0
        while first_other < target.count and urgent(target.row(first_other)):
            first_other += 1
        return first_other

    def _write_move(self, card: CardRow, delta: int, row: int, planned: tuple[Column, int]) -> None:
        """Queue the write of a move; it is handed to the writer thread once the frame that
        shows the move is painted (a writer running during that frame would hold the GIL
        and delay it)."""
        service, text, epoch = self.service, self._filter(), self._epoch
        who = self._who()
        settings = self.kanban.settings

        def write() -> None:
            if epoch <= self._failed_epoch:  # an earlier move failed: the view is read again
                self.post_message(self.MoveStored(None, card.column, planned))
                return
            try:
                moved = service.step(card.id, delta, row, card.column)  # issue 12: conflicts
                outcome = MoveOutcome(
                    card=moved,
                    shown=service.locate(moved.id, text, who),
                    load=(
                        day_load(service, settings.work_hours_per_day, settings.incident_buffer)
                        if Column.DAILY in (card.column, moved.column)
                        else None
                    ),
                )
            except Exception as exc:  # rolled back in the view, told in a toast
                self._failed_epoch = epoch
                message = exc.message if isinstance(exc, KanbanError) else str(exc)
                self.post_message(self.MoveFailed(card, message.splitlines()[0] if message else ""))
                return
            self.post_message(self.MoveStored(outcome, card.column, planned))

        self._pending += 1
        self.kanban.writes.begin()  # the "saving…" mark if it takes longer than a frame
        self._unsent.append(write)
        self.call_after_refresh(self._send_writes)

    def _send_writes(self) -> None:
        """Hand the queued writes to the app's writer thread (it runs them in order)."""
        if not self._unsent:
            return
        writes = self.kanban.writes
        for write in self._unsent:
            self._last_write = writes.submit(write)
        self._unsent.clear()

    def settle(self) -> None:
        """Wait until every move made so far is stored (or has failed)."""
        self._send_writes()
        last = self._last_write
        if last is not None and not last.done():
            last.result()

    @on(MoveStored)
    def _move_stored(self, event: MoveStored) -> None:
        self._pending -= 1
        self.kanban.writes.end()
        outcome = event.outcome
        if outcome is not None:
            moved = outcome.card
            if outcome.shown != event.planned:
                # the guess was wrong (a filter, urgent cards) or the board changed meanwhile
                self._misplaced.update(dict.fromkeys((event.column, moved.column)))
                self._misplaced_card = moved.id
            if outcome.load is not None:
                self._load_after_moves = outcome.load
            if moved.done:
                self.notify(t("board.done_note", title=shorten(moved.title)), markup=False)
        if self._pending:
            return  # the view is checked when the last pending move is stored
        if self._misplaced:
            focused = self.column.current
            self.reload(*self._misplaced)
            if focused is not None and focused.id == self._misplaced_card:
                self.focus_card(focused.id)
            self._misplaced.clear()
        elif self._load_after_moves is not None:
            self._update_topbar(sum(view.count for view in self.columns), self._load_after_moves)
        self._load_after_moves = None

    @on(MoveFailed)
    def _move_failed(self, event: MoveFailed) -> None:
        self._pending -= 1
        self.kanban.writes.end()
        self._epoch += 1
        self._misplaced.clear()
        self.reload()
        self.focus_card(event.card.id)
        self.notify(
            t("board.move_failed", title=shorten(event.card.title), error=event.error),
            severity="error",
            markup=False,
        )

    def on_unmount(self) -> None:
        """No move is lost on quit: the writer finishes the queue first."""
        self._send_writes()
        self.kanban.writes.wait()
