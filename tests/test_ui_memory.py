"""A day of opening and closing screens keeps no widgets alive.

Textual's ``Footer`` used to keep every ``FooterKey`` it ever made (a ``data_bind``
watcher per key, pruned only when ``compact`` changes): about half a megabyte per screen
opened and closed. Counting live widgets is exact where RSS is noisy, so that is what is
checked here, and so are the widgets' render caches (``StylesCache``), which a Textual
``lru_cache`` kept after their widgets were gone (``kanban_tui/ui/render_cache.py``);
``python -m benchmarks.soak_screens`` measures the RSS of 1,000 openings per screen.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from textual._styles_cache import StylesCache
from textual.widget import Widget
from textual.widgets._footer import FooterKey

from tests.ui_helpers import make_app

#: (keys that open it, keys that close it)
SCREENS = [
    (("question_mark",), ("escape",)),  # help
    (("2",), ("escape",)),  # KPI pane
    (("c",), ("escape",)),  # checklist / details
    (("t",), ("escape",)),  # templates
    (("3",), ("escape",)),  # review
    (("4",), ("escape",)),  # week
    (("g",), ("escape",)),  # goals
    (("s",), ("escape",)),  # settings
    # the forms with a multi-line field (Textual's TextArea watched the app's theme and
    # was kept alive by that watcher: ui/widgets/text_area.py)
    (("n",), ("escape",)),  # new card
    (("t", "a"), ("escape", "escape")),  # new template
    (("3", "n"), ("escape", "escape")),  # a review note
    (("2", "a"), ("escape", "escape")),  # KPI entry
    (("d",), ("n",)),  # delete: no
    (("exclamation_mark",), ("escape",)),  # playbooks
]


def live(kind: type) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, kind))


@pytest.mark.parametrize(("opening", "closing"), SCREENS, ids=lambda keys: "+".join(keys))
async def test_screens_opened_and_closed_leave_no_widgets_behind(
    tmp_path: Path, clock, opening: tuple[str, ...], closing: tuple[str, ...]
):
    app, _ = make_app(tmp_path / "board.db", clock)
    async with app.run_test(size=(120, 40)) as pilot:
        board = app.screen

        async def cycle() -> None:
            for key in opening:
                shown = app.screen
                await pilot.press(key)
                await pilot.pause()
                assert app.screen is not shown, f"{key} opened nothing over {shown}"
            for key in closing:
                await pilot.press(key)
                await pilot.pause()
            assert app.screen is board

        for _ in range(3):  # warm-up: caches, lazily imported screens
            await cycle()
        keys, widgets, caches = live(FooterKey), live(Widget), live(StylesCache)
        for _ in range(15):
            await cycle()
        assert live(FooterKey) <= keys
        assert live(Widget) <= widgets + 5
        # each widget's rendered lines: Textual's lru_cache kept those of closed screens
        assert live(StylesCache) <= caches + 5
