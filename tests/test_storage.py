"""The database file: how a new one is set up, which files are refused, and two writers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kanban_tui.cli import main
from kanban_tui.domain.models import APPLICATION_ID, COLUMNS, SCHEMA_VERSION, Card, Column
from kanban_tui.errors import DatabaseError
from kanban_tui.services.board import BoardService
from kanban_tui.services.session import open_board
from kanban_tui.storage import cards as repo
from kanban_tui.storage.database import inspect_file, open_database
from tests.process_helpers import sha256, side_files, subprocess_env

SIGNED_APPLICATION_ID = APPLICATION_ID - (1 << 32) if APPLICATION_ID >= 1 << 31 else APPLICATION_ID


# --------------------------------------------------------------------------- a new file
def test_new_database_file_is_set_up_for_safe_sharing(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "kanban.db"
    db = open_database(path)
    try:
        with db.engine.connect() as connection:
            pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            busy_timeout = pragma("busy_timeout")
            assert busy_timeout is not None and busy_timeout > 0
            assert pragma("foreign_keys") == 1
    finally:
        db.close()

    # the header values are in the file itself, seen by any other program
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA application_id").fetchone()[0] == SIGNED_APPLICATION_ID
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        raw.close()
    assert path.read_bytes()[68:72] == APPLICATION_ID.to_bytes(4, "big")


def test_each_connection_keeps_a_small_page_cache(tmp_path: Path) -> None:
    """The board's pooled connections each keep SQLite's page cache; at SQLite's default
    (2,000 KiB) a day's reads filled them (issue 14: the soak's SQLite memory 2.6 → 9.5 MB
    in an hour). Every connection of the pool is capped."""
    from kanban_tui.storage.database import PAGE_CACHE_KIB

    db = open_database(tmp_path / "kanban.db")
    try:
        with db.engine.connect() as one, db.engine.connect() as two:
            for connection in (one, two):
                cache = connection.exec_driver_sql("PRAGMA cache_size").scalar()
                assert cache == -PAGE_CACHE_KIB
        assert PAGE_CACHE_KIB < 2000
    finally:
        db.close()


def test_reopening_keeps_the_cards(tmp_path: Path) -> None:
    path = tmp_path / "kanban.db"
    board = open_board(str(path), settings=None)
    added = board.cards.add({"title": "Ship FBA inbound"}, Column.WEEKLY)
    board.close()

    board = open_board(str(path), settings=None)
    try:
        again = board.cards.card(added.id)
        assert (again.title, again.column) == ("Ship FBA inbound", Column.WEEKLY)
        assert board.cards.count() == 17  # the seeded plan is not seeded a second time
    finally:
        board.close()


# --------------------------------------------------------------------------- refusals
def _zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def _text_file(path: Path) -> None:
    path.write_text("Shopping list\n- bubble wrap\n- labels\n" * 40, encoding="utf-8")


def _png_like(path: Path) -> None:
    body = bytes((i * 37 + 11) % 256 for i in range(4096))
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + body)


def _other_program(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    connection.execute("INSERT INTO contacts VALUES ('Ann', '555-0100')")
    connection.commit()
    connection.close()


def _newer_version(path: Path) -> None:
    open_database(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()


def _damaged(path: Path) -> None:
    db = open_database(path)

    def fill(session) -> None:
        for number in range(400):
            card = Card(title=f"Restock SKU-{number:04d}", notes="check inbound shipment " * 12)
            repo.insert(session, card, COLUMNS[number % 3], None)

    db.transact(fill)
    db.close()
    assert not side_files(path), "a closed database leaves no WAL behind"
    data = bytearray(path.read_bytes())
    page_size = 4096
    pages = len(data) // page_size
    assert pages > 20
    for page in range(pages // 3, 2 * pages // 3, 2):
        start = page * page_size
        data[start : start + 512] = b"\xde\xad\xbe\xef" * 128
    path.write_bytes(bytes(data))


def _read_only(path: Path) -> None:
    open_database(path).close()
    path.chmod(0o444)


REFUSED: dict[str, Callable[[Path], None]] = {
    "text file": _text_file,
    "PNG-like binary": _png_like,
    "another program's SQLite": _other_program,
    "newer schema": _newer_version,
    "damaged": _damaged,
    "read-only": _read_only,
}


@pytest.fixture(params=list(REFUSED), ids=list(REFUSED))
def refused_file(request: pytest.FixtureRequest, tmp_path: Path):
    path = tmp_path / "refuse-me.db"
    REFUSED[request.param](path)
    yield path
    path.chmod(0o644)


def test_refused_file_is_left_untouched(refused_file: Path) -> None:
    before = sha256(refused_file)
    with pytest.raises(DatabaseError) as caught:
        open_database(refused_file)
    assert str(refused_file) in str(caught.value)
    assert "\n" not in str(caught.value)
    assert sha256(refused_file) == before
    assert side_files(refused_file) == []


def test_refused_file_through_the_cli(
    refused_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sha256(refused_file)
    code = main(["--db", str(refused_file), "list"])
    out, err = capsys.readouterr()
    assert code != 0
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(refused_file) in lines[0]
    assert "Traceback" not in err
    assert sha256(refused_file) == before
    assert side_files(refused_file) == []


def test_a_leftover_empty_file_is_replaced_by_a_new_board(tmp_path: Path) -> None:
    """An older version killed during its first start left a 0-byte file (or an empty
    SQLite file): it holds no data, so the next start builds the board in its place."""
    for name, make in (("empty.db", _zero_bytes), ("blank.db", _blank_sqlite)):
        path = tmp_path / name
        make(path)
        db = open_database(path)
        db.close()
        assert inspect_file(path) == SCHEMA_VERSION, name


def _blank_sqlite(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.close()


def test_specific_reasons_are_given(tmp_path: Path) -> None:
    """The message says *why*, so the user knows whether to upgrade, restore or move on."""
    cases = {
        "newer": (_newer_version, "newer"),
        "damaged": (_damaged, "damaged"),
        "read-only": (_read_only, "read-only"),
        "other": (_other_program, "another program"),
    }
    for name, (make, words) in cases.items():
        path = tmp_path / f"{name}.db"
        make(path)
        with pytest.raises(DatabaseError, match=words):
            open_database(path)
        path.chmod(0o644)


def test_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "kanban.db"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    with pytest.raises(DatabaseError, match="directory") as caught:
        open_database(folder)
    assert str(folder) in str(caught.value)

    assert main(["--db", str(folder), "list"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and str(folder) in err
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]
    assert side_files(folder) == []


# --------------------------------------------------------------------------- --db forms
def test_sqlite_url_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "url.db"
    assert main(["--db", f"sqlite:///{path}", "add", "Reply to A-to-z claim"]) == 0
    card_id = int(capsys.readouterr().out.strip())
    assert path.is_file()
    board = open_board(str(path), settings=None)
    try:
        assert board.cards.card(card_id).title == "Reply to A-to-z claim"
    finally:
        board.close()


def test_other_database_servers_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # PostgreSQL is a backend now (issue 12); other servers are still refused in one line
    url = "mysql://seller@localhost/kanban"
    with pytest.raises(DatabaseError, match="only SQLite"):
        open_database(url)
    assert main(["--db", url, "list"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip().splitlines() == [err.strip()]
    assert "PostgreSQL" in err and "SQLite" in err and "Traceback" not in err


def test_an_unreachable_postgresql_server_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # port 9 (discard) on loopback: nothing listens there
    url = "postgresql+psycopg://seller@127.0.0.1:9/kanban"
    assert main(["--db", url, "list"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip().splitlines() == [err.strip()]
    assert "cannot be opened" in err and "Traceback" not in err


# --------------------------------------------------------------------------- two writers
def test_two_writers_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    open_board(str(path), settings=None).close()  # created and seeded before both start

    errors: list[BaseException] = []
    subprocess_results: list[subprocess.CompletedProcess[str]] = []

    def run_cli(numbers: range) -> None:
        env = subprocess_env()
        try:
            for number in numbers:
                column = ("daily", "weekly", "monthly")[number % 3]
                subprocess_results.append(
                    subprocess.run(
                        [sys.executable, "-m", "kanban_tui", "--db", str(path), "add",
                         f"cli card {number}", "--column", column],
                        capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path,
                    )
                )  # fmt: skip
        except BaseException as exc:  # reported below
            errors.append(exc)

    # 30 CLI runs in two back-to-back streams (each run is a fresh process, mostly start-up
    # time), while this process adds 200 cards through the service the board uses
    clis = [threading.Thread(target=run_cli, args=(range(start, 30, 2),)) for start in (0, 1)]
    for thread in clis:
        thread.start()
    db = open_database(path)
    service = BoardService(db)
    try:
        for number in range(200):
            column = COLUMNS[number % 3]
            # insert at the top, in the middle and at the end: every add renumbers rows
            service.add({"title": f"app card {number}"}, column, (0, 3, None)[number % 3])
            if any(thread.is_alive() for thread in clis):
                time.sleep(0.02)  # spread the writes over the CLI runs
    finally:
        for thread in clis:
            thread.join(timeout=120)
    assert not errors, errors

    for result in subprocess_results:
        assert "database is locked" not in result.stderr.lower()
        assert result.returncode == 0, result.stderr
    assert len(subprocess_results) == 30

    try:
        with db.read() as session:
            titles = [card.title for card in repo.all_cards(session)]
            for column in COLUMNS:
                positions = [card.position for card in repo.all_cards(session, column)]
                assert positions == list(range(len(positions))), column
    finally:
        db.close()
    expected = {f"app card {n}" for n in range(200)} | {f"cli card {n}" for n in range(30)}
    assert expected <= set(titles)
    assert len(titles) == 16 + 230
