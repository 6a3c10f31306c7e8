"""The base of the board's full screens: the app typed as :class:`KanbanApp` and the
error guard (a refused action is shown in the error dialog, never as a traceback)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

from textual.message_pump import MessagePump
from textual.screen import Screen

from kanban_tui.errors import KanbanError

if TYPE_CHECKING:
    from kanban_tui.ui.app import KanbanApp

ResultType = TypeVar("ResultType")
T = TypeVar("T")


def kanban_app(node: MessagePump) -> KanbanApp:
    """The app ``node`` runs in, typed (dialogs use it; full screens have :attr:`kanban`)."""
    return cast("KanbanApp", node.app)


class AppScreen(Screen[ResultType]):
    """A full screen of :class:`~kanban_tui.ui.app.KanbanApp`."""

    @property
    def kanban(self) -> KanbanApp:
        """The running app, typed: its board, settings and error dialog."""
        return kanban_app(self)

    def _guard(self, work: Callable[[], T]) -> T | None:
        """``work()``, or None after showing a refused action's message."""
        try:
            return work()
        except KanbanError as exc:
            self.kanban.show_error(exc.title, exc.message)
            return None
