"""Numbers as a seller writes them, in the forms' suggestions and read back as typed."""

from __future__ import annotations

import itertools
import math
from decimal import Decimal
from pathlib import Path

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


@given(
    st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
    st.floats(min_value=1e-3, max_value=1e7, allow_nan=False),
)
def test_chart_ticks_are_round_and_evenly_spaced(low, span):
    from kanban_tui.ui.widgets.kpi import _y_ticks

    high = low + span
    ticks = _y_ticks(low, high)
    assert 2 <= len(ticks) <= 6
    assert all(low - 1e-6 * span <= v <= high + 1e-6 * span for v in ticks)
    step = ticks[1] - ticks[0]
    slack = 1e-9 * max(1.0, abs(low), abs(high))
    assert all(abs((b - a) - step) <= slack for a, b in itertools.pairwise(ticks))
    assert all(abs(v / step - round(v / step)) <= 1e-6 * max(1.0, abs(v / step)) for v in ticks)
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    assert any(abs(mantissa - m) < 1e-3 for m in (1, 2, 2.5, 5, 10))


@pytest.mark.parametrize(
    ("low", "high", "kind", "labels"),
    [
        (0, 11_500, "amount", ["0k", "2.5k", "5k", "7.5k", "10k"]),
        (11.2, 13.1, "percent", ["11.5%", "12%", "12.5%", "13%"]),
        (0, 0.9, "ratio", ["0", "0.2", "0.4", "0.6", "0.8"]),
        (1_200, 1_500, "amount", ["1,200", "1,300", "1,400", "1,500"]),
    ],
)
def test_chart_axis_labels_read_as_round_numbers(low, high, kind, labels):
    from kanban_tui.ui.widgets.kpi import _y_text, _y_ticks

    assert [_y_text(v, kind, low, high) for v in _y_ticks(low, high)] == labels


def test_kpi_show_keeps_its_columns_with_chinese_names_and_long_values(tmp_path, capsys):
    from rich.cells import cell_len

    from kanban_tui.cli import main

    reports = Path(__file__).parent / "fixtures" / "reports"
    big = tmp_path / "business.csv"
    big.write_text(
        'Date,Ordered Product Sales,Units Ordered\n5/10/2026,"$12,345,678.90",10\n',
        encoding="utf-8",
    )
    db = ["--db", str(tmp_path / "k.db")]
    for path in (big, reports / "sp_advertised_product_daily.csv", reports / "sb_14_day.csv"):
        assert main([*db, "kpi", "import", str(path), "--marketplace", "US"]) in (0, None)
    capsys.readouterr()
    main([*db, "--lang", "zh", "kpi", "show", "--month", "2026-05"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "12,345,678.90 USD" in out and "广告销售成本比 (ACoS)" in out
    # each tile: status, name, value right-aligned, three spaces, target
    tiles = [line for line in lines if line[:1] in "·✓✗!" and "   " in line]
    assert len(tiles) >= 10
    ends = {cell_len(line[: line.rindex("   ")]) for line in tiles}
    assert len(ends) == 1, out
    # spend by ad type: the amounts end in one column, the ACoS starts in one
    by_type = [line for line in lines if "ACoS " in line and line.startswith("  ")]
    assert len(by_type) == 2
    assert len({cell_len(line[: line.index("   ACoS")]) for line in by_type}) == 1
