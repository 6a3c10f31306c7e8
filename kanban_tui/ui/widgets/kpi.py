"""The KPI pane's own widgets: the tiles (one widget, Line API) and the trend chart.

Both only draw what the screen hands them (:class:`TileView`, :class:`ChartSpec`); they
never read the database. Text that may come from data is always plain ``Text``/``Segment``
content, never markup.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from plotext._utility import colors_to_ansi as plotext_ansi
from rich.ansi import AnsiDecoder
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget
from textual_plotext import PlotextPlot

from kanban_tui.services.kpi_view import ChartSpec
from kanban_tui.ui.widgets.column import fit

#: Lines of one tile: name · value and target · status and change · note.
TILE_HEIGHT = 4
#: Narrowest tile; the grid puts as many tiles side by side as the width allows.
TILE_MIN_WIDTH = 28


@dataclass(frozen=True)
class TileView:
    """One tile, as text: the screen formats, the widget draws."""

    key: str
    name: str
    value: str
    target: str
    #: ``ok`` | ``warning`` | ``breach`` | ``none`` (picks the colour of the status line).
    status: str
    #: Symbol and word, e.g. "✓ on target" (never colour alone).
    status_text: str
    delta: str = ""
    #: ``better`` | ``worse`` | "" (colour of the change).
    delta_kind: str = ""
    note: str = ""


class KpiTiles(Widget, can_focus=True):
    """Every KPI of the month as a grid of 4-line tiles; ``selected`` is highlighted."""

    COMPONENT_CLASSES = {
        "tile--name",
        "tile--value",
        "tile--muted",
        "tile--note",
        "tile--selected",
        "tile--ok",
        "tile--warning",
        "tile--breach",
        "tile--none",
        "tile--better",
        "tile--worse",
    }

    class Clicked(Message):
        """A tile was clicked: ``index`` is its position."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tiles: list[TileView] = []
        self.selected = 0

    def show(self, tiles: Sequence[TileView], selected: int) -> None:
        resized = len(tiles) != len(self.tiles)
        self.tiles = list(tiles)
        self.selected = selected
        self.refresh(layout=resized)

    def select(self, index: int) -> None:
        self.selected = index
        self.refresh()

    # ---------------------------------------------------------------- layout
    def columns_for(self, width: int) -> int:
        return max(1, min(len(self.tiles) or 1, width // TILE_MIN_WIDTH))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        columns = self.columns_for(width)
        rows = -(-len(self.tiles) // columns) if self.tiles else 1
        return rows * TILE_HEIGHT

    def _widths(self, width: int) -> list[int]:
        columns = self.columns_for(width)
        base, extra = divmod(width, columns)
        return [base + (1 if n < extra else 0) for n in range(columns)]

    def on_click(self, event: Click) -> None:
        widths = self._widths(self.size.width)
        left = 0
        for column, cell in enumerate(widths):
            if event.x < left + cell:
                index = (event.y // TILE_HEIGHT) * len(widths) + column
                if index < len(self.tiles):
                    self.post_message(self.Clicked(index))
                return
            left += cell

    # --------------------------------------------------------------- drawing
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        widths = self._widths(width)
        row, part = divmod(y, TILE_HEIGHT)
        segments: list[Segment] = []
        for column, cell in enumerate(widths):
            index = row * len(widths) + column
            if index >= len(self.tiles):
                segments.append(Segment(" " * cell, base))
                continue
            style = base
            if index == self.selected:
                style = base + self.get_component_rich_style("tile--selected")
            segments.extend(
                self._tile_line(self.tiles[index], part, cell, style, index == self.selected)
            )
        return Strip(segments, width)

    def _style(self, name: str, base: Style) -> Style:
        return base + self.get_component_rich_style(name)

    def _tile_line(
        self, tile: TileView, part: int, width: int, base: Style, selected: bool
    ) -> list[Segment]:
        status = self._style(f"tile--{tile.status}", base)
        inner = width - 3  # a status bar, a space on each side
        if part == 0:
            left, right = (tile.name, self._style("tile--name", base)), ("", base)
        elif part == 1:
            left = (tile.value, self._style("tile--value", base))
            right = (tile.target, self._style("tile--muted", base))
        elif part == 2:
            kind = f"tile--{tile.delta_kind}" if tile.delta_kind else "tile--muted"
            left, right = (tile.status_text, status), (tile.delta, self._style(kind, base))
        else:
            left, right = (tile.note, self._style("tile--note", base)), ("", base)
        bar = "▶" if part == 0 and selected else "▌"
        return [Segment(bar, status), Segment(" ", base), *_two_sides(left, right, inner, base)]


def _two_sides(
    left: tuple[str, Style], right: tuple[str, Style], width: int, base: Style
) -> list[Segment]:
    """``left`` at the start and ``right`` at the end of ``width`` cells, then one space;
    the left side is cut first when both do not fit."""
    if width <= 0:
        return []
    right_text = right[0]
    if cell_len(right_text) > width:
        right_text = fit(right_text, width)
    room = width - cell_len(right_text) - (1 if right_text else 0)
    left_text = fit(left[0], max(room, 0)) if cell_len(left[0]) > room else left[0]
    gap = width - cell_len(left_text) - cell_len(right_text)
    return [
        Segment(left_text, left[1]),
        Segment(" " * max(gap, 0), base),
        Segment(right_text, right[1]),
        Segment(" ", base),
    ]


# ------------------------------------------------------------------------------ the chart


@dataclass(frozen=True)
class ChartColors:
    values: tuple[int, int, int]
    rolling: tuple[int, int, int]
    target: tuple[int, int, int]
    previous: tuple[int, int, int]

    @classmethod
    def from_theme(cls, variables: dict[str, str]) -> ChartColors:
        def rgb(name: str, fallback: str) -> tuple[int, int, int]:
            return Color.parse(variables.get(name, fallback)).rgb

        surface = Color.parse(variables.get("surface", "#1e1e1e"))
        foreground = Color.parse(variables.get("foreground", "#e0e0e0"))
        return cls(
            values=rgb("primary", "#0178d4"),
            rolling=rgb("accent", "#ffa62b"),
            target=rgb("error", "#ba3c5b"),
            previous=surface.blend(foreground, 0.4).rgb,
        )

    def hex(self, name: str) -> str:
        red, green, blue = getattr(self, name)
        return f"#{red:02x}{green:02x}{blue:02x}"


class TrendChart(PlotextPlot):
    """A plotext chart of one KPI; it rebuilds from its spec at every size.

    What plotext drew is kept as the lines to paint (a Line API widget): a chart drawn
    before — ``]`` back to a month read before, ``↑`` to the KPI before, the next
    marketplace round again — is painted without plotext, without parsing its ANSI output
    and without rendering that text again, so such a key press costs the chart nothing.
    """

    #: Charts drawn before, kept for going back (every KPI of a month and then some),
    #: least recently shown dropped first. One chart at 160×48 is ~240 kB (its lines
    #: ~180 kB, its text ~60 kB): at most ~6 MB while the pane is open, freed with it.
    DRAWN_KEPT = 24

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chart_spec: ChartSpec | None = None
        self.chart_colors: ChartColors | None = None
        self._drawn: OrderedDict[tuple[object, ...], tuple[Text, list[Strip]]] = OrderedDict()
        self._spec_texts: tuple[ChartSpec | None, str] | None = None
        #: How many charts plotext drew (the guard tests count them, never time them).
        self.builds = 0

    def draw(self, spec: ChartSpec, colors: ChartColors) -> None:
        self.chart_spec = spec
        self.chart_colors = colors
        self.refresh()

    def prepare(self, spec: ChartSpec, colors: ChartColors) -> None:
        """Draw ``spec`` at the current size and keep its lines without showing it."""
        shown = self.chart_spec, self.chart_colors
        self.chart_spec, self.chart_colors = spec, colors
        try:
            self._kept()
        finally:
            self.chart_spec, self.chart_colors = shown

    def _spec_text(self, spec: ChartSpec | None) -> str:
        # the spec's lists make it unhashable: its repr is the key, made once per spec
        made = self._spec_texts
        if made is None or made[0] is not spec:
            made = self._spec_texts = (spec, repr(spec))
        return made[1]

    def _key(self, spec: ChartSpec | None, colors: ChartColors | None) -> tuple[object, ...]:
        return (self._spec_text(spec), colors, self.size, self.app.theme, self.visual_style)

    def is_drawn(self, spec: ChartSpec, colors: ChartColors) -> bool:
        """Whether ``spec`` at the current size and theme is kept (painting it is free)."""
        return self._key(spec, colors) in self._drawn

    def render(self) -> RenderResult:
        return self._kept()[0]

    def render_line(self, y: int) -> Strip:
        lines = self._kept()[1]
        if 0 <= y < len(lines):
            return lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def _kept(self) -> tuple[Text, list[Strip]]:
        # Built for the current size and theme, so the ticks always suit them (a resize or
        # a theme change repaints); the same chart at the same size is drawn once.
        key = self._key(self.chart_spec, self.chart_colors)
        found = self._drawn.get(key)
        if found is not None:
            self._drawn.move_to_end(key)
            return found
        self._build()
        width, height = self.size
        # what ``PlotextPlot.render`` sets before plotext draws
        plot = self._plot
        plot.plotsize(width, height)
        plot._set_size(width, height)
        plot.theme(self._get_plotext_theme_name(self.app.theme))
        text = plotext_text(plot)
        # what Textual's own render path makes of the text (``Widget._render_content``)
        lines = Visual.to_strips(self, visualize(self, text), width, height, self.visual_style)
        self.builds += 1
        self._drawn[key] = found = (text, lines)
        while len(self._drawn) > self.DRAWN_KEPT:
            self._drawn.popitem(last=False)
        return found

    def _build(self) -> None:
        spec, colors = self.chart_spec, self.chart_colors
        if spec is None or colors is None:
            return
        plt = self.plt
        plt.clear_figure()
        for run in spec.previous:
            _line(plt, run, colors.previous)
        for limit in spec.targets:
            plt.hline(limit, color=colors.target)
        if spec.target_steps:
            _line(plt, spec.target_steps, colors.target)
        for run in spec.rolling:
            _line(plt, run, colors.rolling)
        # few points (months) get a full block each, a month of days a small mark
        marker = "sd" if spec.size <= 12 else "hd"
        for run in spec.values:
            if len(run) > 1:
                _line(plt, run, colors.values)
            xs, ys = zip(*run, strict=True)
            plt.scatter(list(xs), list(ys), marker=marker, color=colors.values)
        low, high = _y_range(spec)
        plt.ylim(low, high)
        plt.xlim(-0.5, spec.size - 0.5)
        ticks = _y_ticks(low, high)
        plt.yticks(ticks, [_y_text(v, spec.ylabel, low, high) for v in ticks])
        shown = _thin_ticks(spec.xticks, max(self.size.width - 10, 10))
        if shown:
            plt.xticks([x for x, _ in shown], [label for _, label in shown])


def plotext_text(plot: Any) -> Text:
    """plotext's drawing as ``Text.from_ansi(plot.build())`` gives it, read from plotext's
    matrix of characters and colours: no ANSI text written and parsed again (a third of
    the cost of a chart). A test holds the two equal for the pane's kinds of charts."""
    plot._set_sizes()
    plot._build_matrix()
    matrix = plot.monitor.matrix
    text = Text()
    append = text.append
    width = matrix.cols
    for row in reversed(range(matrix.rows)):
        markers, fore = matrix.marker[row], matrix.fullground[row]
        styles, back = matrix.style[row], matrix.background[row]
        start = 0
        while start < width:
            colors = (fore[start], styles[start], back[start])
            end = start + 1
            while end < width and (fore[end], styles[end], back[end]) == colors:
                end += 1
            append("".join(markers[start:end]), _ansi_style(plotext_ansi(*colors)))
            start = end
        append("\n")  # plotext ends every row with one, the last too
    return text


@lru_cache(maxsize=256)
def _ansi_style(codes: str) -> Style | None:
    """The style rich's ANSI decoder gives text after ``codes`` (None: no style)."""
    decoded = AnsiDecoder().decode_line(f"{codes}x")
    return decoded.spans[0].style if decoded.spans else None  # type: ignore[return-value]


def _line(plt: object, run: Sequence[tuple[int, float]], color: tuple[int, int, int]) -> None:
    xs, ys = zip(*run, strict=True)
    if len(run) == 1:
        plt.scatter(list(xs), list(ys), marker="braille", color=color)  # type: ignore[attr-defined]
    else:
        plt.plot(list(xs), list(ys), marker="braille", color=color)  # type: ignore[attr-defined]


def _y_range(spec: ChartSpec) -> tuple[float, float]:
    values = [
        y for runs in (spec.values, spec.rolling, spec.previous) for run in runs for _, y in run
    ]
    values += spec.targets + [y for _, y in spec.target_steps]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if low >= 0 and high > 0 and low < high * 0.5:
        low = 0.0  # a chart of amounts and shares starts at zero unless that hides the change
    span = high - low or abs(high) or 1.0
    return low - span * 0.08 if low else low, high + span * 0.08


def _y_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round ticks inside ``low``…``high``: a "nice" step (1, 2, 2.5 or 5 × 10ⁿ) that gives
    at most ``count`` + 1 of them, so the axis reads 0k/2.5k/5.0k…, never 0k/3k/5k/8k/11k."""
    step = _nice_step(high - low, count)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(n * step, 12) for n in range(first, last + 1)] or [low, high]


def _nice_step(span: float, count: int) -> float:
    rough = (span or 1.0) / max(count, 1)
    power = 10 ** math.floor(math.log10(rough))
    for mantissa in (1, 2, 2.5, 5, 10):
        if mantissa * power >= rough - 1e-12:
            return mantissa * power
    return 10 * power  # pragma: no cover - the loop always returns


def _places(step: float) -> int:
    """Decimal places a step of 1, 2, 2.5 or 5 × 10ⁿ needs (0 for whole steps)."""
    exponent = Decimal(repr(round(step, 9))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def _y_text(value: float, kind: str, low: float, high: float) -> str:
    """An axis label: all labels of an axis in the same unit (k for large amounts), with the
    places the tick step needs and no needless ones ("0k 2.5k 5k 7.5k 10k")."""
    ticks = _y_ticks(low, high)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else abs(high - low) or 1.0
    if kind == "percent":
        return f"{_number(value, step)}%"
    if max(abs(low), abs(high)) >= 10_000 and step >= 100:
        return f"{_number(value / 1000, step / 1000)}k"
    return _number(value, step)


def _number(value: float, step: float) -> str:
    text = f"{value:,.{_places(step)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _thin_ticks(ticks: list[tuple[int, str]], width: int) -> list[tuple[int, str]]:
    """Every ``n``-th tick so that the labels (and a gap) fit in ``width`` cells."""
    if not ticks:
        return []
    need = max(cell_len(label) for _, label in ticks) + 2
    fits = max(1, width // need)
    step = -(-len(ticks) // fits)
    return ticks[::step]


__all__ = ["TILE_HEIGHT", "ChartColors", "ChartSpec", "KpiTiles", "TileView", "TrendChart"]
