"""Flame-graph profiles (pyinstrument) of a move, of start-up and of ``list --json``.

```
python -m benchmarks.profile move   [--cards 10000] [--presses 60] [-o move.html]
python -m benchmarks.profile start  [--cards 10000] [-o start.html]
python -m benchmarks.profile list   [--cards 10000] [-o list.html]
```

Prints pyinstrument's text tree (the summaries kept in ``benchmarks/README.md``); ``-o``
also writes the interactive HTML flame graph. The 10,000-card board is the benchmarks'
(``benchmarks.dataset.build``), made in a temporary folder that is deleted afterwards.
Never used by tests; pyinstrument is a dev extra.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path


def _board(folder: Path, cards: int) -> Path:
    os.environ["SELLER_KANBAN_DATA_DIR"] = str(folder / "data")
    os.environ["SELLER_KANBAN_CONFIG_DIR"] = str(folder / "config")
    from benchmarks import dataset

    path = folder / "big.db"
    dataset.build(path, cards)
    return path


def profile_move(path: Path, presses: int, profiler: object) -> None:
    from kanban_tui.config import Settings
    from kanban_tui.services.session import open_board
    from kanban_tui.ui.app import KanbanApp

    settings = Settings()
    board = open_board(str(path), settings)
    app = KanbanApp(board, settings=settings, language="en", save_settings=False)

    async def drive() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            for _ in range(4):  # warm-up: first pages, styles
                await pilot.press("shift+right")
                await pilot.pause()
                await pilot.press("shift+left")
                await pilot.pause()
            profiler.start()  # type: ignore[attr-defined]
            for number in range(presses):
                await pilot.press("shift+right" if number % 2 == 0 else "shift+left")
                await pilot.pause()
            settle = getattr(app.screen, "settle", None)
            if settle is not None:
                settle()
            profiler.stop()  # type: ignore[attr-defined]

    asyncio.run(drive())
    board.close()


def profile_start(path: Path, profiler: object) -> None:
    profiler.start()  # type: ignore[attr-defined]
    from kanban_tui.config import Settings
    from kanban_tui.services.session import open_board
    from kanban_tui.ui.app import KanbanApp

    settings = Settings()
    board = open_board(str(path), settings)
    app = KanbanApp(board, settings=settings, language="en", save_settings=False)

    async def drive() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            profiler.stop()  # type: ignore[attr-defined]

    asyncio.run(drive())
    board.close()


def profile_list(path: Path, profiler: object) -> None:
    import contextlib
    import io

    profiler.start()  # type: ignore[attr-defined]
    from kanban_tui.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        main(["--db", str(path), "list", "--all", "--json"])
    profiler.stop()  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile")
    parser.add_argument("what", choices=("move", "start", "list"))
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--presses", type=int, default=60)
    parser.add_argument("-o", "--output", help="also write the HTML flame graph here")
    args = parser.parse_args(argv)
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005, async_mode="disabled")
    with tempfile.TemporaryDirectory(prefix="seller-kanban-profile-") as folder:
        path = _board(Path(folder), args.cards)
        if args.what == "move":
            profile_move(path, args.presses, profiler)
        elif args.what == "start":
            profile_start(path, profiler)
        else:
            profile_list(path, profiler)
    show_all = os.environ.get("PROFILE_ALL") == "1"  # every frame, Textual's included
    print(profiler.output_text(unicode=True, color=False, show_all=show_all))
    if args.output:
        Path(args.output).write_text(profiler.output_html(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
