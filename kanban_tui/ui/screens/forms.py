"""The shared behaviour of modal forms: Save and Cancel buttons, enter saves, esc cancels."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Button, Input, Static, TextArea

from kanban_tui.i18n import t
from kanban_tui.ui.screens.modal import DialogScreen

ResultType = TypeVar("ResultType")


def form_bindings() -> list[BindingType]:
    """Every form's keys: ctrl+s saves, esc cancels (built again after a language change)."""
    return [
        Binding("ctrl+s", "save", t("form.save")),
        Binding("escape", "cancel", t("form.cancel")),
    ]


def form_buttons(hint: str) -> ComposeResult:
    """Every form's foot: the Save and Cancel buttons, and under them the line of keys."""
    yield Horizontal(
        Button(t("form.save"), id="save", variant="primary"),
        Button(t("form.cancel"), id="cancel"),
        classes="dialog-buttons",
    )
    yield Static(hint, classes="dialog-hint")


class FormScreen(DialogScreen[ResultType]):
    """A modal form. Each form has an ``action_save`` that validates its fields and then
    dismisses with the result; a button with id ``save`` runs it, any other button
    cancels, and enter in a field saves.

    Keys typed while the form is still opening (``n`` then the title at once) were queued
    for the screen below; they reach the app unused, which hands them to
    :meth:`take_early_key`: they go to the field the form opens on, in the order typed,
    instead of being lost. Keys from the form's own widgets pass :meth:`on_key` first, so
    the app can tell them apart (:meth:`owns`)."""

    #: The field the form focuses when it opens (default: its first text field).
    FIRST_FIELD: ClassVar[str] = ""

    #: Ids of the key events from the form's own widgets now bubbling to the app.
    _own_keys: set[int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._own_keys = set()

    def _first_field(self) -> Widget | None:
        found = self.query(self.FIRST_FIELD or "Input, TextArea")
        return found.first() if found else None

    def on_key(self, event: events.Key) -> None:
        """A key from one of the form's own widgets passes here on its way to the app."""
        if len(self._own_keys) > 64:  # keys the app never saw (stopped on the way)
            self._own_keys.clear()
        self._own_keys.add(id(event))

    def owns(self, event: events.Key) -> bool:
        """Whether ``event`` came from this form's widgets (else: typed before it opened)."""
        if id(event) in self._own_keys:
            self._own_keys.discard(id(event))
            return True
        return False

    def take_early_key(self, event: events.Key) -> bool:
        """Type a key that was queued for the screen below (pressed while this form was
        opening) into the text field that has focus, else the field the form opens on."""
        if not event.is_printable or event.character is None:
            return False
        field = self.focused
        if not isinstance(field, (Input, TextArea)):
            field = self._first_field()
        if field is None:
            return False
        self.set_focus(field)
        if isinstance(field, Input):
            field.insert_text_at_cursor(event.character)
        elif isinstance(field, TextArea):
            field.insert(event.character)
        return True

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def on_input_submitted(self) -> None:
        await self.run_action("save")

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        await self.run_action("save" if event.button.id == "save" else "cancel")
