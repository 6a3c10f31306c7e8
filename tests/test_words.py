"""Numbers as a seller writes them, in the forms' suggestions and read back as typed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input, Label

from kanban_tui.format import grouped
from kanban_tui.ui.screens.goals import GoalForm, parse_goal
from kanban_tui.ui.screens.kpi import parse_value
from tests.ui_helpers import make_app

SIZE = (120, 40)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("120000.00"), "120,000"),
        (Decimal("1250.50"), "1,250.5"),
        (Decimal("6.5"), "6.5"),
        (Decimal("10"), "10"),
        (Decimal("0.25"), "0.25"),
    ],
)
def test_grouped_numbers_have_digit_groups_and_no_needless_decimals(value, shown):
    assert grouped(value) == shown


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_what_a_form_suggests_it_reads_back(value):
    assert parse_value("cogs", grouped(value)) == value
    values, errors = parse_goal(grouped(value) if value > 0 else "1", "USD", [])
    assert errors == {} or value == 0
    if value > 0:
        assert values is not None and values.amount == value


@pytest.mark.parametrize(
    ("metric", "lang", "example"),
    [
        ("response_hours", "en", "a number, e.g. 6.5"),
        ("cogs", "en", "a number, e.g. 1,250 or 1,250.50"),
        ("bsr", "en", "a number, e.g. 1,204"),
        ("response_hours", "zh", "请输入数字,如 6.5"),
    ],
)
def test_a_refused_value_suggests_a_number_of_its_own_kind(metric, lang, example):
    from kanban_tui.i18n import set_language

    set_language(lang)
    try:
        with pytest.raises(ValueError) as refused:
            parse_value(metric, "abc")
    finally:
        set_language("en")
    assert str(refused.value) == example
    assert "1250.50" not in str(refused.value)


async def test_the_goal_form_shows_the_stored_goal_grouped_and_saves_it_unchanged(tmp_path, clock):
    app, board = make_app(tmp_path / "g.db", clock)
    weights = [Decimal(1)] * 9 + [Decimal("1.5"), Decimal(2), Decimal(10)]
    board.kpi.set_goal(2026, Decimal("120000.00"), "USD", weights)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g", "e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, GoalForm)
        assert form.query_one("#amount", Input).value == "120,000"
        assert form.query_one("#weight-12", Input).value == "10"  # not "1E+1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, GoalForm), str(
            form.query_one("#form-error", Label).content
        )
    from kanban_tui.ui.screens.goals import stored_goal

    goal = stored_goal(board.kpi, 2026)
    assert goal is not None
    assert goal.amount == Decimal(120000) and list(goal.weights) == weights
