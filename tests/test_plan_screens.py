"""The plan screens — goals (g), week (4), settings (s), review (3) — driven with Textual's
Pilot as a seller would: every key changes what the screen shows and what the database or
the config file holds."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.widgets import DataTable, Input, Label, Select, Static, TextArea

from kanban_tui import config
from kanban_tui.domain.models import Column
from kanban_tui.format import duration
from kanban_tui.services.budget import day_load, week_plan
from kanban_tui.services.review import ReviewService
from kanban_tui.ui.actions import BOARD_ACTIONS
from kanban_tui.ui.screens.board import BoardScreen
from kanban_tui.ui.screens.card_form import CardForm
from kanban_tui.ui.screens.dialogs import ConfirmScreen, HelpScreen
from kanban_tui.ui.screens.goals import (
    GoalForm,
    GoalsScreen,
    judge,
    parse_goal,
    stored_goal,
    week_split,
)
from kanban_tui.ui.screens.review import NoteForm, ReviewScreen, window_start
from kanban_tui.ui.screens.settings import SettingsScreen, parse_buffer
from kanban_tui.ui.screens.templates import TemplateForm
from kanban_tui.ui.screens.week import WeekScreen, share_scale, verdict
from tests.conftest import FIXED_NOW, FakeClock
from tests.kpi_files import import_report
from tests.ui_helpers import make_app

SIZE = (120, 40)
REPORTS = Path(__file__).parent / "fixtures" / "reports"
SHANGHAI = timezone(timedelta(hours=8))
#: 2026-10-01 20:00 in Shanghai is 05:00 on Oct 1 in Los Angeles (the plan's zone).
HISTORY_START = datetime(2026, 10, 1, 20, 0, tzinfo=SHANGHAI)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


def text_of(app, selector: str) -> str:
    """What a Static shows, as plain text (tables and groups laid out on a wide console)."""
    content = app.screen.query_one(selector, Static).content
    if isinstance(content, str | Text):
        return str(content)
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()


def table_rows(app) -> list[list[str]]:
    view = app.screen.query_one(DataTable)
    return [[str(cell) for cell in view.get_row_at(i)] for i in range(view.row_count)]


async def retype(pilot, selector: str, text: str) -> None:
    """Empty an input and type ``text`` into it key by key."""
    box = pilot.app.screen.query_one(selector, Input)
    box.focus()
    box.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.app.writes.idle()  # what the keys wrote (in the writer thread) is stored
    await pilot.pause()


def import_may(board) -> None:
    """The Business Report of May 1–3, 2026 (US): 10,758.60 USD of ordered sales."""
    import_report(board.kpi, (REPORTS / "business_en_bom.csv").read_bytes(), marketplace="US")


def template_id(board, key: str) -> int:
    return next(row.id for row in board.templates.rows() if row.key == key)


def make_history(db: Path, lang: str = "en"):
    """A board used from Oct 1 to Nov 25, 2026: the scheduler ticks every day; account
    health and buyer messages are always done, ad performance every other day, the weekly
    competitor check twice (the weeks of Sep 28 and Oct 5) and the monthly financials
    review once. September and October have KPI values: buyer replies stay slow (a KPI
    that did not move), the order defect rate is fine."""
    clock = FakeClock(HISTORY_START)
    app, board = make_app(db, clock, lang=lang)
    keys = {row.id: row.key for row in board.templates.rows()}
    competitor_weeks = 0
    while clock.now < FIXED_NOW:
        board.templates.tick()
        for column in (Column.DAILY, Column.WEEKLY, Column.MONTHLY):
            for card in board.cards.rows(column, 0, -1):
                key = keys.get(card.template_id) if card.template_id is not None else None
                done = key in ("account-health", "buyer-messages", "review-financials")
                done = done or (key == "ad-performance" and clock.now.day % 2 == 0)
                if key == "competitors" and competitor_weeks < 2:
                    competitor_weeks += 1
                    done = True
                if done:
                    board.cards.toggle_done(card.id)
        clock.advance(days=1)
    clock.now = FIXED_NOW
    board.templates.tick()
    for day, metric, value in (
        (date(2026, 9, 20), "response_hours", "30"),
        (date(2026, 10, 20), "response_hours", "28"),
        (date(2026, 10, 20), "odr", "0.004"),
    ):
        board.kpi.add(day, metric, Decimal(value), "US")
    return app, board, clock


# ------------------------------------------------------------------------- registry


def test_the_four_screens_are_named_actions():
    keys = {a.id: (a.keys, a.footer) for a in BOARD_ACTIONS}
    assert keys["review"] == ("3", True)
    assert keys["week"] == ("4", False)
    assert keys["goals"] == ("g", False)
    assert keys["settings"] == ("s", False)
    assert keys["edit_card_form"] == ("E", False)
    for item in BOARD_ACTIONS:
        assert hasattr(BoardScreen, "action_" + item.action.split("(")[0]), item.action


async def test_help_and_palette_list_the_new_keys(db, clock):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        offered = [c.title for c in app.get_system_commands(app.screen)]
        for name in ("Review", "Settings", "Week plan: time by category"):
            assert name in offered
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = text_of(app, "#help-keys")
        assert "Goals: the year's sales goal by month" in keys
        assert "Review" in keys


# ---------------------------------------------------------------------------- goals


def test_parse_goal_checks_every_field():
    values, errors = parse_goal("120,000", "usd", [""] * 12)
    assert errors == {}
    assert values is not None
    assert (values.amount, values.currency, values.weights) == (Decimal(120000), "USD", ())
    values, _ = parse_goal("120000", "USD", ["", "", "", "", "", "", "", "", "", "2", "2", "2"])
    assert values is not None and values.weights[9:] == (2, 2, 2) and values.weights[0] == 1
    _, errors = parse_goal("lots", "US", ["x"] + [""] * 11)
    assert set(errors) == {"amount", "currency", "weights"}
    assert "Jan" in errors["weights"]
    _, errors = parse_goal("0", "USD", ["0"] * 12)
    assert set(errors) == {"amount", "weights"}


def test_judge_never_relies_on_colour_alone():
    assert judge(Decimal(100), Decimal(120), Decimal(100), "past") == "reached"
    assert judge(Decimal(100), Decimal(80), Decimal(100), "past") == "missed"
    assert judge(Decimal(100), Decimal(50), Decimal(40), "current") == "on_pace"
    assert judge(Decimal(100), Decimal(30), Decimal(40), "current") == "behind"
    assert judge(Decimal(100), None, None, "past") == "no_data"
    assert judge(Decimal(100), None, None, "future") == "upcoming"


async def test_g_without_a_goal_says_how_to_set_one(db, clock):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "g")
        assert isinstance(app.screen, GoalsScreen)
        shown = text_of(app, "#goals-table")
        assert "No sales goal for 2026 yet" in shown
        assert "seller-kanban goal set AMOUNT --year 2026 --currency USD" in shown
        assert "press e" in shown
        await press(pilot, "escape")
        assert isinstance(app.screen, BoardScreen)


async def test_setting_a_goal_in_the_form_splits_it_evenly(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "g", "e")
        assert isinstance(app.screen, GoalForm)
        await retype(pilot, "#amount", "120000")
        assert "Q1 30,000.00" in text_of(app, "#goal-preview")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, GoalsScreen)
        assert board.kpi.monthly_goal("2026-05") == (Decimal("10000.00"), "USD")
        shown = text_of(app, "#goals-table")
        assert shown.count("10,000.00") == 12
        assert shown.count("30,000.00") == 4
        assert "120,000.00" in shown
        assert "annual goal 120,000.00 USD · split evenly" in text_of(app, "#goals-head")
        weeks = text_of(app, "#goals-weeks")
        assert "Nov 2026 by week" in weeks
        assert "Month's goal 10,000.00 USD" in weeks
        assert "2,333.33" in weeks  # a full week of November: 10,000 × 7 / 30


async def test_the_form_refuses_bad_values_and_saves_nothing(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "g", "e")
        await retype(pilot, "#amount", "lots")
        await retype(pilot, "#currency", "U1")
        await retype(pilot, "#weight-3", "-2")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, GoalForm)
        errors = {
            name: str(app.screen.query_one(f"#{name}-error", Label).content)
            for name in ("amount", "currency", "weights")
        }
        assert errors["amount"] == "Enter a number, e.g. 120,000."
        assert errors["currency"] == "Use a 3-letter currency code, e.g. USD."
        assert "Mar" in errors["weights"]
        assert stored_goal(board.kpi, 2026) is None
        await press(pilot, "escape")
        assert isinstance(app.screen, GoalsScreen)


async def test_weights_make_q4_heavier(db, clock):
    app, board = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "g", "e")
        await retype(pilot, "#amount", "150000")
        for month in (10, 11, 12):
            await retype(pilot, f"#weight-{month}", "2")
        await press(pilot, "ctrl+s")
        assert board.kpi.monthly_goal("2026-12") == (Decimal("20000.00"), "USD")
        assert board.kpi.monthly_goal("2026-01") == (Decimal("10000.00"), "USD")
        assert "weighted by month" in text_of(app, "#goals-head")
        shown = text_of(app, "#goals-table")
        assert "60,000.00" in shown  # Q4: 3 × 20,000
        await press(pilot, "e")  # the form opens with the weights as stored
        assert app.screen.query_one("#weight-12", Input).value == "2"
        assert app.screen.query_one("#weight-1", Input).value == "1"


async def test_goals_show_may_sales_beside_may_goal(db, clock):
    app, board = make_app(db, clock)
    import_may(board)
    import_report(
        board.kpi, (REPORTS / "business_de_semicolon_cp1252.csv").read_bytes(), marketplace="DE"
    )
    board.kpi.set_goal(2026, Decimal(120000))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "g")
        shown = text_of(app, "#goals-table")
        may = next(line for line in shown.splitlines() if "May" in line)
        assert "10,000.00" in may and "10,758.60" in may
        assert "108%" in may and "✓ reached" in may
        april = next(line for line in shown.splitlines() if "Apr" in line)
        assert "✗ missed" not in april and "? no data" in april
        # euros are never added to dollars: DE is named, not counted
        assert "DE (EUR)" in shown
        assert "1,234.56" not in shown
        q2 = next(line for line in shown.splitlines() if "Q2" in line)
        assert "10,758.60" in q2 and "36%" in q2
        await press(pilot, "up", "up", "up", "up", "up", "up")  # from Nov to May
        weeks = text_of(app, "#goals-weeks")
        assert "May 2026 by week" in weeks
        first = next(line for line in weeks.splitlines() if "05-01–05-03" in line)
        assert "10,758.60" in first  # May 1–3 (Fri–Sun) hold all the report's sales


async def test_brackets_change_the_year(db, clock):
    app, board = make_app(db, clock)
    board.kpi.set_goal(2026, Decimal(120000))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "g", "right_square_bracket")
        assert "2027" in text_of(app, "#goals-head")
        assert "No sales goal for 2027 yet" in text_of(app, "#goals-table")
        await press(pilot, "left_square_bracket")
        assert "120,000.00" in text_of(app, "#goals-table")


def test_weeks_follow_the_month_by_days(db, clock):
    _, board = make_app(db, clock)
    weeks = week_split(board.kpi, "2026-11", Decimal(3000), ["US"], "USD")
    assert [(w.start.day, (w.end - w.start).days) for w in weeks] == [
        (1, 1),
        (2, 7),
        (9, 7),
        (16, 7),
        (23, 7),
        (30, 1),
    ]
    assert sum(w.goal for w in weeks) == Decimal(3000)


async def test_next_month_targets_card_opens_the_goals_for_next_month(db, clock):
    app, board = make_app(db, clock)
    board.kpi.set_goal(2026, Decimal(120000))
    tid = template_id(board, "next-month-targets")
    async with app.run_test(size=SIZE) as pilot:
        card = next(c for c in board.cards.list_cards(Column.MONTHLY) if c.template_id == tid)
        app.screen.focus_card(card.id)
        await press(pilot, "e")
        assert isinstance(app.screen, GoalsScreen)
        assert app.screen.month == "2026-12"
        assert "Set next month's targets" in text_of(app, "#goals-hint")
        assert "Dec 2026 by week" in text_of(app, "#goals-weeks")
        marked = next(line for line in text_of(app, "#goals-table").splitlines() if "▶" in line)
        assert "Dec" in marked
        await press(pilot, "escape", "E")  # shift+e still edits the card itself
        assert isinstance(app.screen, CardForm)
        await press(pilot, "escape")
        app.screen.focus_card(board.cards.list_cards(Column.DAILY)[0].id)
        await press(pilot, "e")  # any other card: the form, as before
        assert isinstance(app.screen, CardForm)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_goals_snapshot(snap_compare, db, clock, lang):
    app, board = make_app(db, clock, lang=lang)
    import_may(board)
    weights = [Decimal(1)] * 9 + [Decimal("1.2"), Decimal("1.4"), Decimal("1.6")]
    board.kpi.set_goal(2026, Decimal(120000), "USD", weights)

    async def open_goals(pilot) -> None:
        await pilot.press("g")
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_goals)


# ----------------------------------------------------------------------------- week


def test_the_analysis_scale_draws_both_marks():
    lines = share_scale(0.30, width=50).plain.splitlines()
    assert lines[0].index("9%") == 9 and lines[0].index("23%") == 23
    assert lines[1][9] == "│" and lines[1][23] == "│"
    assert lines[1][:9] == "█" * 9 and lines[1][40] == "░"
    assert lines[1].endswith("30.0 %")
    assert verdict(0.30).startswith("At or above")
    assert verdict(0.05).startswith("Below")
    assert verdict(None) == "No planned time yet."


async def test_4_shows_planned_time_by_category_and_the_analysis_share(db, clock):
    app, board = make_app(db, clock)
    plan = week_plan(board.templates, board.cards)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "4")
        assert isinstance(app.screen, WeekScreen)
        categories = text_of(app, "#week-categories")
        for label in ("customer service", "account health", "keywords", "planning"):
            assert label in categories
        share = plan.analysis_share
        assert share is not None
        analysis = text_of(app, "#week-analysis")
        assert f"{share * 100:.1f} %" in analysis
        assert "9% newcomers" in analysis and "23% top sellers" in analysis
        today = text_of(app, "#week-today")
        load = day_load(board.cards, 8, 0.125)
        assert f"Today {duration(load.planned_minutes)} / 7 h " in today
        assert "Incidents today: 0 m of the 1 h buffer" in today
        assert "⚠" not in today
        await press(pilot, "4")
        assert isinstance(app.screen, BoardScreen)


async def test_the_week_in_chinese_warns_about_a_thin_buffer(db, clock):
    app, _ = make_app(db, clock, lang="zh", incident_buffer=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "4")
        assert "客服" in text_of(app, "#week-categories")
        assert "头部卖家" in text_of(app, "#week-analysis")
        assert "⚠ 突发缓冲为 5.0%" in text_of(app, "#week-today")


# ------------------------------------------------------------------------- settings


def test_the_buffer_is_typed_as_a_percentage():
    assert parse_buffer("12.5") == 0.125
    assert parse_buffer(" 10 % ") == 0.10
    assert parse_buffer("lots") == "lots"


async def test_a_thin_buffer_warns_and_saving_changes_the_load_bar(db, clock, isolated_env):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        assert " / 7 h " in text_of(app, "#topbar")
        await press(pilot, "s")
        assert isinstance(app.screen, SettingsScreen)
        warning = app.screen.query_one("#buffer-warning", Static)
        assert not warning.display
        await retype(pilot, "#incident_buffer", "5")
        assert warning.display
        assert "A 5% buffer is outside the seed's 10–15%" in text_of(app, "#buffer-warning")
        assert "7 h 36 m for planned work" in text_of(app, "#capacity-line")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BoardScreen)
        assert app.settings.incident_buffer == 0.05
        assert config.load().incident_buffer == 0.05
        assert " / 7 h 36 m " in text_of(app, "#topbar")


async def test_refused_settings_are_named_and_nothing_is_saved(db, clock, isolated_env):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "s")
        await retype(pilot, "#work_hours_per_day", "30")
        await retype(pilot, "#backups_kept", "many")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, SettingsScreen)
        error = str(app.screen.query_one("#work_hours_per_day-error", Label).content)
        assert error == "Enter hours above 0 and at most 24, e.g. 8 or 7.5."
        backups = str(app.screen.query_one("#backups_kept-error", Label).content)
        assert backups == "Enter a whole number from 0 to 365."
        assert app.settings.work_hours_per_day == 8
        assert not (isolated_env / "config" / "config.toml").exists()
        await press(pilot, "escape")
        assert isinstance(app.screen, BoardScreen)


async def test_hours_marketplace_backups_and_language_are_saved(db, clock, isolated_env):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "s")
        await retype(pilot, "#work_hours_per_day", "6")
        await retype(pilot, "#backups_kept", "30")
        app.screen.query_one("#default_marketplace", Select).value = "JP"
        app.screen.query_one("#language", Select).value = "zh"
        await pilot.pause()
        await press(pilot, "ctrl+s")
        saved = config.load()
        assert (saved.work_hours_per_day, saved.backups_kept) == (6, 30)
        assert (saved.default_marketplace, saved.language) == ("JP", "zh")
        assert app.settings.default_marketplace == "JP"
        assert " / 5 h 15 m " in text_of(app, "#topbar")  # 6 h less 12.5 %


async def test_the_theme_applies_at_once_and_esc_takes_it_back(db, clock):
    app, _ = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "s")
        app.screen.query_one("#theme", Select).value = "nord"
        await pilot.pause()
        assert app.theme == "nord"
        await press(pilot, "escape")
        assert app.theme == "textual-dark"
        await press(pilot, "s")
        app.screen.query_one("#theme", Select).value = "nord"
        await pilot.pause()
        await press(pilot, "ctrl+s")
        assert app.theme == "nord" and app.settings.theme == "nord"


# --------------------------------------------------------------------------- review


def test_four_week_windows_count_from_the_plan_anchor():
    assert window_start(date(2026, 1, 5)) == date(2026, 1, 5)
    assert window_start(date(2026, 2, 1)) == date(2026, 1, 5)
    assert window_start(date(2026, 2, 2)) == date(2026, 2, 2)
    assert window_start(date(2026, 11, 25)) == date(2026, 11, 9)
    assert window_start(date(2025, 12, 31)) == date(2025, 12, 8)


async def open_october(pilot) -> ReviewScreen:
    await press(pilot, "3")
    assert isinstance(pilot.app.screen, ReviewScreen)
    await press(pilot, "left_square_bracket")
    pilot.app.clear_notifications()
    await pilot.pause()
    return pilot.app.screen


def row_of(app, title: str) -> list[str]:
    return next(row for row in table_rows(app) if row[1].startswith(title))


async def select(pilot, title: str) -> None:
    rows = table_rows(pilot.app)
    index = next(i for i, row in enumerate(rows) if row[1].startswith(title))
    pilot.app.screen.query_one(DataTable).move_cursor(row=index)
    await pilot.pause()


async def test_the_review_counts_a_month_per_template(db):
    app, board, _ = make_history(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_october(pilot)
        assert screen.period == "2026-10"
        head = text_of(app, "#review-head")
        assert "Oct 2026" in head and "month" in head
        health = row_of(app, "Check account health")
        assert health[0] == "" and health[2:] == ["31", "31", "0", "0", "0", "100%"]
        ads = row_of(app, "Review ad performance")
        assert ads[0] == "⚑"  # every other day: 15 of 31 is below 60 %
        assert ads[2:] == ["31", "15", "0", "16", "0", "48%"]
        competitors = row_of(app, "Track at least 5 core")
        assert competitors[0] == "⚑" and competitors[-1] == "25%"  # 1 of 4 weeks
        financials = row_of(app, "Review financials")
        assert financials[0] == "" and financials[-1] == "100%"
        review = ReviewService(board).review("2026-10")
        overall = review.overall
        assert f"{overall.done + overall.late}/{overall.closed}" in head
        assert f"⚑ {len(review.flagged)} for a decision" in head
        await select(pilot, "Review ad performance")
        detail = text_of(app, "#review-detail")
        assert "⚑ done 48% of the ended periods, below 60%" in detail
        assert "k keep · p pause · e edit · x delete" in detail
        messages = row_of(app, "Answer buyer messages")
        assert messages[0] == "⚑" and messages[-1] == "100%"  # done, but replies stay slow
        await select(pilot, "Answer buyer messages")
        assert "⚑ Buyer-message response time" in text_of(app, "#review-detail")
        kpis = text_of(app, "#review-kpis")
        assert "✗ Buyer-message response time" in kpis and "28.0 h" in kpis
        assert "✓ Order defect rate" in kpis
        assert "Incidents: 0" in text_of(app, "#review-incidents")


async def test_brackets_and_w_move_between_months_and_four_week_windows(db):
    app, _, _ = make_history(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_october(pilot)
        await press(pilot, "w")  # the window holding Oct 1 (counted from 2026-01-05)
        assert screen.period == "4w:2026-09-14"
        assert "2026-09-14" in text_of(app, "#review-head")
        assert "four weeks" in text_of(app, "#review-head")
        await press(pilot, "right_square_bracket")
        assert screen.period == "4w:2026-10-12"
        health = row_of(app, "Check account health")
        assert health[2:4] == ["28", "28"]  # 28 days, every one done
        await press(pilot, "w")
        assert screen.period == "2026-10"
        await press(pilot, "right_square_bracket", "right_square_bracket")
        assert screen.period == "2026-12"
        assert text_of(app, "#review-detail") == "No recurring template had a period here."


async def test_x_and_y_delete_a_template_from_the_review(db):
    app, board, _ = make_history(db)
    inventory = template_id(board, "inventory")
    async with app.run_test(size=SIZE) as pilot:
        await open_october(pilot)
        await select(pilot, "Update inventory status")
        assert row_of(app, "Update inventory status")[0] == "⚑"
        await press(pilot, "x")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert inventory in [row.id for row in board.templates.rows()]
        await press(pilot, "x", "y")
        assert isinstance(app.screen, ReviewScreen)
        assert inventory not in [row.id for row in board.templates.rows()]
        assert row_of(app, "Update inventory status")[0] == "✗"
        assert "✗ deleted" in text_of(app, "#review-detail")
        await press(pilot, "p")  # a deleted template cannot be paused
        assert inventory not in [row.id for row in board.templates.rows(include_paused=True)]


async def test_p_pauses_and_resumes_and_k_keeps(db):
    app, board, _ = make_history(db)
    notifications = template_id(board, "notifications")
    async with app.run_test(size=SIZE) as pilot:
        await open_october(pilot)
        await select(pilot, "Read Seller Central")
        await press(pilot, "p")
        assert not board.templates.row(notifications).active
        assert row_of(app, "Read Seller Central")[0] == "⏸"
        await press(pilot, "p")
        assert board.templates.row(notifications).active
        assert row_of(app, "Read Seller Central")[0] == "⚑"
        before = len(board.templates.rows())
        await press(pilot, "k")
        assert row_of(app, "Read Seller Central")[0] == "✓"
        assert "✓ kept" in text_of(app, "#review-detail")
        assert len(board.templates.rows()) == before and board.templates.row(notifications).active


async def test_e_edits_the_template_in_its_form(db):
    app, board, _ = make_history(db)
    ads = template_id(board, "ad-performance")
    async with app.run_test(size=SIZE) as pilot:
        await open_october(pilot)
        await select(pilot, "Review ad performance")
        await press(pilot, "e")
        assert isinstance(app.screen, TemplateForm)
        await retype(pilot, "#estimate_minutes", "15")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ReviewScreen)
        assert board.templates.row(ads).estimate_minutes == 15


async def test_n_saves_a_note_that_the_next_review_shows_first(db):
    app, board, _ = make_history(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_october(pilot)
        assert text_of(app, "#review-previous-note") == "No note from an earlier review."
        await press(pilot, "n")
        assert isinstance(app.screen, NoteForm)
        area = app.screen.query_one("#note-text", TextArea)
        area.text = "Drop the daily notifications check; read them with account health."
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ReviewScreen)
        notes = ReviewService(board).notes("2026-10")
        assert notes.text.startswith("Drop the daily notifications check")
        assert "Drop the daily" in text_of(app, "#review-note")
        await press(pilot, "right_square_bracket")
        shown = text_of(app, "#review-previous-note")
        assert shown.startswith("Note from Oct 2026: Drop the daily notifications check")
        await press(pilot, "escape")
        assert isinstance(app.screen, BoardScreen)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_review_snapshot(snap_compare, db, lang):
    app, board, _ = make_history(db, lang)
    import_may(board)
    ReviewService(board).save_note("2026-09", "Answer messages before 10:00 · 10 点前回复消息")

    async def open_review(pilot) -> None:
        await pilot.press("3", "left_square_bracket", "down", "down")
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_review)
