"""Backups, restore and doctor: a copy taken under load is whole, a bad file never replaces a
good one, and every restore keeps the database it replaces."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kanban_tui import config, locations
from kanban_tui.domain.models import COLUMNS, SCHEMA_VERSION, Card
from kanban_tui.services.board import BoardService
from kanban_tui.services.session import open_board
from kanban_tui.storage import cards as repo
from kanban_tui.storage.backup import (
    BEFORE_RESTORE,
    MANUAL,
    backup_to,
    copy_path,
    daily_backup,
    prune,
)
from kanban_tui.storage.database import inspect_file, open_database
from tests.process_helpers import (
    Result,
    in_process_cli,
    run_cli,
    sha256,
    side_files,
    subprocess_env,
    wait_until,
)

#: Adds cards for ever, printing each id once its transaction has committed.
WRITER = """
import sys
from kanban_tui.domain.models import Column
from kanban_tui.services.board import BoardService
from kanban_tui.storage.database import open_database

service = BoardService(open_database(sys.argv[1]))
columns = (Column.DAILY, Column.WEEKLY, Column.MONTHLY)
number = 0
while True:
    row = service.add({"title": f"writer {number}"}, columns[number % 3], (0, None, 2)[number % 3])
    print(row.id, flush=True)
    number += 1
"""


# --------------------------------------------------------------------------- helpers
def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def integrity(path: Path) -> str:
    connection = read_only(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def card_ids(path: Path) -> set[int]:
    connection = read_only(path)
    try:
        return {row[0] for row in connection.execute("SELECT id FROM card")}
    finally:
        connection.close()


def titles_in(path: Path) -> set[str]:
    connection = read_only(path)
    try:
        return {row[0] for row in connection.execute("SELECT title FROM card")}
    finally:
        connection.close()


def gapless(path: Path) -> dict[str, list[int]]:
    """Columns whose positions are not 0..n-1 (empty when all are)."""
    connection = read_only(path)
    try:
        rows = connection.execute('SELECT "column", position FROM card ORDER BY position')
        found: dict[str, list[int]] = {}
        for column, position in rows:
            found.setdefault(column, []).append(position)
    finally:
        connection.close()
    return {c: p for c, p in found.items() if p != list(range(len(p)))}


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``seller-kanban --db DB *argv`` in-process: (exit code, stdout, stderr)."""
    return in_process_cli(capsys)


def board_cards(cli: Callable[..., Result], db: Path) -> list[dict]:
    code, out, err = cli(db, "list", "--all", "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """A seeded database with a few cards of the seller's own, every connection closed."""
    path = tmp_path / "live" / "kanban.db"
    board = open_board(str(path), settings=None)
    try:
        for number in range(5):
            board.cards.add({"title": f"live card {number}"}, COLUMNS[number % 3])
    finally:
        board.close()
    assert side_files(path) == []
    return path


def fill(path: Path) -> None:
    """A database of ours with 400 cards: big enough that damaging its middle pages shows."""
    db = open_database(path)

    def work(session) -> None:
        for number in range(400):
            card = Card(title=f"Restock SKU-{number:04d}", notes="check inbound shipment " * 12)
            repo.insert(session, card, COLUMNS[number % 3], None)

    db.transact(work)
    db.close()


def fill_and_damage(path: Path) -> None:
    fill(path)
    damage(path)


def damage(path: Path) -> None:
    assert side_files(path) == [], "damage a closed database only"
    data = bytearray(path.read_bytes())
    pages = len(data) // 4096
    assert pages > 20
    for page in range(pages // 3, 2 * pages // 3, 2):
        data[page * 4096 : page * 4096 + 512] = b"\xde\xad\xbe\xef" * 128
    path.write_bytes(bytes(data))


def _text_file(path: Path) -> None:
    path.write_text("order id,sku\n114-123,YOGA-MAT\n" * 50, encoding="utf-8")


def _foreign_sqlite(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE card (id INTEGER PRIMARY KEY, title TEXT)")
    connection.execute("INSERT INTO card VALUES (1, 'not ours')")
    connection.commit()
    connection.close()


def _newer_schema(path: Path) -> None:
    open_database(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()


BAD_BACKUPS: dict[str, tuple[Callable[[Path], None], str]] = {
    "damaged": (fill_and_damage, "damaged"),
    "foreign SQLite": (_foreign_sqlite, "another program"),
    "text file": (_text_file, "not a SQLite database"),
    "newer schema": (_newer_schema, "newer"),
}


# --------------------------------------------------------------------------- backup
def test_backup_while_another_process_writes(live: Path, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    writer = subprocess.Popen(
        [sys.executable, str(script), str(live)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=subprocess_env(), cwd=tmp_path,
    )  # fmt: skip
    printed: list[int] = []

    def read() -> None:
        assert writer.stdout is not None
        printed.extend(int(line) for line in writer.stdout if line.endswith("\n"))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        wait_until(lambda: len(printed) >= 30 or writer.poll() is not None, "30 commits", 60)
        assert writer.poll() is None, writer.stderr and writer.stderr.read()
        committed_before = set(printed)
        output = tmp_path / "copies" / "manual.db"
        result = run_cli(live, "backup", "-o", str(output))
        # the writer, busy before the backup, goes on committing after it: not blocked
        # (counted in commits, not seconds: a loaded machine must not decide)
        count_after = len(printed)
        wait_until(lambda: len(printed) > count_after or writer.poll() is not None, "a commit", 60)
        assert writer.poll() is None, "the writer should still be writing after the backup"
    finally:
        writer.kill()
        writer.wait()
        reader.join()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(output)

    assert inspect_file(output) == SCHEMA_VERSION
    assert integrity(output) == "ok"
    assert side_files(output) == []  # self-contained: no -wal needed, no .partial left
    in_copy = card_ids(output)
    assert committed_before <= in_copy
    assert gapless(output) == {}  # one consistent moment, not a mix of two
    # the copy is a database the program opens
    board = open_board(str(output), settings=None)
    try:
        assert {row.id for row in board.cards.list_cards(include_all=True)} == in_copy
    finally:
        board.close()


def test_backup_of_a_missing_database_is_refused(tmp_path: Path, cli) -> None:
    missing = tmp_path / "nothing-here.db"
    code, out, err = cli(missing, "backup", "-o", str(tmp_path / "copy.db"))
    assert code != 0 and out == ""
    assert str(missing) in err and "Traceback" not in err
    assert not missing.exists() and not (tmp_path / "copy.db").exists()


# --------------------------------------------------------------------------- daily backups
def test_daily_backup_once_a_day_and_prune_keeps_the_newest_of_each_kind(live: Path) -> None:
    folder = live.parent / "backups"  # beside the database it copies
    first_day = datetime(2026, 11, 20, 8, 0)
    made = daily_backup(live, None, keep=3, today=first_day)
    assert made == folder / "kanban-2026-11-20.db"
    assert integrity(made) == "ok"
    kept = sha256(made)

    # later the same day, after more work: no second copy, the first is not overwritten
    board = open_board(str(live), settings=None)
    board.cards.add({"title": "afternoon card"})
    board.close()
    assert daily_backup(live, None, keep=3, today=first_day + timedelta(hours=9)) is None
    assert sorted(p.name for p in folder.iterdir()) == ["kanban-2026-11-20.db"]
    assert sha256(made) == kept

    # every kind of copy is pruned to the newest N of its own kind
    manual = [
        backup_to(live, copy_path(live, MANUAL, first_day + timedelta(days=d))) for d in range(5)
    ]
    safety = [
        backup_to(live, copy_path(live, BEFORE_RESTORE, first_day + timedelta(days=d)))
        for d in range(5)
    ]
    for offset in range(1, 6):
        assert daily_backup(live, None, keep=3, today=first_day + timedelta(days=offset))
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [p.name for p in manual[-3:] + safety[-3:]]
        + [f"kanban-2026-11-{day}.db" for day in (23, 24, 25)]
    )
    assert "afternoon card" in titles_in(folder / "kanban-2026-11-25.db")

    removed = prune(live, 1)
    assert {folder / f"kanban-2026-11-{d}.db" for d in (23, 24)} <= set(removed)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [manual[-1].name, safety[-1].name, "kanban-2026-11-25.db"]
    )
    # 0 kept means automatic backups are off: none is taken
    assert daily_backup(live, None, keep=0, today=first_day + timedelta(days=9)) is None
    assert not (folder / "kanban-2026-11-29.db").exists()


async def test_the_board_takes_todays_backup_and_keeps_backups_kept(live: Path, clock) -> None:
    """The config's ``backups_kept`` reaches the board's start-up backup."""
    from tests.ui_helpers import make_app

    conf = locations.config_file()
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text("backups_kept = 2\n", encoding="utf-8")
    kept = config.load().backups_kept
    assert kept == 2
    folder = live.parent / "backups"
    for day in (21, 22, 23):
        backup_to(live, folder / f"kanban-2026-11-{day}.db")

    app, _ = make_app(live, clock, backups_kept=kept)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    app.board.close()
    today = f"kanban-{clock():%Y-%m-%d}.db"
    assert sorted(p.name for p in folder.iterdir()) == ["kanban-2026-11-23.db", today]
    assert integrity(folder / today) == "ok"
    assert "live card 4" in titles_in(folder / today)


# --------------------------------------------------------------------------- restore
@pytest.mark.parametrize("kind", list(BAD_BACKUPS), ids=list(BAD_BACKUPS))
def test_restore_refuses_a_bad_file_and_changes_nothing(
    kind: str, live: Path, tmp_path: Path, cli
) -> None:
    make, reason = BAD_BACKUPS[kind]
    bad = tmp_path / "incoming" / "backup.db"
    bad.parent.mkdir()
    make(bad)
    cards_before = board_cards(cli, live)
    live_before, bad_before = sha256(live), sha256(bad)  # every connection is closed

    code, out, err = cli(live, "restore", str(bad))
    assert code != 0
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(bad) in lines[0] and reason in lines[0]
    assert "Traceback" not in err

    assert sha256(live) == live_before  # byte for byte
    assert side_files(live) == []
    assert sha256(bad) == bad_before  # the offered file is not touched either
    assert side_files(bad) == []
    backups = live.parent / "backups"
    assert not backups.exists() or list(backups.iterdir()) == []
    assert board_cards(cli, live) == cards_before


def test_restore_of_a_missing_file_is_refused(live: Path, tmp_path: Path, cli) -> None:
    before = sha256(live)
    missing = tmp_path / "no-such-backup.db"
    code, out, err = cli(live, "restore", str(missing))
    assert code != 0 and out == ""
    assert str(missing) in err and "does not exist" in err
    assert sha256(live) == before
    assert not missing.exists()


def test_restore_through_a_real_process_refuses_a_damaged_file(live: Path, tmp_path: Path) -> None:
    bad = tmp_path / "damaged-backup.db"
    fill_and_damage(bad)
    before = sha256(live)
    result = run_cli(live, "restore", str(bad))
    assert result.returncode != 0
    assert str(bad) in result.stderr and "damaged" in result.stderr
    assert "Traceback" not in result.stderr
    assert sha256(live) == before


def test_restore_while_the_board_is_open(live: Path, tmp_path: Path, cli) -> None:
    """Backup, change things, restore: the board shows exactly the backup again, and the
    database as it was before the restore is kept in the backups folder."""
    saved = tmp_path / "saved.db"
    assert run_cli(live, "backup", "-o", str(saved)).returncode == 0
    at_backup = board_cards(cli, live)

    # the seller goes on working: adds, finishes and deletes cards
    db = open_database(live)
    service = BoardService(db)
    try:
        after = [service.add({"title": f"after backup {n}"}).id for n in range(3)]
        service.set_done(at_backup[0]["id"], True)
        service.delete(at_backup[1]["id"])
        before_restore = {row.title for row in service.list_cards(include_all=True)}

        # the board (this open connection) stays open while a real process restores
        result = run_cli(live, "restore", str(saved))
        assert result.returncode == 0, result.stderr
        assert str(saved) in result.stdout

        # the open board sees the restored content
        assert {row.id for row in service.list_cards(include_all=True)} == {
            c["id"] for c in at_backup
        }
    finally:
        db.close()

    assert board_cards(cli, live) == at_backup  # exactly the backup's cards, nothing else
    assert not set(after) & {c["id"] for c in board_cards(cli, live)}
    assert integrity(live) == "ok"

    copies = list((live.parent / "backups").glob("*-before-restore-*.db"))
    assert len(copies) == 1, copies
    assert str(copies[0]) in result.stdout
    assert integrity(copies[0]) == "ok"
    assert titles_in(copies[0]) == before_restore
    assert inspect_file(copies[0]) == SCHEMA_VERSION


def test_restore_onto_a_damaged_live_file_keeps_the_damaged_bytes(tmp_path: Path, cli) -> None:
    live = tmp_path / "live.db"
    open_board(str(live), settings=None).close()  # seeded with the plan, as in real use
    fill(live)
    saved = tmp_path / "saved.db"
    backup_to(live, saved)
    at_backup = titles_in(saved)

    damage(live)
    damaged = sha256(live)
    code, _, err = cli(live, "list")
    assert code != 0 and "damaged" in err  # the board would refuse it

    code, out, err = cli(live, "restore", str(saved))
    assert code == 0, err
    copies = list((live.parent / "backups").glob("*-before-restore-*.db"))
    assert len(copies) == 1
    assert sha256(copies[0]) == damaged  # the damaged bytes are kept aside, as they were
    assert str(copies[0]) in out

    assert integrity(live) == "ok"
    cards = board_cards(cli, live)
    assert {c["title"] for c in cards} == at_backup
    assert len(cards) == 416


# --------------------------------------------------------------------------- doctor
def test_doctor_reports_a_healthy_database(live: Path, cli) -> None:
    count = len(board_cards(cli, live))
    code, out, err = cli(live, "doctor", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["integrity"] == "ok"
    assert report["opens"] == "yes"
    assert report["journal_mode"] == "wal"
    assert report["schema_version"] == SCHEMA_VERSION == report["schema_expected"]
    assert report["database"] == str(live)
    assert report["data_dir"] == str(locations.data_dir())
    assert report["backup_dir"] == str(live.parent / "backups")
    assert report["config_file"] == str(locations.config_file())
    assert report["rows"]["card"] == count
    assert report["size_bytes"] == live.stat().st_size


def test_doctor_on_a_damaged_file(tmp_path: Path, cli) -> None:
    path = tmp_path / "damaged.db"
    fill_and_damage(path)
    before = sha256(path)
    code, out, err = cli(path, "doctor", "--json")
    assert code == 1
    report = json.loads(out)
    assert report["opens"].startswith("no: ")
    assert "damaged" in report["opens"]
    assert report["integrity"] != "ok"
    assert "Traceback" not in err
    assert sha256(path) == before  # looking does not write


def test_doctor_on_a_missing_database(tmp_path: Path, cli) -> None:
    """Before the first start there is nothing to check, and looking creates nothing (an
    empty file left behind would stop the board from ever opening)."""
    missing = tmp_path / "never-made.db"
    code, out, err = cli(missing, "doctor", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["database"] == str(missing)
    assert report["size_bytes"] is None
    assert report["opens"] == "yes"
    assert not missing.exists() and side_files(missing) == []
    code, _, err = cli(missing, "list")
    assert code == 0, err
