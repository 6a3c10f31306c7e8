"""Risk alerts, playbooks, checklists, timers and the day's load bar."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kanban_tui.domain.models import Column, Source
from kanban_tui.services import playbooks
from kanban_tui.services.budget import buffer_warning, day_load, week_plan
from kanban_tui.ui.screens.card_detail import CardDetail
from kanban_tui.ui.screens.playbooks import PlaybookPicker
from tests.kpi_files import import_report
from tests.ui_helpers import column, make_app, screen

REPORTS = Path(__file__).parent / "fixtures" / "reports"
SIZE = (160, 45)


def _alerts(board):
    return [c for c in board.cards.list_cards(include_all=True) if c.source == Source.ALERT]


def _import(board, name: str) -> None:
    import_report(board.kpi, (REPORTS / name).read_bytes(), marketplace="US")


def test_a_kpi_in_breach_becomes_one_urgent_card_that_follows_the_figures(tmp_path, clock):
    _, board = make_app(tmp_path / "a.db", clock)
    _import(board, "sp_advertised_product_daily.csv")
    found = board.check_alerts()
    alerts = _alerts(board)
    titles = sorted(c.title for c in alerts)
    assert titles == [
        "ACoS 33.7%, target ≤ 25.0% (US, May 2026, through May 17)",
        "ROAS (ad ROI) 2.97×, target ≥ 3.00× (US, May 2026, through May 17)",
    ]
    assert len(found.created) == 2
    assert all(c.priority.value == "urgent" and c.column is Column.DAILY for c in alerts)
    # urgent cards go to the top of Daily, with the KPI's playbook as their checklist
    top = board.cards.rows(Column.DAILY, 0, 2)
    assert {c.id for c in top} == {c.id for c in alerts}
    acos = next(c for c in alerts if c.title.startswith("ACoS"))
    steps = [item["text"] for item in json.loads(acos.checklist)]
    assert steps[0].startswith("Sort search terms by spend")

    # importing again never duplicates
    _import(board, "sp_advertised_product_daily.csv")
    again = board.check_alerts()
    assert again.created == [] and len(_alerts(board)) == 2

    # ad sales double: ACoS back within target; the card says so, the user closes it
    from datetime import date
    from decimal import Decimal

    for day in (date(2026, 5, 16), date(2026, 5, 17)):
        board.kpi.add(day, "ad_sales", Decimal("5000"), "US")
    recovered = board.check_alerts()
    assert acos.id in recovered.recovered
    assert board.cards.card(acos.id).title.startswith("✓ back within target: ACoS")
    assert board.cards.card(acos.id).column is Column.DAILY


def test_alert_titles_in_chinese(tmp_path, clock):
    _, board = make_app(tmp_path / "a.db", clock, lang="zh")
    _import(board, "sp_advertised_product_daily.csv")
    board.check_alerts()
    assert "广告销售成本比 (ACoS) 33.7%,目标 ≤ 25.0%(US,2026年5月,截至 5月17日)" in [
        c.title for c in _alerts(board)
    ]


def test_alert_names_the_month_and_its_notes_name_the_kpi_in_each_language(tmp_path, clock):
    _, board = make_app(tmp_path / "a.db", clock)
    _import(board, "sp_advertised_product_daily.csv")
    board.check_alerts()
    acos = next(c for c in _alerts(board) if c.title.startswith("ACoS"))
    assert "May 2026" in acos.title and "2026-05-17" not in acos.title
    assert acos.notes.startswith("Risk alert: ACoS broke its target in US for May 2026.")
    assert "acos" not in acos.notes

    _, zh = make_app(tmp_path / "z.db", clock, lang="zh")
    _import(zh, "sp_advertised_product_daily.csv")
    zh.check_alerts()
    card = next(c for c in _alerts(zh) if "ACoS" in c.title)
    assert "2026年5月" in card.title
    assert card.notes.startswith("风险预警:US 的 广告销售成本比 (ACoS) 在 2026年5月 未达目标。")


def test_cli_import_raises_alerts(tmp_path, capsys):
    from kanban_tui.cli import main

    db = str(tmp_path / "c.db")
    assert (
        main(["--db", db, "kpi", "import", str(REPORTS / "sp_advertised_product_daily.csv")]) == 0
    )
    assert "2 risk alerts added to Daily" in capsys.readouterr().err
    assert main(["--db", db, "list", "--column", "daily", "--json"]) == 0
    cards = json.loads(capsys.readouterr().out)
    assert sum(c["source"] == "alert" for c in cards) == 2


def test_user_playbooks_override_the_shipped_ones(isolated_env):
    folder = isolated_env / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "playbooks.en.toml").write_text(
        '[[playbook]]\nkey = "fba-capacity"\ntitle = "Our own FBA capacity drill"\n'
        'steps = ["Call the 3PL"]\n\n[[playbook]]\nkey = "hijacker"\ntitle = "Listing hijacked"\n'
        'steps = ["Test-buy", "File a brand report"]\n',
        encoding="utf-8",
    )
    book = playbooks.load("en")
    by_key = {p.key: p for p in book.playbook}
    assert by_key["fba-capacity"].title == "Our own FBA capacity drill"
    assert by_key["hijacker"].steps == ("Test-buy", "File a brand report")
    assert "listing-suppressed" in by_key  # the rest stay
    assert book.first_steps[0].startswith("Read the Seller Central notifications")


def test_a_broken_user_playbook_file_is_named(isolated_env):
    from kanban_tui.errors import ConfigError

    folder = isolated_env / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "playbooks.en.toml").write_text("[[playbook]]\nkey = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        playbooks.load("en")
    assert "playbooks.en.toml" in caught.value.title


def test_a_binary_user_playbook_file_is_named_not_a_traceback(isolated_env):
    from kanban_tui.errors import ConfigError

    folder = isolated_env / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "playbooks.en.toml").write_bytes(b"\xff\xfe\x00 not text")
    with pytest.raises(ConfigError) as caught:
        playbooks.load("en")
    assert "playbooks.en.toml" in caught.value.title and "UTF-8" in caught.value.message


async def test_the_playbook_flow_opens_an_urgent_card_with_a_running_timer(tmp_path, clock):
    app, board = make_app(tmp_path / "p.db", clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, PlaybookPicker)
        await pilot.press("enter")  # the first: listing suppressed or removed
        await pilot.pause()
        card = column(app, Column.DAILY).current
        assert card.title == "Listing suppressed or removed"
        assert card.priority.value == "urgent" and card.source == "incident"
        assert card.timer_started_at is not None
        items = [i["text"] for i in json.loads(card.checklist)]
        assert items[0].startswith("Read the Seller Central notifications")
        assert any("Suppressed" in i for i in items)
        # 25 minutes on it, then the timer stops and the time counts against the buffer
        clock.advance(minutes=25)
        await pilot.press("T")
        await pilot.pause()
        stopped = board.cards.card(card.id)
        assert stopped.timer_started_at is None and stopped.spent_minutes == 25
        load = day_load(board.cards, 8, 0.125)
        assert load.incident_minutes == 25 and load.buffer_left == 60 - 25


async def test_the_checklist_is_ticked_from_the_keyboard(tmp_path, clock):
    app, board = make_app(tmp_path / "c.db", clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        card = column(app, Column.DAILY).current
        await pilot.press("c")
        assert isinstance(app.screen, CardDetail)
        await pilot.press("a", *"Check ODR", "enter", "a", *"Check late shipments", "enter")
        await pilot.press("up", "space")
        await pilot.pause()
        items = json.loads(board.cards.card(card.id).checklist)
        assert items == [
            {"text": "Check ODR", "done": True},
            {"text": "Check late shipments", "done": False},
        ]
        await pilot.press("escape")
        await pilot.pause()
        lines = [column(app, Column.DAILY).render_line(y).text for y in range(2)]
        assert "☑ 1/2" in lines[1]
        await pilot.press("u")  # undo the last tick of the list
        await pilot.pause()
        assert json.loads(board.cards.card(card.id).checklist)[0]["done"] is False


async def test_an_overloaded_day_warns_and_one_key_defers_low_priority_cards(tmp_path, clock):
    app, board = make_app(tmp_path / "o.db", clock, work_hours_per_day=2)
    board.cards.add({"title": "Rewrite A+ content", "estimate_minutes": 90, "priority": "low"})
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.pause()
        bar = str(app.screen.query_one("#topbar").render())
        # 105 min of plan + 90 min, against 2 h minus a 12.5 % buffer = 1 h 45 m
        assert "Today 3 h 15 m / 1 h 45 m" in bar
        assert "over by 1 h 30 m" in bar and "press w" in bar
        await pilot.press("w")
        await pilot.pause()
        weekly = [c.title for c in board.cards.list_cards(Column.WEEKLY)]
        assert "Rewrite A+ content" in weekly
        assert board.cards.card(board.cards.list_cards(Column.DAILY)[0].id).priority.value == "high"
        assert not day_load(board.cards, 2, 0.125).over
        await pilot.press("u")  # one undo brings every deferred card back
        await pilot.pause()
        assert "Rewrite A+ content" in [c.title for c in board.cards.list_cards(Column.DAILY)]


async def test_filter_shows_only_urgent_cards(tmp_path, clock):
    app, board = make_app(tmp_path / "u.db", clock)
    board.cards.add({"title": "Chargeback", "priority": "urgent"}, Column.WEEKLY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "exclamation_mark", "enter")
        await pilot.pause()
        assert column(app, Column.DAILY).count == 0
        assert column(app, Column.WEEKLY).count == 1
        assert screen(app).query_one("#col-weekly").current.title == "Chargeback"


def test_urgent_cards_sit_on_top_and_reorder_stays_within_their_group(tmp_path, clock):
    _, board = make_app(tmp_path / "r.db", clock)
    urgent = board.cards.add({"title": "Account at risk", "priority": "urgent"}, Column.DAILY)
    rows = board.cards.rows(Column.DAILY, 0, 3)
    assert rows[0].id == urgent.id
    assert board.cards.reorder(urgent.id, +1).position == urgent.position  # stays on top
    second = rows[1]
    assert board.cards.reorder(second.id, -1).id == second.id  # cannot jump above urgent
    assert board.cards.rows(Column.DAILY, 0, 1)[0].id == urgent.id


def test_buffer_marks_and_the_week_plan_share(tmp_path, clock):
    assert buffer_warning(0.05) and buffer_warning(0.2)
    assert not buffer_warning(0.125)
    _, board = make_app(tmp_path / "w.db", clock)
    plan = week_plan(board.templates, board.cards)
    # the default plan: competitors 60, keywords 45 weekly; review 60 every 2 weeks;
    # monthly reviews and ABA once a month (12 × 7 / 365.2425 a week); planning 30 monthly
    # + 45 every 4 weeks
    assert plan.minutes["competitors"] == pytest.approx(60)
    assert plan.minutes["keywords"] == pytest.approx(45 + 90 * 12 * 7 / 365.2425, abs=0.01)
    share = plan.analysis_share
    assert share is not None and 0.2 < share < 0.4


def test_the_warning_band_is_configurable(tmp_path, clock):
    from datetime import date
    from decimal import Decimal

    _, board = make_app(tmp_path / "b.db", clock)
    board.kpi.add(date(2026, 11, 2), "ad_spend", Decimal("240"), "US")
    board.kpi.add(date(2026, 11, 2), "ad_sales", Decimal("1000"), "US")  # ACoS 24 %
    assert board.kpi.month("2026-11", "US").tiles["acos"].status.value == "warning"
    board.kpi.set_target("acos.band=0.01")  # only within 1 % of 25 % is a near miss
    assert board.kpi.month("2026-11", "US").tiles["acos"].status.value == "ok"
    board.kpi.set_target("acos=0.2")  # a new limit keeps the band
    assert board.kpi.month("2026-11", "US").tiles["acos"].status.value == "breach"
    assert board.kpi.bands()["acos"] == Decimal("0.01")


def test_several_marketplaces_convert_only_with_configured_rates(tmp_path, clock):
    from datetime import date
    from decimal import Decimal

    _, board = make_app(tmp_path / "fx.db", clock)
    board.kpi.add(date(2026, 11, 2), "sales", Decimal("1000"), "US")
    board.kpi.add(date(2026, 11, 2), "sales", Decimal("150000"), "JP")
    per_market, total = board.kpi.sales_by_marketplace("2026-11")
    assert per_market == {"JP": (Decimal("150000"), "JPY"), "US": (Decimal("1000"), "USD")}
    assert total is None  # no rate for JPY: never add yen to dollars
    _, total = board.kpi.sales_by_marketplace("2026-11", {"JPY": 0.0067}, "USD")
    assert total == Decimal("2005.00")


async def test_the_checklist_opens_with_its_cursor_on_the_first_item(tmp_path, clock):
    app, board = make_app(tmp_path / "cur.db", clock)
    card = board.cards.list_cards(Column.DAILY)[0]
    board.cards.set_checklist(card.id, [{"text": "one", "done": False}, {"text": "two"}])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        from textual.widgets import OptionList

        assert app.screen.query_one(OptionList).highlighted == 0  # visible before any key
        await pilot.press("space")
        await pilot.pause()
        assert json.loads(board.cards.card(card.id).checklist)[0]["done"] is True


async def test_modals_show_their_own_keys_in_the_footer(tmp_path, clock):
    from textual.widgets._footer import FooterKey

    app, _ = make_app(tmp_path / "f.db", clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        keys = [str(k.render()) for k in app.screen.query(FooterKey)]
        text = " ".join(keys)
        assert "Tick" in text or "tick" in text.lower()
        assert "Done" not in text  # the board's meaning of space is not shown here


async def test_the_playbook_list_says_how_many_steps(tmp_path, clock):
    app, _ = make_app(tmp_path / "pb.db", clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("exclamation_mark")
        await pilot.pause()
        from textual.widgets import OptionList

        first = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert first.endswith(" steps")


async def test_k_below_the_pinned_urgent_cards_says_why_nothing_moves(tmp_path, clock):
    app, board = make_app(tmp_path / "k.db", clock)
    board.cards.add({"title": "Account at risk", "priority": "urgent"}, Column.DAILY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")  # the first card under the urgent one
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("K")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("Urgent cards stay on top" in m for m in messages)
        assert board.cards.rows(Column.DAILY, 0, 1)[0].title == "Account at risk"
