"""The Templates screen: the recurring templates in a table, and the form that edits one.

The screen lists each template with its rule in words, when its next card appears (in the
template's own time zone), when one was last done and how many of its last periods were
done. It only calls :class:`~kanban_tui.services.templates.TemplateService`; the form
validates with the same model as the service and previews the rule as the user types.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Label, Select, Static, TextArea

from kanban_tui.domain.models import OPEN_COLUMNS, OnPeriodEnd, Priority
from kanban_tui.domain.recurrence import MARKETPLACES, Rule, RuleError, marketplace
from kanban_tui.domain.schedule import parse_at
from kanban_tui.domain.templates import default_on_period_end
from kanban_tui.domain.text import literal, one_line
from kanban_tui.errors import ValidationFailed
from kanban_tui.format import CATEGORY_KEYS, category_label, duration
from kanban_tui.i18n import t
from kanban_tui.services.rule_words import describe_rule
from kanban_tui.services.templates import TemplateRow, TemplateService, preview, validate_fields
from kanban_tui.ui.bindings import retranslate
from kanban_tui.ui.screens.base import AppScreen
from kanban_tui.ui.screens.dialogs import ConfirmScreen
from kanban_tui.ui.screens.forms import FormScreen, form_bindings, form_buttons
from kanban_tui.ui.widgets.footer import KanbanFooter
from kanban_tui.ui.widgets.text_area import FieldArea

#: Widths of the table's columns (in cells), so long titles and rules never push the
#: numbers off a 120-column terminal; the line under the table shows them in full.
TITLE_WIDTH = 30
RULE_WIDTH = 40
#: Below this many columns the table leaves out "Last done" (the line under the table
#: names it) and narrows title and rule, so it fits the screen with its scroll bar.
NARROW_BELOW = 100
#: From this many columns on, title and rule share the width beyond 120 (up to
#: ``WIDE_MAX`` cells each), so a wide screen shows them whole instead of cut at 30/40.
WIDE_FROM = 160
WIDE_MAX = 64
#: The form's fields, in the order their errors are looked for.
FORM_FIELDS = (
    "title_en",
    "title_zh",
    "category",
    "estimate_minutes",
    "priority",
    "column",
    "rule",
    "at",
    "marketplace",
    "on_period_end",
    "assignee",
    "checklist",
)
#: The Select value meaning "whatever the rule's kind implies" (no explicit choice).
END_DEFAULT = "default"
NO_VALUE = "—"


def _cropped(text: str, width: int, style: str = "") -> Text:
    """User text as a one-line rich ``Text`` (never markup), cut to ``width`` cells."""
    shown = Text(one_line(text), style=style)
    shown.truncate(width, overflow="ellipsis")
    return shown


def template_changes(row: TemplateRow, values: dict[str, Any]) -> dict[str, Any]:
    """What the template form changed of ``row`` (empty: nothing). The form resolved
    "default" against the rule it shows; that choice is sent too, or the service would
    re-derive it whenever the rule changed."""
    before = row.fields()
    changes = {k: v for k, v in values.items() if before.get(k) != v}
    if changes:
        changes["on_period_end"] = values["on_period_end"]
    return changes


def completion(row: TemplateRow) -> str:
    """Done (on time or late) over the closed periods among the recent ones: "6/8 75%"."""
    closed = sum(row.recent.values()) - row.recent.get("open", 0)
    if closed <= 0:
        return NO_VALUE
    done = row.recent.get("done", 0) + row.recent.get("late", 0)
    return f"{done}/{closed} {done / closed:.0%}"


def next_due_text(row: TemplateRow) -> str:
    """The next card's local time in the template's zone ("11-26 09:00"), or "paused"."""
    if not row.active:
        return t("templates_screen.paused")
    if row.next_due is None:
        return NO_VALUE
    return f"{row.next_due.astimezone(ZoneInfo(marketplace(row.marketplace).tz)):%m-%d %H:%M}"


def last_done_text(row: TemplateRow) -> str:
    """When a card of the template was last done, on this computer's clock."""
    if row.last_done is None:
        return NO_VALUE
    return f"{row.last_done.astimezone():%m-%d %H:%M}"


def moment_text(moment: datetime) -> str:
    """One preview line: "Mon 2026-11-30 09:00 JST" (the weekday in the UI language)."""
    return f"{t(f'weekday.{moment.weekday()}')} {moment:%Y-%m-%d %H:%M %Z}"


def market_name(code: str, lang: str) -> str:
    market = MARKETPLACES[code]
    return market.name_zh if lang == "zh" else market.name_en


# --------------------------------------------------------------------------- the screen


def screen_bindings() -> list[BindingType]:
    return [
        Binding("a", "add", t("templates_screen.add")),
        Binding("e,enter", "edit", t("templates_screen.edit"), key_display="e"),
        Binding("p", "toggle_active", t("templates_screen.pause")),
        Binding("d", "delete", t("templates_screen.delete")),
        Binding("escape,t,b", "back", t("templates_screen.back"), key_display="esc"),
        Binding("j", "cursor(1)", show=False),
        Binding("k", "cursor(-1)", show=False),
    ]


class TemplatesScreen(AppScreen[None]):
    """Every recurring template, with what it does next and how it went lately."""

    BINDINGS = screen_bindings()

    def __init__(self, service: TemplateService, lang: str) -> None:
        super().__init__()
        retranslate(self, screen_bindings())
        self.service = service
        self.lang = lang
        self.rows: list[TemplateRow] = []
        self.widths = (TITLE_WIDTH, RULE_WIDTH)
        self.with_last = True

    def compose(self) -> ComposeResult:
        yield Static(id="templates-head")
        yield DataTable(id="templates-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="template-detail")
        yield KanbanFooter()

    def on_mount(self) -> None:
        self._add_columns()
        self.reload()
        self.table.focus()

    def _widths(self) -> tuple[int, int]:
        """Title and rule widths: narrower below 120 columns, so the columns after them
        (column, next due) stay on screen instead of running off its right edge."""
        width = self.app.size.width
        if width >= WIDE_FROM:
            extra = (width - 120) // 2
            return min(WIDE_MAX, TITLE_WIDTH + extra), min(WIDE_MAX, RULE_WIDTH + extra)
        if width >= 120:
            return TITLE_WIDTH, RULE_WIDTH
        return (19, 22) if width < NARROW_BELOW else (26, 32)

    def on_resize(self) -> None:
        if self.is_mounted and self._widths() != self.widths:
            self.table.clear(columns=True)
            self._add_columns()
            self.reload()

    def _add_columns(self) -> None:
        table = self.table
        self.widths = title_width, rule_width = self._widths()
        self.with_last = self.app.size.width >= NARROW_BELOW
        table.add_column(t("templates_screen.col_title"), width=title_width, key="title")
        table.add_column(t("templates_screen.col_rule"), width=rule_width, key="rule")
        table.add_column(t("templates_screen.col_column"), key="column")
        table.add_column(t("templates_screen.col_next"), key="next")
        if self.with_last:
            table.add_column(t("templates_screen.col_last"), key="last")
        table.add_column(t("templates_screen.col_recent"), key="recent")

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#templates-table", DataTable)

    @property
    def current(self) -> TemplateRow | None:
        if not self.rows:
            return None
        return self.rows[min(self.table.cursor_row, len(self.rows) - 1)]

    # ---------------------------------------------------------------- data
    def reload(self, focus: int | None = None) -> None:
        """Re-read the templates; the cursor stays on ``focus`` (a template id), else on the
        same template, else on the same line."""
        table = self.table
        previous = self.current
        row_index = table.cursor_row
        if focus is None and previous is not None:
            focus = previous.id
        self.rows = self._guard(self.service.rows) or []
        table.clear()
        for row in self.rows:
            table.add_row(*self._cells(row), key=str(row.id))
        ids = [row.id for row in self.rows]
        if focus in ids:
            row_index = ids.index(focus)
        if self.rows:
            table.move_cursor(row=max(0, min(row_index, len(self.rows) - 1)), animate=False)
        self._update_head()
        self._update_detail()

    def _cells(self, row: TemplateRow) -> list[Text]:
        style = "" if row.active else "dim"
        cells = [
            _cropped(row.title(self.lang), self.widths[0], style),
            _cropped(row.describe(self.lang), self.widths[1], style),
            Text(t(f"column.{row.column}"), style=style),
            Text(next_due_text(row), style=style or ("" if row.next_due else "dim")),
            Text(last_done_text(row), style=style),
            Text(completion(row), style=style, justify="right"),
        ]
        if not self.with_last:
            del cells[4]
        return cells

    def _update_head(self) -> None:
        paused = sum(1 for row in self.rows if not row.active)
        head = Text.assemble(
            (f" {t('templates_screen.title')} ", "bold reverse"),
            f"  {t('templates_screen.count', count=len(self.rows), paused=paused)}",
        )
        self.query_one("#templates-head", Static).update(head)

    def _update_detail(self) -> None:
        detail = self.query_one("#template-detail", Static)
        row = self.current
        if row is None:
            detail.update(Text(t("templates_screen.empty"), style="italic"))
            return
        end = t(f"template_form.end_{row.on_period_end}")
        facts = [
            row.describe(self.lang),
            f"{row.marketplace} {market_name(row.marketplace, self.lang)}",
            t("templates_screen.on_end", what=end),
        ]
        if row.category:
            facts.append(category_label(row.category))
        if row.estimate_minutes:
            facts.append(duration(row.estimate_minutes))
        facts.append(t(f"priority.{row.priority}"))
        if not self.with_last and row.last_done is not None:
            facts.append(t("templates_screen.last_done", when=last_done_text(row)))
        lines = Text(one_line(row.title(self.lang)), style="bold")
        lines.append("\n" + one_line(" · ".join(facts)))
        if row.checklist:
            lines.append("\n☑ " + one_line(" · ".join(row.checklist)))
        detail.update(lines)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._update_detail()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_edit()

    # ------------------------------------------------------------- actions
    def _form(self, row: TemplateRow | None) -> TemplateForm:
        return TemplateForm(row, self.service.clock, self.lang, self._default_marketplace())

    def _default_marketplace(self) -> str:
        settings = getattr(self.app, "settings", None)
        code = str(getattr(settings, "default_marketplace", "US") or "US").upper()
        return code if code in MARKETPLACES else "US"

    def action_cursor(self, delta: int) -> None:
        if delta > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    def action_add(self) -> None:
        def created(row: TemplateRow) -> None:
            self.reload(focus=row.id)
            self.notify(t("templates_screen.added_note", title=row.title(self.lang)), markup=False)

        self.app.push_screen(self._form(None).stores(self.service.add, created))

    def action_edit(self) -> None:
        current = self.current
        if current is None:
            return

        def store(values: dict[str, Any]) -> TemplateRow | None:
            changes = template_changes(current, values)
            return self.service.edit(current.id, changes) if changes else None

        def saved(row: TemplateRow | None) -> None:
            if row is not None:
                self.reload(focus=row.id)
                self.notify(
                    t("templates_screen.saved_note", title=row.title(self.lang)), markup=False
                )

        self.app.push_screen(self._form(current).stores(store, saved))

    def action_toggle_active(self) -> None:
        current = self.current
        if current is None:
            return

        def stored(row: TemplateRow) -> None:
            self.reload(focus=row.id)
            key = "templates_screen.resumed_note" if row.active else "templates_screen.paused_note"
            self.notify(t(key, title=row.title(self.lang)), markup=False)

        # p again while the first is on its way does nothing (it would undo it)
        work = partial(self.service.set_active, current.id, not current.active)
        self._write(("template", current.id), work, stored)

    def action_delete(self) -> None:
        current = self.current
        if current is None:
            return
        title = one_line(current.title(self.lang))

        def deleted(_: object) -> None:
            self.reload()
            self.notify(t("templates_screen.deleted_note", title=title), markup=False)

        def answered(yes: bool | None) -> None:
            if yes:
                work = partial(self.service.delete, current.id)
                self._write(("template", current.id), work, deleted)

        self.app.push_screen(
            ConfirmScreen(t("templates_screen.confirm_delete", title=title)), answered
        )

    def action_back(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------------- the form


class TemplateForm(FormScreen[dict[str, Any] | None]):
    """Add or edit a template; returns the validated values, or None when cancelled.

    The values are :class:`~kanban_tui.domain.templates.TemplateFields` dumped, with ``at``
    as ``"HH:MM"`` and ``on_period_end`` resolved (the rule's default when so chosen).
    """

    BINDINGS = form_bindings()

    def __init__(
        self,
        template: TemplateRow | None,
        clock: Callable[[], datetime],
        lang: str,
        default_marketplace: str = "US",
    ) -> None:
        super().__init__(classes="dialog-screen")
        retranslate(self, form_bindings())
        self.template = template
        self.clock = clock
        self.lang = lang
        self.default_marketplace = default_marketplace

    # --------------------------------------------------------------- layout
    def _field(self, label: str, widget: Any, name: str) -> ComposeResult:
        with Vertical(classes=f"form-field field-{name}"):
            yield Label(label)
            yield widget
            yield Label("", id=f"{name}-error", classes="field-error")

    def compose(self) -> ComposeResult:
        row = self.template
        heading = (
            t("template_form.edit_title", title=one_line(row.title(self.lang)))
            if row
            else t("template_form.new_title")
        )
        market = row.marketplace if row else self.default_marketplace
        with VerticalScroll(id="template-form", classes="dialog"):
            yield Static(Text(heading), classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield from self._field(
                    t("template_form.title_en"),
                    Input(row.title_en if row else "", id="title_en"),
                    "title_en",
                )
                yield from self._field(
                    t("template_form.title_zh"),
                    Input(row.title_zh if row else "", id="title_zh"),
                    "title_zh",
                )
            with Horizontal(classes="form-row"):
                yield from self._field(
                    t("template_form.rule"),
                    Input(row.rule if row else "daily", id="rule", placeholder="weekly:mon"),
                    "rule",
                )
                yield from self._field(
                    t("template_form.at"),
                    Input(row.at if row else "09:00", id="at", placeholder="09:00"),
                    "at",
                )
                yield from self._field(
                    t("template_form.marketplace"),
                    Select(
                        [(f"{code} {market_name(code, self.lang)}", code) for code in MARKETPLACES],
                        value=market,
                        allow_blank=False,
                        id="marketplace",
                    ),
                    "marketplace",
                )
            yield Static(t("template_form.rule_hint"), id="rule-hint")
            yield Static(id="rule-preview")
            with Horizontal(classes="form-row"):
                yield from self._field(
                    t("template_form.column"),
                    Select(
                        [(t(f"column.{c.value}"), c.value) for c in OPEN_COLUMNS],
                        value=row.column if row else OPEN_COLUMNS[0].value,
                        allow_blank=False,
                        id="column",
                    ),
                    "column",
                )
                yield from self._field(
                    t("template_form.on_period_end"),
                    Select(
                        [
                            (t("template_form.end_default"), END_DEFAULT),
                            (t("template_form.end_expire"), OnPeriodEnd.EXPIRE.value),
                            (t("template_form.end_carry"), OnPeriodEnd.CARRY.value),
                        ],
                        value=self._end_choice(row),
                        allow_blank=False,
                        id="on_period_end",
                    ),
                    "on_period_end",
                )
                yield from self._field(
                    t("people.form.assignee"),
                    Input(
                        (row.assignee or "") if row else "",
                        id="assignee",
                        placeholder=t("people.form.assignee_placeholder"),
                    ),
                    "assignee",
                )
            with Horizontal(classes="form-row"):
                yield from self._field(
                    t("template_form.category"),
                    Input(
                        category_label(row.category) if row else "",
                        id="category",
                        placeholder=", ".join(category_label(k) for k in CATEGORY_KEYS[:3]) + "…",
                    ),
                    "category",
                )
                yield from self._field(
                    t("template_form.estimate"),
                    Input(
                        str(row.estimate_minutes) if row else "",
                        id="estimate_minutes",
                        placeholder="0–480",
                    ),
                    "estimate_minutes",
                )
                yield from self._field(
                    t("template_form.priority"),
                    Select(
                        [(t(f"priority.{p.value}"), p.value) for p in Priority],
                        value=row.priority if row else Priority.NORMAL.value,
                        allow_blank=False,
                        id="priority",
                    ),
                    "priority",
                )
            yield Label(t("template_form.checklist"))
            yield FieldArea("\n".join(row.checklist) if row else "", id="checklist")
            yield Label("", id="checklist-error", classes="field-error")
            yield Label("", id="form-error", classes="field-error")
            yield from form_buttons(t("template_form.hint"))

    @staticmethod
    def _end_choice(row: TemplateRow | None) -> str:
        """The on-period-end choice to show: the rule's default unless it was changed."""
        if row is None:
            return END_DEFAULT
        try:
            default = default_on_period_end(Rule.parse(row.rule))
        except RuleError:
            return row.on_period_end
        return END_DEFAULT if row.on_period_end == default.value else row.on_period_end

    def on_mount(self) -> None:
        self.query_one("#title_en", Input).focus()
        self.update_preview()

    # --------------------------------------------------------------- preview
    @on(Input.Changed, "#rule, #at")
    @on(Select.Changed, "#marketplace")
    def _rule_changed(self) -> None:
        self.update_preview()

    def update_preview(self) -> None:
        """The rule in words and its next five cards, or what is wrong with it."""
        box = self.query_one("#rule-preview", Static)
        rule = self.query_one("#rule", Input).value
        at = self.query_one("#at", Input).value
        market = str(self.query_one("#marketplace", Select).value)
        try:
            moments = preview(rule, at, market, after=self.clock(), count=5)
        except ValidationFailed as exc:
            self._preview_error(box, exc.errors.get("rule") or t("template_form.bad_time"))
            return
        except (ValueError, TypeError) as exc:  # never let a half-typed rule end the app
            self._preview_error(box, str(exc))
            return
        box.remove_class("-error")
        words = describe_rule(Rule.parse(rule), self.lang, parse_at(at), market)
        shown = Text(literal(words), style="bold")
        if not moments:
            shown.append("\n" + t("template_form.no_more"), style="italic")
        for moment in moments:
            shown.append("\n  " + moment_text(moment))
        box.update(shown)

    @staticmethod
    def _preview_error(box: Static, message: str) -> None:
        box.update(Text(literal(message)))
        box.add_class("-error")

    # ------------------------------------------------------------------ save
    def values(self) -> dict[str, Any]:
        category = self.query_one("#category", Input).value.strip()
        for key in CATEGORY_KEYS:
            if category and category.casefold() == category_label(key).casefold():
                category = key
        estimate = self.query_one("#estimate_minutes", Input).value.strip()
        end = self.query_one("#on_period_end", Select).value
        return {
            "title_en": self.query_one("#title_en", Input).value,
            "title_zh": self.query_one("#title_zh", Input).value,
            "category": category,
            "estimate_minutes": estimate or 0,
            "priority": self.query_one("#priority", Select).value,
            "column": self.query_one("#column", Select).value,
            "rule": self.query_one("#rule", Input).value,
            "at": self.query_one("#at", Input).value,
            "marketplace": self.query_one("#marketplace", Select).value,
            "on_period_end": None if end == END_DEFAULT else end,
            "checklist": self.query_one("#checklist", TextArea).text,
            "assignee": self.query_one("#assignee", Input).value,
        }

    def action_save(self) -> None:
        for name in (*FORM_FIELDS, "form"):
            self.query_one(f"#{name}-error", Label).update("")
        try:
            fields = validate_fields(self.values())
        except ValidationFailed as exc:
            errors = dict(exc.errors)
            if "at" in errors:
                errors["at"] = t("template_form.bad_time")
            for name, message in errors.items():
                target = name if name in FORM_FIELDS else "form"
                self.query_one(f"#{target}-error", Label).update(Text(literal(message)))
            first = next((name for name in FORM_FIELDS if name in errors), None)
            if first is not None:
                self.query_one(f"#{first}").focus()
            return
        values = fields.model_dump()
        values["at"] = fields.at.strftime("%H:%M")
        self.finish(values)
