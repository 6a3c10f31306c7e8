"""The KPI pane: the month's KPIs as tiles, a trend chart, sales against the goal, and a
form for the values no report gives (COGS, fees, reply hours, keyword coverage, BSR, ODR).

The screen only calls :class:`~kanban_tui.services.kpi.KpiService`, and only for the
selected month (or chart range) and marketplace. What it reads is kept in
:class:`PaneData` until something is saved or another program changes the database, so
moving through the KPIs redraws the chart without asking for the month again.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from kanban_tui.domain.judge import target_text as judge_target_text
from kanban_tui.domain.judge import value_text
from kanban_tui.domain.kpi import (
    ADDITIVE_METRICS,
    MONEY_METRICS,
    SNAPSHOT_METRICS,
    KpiDefinition,
    Observation,
    Status,
    Target,
    aggregate,
    compute,
    format_value,
    rolling_mean,
    rolling_sums,
)
from kanban_tui.domain.recurrence import MARKETPLACES
from kanban_tui.domain.text import literal, one_line
from kanban_tui.errors import KanbanError
from kanban_tui.i18n import t
from kanban_tui.services.kpi import (
    AsinRow,
    KpiService,
    MonthFigures,
    Tile,
    month_bounds,
    shift_month,
)
from kanban_tui.ui.bindings import retranslate
from kanban_tui.ui.messages import DataChanged
from kanban_tui.ui.screens.forms import FormScreen
from kanban_tui.ui.widgets.footer import KanbanFooter
from kanban_tui.ui.widgets.kpi import (
    TILE_HEIGHT,
    ChartColors,
    ChartSpec,
    KpiTiles,
    TileView,
    TrendChart,
)

#: The values typed by hand, in the order of the form's list.
MANUAL_METRICS: tuple[str, ...] = (
    "response_hours",
    "keyword_coverage",
    "cogs",
    "fees",
    "bsr",
    "odr",
    "organic_share_measured",
)
#: Manual metrics entered as a share (0.72 or 72 %).
SHARE_METRICS = frozenset({"keyword_coverage", "odr", "organic_share_measured"})
#: The manual metric the form offers first when a KPI's tile is selected.
METRIC_OF_KPI = {
    "response_hours": "response_hours",
    "keyword_coverage": "keyword_coverage",
    "gross_margin": "cogs",
    "bsr": "bsr",
    "odr": "odr",
    "organic_share": "organic_share_measured",
}
#: The tile to select after a value was saved.
KPI_OF_METRIC = {
    "response_hours": "response_hours",
    "keyword_coverage": "keyword_coverage",
    "cogs": "gross_margin",
    "fees": "gross_margin",
    "bsr": "bsr",
    "odr": "odr",
    "organic_share_measured": "organic_share",
}
#: Parts of the gross margin, in the order of its formula.
MARGIN_PARTS = ("sales", "cogs", "fees", "ad_spend")
RANGES = ("month", "quarter", "year")
IMPORT_COMMAND = "seller-kanban kpi import FILE --marketplace {code}"
GOAL_COMMAND = "seller-kanban goal set AMOUNT --year {year} --currency {currency}"
ASIN = re.compile(r"[A-Z0-9]{10}")
#: How many results :class:`PaneData` keeps before it starts again.
CACHE_SIZE = 512

T = TypeVar("T")


# ------------------------------------------------------------------------------ wording


def kpi_name(definition: KpiDefinition, lang: str) -> str:
    return definition.name_zh if lang == "zh" else definition.name_en


def metric_label(metric: str) -> str:
    return t(f"kpi_pane.metric.{metric}")


def month_label(month: str) -> str:
    start, _ = month_bounds(month)
    return t("kpi_pane.month_label", name=t(f"month.{start.month}"), year=start.year)


def tile_name(definition: KpiDefinition, tile: Tile, lang: str) -> str:
    """The KPI's name; a measured value (organic search share) has a name of its own."""
    if tile.measured and definition.measured_name_en:
        return definition.measured_name_zh if lang == "zh" else definition.measured_name_en
    return kpi_name(definition, lang)


def market_label(code: str, lang: str) -> str:
    market = MARKETPLACES.get(code)
    if market is None:
        return code
    return f"{code} {market.name_zh if lang == 'zh' else market.name_en}"


def target_text(definition: KpiDefinition, target: Target | None) -> str:
    """``≤ 25.0%``, ``< 1.0%``, ``0.80–1.50``, ``≥ 10,000.00`` (money without currency:
    the value beside it has it); "" without a target."""
    return judge_target_text(definition, target, empty="")


def delta_text(definition: KpiDefinition, delta: Decimal | None, currency: str | None) -> str:
    """The change against the previous month in the KPI's unit; ratios in points."""
    if delta is None:
        return ""
    match definition.unit:
        case "ratio":
            return t("kpi_pane.points", value=f"{delta * 100:+.1f}")
        case "money":
            places = 0 if currency == "JPY" else 2
            amount = f"{delta:+,.{places}f}"
            return f"{amount} {currency}" if currency else amount
        case "hours":
            return f"{delta:+.1f} h"
        case "multiple":
            return f"{delta:+.2f}×"
        case _:
            return f"{delta:+,.0f}"


def delta_kind(definition: KpiDefinition, delta: Decimal | None) -> str:
    """``better`` / ``worse`` for the change's colour (its sign is always written)."""
    if not delta or definition.better == "range":
        return ""
    up = delta > 0
    return "better" if up == (definition.better == "higher") else "worse"


def status_text(tile: Tile) -> str:
    if tile.status is Status.NONE:
        word = t("kpi_pane.no_data") if tile.value is None else t("kpi_pane.no_target")
    else:
        word = t(f"kpi_pane.status_{tile.status.value}")
    return f"{tile.status.symbol} {word}"


def listed(items: Sequence[str]) -> str:
    return t("kpi_pane.list_separator").join(items)


def gross_profit(sums: dict[str, Decimal]) -> Decimal | None:
    """Sales − COGS (the gross margin's profit), when the month has both."""
    if any(part not in sums for part in MARGIN_PARTS[:2]):
        return None
    return sums["sales"] - sums["cogs"]


def contribution(sums: dict[str, Decimal]) -> Decimal | None:
    """Sales − COGS − fees − ad spend, when the month has all four."""
    if any(part not in sums for part in MARGIN_PARTS):
        return None
    sales, cogs, fees, ads = (sums[part] for part in MARGIN_PARTS)
    return sales - cogs - fees - ads


def _number(value: Decimal | None, scale: int = 1) -> float | None:
    return None if value is None else float(value * scale)


def _runs(points: Sequence[tuple[int, float | None]]) -> list[list[tuple[int, float]]]:
    """Unbroken runs of positions with a value."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    last = None
    for x, y in points:
        if y is None:
            continue
        if current and last is not None and x != last + 1:
            runs.append(current)
            current = []
        current.append((x, y))
        last = x
    if current:
        runs.append(current)
    return runs


# ------------------------------------------------------------------------------ data


@dataclass(frozen=True)
class MonthDetail:
    """What the pane shows beside the tiles, from the month's observations."""

    sums: dict[str, Decimal]
    #: metric → latest day with a value (snapshot metrics: the value is that day's).
    latest: dict[str, date]
    #: ASIN → (day, rank) of its latest BSR.
    bsr: dict[str, tuple[date, Decimal]] = field(default_factory=dict)
    error: str = ""


class PaneData:
    """Reads through the service and remembers the answers until :meth:`clear`.

    A month's observations are read once (one query per month and marketplace); every
    KPI's daily and monthly values are then computed from them with the domain's
    :func:`aggregate` / :func:`compute` / :func:`rolling_sums`, exactly as
    ``KpiService.daily_series`` and ``monthly_series`` do, so choosing another KPI or
    paging through the 12-month chart asks the database for nothing new.
    """

    def __init__(self, service: KpiService) -> None:
        self.service = service
        self._cache: dict[Hashable, Any] = {}

    def clear(self) -> None:
        self._cache.clear()

    def _get(self, key: Hashable, make: Callable[[], T]) -> T:
        if key not in self._cache:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = make()
        return self._cache[key]

    @property
    def definitions(self) -> dict[str, KpiDefinition]:
        return self.service.definitions

    def marketplaces(self) -> list[str]:
        return self._get(("markets",), self.service.marketplaces)

    def month(self, month: str, market: str, scope: str = "store") -> MonthFigures:
        return self._get(
            ("month", month, market, scope), lambda: self.service.month(month, market, scope)
        )

    def asins(self, month: str, market: str) -> list[AsinRow]:
        return self._get(("asins", month, market), lambda: self.service.asins(month, market))

    def goal(self, month: str) -> tuple[Decimal, str] | None:
        return self._get(("goal", month), lambda: self.service.monthly_goal(month))

    # ------------------------------------------------------------ observations
    def rows(self, month: str, market: str) -> list[Observation]:
        """The month's observations (a manual value beats a report's, as the service picks)."""
        return self._get(
            ("rows", month, market),
            lambda: self.service.counted(market, month)[0],
        )

    def prefetch(self, months: Sequence[str], market: str) -> None:
        """Read the months not read yet with one query instead of one per month."""
        missing = [m for m in months if ("rows", m, market) not in self._cache]
        if len(missing) < 2:
            return
        by_month = self.service.counted_by_month(market, missing)
        for month in missing:
            self._cache[("rows", month, market)] = by_month.get(month, [])

    def day_sums(self, month: str, market: str) -> dict[date, dict[str, Decimal]]:
        """Per day with data: its base-metric sums."""

        def make() -> dict[date, dict[str, Decimal]]:
            by_day: dict[date, list[Observation]] = defaultdict(list)
            for row in self.rows(month, market):
                if row.is_daily:  # a Summary or Monthly figure belongs to no single day
                    by_day[row.day].append(row)
            return {day: aggregate(items) for day, items in sorted(by_day.items())}

        return self._get(("day_sums", month, market), make)

    def month_sums(self, month: str, market: str) -> dict[str, Decimal]:
        return self._get(("month_sums", month, market), lambda: aggregate(self.rows(month, market)))

    # ------------------------------------------------------------------ series
    def daily(
        self, key: str, month: str, market: str, window: int = 7
    ) -> tuple[list[date], list[Decimal | None], list[Decimal | None]]:
        """Per day of the month: the KPI and its ``window``-day rolling value (a ratio of
        sums over the window, the days before the month included); None without data."""

        def make() -> tuple[list[date], list[Decimal | None], list[Decimal | None]]:
            start, end = month_bounds(month)
            days = [start + timedelta(days=n) for n in range((end - start).days)]
            sums = self.day_sums(month, market)
            before = self.day_sums(shift_month(month, -1), market) if window > 1 else {}
            lead = [start - timedelta(days=n) for n in range(window - 1, 0, -1)]
            empty: dict[str, Decimal] = {}
            sequence = [before.get(d, empty) for d in lead] + [sums.get(d, empty) for d in days]
            definition = {key: self.definitions[key]}
            rolled = rolling_sums(sequence, window)[len(lead) :]
            return (
                days,
                [compute(definition, sums[d]).get(key) if d in sums else None for d in days],
                [
                    compute(definition, r).get(key) if d in sums else None
                    for d, r in zip(days, rolled, strict=True)
                ],
            )

        return self._get(("daily", key, month, market, window), make)

    def monthly(
        self, key: str, last_month: str, count: int, market: str
    ) -> tuple[list[str], list[Decimal | None]]:
        """The KPI per month for the ``count`` months up to ``last_month``."""
        months = [shift_month(last_month, -n) for n in range(count - 1, -1, -1)]
        self.prefetch(months, market)
        definition = {key: self.definitions[key]}
        values = [
            compute(definition, self.month_sums(m, market)).get(key)
            if self.rows(m, market)
            else None
            for m in months
        ]
        return months, values

    # ------------------------------------------------------------------ detail
    def detail(self, month: str, market: str) -> MonthDetail:
        return self._get(("detail", month, market), lambda: self._detail(month, market))

    def _detail(self, month: str, market: str) -> MonthDetail:
        rows = self.rows(month, market)
        latest: dict[str, date] = {}
        bsr: dict[str, tuple[date, Decimal]] = {}
        for row in rows:
            if row.day > latest.get(row.metric, date.min):
                latest[row.metric] = row.day
            if row.metric == "bsr" and row.day >= bsr.get(row.scope, (date.min, 0))[0]:
                bsr[row.scope] = (row.day, row.value)
        try:
            sums = self.month_sums(month, market)
        except ValueError as exc:
            return MonthDetail({}, latest, bsr, error=str(exc))
        return MonthDetail(sums, latest, bsr)


def empty_figures(definitions: dict[str, KpiDefinition], month: str, market: str) -> MonthFigures:
    """Figures without any value (shown when the month cannot be read)."""
    tiles = {
        key: Tile(key, None, d.target, Status.NONE, None, None, False)
        for key, d in definitions.items()
    }
    return MonthFigures(month=month, marketplace=market, tiles=tiles, days_with_data=0)


# ------------------------------------------------------------------------------ the pane


def pane_bindings() -> list[BindingType]:
    return [
        Binding("left_square_bracket", "month(-1)", t("kpi_pane.prev_month"), key_display="["),
        Binding("right_square_bracket", "month(1)", t("kpi_pane.next_month"), key_display="]"),
        Binding("up,k", "select(-1)", t("kpi_pane.choose"), key_display="↑↓"),
        Binding("down,j", "select(1)", t("kpi_pane.choose"), show=False),
        Binding("m", "marketplace", t("kpi_pane.marketplace")),
        Binding("i", "asin", t("kpi_pane.asin")),
        Binding("r", "range", t("kpi_pane.range")),
        Binding("a", "add", t("kpi_pane.add")),
        Binding("escape,2,b", "back", t("kpi_pane.back"), key_display="esc"),
    ]


#: Below this many rows the pane is short: the chart comes first and the tiles below it
#: scroll (two rows of tiles shown, the selected one always in view).
SHORT_BELOW = 36
#: Below this many columns the side panel narrows so the chart keeps most of the width.
NARROW_BELOW = 100


class KpiScreen(Screen[None]):
    """The month's KPIs for one marketplace, their trend, and sales against the goal."""

    BINDINGS = pane_bindings()

    def __init__(
        self,
        service: KpiService,
        lang: str,
        default_marketplace: str = "US",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        retranslate(self, pane_bindings())
        self.service = service
        self.data = PaneData(service)
        self.lang = lang
        self.clock = clock or service.clock
        self.default_marketplace = (default_marketplace or "US").upper()
        self.keys = list(service.definitions)
        self.selected = 0
        self.range = RANGES[0]
        #: The ASIN whose KPIs the tiles show; None for the whole store.
        self.asin: str | None = None
        self.marketplace = self._first_marketplace()
        self.month = self.service.latest_month(self.marketplace) or self.today.strftime("%Y-%m")
        self.figures: MonthFigures = empty_figures(
            service.definitions, self.month, self.marketplace
        )

    @property
    def today(self) -> date:
        return self.clock().date()

    def _first_marketplace(self) -> str:
        found = self.data.marketplaces()
        if not found or self.default_marketplace in found:
            return self.default_marketplace
        return found[0]

    # --------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Static(id="kpi-head")
        with Vertical(id="kpi-tiles-box"):
            yield KpiTiles(id="kpi-tiles")
        with Horizontal(id="kpi-body"):
            with Vertical(id="kpi-chart-box"):
                yield Static(id="kpi-chart-title")
                yield TrendChart(id="kpi-chart")
                yield Static(id="kpi-chart-empty")
                yield Static(id="kpi-legend")
            with VerticalScroll(id="kpi-side"):
                yield Static(id="kpi-detail")
                yield Static(id="kpi-asin-title")
                yield DataTable(id="kpi-asins", cursor_type="row", show_cursor=False)
                yield Static(id="kpi-pacing")
                yield Static(id="kpi-parts")
        yield KanbanFooter()

    def on_unmount(self) -> None:
        # a signal keeps its subscribers alive: without this every closed pane would stay
        signal = self.app.theme_changed_signal
        signal.unsubscribe(self)
        for chart in self._charts:
            signal.unsubscribe(chart)

    def on_mount(self) -> None:
        self._charts = list(self.query(TrendChart))
        self.query_one("#kpi-side", VerticalScroll).can_focus = False
        table = self.query_one("#kpi-asins", DataTable)
        table.can_focus = False  # the keys stay with the tiles; i picks an ASIN
        table.add_columns("", "ASIN", t("kpi_pane.asin_sales"), t("kpi_pane.asin_cvr"), "ACoS")
        self.query_one("#kpi-tiles", KpiTiles).focus()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.draw_chart())
        self.fit(self.app.size.width, self.app.size.height)
        self.reload()

    def fit(self, width: int, height: int) -> None:
        """Short screens put the chart first and scroll the tiles below it; narrow ones
        give the chart more of the width. The month header always stays on top."""
        short = height < SHORT_BELOW
        self.set_class(width < NARROW_BELOW, "-narrow")
        if short != self.has_class("-short"):
            self.set_class(short, "-short")
            box = self.query_one("#kpi-tiles-box", Vertical)
            body = self.query_one("#kpi-body", Horizontal)
            if short:
                self.move_child(box, after=body)
            else:
                self.move_child(box, before=body)
        self.call_after_refresh(self._show_selected_tile)

    @on(Resize)
    def _resized(self, event: Resize) -> None:
        self.fit(event.size.width, event.size.height)
        self._update_head()

    def _show_selected_tile(self) -> None:
        """Scroll the tiles so the selected one is in view (they scroll on short screens)."""
        tiles = self.query_one("#kpi-tiles", KpiTiles)
        columns = tiles.columns_for(tiles.size.width or self.app.size.width)
        top = (self.selected // columns) * TILE_HEIGHT
        self.query_one("#kpi-tiles-box", Vertical).scroll_to_region(
            Region(0, top, max(1, tiles.size.width), TILE_HEIGHT), animate=False, immediate=True
        )

    # ---------------------------------------------------------------- data
    @property
    def key(self) -> str:
        return self.keys[self.selected]

    @property
    def definition(self) -> KpiDefinition:
        return self.service.definitions[self.key]

    def _guard(self, work: Callable[[], T], fallback: T) -> T:
        try:
            return work()
        except (KanbanError, ValueError) as exc:
            title, message = (
                (exc.title, exc.message) if isinstance(exc, KanbanError) else ("KPI", str(exc))
            )
            self.app.show_error(title, message)  # type: ignore[attr-defined]
            return fallback

    def reload(self) -> None:
        """Read the selected month and marketplace (from the cache when already read)."""
        rows = self.asin_rows()
        if self.asin is not None and self.asin not in {row.asin for row in rows}:
            self.asin = None
        self.figures = self._guard(
            lambda: self.data.month(self.month, self.marketplace, self.asin or "store"),
            empty_figures(self.service.definitions, self.month, self.marketplace),
        )
        self._update_asins(rows)
        self.query_one("#kpi-tiles", KpiTiles).show(self.tile_views(), self.selected)
        self._update_head()
        self._update_side()
        self.draw_chart()

    def on_data_changed(self, _message: DataChanged) -> None:
        """Another program (a ``kpi import`` in a terminal) changed the data: read again."""
        self.data.clear()
        self.reload()

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
            target=target_text(definition, tile.target),
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

    # ---------------------------------------------------------------- head
    def _update_head(self) -> None:
        previous = month_label(shift_month(self.month, -1))
        head = Text.assemble(
            (f" {t('kpi_pane.title')} ", "bold reverse"),
            "  ",
            (month_label(self.month), "bold"),
            " · ",
            market_label(self.marketplace, self.lang),
            " · ",
            t("kpi_pane.days", count=self.figures.days_with_data),
            " · ",
            t("kpi_pane.range_is", range=t(f"kpi_pane.range_{self.range}")),
            (f" · ASIN {self.asin}" if self.asin else "", "bold"),
            "   ",
            (t("kpi_pane.delta_note", month=previous), "italic"),
        )
        head.no_wrap = True  # one line: what does not fit ends with …
        head.truncate(max(1, self.app.size.width), overflow="ellipsis")
        self.query_one("#kpi-head", Static).update(head)

    # ---------------------------------------------------------------- side
    def _update_side(self) -> None:
        self.query_one("#kpi-detail", Static).update(self.detail_renderable())
        self.query_one("#kpi-pacing", Static).update(self.pacing_renderable())
        self.query_one("#kpi-parts", Static).update(self.parts_renderable())

    def detail_renderable(self) -> RenderableType:
        definition, key = self.definition, self.key
        tile = self.figures.tiles[key]
        value = value_text(definition, tile.value, tile.target, tile.currency)
        lines = Text(one_line(tile_name(definition, tile, self.lang)), style="bold")
        tiles = self.query_one("#kpi-tiles", KpiTiles)
        status_style = tiles.get_component_rich_style(f"tile--{tile.status.value}")
        lines.append("\n" + status_text(tile), style=status_style)
        target = target_text(definition, tile.target)
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
        note = definition.note_zh if self.lang == "zh" else definition.note_en
        if note:
            lines.append("\n" + literal(note), style="dim italic")
        for extra in self.detail_extras(key, tile):
            lines.append("\n" + extra)
        return lines

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
            goal = self._guard(lambda: self.data.goal(self.month), None)
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

    # --------------------------------------------------------------- chart
    def chart_title(self) -> str:
        name = kpi_name(self.definition, self.lang)
        last = month_label(self.month)
        if self.range == "month":
            title = t("kpi_pane.chart_month", name=name, month=last)
        else:
            count = 3 if self.range == "quarter" else 12
            first = month_label(shift_month(self.month, -(count - 1)))
            key = "kpi_pane.chart_quarter" if self.range == "quarter" else "kpi_pane.chart_year"
            title = t(key, name=name, first=first, last=last)
        unit = self._unit()
        return f"{title} ({unit})" if unit else title

    def _unit(self) -> str:
        unit = self.definition.unit
        if unit == "money":
            tile = self.figures.tiles[self.key]
            return tile.currency or self.figures.currency or self._market_currency()
        return {"ratio": "%", "hours": "h", "rank": "#", "multiple": "×"}.get(unit, "")

    def _scale(self) -> int:
        return 100 if self.definition.unit == "ratio" else 1

    def _targets(self) -> list[float]:
        target = self.figures.tiles[self.key].target
        if target is None:
            return []
        limits = (target.min, target.max)
        return [float(v * self._scale()) for v in limits if v is not None]

    def _daily_points(
        self, months: Sequence[str]
    ) -> tuple[list[date], list[float | None], list[float | None]]:
        """Days of ``months`` with the KPI and its 7-day rolling value (for an amount such
        as sales: the mean of the days with data in the window, not their sum)."""
        definition, scale = self.definition, self._scale()
        days: list[date] = []
        daily: list[Decimal | None] = []
        rolled: list[Decimal | None] = []
        for month in months:
            found = self.data.daily(self.key, month, self.marketplace)
            days += found[0]
            daily += found[1]
            rolled += found[2]
        if definition.metric in ADDITIVE_METRICS:
            lead = self.data.daily(self.key, shift_month(months[0], -1), self.marketplace)[1][-6:]
            means = rolling_mean([*lead, *daily], 7)[len(lead) :]
            rolled = [m if v is not None else None for m, v in zip(means, daily, strict=True)]
        return (
            days,
            [_number(v, scale) for v in daily],
            [_number(v, scale) for v in rolled],
        )

    def chart_spec(self) -> ChartSpec | None:
        """What the chart draws for the selected KPI and range; None when it has no point."""
        ylabel = "percent" if self.definition.unit == "ratio" else "plain"
        if self.range == "year":
            months, values = self.data.monthly(self.key, self.month, 12, self.marketplace)
            points = [_number(v, self._scale()) for v in values]
            if all(p is None for p in points):
                return None
            steps: list[tuple[int, float]] = []
            targets = self._targets()
            if self.key == "sales":
                targets = []
                for x, month in enumerate(months):
                    goal = self.data.goal(month)
                    currency = self.figures.currency
                    if goal is not None and (currency is None or goal[1] == currency):
                        steps.append((x, float(goal[0])))
            return ChartSpec(
                size=len(months),
                values=_runs(list(enumerate(points))),
                targets=targets,
                target_steps=steps,
                xticks=[(x, m[2:]) for x, m in enumerate(months)],
                ylabel=ylabel,
            )
        count = 3 if self.range == "quarter" else 1
        months = [shift_month(self.month, -n) for n in range(count - 1, -1, -1)]
        days, daily, rolled = self._daily_points(months)
        if all(v is None for v in daily):
            return None
        previous: list[list[tuple[int, float]]] = []
        if self.range == "month":
            before = shift_month(self.month, -1)
            _, last_daily, _ = self._daily_points([before])
            previous = _runs(list(enumerate(last_daily[: len(days)])))
            ticks = [(n, str(n + 1)) for n in range(len(days))]
        else:
            ticks = [(n, f"{d:%m-%d}") for n, d in enumerate(days) if d.day in (1, 15)]
        targets = self._targets()
        if self.definition.metric in ADDITIVE_METRICS and self.key == "sales" and targets:
            # a month's goal drawn against daily sales is the goal's daily share
            days_in_month = calendar.monthrange(days[0].year, days[0].month)[1]
            targets = [value / days_in_month for value in targets]
        return ChartSpec(
            size=len(days),
            values=_runs(list(enumerate(daily))),
            rolling=_runs(list(enumerate(rolled))),
            previous=previous,
            targets=targets,
            xticks=ticks,
            ylabel=ylabel,
        )

    def draw_chart(self) -> None:
        chart = self.query_one("#kpi-chart", TrendChart)
        empty = self.query_one("#kpi-chart-empty", Static)
        legend = self.query_one("#kpi-legend", Static)
        self.query_one("#kpi-chart-title", Static).update(Text(self.chart_title(), style="bold"))
        spec = self._guard(self.chart_spec, None)
        if spec is None:
            chart.display = False
            legend.display = False
            empty.display = True
            empty.update(self.empty_text())
            return
        colors = ChartColors.from_theme(self.app.theme_variables)
        chart.display = True
        legend.display = True
        empty.display = False
        chart.draw(spec, colors)
        legend.update(self.legend(spec, colors))

    def legend(self, spec: ChartSpec, colors: ChartColors) -> Text:
        items: list[tuple[str, str, str]] = [
            (
                "▪",
                t("kpi_pane.legend_month") if self.range == "year" else t("kpi_pane.legend_day"),
                "values",
            )
        ]
        if spec.rolling:
            items.append(("━", t("kpi_pane.legend_rolling"), "rolling"))
        if spec.targets or spec.target_steps:
            items.append(("━", t("kpi_pane.legend_target"), "target"))
        if spec.previous:
            before = month_label(shift_month(self.month, -1))
            items.append(("━", t("kpi_pane.legend_previous", month=before), "previous"))
        text = Text()
        for number, (mark, label, color) in enumerate(items):
            if number:
                text.append("   ")
            text.append(mark + " ", style=f"bold {colors.hex(color)}")
            text.append(label)
        return text

    def empty_text(self) -> Text:
        command = IMPORT_COMMAND.format(code=self.marketplace)
        if self.figures.days_with_data == 0 and self.range == "month":
            text = Text(
                t(
                    "kpi_pane.empty_month",
                    month=month_label(self.month),
                    marketplace=self.marketplace,
                )
                + "\n\n",
            )
            text.append(f"  {command}\n\n", style="bold")
            text.append(t("kpi_pane.empty_hint"), style="dim")
            return text
        name = kpi_name(self.definition, self.lang)
        text = Text(t("kpi_pane.empty_kpi", name=name) + "\n\n")
        if any(m in MANUAL_METRICS for m in self.definition.inputs):
            text.append(t("kpi_pane.enter_hint"), style="dim")
        else:
            text.append(t("kpi_pane.import_hint") + "\n\n", style="dim")
            text.append(f"  {command}", style="bold")
        return text

    # ------------------------------------------------------------- actions
    def select(self, index: int) -> None:
        index = max(0, min(len(self.keys) - 1, index))
        if index == self.selected:
            return
        self.selected = index
        self.query_one("#kpi-tiles", KpiTiles).select(index)
        self._show_selected_tile()
        self.query_one("#kpi-detail", Static).update(self.detail_renderable())
        self.draw_chart()

    def action_select(self, delta: int) -> None:
        self.select(self.selected + delta)

    @on(KpiTiles.Clicked)
    def _clicked(self, event: KpiTiles.Clicked) -> None:
        self.select(event.index)

    def action_month(self, delta: int) -> None:
        self.month = shift_month(self.month, delta)
        self.reload()

    def action_marketplace(self) -> None:
        none: list[str] = []
        found = self._guard(self.data.marketplaces, none) or [self.default_marketplace]
        if self.marketplace in found:
            following = found[(found.index(self.marketplace) + 1) % len(found)]
        else:
            following = found[0]
        if following == self.marketplace:
            self.notify(t("kpi_pane.one_marketplace", marketplace=self.marketplace), markup=False)
            return
        self.marketplace = following
        self.reload()

    def asin_rows(self) -> list[AsinRow]:
        none: list[AsinRow] = []
        return self._guard(lambda: self.data.asins(self.month, self.marketplace), none)

    def _update_asins(self, rows: list[AsinRow]) -> None:
        """The month's ASINs, best-selling first: status mark, sales, conversion, ACoS."""
        table = self.query_one("#kpi-asins", DataTable)
        title = self.query_one("#kpi-asin-title", Static)
        table.clear()
        table.display = title.display = bool(rows)
        if not rows:
            return
        title.update(Text(t("kpi_pane.asin_title", count=len(rows)), style="bold"))
        definitions = self.service.definitions
        for row in rows:
            chosen = row.asin == self.asin
            table.add_row(
                Text(row.status.symbol, style="bold red" if row.breaches else ""),
                Text(row.asin, style="reverse" if chosen else ""),
                format_value(definitions["sales"], row.sales, None),
                format_value(definitions["conversion"], row.conversion),
                format_value(definitions["acos"], row.acos),
                key=row.asin,
            )

    def action_asin(self) -> None:
        """Show the next ASIN's KPIs in the tiles (after the last one: the whole store)."""
        choices: list[str | None] = [None, *(row.asin for row in self.asin_rows())]
        if len(choices) == 1:
            self.notify(t("kpi_pane.no_asins", month=month_label(self.month)), markup=False)
            return
        self.asin = choices[(choices.index(self.asin) + 1) % len(choices)]
        self.reload()

    def action_range(self) -> None:
        self.range = RANGES[(RANGES.index(self.range) + 1) % len(RANGES)]
        self._update_head()
        self.draw_chart()

    def action_add(self) -> None:
        metric = METRIC_OF_KPI.get(self.key, MANUAL_METRICS[0])
        form = KpiEntryForm(self.service, self.marketplace, self.today, metric, self.lang)
        self.app.push_screen(form, self._saved)

    def _saved(self, saved: Entry | None) -> None:
        if saved is None:
            return
        self.data.clear()
        self.month = saved.day.strftime("%Y-%m")
        self.selected = self.keys.index(KPI_OF_METRIC[saved.metric])
        self.reload()
        self.notify(
            t(
                "kpi_form.saved",
                metric=metric_label(saved.metric),
                day=saved.day.isoformat(),
                value=saved.shown,
            ),
            markup=False,
        )

    def action_back(self) -> None:
        self.dismiss(None)


# ------------------------------------------------------------------------------ the form


@dataclass(frozen=True)
class Entry:
    """A value the form saved."""

    metric: str
    day: date
    value: Decimal
    scope: str
    shown: str


def parse_value(metric: str, text: str) -> Decimal:
    """The typed value as the service stores it; raises ``ValueError`` with the message to
    show next to the field. Shares take 0.72 or 72 %; amounts may have thousands commas."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1]
    try:
        value = Decimal(cleaned)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        example = t(f"kpi_form.example_{KpiEntryForm._kind(metric)}")
        raise ValueError(t("kpi_form.not_a_number", example=example)) from None
    if percent:
        if metric not in SHARE_METRICS:
            raise ValueError(t("kpi_form.no_percent"))
        value = value / 100
    if value < 0:
        raise ValueError(t("kpi_form.negative"))
    if metric in SHARE_METRICS and value > 1:
        raise ValueError(t("kpi_form.share"))
    if metric == "bsr" and (value < 1 or value != value.to_integral_value()):
        raise ValueError(t("kpi_form.rank"))
    return value


def parse_entry(
    metric: str, day_text: str, value_text: str, asin_text: str, today: date
) -> tuple[Entry | None, dict[str, str]]:
    """Validate the form: the entry, or the message for each refused field."""
    errors: dict[str, str] = {}
    if metric not in MANUAL_METRICS:
        errors["metric"] = t("kpi_form.pick_metric")
    day: date | None = None
    try:
        day = date.fromisoformat(day_text.strip())
    except ValueError:
        errors["day"] = t("validation.date")
    if day is not None and day > today:
        errors["day"] = t("kpi_form.future", today=today.isoformat())
    value: Decimal | None = None
    if not value_text.strip():
        errors["value"] = t("validation.empty")
    else:
        try:
            value = parse_value(metric, value_text)
        except ValueError as exc:
            errors["value"] = str(exc)
    scope = "store"
    if metric == "bsr":
        scope = asin_text.strip().upper()
        if not ASIN.fullmatch(scope):
            errors["asin"] = t("kpi_form.bad_asin")
    if errors or day is None or value is None:
        return None, errors
    return Entry(metric, day, value, scope, ""), {}


def form_bindings() -> list[BindingType]:
    return [
        Binding("ctrl+s", "save", t("form.save")),
        Binding("escape", "cancel", t("form.cancel")),
    ]


class KpiEntryForm(FormScreen[Entry | None]):
    """Enter one value by hand; it is saved only when every field is right."""

    BINDINGS = form_bindings()
    FIELDS = ("metric", "day", "value", "asin")
    FIRST_FIELD = "#value"

    def __init__(
        self, service: KpiService, marketplace: str, today: date, metric: str, lang: str
    ) -> None:
        super().__init__(classes="dialog-screen")
        retranslate(self, form_bindings())
        self.service = service
        self.marketplace = marketplace
        self.today = today
        self.metric = metric if metric in MANUAL_METRICS else MANUAL_METRICS[0]
        self.lang = lang

    def _field(self, label: str, widget: Any, name: str) -> ComposeResult:
        with Vertical(classes=f"form-field field-{name}", id=f"field-{name}"):
            yield Label(label)
            yield widget
            yield Label("", id=f"{name}-error", classes="field-error")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="kpi-form", classes="dialog"):
            title = t("kpi_form.title", marketplace=market_label(self.marketplace, self.lang))
            yield Static(Text(title), classes="dialog-title")
            yield from self._field(
                t("kpi_form.metric"),
                Select(
                    [(t(f"kpi_form.option.{m}"), m) for m in MANUAL_METRICS],
                    value=self.metric,
                    allow_blank=False,
                    id="metric",
                ),
                "metric",
            )
            with Horizontal(classes="form-row"):
                yield from self._field(
                    t("kpi_form.day"),
                    Input(self.today.isoformat(), id="day", placeholder="2026-11-25"),
                    "day",
                )
                yield from self._field(t("kpi_form.value"), Input(id="value"), "value")
                yield from self._field(
                    t("kpi_form.asin"), Input(id="asin", placeholder="B0XXXXXXXX"), "asin"
                )
            yield Static(id="kpi-form-hint")
            yield Label("", id="form-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("form.save"), id="save", variant="primary")
                yield Button(t("form.cancel"), id="cancel")
            yield Static(t("kpi_form.keys"), classes="dialog-hint")

    def on_mount(self) -> None:
        self._metric_changed()
        self.query_one("#value", Input).focus()

    @property
    def currency(self) -> str:
        market = MARKETPLACES.get(self.marketplace)
        return market.currency if market else ""

    @on(Select.Changed, "#metric")
    def _metric_changed(self) -> None:
        metric = str(self.query_one("#metric", Select).value)
        self.query_one("#field-asin").display = metric == "bsr"
        box = self.query_one("#value", Input)
        box.placeholder = t(f"kpi_form.example_{self._kind(metric)}")
        hint = t(f"kpi_form.hint_{self._kind(metric)}", currency=self.currency)
        self.query_one("#kpi-form-hint", Static).update(Text(hint))

    @staticmethod
    def _kind(metric: str) -> str:
        if metric in SHARE_METRICS:
            return "share"
        if metric in MONEY_METRICS:
            return "money"
        return "rank" if metric == "bsr" else "hours"

    def action_save(self) -> None:
        for name in (*self.FIELDS, "form"):
            self.query_one(f"#{name}-error", Label).update("")
        metric = str(self.query_one("#metric", Select).value)
        entry, errors = parse_entry(
            metric,
            self.query_one("#day", Input).value,
            self.query_one("#value", Input).value,
            self.query_one("#asin", Input).value,
            self.service.latest_day(self.marketplace),
        )
        if entry is None:
            for name, message in errors.items():
                self.query_one(f"#{name}-error", Label).update(Text(literal(message)))
            first = next(name for name in self.FIELDS if name in errors)
            self.query_one(f"#{first}").focus()
            return
        try:
            self.service.add(entry.day, entry.metric, entry.value, self.marketplace, entry.scope)
            board = getattr(self.app, "board", None)
            if board is not None:  # a KPI in breach becomes an urgent card at once
                found = board.check_alerts()
                if found.created:
                    self.app.notify(t("alerts.created", count=len(found.created)))
        except KanbanError as exc:
            message = f"{exc.title}: {exc.message}" if exc.message else exc.title
            self.query_one("#form-error", Label).update(Text(literal(message)))
            return
        definition = _definition_of(self.service.definitions, entry.metric)
        currency = self.currency if entry.metric in MONEY_METRICS else None
        shown = (
            format_value(definition, entry.value, currency)
            if definition is not None
            else f"{entry.value:,.2f} {currency or ''}".strip()
        )
        self.dismiss(Entry(entry.metric, entry.day, entry.value, entry.scope, shown))


def _definition_of(definitions: dict[str, KpiDefinition], metric: str) -> KpiDefinition | None:
    """A KPI shown as this metric is (for formatting the saved value), if there is one."""
    for definition in definitions.values():
        if definition.metric == metric:
            return definition
    if metric in MONEY_METRICS:
        return definitions.get("sales")
    if metric == "organic_share_measured":
        return definitions.get("organic_share")
    return None


__all__ = ["Entry", "KpiEntryForm", "KpiScreen", "parse_entry", "parse_value"]
