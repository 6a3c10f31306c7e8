"""The Goals screen: the year's sales goal split into quarters, months and weeks, with the
actual sales of every marketplace that sells in the goal's currency beside it.

Layout and keys only: the split and the judgments are :mod:`kanban_tui.services.goals`'s;
the form sets the goal with ``KpiService.set_goal``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from kanban_tui.domain.text import literal
from kanban_tui.format import grouped
from kanban_tui.i18n import t
from kanban_tui.services.goals import (
    Line,
    Week,
    YearSplit,
    judge,
    market_currency,
    parse_goal,
    stored_goal,
    week_split,
    year_split,
)
from kanban_tui.services.kpi import KpiService, StoredGoal
from kanban_tui.ui.bindings import retranslate
from kanban_tui.ui.screens.base import AppScreen
from kanban_tui.ui.screens.forms import FormScreen, form_bindings, form_buttons
from kanban_tui.ui.widgets.footer import KanbanFooter
from kanban_tui.ui.widgets.wrapped import CellWrapped

#: How the screen says where to set a goal from the command line.
GOAL_COMMAND = "seller-kanban goal set AMOUNT --year {year} --currency {currency}"
WEIGHTS_OPTION = "--weights 1,1,1,1,1,1,1,1,1,1.2,1.4,1.6"
BAR_WIDTH = 10
#: Below this many columns the weeks go under the months (side by side the months' table
#: would be squeezed into a third of the screen).
NARROW_BELOW = 120
#: Status → (symbol, style). The symbol and the word carry the meaning, colour only helps.
STATUS_LOOK = {
    "reached": ("✓", "green"),
    "on_pace": ("▸", "green"),
    "behind": ("!", "yellow"),
    "missed": ("✗", "red"),
    "no_data": ("?", "dim"),
    "upcoming": ("·", "dim"),
}


def money(value: Decimal | None, currency: str) -> str:
    if value is None:
        return "—"
    places = 0 if currency == "JPY" else 2
    return f"{value:,.{places}f}"


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def progress_bar(value: Decimal | None) -> Text:
    shown = Text()
    if value is None:
        shown.append("░" * BAR_WIDTH, style="dim")
        return shown
    filled = max(0, min(BAR_WIDTH, round(float(value) * BAR_WIDTH)))
    shown.append("▇" * filled, style="green" if value >= 1 else "cyan")
    shown.append("░" * (BAR_WIDTH - filled), style="dim")
    return shown


def status_text(status: str) -> Text:
    symbol, style = STATUS_LOOK[status]
    return Text(f"{symbol} {t(f'goals_screen.status_{status}')}", style=style)


# ------------------------------------------------------------------------------ screen


def screen_bindings() -> list[BindingType]:
    return [
        Binding("left_square_bracket", "year(-1)", t("goals_screen.prev_year"), key_display="["),
        Binding("right_square_bracket", "year(1)", t("goals_screen.next_year"), key_display="]"),
        Binding("up,k", "month(-1)", t("goals_screen.choose_month"), key_display="↑↓"),
        Binding("down,j", "month(1)", t("goals_screen.choose_month"), show=False),
        Binding("e", "edit", t("goals_screen.edit")),
        Binding("escape,g,b", "back", t("goals_screen.back"), key_display="esc"),
    ]


class GoalsScreen(AppScreen[None]):
    """The year's goal month by month against actual sales, and a month's weeks."""

    BINDINGS = screen_bindings()

    def __init__(
        self,
        service: KpiService,
        clock: Callable[[], datetime],
        default_marketplace: str = "US",
        month: str | None = None,
        hint: str = "",
    ) -> None:
        super().__init__()
        retranslate(self, screen_bindings())
        self.service = service
        self.clock = clock
        self.default_marketplace = (default_marketplace or "US").upper()
        chosen = month or self.today.strftime("%Y-%m")
        self.year, self.month_number = (int(part) for part in chosen.split("-"))
        self.hint = hint
        self.goal: StoredGoal | None = None
        self.split: YearSplit | None = None

    @property
    def today(self) -> date:
        return self.clock().date()

    @property
    def month(self) -> str:
        return f"{self.year:04d}-{self.month_number:02d}"

    def compose(self) -> ComposeResult:
        yield Static(id="goals-head")
        yield Static(id="goals-hint")
        main, side = VerticalScroll(id="goals-main"), VerticalScroll(id="goals-side")
        # the arrows choose the month: no pane takes the focus, even when it can scroll
        main.can_focus = side.can_focus = False
        with Horizontal(id="goals-body"):
            with main:
                yield Static(id="goals-table")
            with side:
                yield Static(id="goals-weeks")
        yield KanbanFooter(first=("edit", ("year(-1)", "year(1)")))

    def on_mount(self) -> None:
        self.fit(self.app.size.width)
        self.reload()

    def on_resize(self) -> None:
        self.fit(self.app.size.width)

    def fit(self, width: int) -> None:
        """Narrow screens show the weeks under the months, both the full width."""
        self.set_class(width < NARROW_BELOW, "-narrow")

    # ---------------------------------------------------------------- data
    def reload(self) -> None:
        self.goal = self._guard(lambda: stored_goal(self.service, self.year))
        self.split = None
        if self.goal is not None:
            goal = self.goal
            self.split = self._guard(
                lambda: year_split(self.service, goal, self.today, self.month_number)
            )
        self._update_head()
        self.query_one("#goals-table", Static).update(self.table_renderable())
        self.query_one("#goals-weeks", Static).update(self.weeks_renderable())
        hint = self.query_one("#goals-hint", Static)
        hint.display = bool(self.hint)
        hint.update(CellWrapped(Text(self.hint)))
        self.call_after_refresh(self._show_month)

    def _show_month(self) -> None:
        """Keep the chosen month's line in view when the table is taller than its pane."""
        if self.split is None:
            return
        month = self.month_number - 1
        quarter = month // 3
        # the header and its rule, the months and quarter totals before it, a blank line
        # after each quarter
        line = 2 + month + quarter * 2
        main = self.query_one("#goals-main", VerticalScroll)
        view = main.scrollable_content_region.height
        if line - 1 < main.scroll_y or line + 2 > main.scroll_y + view:
            main.scroll_to(y=max(0, line - view // 2), animate=False)

    @property
    def currency(self) -> str:
        if self.goal is not None:
            return self.goal.currency
        return market_currency(self.default_marketplace) or "USD"

    def _update_head(self) -> None:
        head = Text.assemble(
            (f" {t('goals_screen.title')} ", "bold reverse"), "  ", (str(self.year), "bold")
        )
        goal = self.goal
        if goal is not None:
            split = t("goals_screen.weighted") if goal.weighted else t("goals_screen.even")
            amount = f"{money(goal.amount, goal.currency)} {goal.currency}"
            head.append(" · " + t("goals_screen.annual", amount=amount) + " · " + split)
        head.append("   ")
        head.append(t("goals_screen.today", day=self.today.isoformat()), style="italic")
        self.query_one("#goals-head", Static).update(head)

    # --------------------------------------------------------------- table
    def empty_renderable(self) -> RenderableType:
        text = Text(t("goals_screen.no_goal", year=self.year) + "\n\n")
        command = GOAL_COMMAND.format(year=self.year, currency=self.currency)
        text.append(f"  {command}\n", style="bold")
        text.append(f"  {WEIGHTS_OPTION}\n\n", style="dim")
        text.append(t("goals_screen.weights_hint") + "\n\n", style="dim")
        text.append(t("goals_screen.press_e"), style="bold")
        return CellWrapped(text)

    def table_renderable(self) -> RenderableType:
        split = self.split
        if split is None:
            return self.empty_renderable()
        currency = split.goal.currency
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False, show_edge=False)
        table.add_column("", width=1)
        table.add_column(t("goals_screen.col_month"), no_wrap=True)
        table.add_column(t("goals_screen.col_goal", currency=currency), justify="right")
        for code in split.counted:
            table.add_column(code, justify="right")
        if len(split.counted) > 1:
            table.add_column(t("goals_screen.col_total"), justify="right")
        table.add_column(t("goals_screen.col_progress"), no_wrap=True)
        table.add_column(t("goals_screen.col_status"), no_wrap=True)
        for quarter in range(4):
            for line in split.months[quarter * 3 : quarter * 3 + 3]:
                table.add_row(*self._cells(line, split, currency))
            table.add_row(
                *self._cells(split.quarters[quarter], split, currency),
                style="bold",
                end_section=True,
            )
        table.add_row(*self._cells(split.year, split, currency), style="bold")
        parts: list[RenderableType] = [table]
        if not split.counted:
            parts.append(
                CellWrapped(Text(t("goals_screen.no_sales", currency=currency), style="dim"))
            )
        if split.other:
            others = ", ".join(f"{code} ({money_currency})" for code, money_currency in split.other)
            words = t("goals_screen.other_currency", markets=others, currency=currency)
            parts.append(CellWrapped(Text(words, "dim")))
        return Group(*parts)

    def _cells(self, line: Line, split: YearSplit, currency: str) -> list[RenderableType]:
        cells: list[RenderableType] = [
            Text("▶" if line.focus else "", style="bold"),
            Text(line.label),
            Text(money(line.goal, currency)),
        ]
        for code in split.counted:
            cells.append(Text(money(line.actual.get(code), currency)))
        if len(split.counted) > 1:
            cells.append(Text(money(line.total, currency)))
        shown = progress_bar(line.progress)
        shown.append(f" {percent(line.progress):>4}")
        cells.append(shown)
        cells.append(status_text(line.status))
        return cells

    # --------------------------------------------------------------- weeks
    def weeks_renderable(self) -> RenderableType:
        split = self.split
        name = t("goals_screen.month_name", month=t(f"month.{self.month_number}"), year=self.year)
        heading = Text(t("goals_screen.weeks_title", month=name), style="bold")
        if split is None:
            return Group(heading, CellWrapped(Text(t("goals_screen.weeks_none"), style="dim")))
        currency = split.goal.currency
        line = split.months[self.month_number - 1]
        weeks = self._guard(
            lambda: week_split(self.service, self.month, line.goal, split.counted, currency)
        )
        summary = Text(t("goals_screen.month_goal", amount=f"{money(line.goal, currency)}"))
        summary.append(f" {currency}")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(justify="right")
        grid.add_column(justify="right")
        grid.add_column(justify="right")
        grid.add_row(
            Text(""),
            Text(""),
            Text(t("goals_screen.col_goal_short"), style="dim"),
            Text(t("goals_screen.col_actual"), style="dim"),
            Text("%", style="dim"),
        )
        for week in weeks or []:
            days = (week.end - week.start).days
            ratio = week.actual / week.goal if week.actual is not None and week.goal else None
            grid.add_row(
                Text(week.label),
                Text(self._span(week) + " " + t("goals_screen.days", count=days)),
                Text(money(week.goal, currency)),
                Text(money(week.actual, currency)),
                Text(percent(ratio)),
            )
        parts: list[RenderableType] = [heading, summary, Text(""), grid]
        parts.append(Text(""))
        parts.append(CellWrapped(Text(t("goals_screen.weeks_note"), style="dim italic")))
        return Group(*parts)

    @staticmethod
    def _span(week: Week) -> str:
        last = week.end - timedelta(days=1)
        return f"{week.start:%m-%d}" if last == week.start else f"{week.start:%m-%d}–{last:%m-%d}"

    # ------------------------------------------------------------- actions
    def action_year(self, delta: int) -> None:
        self.year += delta
        self.reload()

    def action_month(self, delta: int) -> None:
        self.month_number = max(1, min(12, self.month_number + delta))
        self.reload()

    def action_edit(self) -> None:
        form = GoalForm(self.service, self.year, self.goal, self.currency)

        def saved(done: bool | None) -> None:
            if not done:
                return
            self.hint = ""
            self.reload()
            if self.goal is not None:
                amount = f"{money(self.goal.amount, self.goal.currency)} {self.goal.currency}"
                self.notify(t("goal_form.saved", year=self.year, amount=amount), markup=False)

        self.app.push_screen(form, saved)

    def action_back(self) -> None:
        self.dismiss(None)


# ------------------------------------------------------------------------------- form


class GoalForm(FormScreen[bool | None]):
    """Set the year's goal: amount, currency and, optionally, a weight per month."""

    BINDINGS = form_bindings()
    FIELDS = ("amount", "currency", "weights")

    def __init__(
        self, service: KpiService, year: int, goal: StoredGoal | None, currency: str
    ) -> None:
        super().__init__(classes="dialog-screen")
        retranslate(self, form_bindings())
        self.service = service
        self.year = year
        self.goal = goal
        self.currency = goal.currency if goal else currency

    def _field(self, label: str, widget: Any, name: str) -> ComposeResult:
        with Vertical(classes=f"form-field field-{name}"):
            yield Label(label)
            yield widget
            yield Label("", id=f"{name}-error", classes="field-error")

    def compose(self) -> ComposeResult:
        goal = self.goal
        weights = [grouped(w) for w in goal.weights] if goal and goal.weighted else []
        with VerticalScroll(id="goal-form", classes="dialog"):
            yield Static(Text(t("goal_form.title", year=self.year)), classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield from self._field(
                    t("goal_form.amount"),
                    Input(
                        grouped(goal.amount) if goal else "",
                        id="amount",
                        placeholder=grouped(Decimal(120000)),
                    ),
                    "amount",
                )
                yield from self._field(
                    t("goal_form.currency"),
                    Input(self.currency, id="currency", placeholder="USD", max_length=3),
                    "currency",
                )
            yield Label(t("goal_form.weights"))
            for half in range(2):
                with Horizontal(classes="form-row weights-row"):
                    for number in range(half * 6 + 1, half * 6 + 7):
                        with Vertical(classes="weight-field"):
                            yield Label(t(f"month.{number}"))
                            yield Input(
                                weights[number - 1] if weights else "",
                                id=f"weight-{number}",
                                placeholder="1",
                            )
            yield Label("", id="weights-error", classes="field-error")
            yield Static(id="goal-preview")
            yield Label("", id="form-error", classes="field-error")
            yield from form_buttons(t("goal_form.hint"))

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()
        self.update_preview()

    def _texts(self) -> tuple[str, str, list[str]]:
        return (
            self.query_one("#amount", Input).value,
            self.query_one("#currency", Input).value,
            [self.query_one(f"#weight-{n}", Input).value for n in range(1, 13)],
        )

    @on(Input.Changed)
    def _changed(self) -> None:
        self.update_preview()

    def update_preview(self) -> None:
        """The quarters the typed values give (or nothing while they are not valid)."""
        values, _ = parse_goal(*self._texts())
        preview = self.query_one("#goal-preview", Static)
        if values is None:
            preview.update(Text(t("goal_form.preview_none"), style="dim"))
            return
        weights = list(values.weights) or [Decimal(1)] * 12
        total = sum(weights)
        quarters = [values.amount * sum(weights[q * 3 : q * 3 + 3]) / total for q in range(4)]
        shown = " · ".join(
            f"{t('goals_screen.quarter', number=q + 1)} {money(amount, values.currency)}"
            for q, amount in enumerate(quarters)
        )
        kind = t("goals_screen.weighted") if len(set(weights)) > 1 else t("goals_screen.even")
        preview.update(Text(f"{shown} {values.currency} ({kind})"))

    def action_save(self) -> None:
        for name in (*self.FIELDS, "form"):
            self.query_one(f"#{name}-error", Label).update("")
        values, errors = parse_goal(*self._texts())
        if values is None:
            for name, message in errors.items():
                self.query_one(f"#{name}-error", Label).update(Text(literal(message)))
            first = next(name for name in self.FIELDS if name in errors)
            self.query_one("#weight-1" if first == "weights" else f"#{first}").focus()
            return
        work = partial(
            self.service.set_goal, self.year, values.amount, values.currency, values.weights
        )
        self.save_through(work, lambda _: True)

    def store_failed(self, error: BaseException) -> None:
        self.fail_in_form(error)


__all__ = [
    "GoalForm",
    "GoalsScreen",
    "StoredGoal",
    "judge",
    "parse_goal",
    "stored_goal",
    "week_split",
    "year_split",
]
