"""What the KPI pane writes: the tiles' text and notes, and the side panel (the selected
KPI's detail, sales against the goal, the margin's parts). :class:`PaneText` is the base
of :class:`~kanban_tui.ui.screens.kpi.pane.KpiScreen`; it only turns the view model's
figures into text, every KPI word coming from :mod:`kanban_tui.services.kpi_words`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kanban_tui.domain.judge import value_text
from kanban_tui.domain.kpi import SNAPSHOT_METRICS, KpiDefinition, Target, format_value
from kanban_tui.domain.marketplaces import MARKETPLACES
from kanban_tui.domain.text import literal, one_line
from kanban_tui.errors import KanbanError
from kanban_tui.i18n import t
from kanban_tui.services.kpi import KpiService, MonthFigures, Tile, month_bounds, shift_month
from kanban_tui.services.kpi_entry import MANUAL_METRICS
from kanban_tui.services.kpi_view import MARGIN_PARTS, KpiView, contribution, gross_profit
from kanban_tui.services.kpi_words import (
    delta_kind,
    delta_text,
    kpi_name,
    kpi_note,
    listed,
    metric_label,
    status_text,
    target_text,
)
from kanban_tui.services.kpi_words import month_label as _month_label
from kanban_tui.ui.screens.base import AppScreen
from kanban_tui.ui.widgets.kpi import KpiTiles, TileView
from kanban_tui.ui.widgets.wrapped import CellWrapped

IMPORT_COMMAND = "seller-kanban kpi import FILE --marketplace {code}"
GOAL_COMMAND = "seller-kanban goal set AMOUNT --year {year} --currency {currency}"

T = TypeVar("T")


def month_label(month: str) -> str:
    """``November 2026`` for ``2026-11``."""
    start, _ = month_bounds(month)
    return _month_label(start)


def tile_name(definition: KpiDefinition, tile: Tile, lang: str) -> str:
    """The KPI's name; a measured value (organic search share) has a name of its own."""
    return kpi_name(definition, lang, measured=tile.measured)


def pane_target(definition: KpiDefinition, target: Target | None) -> str:
    """A tile's target: money without currency (the value beside it has it); ""
    without a target."""
    return target_text(definition, target, empty="")


class PaneText(AppScreen[None]):
    """The pane's text, from the state the screen keeps (see ``KpiScreen``)."""

    service: KpiService
    data: KpiView
    lang: str
    month: str
    marketplace: str
    figures: MonthFigures
    keys: list[str]
    selected: int

    @property
    def key(self) -> str:
        return self.keys[self.selected]

    @property
    def definition(self) -> KpiDefinition:
        return self.service.definitions[self.key]

    def _guard_or(self, work: Callable[[], T], fallback: T) -> T:
        try:
            return work()
        except (KanbanError, ValueError) as exc:
            title, message = (
                (exc.title, exc.message) if isinstance(exc, KanbanError) else ("KPI", str(exc))
            )
            self.kanban.show_error(title, message)
            return fallback

    # -------------------------------------------------------------- tiles
    def tile_views(self) -> list[TileView]:
        return [self.tile_view(key) for key in self.keys]

    def tile_view(self, key: str) -> TileView:
        definition = self.service.definitions[key]
        tile = self.figures.tiles[key]
        return TileView(
            key=key,
            name=one_line(tile_name(definition, tile, self.lang)),
            value=value_text(definition, tile.value, tile.target, tile.currency),
            target=pane_target(definition, tile.target),
            status=tile.status.value,
            status_text=status_text(tile),
            delta=delta_text(definition, tile.delta, tile.currency),
            delta_kind=delta_kind(definition, tile.delta),
            note=one_line(self.tile_note(key, tile)),
        )

    def tile_note(self, key: str, tile: Tile) -> str:
        definition = self.service.definitions[key]
        if self.figures.days_with_data == 0:
            return ""  # the chart's place says how to import a report
        if key == "organic_share" and tile.value is not None:
            return t("kpi_pane.measured") if tile.measured else t("kpi_pane.estimated")
        if tile.missing:
            if definition.metric in MANUAL_METRICS:
                return t("kpi_pane.enter_short")
            if any(m in MANUAL_METRICS for m in tile.missing):
                names = listed([metric_label(m) for m in tile.missing])
                return t("kpi_pane.missing", inputs=names)
            return t("kpi_pane.no_report")
        pace = tile.pace
        if (
            pace is not None
            and pace.pace is not None
            and not pace.final
            and pace.so_far < pace.goal
        ):
            key_name = "judge.pace_early" if pace.early else "judge.pace_note"
            projection = self._money(pace.projection) if pace.projection is not None else "—"
            return t(key_name, pace=f"{pace.pace * 100:.0f}%", projection=projection)
        if key == "sales" and tile.value is not None and self.figures.goal:
            share = tile.value / self.figures.goal
            return t("kpi_pane.of_goal", share=f"{share * 100:.1f}%")
        if key == "gross_margin" and tile.value is not None:
            profit = gross_profit(self.data.detail(self.month, self.marketplace).sums)
            if profit is not None:
                return t("kpi_pane.profit", amount=self._money(profit))
        if key == "contribution_margin" and tile.value is not None:
            left = contribution(self.data.detail(self.month, self.marketplace).sums)
            if left is not None:
                return t("judge.contribution", amount=self._money(left))
        inventory = self.figures.inventory
        if definition.computed and inventory is not None and tile.value is not None:
            if definition.computed == "inventory_turnover" and inventory.annualised is not None:
                return t("judge.turnover_note", annual=f"{inventory.annualised:.1f}×")
            if inventory.latest_on_hand is not None and inventory.latest_day is not None:
                return t(
                    "judge.cover_note",
                    units=f"{inventory.latest_on_hand:,.0f}",
                    day=f"{inventory.latest_day:%m-%d}",
                )
        if definition.metric in SNAPSHOT_METRICS and tile.value is not None:
            day = self.data.detail(self.month, self.marketplace).latest.get(definition.metric)
            if day is not None:
                return t("kpi_pane.as_of", day=f"{day:%m-%d}")
        return ""

    def _money(self, amount: Decimal | None) -> str:
        return format_value(self.service.definitions["sales"], amount, self.figures.currency)

    def detail_renderable(self) -> RenderableType:
        definition, key = self.definition, self.key
        tile = self.figures.tiles[key]
        value = value_text(definition, tile.value, tile.target, tile.currency)
        lines = Text(one_line(tile_name(definition, tile, self.lang)), style="bold")
        tiles = self.query_one("#kpi-tiles", KpiTiles)
        status_style = tiles.get_component_rich_style(f"tile--{tile.status.value}")
        lines.append("\n" + status_text(tile), style=status_style)
        target = pane_target(definition, tile.target)
        lines.append(f"\n{value}")
        if target:
            lines.append("  " + t("kpi_pane.target", target=target), style="dim")
        previous = format_value(definition, tile.previous, tile.currency)
        change = delta_text(definition, tile.delta, tile.currency)
        month = month_label(shift_month(self.month, -1))
        lines.append("\n" + t("kpi_pane.previous", month=month, value=previous), style="dim")
        if change:
            lines.append(f" ({change})", style="dim")
        if definition.formula is not None:
            lines.append("\n= " + self.formula_words(definition), style="dim")
        note = kpi_note(definition, self.lang)
        if note:
            lines.append("\n" + literal(note), style="dim italic")
        for extra in self.detail_extras(key, tile):
            lines.append("\n" + extra)
        return CellWrapped(lines)  # Chinese breaks between characters, not only at spaces

    def formula_words(self, definition: KpiDefinition) -> str:
        assert definition.formula is not None

        def side(terms: Sequence[Any]) -> str:
            words = ""
            for number, term in enumerate(terms):
                sign = "−" if term.sign < 0 else "+"
                name = metric_label(term.metric)
                words += (f" {sign} " if number else ("−" if term.sign < 0 else "")) + name
            return f"({words})" if len(terms) > 1 else words

        formula = definition.formula
        return f"{side(formula.numerator)} / {side(formula.denominator)}"

    def detail_extras(self, key: str, tile: Tile) -> list[str]:
        detail = self.data.detail(self.month, self.marketplace)
        extras: list[str] = []
        if key == "organic_share" and tile.value is not None:
            if tile.measured:
                day = detail.latest.get("organic_share_measured")
                extras.append(t("kpi_pane.measured_on", day=f"{day:%Y-%m-%d}" if day else "—"))
            else:
                extras.append(
                    t(
                        "kpi_pane.estimated_from",
                        sessions=f"{detail.sums.get('sessions', 0):,.0f}",
                        clicks=f"{detail.sums.get('clicks', 0):,.0f}",
                    )
                )
        if key in ("acos", "roas", "tacos") and len(self.figures.by_ad_type) > 1:
            for source, sums in self.figures.by_ad_type.items():
                extras.append(self._ad_type_line(source, sums))
        if key == "bsr":
            for asin, (day, rank) in sorted(detail.bsr.items()):
                extras.append(f"{one_line(asin)}  #{rank:,.0f}  ({day:%m-%d})")
        if tile.missing:
            manual = [m for m in tile.missing if m in MANUAL_METRICS]
            names = listed([metric_label(m) for m in tile.missing])
            extras.append(t("kpi_pane.missing", inputs=names))
            if manual:
                extras.append(t("kpi_pane.enter_hint"))
            else:
                extras.append(IMPORT_COMMAND.format(code=self.marketplace))
        return extras

    def _ad_type_line(self, source: str, sums: dict[str, Decimal]) -> str:
        spend, sales = sums.get("ad_spend"), sums.get("ad_sales")
        acos = spend / sales if spend is not None and sales else None
        return t(
            "kpi_pane.ad_type_line",
            type=t(f"kpi.source.{source}"),
            spend=format_value(self.service.definitions["sales"], spend, self.figures.currency),
            acos=format_value(self.service.definitions["acos"], acos),
        )

    def pacing_renderable(self) -> RenderableType:
        figures = self.figures
        heading = Text(t("kpi_pane.pacing_title"), style="bold")
        sales = figures.tiles["sales"].value
        year = int(self.month[:4])
        if figures.goal is None:
            goal = self._guard_or(lambda: self.data.goal(self.month), None)
            if goal is not None and figures.currency and goal[1] != figures.currency:
                text = t("kpi_pane.goal_currency", currency=goal[1], sells=figures.currency)
            else:
                currency = figures.currency or self._market_currency()
                text = t(
                    "kpi_pane.no_goal",
                    year=year,
                    command=GOAL_COMMAND.format(year=year, currency=currency),
                )
            return Group(
                heading,
                Text(self._money(sales) if sales is not None else "—"),
                Text(text, style="dim"),
            )
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim")
        grid.add_column(justify="right")
        grid.add_row(Text(t("kpi_pane.sales_so_far")), Text(self._money(sales or Decimal(0))))
        grid.add_row(Text(t("kpi_pane.goal")), Text(self._money(figures.goal)))
        pacing = figures.pacing
        if pacing is not None:
            grid.add_row(Text(t("kpi_pane.remaining")), Text(self._money(pacing.remaining)))
            needed = (
                self._money(pacing.needed_per_day)
                if pacing.needed_per_day is not None
                else t("kpi_pane.month_over")
            )
            grid.add_row(Text(t("kpi_pane.per_day", days=pacing.days_left)), Text(needed))
            projection = self._money(pacing.projection) if pacing.projection is not None else "—"
            grid.add_row(Text(t("kpi_pane.projection")), Text(projection))
        pace = figures.tiles["sales"].pace
        if pace is not None:
            grid.add_row(
                Text(t("judge.expected", day=pace.elapsed, days=pace.days)),
                Text(self._money(pace.expected)),
            )
            shown = f"{pace.pace * 100:.0f}%" if pace.pace is not None else "—"
            grid.add_row(Text(t("judge.pace_label")), Text(f"{pace.status.symbol} {shown}"))
        return Group(heading, grid)

    def _market_currency(self) -> str:
        market = MARKETPLACES.get(self.marketplace)
        return market.currency if market else "USD"

    def parts_renderable(self) -> RenderableType:
        detail = self.data.detail(self.month, self.marketplace)
        heading = Text(t("kpi_pane.parts_title"), style="bold")
        if detail.error:
            return Group(heading, Text(literal(detail.error), style="dim"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim")
        grid.add_column(justify="right")
        subtotals = {
            "cogs": ("gross_margin", gross_profit(detail.sums), t("kpi_pane.gross_profit")),
            "ad_spend": (
                "contribution_margin",
                contribution(detail.sums),
                t("judge.contribution_label"),
            ),
        }
        for number, metric in enumerate(MARGIN_PARTS):
            sign = "" if number == 0 else "− "
            amount = detail.sums.get(metric)
            shown = self._money(amount) if amount is not None else t("kpi_pane.missing_value")
            grid.add_row(
                Text(sign + metric_label(metric)), Text(shown, style="" if amount else "dim")
            )
            if metric not in subtotals:
                continue
            key, profit, label = subtotals[metric]
            margin = self.figures.tiles[key].value if key in self.figures.tiles else None
            if margin is not None and profit is not None:
                definition = self.service.definitions[key]
                grid.add_row(
                    Text("= " + label),
                    Text(
                        f"{self._money(profit)} ({format_value(definition, margin)})", style="bold"
                    ),
                )
        return Group(heading, grid)


__all__ = ["GOAL_COMMAND", "IMPORT_COMMAND", "PaneText", "month_label", "tile_name"]
