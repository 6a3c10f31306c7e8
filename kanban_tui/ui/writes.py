"""Writes off the UI thread: one writer thread for the whole app, a quiet "saving…" mark.

A unit of work can wait on a lock — SQLite's busy timeout and retries (up to 5 × 5 s), a
PostgreSQL server that is away (up to 30 s) — so no screen writes on the UI thread. Each
write is queued on the app's one writer thread, so writes are stored in the order they
were made (the board's optimistic moves use the same queue). What a write returns is
handed back to the UI thread; a failure is shown as one line and changes nothing on the
screen.

While any write is on its way for longer than a frame, the screen on show carries a
"saving…" mark in its top-right corner; it goes when the last write ends. Each full screen
gets its mark, hidden, as it comes on show (a new screen is painted whole anyway); showing
and hiding it then repaints only its corner. Mounting it when a write outlasted a frame was
a layout pass that repainted the whole board in the middle of a move. A dialog gets its
mark only while a write is on show (a hidden one would move the centred dialog a line).

A write has a key (the card, the form): a second write with the same key while the first
is on its way is refused, so ``d`` twice or enter twice on a form does not apply twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import Static

from kanban_tui.errors import KanbanError
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen
    from textual.timer import Timer
    from textual.widget import Widget

T = TypeVar("T")

#: A write that takes longer than this (one frame at 60 Hz) shows the "saving…" mark.
FRAME_SECONDS = 1 / 60


def one_line(exc: BaseException) -> tuple[str, str]:
    """A failed write as the error dialog shows it: a title and the first line of why."""
    if isinstance(exc, KanbanError):
        title, message = exc.title, exc.message
    else:
        title, message = t("writes.failed"), str(exc) or type(exc).__name__
    return title, (message.splitlines() or [""])[0]


class SavingMark(Static):
    """The quiet "saving…" in the top-right corner of the screen on show (its style is in
    ``app.tcss``: over the screen, moving nothing under it); hidden while nothing waits."""

    ID = "saving-mark"

    def __init__(self) -> None:
        super().__init__(Text(t("writes.saving")), id=self.ID)
        self.visible = False  # shown by Writes while a write is on its way

    def on_mount(self) -> None:
        self.place()

    def place(self) -> None:
        """Stick to the top-right corner of the screen (nothing changes when it is there)."""
        width = cell_len(t("writes.saving")) + 2  # the padding
        self.styles.offset = (max(0, self.screen.size.width - width), 0)

    def show(self, shown: bool) -> None:
        """Show or hide the mark: a repaint of its own corner, no layout of the screen."""
        if shown:
            self.place()
        self.visible = shown


class Writes:
    """The app's writer thread and the "saving…" mark; owned by the app (``app.writes``)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._executor: ThreadPoolExecutor | None = None
        self._last: Future[None] | None = None
        #: Keys of the writes on their way (UI thread only).
        self._keys: set[Hashable] = set()
        #: Writes begun and not yet ended, moves included (UI thread only).
        self._open = 0
        self._timer: Timer | None = None
        #: The mark on show (on the screen on show), None while hidden.
        self._mark: SavingMark | None = None
        #: Set while no write is on its way (what :meth:`idle` waits for).
        self._idle = asyncio.Event()
        self._idle.set()

    # ------------------------------------------------------------ the queue
    def submit(self, job: Callable[[], None]) -> Future[None]:
        """Run ``job`` in the writer thread after every write queued before it."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ui-writes")
        future = self._executor.submit(job)
        self._last = future
        return future

    def busy(self, key: Hashable) -> bool:
        """Whether a write with ``key`` is on its way."""
        return key in self._keys

    def run(
        self,
        key: Hashable,
        work: Callable[[], T],
        done: Callable[[T], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        screen: Widget | None = None,
    ) -> bool:
        """Queue ``work`` in the writer thread; ``done(result)`` runs on the UI thread when
        it is stored, ``failed(error)`` when it fails (default: the error dialog, one line).
        False, and nothing queued, while a write with the same ``key`` is on its way.

        With ``screen``: when the write ends after that screen was closed, ``done`` and
        ``failed`` are not called (they would paint a screen that is gone); the board is
        read again instead (the app's ``written``), and a failure shows the error dialog."""
        if key in self._keys:
            return False
        self._keys.add(key)
        app = self.app

        def back(result: Any, error: BaseException | None) -> None:
            self._keys.discard(key)
            self.end()
            if screen is not None and not screen.is_mounted:
                if error is not None:
                    self.show_failure(error)
                else:
                    self.written()
            elif error is not None:
                (failed or self.show_failure)(error)
            elif done is not None:
                done(result)

        def job() -> None:
            result: Any = None
            error: BaseException | None = None
            try:
                result = work()
            except Exception as exc:  # told on the UI thread, one line
                error = exc
            # back on the UI thread, as a message to the app (its context: dialogs can open)
            app.call_later(back, result, error)

        self.begin()
        self.submit(job)
        return True

    def written(self) -> None:
        """A write from a screen that is closed now has ended: the app repaints the board
        (the screen's own callback already read it before the write was stored)."""
        hook = getattr(self.app, "written", None)
        if hook is not None:
            hook()

    def show_failure(self, error: BaseException) -> None:
        """The error dialog with the failure's first line."""
        title, message = one_line(error)
        show = getattr(self.app, "show_error", None)
        if show is not None:
            show(title, message)
        else:  # pragma: no cover - every screen runs in KanbanApp
            self.app.notify(f"{title}: {message}", severity="error", markup=False)

    def wait(self) -> None:
        """Block until every write queued so far has ended (quit, unmount)."""
        last = self._last
        if last is not None and not last.done():
            last.result()

    async def idle(self) -> None:
        """Wait (on the UI loop, without blocking it) until no write is on its way and
        what each one stored has been handed back to its screen."""
        await self._idle.wait()

    def close(self) -> None:
        """Finish the queue and stop the writer thread (the app is closing)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    # ------------------------------------------------------------- the mark
    @property
    def saving(self) -> bool:
        """Whether the "saving…" mark is on show."""
        return self._mark is not None

    def begin(self) -> None:
        """A write is on its way: the mark shows if it is still on its way after a frame."""
        self._open += 1
        self._idle.clear()
        if self._open == 1 and self._timer is None:
            self._timer = self.app.set_timer(FRAME_SECONDS, self._show, name="saving-mark")

    def end(self) -> None:
        """A write has ended: the mark goes with the last one."""
        self._open = max(0, self._open - 1)
        if self._open:
            return
        self._idle.set()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._mark is not None:
            mark, self._mark = self._mark, None
            self._hide(mark)

    def follow(self) -> None:
        """Give each full screen its hidden mark as it comes on show (the app calls this
        when it starts, before its first screen)."""
        self.app.screen_change_signal.subscribe(self.app, self._screen_changed)

    @staticmethod
    def _keeps(screen: Screen[Any]) -> bool:
        """Whether ``screen`` keeps its mark hidden between writes: full screens do; a
        dialog is centred on its screen, and even a hidden mark would move it a line, so a
        dialog gets one only while a write is on show (a dialog holds no columns)."""
        return not isinstance(screen, ModalScreen)

    def _mark_of(self, screen: Screen[Any]) -> SavingMark:
        """The screen's mark, mounted (hidden) if it has none yet."""
        try:  # a child of the screen, found by its id (kept nowhere else: it goes with it)
            return screen.get_child_by_id(SavingMark.ID, SavingMark)
        except NoMatches:
            mark = SavingMark()
            screen.mount(mark)
            return mark

    def _hide(self, mark: SavingMark) -> None:
        if not mark.is_attached:  # its screen is gone, and the mark with it
            return
        if self._keeps(mark.screen):
            mark.show(False)
        else:
            mark.remove()

    def _show(self) -> None:
        self._timer = None
        if not self._open or self._mark is not None:
            return
        self._mark = self._mark_of(self.app.screen)
        self._mark.show(True)

    def _screen_changed(self, screen: Screen[Any]) -> None:
        """A screen comes on show: a full screen gets its mark; a mark on show moves."""
        old = self._mark
        if old is None:
            if self._keeps(screen):
                self._mark_of(screen)
            return
        mark = self._mark_of(screen)
        if old is not mark:
            self._hide(old)
            self._mark = mark
            mark.show(True)
