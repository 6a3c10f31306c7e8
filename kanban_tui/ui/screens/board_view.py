"""The board screen's view: four columns side by side, their heads and the top bar, the
rows the screen shows (filter and "mine" applied) and the focus model. The board's moves
(:mod:`.board_moves`) and keys (:mod:`.board`) build on it."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.notifications import Notification
from textual.widgets import Input, Static

from kanban_tui.domain.models import COLUMNS, Column
from kanban_tui.format import duration
from kanban_tui.i18n import t
from kanban_tui.services.board import BoardService, CardRow
from kanban_tui.services.budget import DayLoad, day_load
from kanban_tui.ui.actions import BOARD_ACTIONS, NamedAction
from kanban_tui.ui.compositor import UpdateCompositor
from kanban_tui.ui.screens.base import AppScreen
from kanban_tui.ui.widgets.column import ColumnView
from kanban_tui.ui.widgets.footer import KanbanFooter


def load_bar(load: DayLoad, width: int = 12) -> Text:
    """ "Today 5 h 10 m / 7 h ▇▇▇▇▇▇▇░░░" — and, when over, what to defer."""
    filled = min(width, round(load.ratio * width))
    style = "bold red" if load.over else "green" if load.ratio < 0.85 else "yellow"
    text = Text(
        t(
            "load.today",
            planned=duration(load.planned_minutes),
            capacity=duration(load.capacity_minutes),
        )
        + " "
    )
    text.append("▇" * filled, style=style)
    text.append("░" * (width - filled), style="dim")
    if load.over:
        excess = duration(load.planned_minutes - load.capacity_minutes)
        text.append("  ⚠ " + t("load.over", excess=excess, count=len(load.suggestions)), "bold red")
    else:
        text.append("  " + t("load.buffer", left=duration(load.buffer_left)), "dim")
    return text


#: Below this width the board keeps only the essentials in its header and footer.
NARROW = 100
#: The footer's keys on a narrow board: help and quit are always among them.
NARROW_FOOTER = ("toggle_done", "new_card", "edit_card", "undo", "help", "quit")


def bindings(
    actions: tuple[NamedAction, ...] = BOARD_ACTIONS, narrow: bool = False
) -> list[BindingType]:
    return [
        Binding(
            a.keys,
            a.action,
            t(f"action.{a.id}"),
            show=a.footer and (not narrow or a.id in NARROW_FOOTER),
            key_display=a.display or None,
            id=a.id,
        )
        for a in actions
    ]


class BoardView(AppScreen[None]):
    """Columns, heads, top bar and the focus model; :meth:`settle` is where pending writes
    are waited for (:class:`~kanban_tui.ui.screens.board_moves.BoardMoves` has some)."""

    def __init__(
        self, service: BoardService, actions: tuple[NamedAction, ...] = BOARD_ACTIONS
    ) -> None:
        super().__init__()
        #: a move repaints two columns: only they are drawn again (see ui/compositor.py)
        self._compositor = UpdateCompositor()
        self.actions = actions
        self._bind(actions)
        self.service = service
        self.filter_text = ""
        #: Only the current user's cards (the "mine" key).
        self.mine = False
        self.focus_index = 0
        self._columns: list[ColumnView] = []
        self._heads: dict[Column, tuple[int, int]] = {}
        self._last_history_toast: Notification | None = None
        self._narrow = False

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW
        if narrow != self._narrow:
            self._narrow = narrow
            self._bind(self.actions, narrow)
            self.refresh_bindings()
        for view in self._columns:
            self._paint_head(view)
        self._repaint_topbar()

    def _repaint_topbar(self) -> None:
        """The top bar again, with the counts and today's load it has (no query: before
        the load is first read, after the first frame, the bar goes without it)."""
        if self._columns:
            load: DayLoad | None = getattr(self, "load", None)
            total = sum(view.count for view in self._columns)
            self._update_topbar(total, load, show_load=load is not None)

    def _bind(self, actions: tuple[NamedAction, ...], narrow: bool = False) -> None:
        """The board's keys as the keymap has them, described in the current language.

        ``BINDINGS`` were read when the class was made (default keys, the language then);
        the board's own entries are replaced, inherited ones (tab, ctrl+p …) kept.
        """
        own = {a.action for a in BOARD_ACTIONS}
        table = self._bindings.key_to_bindings
        for key in list(table):
            kept = [b for b in table[key] if b.action not in own]
            if kept:
                table[key] = kept
            else:
                del table[key]
        for binding in Binding.make_bindings(bindings(actions, narrow)):
            table.setdefault(binding.key, []).append(binding)

    # --------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        with Horizontal(id="columns"):
            for column in COLUMNS:
                with Vertical(classes="column-pane", id=f"pane-{column.value}"):
                    yield Static(id=f"head-{column.value}", classes="column-head")
                    yield ColumnView(
                        column,
                        self._rows,
                        self.service.today,
                        now=self.service.clock,
                        id=f"col-{column.value}",
                    )
        box = Input(id="filter", placeholder=t("board.filter_placeholder"))
        box.can_focus = False  # focusable only while shown (see action_filter)
        yield box
        yield KanbanFooter()

    def on_mount(self) -> None:
        self._columns[:] = [self.query_one(f"#col-{c.value}", ColumnView) for c in COLUMNS]
        # the first frame needs the counts and the visible rows; today's load (two more
        # queries over Daily and the incidents) follows in the next frame
        self.reload(load_later=True)
        self.activate(0)

    @property
    def columns(self) -> list[ColumnView]:
        return self._columns

    def activate(self, index: int) -> None:
        """Make column ``index`` the one the keys act on (no widget focus changes)."""
        self.focus_index = index
        for number, view in enumerate(self._columns):
            active = number == index
            if view.active != active:
                # no CSS class: restyling a pane costs a style pass per move
                view.set_active(active)
                self._paint_head(view)

    @property
    def column(self) -> ColumnView:
        return self.columns[self.focus_index]

    def column_of(self, column: Column) -> ColumnView:
        return self.columns[COLUMNS.index(column)]

    # ---------------------------------------------------------------- data
    def _rows(self, column: Column, offset: int, limit: int) -> list[CardRow]:
        self.settle()
        return self.service.rows(column, offset, limit, self._filter(), self._who())

    def _filter(self) -> str:
        return self.filter_text

    def _who(self) -> str | None:
        """The person whose cards the board shows, None for everyone."""
        return self.service.actor if self.mine else None

    def reload(self, *only: Column, focus: int | None = None, load_later: bool = False) -> None:
        """Re-read the counts of ``only`` (default: every column) and repaint them."""
        self.settle()
        text = self._filter()
        total = 0
        for view in self.columns:
            if only and view.column not in only:
                total += view.count
                continue
            count, minutes = self.service.summary(view.column, text, self._who())
            view.set_count(count)
            total += count
            self._heads[view.column] = (count, minutes)
            self._paint_head(view)
        if load_later:
            self._update_topbar(total, show_load=False)
            self.call_after_refresh(self._update_topbar, total)
        else:
            self._update_topbar(total)
        if focus is not None:
            self.focus_card(focus)

    def _paint_head(self, view: ColumnView) -> None:
        count, minutes = self._heads.get(view.column, (0, 0))
        name_style = "bold reverse" if view.active else "bold"
        head = self.query_one(f"#head-{view.column.value}", Static)
        width = head.content_size.width or self.size.width // len(COLUMNS) - 2
        name = f" {t(f'column.{view.column.value}')} "
        text = Text.assemble((name, name_style), f" {count}")
        if minutes:
            # the total whole, shorter on a narrow pane, or left out — never cut to "· 1"
            for tail in ("  ·  " + duration(minutes), " · " + duration(minutes)):
                if text.cell_len + cell_len(tail) <= width:
                    text.append(tail)
                    break
        text.truncate(max(1, width), overflow="ellipsis")
        head.update(text, layout=False)  # one fixed line: no layout pass on every move

    def _update_topbar(
        self, total: int, load: DayLoad | None = None, *, show_load: bool = True
    ) -> None:
        today = self.service.clock()
        narrow = self.size.width and self.size.width < NARROW
        bar = Text.assemble(
            (" seller-kanban ", "bold reverse") if not narrow else "",
            f"  {today:%Y-%m-%d} " if not narrow else f" {today:%m-%d} ",
            t("weekday." + str(today.weekday())),
            f"   {t('board.cards_shown', count=total)}" if not narrow else "",
        )
        if self.mine:
            bar.append(f"   {t('people.mine_on', name=self._who() or '')}", style="italic")
        if self.filter_text:
            bar.append(f"   {t('board.filtered', text=self.filter_text)}", style="italic")
        if self.offline:  # issue 12: the server is away; edits wait and are retried
            bar.append(f"   {t('live.offline')}", style="italic")
        if show_load:
            self.load = load if load is not None else self._load()
            bar.append("   ")
            bar.append_text(load_bar(self.load, 6 if narrow else 12))
        self.query_one("#topbar", Static).update(bar, layout=False)

    def _load(self) -> DayLoad:
        settings = self.kanban.settings
        return day_load(self.service, settings.work_hours_per_day, settings.incident_buffer)

    def focus_card(self, card_id: int) -> None:
        """Put the cursor on ``card_id`` (if shown); the board takes the keyboard focus
        unless the user is typing in the filter box."""
        found = self.service.locate(card_id, self._filter(), self._who())
        if found is None:
            return
        column, row = found
        self.activate(COLUMNS.index(column))
        self.column.cursor = row

    #: True while a PostgreSQL board has lost its server (the top bar says so).
    offline = False

    def show_offline(self, offline: bool) -> None:
        """Mark the board offline (or back online) without asking the database anything."""
        self.offline = offline
        self._repaint_topbar()

    def refresh_from_outside(self) -> None:
        """Another process changed the database: repaint, keeping the focused card."""
        card = self.column.current
        self.reload()
        if card is not None:
            self.focus_card(card.id)

    def settle(self) -> None:
        """Wait until every pending write is stored (this view writes nothing itself)."""
