"""The board: four columns side by side, driven entirely from the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC
from typing import Any, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.widgets import Input, Static

from kanban_tui.domain.models import COLUMNS, Column, Priority
from kanban_tui.domain.text import shorten
from kanban_tui.errors import KanbanError
from kanban_tui.format import duration
from kanban_tui.i18n import language, t
from kanban_tui.services.board import BoardService, CardRow, categories_matching
from kanban_tui.services.budget import DayLoad, day_load
from kanban_tui.ui.actions import BOARD_ACTIONS, NamedAction
from kanban_tui.ui.screens.base import AppScreen
from kanban_tui.ui.screens.card_form import CardForm
from kanban_tui.ui.screens.dialogs import ConfirmScreen, HelpScreen
from kanban_tui.ui.widgets.column import ColumnView
from kanban_tui.ui.widgets.footer import KanbanFooter

T = TypeVar("T")


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


@dataclass(frozen=True)
class MoveOutcome:
    """What the write of one optimistic move found, read in the writer thread."""

    card: CardRow
    #: Where the card is shown now (column, row), or None when the filter hides it.
    shown: tuple[Column, int] | None
    #: Today's load when Daily was involved (the top bar shows it).
    load: DayLoad | None


class BoardScreen(AppScreen[None]):
    """The main screen. It holds the focus model and calls the board service.

    A move (shift+←/→) is optimistic: the two columns change in the view at once, without
    a query, and the write runs in one writer thread, in order. When it is stored, the
    screen checks the view against the database (and repaints the two columns if they
    differ); when it fails, every column is read again and a toast says why. Everything
    else that reads or writes cards first waits for the pending moves (:meth:`settle`).
    """

    BINDINGS = bindings()
    #: Nothing takes the focus: the screen owns the keys (see ColumnView).
    AUTO_FOCUS = None

    class MoveStored(Message):
        """The writer thread stored a move (``outcome`` None: skipped after a failure)."""

        def __init__(
            self, outcome: MoveOutcome | None, column: Column, planned: tuple[Column, int]
        ) -> None:
            super().__init__()
            self.outcome = outcome
            self.column = column  # where the card came from
            self.planned = planned

    class MoveFailed(Message):
        """The writer thread could not store a move: the view is rolled back."""

        def __init__(self, card: CardRow, error: str) -> None:
            super().__init__()
            self.card = card
            self.error = error

    def __init__(
        self, service: BoardService, actions: tuple[NamedAction, ...] = BOARD_ACTIONS
    ) -> None:
        super().__init__()
        self.actions = actions
        self._bind(actions)
        self.service = service
        self.filter_text = ""
        #: Only the current user's cards (the "mine" key).
        self.mine = False
        self.focus_index = 0
        self._columns: list[ColumnView] = []
        self._heads: dict[Column, tuple[int, int]] = {}
        #: The one writer thread of optimistic moves, their futures and count (UI thread).
        self._writer: ThreadPoolExecutor | None = None
        self._last_write: Future[None] | None = None
        self._unsent: list[Callable[[], None]] = []
        self._pending = 0
        #: Columns whose rows the database placed otherwise than the view guessed, the last
        #: such card, and today's load: applied when the last pending move is stored.
        self._misplaced: dict[Column, None] = {}
        self._misplaced_card: int | None = None
        self._load_after_moves: DayLoad | None = None
        #: Moves carry the epoch they were made in; when one fails, the writer skips the
        #: rest of that epoch and the UI thread starts a new one after reading the board again.
        self._epoch = 0
        self._failed_epoch = -1
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
        if self._columns:
            self._update_topbar(
                sum(view.count for view in self._columns), getattr(self, "load", None)
            )

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
        if self._columns:
            self._update_topbar(
                sum(view.count for view in self._columns), getattr(self, "load", None)
            )

    def refresh_from_outside(self) -> None:
        """Another process changed the database: repaint, keeping the focused card."""
        card = self.column.current
        self.reload()
        if card is not None:
            self.focus_card(card.id)

    # ------------------------------------------------------------- actions
    def _guard(self, work: Callable[[], T]) -> T | None:
        self.settle()  # every pending move is stored first
        return super()._guard(work)

    def action_focus_column(self, delta: int) -> None:
        index = max(0, min(len(COLUMNS) - 1, self.focus_index + delta))
        row = self.column.cursor
        self.activate(index)
        self.column.cursor = min(row, max(0, self.column.count - 1))

    def action_cursor(self, delta: int) -> None:
        self.column.move_cursor(delta)

    def action_move_card(self, delta: int) -> None:
        """Move the focused card to the previous / next column: shown at once, stored by
        the writer thread (see the class docstring)."""
        source = self.column
        card = source.current
        index = self.focus_index + delta
        if card is None or not 0 <= index < len(COLUMNS):
            return
        row = source.cursor
        target = self.columns[index]
        moved = self._moved(card, target.column)
        at = self._landing(target, moved, row)
        # the view first: two rows change, the lines below them are repainted, no query
        source.take(row)
        target.put(at, moved)
        for view, sign in ((source, -1), (target, +1)):
            count, minutes = self._heads.get(view.column, (0, 0))
            self._heads[view.column] = (count + sign, minutes + sign * card.estimate_minutes)
        self.activate(index)  # repaints both heads (their active state changes)
        target.cursor = at
        self._write_move(card, delta, row, (target.column, at))

    def _moved(self, card: CardRow, to: Column) -> CardRow:
        """The card as the service will store it in ``to`` (see ``BoardService.move``)."""
        now = self.service.clock().astimezone(UTC)
        if to is Column.DONE:
            return replace(card, column=to, done_at=now, origin_column=card.column, updated_at=now)
        return replace(card, column=to, done_at=None, origin_column=None, updated_at=now)

    def _landing(self, target: ColumnView, card: CardRow, row: int) -> int:
        """The row where ``BoardService.step`` will show ``card`` in ``target``: the newest
        of Done on top; in an open column the place of the card now at ``row`` (urgent
        cards stay above the rest). The writer thread checks the guess."""
        if target.column is Column.DONE:
            return 0

        def urgent(found: CardRow | None) -> bool:
            return found is not None and found.priority is Priority.URGENT

        there = target.row(row) if row < target.count else None
        if there is not None and urgent(there) == urgent(card):
            return row
        if not urgent(card) and there is None:
            return target.count
        first_other = 0
        while first_other < target.count and urgent(target.row(first_other)):
            first_other += 1
        return first_other

    def _write_move(self, card: CardRow, delta: int, row: int, planned: tuple[Column, int]) -> None:
        """Queue the write of a move; it is handed to the writer thread once the frame that
        shows the move is painted (a writer running during that frame would hold the GIL
        and delay it)."""
        service, text, epoch = self.service, self._filter(), self._epoch
        who = self._who()
        settings = self.kanban.settings

        def write() -> None:
            if epoch <= self._failed_epoch:  # an earlier move failed: the view is read again
                self.post_message(self.MoveStored(None, card.column, planned))
                return
            try:
                moved = service.step(card.id, delta, row, card.column)  # issue 12: conflicts
                outcome = MoveOutcome(
                    card=moved,
                    shown=service.locate(moved.id, text, who),
                    load=(
                        day_load(service, settings.work_hours_per_day, settings.incident_buffer)
                        if Column.DAILY in (card.column, moved.column)
                        else None
                    ),
                )
            except Exception as exc:  # rolled back in the view, told in a toast
                self._failed_epoch = epoch
                message = exc.message if isinstance(exc, KanbanError) else str(exc)
                self.post_message(self.MoveFailed(card, message.splitlines()[0] if message else ""))
                return
            self.post_message(self.MoveStored(outcome, card.column, planned))

        self._pending += 1
        self._unsent.append(write)
        self.call_after_refresh(self._send_writes)

    def _send_writes(self) -> None:
        """Hand the queued writes to the one writer thread (it runs them in order)."""
        if not self._unsent:
            return
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="board-moves")
        for write in self._unsent:
            self._last_write = self._writer.submit(write)
        self._unsent.clear()

    def settle(self) -> None:
        """Wait until every move made so far is stored (or has failed)."""
        self._send_writes()
        last = self._last_write
        if last is not None and not last.done():
            last.result()

    @on(MoveStored)
    def _move_stored(self, event: MoveStored) -> None:
        self._pending -= 1
        outcome = event.outcome
        if outcome is not None:
            moved = outcome.card
            if outcome.shown != event.planned:
                # the guess was wrong (a filter, urgent cards) or the board changed meanwhile
                self._misplaced.update(dict.fromkeys((event.column, moved.column)))
                self._misplaced_card = moved.id
            if outcome.load is not None:
                self._load_after_moves = outcome.load
            if moved.done:
                self.notify(t("board.done_note", title=shorten(moved.title)), markup=False)
        if self._pending:
            return  # the view is checked when the last pending move is stored
        if self._misplaced:
            focused = self.column.current
            self.reload(*self._misplaced)
            if focused is not None and focused.id == self._misplaced_card:
                self.focus_card(focused.id)
            self._misplaced.clear()
        elif self._load_after_moves is not None:
            self._update_topbar(sum(view.count for view in self.columns), self._load_after_moves)
        self._load_after_moves = None

    @on(MoveFailed)
    def _move_failed(self, event: MoveFailed) -> None:
        self._pending -= 1
        self._epoch += 1
        self._misplaced.clear()
        self.reload()
        self.focus_card(event.card.id)
        self.notify(
            t("board.move_failed", title=shorten(event.card.title), error=event.error),
            severity="error",
            markup=False,
        )

    def on_unmount(self) -> None:
        """No move is lost on quit: the writer finishes the queue first."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None

    def action_reorder(self, delta: int) -> None:
        card = self.column.current
        if card is None:
            return
        view = self.column
        moved = self._guard(lambda: self.service.reorder(card.id, delta))
        if moved is None:
            return
        if moved.position == card.position:
            at_edge = view.cursor + delta < 0 or view.cursor + delta >= view.count
            if not at_edge:  # the line between the pinned urgent cards and the rest
                key = (
                    "board.urgent_stays_up" if card.priority == "urgent" else "board.urgent_pinned"
                )
                self.notify(t(key), severity="warning")
            return
        self.reload(moved.column, focus=moved.id)

    def action_toggle_done(self) -> None:
        card = self.column.current
        if card is None:
            return
        row = self.column.cursor
        changed = self._guard(lambda: self.service.toggle_done(card.id))
        if changed is None:
            return
        self.reload(card.column, changed.column)
        self.column.cursor = min(row, max(0, self.column.count - 1))
        key = "board.done_note" if changed.done else "board.reopened_note"
        self.notify(t(key, title=shorten(changed.title)), markup=False)

    def action_new_card(self) -> None:
        column = self.column.column if self.column.column.is_open else Column.DAILY

        def created(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            repeat = values.pop("repeat", "")
            card = self._guard(lambda: self.service.add(values, column))
            if card is not None:
                self._apply_repeat(card.id, repeat, "")
                self.reload(column, focus=card.id)

        form = CardForm(None, t(f"column.{column.value}"), today=self.service.today())
        self.app.push_screen(form, created)

    def action_edit_card(self, card_only: bool = False) -> None:
        """Edit the focused card; "Set next month's targets" opens the Goals screen on next
        month instead (``E``, ``card_only=True``, always edits the card)."""
        card = self.column.current
        if card is None:
            return

        template = self._guard(lambda: self.templates.template_of(card.id))
        if not card_only and template is not None and template.key == "next-month-targets":
            self.action_goals(next_month=True)
            return
        current_rule = template.rule if template is not None and template.active else ""

        def saved(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            repeat = values.pop("repeat", "")
            changes = {k: v for k, v in values.items() if getattr(card, k) != v}
            if changes:
                updated = self._guard(lambda: self.service.edit(card.id, changes))
                if updated is None:
                    return
            self._apply_repeat(card.id, repeat, current_rule)
            self.reload(focus=card.id)

        form = CardForm(card, today=self.service.today(), repeat=current_rule)
        self.app.push_screen(form, saved)

    @property
    def templates(self) -> Any:
        """The template service of the open board (for the card form's Repeat field)."""
        return self.kanban.board.templates

    def _apply_repeat(self, card_id: int, rule: str, before: str) -> None:
        """Create, change or pause the card's recurring template from the Repeat field."""
        if rule == before:
            return
        market = self.kanban.settings.default_marketplace
        if rule:
            row = self._guard(lambda: self.templates.make_recurring(card_id, rule, market))
            if row is not None:
                self.notify(t("board.repeating", rule=row.describe(language())), markup=False)
        else:
            self._guard(lambda: self.templates.stop_recurring(card_id))
            self.notify(t("board.not_repeating"))

    def action_delete_card(self) -> None:
        card = self.column.current
        if card is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            if self._guard(lambda: self.service.delete(card.id)) is not None:
                self.reload(card.column)
                self.notify(t("board.deleted_note", title=shorten(card.title)), markup=False)

        self.app.push_screen(ConfirmScreen(t("board.confirm_delete", title=card.title)), answered)

    def _history(self, step: str) -> None:
        result = self._guard(getattr(self.service, step))
        if result is None:
            if not self.service.history.done and step == "undo":
                self.notify(t("board.nothing_to_undo"), severity="warning")
            elif not self.service.history.undone and step == "redo":
                self.notify(t("board.nothing_to_redo"), severity="warning")
            return
        label, card_id = result
        self.reload(focus=card_id)
        action = t(f"history.{label}")
        title = self._title_of(card_id)
        if title is None:
            self._history_toast(t(f"board.{step}_note_untitled", action=action))
        else:
            self._history_toast(t(f"board.{step}_note", action=action, title=title))

    def _title_of(self, card_id: int | None) -> str | None:
        if card_id is None:
            return None
        try:
            return shorten(self.service.card(card_id).title)
        except KanbanError:  # gone again (an outside delete)
            return None

    def _history_toast(self, text: str) -> None:
        """One toast for undo/redo: a fast series of u replaces it instead of stacking five."""
        app = self.app
        previous = self._last_history_toast
        if previous is not None and previous in app._notifications:
            app._unnotify(previous, refresh=False)
        note = Notification(text, "", "information", app.NOTIFICATION_TIMEOUT, markup=False)
        self._last_history_toast = note
        app.post_message(Notify(note))

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.can_focus = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if not self.filter_text and not box.display:
            return
        box.value = ""
        box.display = False
        box.can_focus = False
        self._apply_filter("")
        self.set_focus(None)

    def action_mine(self) -> None:
        """Show only the current user's cards, or everyone's again."""
        card = self.column.current
        self.mine = not self.mine
        for view in self.columns:
            view.cursor = 0
        self.reload(focus=card.id if card else None)
        if self.mine:
            self.notify(t("people.mine_shown", name=self.service.actor or ""))
        else:
            self.notify(t("people.everyone_shown"))

    def action_detail(self) -> None:
        card = self.column.current
        if card is None:
            return
        from kanban_tui.ui.screens.card_detail import CardDetail

        self.app.push_screen(CardDetail(self.service, card), lambda _: self.reload(focus=card.id))

    def action_timer(self) -> None:
        card = self.column.current
        if card is None:
            return
        changed = self._guard(lambda: self.service.toggle_timer(card.id))
        if changed is None:
            return
        if changed.timer_started_at is not None:
            self.notify(t("load.timer_started", title=shorten(changed.title)), markup=False)
        else:
            time = duration(changed.spent_minutes - card.spent_minutes)
            self.notify(
                t("load.timer_stopped", title=shorten(changed.title), time=time), markup=False
            )
        self.reload(changed.column, focus=changed.id)

    def action_copy_card(self) -> None:
        """The focused card's title (and notes) to the clipboard: the terminal's, or the
        browser's under ``seller-kanban serve`` (OSC 52; the browser may ask first)."""
        card = self.column.current
        if card is None:
            return
        text = card.title + (f"\n\n{card.notes}" if card.notes else "")
        self.app.copy_to_clipboard(text)
        self.notify(t("board.copied_note", title=shorten(card.title)), markup=False)

    def action_defer(self) -> None:
        load = self._load()
        if not load.suggestions:
            self.notify(t("load.nothing"))
            return
        ids = [row.id for row in load.suggestions]
        moved = self._guard(lambda: self.service.defer(ids))
        if moved:
            self.reload(Column.DAILY, Column.WEEKLY)
            self.notify(t("load.deferred", count=len(moved)))

    def action_playbook(self) -> None:
        from kanban_tui.services import playbooks
        from kanban_tui.ui.screens.playbooks import PlaybookPicker

        book = self._guard(lambda: playbooks.load(language()))
        if book is None:
            return

        def chosen(key: str | None) -> None:
            if key is None:
                return
            card = self._guard(lambda: playbooks.open_incident(self.service, book, key))
            if card is not None:
                self.reload(Column.DAILY, focus=card.id)
                self.notify(t("playbooks.opened", title=shorten(card.title)), markup=False)

        self.app.push_screen(PlaybookPicker(book), chosen)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.actions))

    def action_templates(self) -> None:
        from kanban_tui.ui.screens.templates import TemplatesScreen

        self.app.push_screen(
            TemplatesScreen(self.kanban.board.templates, language()),
            lambda _: self.reload(),
        )

    def action_kpi(self) -> None:
        from kanban_tui.ui.screens.kpi import KpiScreen

        self.app.push_screen(
            KpiScreen(
                self.kanban.board.kpi,
                language(),
                self.kanban.settings.default_marketplace,
                self.service.clock,
            )
        )

    def action_review(self) -> None:
        from kanban_tui.ui.screens.review import ReviewScreen

        app: Any = self.app
        screen = ReviewScreen(
            app.board, language(), self.service.clock, app.settings.default_marketplace
        )
        app.push_screen(screen, lambda _: self.reload())

    def action_week(self) -> None:
        from kanban_tui.ui.screens.week import WeekScreen

        app: Any = self.app
        screen = WeekScreen(
            app.board, app.settings.work_hours_per_day, app.settings.incident_buffer
        )
        app.push_screen(screen, lambda _: self.reload())

    def action_goals(self, next_month: bool = False) -> None:
        from kanban_tui.ui.screens.goals import GoalsScreen

        app: Any = self.app
        today = self.service.today()
        month, hint = None, ""
        if next_month:
            index = today.year * 12 + today.month  # the month after today's, 0-based
            month = f"{index // 12:04d}-{index % 12 + 1:02d}"
            hint = t("goals_screen.from_card")
        screen = GoalsScreen(
            app.board.kpi, self.service.clock, app.settings.default_marketplace, month, hint
        )
        app.push_screen(screen, lambda _: self.reload())

    def action_settings(self) -> None:
        from kanban_tui.ui.screens.settings import SettingsScreen

        app: Any = self.app
        app.push_screen(SettingsScreen(app.settings), lambda _: self.reload())

    def action_quit(self) -> None:
        self.settle()
        self.app.exit()

    # -------------------------------------------------------------- events
    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._apply_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        if not self.filter_text:
            box = self.query_one("#filter", Input)
            box.display = box.can_focus = False
        self.set_focus(None)

    def _apply_filter(self, text: str) -> None:
        card = self.column.current
        self.filter_text = text.strip()
        for view in self.columns:
            view.cursor = 0
        self.reload(focus=card.id if card else None)

    @on(ColumnView.CardClicked)
    def _clicked(self, event: ColumnView.CardClicked) -> None:
        self.activate(self.columns.index(event.column))
        event.column.cursor = event.row
        self.set_focus(None)

    def action_page(self, direction: int) -> None:
        self.column.action_page(direction)


__all__ = ["BoardScreen", "categories_matching"]
