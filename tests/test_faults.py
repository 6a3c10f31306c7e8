"""Faults and bad input lose nothing: kill -9 mid-write, concurrent writers, a full disk,
read-only files, a broken config and hostile text. Most of these drive real processes."""

from __future__ import annotations

import contextlib
import json
import os
import random
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kanban_tui.cli import main
from kanban_tui.domain.models import COLUMNS, OPEN_COLUMNS, SCHEMA_VERSION, Column
from kanban_tui.domain.validation import NOTES_MAX
from kanban_tui.services.board import BoardService
from kanban_tui.services.session import open_board
from kanban_tui.storage import cards as repo
from kanban_tui.storage.database import inspect_file, open_database
from tests import process_helpers
from tests.process_helpers import (
    REPO_ROOT,
    Result,
    in_process_cli,
    sha256,
    side_files,
    subprocess_env,
)

REPORTS = REPO_ROOT / "tests" / "fixtures" / "reports"

#: How much the board and two CLI processes write at once, counted in writes (not seconds:
#: a loaded machine must not decide how much is checked); raise these for a longer soak.
CLI_ROUNDS = 6
BOARD_OPERATIONS = 60
#: kill -9 rounds, and how long each writer runs (after its first commit) before the kill.
KILL_ROUNDS = 3
KILL_AFTER_COMMITS = 12

#: A burst of writes: adds at the top, the end and the middle of a column, moves and
#: finishes cards (each one renumbers rows). Prints each new id once it is committed.
BURST_WRITER = """
import sys
from kanban_tui.domain.models import Column
from kanban_tui.services.board import BoardService
from kanban_tui.storage.database import open_database

service = BoardService(open_database(sys.argv[1]))
columns = (Column.DAILY, Column.WEEKLY, Column.MONTHLY)
tag = sys.argv[2]
number = 0
while True:
    row = service.add(
        {"title": f"{tag} {number}", "notes": "restock inbound " * 40},
        columns[number % 3],
        (0, None, 2)[number % 3],
    )
    print(row.id, flush=True)
    if number % 4 == 3:
        service.move(row.id, columns[(number + 1) % 3], 0)
    if number % 5 == 4:
        service.set_done(row.id, True)
    number += 1
"""


# --------------------------------------------------------------------------- helpers
def run_cli(
    db: Path, *argv: str, preexec_fn: Callable[[], None] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run in the repository folder unless told otherwise (the report fixtures live there)."""
    return process_helpers.run_cli(db, *argv, preexec_fn=preexec_fn, cwd=cwd or REPO_ROOT)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``seller-kanban --db DB *argv`` in-process: (exit code, stdout, stderr)."""
    return in_process_cli(capsys)


def board_cards(cli: Callable[..., Result], db: Path) -> list[dict]:
    code, out, err = cli(db, "list", "--all", "--json")
    assert code == 0, err
    return json.loads(out)


def seeded(path: Path) -> Path:
    open_board(str(path), settings=None).close()
    assert side_files(path) == []
    return path


def check_database(path: Path) -> dict[int, str]:
    """Open ``path`` as the program does, check it whole; returns {card id: title}."""
    assert inspect_file(path) == SCHEMA_VERSION
    db = open_database(path)
    try:
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        with db.read() as session:
            for column in COLUMNS:
                positions = [card.position for card in repo.all_cards(session, column)]
                assert positions == list(range(len(positions))), column
            found: dict[int, str] = {}
            for card in repo.all_cards(session):
                assert card.id is not None  # a stored card has its id
                found[card.id] = card.title
            return found
    finally:
        db.close()


def one_line_naming(result_err: str, *names: str) -> str:
    lines = result_err.strip().splitlines()
    assert len(lines) == 1, result_err
    assert "Traceback" not in result_err
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


# --------------------------------------------------------------------------- kill -9
def test_kill_9_in_the_middle_of_a_burst_of_writes(tmp_path: Path) -> None:
    path = seeded(tmp_path / "kanban.db")
    script = tmp_path / "burst.py"
    script.write_text(BURST_WRITER, encoding="utf-8")
    every_printed: set[int] = set()
    for round_number in range(KILL_ROUNDS):
        writer = subprocess.Popen(
            [sys.executable, str(script), str(path), f"round{round_number}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=subprocess_env(), cwd=tmp_path,
        )  # fmt: skip
        printed: list[int] = []
        started = threading.Event()

        def read(
            writer: subprocess.Popen[str] = writer,
            printed: list[int] = printed,
            started: threading.Event = started,
        ) -> None:
            assert writer.stdout is not None
            for line in writer.stdout:
                if line.endswith("\n"):  # a whole line: its commit had returned
                    printed.append(int(line))
                    started.set()

        reader = threading.Thread(target=read)
        reader.start()
        try:
            assert started.wait(60), "the writer never committed"
            # a different moment each round, counted in commits (not seconds: a loaded
            # machine must not decide where the kill lands)
            wanted = KILL_AFTER_COMMITS + 7 * round_number
            for _ in range(6000):
                if len(printed) >= wanted or writer.poll() is not None:
                    break
                time.sleep(0.01)
            assert writer.poll() is None, "the writer stopped on its own"
            assert len(printed) >= wanted, "the writer did not get into its burst"
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait()
            reader.join()
        assert writer.returncode == -signal.SIGKILL
        assert len(printed) > 5, "the kill should land in a burst, not before it"
        every_printed |= set(printed)

        found = check_database(path)  # integrity ok, positions 0..n-1 in every column
        missing = every_printed - found.keys()
        assert not missing, f"round {round_number}: committed cards lost: {sorted(missing)}"
    # nothing but the plan and the burst; a kill may land between a commit and its print,
    # so at most one card per round was committed without being reported
    unreported = len(found) - 16 - len(every_printed)
    assert 0 <= unreported <= KILL_ROUNDS


# --------------------------------------------------------------------------- concurrency
def test_the_board_and_two_cli_processes_write_at_once(tmp_path: Path) -> None:
    path = seeded(tmp_path / "shared.db")
    runs: list[subprocess.CompletedProcess[str]] = []
    cli_added: dict[int, str] = {}
    cli_done: set[int] = set()
    errors: list[BaseException] = []

    def cli_loop(name: str) -> None:
        try:
            for number in range(CLI_ROUNDS):
                title = f"{name} card {number}"
                column = ("daily", "weekly", "monthly")[number % 3]
                added = run_cli(path, "add", title, "--column", column, cwd=tmp_path)
                runs.append(added)
                if added.returncode != 0:
                    return
                card_id = int(added.stdout)
                cli_added[card_id] = title
                if number % 2 == 0:
                    finished = run_cli(path, "done", str(card_id), cwd=tmp_path)
                    runs.append(finished)
                    if finished.returncode != 0:
                        return
                    cli_done.add(card_id)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=cli_loop, args=(name,)) for name in ("cli-a", "cli-b")]
    for thread in threads:
        thread.start()

    # the board: adds, moves, finishes and reopens its own cards, and refreshes as it polls
    db = open_database(path)
    service = BoardService(db)
    expected: dict[int, Column] = {}
    chance = random.Random(20261125)
    operations = 0
    try:  # the board writes all the while the CLI processes do, and at least its share
        while operations < BOARD_OPERATIONS or any(thread.is_alive() for thread in threads):
            kind = operations % 4 if expected else 0
            if kind == 0:
                row = service.add(
                    {"title": f"board card {operations}"},
                    chance.choice(OPEN_COLUMNS),
                    chance.choice((0, 1, None)),
                )
            elif kind == 1:
                row = service.move(
                    chance.choice(list(expected)),
                    chance.choice(OPEN_COLUMNS),
                    chance.choice((0, None)),
                )
            elif kind == 2:
                row = service.toggle_done(chance.choice(list(expected)))
            else:
                service.data_version()
                for column in COLUMNS:
                    service.summary(column)
                    service.rows(column, 0, 20)
                row = None
            if row is not None:
                expected[row.id] = row.column
            operations += 1
            time.sleep(0.01)
    finally:
        for thread in threads:
            thread.join(timeout=120)
    assert not errors, errors

    for result in runs:
        assert "database is locked" not in result.stderr.lower()
        assert result.returncode == 0, (result.args, result.stderr)
    assert len(cli_added) == 2 * CLI_ROUNDS and operations >= BOARD_OPERATIONS

    try:
        for card_id, column in expected.items():
            assert service.card(card_id).column is column, card_id  # no write of the board lost
        for card_id, title in cli_added.items():
            row = service.card(card_id)
            assert row.title == title
            assert row.done is (card_id in cli_done)
    finally:
        db.close()
    found = check_database(path)
    assert len(found) == 16 + len(cli_added) + len(expected)


# --------------------------------------------------------------------------- full disk
def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:  # runs in the child, before exec
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    return apply


def _add_until_refused(
    path: Path, tries: int, preexec_fn: Callable[[], None] | None = None
) -> tuple[dict[int, str], subprocess.CompletedProcess[str]]:
    """Add cards with large notes until one is refused; returns the committed ones."""
    committed: dict[int, str] = {}
    for number in range(tries):
        title = f"big card {number}"
        result = run_cli(
            path, "add", title, "--notes", "x" * NOTES_MAX, preexec_fn=preexec_fn, cwd=path.parent
        )
        if result.returncode != 0:
            return committed, result
        assert "Traceback" not in result.stderr
        committed[int(result.stdout)] = title
    pytest.fail(f"{tries} adds all succeeded: the disk never filled up")


def test_full_disk_by_file_size_limit(tmp_path: Path) -> None:
    path = seeded(tmp_path / "kanban.db")
    before = check_database(path)
    limit = path.stat().st_size + 8192
    committed, refused = _add_until_refused(path, 12, _file_size_limit(limit))
    assert committed, "some adds fit before the limit"
    assert refused.returncode != 0
    assert refused.stdout == ""
    one_line_naming(refused.stderr, str(path), "nothing was changed")

    # without the limit the database opens, is whole and has every card committed before
    found = check_database(path)
    assert before.items() <= found.items()
    assert committed.items() <= found.items()
    assert len(found) == len(before) + len(committed)  # the refused card is not half there


@contextlib.contextmanager
def tiny_tmpfs(folder: Path, size: str = "300k") -> Iterator[Path]:
    folder.mkdir()
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def test_full_disk_on_a_tiny_tmpfs(tmp_path: Path) -> None:
    with tiny_tmpfs(tmp_path / "tiny") as disk:
        path = seeded(disk / "kanban.db")
        before = check_database(path)
        # leave room for only a few big cards, so the disk fills up after some commits
        stats = os.statvfs(disk)
        free = stats.f_bavail * stats.f_frsize
        (disk / "filler").write_bytes(b"\0" * max(0, free - 96 * 1024))
        committed, refused = _add_until_refused(path, 12)
        assert committed, "some adds fit before the disk is full"
        assert refused.returncode != 0
        one_line_naming(refused.stderr, str(path), "full")

        # still on the full disk: the database opens, is whole, has everything committed
        found = check_database(path)
        assert before.items() <= found.items()
        assert committed.items() <= found.items()
        assert len(found) == len(before) + len(committed)
        code = main(["--db", str(path), "list", "--json"])
        assert code == 0


# --------------------------------------------------------------------------- read-only
@pytest.fixture
def restore_permissions(tmp_path: Path) -> Iterator[list[Path]]:
    changed: list[Path] = []
    yield changed
    for path in changed:
        path.chmod(0o755 if path.is_dir() else 0o644)


def test_read_only_database_file(tmp_path: Path, restore_permissions: list[Path]) -> None:
    """Tests run as root, who may write anything: the program itself treats a file without
    any write bit as read-only (see storage.database._read_only), so that is checked."""
    path = seeded(tmp_path / "kanban.db")
    path.chmod(0o444)
    restore_permissions.append(path)
    before = sha256(path)

    refused = run_cli(path, "add", "Restock yoga mats", cwd=tmp_path)
    assert refused.returncode != 0 and refused.stdout == ""
    one_line_naming(refused.stderr, str(path), "read-only")
    assert sha256(path) == before
    assert side_files(path) == []

    # reading it to take a copy is still possible, and changes nothing
    copy = tmp_path / "copy.db"
    taken = run_cli(path, "backup", "-o", str(copy), cwd=tmp_path)
    assert taken.returncode == 0, taken.stderr
    assert inspect_file(copy) == SCHEMA_VERSION
    assert sha256(path) == before
    assert side_files(path) == []


def test_restore_onto_a_read_only_database_is_refused(
    tmp_path: Path, cli, restore_permissions: list[Path]
) -> None:
    path = seeded(tmp_path / "kanban.db")
    backup = tmp_path / "backup.db"
    assert cli(path, "backup", "-o", str(backup))[0] == 0
    assert cli(path, "add", "after the backup")[0] == 0
    path.chmod(0o444)
    restore_permissions.append(path)
    before = sha256(path)

    code, out, err = cli(path, "restore", str(backup))
    assert code != 0 and out == ""
    one_line_naming(err, str(path), "read-only")
    assert sha256(path) == before
    assert side_files(path) == []


@pytest.mark.parametrize("exists", [True, False], ids=["existing file", "new file"])
def test_read_only_folder(tmp_path: Path, exists: bool, restore_permissions: list[Path]) -> None:
    folder = tmp_path / "board"
    folder.mkdir()
    path = folder / "kanban.db"
    if exists:
        seeded(path)
    before = {p.name: sha256(p) for p in folder.iterdir()}
    folder.chmod(0o555)
    restore_permissions.append(folder)

    refused = run_cli(path, "add", "Restock yoga mats", cwd=tmp_path)
    assert refused.returncode != 0 and refused.stdout == ""
    line = one_line_naming(refused.stderr, str(path), "read-only")
    assert str(folder) in line
    assert {p.name: sha256(p) for p in folder.iterdir()} == before  # nothing made or changed


# --------------------------------------------------------------------------- config
def _write_config(text: str) -> Path:
    from kanban_tui import locations

    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('work_hours_per_day = "lots"\n', "work_hours_per_day"),
        ('colour = "red"\n', "colour"),
        ("backups_kept = -1\n", "backups_kept"),
    ],
    ids=["wrong type", "unknown key", "bad value"],
)
def test_bad_config_never_opens_the_database(tmp_path: Path, text: str, key: str) -> None:
    config = _write_config(text)
    path = tmp_path / "kanban.db"
    refused = run_cli(path, "add", "Restock yoga mats", cwd=tmp_path)
    assert refused.returncode != 0 and refused.stdout == ""
    one_line_naming(refused.stderr, str(config), key)
    assert not path.exists() and side_files(path) == []
    assert config.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    "argv",
    [["backup", "-o", "copy.db"], ["restore", "copy.db"], ["doctor", "--json"], ["tick"]],
    ids=lambda argv: argv[0],
)
def test_bad_config_stops_every_command(tmp_path: Path, cli, argv: list[str]) -> None:
    path = seeded(tmp_path / "kanban.db")
    before = sha256(path)
    config = _write_config("backups_kept = [3]\n")
    code, out, err = cli(path, *argv)
    assert code == 2 and out == ""
    one_line_naming(err, str(config), "backups_kept")
    assert sha256(path) == before and side_files(path) == []
    assert not (tmp_path / "copy.db").exists()


def test_bad_environment_value_names_the_variable(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELLER_KANBAN_WORK_HOURS_PER_DAY", "lots")
    path = tmp_path / "kanban.db"
    code, out, err = cli(path, "list")
    assert code == 2 and out == ""
    one_line_naming(err, "SELLER_KANBAN_WORK_HOURS_PER_DAY", "lots")
    assert not path.exists()


# --------------------------------------------------------------------------- hostile input
@pytest.mark.parametrize(
    ("field", "argv"),
    [
        ("title", ["add", "t" * 1_000_000]),
        ("notes", ["add", "ok", "--notes", "n" * 1_000_000]),
        ("category", ["add", "ok", "--category", "c" * 1_000_000]),
    ],
    ids=["title", "notes", "category"],
)
def test_a_megabyte_of_text_is_refused(tmp_path: Path, cli, field: str, argv: list[str]) -> None:
    path = seeded(tmp_path / "kanban.db")
    before = board_cards(cli, path)
    code, out, err = cli(path, *argv)
    assert code == 2 and out == ""
    line = one_line_naming(err, field)
    assert len(line) < 300, "the message must not repeat the megabyte"
    assert board_cards(cli, path) == before


SAMPLES = {
    "NUL and controls": "a\x00b\x01c\x07d\x08e\x7ff\x9bg\x0bh\x1bi",
    "right-to-left and combining": "\u202eabc\u202c مرحبا עברית e\u0301 n\u0303\u0332 \u200f!",
    "emoji and CJK": "📦🚚 👩🏽\u200d💻 🇺🇸 亚马逊库存 ｶﾀｶﾅ 한국어",
    "Rich markup": "[bold red]x[/] [link=http://x]y[/link] :fire: [/]",
    "OSC and CSI": "\x1b]8;;http://x\x07link\x1b]8;;\x07 \x1b[2J\x1b[31mred\x1b[0m",
}


def _fields(sample: str) -> dict[str, str]:
    return {
        "title": f"T {sample} end",
        "notes": f"{sample}\nsecond line {sample}",
        "category": f"c {sample}"[:38].rstrip() + "z",
    }


def _stored(value: str) -> str:
    return value.replace("\x00", "\u2400")  # NUL cannot live in SQLite text: ␀ by design


@pytest.mark.parametrize("sample", list(SAMPLES.values()), ids=list(SAMPLES))
def test_hostile_text_is_stored_exactly_and_round_trips(tmp_path: Path, cli, sample: str) -> None:
    path = seeded(tmp_path / "kanban.db")
    fields = _fields(sample)
    code, out, err = cli(
        path, "add", fields["title"], "--notes", fields["notes"],
        "--category", fields["category"], "--json",
    )  # fmt: skip
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    card_id = json.loads(out)["id"]
    card = next(c for c in board_cards(cli, path) if c["id"] == card_id)
    for name, value in fields.items():
        assert card[name] == _stored(value), name

    # plain `list` shows the title literally: nothing reaches the terminal raw
    code, out, err = cli(path, "list")
    assert code == 0, err
    shown = next(line for line in out.splitlines() if line.startswith(f"#{card_id} "))
    title_part = shown.split("  (")[0]
    for control in ("\x1b", "\x07", "\x00", "\x08", "\x9b"):
        assert control not in title_part


def test_plain_list_shows_a_hostile_category_literally(tmp_path: Path, cli) -> None:
    path = seeded(tmp_path / "kanban.db")
    code, _, err = cli(path, "add", "fine", "--category", "\x1b[2J\x1b]0;pwned\x07")
    assert code == 0, err
    code, out, _ = cli(path, "list")
    assert "\x1b" not in out and "\x07" not in out


def test_hostile_text_through_a_real_process(tmp_path: Path, cli) -> None:
    """The escapes travel through a real argv (NUL cannot: execve stops at it)."""
    path = seeded(tmp_path / "kanban.db")
    fields = _fields(SAMPLES["OSC and CSI"] + " " + SAMPLES["emoji and CJK"])
    added = run_cli(
        path, "add", fields["title"], "--notes", fields["notes"],
        "--category", fields["category"], "--json", cwd=tmp_path,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    card_id = json.loads(added.stdout)["id"]
    listed = run_cli(path, "list", "--all", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    card = next(c for c in json.loads(listed.stdout) if c["id"] == card_id)
    assert {name: card[name] for name in fields} == fields


async def test_hostile_text_is_shown_literally_on_the_board(tmp_path: Path, clock) -> None:
    from tests.ui_helpers import column, make_app, shown_lines

    path = seeded(tmp_path / "kanban.db")
    app, board = make_app(path, clock)
    # short titles, each at the top of Daily, so the whole text fits the column
    shown_texts = {
        "markup": "[bold red]x[/]",
        "osc": "\x1b]8;;http://x\x07L",
        "csi": "\x1b[2J\x1b[31mR",
        "cjk": "亚马逊📦",
        "nul": "a\x00b\x07c",
    }
    for title in shown_texts.values():
        board.cards.add({"title": title, "category": "\x1b[2J[b]cat[/b]"}, Column.DAILY, 0)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        painted = "\n".join(shown_lines(column(app, Column.DAILY)))
    board.close()
    for raw in ("\x1b", "\x07", "\x00"):
        assert raw not in painted
    assert "[bold red]x[/]" in painted  # markup text verbatim, not interpreted
    assert "␛]8;;http://x␇L" in painted
    assert "␛[2J␛[31mR" in painted
    assert "亚马逊📦" in painted
    assert "a␀b␇c" in painted
    assert "␛[2J[b]cat[/b]" in painted


# --------------------------------------------------------------------------- KPI reports
HOSTILE_NAME = "\x1b]8;;http://x\x07[bold red]Yoga[/]\x1b[2J"


def _report(tmp_path: Path, fixture: str, name: str, replace: tuple[str, str]) -> Path:
    text = (REPORTS / fixture).read_text(encoding="utf-8")
    assert replace[0] in text
    path = tmp_path / name
    path.write_text(text.replace(*replace), encoding="utf-8")
    return path


def test_kpi_report_with_hostile_campaign_names_imports(tmp_path: Path, cli) -> None:
    path = seeded(tmp_path / "kanban.db")
    report = _report(
        tmp_path, "sp_search_term_daily.csv", "ads.csv", ("Yoga Mat - Exact", HOSTILE_NAME)
    )
    code, out, err = cli(path, "kpi", "import", str(report), "--marketplace", "US")
    assert code == 0, err
    assert "\x1b" not in out + err and "\x07" not in out + err
    code, out, err = cli(path, "kpi", "show", "--json", "--month", "2026-05")
    assert code == 0, err
    assert json.loads(out)["acos"]["value"] is not None
    check_database(path)


def test_kpi_report_refused_with_hostile_names_does_not_crash(tmp_path: Path, cli) -> None:
    path = seeded(tmp_path / "kanban.db")
    before = sha256(path)
    report = _report(
        tmp_path, "campaign_manager_export.csv", "table.csv", ("Yoga Mat - Auto", HOSTILE_NAME)
    )
    code, out, err = cli(path, "kpi", "import", str(report), "--marketplace", "US")
    assert code == 2 and out == ""
    one_line_naming(err, str(report))
    assert "\x1b" not in err and "\x07" not in err
    assert sha256(path) == before


def test_kpi_report_bad_cell_with_escapes_is_quoted_literally(tmp_path: Path, cli) -> None:
    path = seeded(tmp_path / "kanban.db")
    report = _report(
        tmp_path, "sp_search_term_daily.csv", "bad.csv", ('"May 16, 2026"', '"\x1b[2JMay 16"')
    )
    code, _, err = cli(path, "kpi", "import", str(report), "--marketplace", "US")
    assert code == 2 and "Traceback" not in err
    assert "\x1b" not in err
