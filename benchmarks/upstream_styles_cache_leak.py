"""Minimal reproduction of a Textual render-cache leak, for an upstream report (Textual 8.2).

    python benchmarks/upstream_styles_cache_leak.py 300          # Textual as it is
    python benchmarks/upstream_styles_cache_leak.py 300 --fixed  # kanban_tui's workaround

``textual._styles_cache.StylesCache.get_inner_outer`` is declared ``@lru_cache(1024)`` on
an instance method (its first parameter is named ``cls`` but it is not a classmethod), so
each cache key holds the ``StylesCache`` — and with it the widget's rendered lines
(``Strip`` objects, each with its own small caches) — after the widget is removed, until
1,024 later calls push the key out. A screen of a few dozen widgets pushed and popped keeps
its lines for the next ~30 screens: about half a megabyte per opening of a help dialog.
Seen: 60 push/pops of a 30-label dialog keep 1,025 ``StylesCache`` objects and +12.3 MB
(widgets alive stay 2); with the workaround (cached on the two colours only) 2 and +2.5 MB.

Suggested upstream fix: make ``get_inner_outer`` a ``staticmethod`` (or a module-level
function) under the ``lru_cache``; its result depends only on the two colours.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys

from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label

if "--fixed" in sys.argv:
    from kanban_tui.ui.render_cache import install

    install()


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


class Dialog(ModalScreen[None]):
    BINDINGS = [Binding("x", "app.pop_screen", "Close")]

    def compose(self) -> ComposeResult:
        for line in range(30):
            yield Label(f"line {line} " + "text " * 12)


class Repro(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("main")


async def main(rounds: int) -> None:
    app = Repro()
    async with app.run_test(size=(100, 40)) as pilot:
        for i in range(5 + rounds):
            if i == 5:  # after a warm-up
                gc.collect()
                base = rss_mb()
            await app.push_screen(Dialog())
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
        gc.collect()
        caches = sum(1 for o in gc.get_objects() if isinstance(o, StylesCache))
        widgets = sum(1 for o in gc.get_objects() if isinstance(o, Widget))
        print(
            f"{rounds} push/pop: RSS +{rss_mb() - base:.1f} MB, "
            f"StylesCache alive: {caches}, widgets alive: {widgets}"
        )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 300))
