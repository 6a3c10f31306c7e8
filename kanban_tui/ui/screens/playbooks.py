"""The playbook picker: choose an incident, get an urgent card with its first steps."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kanban_tui.domain.text import one_line
from kanban_tui.i18n import t
from kanban_tui.services.playbooks import PlaybookBook
from kanban_tui.ui.bindings import retranslate
from kanban_tui.ui.screens.modal import DialogScreen


class PlaybookPicker(DialogScreen[str | None]):
    """Returns the chosen playbook's key, or None."""

    BINDINGS = [Binding("escape", "cancel", t("form.cancel"))]

    def __init__(self, book: PlaybookBook) -> None:
        super().__init__(classes="dialog-screen")
        retranslate(self, [Binding("escape", "cancel", t("form.cancel"))])
        self.book = book

    def compose(self) -> ComposeResult:
        incidents = [p for p in self.book.playbook if p.kind == "incident"]
        with Vertical(id="playbook-picker", classes="dialog"):
            yield Static(t("playbooks.title"), classes="dialog-title")
            yield OptionList(
                *(
                    Option(
                        Text(one_line(p.title))
                        + Text("  · " + t("playbooks.steps", count=len(p.steps)), "dim"),
                        id=p.key,
                    )
                    for p in incidents
                ),
                id="playbooks",
            )
            first = "\n".join(f"• {one_line(step)}" for step in self.book.first_steps)
            yield Static(Text(t("playbooks.first_steps") + "\n" + first), id="first-steps")
            yield Static(t("playbooks.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
