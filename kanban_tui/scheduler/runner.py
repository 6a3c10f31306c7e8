"""Drives the tick from APScheduler on the board's asyncio loop.

Two jobs:

* ``next-due`` — a one-off job at the earliest moment any template fires next (in its own
  time zone), re-planned after every tick, so cards appear on time;
* ``watch`` — every few seconds, compares the wall clock with the monotonic clock and the
  local date: a jump (the machine slept, or the clock was set) or a new day ticks at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # APScheduler is imported when the runner starts (after the first frame)
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

# APScheduler's own log lines would land on the terminal the board paints on.
logging.getLogger("apscheduler").setLevel(logging.ERROR)

#: A wall-clock drift bigger than this between two watch runs counts as a jump.
JUMP_SECONDS = 90.0


class ScheduleRunner:
    def __init__(
        self,
        tick: Callable[[str], None],
        next_moment: Callable[[], datetime | None],
        clock: Callable[[], datetime],
        watch_seconds: float = 30.0,
    ) -> None:
        self._tick = tick
        self._next_moment = next_moment
        self._clock = clock
        self._watch_seconds = watch_seconds
        self._scheduler: AsyncIOScheduler | None = None
        self._due: datetime | None = None
        self._last_wall = 0.0
        self._last_mono = 0.0
        self._last_day: date | None = None

    @property
    def due(self) -> datetime | None:
        """When the next card is expected."""
        return self._due

    def start(self) -> None:
        """Start on the running event loop (the app calls it once its first frame is
        painted: importing APScheduler and planning the next tick can wait until then)."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from apscheduler.triggers.interval import IntervalTrigger

        self._scheduler = AsyncIOScheduler()
        self._scheduler.add_job(
            self._watch_job,
            IntervalTrigger(seconds=self._watch_seconds),
            id="watch",
            coalesce=True,
            max_instances=1,
        )
        self._scheduler.start()
        self._remember()
        self.plan()

    def shutdown(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None

    def plan(self) -> None:
        """(Re)plan the one-off job at the next due moment."""
        self._due = self._next_moment()
        if self._scheduler is None:
            return
        if self._scheduler.get_job("next-due"):
            self._scheduler.remove_job("next-due")
        if self._due is not None:
            # APScheduler waits on the real clock; translate the due moment from the app's
            # clock (the same clock in use, a fake one in tests) into real time.
            wait = self._due - self._clock()
            run_at = datetime.now(UTC) + max(wait, timedelta(0))
            from apscheduler.triggers.date import DateTrigger

            self._scheduler.add_job(
                self._fire, DateTrigger(run_date=run_at), id="next-due", misfire_grace_time=None
            )

    # Coroutine jobs: AsyncIOScheduler runs them on the app's event loop, not in a thread.
    async def _fire(self) -> None:
        if self._due is not None and self._clock() < self._due:
            self.plan()  # woke early (the clock was set back): wait for the real moment
            return
        self._tick("due")

    async def _watch_job(self) -> None:
        self.watch()

    def watch(self) -> None:
        """Tick when the wall clock jumped, the day changed, or a due moment passed."""
        now = self._clock()
        wall, mono = now.timestamp(), time.monotonic()
        jumped = abs((wall - self._last_wall) - (mono - self._last_mono)) > JUMP_SECONDS
        new_day = now.date() != self._last_day
        overdue = self._due is not None and now >= self._due
        self._remember(now)
        if jumped or new_day or overdue:
            self._tick("jump" if jumped else "day" if new_day else "due")

    def _remember(self, now: datetime | None = None) -> None:
        now = now or self._clock()
        self._last_wall, self._last_mono = now.timestamp(), time.monotonic()
        self._last_day = now.date()
