"""Minimal reproduction of Textual's TextArea leak, for an upstream report (Textual 8.2).

    python benchmarks/upstream_textarea_leak.py 300          # Textual's TextArea
    python benchmarks/upstream_textarea_leak.py 300 --fixed  # kanban_tui's FieldArea

On mount a ``TextArea`` calls ``self.watch(self.app, "theme", self._app_theme_changed)``.
The app keeps ``(text_area, callback)`` in its ``theme`` watchers; watchers of closed
nodes are pruned only in ``Reactive._check_watchers``, i.e. when ``theme`` changes. So
every TextArea of every modal ever opened stays reachable from the app while the theme
stays the same — with its document and render caches. Seen: 300 openings keep 300
TextAreas alive; with the watcher removed on unmount, none.

Suggested upstream fix: remove a node's watchers on other objects when the node is
removed (or prune closed nodes in ``_watch`` when appending).
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys

from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

#: the text area under test: Textual's, or ours with ``--fixed``
AreaClass: type[TextArea] = TextArea
if "--fixed" in sys.argv:
    from kanban_tui.ui.widgets.text_area import FieldArea

    AreaClass = FieldArea


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


class Form(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield AreaClass("notes " * 50)


class Repro(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("main")


async def main(rounds: int) -> None:
    app = Repro()
    async with app.run_test() as pilot:
        base = 0.0
        for i in range(20 + rounds):
            if i == 20:  # after a warm-up
                gc.collect()
                base = rss_mb()
            await app.push_screen(Form())
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
        gc.collect()
        areas = sum(1 for o in gc.get_objects() if isinstance(o, TextArea))
        print(f"{rounds} openings: RSS +{rss_mb() - base:.1f} MB, TextAreas alive: {areas}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 300))
