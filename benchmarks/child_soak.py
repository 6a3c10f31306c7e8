"""Child process: the board left open for a simulated eight-hour workday.

Run by the suite as ``python -c <this file's source> DB JSON-OPTIONS``; not imported.
Options: ``size`` [w, h]; ``minutes`` (simulated minutes, 480 = eight hours); ``move_every``
(a move every N simulated minutes); ``resize_every`` (a terminal resize every N minutes);
``import_every`` (a KPI import every N minutes); ``budget`` (wall seconds: the loop stops
early when spent and says how far it got). Prints one ``RESULT <json>`` line.

The app is built the way the tests build it (``tests/ui_helpers.make_app``): ``open_board``
with a fake clock, and ``KanbanApp`` on that board, so the app's scheduler watch and ticks
(``board.cards.clock``) see the fake time. The clock starts tomorrow at 07:30 UTC, so the
Los Angeles day (the default plan's US marketplace) changes half an hour in: the day's
cards are created and yesterday's expire or carry over during the run. Each simulated
minute:

* the clock moves one minute and ``app.request_tick()`` is called (the tick and the risk-
  alert check run in a worker thread, the board reloads on the UI thread when cards
  changed);
* every ``move_every`` minutes a move: ``shift+right`` / ``shift+left`` alternately on the
  focused card (press + pause timed); the minute after, the floor: ``f12``, bound at app
  level to a no-op that marks the 1-line top bar dirty (timed the same way);
* every ``import_every`` minutes a small Sponsored Products CSV for the current day goes
  through ``import_report(board, raw)`` (on the event loop, timed);
* every ``resize_every`` minutes ``pilot.resize_terminal`` to the next of a few sizes;
* on the other minutes divisible by ``screen_every`` (and not taken by the above) the next
  screen of ``benchmarks.soak_screens.SCREENS`` is opened with its keys and closed again
  (help, KPI pane, checklist, card form, templates, review, week, goals, settings …: with
  the suite's options about one every six minutes, 80 openings in eight hours);
* otherwise ``pilot.pause()``.

With ``warm_up`` (the suite's default) the day's first round is done once before the start
is counted: every screen opened and closed, every terminal size, a move each way, a KPI
import. What that costs is bounded (modules imported on a screen's first opening; Textual's,
Rich's and SQLAlchemy's caches filled per size and per statement) and is reported apart
(``cold_start`` → ``start``); without it most of the day's "growth" was that first round,
spread over the first two and a half simulated hours (the last size first shows at 2:17).

Every simulated hour ``VmRSS`` and the number of objects the collector tracks are sampled
(after ``gc.collect()``), to tell a one-off warm-up from steady growth. At the start
(after the first frame and the start-up tick) and at the end (after the last tick worker
finished): ``gc.collect()``, then ``VmRSS``, Python objects tracked by the
collector, widgets on the screen (``walk_children(with_self=True)``), ``app._registry``,
notifications; widgets are counted again after ``app.clear_notifications()`` so toasts
still on screen (they time out on the real clock) do not count as growth.
"""

import asyncio
import gc
import json
import os
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

DB = sys.argv[1]
OPTIONS = json.loads(sys.argv[2])
WIDTH, HEIGHT = OPTIONS["size"]
perf = time.perf_counter
cpu = time.process_time

from benchmarks.dataset import FixedClock, sp_advertised_csv  # noqa: E402
from benchmarks.kpi_import import import_report  # noqa: E402
from benchmarks.soak_screens import SCREENS, _cycle  # noqa: E402
from kanban_tui.config import Settings  # noqa: E402
from kanban_tui.domain.models import Column  # noqa: E402
from kanban_tui.services.session import open_board  # noqa: E402
from kanban_tui.ui.app import KanbanApp  # noqa: E402

# Tomorrow 07:30 UTC: later than anything the file's last opening recorded (a clock behind
# a template's ``checked_until`` would make every tick a no-op), and half an hour before
# midnight in Los Angeles.
START = (datetime.now(UTC) + timedelta(days=1)).replace(hour=7, minute=30, second=0, microsecond=0)
clock = FixedClock(START)
settings = Settings()
board = open_board(DB, settings, clock=clock)
app = KanbanApp(board, settings=settings, language="en", save_settings=False)

frames: list[float] = []
#: the longest the compositor's output + encoding of one frame took (any frame of the run)
frame_render = {"max": 0.0, "count": 0}
_display = app._display


def _probed_display(screen, renderable):
    start = perf()
    _display(screen, renderable)
    if renderable is None:
        return
    render = getattr(renderable, "render_segments", None)
    if render is not None:
        render(app.console)
    now = perf()
    frames.append(now)
    frame_render["max"] = max(frame_render["max"], now - start)
    frame_render["count"] += 1


app._display = _probed_display  # type: ignore[method-assign]  # the probe: every frame timed


def _noop_action():
    app.screen.query_one("#topbar").refresh()


app.action_bench_noop = _noop_action  # type: ignore[attr-defined]  # a probe patched onto the app
app.bind("f12", "bench_noop", show=False)

# the tick's two halves: the worker thread (tick + alert check) and the UI-thread follow-up
tick_worker_times: list[float] = []
ticked_times: list[float] = []
_tick_worker = app._tick_worker
_ticked = app._ticked


def _timed_worker(tick=True):
    start = perf()
    try:
        _tick_worker(tick=tick)
    finally:
        tick_worker_times.append(perf() - start)


def _timed_ticked(result):
    start = perf()
    try:
        _ticked(result)
    finally:
        ticked_times.append(perf() - start)


app._tick_worker = _timed_worker  # type: ignore[method-assign]  # a probe patched onto the app
app._ticked = _timed_ticked  # type: ignore[method-assign]  # a probe patched onto the app


def status_kb(field):
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def snapshot():
    gc.collect()
    return {
        "rss_kb": status_kb("VmRSS"),
        "hwm_kb": status_kb("VmHWM"),
        "gc_objects": len(gc.get_objects()),
        "widgets": sum(1 for _ in app.screen.walk_children(with_self=True)),
        "registry": len(getattr(app, "_registry", ())),
        "notifications": len(getattr(app, "_notifications", ())),
        "threads": threading.active_count(),
        "screens": len(app.screen_stack),
        "screen": type(app.screen).__name__,
    }


async def settle(pilot):
    """Wait for the tick workers, then for the UI to go idle."""
    for _ in range(200):
        busy = [w for w in app.workers if w.group == "tick" and not w.is_finished]
        if not busy:
            break
        await asyncio.sleep(0.02)
    await pilot.pause()


async def counted(pilot):
    found = snapshot()
    app.clear_notifications()
    await pilot.pause()
    gc.collect()
    found["widgets_without_toasts"] = sum(1 for _ in app.screen.walk_children(with_self=True))
    found["registry_without_toasts"] = len(getattr(app, "_registry", ()))
    return found


async def press(pilot, key):
    frames.clear()
    cpu_start = cpu()
    start = perf()
    await pilot.press(key)
    await pilot.pause()
    end = perf()
    return {
        "pilot": end - start,
        "first": (frames[0] - start) if frames else float("nan"),
        "settled": (frames[-1] - start) if frames else float("nan"),
        "cpu": cpu() - cpu_start,
    }


async def warm_up(pilot, sizes):
    """What the day does once before it repeats itself: each screen opened and closed, each
    terminal size, a move each way, a KPI import. Its memory is bounded (modules imported on
    a screen's first opening, Textual's and SQLAlchemy's caches per size and per query), so
    the growth of the day is measured from after it (and the warm-up's own is reported)."""
    started = perf()
    screen = app.board_screen
    for name in SCREENS:
        await _cycle(pilot, *SCREENS[name])
        if screen.column.count == 0:
            screen.column_of(Column.DAILY).focus()
    for width, height in [*sizes[1:], sizes[0]]:
        await pilot.resize_terminal(width, height)
        await pilot.pause()
    for key in ("shift+right", "shift+left", "f12"):
        await press(pilot, key)
    import_report(board, sp_advertised_csv(30, (clock() - timedelta(hours=8)).date(), 1, seed=0))
    app.request_tick("bench")
    await settle(pilot)
    return perf() - started


async def main():
    minutes = OPTIONS["minutes"]
    sizes = [(WIDTH, HEIGHT), (120, 40), (200, 56), (100, 30)]
    out = {"options": OPTIONS, "start_clock": START.isoformat()}
    moves, floors, resizes, imports, hourly = [], [], [], [], []
    screens_opened = []
    screen_names = list(SCREENS)
    screen_every = OPTIONS.get("screen_every", 0)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await pilot.pause()
        screen = app.board_screen
        screen.column_of(Column.DAILY).focus()
        await settle(pilot)
        out["start"] = await counted(pilot)
        if OPTIONS.get("warm_up"):
            out["warm_up"] = await warm_up(pilot, sizes)
            out["cold_start"], out["start"] = out["start"], await counted(pilot)
        out["start_counts"] = {v.column.value: v.count for v in screen.columns}
        ticks_before = len(tick_worker_times)
        wall_start = perf()
        direction = ["shift+right", "shift+left"]
        moved = 0
        done_minutes = 0
        size_index = 0
        for minute in range(1, minutes + 1):
            if perf() - wall_start > OPTIONS.get("budget", 1e9):
                break
            clock.advance(minutes=1)
            frames.clear()
            app.request_tick("bench")
            if minute % OPTIONS["move_every"] == 0:
                if screen.column.count == 0:  # nothing to move in this column: go back
                    screen.column_of(Column.DAILY).focus()
                moves.append(await press(pilot, direction[moved % 2]))
                moved += 1
            elif minute % OPTIONS["move_every"] == 1:
                floors.append(await press(pilot, "f12"))
            elif minute % OPTIONS["resize_every"] == 2:
                size_index += 1
                width, height = sizes[size_index % len(sizes)]
                start = perf()
                await pilot.resize_terminal(width, height)
                resizes.append(perf() - start)
            elif screen_every and minute % screen_every == 0:
                name = screen_names[len(screens_opened) % len(screen_names)]
                start = perf()
                await _cycle(pilot, *SCREENS[name])
                screens_opened.append({"screen": name, "seconds": perf() - start})
                if screen.column.count == 0:
                    screen.column_of(Column.DAILY).focus()
            else:
                await pilot.pause()
            if minute % 60 == 0:  # memory every simulated hour (after a collection)
                gc.collect()
                hourly.append(
                    {
                        "minute": minute,
                        "rss_kb": status_kb("VmRSS"),
                        "gc_objects": len(gc.get_objects()),
                    }
                )
            if minute % OPTIONS["import_every"] == 0:
                day = (clock() - timedelta(hours=8)).date()  # the Los Angeles date
                raw = sp_advertised_csv(30, day, 1, seed=minute)
                start = perf()
                summary = import_report(board, raw)
                imports.append({"seconds": perf() - start, "added": summary.added})
            done_minutes = minute
        out["wall_seconds"] = perf() - wall_start
        out["minutes_done"] = done_minutes
        out["end_clock"] = clock().isoformat()
        if (app.size.width, app.size.height) != (WIDTH, HEIGHT):
            await pilot.resize_terminal(WIDTH, HEIGHT)
        await settle(pilot)
        out["end"] = await counted(pilot)
        out["end_counts"] = {v.column.value: v.count for v in screen.columns}
        out["ticks"] = len(tick_worker_times) - ticks_before
    out["moves"] = {k: [m[k] for m in moves] for k in ("pilot", "first", "settled", "cpu")}
    out["floor"] = {k: [m[k] for m in floors] for k in ("pilot", "first", "settled", "cpu")}
    out["resizes"] = resizes
    out["screens_opened"] = screens_opened
    out["hourly"] = hourly
    out["imports"] = imports
    out["tick_worker"] = tick_worker_times
    out["ticked_ui"] = ticked_times
    out["frame_render_max"] = frame_render["max"]
    out["frames"] = frame_render["count"]
    board.close()
    os.write(1, ("RESULT " + json.dumps(out) + "\n").encode())


asyncio.run(main())
