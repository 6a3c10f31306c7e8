"""The shared behaviour of modal forms: Save and Cancel buttons, enter saves, esc cancels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Self, TypeVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, TextArea

from kanban_tui.domain.text import literal
from kanban_tui.i18n import t
from kanban_tui.ui.screens.base import kanban_app
from kanban_tui.ui.screens.modal import DialogScreen
from kanban_tui.ui.writes import one_line

ResultType = TypeVar("ResultType")
T = TypeVar("T")


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
    the app can tell them apart (:meth:`owns`).

    A form whose opener gave it a store (:meth:`stores`) saves before it closes: ``save``
    hands what was typed to the app's writer thread (never the UI thread: a lock can hold
    a write for seconds) and the form stays open, typing still works, until it is stored;
    then it closes and the opener's ``stored`` runs. When the write fails the form stays
    open with what was typed and says why; enter again while a save is on its way does
    nothing. Esc closes the form meanwhile; the save still lands (``stored`` runs)."""

    #: The field the form focuses when it opens (default: its first text field).
    FIRST_FIELD: ClassVar[str] = ""

    #: Ids of the key events from the form's own widgets now bubbling to the app.
    _own_keys: set[int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._own_keys = set()
        self._store: Callable[[Any], Any] | None = None
        self._stored: Callable[[Any], None] | None = None
        self._opener: Screen[Any] | None = None

    def stores(self, store: Callable[[Any], Any], stored: Callable[[Any], None]) -> Self:
        """Save through ``store(values)`` in the writer thread, then ``stored(result)`` on
        the UI thread (see the class docstring); returns the form."""
        self._store, self._stored = store, stored
        self._opener = self.app.screen  # the screen that opens the form
        return self

    def finish(self, values: Any) -> None:
        """The form's values are valid: dismiss with them, or when it has a store, save
        them first (the form closes when they are stored)."""
        store, stored = self._store, self._stored
        if store is None or stored is None:
            self.dismiss(values)
            return
        opener = self._opener

        def done(result: Any) -> None:
            if self.is_active:
                self.dismiss(None)
            if opener is None or opener.is_mounted:
                stored(result)
            else:  # closed meanwhile (esc here, then the screen below)
                kanban_app(self).writes.written()

        self._save_with(lambda: store(values), done)

    def save_through(self, work: Callable[[], T], then: Callable[[T], Any] | None = None) -> None:
        """For a form that writes itself: ``work()`` in the writer thread, then dismiss
        with ``then(result)`` (default: the result). The form stays open meanwhile and
        when it fails (:meth:`store_failed`)."""

        def done(result: T) -> None:
            shown: Any = then(result) if then is not None else result
            if self.is_active:
                self.dismiss(shown)
            else:  # closed meanwhile: the screen below reads again
                kanban_app(self).writes.written()

        self._save_with(work, done)

    def _save_with(self, work: Callable[[], T], done: Callable[[T], None]) -> None:
        writes = kanban_app(self).writes

        def failed(error: BaseException) -> None:
            if self.is_mounted:
                self.store_failed(error)
            else:
                writes.show_failure(error)

        # the form is the key: enter again while its save is on its way does nothing
        writes.run(self, work, done, failed)

    def store_failed(self, error: BaseException) -> None:
        """The save failed: the form stays open with what was typed; the error dialog
        says why (forms with a line for it say it there, see :meth:`fail_in_form`)."""
        kanban_app(self).writes.show_failure(error)

    def fail_in_form(self, error: BaseException) -> None:
        """A failed save told on the form's own error line (``#form-error``), one line."""
        title, message = one_line(error)
        text = f"{title}: {message}" if message else title
        self.query_one("#form-error", Label).update(Text(literal(text)))

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
