"""The KPI pane and its manual-entry form, driven with Textual's Pilot as a seller would."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.widgets import Input, Label, Select, Static

from kanban_tui.domain.kpi import BASE_METRICS, format_value
from kanban_tui.i18n import catalog, set_language
from kanban_tui.ui.actions import BOARD_ACTIONS
from kanban_tui.ui.screens.board import BoardScreen
from kanban_tui.ui.screens.dialogs import HelpScreen
from kanban_tui.ui.screens.kpi import (
    KpiEntryForm,
    KpiScreen,
    delta_text,
    parse_entry,
    parse_value,
    target_text,
)
from kanban_tui.ui.widgets.kpi import KpiTiles, TrendChart
from tests.kpi_files import import_report
from tests.ui_helpers import make_app, pilot_until

SIZE = (120, 40)
REPORTS = Path(__file__).parent / "fixtures" / "reports"
IMPORT_COMMAND = "seller-kanban kpi import FILE --marketplace US"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


def import_may(board) -> None:
    """The Business Report (May 1–3) and the Sponsored Products report (May 16–17), US."""
    for name in ("business_en_bom.csv", "sp_advertised_product_daily.csv"):
        import_report(board.kpi, (REPORTS / name).read_bytes(), marketplace="US")


def pane(app) -> KpiScreen:
    assert isinstance(app.screen, KpiScreen)
    return app.screen


def text_of(app, selector: str) -> str:
    """A Static's text as plain text (tables and groups laid out on a wide console)."""
    content = app.screen.query_one(selector, Static).content
    if isinstance(content, str | Text):
        return str(content)
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()


def tile(app, key: str):
    """The tile of ``key`` as the pane formatted it."""
    return next(view for view in pane(app).query_one(KpiTiles).tiles if view.key == key)


def tiles_text(app) -> str:
    """Every line the tiles widget paints (what the user reads)."""
    widget = pane(app).query_one(KpiTiles)
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


async def open_pane(pilot) -> KpiScreen:
    await pilot.press("2")
    await pilot.pause()
    return pane(pilot.app)


# ------------------------------------------------------------------------ opening


async def test_2_is_in_the_footer_and_the_help(db, clock):
    app, _ = make_app(db, clock)
    assert "2" in {b.key for b in BoardScreen.BINDINGS if b.show}
    assert [a.id for a in BOARD_ACTIONS].index("kpi") + 1 == [a.id for a in BOARD_ACTIONS].index(
        "templates"
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "KPIs" in text_of(app, "#help-keys")


async def test_without_data_the_pane_says_how_to_import_a_report(db, clock):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        assert screen.month == "2026-11"  # no data: this month
        assert screen.marketplace == "US"
        empty = text_of(app, "#kpi-chart-empty")
        assert IMPORT_COMMAND in empty
        assert "No KPI data for Nov 2026 in US" in empty
        assert not screen.query_one(TrendChart).display  # no empty axes
        assert tile(app, "acos").value == "—"
        assert "0 days with data" in text_of(app, "#kpi-head")


async def test_escape_returns_to_the_board(db, clock):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


# -------------------------------------------------------------------------- tiles


async def test_the_may_tiles_show_what_a_spreadsheet_computes(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    figures = board.kpi.month("2026-05", "US")
    definitions = board.kpi.definitions
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        assert screen.month == "2026-05"  # the latest month with data
        assert "May 2026" in text_of(app, "#kpi-head")
        assert "5 days with data" in text_of(app, "#kpi-head")
        for key in ("sales", "acos", "roas", "conversion", "cpc", "organic_share"):
            expected = format_value(
                definitions[key], figures.tiles[key].value, figures.tiles[key].currency
            )
            assert tile(app, key).value == expected, key
        # by hand, from the CSVs: Σ spend 276.09 / Σ 7-day sales 818.78; 290 units / 2,843
        # sessions; 276.09 / 248 clicks; (2,843 − 248) / 2,843 sessions
        assert tile(app, "sales").value == "10,758.60 USD"
        assert tile(app, "acos").value == "33.7%"
        assert tile(app, "roas").value == "2.97×"
        assert tile(app, "conversion").value == "10.2%"
        assert tile(app, "cpc").value == "1.11 USD"
        assert tile(app, "organic_share").value == "91.3%"
        acos = tile(app, "acos")
        assert (acos.target, acos.status_text) == ("≤ 25.0%", "✗ breach")
        assert tile(app, "cpc").status_text == "✓ on target"
        assert tile(app, "cpc").target == "0.80–1.50"
        assert tile(app, "organic_share").note == "estimated"
        assert tile(app, "gross_margin").note == "missing: COGS"
        assert tile(app, "contribution_margin").note == "missing: COGS, Amazon fees"
        assert tile(app, "odr").note == "no value yet: press a"
        shown = tiles_text(app)
        assert "33.7%" in shown and "✗ breach" in shown and "10,758.60 USD" in shown
        parts = text_of(app, "#kpi-parts")
        assert "10,758.60 USD" in parts and "276.09 USD" in parts and "missing" in parts


async def test_sales_against_the_goal(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    board.kpi.set_goal(2026, Decimal("120000"))
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        pacing = text_of(app, "#kpi-pacing")
        assert "10,758.60 USD" in pacing  # sales so far
        assert "10,000.00 USD" in pacing  # the month's goal: 120,000 / 12
        # 10,758.60 over the 17 days up to the last day with data, 31 days: 19,618.62
        assert "19,618.62 USD" in pacing
        assert "per remaining day (14 d)" in pacing
        assert tile(app, "sales").note == "107.6% of the goal"


async def test_without_a_goal_the_pane_says_how_to_set_one(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        pacing = text_of(app, "#kpi-pacing")
        assert "seller-kanban goal set AMOUNT --year 2026 --currency USD" in pacing


# -------------------------------------------------------------------------- keys


async def test_brackets_change_the_month(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.month == "2026-04"
        assert "Apr 2026" in text_of(app, "#kpi-head")
        assert {view.value for view in screen.query_one(KpiTiles).tiles} == {"—"}
        assert IMPORT_COMMAND in text_of(app, "#kpi-chart-empty")
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert screen.month == "2026-06"
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert tile(app, "acos").value == "33.7%"
        assert screen.query_one(TrendChart).display


async def test_down_selects_the_next_kpi_and_the_chart_follows(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        assert text_of(app, "#kpi-chart-title") == "Monthly sales per day, May 2026 (USD)"
        await pilot.press("down")
        await pilot.pause()
        assert screen.key == "acos"
        assert screen.query_one(KpiTiles).selected == 1
        assert text_of(app, "#kpi-chart-title") == "ACoS per day, May 2026 (%)"
        assert text_of(app, "#kpi-detail").startswith("ACoS\n✗ breach\n33.7%")
        spec = screen.chart_spec()
        assert spec is not None
        # ACoS on May 16 and 17, and the 25 % target as a line
        assert [x for run in spec.values for x, _ in run] == [15, 16]
        assert spec.targets == [25.0]
        assert "7-day rolling" in text_of(app, "#kpi-legend")
        await pilot.press("up", "up")
        await pilot.pause()
        assert screen.key == "sales"  # stops at the first


async def test_r_cycles_the_range(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        await pilot.press("down")
        assert "range: month" in text_of(app, "#kpi-head")
        await pilot.press("r")
        await pilot.pause()
        assert "range: quarter" in text_of(app, "#kpi-head")
        assert text_of(app, "#kpi-chart-title") == "ACoS per day, Mar 2026 – May 2026 (%)"
        assert screen.chart_spec().size == 31 + 30 + 31
        await pilot.press("r")
        await pilot.pause()
        assert "range: 12 months" in text_of(app, "#kpi-head")
        assert text_of(app, "#kpi-chart-title") == "ACoS per month, Jun 2025 – May 2026 (%)"
        spec = screen.chart_spec()
        assert spec.size == 12 and [x for run in spec.values for x, _ in run] == [11]
        await pilot.press("r")
        await pilot.pause()
        assert "range: month" in text_of(app, "#kpi-head")


async def test_m_switches_the_marketplace(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    board.kpi.add(date(2026, 5, 20), "sales", Decimal("500"), "UK")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        assert screen.marketplace == "US"
        await pilot.press("m")
        await pilot.pause()
        assert screen.marketplace == "UK"
        assert "UK United Kingdom" in text_of(app, "#kpi-head")
        assert tile(app, "sales").value == "500.00 GBP"  # money keeps its currency
        assert tile(app, "acos").value == "—"
        await pilot.press("m")
        await pilot.pause()
        assert screen.marketplace == "US"
        assert tile(app, "sales").value == "10,758.60 USD"


async def test_m_with_one_marketplace_says_so(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert screen.marketplace == "US"


async def test_a_value_from_another_program_shows_up(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        assert tile(app, "organic_share").note == "estimated"
        from kanban_tui.services.kpi import KpiService
        from kanban_tui.storage import open_database

        other = KpiService(open_database(db), clock)  # another program's connection
        other.add(date(2026, 5, 20), "organic_share_measured", Decimal("0.45"), "US")
        other.db.close()
        await pilot_until(pilot, lambda: tile(app, "organic_share").value == "45.0%", "the value")
        assert tile(app, "organic_share").note == "measured"


# ------------------------------------------------------------------------ the form


async def fill(pilot, widget_id: str, text: str) -> None:
    box = pilot.app.screen.query_one(widget_id, Input)
    box.focus()
    box.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def test_a_adds_cogs_and_the_gross_margin_gets_a_value(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    board.kpi.add(date(2026, 5, 20), "fees", Decimal("1500"), "US")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        assert tile(app, "gross_margin").value == "—"
        assert tile(app, "gross_margin").note == "missing: COGS"
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, KpiEntryForm)
        assert form.query_one("#day", Input).value == "2026-11-25"  # today
        assert not form.query_one("#field-asin").display
        form.query_one("#metric", Select).value = "cogs"
        await pilot.pause()
        await fill(pilot, "#day", "2026-05-20")
        await fill(pilot, "#value", "3,000")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.month == "2026-05" and screen.key == "gross_margin"
        # gross margin: (10,758.60 − 3,000) / 10,758.60
        margin = board.kpi.month("2026-05", "US").tiles["gross_margin"].value
        assert round(margin, 4) == Decimal("0.7212")
        assert tile(app, "gross_margin").value == "72.1%"
        assert tile(app, "gross_margin").status_text == "✓ on target"
        assert tile(app, "gross_margin").note == "gross profit 7,758.60 USD"
        # contribution margin: (10,758.60 − 3,000 − 1,500 − 276.09) / 10,758.60
        left = board.kpi.month("2026-05", "US").tiles["contribution_margin"].value
        assert round(left, 4) == Decimal("0.5561")
        assert tile(app, "contribution_margin").note == "after fees and ads 5,982.51 USD"
        assert "3,000.00 USD" in text_of(app, "#kpi-parts")
        assert "7,758.60 USD (72.1%)" in text_of(app, "#kpi-parts")
        assert "5,982.51 USD (55.6%)" in text_of(app, "#kpi-parts")


async def test_the_form_refuses_bad_input_and_saves_nothing(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    before = len(board.kpi.observations("US", date(2026, 1, 1), date(2027, 1, 1)))
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        form.query_one("#metric", Select).value = "cogs"
        await fill(pilot, "#value", "abc")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "a number" in str(form.query_one("#value-error", Label).render())

        await fill(pilot, "#day", "2026-11-31")
        await fill(pilot, "#value", "-5")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "2026-11-25" in str(form.query_one("#day-error", Label).render())
        assert "negative" in str(form.query_one("#value-error", Label).render())

        form.query_one("#metric", Select).value = "bsr"
        await pilot.pause()
        assert form.query_one("#field-asin").display
        await fill(pilot, "#day", "2026-11-20")
        await fill(pilot, "#value", "1204")
        await fill(pilot, "#asin", "B0")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "10 letters and digits" in str(form.query_one("#asin-error", Label).render())
        assert str(form.query_one("#value-error", Label).render()) == ""
        assert app.screen is form
        after = len(board.kpi.observations("US", date(2026, 1, 1), date(2027, 1, 1)))
        assert after == before

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, KpiScreen)


async def test_bsr_per_asin(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        form.query_one("#metric", Select).value = "bsr"
        await pilot.pause()
        await fill(pilot, "#value", "1204")
        await fill(pilot, "#asin", "b0testaaa1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert screen.key == "bsr" and screen.month == "2026-11"
        assert tile(app, "bsr").value == "#1,204"
        assert "B0TESTAAA1  #1,204  (11-25)" in text_of(app, "#kpi-detail")
        rows = board.kpi.observations("US", date(2026, 11, 1), date(2026, 12, 1))
        assert [(r.scope, r.metric, r.value) for r in rows] == [
            ("B0TESTAAA1", "bsr", Decimal("1204"))
        ]


@pytest.mark.parametrize(
    ("metric", "text", "expected"),
    [
        ("cogs", "1,250.50", Decimal("1250.50")),
        ("keyword_coverage", "72%", Decimal("0.72")),
        ("keyword_coverage", "0.72", Decimal("0.72")),
        ("odr", "0.5%", Decimal("0.005")),
        ("response_hours", "6.5", Decimal("6.5")),
        ("bsr", "1204", Decimal("1204")),
    ],
)
def test_values_as_typed(metric, text, expected):
    assert parse_value(metric, text) == expected


@pytest.mark.parametrize(
    ("metric", "text", "message"),
    [
        ("cogs", "abc", "a number"),
        ("cogs", "NaN", "a number"),
        ("cogs", "12%", "without %"),
        ("keyword_coverage", "72", "0.72"),
        ("bsr", "12.5", "whole rank"),
        ("fees", "-1", "negative"),
    ],
)
def test_values_refused(metric, text, message):
    with pytest.raises(ValueError, match=message):
        parse_value(metric, text)


def test_an_entry_needs_a_day_up_to_today():
    today = date(2026, 11, 25)
    entry, errors = parse_entry("cogs", "2026-11-26", "10", "", today)
    assert entry is None and set(errors) == {"day"}
    entry, errors = parse_entry("cogs", "2026-11-25", "", "", today)
    assert entry is None and set(errors) == {"value"}
    entry, errors = parse_entry("cogs", "2026-11-25", "10", "", today)
    assert errors == {} and entry.scope == "store" and entry.value == Decimal(10)


# ---------------------------------------------------------------------- wording


def test_ratio_changes_are_in_percentage_points(db, clock):
    _, board = make_app(db, clock)
    acos = board.kpi.definitions["acos"]
    assert delta_text(acos, Decimal("0.021"), None) == "+2.1 pp"
    assert delta_text(acos, Decimal("-0.004"), None) == "-0.4 pp"
    assert delta_text(board.kpi.definitions["sales"], Decimal("1234.5"), "USD") == "+1,234.50 USD"
    assert (
        target_text(board.kpi.definitions["odr"], board.kpi.definitions["odr"].target) == "< 1.0%"
    )
    set_language("zh")
    assert delta_text(acos, Decimal("0.021"), None) == "+2.1 个百分点"


def test_every_base_metric_has_a_label_in_both_languages():
    for lang in ("en", "zh"):
        names = catalog(lang)
        assert [m for m in BASE_METRICS if f"kpi_pane.metric.{m}" not in names] == []


async def test_the_change_against_last_month(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    board.kpi.add(date(2026, 4, 30), "organic_share_measured", Decimal("0.90"), "US")
    board.kpi.add(date(2026, 5, 31), "organic_share_measured", Decimal("0.921"), "US")
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        share = tile(app, "organic_share")
        assert (share.value, share.delta, share.delta_kind) == ("92.1%", "+2.1 pp", "better")


async def test_the_pane_in_chinese(db, clock):
    app, board = make_app(db, clock, lang="zh")
    import_may(board)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        assert "2026年5月" in text_of(app, "#kpi-head")
        assert tile(app, "organic_share").note == "估算"
        assert tile(app, "acos").name == "广告销售成本比 (ACoS)"
        assert tile(app, "acos").status_text == "✗ 超标"
        assert text_of(app, "#kpi-chart-title") == "月销售额 · 每日 · 2026年5月 (USD)"
        assert "7 日滚动" in text_of(app, "#kpi-legend")


# -------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kpi_pane_snapshot(snap_compare, db, clock, lang):
    app, board = make_app(db, clock, lang=lang)
    import_may(board)
    board.kpi.set_goal(2026, Decimal("120000"))

    async def open_on_acos(pilot) -> None:
        await pilot.press("2", "down")
        await pilot.pause()
        pilot.app.clear_notifications()  # the start-up tick's toasts would cover the pane
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_on_acos)


def test_the_pane_computes_the_series_as_the_service_does(db, clock):
    """The view model computes a month's series from one read of the month; each point is
    what the service computes for that day, that 7-day window or that month."""
    from kanban_tui.services.kpi_view import KpiView

    _, board = make_app(db, clock)
    import_may(board)
    board.kpi.add(date(2026, 4, 28), "sales", Decimal("800"), "US")
    board.kpi.add(date(2026, 5, 2), "organic_share_measured", Decimal("0.5"), "US")
    board.kpi.add(date(2026, 5, 17), "bsr", Decimal("1500"), "US", scope="B0TESTAAA1")
    board.kpi.add(date(2026, 5, 17), "bsr", Decimal("900"), "US", scope="B0TESTAAA2")
    board.kpi.add(date(2026, 3, 3), "cogs", Decimal("100"), "US")
    data = KpiView(board.kpi)
    service = board.kpi
    checked = 0
    for key in service.definitions:
        for month in ("2026-04", "2026-05"):
            days, daily, rolled = data.daily(key, month, "US")
            for day, value, rolling in zip(days, daily, rolled, strict=True):
                seen = bool(service.counted_between("US", day, day + timedelta(days=1))[0])
                if not seen:
                    assert value is None and rolling is None, (key, day)
                    continue
                one = service.computed(day, day + timedelta(days=1), "US").get(key)
                week = service.computed(day - timedelta(days=6), day + timedelta(days=1), "US")
                assert value == one, (key, day)
                assert rolling == week.get(key), (key, day)
                checked += value is not None
        months, values = data.monthly(key, "2026-05", 12, "US")
        for month, value in zip(months, values, strict=True):
            assert value == service.month(month, "US").tiles[key].value, (key, month)
    assert checked >= 10  # a real comparison, not one of empty series


async def test_the_chart_follows_the_theme_and_the_size(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        chart = screen.query_one(TrendChart)
        before = chart.chart_colors
        app.theme = "textual-light"
        await pilot.pause()
        assert chart.chart_colors != before
        tiles = screen.query_one(KpiTiles)
        assert tiles.columns_for(tiles.size.width) == 4
        await pilot.resize_terminal(90, 40)
        await pilot.pause()
        assert tiles.columns_for(tiles.size.width) == 3
        assert tiles.size.height == 6 * 4  # 16 tiles in rows of 3
        assert chart.display and chart.size.width > 0
