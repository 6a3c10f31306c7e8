"""Flame-graph profiles (pyinstrument) of the KPI import and the KPI pane (figures 8, 9).

```
python -m benchmarks.profile_kpi import [--rows 10000] [-o import.html]  # fresh, then again
python -m benchmarks.profile_kpi pane   [--presses 10] [-o pane.html]    # open, [ ] ↓ m
```

``import``: ``read_kpi_file`` + ``KpiService.store`` of the benchmarks' Sponsored Products
report (``dataset.sp_advertised_csv``) into a new board, then the same file again (every
observation unchanged), both profiled. ``pane``: the benchmarks' three years × five
marketplaces (``dataset.build_kpi_board``); after one opening to warm up, the profile
covers an opening (``2``) and ``--presses`` presses each of ``[``, ``]``, ``↓`` and ``m``.
Prints pyinstrument's text tree (``PROFILE_ALL=1``: with Textual's frames); ``-o`` also
writes the HTML flame graph. Made in a temporary folder, deleted afterwards. Never used by
tests; pyinstrument is a dev extra.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from datetime import date
from pathlib import Path


def _environment(folder: Path) -> None:
    os.environ["SELLER_KANBAN_DATA_DIR"] = str(folder / "data")
    os.environ["SELLER_KANBAN_CONFIG_DIR"] = str(folder / "config")


def profile_import(folder: Path, rows: int, profiler: object) -> None:
    from benchmarks.dataset import sp_advertised_csv
    from benchmarks.kpi_import import import_report
    from kanban_tui.config import Settings
    from kanban_tui.services.session import open_board

    raw = sp_advertised_csv(rows, date(2026, 8, 1), 92)
    board = open_board(str(folder / "import.db"), Settings())
    import_report(board, sp_advertised_csv(30, date(2026, 7, 1), 1))  # imports, warm-up
    profiler.start()  # type: ignore[attr-defined]
    import_report(board, raw)
    import_report(board, raw)
    profiler.stop()  # type: ignore[attr-defined]
    board.close()


def profile_pane(folder: Path, presses: int, profiler: object) -> None:
    from benchmarks.dataset import build_kpi_board
    from kanban_tui.config import Settings
    from kanban_tui.services.session import open_board
    from kanban_tui.ui.app import KanbanApp

    path = folder / "kpi.db"
    build_kpi_board(path)
    settings = Settings()
    board = open_board(str(path), settings)
    app = KanbanApp(board, settings=settings, language="en", save_settings=False)

    async def press(pilot: object, key: str, times: int = 1) -> None:
        for _ in range(times):
            await pilot.press(key)  # type: ignore[attr-defined]
            await pilot.pause()  # type: ignore[attr-defined]

    async def drive() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await press(pilot, "2")  # imports the pane and plotext
            await press(pilot, "escape")
            profiler.start()  # type: ignore[attr-defined]
            await press(pilot, "2")
            for key in ("left_square_bracket", "right_square_bracket", "down", "m"):
                await press(pilot, key, presses)
            profiler.stop()  # type: ignore[attr-defined]

    asyncio.run(drive())
    board.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_kpi")
    parser.add_argument("what", choices=("import", "pane"))
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the report")
    parser.add_argument("--presses", type=int, default=10, help="presses of each key")
    parser.add_argument("-o", "--output", help="also write the HTML flame graph here")
    args = parser.parse_args(argv)
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005, async_mode="disabled")
    with tempfile.TemporaryDirectory(prefix="seller-kanban-profile-kpi-") as name:
        _environment(Path(name))
        if args.what == "pane":
            profile_pane(Path(name), args.presses, profiler)
        else:
            profile_import(Path(name), args.rows, profiler)
    every_frame = os.environ.get("PROFILE_ALL") == "1"  # Textual's frames too
    sys.stdout.write(profiler.output_text(unicode=True, color=False, show_all=every_frame))
    if args.output is not None:
        Path(args.output).write_text(profiler.output_html(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
