"""The KPI pane's side note at 80 columns in Chinese wraps by cells (issue 14).

Rich breaks lines at spaces only, so "目标 = 年度目标 / 12(可按月加权)…" left "年度目标 /"
alone on a line and the rest of the sentence moved down. The note and the ASIN heading are
drawn with :class:`~kanban_tui.ui.widgets.wrapped.CellWrapped` now: a line only ends where
the next character (or English word) would not fit."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Static

from kanban_tui.domain.text import OPENING
from kanban_tui.services.kpi_words import kpi_note
from tests.test_kpi_ui import import_may, pane
from tests.ui_helpers import make_app


def side_lines(app, selector: str) -> list[str]:
    """What the user reads in one widget: its part of each line of the screen."""
    region = app.screen.query_one(selector, Static).content_region
    strips = app.screen._compositor.render_strips()
    return [
        strips[y].crop(region.x, region.right).text.rstrip() for y in range(region.y, region.bottom)
    ]


def wide(char: str) -> bool:
    """A Chinese character or punctuation mark (a line may break before or after it)."""
    return bool(char) and ord(char) > 0x2E7F


def first_unit(line: str) -> str:
    """What the line above could have taken: a CJK character, or a word."""
    text = line.lstrip()
    word = re.match(r"[\x00-\u2e7f]+?(?=\s|[^\x00-\u2e7f]|$)", text)
    unit = word.group(0) if word and word.start() == 0 and word.group(0) else text[:1]
    if unit and set(unit) <= OPENING and len(text) > len(unit):
        # no line ends with an opening bracket (kinsoku): it goes down with what follows
        return unit + first_unit(text[len(unit) :])
    return unit


def assert_filled(lines: list[str], width: int) -> None:
    for above, below in itertools.pairwise(lines):
        room = width - cell_len(above)
        unit = first_unit(below)
        # between two Chinese characters a line may break anywhere, elsewhere at a space
        gap = 0 if wide(above[-1:]) and wide(unit[:1]) else 1
        assert cell_len(unit) + gap > room, f"{unit!r} fits after {above!r} ({room} cells left)"


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_side_note_wraps_by_cells_at_80_columns(tmp_path: Path, clock, lang):
    app, board = make_app(tmp_path / "board.db", clock, lang=lang)
    import_may(board)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        for _ in range(100):
            await pilot.pause()
            if type(app.screen).__name__ == "KpiScreen" and app.screen.is_mounted:
                break
        await pilot.pause()
        screen = pane(app)
        note = kpi_note(screen.definition, lang)
        assert note
        width = screen.query_one("#kpi-detail", Static).content_region.width
        lines = side_lines(app, "#kpi-detail")
        squeezed = [re.sub(r"\s", "", line) for line in lines]
        target = re.sub(r"\s", "", note)
        start = next(i for i, line in enumerate(squeezed) if line and target.startswith(line))
        taken, end = "", start
        while end < len(lines) and taken != target:
            taken += squeezed[end]
            end += 1
        assert taken == target, lines  # the whole note is there, nothing cut
        assert_filled(lines[start:end], width)
