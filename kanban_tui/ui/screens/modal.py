"""The base of every modal: a footer with the modal's own keys.

Without it the board's footer stays visible under a dialog and names the board's keys —
"space Done" while space ticks a checklist item there.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

from kanban_tui.ui.widgets.footer import KanbanFooter

ResultType = TypeVar("ResultType")


class DialogScreen(ModalScreen[ResultType]):
    """A modal screen whose footer shows its own bindings.

    Textual runs each class's ``on_mount`` along the MRO, so subclasses keep theirs.
    """

    def on_mount(self) -> None:
        self.mount(KanbanFooter())
