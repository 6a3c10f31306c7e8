"""Backups of the open database, for the board (the copying itself is in storage)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kanban_tui.services.session import Board


def daily_backup(board: Board, keep: int) -> Path | None:
    """Today's automatic backup of the board's database file, in ``backups/`` beside it,
    keeping the newest ``keep`` of each kind; nothing for a database that is not a file.

    Raises :class:`~kanban_tui.errors.KanbanError` when the copy fails.
    """
    from kanban_tui.storage.backup import daily_backup as take

    live = board.db.target.path
    if live is None:
        return None
    # of the open database (also one opened with --db), in backups/ beside it
    return take(live, None, keep, board.cards.clock())
