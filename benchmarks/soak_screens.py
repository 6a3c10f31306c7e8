"""Screens opened and closed 1,000 times each: does the board's memory stay flat?

    python -m benchmarks.soak_screens                    # every screen, 1,000 openings each
    python -m benchmarks.soak_screens --openings 200     # fewer (a quick look)
    python -m benchmarks.soak_screens --only kpi --only help

Each screen runs in a child process of its own (``python -m benchmarks.soak_screens
--child NAME N``), so one screen's growth never shows up in another's figure. The child
opens a fresh board (the default plan, a KPI report imported, a card with a checklist on
top of Daily) headless at 120×40 with a fixed clock, opens and closes the screen 20 times
(warm-up: caches, lazily imported modules), then ``gc.collect()`` and ``VmRSS``; then N
openings, sampling ``VmRSS`` every quarter, and prints one ``RESULT <json>`` line. The
parent prints, per screen, the RSS growth over the N openings scaled to 1,000 beside the
goal of issue 14 (≤ 10 MB per 1,000 openings) with yes/NO, the widgets alive before and
after, and the seconds the child took. It never asserts; the exit status is 1 only when a
child failed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: screen → (keys that open it from the board, keys that close it again)
SCREENS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "help": (("question_mark",), ("escape",)),
    "kpi": (("2",), ("escape",)),
    "kpi_entry": (("2", "a"), ("escape", "escape")),
    "checklist": (("c",), ("escape",)),
    "card_form": (("n",), ("escape",)),
    "confirm_delete": (("d",), ("n",)),
    "playbooks": (("exclamation_mark",), ("escape",)),
    "templates": (("t",), ("escape",)),
    "review": (("3",), ("escape",)),
    "week": (("4",), ("escape",)),
    "goals": (("g",), ("escape",)),
    "settings": (("s",), ("escape",)),
}
GOAL_MB = 10.0
WARM_UP = 20


def _rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


async def _cycle(pilot, opening: tuple[str, ...], closing: tuple[str, ...]) -> None:
    app = pilot.app
    board = app.screen
    for key in opening:
        before = app.screen
        await pilot.press(key)
        for _ in range(500):
            if app.screen is not before and app.screen.is_mounted:
                break
            await pilot.pause()
        else:
            raise RuntimeError(f"{key} opened nothing over {type(before).__name__}")
    for key in closing:
        await pilot.press(key)
        await pilot.pause()
    for _ in range(500):
        if app.screen is board:
            break
        await pilot.pause()
    else:
        raise RuntimeError(f"{closing} did not go back to the board")


def child(name: str, openings: int) -> None:
    """One screen, ``openings`` times, in this process; prints ``RESULT <json>``."""
    from textual.widget import Widget

    from benchmarks.dataset import FixedClock, sp_advertised_csv
    from kanban_tui.config import Settings
    from kanban_tui.domain.models import Column
    from kanban_tui.services.session import open_board
    from kanban_tui.ui.app import KanbanApp

    folder = Path(tempfile.mkdtemp(prefix="soak-screens-"))
    os.environ["SELLER_KANBAN_DATA_DIR"] = str(folder / "data")
    os.environ["SELLER_KANBAN_CONFIG_DIR"] = str(folder / "config")
    from datetime import UTC, datetime

    clock = FixedClock(datetime(2026, 11, 25, 1, 30, tzinfo=UTC))
    settings = Settings()
    board = open_board(str(folder / "board.db"), settings, clock=clock)
    from benchmarks.kpi_import import import_report

    import_report(board, sp_advertised_csv(30, clock().date(), 1, seed=1))
    top = board.cards.add({"title": "Restock SKU-42", "category": "inventory"}, Column.DAILY, 0)
    board.cards.set_checklist(top.id, [{"text": "Count", "done": True}, {"text": "Book"}])
    app = KanbanApp(board, settings=settings, language="en", save_settings=False)
    app.notify = lambda *_a, **_k: None  # type: ignore[method-assign]
    opening, closing = SCREENS[name]

    def widgets() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, Widget))

    async def run() -> dict[str, object]:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            for _ in range(WARM_UP):
                await _cycle(pilot, opening, closing)
            before_widgets = widgets()
            start = _rss_kb()
            samples = []
            started = time.perf_counter()
            for done in range(1, openings + 1):
                await _cycle(pilot, opening, closing)
                if done % max(1, openings // 4) == 0 or done == openings:
                    gc.collect()
                    samples.append((done, _rss_kb() - start))
            seconds = time.perf_counter() - started
            gc.collect()
            return {
                "screen": name,
                "openings": openings,
                "rss_start_kb": start,
                "rss_growth_kb": _rss_kb() - start,
                "samples": samples,
                "widgets_before": before_widgets,
                "widgets_after": widgets(),
                "seconds": seconds,
            }

    result = asyncio.run(run())
    board.close()
    os.write(1, ("RESULT " + json.dumps(result) + "\n").encode())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak_screens")
    parser.add_argument("--openings", type=int, default=1000)
    parser.add_argument("--only", action="append", choices=sorted(SCREENS), default=[])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the results here")
    options = parser.parse_args(argv)
    if options.child:
        child(options.child, options.openings)
        return 0
    names = options.only or list(SCREENS)
    print(f"{options.openings} openings per screen, goal ≤ {GOAL_MB:.0f} MB per 1,000")
    print(f"{'screen':<16}{'RSS growth':>12}{'per 1,000':>11}  goal  {'widgets':>13}  seconds")
    results, failed = [], False
    for name in names:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.soak_screens", "--child", name,
             "--openings", str(options.openings)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if done.returncode != 0 or line is None:
            failed = True
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"{name:<16}failed: {tail}")
            continue
        result = json.loads(line[len("RESULT ") :])
        results.append(result)
        growth = result["rss_growth_kb"] / 1024
        per_1000 = growth * 1000 / result["openings"]
        verdict = "yes" if per_1000 <= GOAL_MB else "NO"
        alive = f"{result['widgets_before']} → {result['widgets_after']}"
        print(
            f"{name:<16}{growth:>+9.1f} MB{per_1000:>+8.1f} MB  {verdict:<4}  {alive:>13}"
            f"  {result['seconds']:>7.0f}",
            flush=True,
        )
    if options.json:
        options.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
