"""The board: four columns side by side, driven entirely from the keyboard. The view
(columns, heads, top bar) is in :mod:`.board_view`, the optimistic moves in
:mod:`.board_moves`; here are the keys."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from textual import on
from textual.notifications import Notification, Notify
from textual.widgets import Input

from kanban_tui.domain.models import COLUMNS, Column
from kanban_tui.domain.text import shorten
from kanban_tui.errors import KanbanError
from kanban_tui.format import duration
from kanban_tui.i18n import language, t
from kanban_tui.services.board import CardRow, categories_matching
from kanban_tui.services.templates import TemplateService
from kanban_tui.ui.screens.board_moves import BoardMoves, MoveOutcome
from kanban_tui.ui.screens.board_view import NARROW, NARROW_FOOTER, bindings, load_bar
from kanban_tui.ui.screens.card_form import CardForm
from kanban_tui.ui.screens.dialogs import ConfirmScreen, HelpScreen
from kanban_tui.ui.widgets.column import ColumnView


@dataclass(frozen=True)
class Saved:
    """What the card form stored: the card, and what its Repeat field did (a note to
    show, or why the rule was refused — the card is stored either way)."""

    card: CardRow
    note: str = ""
    error: KanbanError | None = None


class BoardScreen(BoardMoves):
    """The main screen: the board's keys. The view (columns, heads, top bar, focus) is
    :class:`~.board_view.BoardView`, the optimistic moves :class:`~.board_moves.BoardMoves`.
    """

    BINDINGS = bindings()
    #: Nothing takes the focus: the screen owns the keys (see ColumnView).
    AUTO_FOCUS = None

    # ------------------------------------------------------------- actions
    def action_focus_column(self, delta: int) -> None:
        index = max(0, min(len(COLUMNS) - 1, self.focus_index + delta))
        row = self.column.cursor
        self.activate(index)
        self.column.cursor = min(row, max(0, self.column.count - 1))

    def action_cursor(self, delta: int) -> None:
        self.column.move_cursor(delta)

    def action_reorder(self, delta: int) -> None:
        card = self.column.current
        if card is None:
            return
        view = self.column
        at_edge = view.cursor + delta < 0 or view.cursor + delta >= view.count

        def stored(moved: CardRow) -> None:
            if moved.position == card.position:
                if not at_edge:  # the line between the pinned urgent cards and the rest
                    key = (
                        "board.urgent_stays_up"
                        if card.priority == "urgent"
                        else "board.urgent_pinned"
                    )
                    self.notify(t(key), severity="warning")
                return
            self.reload(moved.column, focus=moved.id)

        # each press is one step, in order (no key: a second press is meant)
        self._write(object(), lambda: self.service.reorder(card.id, delta), stored)

    def action_toggle_done(self) -> None:
        card = self.column.current
        if card is None:
            return
        view, row = self.column, self.column.cursor

        def stored(changed: CardRow) -> None:
            self.reload(card.column, changed.column)
            if self.column is view:  # the cursor stays on the row the card left
                view.cursor = min(row, max(0, view.count - 1))
            key = "board.done_note" if changed.done else "board.reopened_note"
            self.notify(t(key, title=shorten(changed.title)), markup=False)

        # the card changes on the board once stored; space again meanwhile does nothing
        self._write(("card", card.id), lambda: self.service.toggle_done(card.id), stored)

    def action_new_card(self) -> None:
        column = self.column.column if self.column.column.is_open else Column.DAILY

        def store(values: dict[str, Any]) -> Saved:
            values = dict(values)
            repeat = values.pop("repeat", "")
            card = self.service.add(values, column)
            return self._store_repeat(card, repeat, "")

        def stored(saved: Saved) -> None:
            self._repeat_told(saved)
            self.reload(column, focus=saved.card.id)

        form = CardForm(None, t(f"column.{column.value}"), today=self.service.today())
        self.app.push_screen(form.stores(store, stored))

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

        def store(values: dict[str, Any]) -> Saved:
            values = dict(values)
            repeat = values.pop("repeat", "")
            changes = {k: v for k, v in values.items() if getattr(card, k) != v}
            updated = self.service.edit(card.id, changes) if changes else card
            return self._store_repeat(updated, repeat, current_rule)

        def stored(saved: Saved) -> None:
            self._repeat_told(saved)
            self.reload(focus=card.id)

        form = CardForm(card, today=self.service.today(), repeat=current_rule)
        self.app.push_screen(form.stores(store, stored))

    @property
    def templates(self) -> TemplateService:
        """The template service of the open board (for the card form's Repeat field)."""
        return self.kanban.board.templates

    def _store_repeat(self, card: CardRow, rule: str, before: str) -> Saved:
        """Create, change or pause the card's recurring template from the Repeat field
        (in the writer thread, after the card is stored: a refused rule is told, the card
        stays stored)."""
        if rule == before:
            return Saved(card)
        market = self.kanban.settings.default_marketplace
        try:
            if rule:
                row = self.templates.make_recurring(card.id, rule, market)
                return Saved(card, t("board.repeating", rule=row.describe(language())))
            self.templates.stop_recurring(card.id)
        except KanbanError as exc:
            return Saved(card, error=exc)
        return Saved(card, t("board.not_repeating"))

    def _repeat_told(self, saved: Saved) -> None:
        if saved.error is not None:
            self.kanban.show_error(saved.error.title, saved.error.message)
        elif saved.note:
            self.notify(saved.note, markup=False)

    def action_delete_card(self) -> None:
        card = self.column.current
        if card is None:
            return

        def deleted(_: CardRow) -> None:
            self.reload(card.column)
            self.notify(t("board.deleted_note", title=shorten(card.title)), markup=False)

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(("card", card.id), lambda: self.service.delete(card.id), deleted)

        self.app.push_screen(ConfirmScreen(t("board.confirm_delete", title=card.title)), answered)

    def _history(self, step: str) -> None:
        # each u is one step back, in order (no key: a second u is meant)
        self._write(object(), getattr(self.service, step), partial(self._history_done, step))

    def _history_done(self, step: str, result: tuple[str, int | None] | None) -> None:
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

        def stored(changed: CardRow) -> None:
            if changed.timer_started_at is not None:
                self.notify(t("load.timer_started", title=shorten(changed.title)), markup=False)
            else:
                time = duration(changed.spent_minutes - card.spent_minutes)
                self.notify(
                    t("load.timer_stopped", title=shorten(changed.title), time=time), markup=False
                )
            self.reload(changed.column, focus=changed.id)

        # t again while the first is on its way does nothing (it would stop what it starts)
        self._write(("card", card.id), lambda: self.service.toggle_timer(card.id), stored)

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

        def stored(moved: list[CardRow]) -> None:
            if moved:
                self.reload(Column.DAILY, Column.WEEKLY)
                self.notify(t("load.deferred", count=len(moved)))

        self._write("defer", lambda: self.service.defer(ids), stored)

    def action_playbook(self) -> None:
        from kanban_tui.services import playbooks
        from kanban_tui.ui.screens.playbooks import PlaybookPicker

        book = self._guard(lambda: playbooks.load(language()))
        if book is None:
            return

        def opened(card: CardRow) -> None:
            self.reload(Column.DAILY, focus=card.id)
            self.notify(t("playbooks.opened", title=shorten(card.title)), markup=False)

        def chosen(key: str | None) -> None:
            if key is not None:
                work = partial(playbooks.open_incident, self.service, book, key)
                self._write(("playbook", key), work, opened)

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

        app = self.kanban
        screen = ReviewScreen(
            app.board, language(), self.service.clock, app.settings.default_marketplace
        )
        app.push_screen(screen, lambda _: self.reload())

    def action_week(self) -> None:
        from kanban_tui.ui.screens.week import WeekScreen

        app = self.kanban
        screen = WeekScreen(
            app.board, app.settings.work_hours_per_day, app.settings.incident_buffer
        )
        app.push_screen(screen, lambda _: self.reload())

    def action_goals(self, next_month: bool = False) -> None:
        from kanban_tui.ui.screens.goals import GoalsScreen

        app = self.kanban
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

        app = self.kanban
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


__all__ = [
    "NARROW",
    "NARROW_FOOTER",
    "BoardScreen",
    "MoveOutcome",
    "bindings",
    "categories_matching",
    "load_bar",
]
