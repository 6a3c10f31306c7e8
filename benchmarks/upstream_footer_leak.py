"""Minimal reproduction of Textual's Footer leak, for an upstream report (Textual 8.2).

    python benchmarks/upstream_footer_leak.py 600          # Textual's Footer
    python benchmarks/upstream_footer_leak.py 600 --fixed  # kanban_tui's KanbanFooter

Every push/pop of a screen makes the footer recompose; each new ``FooterKey`` calls
``data_bind(compact=Footer.compact)``, which adds a watcher to the footer's ``compact``
reactive. Watchers of closed nodes are only pruned in ``Reactive._check_watchers``, i.e.
when ``compact`` changes — so on a long-lived screen every FooterKey ever composed stays
reachable. Seen: 600 push/pops keep 1,242 FooterKeys and ~40 MB alive; with the watchers
pruned after recompose, 2 FooterKeys and a flat RSS.

Suggested upstream fix: prune watchers of closed nodes when a node is removed (or in
``_watch`` when appending), instead of only when the watched value changes.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Label
from textual.widgets._footer import FooterKey

#: the footer under test: Textual's, or ours with ``--fixed``
FooterClass: type[Footer] = Footer
if "--fixed" in sys.argv:
    from kanban_tui.ui.widgets.footer import KanbanFooter

    FooterClass = KanbanFooter


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


class Other(Screen[None]):
    BINDINGS = [Binding("x", "app.pop_screen", "Close")]

    def compose(self) -> ComposeResult:
        yield Label("other")


class Main(Screen[None]):
    BINDINGS = [Binding(key, "noop", key) for key in "abcdefg"]

    def compose(self) -> ComposeResult:
        yield Label("main")
        yield FooterClass()


class Repro(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Main())


async def main(rounds: int) -> None:
    app = Repro()
    async with app.run_test() as pilot:
        for i in range(20 + rounds):
            if i == 20:  # after a warm-up
                gc.collect()
                base = rss_mb()
            await app.push_screen(Other())
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
        gc.collect()
        keys = sum(1 for o in gc.get_objects() if isinstance(o, FooterKey))
        print(f"{rounds} push/pop: RSS +{rss_mb() - base:.1f} MB, FooterKeys alive: {keys}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 300))
