"""Child process: the KPI pane with three years of daily data for five marketplaces.

Run by the suite as ``python -c <this file's source> DB JSON-OPTIONS``; not imported.
Options: ``size`` [w, h], ``opens`` (pane openings timed, and as many floor pushes),
``switches`` (presses of each switch kind), ``budget`` (seconds for the openings block; it
stops early after 3 rounds). Prints one ``RESULT <json>`` line (seconds).

The board opens on DB (``KanbanApp`` as the real app builds it) inside ``run_test``. Each
frame the compositor hands to the driver is stamped (a wrapper around ``App._display``
that also encodes the frame to terminal bytes, the work a real terminal session does), with
the type of the screen it shows. Then, each press being ``await pilot.press(key)`` then
``await pilot.pause()``:

* **open**: ``2`` on the board (``BoardScreen.action_kpi`` pushes a new ``KpiScreen``: it
  reads the latest month of the default marketplace, draws the tiles, the side panel and
  the trend chart), then ``escape`` back to the board (not timed). The first opening of
  the session is reported apart (it imports the pane's modules and plotext);
* **floor**: ``f11``, bound at app level to push an empty ``Screen``, then ``f10`` (pop);
  openings and floor pushes alternate, the order swapped every round;
* **switches**, on one open pane: ``[`` (previous month: a month not read yet), then as
  many ``]`` (next month: read before, from the pane's cache), then ``↓`` through the KPIs
  and ``↑`` back (the chart and side panel redrawn for another KPI).

Per press: ``first`` = key → first frame showing the target screen, ``chart`` = key →
first frame that also shows the chart of the new state (a chart plotext has not drawn yet
at that size follows the key's frame: ``KpiScreen.chart_waiting``; a chart drawn before is
in the key's frame, then ``chart`` = ``first``), ``settled`` = key → last frame of the
press, ``pilot`` = press + pause, ``first_cpu`` = process CPU time from the key to the
first frame, ``cpu`` = process CPU time of the press and pause, ``gc`` = seconds the
garbage collector ran during the press and ``gc_full`` its collections of the oldest
generation.

Before and after the openings block (after ``gc.collect()``): ``VmRSS``, the objects the
collector tracks, the ``KpiScreen`` instances still alive once closed, and the detached
``FooterKey`` widgets still alive (the board's footer is rebuilt each time a screen over it
is closed).
"""

import asyncio
import gc
import json
import os
import sys
import time

DB = sys.argv[1]
OPTIONS = json.loads(sys.argv[2])
WIDTH, HEIGHT = OPTIONS["size"]
perf = time.perf_counter
cpu = time.process_time

from textual.screen import Screen  # noqa: E402

from kanban_tui.config import Settings  # noqa: E402
from kanban_tui.services.session import open_board  # noqa: E402
from kanban_tui.ui.app import KanbanApp  # noqa: E402
from kanban_tui.ui.screens.kpi import KpiScreen  # noqa: E402

settings = Settings()
board = open_board(DB, settings)
app = KanbanApp(board, settings=settings, language="en", save_settings=False)

#: (time, screen class name, whether the frame shows the pane's chart for its state: False
#: while a key press left the chart for the next frame, ``KpiScreen.chart_waiting``,
#: process CPU time)
frames: list[tuple[float, str, bool, float]] = []
_display = app._display


def _probed_display(screen, renderable):
    _display(screen, renderable)
    if renderable is None:
        return
    render = getattr(renderable, "render_segments", None)
    if render is not None:
        render(app.console)
    ready = not getattr(screen, "chart_waiting", False)
    frames.append((perf(), type(screen).__name__, ready, cpu()))


app._display = _probed_display  # type: ignore[method-assign]  # the probe: every frame timed


class BenchEmpty(Screen):
    """The floor: a screen with nothing on it."""


def _push_empty():
    app.push_screen(BenchEmpty())


def _pop_empty():
    if isinstance(app.screen, BenchEmpty):
        app.pop_screen()


app.action_bench_push = _push_empty  # type: ignore[attr-defined]  # a probe patched onto the app
app.action_bench_pop = _pop_empty  # type: ignore[attr-defined]  # a probe patched onto the app
app.bind("f11", "bench_push", show=False)
app.bind("f10", "bench_pop", show=False)


#: Seconds the garbage collector ran, and its collections of the oldest generation.
collector = {"seconds": 0.0, "full": 0, "started": 0.0}


def _collector_probe(phase, info):
    if phase == "start":
        collector["started"] = perf()
    else:
        collector["seconds"] += perf() - collector["started"]
        collector["full"] += info["generation"] == 2


gc.callbacks.append(_collector_probe)


def memory():
    """After a full collection: RSS, closed panes and footer keys still in memory."""
    gc.collect()
    with open("/proc/self/status", encoding="ascii") as handle:
        rss = next((int(line.split()[1]) for line in handle if line.startswith("VmRSS:")), -1)
    alive = [o for o in gc.get_objects() if isinstance(o, KpiScreen)]
    footer_keys = [o for o in gc.get_objects() if type(o).__name__ == "FooterKey"]
    return {
        "rss_kb": rss,
        "gc_objects": len(gc.get_objects()),
        "kpi_screens_alive": sum(1 for o in alive if o is not app.screen),
        "footer_keys_detached": sum(1 for o in footer_keys if not o.is_attached),
    }


async def timed_press(pilot, key, target):
    """One press; ``target``: the screen class whose first frame counts."""
    frames.clear()
    gc_seconds, gc_full = collector["seconds"], collector["full"]
    cpu_start = cpu()
    start = perf()
    await pilot.press(key)
    await pilot.pause()
    end = perf()
    shown = [f for f in frames if target is None or f[1] == target]
    charted = [f for f in shown if f[2]]
    return {
        "pilot": end - start,
        "first": (shown[0][0] - start) if shown else float("nan"),
        "first_cpu": (shown[0][3] - cpu_start) if shown else float("nan"),
        "chart": (charted[0][0] - start) if charted else float("nan"),
        "settled": (frames[-1][0] - start) if frames else float("nan"),
        "frames": len(frames),
        "gc": collector["seconds"] - gc_seconds,
        "gc_full": collector["full"] - gc_full,
        "cpu": cpu() - cpu_start,
    }


def collect(samples):
    keys = ("pilot", "first", "first_cpu", "chart", "settled", "frames", "cpu", "gc", "gc_full")
    return {k: [s[k] for s in samples] for k in keys}


def diagnostics(pane):
    from kanban_tui.services.kpi import month_bounds

    service = board.kpi
    month, market = pane.month, pane.marketplace
    chart = pane.query_one("#kpi-chart")

    def timed(fn, n=5):
        samples = []
        for _ in range(n):
            start = perf()
            fn()
            samples.append(perf() - start)
        return samples

    def uncached():
        pane.data.clear()
        pane.reload()

    def drawn_again():
        kept = getattr(chart, "_drawn", None)
        if kept is not None:  # the chart keeps what plotext drew: time plotext itself
            kept.clear()
        chart.render_line(0)  # plotext, its ANSI parsed, the lines rendered

    return {
        "KpiService.month (this and last month)": timed(lambda: service.month(month, market)),
        "KpiService.observations (one month)": timed(
            lambda: service.observations(market, *month_bounds(month))
        ),
        "KpiScreen.reload, cache cleared": timed(uncached),
        "KpiScreen.reload, cached": timed(pane.reload),
        "TrendChart lines (plotext, month chart)": timed(drawn_again),
        "TrendChart lines, drawn before (kept)": timed(lambda: chart.render_line(0)),
    }


async def main():
    out = {"options": OPTIONS}
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await pilot.pause()
        await pilot.pause(0.3)  # the start-up tick and alert check run in a worker
        await pilot.pause()
        # the first opening: imports the pane (and plotext) once per process
        out["first_open"] = await timed_press(pilot, "2", "KpiScreen")
        pane = app.screen
        out["pane_month"] = getattr(pane, "month", None)
        out["pane_marketplace"] = getattr(pane, "marketplace", None)
        out["pane_days"] = getattr(getattr(pane, "figures", None), "days_with_data", None)
        out["kpis"] = len(getattr(pane, "keys", []))
        await pilot.press("escape")
        await pilot.pause()
        out["first_floor"] = await timed_press(pilot, "f11", "BenchEmpty")
        await pilot.press("f10")
        await pilot.pause()

        memory_before = memory()
        opens, floors = [], []
        start = perf()
        for round_index in range(OPTIONS["opens"]):
            if round_index >= 3 and perf() - start > OPTIONS.get("budget", 1e9):
                break
            order = ("open", "floor") if round_index % 2 == 0 else ("floor", "open")
            for name in order:
                if name == "open":
                    opens.append(await timed_press(pilot, "2", "KpiScreen"))
                    await pilot.press("escape")
                else:
                    floors.append(await timed_press(pilot, "f11", "BenchEmpty"))
                    await pilot.press("f10")
                await pilot.pause()
        out["open"] = collect(opens)
        out["floor"] = collect(floors)
        out["opens_seconds"] = perf() - start
        out["memory"] = {"before": memory_before, "after": memory()}
        if type(app.screen).__name__ != "BoardScreen":
            out["warning"] = f"ended the openings on {type(app.screen).__name__}"

        # switches on one open pane
        await pilot.press("2")
        await pilot.pause()
        pane = app.screen
        count = OPTIONS["switches"]
        back = [await timed_press(pilot, "left_square_bracket", "KpiScreen") for _ in range(count)]
        out["month_reached"] = pane.month
        fore = [await timed_press(pilot, "right_square_bracket", "KpiScreen") for _ in range(count)]
        out["month_back_to"] = pane.month
        kpis = max(2, len(pane.keys))
        downs, ups = [], []
        while len(downs) < count:
            for _ in range(kpis - 1):
                downs.append(await timed_press(pilot, "down", "KpiScreen"))
                if len(downs) >= count:
                    break
            while pane.selected > 0:
                ups.append(await timed_press(pilot, "up", "KpiScreen"))
        # m: the next marketplace with data (five of them, round and round)
        markets = [await timed_press(pilot, "m", "KpiScreen") for _ in range(count)]
        out["month_back"] = collect(back)
        out["month_forward"] = collect(fore)
        out["marketplace"] = collect(markets)
        out["kpi_down"] = collect(downs)
        out["kpi_up"] = collect(ups)
        try:  # the pieces of an opening, timed directly (diagnostics only)
            out["diag"] = diagnostics(pane)
        except Exception as exc:
            out["diag_error"] = f"{type(exc).__name__}: {exc}"
        await pilot.press("escape")
        await pilot.pause()
    board.close()
    os.write(1, ("RESULT " + json.dumps(out) + "\n").encode())


asyncio.run(main())
