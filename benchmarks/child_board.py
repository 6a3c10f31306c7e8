"""Child process: open a board headless and report its first painted frame.

Run by the suite as ``python -c <this file's source> MODE DB NEEDLE WIDTH HEIGHT``; it is
not imported. MODE is ``app`` (seller-kanban's board on DB) or ``floor`` (a one-line
Textual app that imports textual, sqlmodel and apscheduler and paints one Static).

Both modes use the same harness: ``App.run_test()`` (headless driver) with ``_display``
wrapped on the instance, so that each frame the compositor hands to the driver is also
encoded to the terminal byte stream (the work a real terminal session does and the headless driver
skips). The first frame whose bytes contain NEEDLE (a card title, or the Static's text)
makes the child write ``PAINTED`` to fd 1 at once; the parent times spawn → that line.

After the first frame the child waits for the app to settle (``pilot.pause()``) and
reports resident memory and the number of widgets, then leaves with ``os._exit(0)``
(shutdown is not part of any figure).
"""

import os
import sys
import time

_T0 = time.perf_counter()
MODE, DB, NEEDLE = sys.argv[1], sys.argv[2], sys.argv[3]
WIDTH, HEIGHT = int(sys.argv[4]), int(sys.argv[5])


def _out(line):
    os.write(1, (line + "\n").encode("utf-8"))


def _status_kb(field):
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


def _probe(app):
    """Wrap ``app._display`` (an instance attribute, so no subclass is needed)."""
    display = app._display
    state = {"painted": False, "frames": 0}

    def probed(screen, renderable):
        display(screen, renderable)
        if renderable is None:
            return
        state["frames"] += 1
        render = getattr(renderable, "render_segments", None)
        if render is None:
            return
        text = render(app.console)
        if not state["painted"] and NEEDLE in text:
            state["painted"] = True
            now = time.perf_counter()
            _phases["run_to_first_frame"] = now - _T_READY_ABS
            _out(f"PAINTED {now - _T0:.6f} frame={state['frames']}")

    app._display = probed  # the probe: every frame looked at
    return state


_phases: dict[str, float] = {}


def _phase(name, since):
    now = time.perf_counter()
    _phases[name] = now - since
    return now


_t = time.perf_counter()
if MODE == "floor":
    import apscheduler  # noqa: F401
    import sqlmodel  # noqa: F401
    import textual  # noqa: F401
    from textual.app import App
    from textual.widgets import Static

    _t = _phase("imports", _t)

    class Floor(App):
        def compose(self):
            yield Static(NEEDLE)

    app: App = Floor()
    _t = _phase("app_init", _t)
elif MODE == "app":
    from kanban_tui.config import Settings
    from kanban_tui.services.session import open_board

    _t = _phase("import_services", _t)
    from kanban_tui.ui.app import KanbanApp

    _t = _phase("import_ui", _t)
    settings = Settings()
    board = open_board(DB, settings)
    _t = _phase("open_board", _t)
    app = KanbanApp(board, settings=settings, language="en", save_settings=False)
    _t = _phase("app_init", _t)
else:
    raise SystemExit(f"unknown mode {MODE!r}")
state = _probe(app)
_T_READY_ABS = time.perf_counter()
_T_READY = _T_READY_ABS - _T0

import asyncio  # noqa: E402


async def main():
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await pilot.pause()
        if not state["painted"]:
            await pilot.pause(0.5)
        if not state["painted"]:
            _out("NOPAINT")
        _out(f"SETUP {_T_READY:.6f}")
        _out("PHASES " + " ".join(f"{k}={v:.6f}" for k, v in _phases.items()))
        _out(f"RSS {_status_kb('VmRSS')} HWM {_status_kb('VmHWM')}")
        screen_nodes = sum(1 for _ in app.screen.walk_children(with_self=True))
        registry = len(getattr(app, "_registry", ()))
        _out(f"WIDGETS {screen_nodes} REGISTRY {registry} SCREEN {type(app.screen).__name__}")
        if MODE == "app":
            try:  # informational only: never lose the figures over it
                shown = {view.column.value: view.count for view in app.board_screen.columns}
                _out("SHOWN " + " ".join(f"{k}={v}" for k, v in shown.items()))
            except Exception as exc:
                _out(f"SHOWN error={type(exc).__name__}")
        _out("END")
        # Shutting the app down is not part of any figure: leave at once.
        os._exit(0)


asyncio.run(main())
