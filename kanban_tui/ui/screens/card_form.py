"""The new/edit card form: validated by the domain's pydantic model, errors by the field."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static, TextArea

from kanban_tui.domain.models import Priority
from kanban_tui.domain.recurrence import Rule, RuleError
from kanban_tui.domain.validation import CardFields
from kanban_tui.format import CATEGORY_KEYS, category_label
from kanban_tui.i18n import t
from kanban_tui.services.board import CardRow
from kanban_tui.services.messages import field_errors, rule_error_text
from kanban_tui.ui.bindings import retranslate
from kanban_tui.ui.screens.forms import FormScreen, form_bindings, form_buttons
from kanban_tui.ui.widgets.text_area import FieldArea

FIELDS = (
    "title",
    "category",
    "estimate_minutes",
    "assignee",
    "priority",
    "due",
    "notes",
    "repeat",
)
_WEEKDAY_TOKENS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def repeat_choices(reference: date) -> list[tuple[str, str]]:
    """(label, rule) pairs for the Repeat field, anchored on ``reference`` (due or today)."""
    weekday = reference.weekday()
    monday = reference - timedelta(days=weekday)
    name = t(f"weekday.{weekday}")
    return [
        (t("repeat.none"), ""),
        (t("repeat.daily"), "daily"),
        (t("repeat.weekdays"), "weekdays"),
        (t("repeat.weekly", day=name), f"weekly:{_WEEKDAY_TOKENS[weekday]}"),
        (
            t("repeat.biweekly", day=name),
            f"biweekly:{(monday + timedelta(days=weekday)).isoformat()}",
        ),
        (t("repeat.monthly", day=reference.day), f"monthly:{reference.day}"),
        (t("repeat.custom"), "custom"),
    ]


class CardForm(FormScreen[dict[str, Any] | None]):
    """Returns the validated field values, or None when cancelled."""

    BINDINGS = [Binding("ctrl+s", "save"), Binding("escape", "cancel")]

    def __init__(
        self,
        card: CardRow | None = None,
        column_label: str = "",
        *,
        today: date | None = None,
        repeat: str = "",
    ) -> None:
        super().__init__(classes="dialog-screen")
        retranslate(self, form_bindings())
        self.card = card
        self.column_label = column_label
        self.repeat = repeat
        reference = (card.due if card and card.due else None) or today or date.today()
        self.choices = repeat_choices(reference)

    def compose(self) -> ComposeResult:
        card = self.card
        heading = (
            t("form.edit_title", id=card.id)
            if card
            else t("form.new_title", column=self.column_label)
        )
        with Vertical(id="card-form", classes="dialog"):
            yield Static(heading, classes="dialog-title")
            yield Label(t("form.title"))
            yield Input(card.title if card else "", id="title", max_length=0)
            yield Label("", id="title-error", classes="field-error")
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield Label(t("form.category"))
                    yield Input(
                        category_label(card.category) if card else "",
                        id="category",
                        placeholder=", ".join(category_label(k) for k in CATEGORY_KEYS[:4]) + "…",
                    )
                    yield Label("", id="category-error", classes="field-error")
                with Vertical():
                    yield Label(t("form.estimate"))
                    yield Input(
                        str(card.estimate_minutes) if card else "",
                        id="estimate_minutes",
                        placeholder="0–480",
                    )
                    yield Label("", id="estimate_minutes-error", classes="field-error")
                with Vertical():
                    yield Label(t("people.form.assignee"))
                    yield Input(
                        card.assignee or "" if card else "",
                        id="assignee",
                        placeholder=t("people.form.assignee_placeholder"),
                    )
                    yield Label("", id="assignee-error", classes="field-error")
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield Label(t("form.priority"))
                    yield Select(
                        [(t(f"priority.{p.value}"), p.value) for p in Priority],
                        value=card.priority.value if card else Priority.NORMAL.value,
                        allow_blank=False,
                        id="priority",
                    )
                    yield Label("", id="priority-error", classes="field-error")
                with Vertical():
                    yield Label(t("form.due"))
                    yield Input(
                        card.due.isoformat() if card and card.due else "",
                        id="due",
                        placeholder="YYYY-MM-DD",
                    )
                    yield Label("", id="due-error", classes="field-error")
                with Vertical():
                    yield Label(t("form.repeat"))
                    known = [rule for _, rule in self.choices]
                    yield Select(
                        self.choices,
                        value=self.repeat if self.repeat in known else "custom",
                        allow_blank=False,
                        id="repeat",
                    )
                    yield Label("", id="repeat-error", classes="field-error")
            yield Input(
                self.repeat,
                id="repeat-rule",
                placeholder=t("form.repeat_placeholder"),
                classes="" if self.repeat and self.repeat not in known else "hidden",
            )
            yield Label(t("form.notes"))
            yield FieldArea(card.notes if card else "", id="notes", soft_wrap=True)
            yield Label("", id="notes-error", classes="field-error")
            yield from form_buttons(t("form.hint"))

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "repeat":
            return
        rule_box = self.query_one("#repeat-rule", Input)
        if event.value == "custom":
            rule_box.remove_class("hidden")
            rule_box.focus()
        else:
            rule_box.add_class("hidden")

    def repeat_rule(self) -> str:
        chosen = self.query_one("#repeat", Select).value
        if chosen == "custom":
            return self.query_one("#repeat-rule", Input).value.strip()
        return str(chosen or "")

    def values(self) -> dict[str, Any]:
        category = self.query_one("#category", Input).value.strip()
        for key in CATEGORY_KEYS:
            if category and category.casefold() == category_label(key).casefold():
                category = key
        return {
            "title": self.query_one("#title", Input).value,
            "category": category,
            "estimate_minutes": self.query_one("#estimate_minutes", Input).value,
            "priority": self.query_one("#priority", Select).value,
            "due": self.query_one("#due", Input).value,
            "notes": self.query_one("#notes", TextArea).text,
            "assignee": self.query_one("#assignee", Input).value,
        }

    def action_save(self) -> None:
        for name in FIELDS:
            self.query_one(f"#{name}-error", Label).update("")
        errors: dict[str, str] = {}
        try:
            fields = CardFields.model_validate(self.values())
        except ValidationError as exc:
            errors = field_errors(exc)
        rule = self.repeat_rule()
        if self.query_one("#repeat", Select).value == "custom" or rule:
            try:
                rule = str(Rule.parse(rule))
            except RuleError as exc:
                errors["repeat"] = rule_error_text(rule, exc)
        if errors:
            for name, message in errors.items():
                self.query_one(f"#{name}-error", Label).update(Text(message))
            first = next(iter(errors))
            self.query_one("#repeat-rule" if first == "repeat" else f"#{first}").focus()
            return
        self.finish({**fields.model_dump(), "repeat": rule})
