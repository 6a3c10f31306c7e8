"""The week view: where the plan's time goes, by category, and today's load.

An average week of the recurring plan (each task's cards per week over a whole cycle)
plus the manual cards open in Daily and Weekly, from
:func:`kanban_tui.services.budget.week_plan`; the share of analysis and strategy is drawn
against the seed's marks (top sellers about 23 %, newcomers about 9 %). Below it, today's
load and the incident buffer, from :func:`~kanban_tui.services.budget.day_load`.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from kanban_tui.format import category_label, duration
from kanban_tui.i18n import t
from kanban_tui.services.budget import (
    ANALYSIS,
    BUFFER_HIGH,
    BUFFER_LOW,
    NEWCOMER_SHARE,
    TOP_SELLER_SHARE,
    DayLoad,
    WeekPlan,
    buffer_warning,
    day_load,
    week_plan,
)
from kanban_tui.services.session import Board
from kanban_tui.ui.bindings import retranslate
from kanban_tui.ui.screens.base import AppScreen
from kanban_tui.ui.widgets.footer import KanbanFooter

BAR_WIDTH = 40
SCALE_WIDTH = 60
#: The analysis categories, in the order the legend names them.
ANALYSIS_ORDER = ("review", "planning", "keywords", "competitors", "pricing")


def category_name(category: str) -> str:
    return t("week_screen.other") if category == "other" else category_label(category)


def share_text(share: float) -> str:
    return f"{share * 100:.1f} %"


def scale_top(share: float | None) -> float:
    """The right end of the analysis scale: 50 %, or 100 % when the share is above that."""
    return 1.0 if share is not None and share > 0.5 else 0.5


def share_scale(share: float | None, width: int = SCALE_WIDTH) -> Text:
    """Three lines: the marks' labels, the share as a bar with the two marks in it, and the
    scale's ends."""
    top = scale_top(share)

    def column(value: float) -> int:
        return min(width - 1, round(value / top * width))

    newcomer, seller = column(NEWCOMER_SHARE), column(TOP_SELLER_SHARE)
    labels = [" "] * width
    for position, word in ((newcomer, "9%"), (seller, "23%")):
        for offset, char in enumerate(word):
            if position + offset < width:
                labels[position + offset] = char
    text = Text("".join(labels).rstrip() + "\n", style="bold")
    filled = 0 if share is None else min(width, round(share / top * width))
    for position in range(width):
        if position == newcomer:
            text.append("│", style="bold yellow")
        elif position == seller:
            text.append("│", style="bold magenta")
        elif position < filled:
            text.append("█", style="cyan")
        else:
            text.append("░", style="dim")
    text.append(f"  {share_text(share) if share is not None else '—'}\n", style="bold")
    end = f"{top * 100:.0f}%"
    text.append("0%" + " " * max(1, width - 2 - len(end)) + end, style="dim")
    return text


def verdict(share: float | None) -> str:
    if share is None:
        return t("week_screen.no_plan")
    if share >= TOP_SELLER_SHARE:
        return t("week_screen.above_top")
    if share >= NEWCOMER_SHARE:
        return t("week_screen.between")
    return t("week_screen.below_newcomer")


def bar(value: float, most: float, width: int = BAR_WIDTH, style: str = "cyan") -> Text:
    filled = 0 if most <= 0 else max(1 if value > 0 else 0, round(value / most * width))
    shown = Text("▇" * filled, style=style)
    shown.append("░" * (width - filled), style="dim")
    return shown


def screen_bindings() -> list[BindingType]:
    return [
        Binding("r", "refresh", t("week_screen.refresh")),
        Binding("escape,4,b", "back", t("week_screen.back"), key_display="esc"),
    ]


class WeekScreen(AppScreen[None]):
    """Planned time by category, the analysis share against the seed's marks, today."""

    BINDINGS = screen_bindings()

    def __init__(self, board: Board, work_hours: float, buffer: float) -> None:
        super().__init__()
        retranslate(self, screen_bindings())
        self.board = board
        self.work_hours = work_hours
        self.buffer = buffer
        self.plan = WeekPlan()
        self.load: DayLoad | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="week-head")
        with VerticalScroll(id="week-body"):
            yield Static(id="week-categories")
            yield Static(id="week-analysis")
            yield Static(id="week-today")
        yield KanbanFooter()

    def on_mount(self) -> None:
        self.query_one("#week-body", VerticalScroll).can_focus = False
        self.reload()

    def reload(self) -> None:
        board = self.board
        self.plan = self._guard(lambda: week_plan(board.templates, board.cards)) or WeekPlan()
        self.load = self._guard(lambda: day_load(board.cards, self.work_hours, self.buffer))
        total = round(self.plan.total)
        head = Text.assemble(
            (f" {t('week_screen.title')} ", "bold reverse"),
            "  ",
            (t("week_screen.total", time=duration(total)), "bold"),
        )
        self.query_one("#week-head", Static).update(head)
        self.query_one("#week-categories", Static).update(self.categories_renderable())
        self.query_one("#week-analysis", Static).update(self.analysis_renderable())
        self.query_one("#week-today", Static).update(self.today_renderable())

    # ------------------------------------------------------------ sections
    def categories_renderable(self) -> RenderableType:
        heading = Text(t("week_screen.by_category"), style="bold")
        heading.append("  " + t("week_screen.what"), style="dim italic")
        minutes = {k: v for k, v in self.plan.minutes.items() if v > 0}
        if not minutes:
            return Group(heading, Text(t("week_screen.empty"), style="dim"))
        total = sum(minutes.values())
        most = max(minutes.values())
        # the bar gives way on a narrow terminal: name, time and share stay whole
        width = max(8, min(BAR_WIDTH, self.app.size.width - 44))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=1)
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
        for category, value in sorted(minutes.items(), key=lambda item: (-item[1], item[0])):
            analysis = category in ANALYSIS
            grid.add_row(
                Text("◆" if analysis else "", style="bold magenta"),
                Text(category_name(category), style="bold" if analysis else ""),
                bar(value, most, width, style="magenta" if analysis else "cyan"),
                Text(duration(round(value))),
                Text(share_text(value / total)),
            )
        names = ", ".join(category_name(k) for k in ANALYSIS_ORDER)
        legend = Text("◆ ", style="bold magenta")
        legend.append(t("week_screen.legend", categories=names), style="dim")
        return Group(heading, grid, legend, Text(""))

    def analysis_renderable(self) -> RenderableType:
        share = self.plan.analysis_share
        minutes = sum(v for k, v in self.plan.minutes.items() if k in ANALYSIS)
        heading = Text(t("week_screen.analysis_title"), style="bold")
        if share is not None:
            heading.append(
                "  " + t("week_screen.analysis_time", time=duration(round(minutes))), style=""
            )
        marks = Text("│ ", style="bold yellow")
        marks.append(t("week_screen.mark_newcomer"))
        marks.append("    ")
        marks.append("│ ", style="bold magenta")
        marks.append(t("week_screen.mark_top"))
        return Group(
            heading,
            share_scale(share),
            marks,
            Text(verdict(share), style="italic"),
            Text(""),
        )

    def today_renderable(self) -> RenderableType:
        from kanban_tui.ui.screens.board_view import load_bar

        heading = Text(t("week_screen.today_title"), style="bold")
        load = self.load
        if load is None:
            return heading
        day = round(self.work_hours * 60)
        lines: list[RenderableType] = [heading, load_bar(load)]
        lines.append(
            Text(
                t(
                    "week_screen.capacity",
                    day=duration(day),
                    buffer=f"{self.buffer * 100:.1f}",
                    buffer_time=duration(load.buffer_minutes),
                    capacity=duration(load.capacity_minutes),
                ),
                style="dim",
            )
        )
        used = Text(
            t(
                "week_screen.incidents",
                used=duration(load.incident_minutes),
                buffer=duration(load.buffer_minutes),
                left=duration(load.buffer_left),
            )
            + "  "
        )
        over = load.incident_minutes > load.buffer_minutes
        used.append_text(
            bar(load.incident_minutes, max(load.buffer_minutes, 1), 20, "red" if over else "cyan")
        )
        if over:
            used.append("  ⚠ " + t("week_screen.buffer_spent"), style="bold red")
        lines.append(used)
        if buffer_warning(self.buffer):
            lines.append(
                Text(
                    "⚠ "
                    + t(
                        "week_screen.buffer_warning",
                        buffer=f"{self.buffer * 100:.1f}",
                        low=f"{BUFFER_LOW * 100:.0f}",
                        high=f"{BUFFER_HIGH * 100:.0f}",
                    ),
                    style="bold yellow",
                )
            )
        return Group(*lines)

    # ------------------------------------------------------------- actions
    def on_resize(self) -> None:
        self.query_one("#week-categories", Static).update(self.categories_renderable())

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = ["WeekScreen", "share_scale", "verdict"]
