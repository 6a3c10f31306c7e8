"""Small modal dialogs: the error modal, a yes/no confirm, and the help screen."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Static

from kanban_tui.domain.text import literal
from kanban_tui.i18n import t
from kanban_tui.ui.actions import NamedAction
from kanban_tui.ui.bindings import retranslate
from kanban_tui.ui.screens.modal import DialogScreen


class ErrorScreen(DialogScreen[None]):
    """The one place a user-facing error is shown: a title and a message."""

    BINDINGS = [Binding("escape,enter,q", "dismiss", t("action.close"))]

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="dialog-screen")
        retranslate(self, [Binding("escape,enter,q", "dismiss", t("action.close"))])
        self.error_title = title
        self.error_message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog", classes="dialog"):
            yield Static(Text(literal(self.error_title)), classes="dialog-title")
            yield Static(Text(literal(self.error_message)), id="error-message")
            yield Button(t("dialog.ok"), id="ok", variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss(None)


class ConfirmScreen(DialogScreen[bool]):
    """Ask a yes/no question; ``y`` confirms, ``n`` or esc declines."""

    BINDINGS = [
        Binding("y", "answer(True)", t("dialog.yes")),
        Binding("n,escape", "answer(False)", t("dialog.no")),
    ]

    def __init__(self, question: str) -> None:
        super().__init__(classes="dialog-screen")
        retranslate(
            self,
            [
                Binding("y", "answer(True)", t("dialog.yes")),
                Binding("n,escape", "answer(False)", t("dialog.no")),
            ],
        )
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(Text(self.question), id="question")
            yield Static(t("dialog.confirm_hint"), classes="dialog-hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class HelpScreen(DialogScreen[None]):
    """Every key of the board, generated from the action registry — or, over another
    screen, that screen's keys (``rows``: key as shown, description)."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", t("action.close"))]

    def __init__(
        self, actions: tuple[NamedAction, ...] = (), rows: list[tuple[str, str]] | None = None
    ) -> None:
        super().__init__(classes="dialog-screen")
        retranslate(self, [Binding("escape,question_mark,q", "dismiss", t("action.close"))])
        if rows is None:
            rows = [(item.key_text, t(f"action.{item.id}")) for item in actions]
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Text()
        for key, description in self.rows:
            table.append(" " * max(0, 14 - cell_len(key)) + key + "  ", style="bold")
            table.append(description + "\n")
        table.append("\n")
        table.append(t("help.palette") + "\n", style="italic")
        table.append(t("help.mouse"), style="italic")
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(t("help.title"), classes="dialog-title")
            with VerticalScroll():
                yield Static(table, id="help-keys")
            yield Static(t("help.close"), classes="dialog-hint")
