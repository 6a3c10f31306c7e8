"""A card's detail: its checklist ticked from the keyboard, its timer, its notes, and the
last lines of its history (who did what)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from kanban_tui.domain.text import checklist_items, literal, one_line
from kanban_tui.errors import KanbanError
from kanban_tui.format import duration
from kanban_tui.i18n import t
from kanban_tui.services.activity import SHOWN
from kanban_tui.services.board import BoardService, CardRow
from kanban_tui.services.card_rows import shown_checklist
from kanban_tui.ui.bindings import retranslate
from kanban_tui.ui.screens.base import kanban_app
from kanban_tui.ui.screens.modal import DialogScreen


def _bindings() -> list[BindingType]:
    return [
        Binding("space", "tick", t("detail.toggle")),
        Binding("a", "add", t("detail.add")),
        Binding("d", "remove", t("detail.remove")),
        Binding("T", "timer", t("detail.timer")),
        Binding("escape", "close", t("action.close")),
    ]


class CardDetail(DialogScreen[None]):
    """Checklist items with space to tick, ``a`` to add, ``d`` to remove; ``T`` timer."""

    BINDINGS = _bindings()

    def __init__(self, service: BoardService, card: CardRow) -> None:
        super().__init__(classes="dialog-screen")
        retranslate(self, _bindings())
        self.service = service
        self.card = card

    @property
    def items(self) -> list[dict[str, Any]]:
        # in the reader's language; a step keeps its key, so ticking it stores no words
        return shown_checklist(self.card.checklist)

    def compose(self) -> ComposeResult:
        with Vertical(id="card-detail", classes="dialog"):
            yield Static(Text(one_line(self.card.title)), classes="dialog-title")
            yield Static(id="detail-meta")
            yield OptionList(id="checklist")
            yield Input(id="new-item", placeholder=t("detail.new_item"), classes="hidden")
            if self.card.notes:
                yield Static(Text(literal(self.card.notes)), id="detail-notes")
            yield Static(id="detail-history")
            yield Static(t("detail.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.redraw()
        self.query_one(OptionList).focus()

    def redraw(self, highlight: int | None = None) -> None:
        options = self.query_one(OptionList)
        current = options.highlighted if highlight is None else highlight
        options.clear_options()
        items = self.items
        for item in items:
            mark = "☑" if item.get("done") else "☐"
            options.add_option(Option(Text(f"{mark} {one_line(str(item.get('text', '')))}")))
        if not items:
            options.add_option(Option(Text(t("detail.empty")), disabled=True))
        else:  # the cursor is always visible: space ticks what you see highlighted
            options.highlighted = min(current or 0, len(items) - 1)
        done = sum(1 for i in items if i.get("done"))
        parts = [t("detail.progress", done=done, total=len(items))] if items else []
        if self.card.spent_minutes:
            parts.append(t("detail.spent", time=duration(self.card.spent_minutes)))
        if self.card.timer_started_at is not None:
            parts.append(t("detail.timer_running"))
        parts += who_did_what(self.card)
        # names are shown literally (no markup)
        self.query_one("#detail-meta", Static).update(Text(" · ".join(parts)))
        self.query_one("#detail-history", Static).update(self._history())

    def _history(self) -> Text:
        """The newest lines of the card's history, names and items shown literally."""
        try:
            lines = self.service.card_history(self.card.id, SHOWN)
        except KanbanError:
            lines = []
        today = self.service.today()
        shown = [t("activity.title")] + [f"  {literal(line.line(today))}" for line in lines]
        return Text("\n".join(shown) if lines else t("activity.none"), style="dim")

    def _save(
        self,
        key: Hashable,
        change: Callable[[list[dict[str, Any]]], None],
        highlight: int | None = None,
    ) -> None:
        """Change the checklist in the app's writer thread, on the list as stored then (so
        quick ticks of two items both land); shown once stored. A second key on the same
        item while its write is on its way does nothing (``key``)."""
        service, card_id = self.service, self.card.id

        def work() -> CardRow:
            items = checklist_items(service.card(card_id).checklist)
            change(items)
            return service.set_checklist(card_id, items)

        def stored(card: CardRow) -> None:
            self.card = card
            self.redraw(highlight)

        kanban_app(self).writes.run(("checklist", card_id, key), work, stored, screen=self)

    def action_tick(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not self.items:
            return

        def tick(items: list[dict[str, Any]]) -> None:
            if index < len(items):
                items[index]["done"] = not items[index].get("done")

        self._save(("item", index), tick, index)

    def action_remove(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not self.items:
            return

        def remove(items: list[dict[str, Any]]) -> None:
            if index < len(items):
                del items[index]

        self._save(("item", index), remove, index)

    def action_add(self) -> None:
        box = self.query_one("#new-item", Input)
        box.remove_class("hidden")
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.value = ""
        event.input.add_class("hidden")
        self.query_one(OptionList).focus()
        if text:
            new = {"text": text, "done": False}
            self._save(object(), lambda items: items.append(new), len(self.items))

    def on_option_list_option_selected(self) -> None:
        self.action_tick()

    def action_timer(self) -> None:
        card_id = self.card.id

        def stored(card: CardRow) -> None:
            self.card = card
            self.redraw()

        # the board's key for the card: T here and t there do not both toggle it
        work = partial(self.service.toggle_timer, card_id)
        kanban_app(self).writes.run(("card", card_id), work, stored, screen=self)

    def action_close(self) -> None:
        box = self.query_one("#new-item", Input)
        if box.has_focus:
            box.value = ""
            box.add_class("hidden")
            self.query_one(OptionList).focus()
            return
        self.dismiss(None)


def who_did_what(card: Any) -> list[str]:
    """Who the card is for, who added it and who finished it, as far as known."""
    found = []
    if card.assignee:
        found.append(t("people.detail.assignee", name=one_line(card.assignee)))
    if card.created_by:
        found.append(t("people.detail.created_by", name=one_line(card.created_by)))
    if card.done and card.done_by:
        found.append(t("people.detail.done_by", name=one_line(card.done_by)))
    return found
