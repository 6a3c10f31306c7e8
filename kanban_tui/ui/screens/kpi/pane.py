"""The KPI pane: the month's KPIs as tiles, a trend chart, sales against the goal, and
the side panel (detail, ASINs, pacing, the margin's parts). Layout and keys only: what it
shows comes from the view model :class:`~kanban_tui.services.kpi_view.KpiView` (read
through :class:`~kanban_tui.services.kpi.KpiService` for the selected month or chart
range and marketplace, kept until something is saved or another program changes the
database), and every word about a KPI from :mod:`kanban_tui.services.kpi_words`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date, datetime
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.geometry import Region
from textual.timer import Timer
from textual.widgets import DataTable, Static

from kanban_tui.domain.kpi import format_value
from kanban_tui.i18n import t
from kanban_tui.services.kpi import (
    AsinRow,
    KpiService,
    MonthFigures,
    shift_month,
)
from kanban_tui.services.kpi_entry import KPI_OF_METRIC, MANUAL_METRICS, METRIC_OF_KPI, Entry
from kanban_tui.services.kpi_view import (
    RANGES,
    ChartSpec,
    KpiView,
    empty_figures,
)
from kanban_tui.services.kpi_words import (
    kpi_name,
    market_label,
    metric_label,
)
from kanban_tui.ui.bindings import retranslate
from kanban_tui.ui.messages import DataChanged
from kanban_tui.ui.screens.kpi.entry import KpiEntryForm
from kanban_tui.ui.screens.kpi.text import IMPORT_COMMAND, PaneText, month_label
from kanban_tui.ui.widgets.footer import KanbanFooter
from kanban_tui.ui.widgets.kpi import (
    TILE_HEIGHT,
    ChartColors,
    KpiTiles,
    TrendChart,
)
from kanban_tui.ui.widgets.wrapped import CellWrapped


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
#: Seconds without a new chart before the pane draws the next KPI's chart ahead.
PREPARE_AFTER = 0.6
#: Below this many columns the side panel narrows so the chart keeps most of the width.
NARROW_BELOW = 100


class KpiScreen(PaneText):
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
        self.data = KpiView(service)
        self.lang = lang
        self.clock = clock or service.clock
        self.default_marketplace = (default_marketplace or "US").upper()
        self.keys = list(service.definitions)
        self.selected = 0
        #: The ASIN rows the table shows and the ASIN marked in them (the same rows are
        #: not built again).
        self._asins_shown: list[AsinRow] | None = None
        self._asin_marked: str | None = None
        #: A key press left the chart for the next frame (plotext had not drawn it yet).
        self.chart_waiting = False
        self._chart_scheduled = False
        self._prepare_timer: Timer | None = None
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
        yield KanbanFooter(first=("add", "marketplace", ("month(-1)", "month(1)")))

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
        table.add_column("", key="status")
        table.add_column("ASIN", key="asin")
        table.add_columns(t("kpi_pane.asin_sales"), t("kpi_pane.asin_cvr"), "ACoS")
        self.query_one("#kpi-tiles", KpiTiles).focus()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.draw_chart())
        self.fit(self.app.size.width, self.app.size.height)
        # The first frame shows the month's tiles and figures; the chart (three months of
        # days and a plotext drawing) follows in the next one.
        self.reload(chart=False)
        self.call_after_refresh(self.draw_chart)

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
    def reload(self, chart: bool = True) -> None:
        """Read the selected month and marketplace (from the cache when already read);
        ``chart=False`` leaves the chart area empty until :meth:`draw_chart`."""
        rows = self.asin_rows()
        if self.asin is not None and self.asin not in {row.asin for row in rows}:
            self.asin = None
        self.figures = self._guard_or(
            lambda: self.data.month(self.month, self.marketplace, self.asin or "store"),
            empty_figures(self.service.definitions, self.month, self.marketplace),
        )
        self._update_asins(rows)
        self.query_one("#kpi-tiles", KpiTiles).show(self.tile_views(), self.selected)
        self._update_head()
        self._update_side()
        if chart:
            self.draw_chart(defer=True)
        else:
            self.query_one("#kpi-chart-title", Static).update(
                Text(self.chart_title(), style="bold")
            )
            self.query_one("#kpi-chart", TrendChart).display = False
            self.query_one("#kpi-legend", Static).display = False
            self.query_one("#kpi-chart-empty", Static).update("")

    def on_data_changed(self, _message: DataChanged) -> None:
        """Another program (a ``kpi import`` in a terminal) changed the data: read again."""
        self.data.clear()
        self.reload()

    # -------------------------------------------------------------- tiles
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

    def chart_spec(self) -> ChartSpec | None:
        """What the chart draws for the selected KPI and range; None when it has no point."""
        return self.data.chart(self.key, self.month, self.marketplace, self.range, self.figures)

    def draw_chart(self, defer: bool = False) -> None:
        """Draw the selected KPI's chart. ``defer``: a chart plotext has not drawn yet (at
        this size and theme) follows in the next frame, so the key's own frame shows the
        tiles, the header and the side panel at once; until then the chart box keeps its
        previous chart and title. A chart drawn before is painted in the key's frame."""
        chart = self.query_one("#kpi-chart", TrendChart)
        if defer and not self.data.has_chart(
            self.key, self.month, self.marketplace, self.range, self.figures
        ):
            self._wait_for_chart()  # the series are computed off the key's frame too
            return
        spec = self._guard_or(self.chart_spec, None)
        colors = ChartColors.from_theme(self.app.theme_variables)
        if defer and spec is not None and not chart.is_drawn(spec, colors):
            self._wait_for_chart()
            return
        self.chart_waiting = False
        empty = self.query_one("#kpi-chart-empty", Static)
        legend = self.query_one("#kpi-legend", Static)
        self.query_one("#kpi-chart-title", Static).update(Text(self.chart_title(), style="bold"))
        if spec is None:
            chart.display = False
            legend.display = False
            empty.display = True
            empty.update(self.empty_text())
            return
        chart.display = True
        legend.display = True
        empty.display = False
        chart.draw(spec, colors)
        legend.update(self.legend(spec, colors))
        self._idle_then_prepare()

    def _wait_for_chart(self) -> None:
        self.chart_waiting = True
        if not self._chart_scheduled:
            self._chart_scheduled = True
            self.call_after_refresh(self._draw_waiting)

    def _idle_then_prepare(self) -> None:
        """After :data:`PREPARE_AFTER` seconds without a new chart: :meth:`prepare_next`."""
        if self._prepare_timer is not None:
            self._prepare_timer.stop()
        self._prepare_timer = self.set_timer(PREPARE_AFTER, self.prepare_next)

    def prepare_next(self) -> bool:
        """While the pane idles, draw the chart of the KPI after the selected one (then of
        the one before) ahead, kept but not shown, so ``↓`` (``↑``) paints it in its own
        frame. One chart per idle step (a key pressed meanwhile goes first); True when it
        drew one."""
        self._prepare_timer = None
        chart = self.query_one("#kpi-chart", TrendChart)
        if not (self.is_current and chart.display and chart.size.area):
            return False
        colors = ChartColors.from_theme(self.app.theme_variables)
        for index in (self.selected + 1, self.selected - 1):
            if not 0 <= index < len(self.keys):
                continue
            key = self.keys[index]
            chart_of = partial(
                self.data.chart, key, self.month, self.marketplace, self.range, self.figures
            )
            spec = self._guard_or(chart_of, None)
            if spec is not None and not chart.is_drawn(spec, colors):
                chart.prepare(spec, colors)
                self._idle_then_prepare()
                return True
        return False

    def _draw_waiting(self) -> None:
        """The chart a key press left for the next frame (the latest state's only: keys
        pressed in between never draw the charts they passed)."""
        self._chart_scheduled = False
        if self.chart_waiting and self.is_attached:
            self.draw_chart()

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
        self.draw_chart(defer=True)

    def hold_collector(self) -> None:
        """No garbage collection between a key and the frame that shows it: a press makes
        tens of thousands of short-lived objects, and the collector, run in the middle of
        it, held that frame back by 5-10 ms, and by 30-70 ms when it went over the whole
        heap (one press in ten). It runs right after the frame is painted instead."""
        if gc.isenabled():
            gc.disable()
            self.app.call_after_refresh(gc.enable)

    def action_select(self, delta: int) -> None:
        self.hold_collector()
        self.select(self.selected + delta)

    @on(KpiTiles.Clicked)
    def _clicked(self, event: KpiTiles.Clicked) -> None:
        self.select(event.index)

    def action_month(self, delta: int) -> None:
        self.hold_collector()
        self.month = shift_month(self.month, delta)
        self.reload()

    def action_marketplace(self) -> None:
        self.hold_collector()
        none: list[str] = []
        found = self._guard_or(self.data.marketplaces, none) or [self.default_marketplace]
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
        return self._guard_or(lambda: self.data.asins(self.month, self.marketplace), none)

    def _update_asins(self, rows: list[AsinRow]) -> None:
        """The month's ASINs, best-selling first: status mark, sales, conversion, ACoS.
        The same rows as shown are not built again: only the chosen ASIN's mark moves."""
        table = self.query_one("#kpi-asins", DataTable)
        if rows == self._asins_shown:
            if self.asin != self._asin_marked:
                for asin in (self._asin_marked, self.asin):
                    if asin is not None and asin in table.rows:
                        table.update_cell(asin, "asin", self._asin_cell(asin))
                self._asin_marked = self.asin
            return
        self._asins_shown, self._asin_marked = list(rows), self.asin
        title = self.query_one("#kpi-asin-title", Static)
        table.clear()
        table.display = title.display = bool(rows)
        if not rows:
            return
        title.update(CellWrapped(Text(t("kpi_pane.asin_title", count=len(rows)), style="bold")))
        definitions = self.service.definitions
        for row in rows:
            table.add_row(
                Text(row.status.symbol, style="bold red" if row.breaches else ""),
                self._asin_cell(row.asin),
                format_value(definitions["sales"], row.sales, None),
                format_value(definitions["conversion"], row.conversion),
                format_value(definitions["acos"], row.acos),
                key=row.asin,
            )

    def _asin_cell(self, asin: str) -> Text:
        return Text(asin, style="reverse" if asin == self.asin else "")

    def action_asin(self) -> None:
        """Show the next ASIN's KPIs in the tiles (after the last one: the whole store)."""
        self.hold_collector()
        choices: list[str | None] = [None, *(row.asin for row in self.asin_rows())]
        if len(choices) == 1:
            self.notify(t("kpi_pane.no_asins", month=month_label(self.month)), markup=False)
            return
        self.asin = choices[(choices.index(self.asin) + 1) % len(choices)]
        self.reload()

    def action_range(self) -> None:
        self.hold_collector()
        self.range = RANGES[(RANGES.index(self.range) + 1) % len(RANGES)]
        self._update_head()
        self.draw_chart(defer=True)

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


__all__ = ["KpiScreen", "pane_bindings"]
