"""The shared behaviour of modal forms: Save and Cancel buttons, enter saves, esc cancels."""

from __future__ import annotations

from typing import TypeVar

from textual.widgets import Button

from kanban_tui.ui.screens.modal import DialogScreen

ResultType = TypeVar("ResultType")


class FormScreen(DialogScreen[ResultType]):
    """A modal form. Each form has an ``action_save`` that validates its fields and then
    dismisses with the result; a button with id ``save`` runs it, any other button
    cancels, and enter in a field saves."""

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def on_input_submitted(self) -> None:
        await self.run_action("save")

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        await self.run_action("save" if event.button.id == "save" else "cancel")
