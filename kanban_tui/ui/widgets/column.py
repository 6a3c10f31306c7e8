"""One board column, drawn with Textual's Line API.

A column never mounts a widget per card: it knows how many cards it shows and asks its
data source for the page of rows under the viewport, so 10,000 cards cost what 30 do.

A move edits the rows it holds (:meth:`ColumnView.take`, :meth:`ColumnView.put`) and
repaints only the lines from the changed row down: no query, no other line redrawn.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from math import ceil
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.css.styles import StylesBase
from textual.events import Click
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from kanban_tui.domain.models import Column
from kanban_tui.domain.text import one_line
from kanban_tui.format import (
    PRIORITY_MARKS,
    category_label,
    checklist_progress,
    due_state,
    duration,
    period_label,
)
from kanban_tui.i18n import language, t
from kanban_tui.services.board import CardRow
from kanban_tui.services.people import short as short_name

CARD_HEIGHT = 3
#: A running timer's mark on its card's meta line, before the elapsed time.
TIMER_MARK = "⏱"
#: How often a running timer's elapsed time is repainted (only the cards that run one).
TIMER_TICK_SECONDS = 60.0
#: From this many terminal columns a title that does not fit takes a second line (the
#: card's blank line then holds the meta line; every card stays 3 lines high).
WIDE_FROM = 160
#: Rows read at a time: a 100-line terminal shows 33, so the first frame reads one page.
PAGE_SIZE = 32
#: Painted lines kept for reuse (a move shifts rows: their lines are drawn already), per
#: column: a few screens of a tall terminal. 4,096 made the 8-hour soak end at 174 MB
#: instead of 125 MB (lines of a day's refreshes kept alive).
LINE_CACHE = 256
#: Styled lines kept per column (see :class:`LineStylesCache`).
STYLED_CACHE = 256

#: ``(column, offset, limit) -> rows`` and ``column -> (count, minutes)``; given by the screen.
RowSource = Callable[[Column, int, int], list[CardRow]]
NO_GUTTER = Spacing(0, 0, 0, 0)


def split_title(text: str, width: int) -> tuple[str, str]:
    """``text`` as a first line of at most ``width`` cells, broken after a space where
    there is one (CJK text breaks anywhere), and the rest ("" when it all fits)."""
    if width <= 0 or cell_len(text) <= width:
        return text, ""
    used = 0
    cut = 0
    space = -1
    for number, char in enumerate(text):
        size = cell_len(char)
        if used + size > width:
            break
        used += size
        cut = number + 1
        if char == " ":
            space = cut
    if space > 0 and space >= cut // 2:  # a word break, unless it leaves the line half empty
        cut = space
    return text[:cut].rstrip(), text[cut:].lstrip()


@lru_cache(maxsize=4096)
def title_parts(title: str, width: int, wide: bool) -> tuple[str, str]:
    """A card title as painted: one line, or (``wide``) split in two to fit ``width``
    cells. Every painted line of a card needs it, so it is worked out once per title."""
    text = one_line(title)
    return split_title(text, width) if wide else (text, "")


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` terminal cells, with … when cut."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class LineStylesCache(StylesCache):
    """Textual's render cache of a widget, which also keeps the styled form of each line
    the column paints, by the painted line itself (Textual 8.2 keeps them by row).

    A move shifts every row below the moved card: their lines (cached in
    :meth:`ColumnView.render_line`) are the same objects one card higher or lower, so their
    styled form is found here instead of going through Textual's styling (background,
    tint, filters) again. Only a column without padding or border uses it (its content
    row is its row); the colours and sizes the styling used are part of the check.
    """

    def __init__(self) -> None:
        super().__init__()
        #: id(painted line) → (painted line, what the styling used, the styled line)
        self.styled: dict[int, tuple[Strip, tuple[object, ...], Strip]] = {}

    def render_line(
        self,
        styles: StylesBase,
        y: int,
        size: Size,
        content_size: Size,
        padding: Spacing,
        base_background: Color,
        background: Color,
        render_content_line: Callable[[int], Strip],
        *rest: Any,
    ) -> Strip:
        args = (styles, y, size, content_size, padding, base_background, background)
        if y >= content_size.height or styles.gutter != NO_GUTTER:
            return super().render_line(*args, render_content_line, *rest)
        painted = render_content_line(y)
        used = (size, content_size, base_background, background, *rest)
        found = self.styled.get(id(painted))
        if found is not None and found[0] is painted and found[1] == used:
            return found[2]
        line = super().render_line(*args, lambda _: painted, *rest)
        if len(self.styled) >= STYLED_CACHE:
            self.styled.clear()
        self.styled[id(painted)] = (painted, used, line)
        return line


class ColumnView(ScrollView, can_focus=False):
    """The cards of one column; ``cursor`` is the focused card's row.

    Columns never take the keyboard focus: the board screen owns the keys and marks one
    column ``active``. Moving between columns therefore changes no focus, which keeps the
    footer and layout still (a focus change re-renders the footer).
    """

    COMPONENT_CLASSES = {
        "card--title",
        "card--meta",
        "card--cursor",
        "card--cursor-blurred",
        "card--low",
        "card--normal",
        "card--high",
        "card--urgent",
        "card--overdue",
        "card--today",
        "card--done",
        "card--empty",
        "card--timer",
    }

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)
    #: The rows' height changes with every move; with the scrollbar always shown that
    #: never changes the widget's own layout, so skip the screen's layout pass.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    class CardClicked(Message):
        """The user clicked a card (or the column's empty space)."""

        def __init__(self, column: ColumnView, row: int) -> None:
            super().__init__()
            self.column = column
            self.row = row

    def __init__(
        self,
        column: Column,
        source: RowSource,
        today: Callable[[], date],
        *,
        now: Callable[[], datetime] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._line_styles = LineStylesCache()
        self._styles_cache = self._line_styles
        #: A blank line per (width, style): the same object each time (see LineStylesCache).
        self._blanks: dict[tuple[int, Style], Strip] = {}
        self.column = column
        self.source = source
        self.today = today
        #: The clock a running timer's elapsed time is read from.
        self.now = now or (lambda: datetime.now(UTC))
        self.count = 0
        self.active = False
        #: Rows read so far (row index → row), filled a page at a time.
        self._rows: dict[int, CardRow] = {}
        self._styles: dict[str, Style] = {}
        #: (id of the card row, line of the card, width, cursor style, language, today,
        #: timer) → (the card row, the painted line); the row is kept to check identity
        #: (a row is immutable; hashing all its fields for every line cost more than drawing).
        self._lines: dict[tuple[object, ...], tuple[CardRow, Strip]] = {}
        #: The content width during one ``render_lines`` pass (None outside a pass).
        self._pass_width: int | None = None

    def on_mount(self) -> None:
        self.set_interval(TIMER_TICK_SECONDS, self.tick_timers, name="card-timers")

    # ------------------------------------------------------------------ data
    def elapsed(self, card: CardRow) -> int | None:
        """Whole minutes the card's running timer has run (None: no timer runs)."""
        started = card.timer_started_at
        if started is None:
            return None
        if started.tzinfo is None:
            started = started.replace(tzinfo=UTC)
        seconds = (self.now().astimezone(UTC) - started.astimezone(UTC)).total_seconds()
        return max(0, int(seconds // 60))

    def tick_timers(self) -> list[int]:
        """Repaint the meta line of each card in view whose timer runs (its elapsed time
        moved on); nothing else is repainted. Returns the rows repainted."""
        if not self.count:
            return []
        height = self.scrollable_content_region.height
        first = round(self.scroll_offset.y) // CARD_HEIGHT
        last = min(self.count - 1, (round(self.scroll_offset.y) + height) // CARD_HEIGHT)
        ticked: list[int] = []
        for index in range(first, last + 1):
            card = self._rows.get(index)
            if card is not None and card.timer_started_at is not None:
                _, rest = self._title_parts(card, self.scrollable_content_region.width)
                line = 2 if rest else 1  # a wrapped title moves the meta line down
                top = index * CARD_HEIGHT + line - round(self.scroll_offset.y)
                self.refresh(Region(0, top, self.size.width, 1))
                ticked.append(index)
        return ticked

    def set_count(self, count: int) -> None:
        """New number of rows; drops cached pages so the next paint reads fresh rows.

        The virtual size only changes when the count does: a new size means a layout pass.
        """
        self._rows.clear()
        if count != self.count or (not self.virtual_size.height and count):
            self.count = count
            self.virtual_size = Size(self.scrollable_content_region.width, count * CARD_HEIGHT)
        self.cursor = max(0, min(self.cursor, count - 1))
        self.refresh()

    def take(self, index: int) -> CardRow | None:
        """Remove the row at ``index`` from the view (a card moved away), without a query.

        The rows below move up a place; only the lines from ``index`` down are repainted.
        """
        card = self.row(index)
        if card is None:
            return None
        self._rows = {
            (key if key < index else key - 1): row
            for key, row in self._rows.items()
            if key != index
        }
        self._resize(self.count - 1)
        self._refresh_from(index)
        self.cursor = max(0, min(self.cursor, self.count - 1))
        return card

    def put(self, index: int, card: CardRow) -> None:
        """Show ``card`` at row ``index`` (a card moved in), without a query; the rows from
        ``index`` down move a place and only their lines are repainted."""
        index = max(0, min(index, self.count))
        rows = {(key if key < index else key + 1): row for key, row in self._rows.items()}
        rows[index] = card
        self._rows = rows
        self._resize(self.count + 1)
        self._refresh_from(index)

    def _resize(self, count: int) -> None:
        """A new row count: the scroll range and the scrollbar follow, nothing else is
        repainted (the caller repaints the lines that changed). The scrollbar is redrawn
        only when its thumb changes (one card more in 150 rarely moves it)."""
        before = self._thumb(self.count * CARD_HEIGHT)
        self.count = count
        size = Size(self.scrollable_content_region.width, count * CARD_HEIGHT)
        self.set_reactive(ColumnView.virtual_size, size)
        if before is not None and before == self._thumb(size.height):
            self.vertical_scrollbar.set_reactive(ScrollBar.window_virtual_size, size.height)
            self.scroll_y = self.validate_scroll_y(self.scroll_y)
        else:
            self._scroll_update(size)

    def _thumb(self, virtual: int) -> tuple[int, int] | None:
        """The scrollbar thumb in eighths of a cell, as Textual's ScrollBarRender draws it
        (None: no scrollbar)."""
        window = self.scrollable_content_region.height
        if window <= 0 or virtual <= window or not self.show_vertical_scrollbar:
            return None
        thumb = max(1.0, window / (virtual / window))
        position = (window - thumb) * (self.scroll_offset.y / (virtual - window))
        start = int(position * 8)
        return start, start + ceil(thumb * 8)

    def _refresh_from(self, index: int) -> None:
        """Repaint the lines from row ``index`` to the bottom of the viewport."""
        top = max(0, index * CARD_HEIGHT - round(self.scroll_offset.y))
        height = self.size.height - top
        if height > 0:
            self.refresh(Region(0, top, self.size.width, height))

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            self._refresh_card(self.cursor)

    def row(self, index: int) -> CardRow | None:
        if not 0 <= index < self.count:
            return None
        found = self._rows.get(index)
        if found is None:
            first = index - index % PAGE_SIZE
            for number, row in enumerate(self.source(self.column, first, PAGE_SIZE)):
                self._rows.setdefault(first + number, row)
            found = self._rows.get(index)
        return found

    @property
    def current(self) -> CardRow | None:
        return self.row(self.cursor)

    def page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // CARD_HEIGHT)

    # ---------------------------------------------------------------- cursor
    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_card(old)
        self._refresh_card(new)
        self.scroll_to_region(
            Region(0, new * CARD_HEIGHT, 1, CARD_HEIGHT), animate=False, force=True
        )

    def _refresh_card(self, index: int) -> None:
        top = index * CARD_HEIGHT - round(self.scroll_offset.y)
        self.refresh(Region(0, top, self.size.width, CARD_HEIGHT))

    def move_cursor(self, delta: int) -> None:
        if self.count:
            self.cursor = max(0, min(self.count - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.move_cursor(direction * self.page_rows())

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.count * CARD_HEIGHT)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """A layout pass of the screen hands every scroll view the virtual size of its
        layout (the content area), never the column's own (rows × card height, set by the
        column): Textual took that as a change and redrew all four scrollbars, and so the
        whole row of columns, at every layout (a toast, the "saving…" mark). The column's
        own virtual size is compared instead: only a new size redraws."""
        return super()._size_updated(size, self.virtual_size, container_size, layout)

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._lines.clear()
        self._blanks.clear()
        self._line_styles.styled.clear()
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        """A component style (or ``""`` for the widget's own), cached between style changes:
        computing them walks every ancestor, and each painted line needs several."""
        found = self._styles.get(name)
        if found is None:
            found = self.rich_style if not name else self.get_component_rich_style(name)
            self._styles[name] = found
        return found

    def on_click(self, event: Click) -> None:
        row = (event.y + round(self.scroll_offset.y)) // CARD_HEIGHT
        self.post_message(self.CardClicked(self, min(row, max(0, self.count - 1))))

    # --------------------------------------------------------------- drawing
    def render_lines(self, crop: Region) -> list[Strip]:
        self._pass_width = self.scrollable_content_region.width
        try:
            return super().render_lines(crop)
        finally:
            self._pass_width = None

    def render_line(self, y: int) -> Strip:
        width = self._pass_width
        if width is None:
            width = self.scrollable_content_region.width
        index, part = divmod(y + round(self.scroll_offset.y), CARD_HEIGHT)
        if self.count == 0:
            if y == 1:
                style = self._style("card--empty")
                hint = t("board.empty_done") if self.column is Column.DONE else t("board.empty")
                return Strip([Segment(fit(" " + hint, width), style)], width)
            return self._blank(width)
        card = self.row(index)
        if card is None:
            return self._blank(width)
        title, rest = self._title_parts(card, width)
        if part == 2 and not rest:
            return self._blank(width)
        # a wrapped title: its second line, then the meta line in the blank's place
        shown = ("title", "rest", "meta")[part] if rest else ("title", "meta", "")[part]
        cursor = 0 if index != self.cursor else 1 if self.active else 2
        meta = shown == "meta"
        key = (
            id(card),
            shown,
            width,
            cursor,
            language(),
            self.today() if meta else None,
            self.elapsed(card) if meta else None,
            title,
        )
        found = self._lines.get(key)
        if found is not None and found[0] is card:
            return found[1]
        base = self._style("")
        if cursor:
            base = base + self._style("card--cursor" if cursor == 1 else "card--cursor-blurred")
        if shown == "title":
            segments = self._title_line(card, width, base, title)
        elif shown == "rest":
            segments = self._rest_line(card, width, base, rest)
        else:
            segments = self._meta_line(card, width, base)
        line = Strip(segments, width)
        if len(self._lines) >= LINE_CACHE:
            self._lines.clear()
        self._lines[key] = (card, line)
        return line

    def _blank(self, width: int) -> Strip:
        style = self._style("")
        found = self._blanks.get((width, style))
        if found is None:
            found = self._blanks[(width, style)] = Strip.blank(width, style)
        return found

    def wide(self) -> bool:
        """Titles take two lines when the terminal is this wide."""
        return self.app.size.width >= WIDE_FROM

    def _title_parts(self, card: CardRow, width: int) -> tuple[str, str]:
        """The title's first line and its second ("" unless wide and too long)."""
        return title_parts(card.title, width - 3, self.wide())

    def _title_style(self, card: CardRow, base: Style) -> Style:
        title_style = base + self._style("card--title")
        if card.priority.value == "urgent" and not card.done:
            title_style += self._style("card--urgent")
        return title_style

    def _rest_line(self, card: CardRow, width: int, base: Style, rest: str) -> list[Segment]:
        return [
            Segment("   ", base),
            Segment(fit(rest, width - 3), self._title_style(card, base)),
        ]

    def _title_line(
        self, card: CardRow, width: int, base: Style, title: str | None = None
    ) -> list[Segment]:
        if card.done:
            mark, mark_style = "✓", self._style("card--done")
        else:
            mark = PRIORITY_MARKS[card.priority.value]
            mark_style = self._style(f"card--{card.priority.value}")
        shown = one_line(card.title) if title is None else title
        return [
            Segment(" ", base),
            Segment(mark, base + mark_style),
            Segment(" ", base),
            Segment(fit(shown, width - 3), self._title_style(card, base)),
        ]

    def _meta_line(self, card: CardRow, width: int, base: Style) -> list[Segment]:
        meta = base + self._style("card--meta")
        parts: list[tuple[str, Style]] = []
        elapsed = self.elapsed(card)
        if elapsed is not None:
            running = base + self._style("card--timer")
            parts.append((f"{TIMER_MARK} {duration(elapsed)}", running))
        if card.done and card.done_at:
            local = card.done_at.astimezone()
            when = f"{t(f'weekday.{local.weekday()}')} {local:%H:%M}"
            parts.append((t("card.done_at", when=when), meta))
        elif not card.done:
            state = due_state(
                card.due,
                self.today(),
                generated=card.template_id is not None,
                overdue_since=card.overdue_since,
            )
            if state:
                text, kind = state
                name = {"overdue": "card--overdue", "today": "card--today"}.get(kind, "card--meta")
                parts.append((text, base + self._style(name)))
        if card.assignee:  # shown literally: a name as typed
            parts.append((one_line(short_name(card.assignee)), meta))
        if card.category:
            parts.append((one_line(category_label(card.category)), meta))
        if card.template_id is not None:
            parts.append((f"↻ {period_label(card.period_key)}".rstrip(), meta))
        if card.estimate_minutes:
            parts.append((duration(card.estimate_minutes), meta))
        progress = checklist_progress(card.checklist)
        if progress:
            parts.append((f"☑ {progress[0]}/{progress[1]}", meta))
        segments = [Segment("   ", base)]
        used = 3
        for number, (text, style) in enumerate(parts):
            piece = (" · " if number else "") + text
            room = width - used
            if room <= 0:
                break
            piece = fit(piece, room) if cell_len(piece) > room else piece
            segments.append(Segment(piece, style))
            used += cell_len(piece)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return segments
