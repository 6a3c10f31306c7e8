"""The Textual application: one board screen, its dialogs, and the watchers around it."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterable
from functools import partial
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import ModalScreen, Screen

from kanban_tui import config
from kanban_tui.i18n import set_language, t
from kanban_tui.scheduler.runner import ScheduleRunner
from kanban_tui.services.session import Board
from kanban_tui.services.tick import TickResult
from kanban_tui.ui.actions import NamedAction
from kanban_tui.ui.bindings import retranslate
from kanban_tui.ui.keymap import resolve
from kanban_tui.ui.messages import DataChanged
from kanban_tui.ui.palette import palette, system_commands, theme_palette
from kanban_tui.ui.render_cache import install as install_render_cache
from kanban_tui.ui.screens.board import BoardScreen
from kanban_tui.ui.screens.dialogs import ErrorScreen, HelpScreen
from kanban_tui.ui.screens.forms import FormScreen
from kanban_tui.ui.writes import Writes

install_render_cache()  # closed screens' rendered lines were kept (see render_cache.py)


def screen_bindings() -> list[BindingType]:
    """``?`` and ``q`` on every full screen (KPI pane, review, templates, goals, week): the
    board binds its own (the user's keymap); dialogs have theirs (see ``check_action``)."""
    return [
        Binding("question_mark", "screen_help", t("action.help"), key_display="?"),
        Binding("q", "quit_board", t("action.quit")),
    ]


class KanbanApp(App[None]):
    """seller-kanban's board."""

    CSS_PATH = "app.tcss"
    TITLE = "seller-kanban"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = screen_bindings()

    def __init__(
        self,
        board: Board,
        *,
        settings: config.Settings | None = None,
        language: str = "en",
        save_settings: bool = True,
        actions: tuple[NamedAction, ...] | None = None,
    ) -> None:
        set_language(language)
        self._collector_paused = False
        super().__init__()
        retranslate(self, screen_bindings())
        self.board = board
        self.settings = settings or config.Settings()
        self.save_settings = save_settings
        #: the one writer thread every screen's writes go through, and the "saving…" mark
        self.writes = Writes(self)
        #: set once the start-up work after the first frame (the scheduler started, the
        #: risk-alert check run and its cards shown) is done; tests and benchmarks wait on it
        self.started_up = asyncio.Event()
        #: the board's actions with the user's keymap applied (bindings, help, palette)
        self.actions = actions if actions is not None else resolve(self.settings.keymap)
        self.runner = ScheduleRunner(
            self.request_tick,
            board.templates.next_moment,
            board.cards.clock,
            watch_seconds=self.settings.schedule_check_seconds,
        )
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme

    def on_load(self) -> None:
        """Start-up makes hundreds of thousands of objects that live as long as the app (the
        stylesheet, the DOM, the board's rows): the collector would go over them again and
        again before the first frame. It is paused from here (the app running: an app made
        and never run leaves it alone) until that frame is painted, and what exists then is
        frozen (gc.freeze): later collections, which otherwise stop a move for tens of
        milliseconds now and then, only go over what was made since."""
        self._collector_paused = gc.isenabled()
        gc.disable()

    def on_mount(self) -> None:
        self.writes.follow()  # each screen gets its hidden "saving…" mark as it shows
        self.push_screen(BoardScreen(self.board.cards, self.actions))
        self.board.db.changed_elsewhere()  # the baseline
        every = self.settings.refresh_seconds
        if self.board.db.is_server:  # issue 12: only a flag set by the listening thread
            every = min(every, 0.25)
        self.set_interval(every, self.poll_database, name="poll-db")
        if self.board.first_tick is not None:
            self.announce(self.board.first_tick)
        # the threads and the scheduler start once the first frame is painted: running
        # during it, they would hold the GIL (and the disk) while the board draws
        self.call_after_refresh(self._start_workers)

    def _start_workers(self) -> None:
        self._resume_collector(freeze=True)
        self.runner.start()
        # open_board has ticked already; only the risk-alert check is left, off the main thread
        self.run_worker(
            partial(self._tick_worker, tick=False), thread=True, group="tick", exclusive=True
        )
        self.run_worker(self._daily_backup, thread=True, group="backup")

    def _daily_backup(self) -> None:
        """Today's automatic backup, after the first frame (never in the way of start-up)."""
        from kanban_tui.errors import KanbanError
        from kanban_tui.services.backups import daily_backup

        try:
            daily_backup(self.board, self.settings.backups_kept)
        except KanbanError as exc:
            self.call_from_thread(
                self.notify, t("app.backup_failed", error=exc.message), severity="warning"
            )

    def on_key(self, event: events.Key) -> None:
        """Keys typed right after a key that opens a form (``n`` and the title at once) are
        queued for the screen below, which no longer has the keys: they reach here unused
        and go to the form, in the order typed, instead of being lost."""
        screen = self.screen
        if (
            isinstance(screen, FormScreen)
            and not screen.owns(event)
            and screen.take_early_key(event)
        ):
            event.stop()

    def _resume_collector(self, *, freeze: bool = False) -> None:
        """Let the garbage collector run again (see ``__init__``); ``freeze``: everything
        made so far goes to its permanent generation, out of later collections' way."""
        if self._collector_paused:
            self._collector_paused = False
            if freeze:
                gc.freeze()
                self._frozen = True
            gc.enable()

    #: True while the start-up heap is frozen (given back to the collector on unmount).
    _frozen = False

    def on_unmount(self) -> None:
        self.runner.shutdown()
        self._resume_collector()
        if self._frozen:  # what the app made can be collected again once it is gone
            self._frozen = False
            gc.unfreeze()
        self.writes.close()  # no write is lost on quit: the queue is finished first

    # ---------------------------------------------------------- scheduler
    def request_tick(self, reason: str = "") -> None:
        """Generate due cards in a worker thread; the board updates when it is done."""
        self.run_worker(self._tick_worker, thread=True, group="tick", exclusive=True)

    def _tick_worker(self, tick: bool = True) -> None:
        """A tick (``tick``) or only the risk-alert check (the one at start-up)."""
        result = self.board.templates.tick() if tick else TickResult()
        alerts = self.board.check_alerts()
        if alerts.created or alerts.updated or alerts.recovered:
            result.changed_by_alerts = True
        self.call_from_thread(self._ticked, result)
        if alerts.created:
            self.call_from_thread(self.notify, t("alerts.created", count=len(alerts.created)))
        if not tick:
            self.call_from_thread(self.started_up.set)

    def _ticked(self, result: TickResult) -> None:
        self.runner.plan()
        if result.changed or result.changed_by_alerts:
            screen = self.board_screen
            if screen.is_mounted:
                screen.refresh_from_outside()
            self.announce(result)

    def announce(self, result: TickResult) -> None:
        """A toast per column: "3 new daily cards"."""
        per_column: dict[str, int] = {}
        for item in result.created:
            per_column[item.column] = per_column.get(item.column, 0) + 1
        for column, count in per_column.items():
            self.notify(t("scheduler.new_cards", count=count, column=t(f"column.{column}")))
        if result.expired:
            self.notify(t("scheduler.expired", count=len(result.expired)), severity="warning")

    @property
    def board_screen(self) -> BoardScreen:
        return next(s for s in self.screen_stack if isinstance(s, BoardScreen))

    # ----------------------------------------------------------- watchers
    def poll_database(self) -> None:
        """Repaint when another process committed (``PRAGMA data_version`` moved, or on
        PostgreSQL a NOTIFY came); mark the board while its server is away."""
        offline = self.board.db.offline
        if offline:
            self._mark_offline(True)
            return
        self._mark_offline(False)
        try:
            changed = self.board.db.changed_elsewhere()
        except Exception:  # the next poll tries again; a broken DB shows on the next action
            return
        if not changed:
            return
        board = self.board_screen
        if board.is_mounted:
            board.refresh_from_outside()
        if self.screen is not board:  # e.g. the KPI pane over the board
            self.screen.post_message(DataChanged())

    def written(self) -> None:
        """A write made on a screen that has closed since was stored: repaint the board
        (our own commits do not move ``data_version``)."""
        board = next((s for s in self.screen_stack if isinstance(s, BoardScreen)), None)
        if board is not None and board.is_mounted:
            board.refresh_from_outside()
        if self.screen is not board:
            self.screen.post_message(DataChanged())

    def _mark_offline(self, offline: bool) -> None:
        """Show (or clear) the offline mark on the board, if it is up and it changed."""
        board = next((s for s in self.screen_stack if isinstance(s, BoardScreen)), None)
        if board is not None and board.is_mounted and board.offline != offline:
            board.show_offline(offline)

    def watch_theme(self, theme: str) -> None:
        if not self.save_settings or theme == self.settings.theme:
            return
        self.settings.theme = theme
        try:
            config.save(self.settings)
        except OSError as exc:
            self.notify(t("app.theme_not_saved", error=str(exc)), severity="warning", markup=False)

    # ------------------------------------------------------ ? and q anywhere
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("screen_help", "quit_board"):
            # the board has the user's keys for these; a dialog's q and ? are its own
            return not isinstance(self.screen, BoardScreen | ModalScreen)
        return True

    def action_screen_help(self) -> None:
        """The keys of the screen on show, as its footer names them (all of them)."""
        screen = self.screen
        rows: dict[tuple[str, str], None] = {}
        for node, binding, enabled, _ in screen.active_bindings.values():
            own = node in (screen, self) and binding.action != "command_palette"
            if own and binding.show and binding.description and enabled:
                rows[(self.get_key_display(binding), binding.description)] = None
        self.push_screen(HelpScreen(rows=list(rows)))

    def action_quit_board(self) -> None:
        self.board_screen.action_quit()

    # -------------------------------------------------------------- errors
    def show_error(self, title: str, message: str) -> None:
        self.push_screen(ErrorScreen(title, message))

    # ------------------------------------------------------------- palette
    def search_themes(self) -> None:
        self.push_screen(theme_palette())

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(palette())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from system_commands(self, screen)
        if isinstance(screen, BoardScreen):
            for item in self.actions:
                if item.id in ("clear_filter",):
                    continue
                yield SystemCommand(
                    t(f"action.{item.id}"),
                    t("palette.key", key=item.key_text),
                    _runner(screen, item.action),
                )


def _runner(screen: Screen[Any], action: str) -> Any:
    async def run() -> None:
        await screen.run_action(action)

    return run
