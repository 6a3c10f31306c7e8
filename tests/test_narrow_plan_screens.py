"""Goals and Templates on a laptop split pane (80×24), in both languages: nothing is cut
without "…", no line runs off the screen, Chinese wraps by cells (issue 14).

The screen is read as the user sees it: the rendered lines of the compositor."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.widgets import DataTable

from kanban_tui.domain.text import line_breaks
from kanban_tui.ui.screens.goals import GoalsScreen
from kanban_tui.ui.screens.templates import TemplateForm, TemplatesScreen
from tests.test_kpi_ui import import_may
from tests.test_templates_ui import finish_first_card
from tests.ui_helpers import make_app

NARROW = (80, 24)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
    await pilot.pause()


def set_goal(board) -> None:
    import_may(board)
    weights = [Decimal(1)] * 9 + [Decimal("1.2"), Decimal("1.4"), Decimal("1.6")]
    board.kpi.set_goal(2026, Decimal(120000), "USD", weights)


# ------------------------------------------------------------------------------ wrapping


@given(
    st.text(alphabet=st.sampled_from(list("ab 年还没有销售目标。2026-")), max_size=80),
    st.integers(min_value=2, max_value=40),
)
def test_line_breaks_keep_every_character_and_fit_the_width(text, width):
    starts = [0, *line_breaks(text, width), len(text)]
    pieces = [text[a:b] for a, b in itertools.pairwise(starts)]
    assert "".join(pieces) == text
    assert all(cell_len(piece.rstrip()) <= width for piece in pieces)
    assert starts == sorted(starts)


def test_chinese_breaks_between_characters_not_after_the_year():
    text = "2026 年还没有销售目标。可在命令行设置:"
    starts = [0, *line_breaks(text, 30), len(text)]
    first = text[starts[0] : starts[1]]
    assert first.startswith("2026 年还没有")  # the number stays with its sentence
    assert cell_len(first) <= 30


def test_english_breaks_at_spaces():
    text = "No sales goal for 2026 yet. Set one from the command line:"
    starts = [0, *line_breaks(text, 30), len(text)]
    assert [text[a:b].strip() for a, b in itertools.pairwise(starts)] == [
        "No sales goal for 2026 yet.",
        "Set one from the command line:",
    ]


# --------------------------------------------------------------------------------- goals


async def test_goals_without_a_goal_keep_the_year_with_its_sentence_in_chinese(db, clock):
    app, _ = make_app(db, clock, lang="zh")
    async with app.run_test(size=NARROW) as pilot:
        await press(pilot, "g")
        assert isinstance(app.screen, GoalsScreen)
        lines = screen_lines(app)
        assert any(line.strip().startswith("2026 年还没有销售目标") for line in lines), lines
        # the command is whole on its line, not broken after "goal set"
        assert any("seller-kanban goal set AMOUNT --year 2026 --currency" in x for x in lines)


@pytest.mark.parametrize(
    ("lang", "month", "status", "weeks"),
    [
        ("en", "Nov", "? no data", "Nov 2026 by week"),
        ("zh", "11月", "? 无数据", "2026年11月 按周分解"),
    ],
)
async def test_goals_at_80_columns_show_the_whole_table_and_the_weeks_below(
    db, clock, lang, month, status, weeks
):
    app, board = make_app(db, clock, lang=lang)
    set_goal(board)
    async with app.run_test(size=NARROW) as pilot:
        await press(pilot, "g")
        lines = screen_lines(app)
        # the chosen month is in view with its status, the weeks under the table
        chosen = [line for line in lines if "▶" in line]
        assert chosen and month in chosen[0] and status in chosen[0], lines
        assert any(line.strip() == weeks for line in lines), lines
        # the header is cut with "…", never mid-word without it
        assert lines[0].rstrip().endswith("…") or "2026-11-25" in lines[0], lines[0]
        await press(pilot, "up", "up", "up", "up", "up", "up", "up", "up", "up", "up")
        chosen = [line for line in screen_lines(app) if "▶" in line]
        assert chosen and status in chosen[0]  # January: scrolled back into view


async def test_goals_at_120_columns_keep_the_weeks_beside_the_months(db, clock):
    app, board = make_app(db, clock)
    set_goal(board)
    async with app.run_test(size=(120, 35)) as pilot:
        await press(pilot, "g")
        line = next(line for line in screen_lines(app) if "▶" in line)
        assert "Nov" in line and "W" not in line.split("▶")[0]
        assert any("Month" in x and "Nov 2026 by week" in x for x in screen_lines(app))


# ----------------------------------------------------------------------------- templates


@pytest.mark.parametrize(
    ("lang", "last", "recent", "detail"),
    [
        ("en", "Last done", "Last 8", "last done 11-25 09:30"),
        ("zh", "上次完成", "近8期", "上次完成 11-25 09:30"),
    ],
)
async def test_the_templates_table_fits_80_columns(db, clock, lang, last, recent, detail):
    app, board = make_app(db, clock, lang=lang)
    finish_first_card(board)
    async with app.run_test(size=NARROW) as pilot:
        await press(pilot, "t")
        assert isinstance(app.screen, TemplatesScreen)
        table = app.screen.query_one("#templates-table", DataTable)
        # nothing to scroll sideways: every column is on screen
        assert table.virtual_size.width <= table.scrollable_content_region.width
        lines = screen_lines(app)
        header = lines[1]
        assert recent in header and last not in header, header
        # the last done moved to the line under the table
        assert any(detail in line for line in lines), lines
        # titles and rules are cut with "…"
        assert "…" in lines[2]


async def test_the_templates_table_keeps_last_done_at_120_columns(db, clock):
    app, board = make_app(db, clock)
    finish_first_card(board)
    async with app.run_test(size=(120, 35)) as pilot:
        await press(pilot, "t")
        header = screen_lines(app)[1]
        assert "Last done" in header and "Last 8" in header


@pytest.mark.parametrize(
    ("lang", "title", "rule"),
    [
        (
            "en",
            "Evaluate the plan; delete actions that do not work (PDCA)",
            "every four weeks from 2026-01-05 00:00 Los Angeles time",
        ),
        ("zh", "计划有效性评估,删除无效动作", "每两周(周一起,自2026-01-05) 00:00 洛杉矶时间"),
    ],
)
async def test_a_wide_templates_table_shows_titles_and_rules_whole(db, clock, lang, title, rule):
    """At 200 columns the free width goes to the title and the rule, not to empty space."""
    app, _ = make_app(db, clock, lang=lang)
    async with app.run_test(size=(200, 50)) as pilot:
        await press(pilot, "t")
        assert isinstance(app.screen, TemplatesScreen)
        table = app.screen.query_one("#templates-table", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        rows = screen_lines(app)[2:18]
        assert any(title in line for line in rows), rows
        assert any(rule in line for line in rows), rows


@pytest.mark.parametrize(
    ("lang", "label", "market"),
    [("en", "Marketplace (time zone)", "US United States"), ("zh", "站点(时区)", "US 美国")],
)
async def test_the_template_form_shows_the_marketplace_label_and_select_whole(
    db, clock, lang, label, market
):
    app, _ = make_app(db, clock, lang=lang)
    async with app.run_test(size=NARROW) as pilot:
        await press(pilot, "t", "e")
        assert isinstance(app.screen, TemplateForm)
        select = app.screen.query_one("#marketplace")
        assert select.outer_size.height == 3  # one line of text between its borders
        lines = screen_lines(app)
        assert any(label in line for line in lines), lines
        assert any(market in line and "▼" in line for line in lines), lines
