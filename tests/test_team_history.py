"""Team mode's last gaps: checklist steps in each reader's language, the activity log
("the history says who did what") on both backends, and PostgreSQL upgrades from older
revisions."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from kanban_tui import config
from kanban_tui.domain.models import APPLICATION_ID, SCHEMA_VERSION, Card, Column, Source
from kanban_tui.errors import DatabaseError, MovedElsewhere, NotFoundError
from kanban_tui.i18n import set_language
from kanban_tui.services import playbooks
from kanban_tui.services.card_rows import shown_checklist
from kanban_tui.services.session import Board, open_board
from kanban_tui.storage import revisions
from kanban_tui.storage.database import open_database, resolve_target, server_engine
from kanban_tui.storage.transfer import copy_database, counts
from tests.conftest import FakeClock
from tests.process_helpers import in_process_cli
from tests.ui_helpers import make_app, settled

FIXTURES = Path(__file__).parent / "fixtures"

EN_FIRST = "Read the Seller Central notifications and your email for Amazon's warning"


def _steps(lang: str) -> list[str]:
    book = playbooks.load(lang)
    own = next(p for p in book.playbook if p.key == "fba-capacity")
    return [*book.first_steps, *own.steps]


def _incident(location: str, lang: str, actor: str = "mei") -> int:
    """An FBA-capacity incident card opened by a reader of ``lang``; its id."""
    set_language(lang)
    board = open_board(location, config.Settings(), clock=FakeClock(), interactive=False)
    board.cards.actor = actor
    try:
        return playbooks.open_incident(board.cards, playbooks.load(lang), "fba-capacity").id
    finally:
        board.close()


def _open(location: str, lang: str, actor: str | None = None) -> Board:
    set_language(lang)
    board = open_board(location, config.Settings(), clock=FakeClock(), interactive=False)
    board.cards.actor = actor
    return board


def _dump(path: Path) -> list[Any]:
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())


# ------------------------------------------------------------------ checklists per reader
def test_checklist_steps_read_in_each_readers_language(backend: str, db_location: str) -> None:
    card_id = _incident(db_location, "zh")  # opened by a Chinese reader
    for lang in ("en", "zh"):
        board = _open(db_location, lang)
        row = board.cards.card(card_id)
        from_sql = json.loads(board.cards.list_json_text(include_all=True))
        board.close()
        shown = [item["text"] for item in row.as_json()["checklist"]]
        assert shown == _steps(lang), lang
        assert (
            next(c for c in from_sql if c["id"] == card_id)["checklist"]
            == (row.as_json()["checklist"])
        )
    # what is stored is the key and the English text, whoever opened the card
    db = open_database(db_location)
    with db.read() as session:
        stored = json.loads(session.get(Card, card_id).checklist)  # type: ignore[union-attr]
    db.close()
    assert stored[0] == {"key": "first#0", "text": EN_FIRST, "done": False}
    assert [item["text"] for item in stored] == _steps("en")


def test_an_alert_checklist_reads_in_each_readers_language(tmp_path: Path, clock) -> None:
    from tests.kpi_files import import_report

    path = str(tmp_path / "a.db")
    board = _open(path, "zh")
    import_report(
        board.kpi,
        (FIXTURES / "reports" / "sp_advertised_product_daily.csv").read_bytes(),
        marketplace="US",
    )
    board.check_alerts()
    alerts = [r for r in board.cards.list_cards(include_all=True) if r.source == Source.ALERT]
    alert = next(r for r in alerts if r.checklist)
    zh_items = [i["text"] for i in alert.as_json()["checklist"]]
    set_language("en")
    en_items = [i["text"] for i in board.cards.card(alert.id).as_json()["checklist"]]
    board.close()
    kpi = str(alert.period_key).split(":")[1]
    playbook = playbooks.for_kpi(playbooks.load("en"), kpi)
    assert playbook is not None and en_items == list(playbook.steps)
    assert zh_items and zh_items != en_items


def test_ticking_in_one_language_keeps_the_step_keyed_and_typed_items_stay_as_typed(
    backend: str, db_location: str
) -> None:
    card_id = _incident(db_location, "en")
    board = _open(db_location, "zh", actor="mei")
    items = shown_checklist(board.cards.card(card_id).checklist)
    assert items[0]["text"] == _steps("zh")[0] and items[0]["key"] == "first#0"
    items[0]["done"] = True
    items[1]["text"] = "先打电话给仓库"  # a step the reader rewrote: their words from now on
    items.append({"text": "问问 Kenji", "done": False})
    board.cards.set_checklist(card_id, items)
    board.close()
    board = _open(db_location, "en")
    shown = board.cards.card(card_id).as_json()["checklist"]
    board.close()
    assert shown[0] == {"text": EN_FIRST, "done": True}
    assert shown[1]["text"] == "先打电话给仓库" and shown[-1]["text"] == "问问 Kenji"
    assert [i["text"] for i in shown[2:-1]] == _steps("en")[2:]


def test_opening_cards_and_ticking_nothing_in_another_language_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "shared.db"
    card_id = _incident(str(path), "en")
    before = _dump(path)
    run = in_process_cli(capsys)
    for lang in ("zh", "en"):
        assert run(path, "--lang", lang, "list", "--json")[0] == 0
        assert run(path, "--lang", lang, "history", str(card_id))[0] == 0
        board = _open(str(path), lang)
        board.cards.card(card_id).as_json()
        board.close()
        assert _dump(path) == before, lang


async def test_the_checklist_dialog_in_chinese_shows_and_ticks_the_english_cards_steps(
    tmp_path: Path, clock: FakeClock
) -> None:
    from textual.widgets import OptionList

    path = tmp_path / "d.db"
    card_id = _incident(str(path), "en", actor="ann")
    before = _dump(path)
    app, board = make_app(path, clock, lang="zh")
    board.cards.actor = "mei"
    async with app.run_test(size=(160, 45)) as pilot:
        await settled(pilot)
        await pilot.press("c")  # the urgent incident card is the first card of Daily
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        first = str(options.get_option_at_index(0).prompt)
        assert first == "☐ " + _steps("zh")[0]
        history = str(app.screen.query_one("#detail-history").render())
        assert "ann 添加到每日" in history
        assert _dump(path) == before  # reading in Chinese wrote nothing
        await pilot.press("space")
        await pilot.pause()
        history = str(app.screen.query_one("#detail-history").render())
        assert f"mei 勾选了“{_steps('zh')[0]}”" in history
    board.close()
    board = _open(str(path), "en")
    shown = board.cards.card(card_id).as_json()["checklist"][0]
    lines = [row.sentence() for row in board.cards.card_history(card_id)]
    board.close()
    assert shown == {"text": EN_FIRST, "done": True}
    assert lines[0] == f"mei ticked “{EN_FIRST}”"


def test_cards_from_before_keys_read_per_reader_after_the_upgrade(tmp_path: Path) -> None:
    """A file at revision 0002 whose incident card holds Chinese steps as text: the
    upgrade to 0003 keys the known steps (backup kept); a typed item stays as typed."""
    path = tmp_path / "old.db"
    db = open_database(path)
    zh = _steps("zh")
    old = [{"text": zh[0], "done": True}, {"text": "自己写的", "done": False}]

    def back_to_0002(session: Any) -> None:
        connection = session.connection()
        connection.exec_driver_sql("DROP TABLE activity")
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0002'")
        connection.exec_driver_sql("PRAGMA user_version = 3")
        session.add(
            Card(title="FBA", source=Source.INCIDENT, checklist=json.dumps(old, ensure_ascii=False))
        )

    db.transact(back_to_0002)
    db.close()
    board = _open(str(path), "en")
    card = next(r for r in board.cards.list_cards(include_all=True) if r.title == "FBA")
    board.close()
    assert [i["text"] for i in card.as_json()["checklist"]] == [EN_FIRST, "自己写的"]
    assert json.loads(card.checklist)[0] == {"key": "first#0", "text": EN_FIRST, "done": True}
    assert list((tmp_path / "backups").glob("old-before-upgrade-0002-*.db"))
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
        assert check.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


def test_a_v1_file_upgrades_to_0003_with_its_backup_kept(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "schema_v1.db", path)
    board = _open(str(path), "en", actor="ann")
    card = next(r for r in board.cards.list_cards() if r.column in (Column.DAILY, Column.MONTHLY))
    board.cards.move(card.id, Column.WEEKLY)
    lines = [row.sentence() for row in board.cards.card_history(card.id)]
    board.close()
    assert lines == ["ann moved it to Weekly"]
    assert list((tmp_path / "backups").glob("v1-before-upgrade-v1-*.db"))
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT version_num FROM alembic_version").fetchone() == (
            revisions.HEAD,
        )


# ---------------------------------------------------------------------------- activity log
def test_the_history_says_who_did_what(backend: str, db_location: str) -> None:
    board = _open(db_location, "en", actor="ann")
    cards = board.cards
    card = cards.add({"title": "Reply to A-to-z claim"}, Column.DAILY)
    cards.move(card.id, Column.WEEKLY)
    cards.edit(card.id, {"title": "Reply to the A-to-z claim", "due": "2026-12-01"})
    # a form saved with every field: only what really changed is named
    cards.edit(card.id, {"title": "Reply to the A-to-z claim", "estimate_minutes": 20})
    cards.edit(card.id, {"estimate_minutes": 20})
    cards.set_checklist(card.id, [{"text": "Find the tracking", "done": False}])
    cards.set_checklist(card.id, [{"text": "Find the tracking", "done": True}])
    cards.toggle_timer(card.id)
    cards.toggle_timer(card.id)
    cards.actor = "Li Wei"
    cards.set_done(card.id, True)
    cards.undo()
    cards.redo()
    cards.set_done(card.id, False)
    cards.delete(card.id)
    lines = [row.sentence() for row in reversed(cards.card_history(card.id))]
    assert lines == [
        "ann added it to Daily",
        "ann moved it to Weekly",
        "ann changed due date, title",
        "ann changed estimate (minutes)",
        "ann saved it without a change",
        "ann added “Find the tracking” to the checklist",
        "ann ticked “Find the tracking”",
        "ann started the timer",
        "ann stopped the timer (0 min)",
        "Li Wei finished it",
        "Li Wei undid: done",
        "Li Wei redid: done",
        "Li Wei reopened it in Weekly",
        "Li Wei deleted it",
    ]
    newest = cards.card_history(card.id, 2)
    assert [row.action for row in newest] == ["delete", "reopen"]
    assert newest[1].as_json()["changes"] == {"from": "done", "to": "weekly"}
    set_language("zh")
    assert newest[1].sentence() == "Li Wei 重新打开到每周"
    with pytest.raises(NotFoundError):
        cards.card_history(999_999)
    board.close()


def test_a_refused_move_writes_no_history(backend: str, db_location: str) -> None:
    board = _open(db_location, "en", actor="ann")
    card = board.cards.add({"title": "Contested"}, Column.DAILY)
    other = _open(db_location, "en", actor="bob")
    other.cards.move(card.id, Column.MONTHLY)
    other.close()
    with pytest.raises(MovedElsewhere):
        board.cards.move(card.id, Column.WEEKLY, seen=Column.DAILY)
    lines = [row.sentence() for row in board.cards.card_history(card.id)]
    board.close()
    assert lines == ["bob moved it to Monthly", "ann added it to Daily"]


def test_generated_cards_say_the_schedule_added_them(tmp_path: Path) -> None:
    board = _open(str(tmp_path / "s.db"), "en")
    plan = next(r for r in board.cards.list_cards() if r.template_id is not None)
    lines = [row.sentence() for row in board.cards.card_history(plan.id)]
    board.close()
    assert lines == [f"the schedule added it to {plan.column.value.title()}"]


def test_history_on_the_command_line(tmp_path: Path, capsys, monkeypatch) -> None:
    run = in_process_cli(capsys)
    db = tmp_path / "c.db"
    monkeypatch.setenv("SELLER_KANBAN_USER", "ann")
    code, out, err = run(db, "add", "Call the 3PL")
    card = out.strip()
    assert code == 0, err
    assert run(db, "move", card, "--to", "weekly")[0] == 0
    code, out, _ = run(db, "history", card)
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("ann moved it to Weekly · ")
    assert lines[1].startswith("ann added it to Daily · ")
    code, out, _ = run(db, "--lang", "zh", "history", card, "--limit", "1")
    assert code == 0 and out.startswith("ann 移到每周 · ") and len(out.splitlines()) == 1
    code, out, _ = run(db, "history", card, "--json")
    facts = json.loads(out)
    assert [f["action"] for f in facts] == ["move", "add"]
    assert facts[0]["actor"] == "ann" and facts[0]["changes"] == {"from": "daily", "to": "weekly"}
    code, out, err = run(db, "history", "424242")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    code, out, err = run(db, "history", card, "--limit", "0")
    assert code == 2 and "--limit" in err and "Traceback" not in err
    code, out, _ = run(db, "--lang", "zh", "history", "--help")
    assert code == 0 and "谁对卡片做了什么" in out


def test_db_copy_copies_the_history(tmp_path: Path, pg_url: str) -> None:
    solo = str(tmp_path / "solo.db")
    board = _open(solo, "en", actor="ann")
    card = board.cards.add({"title": "Pack samples"}, Column.DAILY)
    board.cards.move(card.id, Column.WEEKLY)
    board.close()
    copied = copy_database(open_database(solo), pg_url)
    assert copied["activity"] >= 2
    team = open_database(pg_url)
    assert counts(team)["activity"] == copied["activity"]
    team.close()
    board = _open(pg_url, "en")
    lines = [row.sentence() for row in board.cards.card_history(card.id)]
    board.close()
    assert lines == ["ann moved it to Weekly", "ann added it to Daily"]


# ------------------------------------------------------------- PostgreSQL: older revisions
def _cli(capsys: pytest.CaptureFixture[str]) -> Any:
    """``seller-kanban --db LOCATION *argv`` in this process (a URL kept as it is)."""
    from kanban_tui.cli import main

    def run(location: str, *argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--db", location, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _older_database(engine: Any, revision: str) -> None:
    """A database built at ``revision`` holding one incident card (Chinese steps as
    text) — what an older seller-kanban left behind."""
    steps = json.dumps([{"text": _steps("zh")[0], "done": True}], ensure_ascii=False)
    try:
        with engine.begin() as connection:
            revisions.upgrade(connection, revision)
            connection.execute(
                text(
                    'INSERT INTO card (title, notes, "column", position, category, '
                    "estimate_minutes, priority, created_at, updated_at, source, checklist, "
                    "spent_minutes) VALUES ('Listing suppressed or removed', 'kept', 'DAILY', "
                    "0, 'account', 60, 'URGENT', :now, :now, 'INCIDENT', :steps, 5)"
                ),
                {"steps": steps, "now": FakeClock()()},
            )
            if connection.dialect.name == "sqlite":  # the header an older release wrote
                schema = {"0001": 2, "0002": 3}[revision]
                connection.exec_driver_sql(f"PRAGMA user_version = {schema}")
                connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    finally:
        engine.dispose()


def _older_server_database(pg_url: str, revision: str) -> None:
    _older_database(server_engine(resolve_target(pg_url)), revision)


@pytest.mark.parametrize("revision", ["0001", "0002"])
def test_an_older_sqlite_file_upgrades_at_open_with_its_backup_kept(
    tmp_path: Path, revision: str
) -> None:
    from sqlalchemy import create_engine

    path = tmp_path / "old.db"
    _older_database(create_engine(f"sqlite:///{path}"), revision)
    board = _open(str(path), "en")
    card = next(r for r in board.cards.list_cards(include_all=True) if r.notes == "kept")
    board.close()
    assert card.title == "Listing suppressed or removed" and card.spent_minutes == 5
    assert card.as_json()["checklist"] == [{"text": EN_FIRST, "done": True}]
    assert len(list((tmp_path / "backups").glob(f"old-before-upgrade-{revision}-*.db"))) == 1
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
        # the table is there (the schedule's cards of the first open are in it), the
        # card from before has no line: nothing is made up about the past
        lines = check.execute("SELECT card_id FROM activity").fetchall()
        assert lines and (card.id,) not in lines


@pytest.mark.parametrize("revision", ["0001", "0002"])
def test_an_older_server_database_is_refused_until_db_upgrade(
    pg_url: str, revision: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _older_server_database(pg_url, revision)
    with pytest.raises(DatabaseError, match="db upgrade"):
        open_database(pg_url)
    run = _cli(capsys)
    code, out, err = run(pg_url, "list")
    assert code == 1 and out == "" and "db upgrade" in err and len(err.strip().splitlines()) == 1
    code, out, _ = run(pg_url, "db", "current", "--json")
    assert code == 0 and json.loads(out)["revision"] == revision
    code, out, err = run(pg_url, "db", "upgrade")
    assert code == 0, err
    code, out, _ = run(pg_url, "db", "current", "--json")
    assert json.loads(out)["revision"] == revisions.HEAD
    code, out, err = run(pg_url, "--lang", "en", "list", "--json", "--all")
    assert code == 0, err
    card = next(c for c in json.loads(out) if c["notes"] == "kept")
    assert card["title"] == "Listing suppressed or removed"
    if revision == "0001":  # 0002 keyed the titles it knew
        assert card["title_key"] == "playbook:listing-suppressed"
    assert card["spent_minutes"] == 5 and card["priority"] == "urgent"
    assert card["checklist"] == [{"text": EN_FIRST, "done": True}]  # keyed by 0003
    code, out, _ = run(pg_url, "history", str(card["id"]))
    assert code == 0 and out.strip() == "No history yet."
