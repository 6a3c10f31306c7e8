"""People on cards (assignee, who added / finished), whoami, the mine filter, and one board
read in many languages (keyed titles; opening in another language writes nothing)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kanban_tui import config
from kanban_tui.cli import main
from kanban_tui.domain.models import SCHEMA_VERSION, Column, Source
from kanban_tui.i18n import set_language
from kanban_tui.services import playbooks
from kanban_tui.services.session import open_board
from kanban_tui.storage.database import inspect_file
from tests.kpi_files import import_report
from tests.process_helpers import in_process_cli
from tests.ui_helpers import column, make_app, screen, settled, shown_lines

FIXTURES = Path(__file__).parent / "fixtures"
REPORTS = FIXTURES / "reports"

Result = tuple[int, str, str]


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``seller-kanban --db people.db *argv`` in this process → (code, stdout, stderr)."""
    run = in_process_cli(capsys)
    return lambda *argv: run(tmp_path / "people.db", *argv)


def _json(cli: Callable[..., Result], *argv: str) -> list[dict]:
    code, out, err = cli("list", "--all", "--json", *argv)
    assert code == 0, err
    return json.loads(out)


# --------------------------------------------------------------------------- whoami
def test_whoami_names_the_user_and_where_the_name_came_from(cli, monkeypatch, isolated_env):
    monkeypatch.setattr("getpass.getuser", lambda: "seller")
    monkeypatch.delenv("SELLER_KANBAN_USER", raising=False)
    code, out, _ = cli("whoami")
    assert code == 0 and out.startswith("seller  (the login name")

    (isolated_env / "config").mkdir(parents=True, exist_ok=True)
    (isolated_env / "config" / "config.toml").write_text('user = "Ann Lee"\n', encoding="utf-8")
    code, out, _ = cli("whoami", "--json")
    assert json.loads(out) == {"user": "Ann Lee", "source": "config"}

    monkeypatch.setenv("SELLER_KANBAN_USER", "bob")
    code, out, _ = cli("whoami")
    assert out == "bob  (from SELLER_KANBAN_USER)\n"
    code, out, _ = cli("--lang", "zh", "whoami")
    assert out == "bob  (来自 SELLER_KANBAN_USER)\n"


def test_a_bad_user_in_config_is_one_line(cli, isolated_env):
    (isolated_env / "config").mkdir(parents=True, exist_ok=True)
    (isolated_env / "config" / "config.toml").write_text('user = "a\\u0007b"\n', encoding="utf-8")
    code, _, err = cli("whoami")
    assert code == 2 and err.count("\n") == 1 and "user" in err


# --------------------------------------------------------------------------- assignee in the CLI
def test_assignee_on_add_edit_list_and_json(cli, monkeypatch):
    monkeypatch.setenv("SELLER_KANBAN_USER", "ann")
    code, out, err = cli("add", "Call the 3PL", "--assignee", "  Bob Li ", "--json")
    assert code == 0, err
    bob = json.loads(out)
    assert bob["assignee"] == "Bob Li" and bob["created_by"] == "ann"
    code, out, _ = cli("add", "Mine to do", "--assignee", "ann")
    mine = int(out)

    code, out, _ = cli("list", "--assignee", "Bob Li")
    assert out.splitlines() == [f"#{bob['id']:<5}  Daily     Call the 3PL  (@Bob)"]
    assert [c["id"] for c in _json(cli, "--mine")] == [mine]
    assert [c["id"] for c in _json(cli, "--assignee", "Bob Li")] == [bob["id"]]
    everyone = _json(cli)
    assert all("assignee" in card for card in everyone) and len(everyone) > 2

    # done by the user; clearing the assignee with ""
    cli("done", str(bob["id"]))
    shown = next(c for c in _json(cli) if c["id"] == bob["id"])
    assert shown["done_by"] == "ann"
    code, out, _ = cli("edit", str(bob["id"]), "--assignee", "", "--json")
    assert json.loads(out)["assignee"] is None
    cli("reopen", str(bob["id"]))
    assert next(c for c in _json(cli) if c["id"] == bob["id"])["done_by"] is None


@pytest.mark.parametrize(
    "argv",
    [
        ("add", "x", "--assignee", "a\x1bb"),
        ("add", "x", "--assignee", "n" * 65),
        ("list", "--assignee", " "),
        ("list", "--mine", "--assignee", "ann"),
    ],
)
def test_bad_names_are_refused_and_change_nothing(cli, argv):
    before = _json(cli)
    code, _, err = cli(*argv)
    assert code == 2 and "Traceback" not in err
    assert _json(cli) == before


def test_a_template_assignee_goes_to_every_generated_card(cli):
    code, out, err = cli(
        "templates", "add", "Check JP messages", "--rule", "daily", "--assignee", "Kenji", "--json"
    )
    assert code == 0, err
    template = json.loads(out)
    assert template["assignee"] == "Kenji"
    code, _, err = cli("tick", "--now", "2026-11-30T10:00:00+00:00")
    assert code == 0, err
    cards = [c for c in _json(cli) if c["template_id"] == template["id"]]
    assert cards and all(c["assignee"] == "Kenji" for c in cards)
    code, out, _ = cli("templates", "edit", str(template["id"]), "--assignee", "Mei", "--json")
    assert json.loads(out)["assignee"] == "Mei"
    code, out, _ = cli("templates", "list")
    assert f"{template['id']:>4}  Check JP messages  (@Mei)" in out.splitlines()


# --------------------------------------------------------------------------- keyed titles
def _dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())


def _board_with_alerts_and_incident(path: Path, clock, lang: str) -> None:
    set_language(lang)
    board = open_board(str(path), config.Settings(), clock=clock)
    import_report(
        board.kpi, (REPORTS / "sp_advertised_product_daily.csv").read_bytes(), marketplace="US"
    )
    board.check_alerts()
    playbooks.open_incident(board.cards, playbooks.load(lang), "fba-capacity")
    board.close()


def test_plan_alert_and_playbook_cards_read_in_each_readers_language(tmp_path, clock):
    path = tmp_path / "shared.db"
    _board_with_alerts_and_incident(path, clock, "zh")  # made by a Chinese reader
    for lang, plan_title, alert_start, incident in (
        (
            "en",
            "Check account health (ODR < 1%)",
            "ACoS 33.7%, target ≤ 25.0% (US, May 2026",
            "FBA",
        ),
        (
            "zh",
            "检查账户健康指标(ODR<1%)",
            "广告销售成本比 (ACoS) 33.7%,目标 ≤ 25.0%(US,2026年5月",
            "FBA",
        ),
    ):
        set_language(lang)
        board = open_board(str(path), config.Settings(), clock=clock, interactive=False)
        rows = board.cards.list_cards(include_all=True)
        board.close()
        titles = [r.title for r in rows]
        assert plan_title in titles, lang
        assert any(t.startswith(alert_start) for t in titles), (lang, titles)
        alert = next(r for r in rows if r.source == Source.ALERT)
        assert alert.notes.startswith("Risk alert:" if lang == "en" else "风险预警:")
        card = next(r for r in rows if r.source == Source.INCIDENT)
        assert card.title.startswith(incident) and card.title_key == "playbook:fba-capacity"
        expected = playbooks.load(lang)
        assert card.title == next(p.title for p in expected.playbook if p.key == "fba-capacity")


def test_opening_the_board_in_another_language_changes_nothing_in_the_database(tmp_path, clock):
    path = tmp_path / "shared.db"
    _board_with_alerts_and_incident(path, clock, "en")
    before = _dump(path)
    for lang in ("zh", "en", "zh"):
        set_language(lang)
        board = open_board(str(path), config.Settings(), clock=clock)  # the board's own open
        board.check_alerts()  # what the board runs after its start-up tick
        board.close()
        assert main(["--db", str(path), "--lang", lang, "list", "--json"]) == 0
        now = clock.now.isoformat()
        assert main(["--db", str(path), "--lang", lang, "tick", "--now", now]) == 0
        assert _dump(path) == before, lang


async def test_the_board_opened_in_chinese_leaves_the_file_as_it_was(tmp_path, clock):
    import hashlib

    path = tmp_path / "shared.db"
    _board_with_alerts_and_incident(path, clock, "en")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    before = _dump(path)
    app, board = make_app(path, clock, lang="zh")
    async with app.run_test(size=(160, 45)) as pilot:
        await settled(pilot)
        daily = "\n".join(shown_lines(column(app, Column.DAILY)))
        assert "广告销售成本比" in daily  # the alert, read in Chinese
    board.close()
    assert _dump(path) == before
    with sqlite3.connect(path) as connection:  # a checkpoint may move pages, not content
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest or _dump(path) == before


def test_editing_a_keyed_title_makes_it_the_users_text(tmp_path, clock):
    set_language("en")
    board = open_board(str(tmp_path / "k.db"), config.Settings(), clock=clock)
    plan = next(r for r in board.cards.list_cards() if r.title_key)
    # the same title as shown (a form saved unchanged) keeps the key
    kept = board.cards.edit(plan.id, {"title": plan.title, "estimate_minutes": 25})
    assert kept.title_key == plan.title_key
    changed = board.cards.edit(plan.id, {"title": "Our own wording"})
    assert changed.title_key is None
    set_language("zh")
    assert board.cards.card(plan.id).title == "Our own wording"
    set_language("en")
    board.cards.undo()
    assert board.cards.card(plan.id).title_key == plan.title_key
    board.close()


def test_the_filter_finds_plan_cards_by_their_title_in_the_readers_language(tmp_path, clock):
    set_language("en")  # the plan is loaded by an English reader
    board = open_board(str(tmp_path / "f.db"), config.Settings(), clock=clock)
    set_language("zh")
    rows = board.cards.rows(Column.DAILY, 0, 50, "检查账户")
    assert [r.title for r in rows] == ["检查账户健康指标(ODR<1%)"]
    assert board.cards.summary(Column.DAILY, "检查账户")[0] == 1
    board.close()


# --------------------------------------------------------------------------- migration
def test_v2_file_upgrades_with_keys_for_known_titles(tmp_path, clock):
    copy = tmp_path / "v2.db"
    shutil.copy(FIXTURES / "schema_v2.db", copy)
    assert inspect_file(copy) == 2
    set_language("en")
    board = open_board(str(copy), config.Settings(), clock=clock, interactive=False)
    rows = {r.id: r for r in board.cards.list_cards(include_all=True)}
    board.close()
    assert inspect_file(copy) == SCHEMA_VERSION == 4
    # plan cards written in Chinese by version 2 read in English now
    assert rows[2].title == "Answer buyer messages (within 24 h)"
    assert rows[2].title_key == "plan:buyer-messages"
    # a title the user changed stays as typed
    assert rows[1].title == "我自己的标题" and rows[1].title_key is None
    # playbook card: key found from its Chinese title
    assert rows[19].title_key == "playbook:fba-capacity"
    assert rows[19].title == "FBA capacity limit"
    # alerts keep their stored text until the next check, then read in the reader's language
    assert rows[17].title_key == "alert" and rows[17].title.startswith("广告销售成本比")
    assert rows[20].title == "Call the 3PL about pallets" and rows[20].assignee is None
    with sqlite3.connect(copy) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(card)")}
        assert {"assignee", "created_by", "done_by", "title_key", "title_params"} <= columns
        template_columns = {row[1] for row in connection.execute("PRAGMA table_info(template)")}
        assert "assignee" in template_columns


def test_v1_file_upgrades_through_v2_to_v3(tmp_path):
    copy = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "schema_v1.db", copy)
    set_language("en")
    board = open_board(str(copy), config.Settings(), interactive=False)
    count = len(board.cards.list_cards(include_all=True))
    board.close()
    assert inspect_file(copy) == SCHEMA_VERSION and count >= 20


def test_a_migrated_alert_reads_in_each_language_after_the_next_check(tmp_path, clock):
    from datetime import UTC, datetime

    copy = tmp_path / "v2.db"
    shutil.copy(FIXTURES / "schema_v2.db", copy)
    clock.now = datetime(2026, 5, 18, 9, 0, tzinfo=UTC)
    set_language("en")
    board = open_board(str(copy), config.Settings(), clock=clock, interactive=False)
    board.check_alerts(month="2026-05")
    alert = board.cards.card(17)
    board.close()
    assert alert.title.startswith("ACoS 33.7%, target ≤ 25.0% (US, May 2026")


# --------------------------------------------------------------------------- the board
async def test_the_board_shows_assignees_and_m_keeps_only_mine(tmp_path, clock, monkeypatch):
    monkeypatch.setenv("SELLER_KANBAN_USER", "ann")
    app, board = make_app(tmp_path / "b.db", clock)
    board.cards.add({"title": "Ann's call", "assignee": "ann"})
    board.cards.add({"title": "Bob's sheet", "assignee": "Bob Li"})
    async with app.run_test(size=(160, 45)) as pilot:
        screen(app).reload()
        await settled(pilot)
        daily = "\n".join(shown_lines(column(app, Column.DAILY)))
        assert "@ann" in daily and "@Bob" in daily
        await pilot.press("m")
        await settled(pilot)
        lines = "\n".join(shown_lines(column(app, Column.DAILY)))
        assert "Ann's call" in lines and "Bob's sheet" not in lines
        assert "Check account health" not in lines
        assert "mine: ann" in str(app.screen.query_one("#topbar").render())
        await pilot.press("m")
        await settled(pilot)
        assert "Bob's sheet" in "\n".join(shown_lines(column(app, Column.DAILY)))
    board.close()


async def test_the_card_form_sets_the_assignee(tmp_path, clock, monkeypatch):
    from textual.widgets import Input

    monkeypatch.setenv("SELLER_KANBAN_USER", "ann")
    app, board = make_app(tmp_path / "f.db", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await settled(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Pack samples")
        app.screen.query_one("#assignee", Input).value = "Mei"
        await pilot.press("ctrl+s")
        await settled(pilot)
    card = next(r for r in board.cards.list_cards() if r.title == "Pack samples")
    board.close()
    assert card.assignee == "Mei" and card.created_by == "ann"


def test_the_mine_key_is_in_the_registry_help_and_palette():
    from kanban_tui.ui.actions import find

    action = find("mine")
    assert action.keys == "m" and action.action == "mine"
    code = main(["keys", "--json"])
    assert code == 0


# --------------------------------------------------------------------------- review and report
def _team_month(clock, location=":memory:"):
    """November 2026: Ann's daily task done on four of five days, Bob's on one; one card
    handed over to Mei; a one-off card finished by Ann."""
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    from kanban_tui.services.board import BoardService
    from kanban_tui.services.session import Board
    from kanban_tui.services.templates import TemplateService
    from kanban_tui.storage import open_database

    la = ZoneInfo("America/Los_Angeles")
    db = open_database(location)
    board = Board(
        db=db,
        cards=BoardService(db, clock, actor="Ann"),
        templates=TemplateService(db, clock),
        settings=config.Settings(),
    )
    ann = board.templates.add(
        {"title_en": "Answer buyers", "rule": "daily", "at": "09:00", "assignee": "Ann"}
    ).id
    bob = board.templates.add(
        {"title_en": "Check ads", "rule": "daily", "at": "09:00", "assignee": "Bob"}
    ).id
    for day in range(2, 7):
        clock.now = datetime.combine(date(2026, 11, day), time(10), tzinfo=la)
        board.templates.tick()
        for row in board.cards.list_cards(Column.DAILY):
            if row.template_id == ann and day != 4:
                board.cards.set_done(row.id, True)
            if row.template_id == bob and day == 2:
                board.cards.set_done(row.id, True)
            if row.template_id == bob and day == 6:
                board.cards.edit(row.id, {"assignee": "Mei"})
    one_off = board.cards.add({"title": "Ship samples"})
    board.cards.set_done(one_off.id, True)
    clock.now = datetime.combine(date(2026, 12, 1), time(10), tzinfo=la)
    board.templates.tick()
    return board


def test_review_and_report_give_completion_per_person(clock):
    from kanban_tui.exporters.markdown import render
    from kanban_tui.services.review import ReviewService

    set_language("en")
    board = _team_month(clock)
    review = ReviewService(board).review("2026-11")
    people = {p.person: p for p in review.people}
    assert list(people) == ["Ann", "Bob", "Mei"]
    # November 2 … 30: 29 daily periods each; the board was closed from the 7th (missed)
    ann, bob, mei = people["Ann"].counts, people["Bob"].counts, people["Mei"].counts
    assert (ann.planned, ann.done, ann.missed) == (29, 4, 25)
    assert ann.rate == pytest.approx(4 / 29) and people["Ann"].other_done == 1
    assert (bob.planned, bob.done, bob.missed) == (28, 1, 27)
    assert (mei.planned, mei.missed) == (1, 1)
    assert review.as_json()["people"][0]["person"] == "Ann"
    text = render(review)
    assert "## By person" in text
    section = text.split("## By person", 1)[1].split("##", 1)[0]
    assert "| Ann " in section and "14%" in section and "| Bob " in section and "4%" in section


def test_a_report_without_people_has_no_person_section(clock):
    from kanban_tui.exporters.markdown import render
    from kanban_tui.services.review import ReviewService

    set_language("en")
    board = open_board(":memory:", config.Settings(), clock=clock)
    assert "By person" not in render(ReviewService(board).review("2026-11"))


async def test_the_review_screen_shows_completion_per_person(clock, tmp_path):
    from kanban_tui.ui.app import KanbanApp

    set_language("en")
    # a file, as the app uses: its workers read from threads of their own
    board = _team_month(clock, tmp_path / "team.db")
    app = KanbanApp(board, settings=config.Settings(), language="en", save_settings=False)
    async with app.run_test(size=(160, 45)) as pilot:
        from rich.console import Console

        from kanban_tui.ui.screens.review import ReviewScreen

        await pilot.press("3")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("left_square_bracket")  # November
        await app.workers.wait_for_complete()
        await pilot.pause()
        console = Console(width=60, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(app.screen.overall_renderable())
        side = console.export_text()
        assert "By person" in side
        assert "Ann" in side and "4/29" in side and "14%" in side and "Bob" in side


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_list_json_made_by_the_database_reads_keyed_titles_like_the_cards_do(tmp_path, clock, lang):
    path = tmp_path / "j.db"
    _board_with_alerts_and_incident(path, clock, "en" if lang == "zh" else "zh")
    set_language(lang)
    board = open_board(str(path), config.Settings(), clock=clock, interactive=False)
    made_by_sql = json.loads(board.cards.list_json_text(include_all=True))
    expected = [row.as_json() for row in board.cards.list_cards(include_all=True)]
    board.close()
    assert made_by_sql == expected
    assert any(card["title_key"] and card["title_key"].startswith("plan:") for card in expected)


async def test_the_template_form_sets_the_assignee_of_its_cards(tmp_path, clock):
    from tests.test_templates_ui import open_templates, retype

    app, board = make_app(tmp_path / "t.db", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_templates(pilot)
        await pilot.press("a")
        await pilot.press(*"Check FBA inbound")
        await retype(pilot, "#assignee", "Kenji")
        await pilot.press("enter")
        await pilot.pause()
    added = board.templates.rows()[-1]
    board.close()
    assert (added.title_en, added.assignee) == ("Check FBA inbound", "Kenji")
