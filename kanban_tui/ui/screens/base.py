"""The base of the board's full screens: the app typed as :class:`KanbanApp` and the
error guard (a refused action is shown in the error dialog, never as a traceback)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
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

    def _write(
        self,
        key: Hashable,
        work: Callable[[], T],
        done: Callable[[T], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> bool:
        """``work()`` in the app's writer thread, then ``done(result)`` here; a failure
        shows the error dialog (one line) unless ``failed`` takes it. False while a write
        with the same ``key`` is on its way (see :class:`~kanban_tui.ui.writes.Writes`;
        when this screen is closed before the write ends, the board is read again)."""
        return self.kanban.writes.run(key, work, done, failed, screen=self)
