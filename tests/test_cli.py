"""The ``seller-kanban`` command, driven in-process (plus a few real subprocess runs)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kanban_tui import __version__
from kanban_tui.cli import main
from kanban_tui.domain.models import Column
from kanban_tui.services.session import open_board
from tests.process_helpers import REPO_ROOT, subprocess_env

CARD_KEYS = {
    "id",
    "title",
    "column",
    "position",
    "category",
    "estimate_minutes",
    "priority",
    "done",
    "done_at",
    "created_at",
}

Result = tuple[int, str, str]


def plan_titles(lang: str) -> dict[str, list[str]]:
    with (REPO_ROOT / "data" / f"plan.{lang}.toml").open("rb") as handle:
        tasks = tomllib.load(handle)["task"]
    titles: dict[str, list[str]] = {"daily": [], "weekly": [], "monthly": []}
    for task in tasks:
        titles[task["column"]].append(task["title"])
    return titles


@pytest.fixture
def db_path(db_location: str) -> Path:
    """The board's file (on PostgreSQL the URL as a path: only the SQLite runs use it)."""
    return Path(db_location)


@pytest.fixture
def cli(db_location: str, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``seller-kanban --db DB *argv`` in-process on both backends; returns (exit code,
    stdout, stderr)."""

    def run(*argv: str, db: Path | None = None) -> Result:
        capsys.readouterr()
        try:
            code = main(["--db", str(db or db_location), *argv])
        except SystemExit as exc:  # argparse: bad usage, --help, --version
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def board_json(cli: Callable[..., Result]) -> Callable[[], list[dict]]:
    """Everything on the board, as ``list --all --json`` shows it."""

    def read() -> list[dict]:
        code, out, err = cli("list", "--all", "--json")
        assert code == 0, err
        return json.loads(out)

    return read


def by_column(cards: list[dict]) -> dict[str, list[dict]]:
    columns: dict[str, list[dict]] = {"daily": [], "weekly": [], "monthly": [], "done": []}
    for card in cards:
        columns[card["column"]].append(card)
    return columns


def assert_gapless(cards: list[dict]) -> None:
    for column, found in by_column(cards).items():
        positions = sorted(card["position"] for card in found)
        assert positions == list(range(len(found))), column


# --------------------------------------------------------------------------- the default plan
def test_new_database_gets_the_english_plan(board_json) -> None:
    cards = board_json()
    assert len(cards) == 16
    columns = by_column(cards)
    assert [len(columns[c]) for c in ("daily", "weekly", "monthly", "done")] == [5, 5, 6, 0]
    expected = plan_titles("en")
    for column in ("daily", "weekly", "monthly"):
        assert [card["title"] for card in columns[column]] == expected[column]
    assert "Check account health (ODR < 1%)" in expected["daily"]
    assert_gapless(cards)


def test_new_database_in_chinese_gets_the_chinese_plan(cli, board_json) -> None:
    code, out, err = cli("--lang", "zh", "list", "--json")
    assert code == 0, err
    cards = json.loads(out)
    assert len(cards) == 16
    columns = by_column(cards)
    expected = plan_titles("zh")
    for column in ("daily", "weekly", "monthly"):
        assert [card["title"] for card in columns[column]] == expected[column]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in card["title"]) for card in cards)
    english = {title for titles in plan_titles("en").values() for title in titles}
    assert not {card["title"] for card in cards} & english
    # the plan is seeded once: an English run later adds no card and shows the same cards
    # in English (issue 12: plan cards keep their key, each reader sees their language)
    english_run = board_json()
    assert [card["id"] for card in english_run] == [card["id"] for card in cards]
    expected_en = plan_titles("en")
    for column in ("daily", "weekly", "monthly"):
        shown = [card["title"] for card in by_column(english_run)[column]]
        assert shown == expected_en[column]


# --------------------------------------------------------------------------- add / list
def test_add_prints_the_new_id(cli, board_json) -> None:
    code, out, err = cli("add", "Reply to buyer about late parcel")
    assert code == 0, err
    assert err == ""
    card_id = int(out.strip())
    card = next(c for c in board_json() if c["id"] == card_id)
    assert card["title"] == "Reply to buyer about late parcel"
    assert card["column"] == "daily"
    assert card["position"] == 5  # below the five daily cards of the plan


def test_add_json_prints_the_card(cli, board_json) -> None:
    code, out, err = cli(
        "add", "Bid on holiday keywords", "--column", "weekly", "--category", "ads",
        "--estimate", "45", "--priority", "high", "--due", "2026-12-01", "--notes", "Q4", "--json",
    )  # fmt: skip
    assert code == 0, err
    card = json.loads(out)
    assert card.keys() >= CARD_KEYS
    assert card["title"] == "Bid on holiday keywords"
    assert card["column"] == "weekly"
    assert card["position"] == 5
    assert card["category"] == "ads"
    assert card["estimate_minutes"] == 45
    assert card["priority"] == "high"
    assert card["due"] == "2026-12-01"
    assert card["done"] is False and card["done_at"] is None
    created = datetime.fromisoformat(card["created_at"])
    assert created.tzinfo is not None
    assert abs(created - datetime.now().astimezone()) < timedelta(minutes=5)
    assert card in board_json()


def test_list_json_is_an_array_of_cards(cli) -> None:
    code, out, err = cli("list", "--json")
    assert code == 0, err
    cards = json.loads(out)
    assert isinstance(cards, list) and cards
    for card in cards:
        assert card.keys() >= CARD_KEYS
        assert card["column"] in {"daily", "weekly", "monthly", "done"}

    code, out, _ = cli("list", "--column", "weekly", "--json")
    assert code == 0
    assert {card["column"] for card in json.loads(out)} == {"weekly"}


def test_list_hides_cards_done_before_this_week_unless_all(cli, db_location: str) -> None:
    board = open_board(db_location, settings=None)
    try:
        two_weeks_ago = datetime.now().astimezone() - timedelta(days=14)
        old_service = type(board.cards)(board.db, clock=lambda: two_weeks_ago)
        old = old_service.add({"title": "Old storage fee review"}, Column.MONTHLY)
        old_service.set_done(old.id, True)
        recent = board.cards.add({"title": "Fresh price check"}, Column.DAILY)
        board.cards.set_done(recent.id, True)
    finally:
        board.close()

    code, out, err = cli("list", "--json")
    assert code == 0, err
    shown = {card["id"] for card in json.loads(out)}
    assert recent.id in shown
    assert old.id not in shown

    code, out, err = cli("list", "--all", "--json")
    assert code == 0, err
    everything = {card["id"]: card for card in json.loads(out)}
    assert everything[old.id]["done"] is True
    assert everything[old.id]["column"] == "done"
    done_at = datetime.fromisoformat(everything[old.id]["done_at"])
    assert abs(done_at - two_weeks_ago) < timedelta(minutes=1)
    assert recent.id in everything

    code, out, _ = cli("list")
    assert "Fresh price check" in out and "Old storage fee review" not in out
    code, out, _ = cli("list", "--all")
    assert "Old storage fee review" in out


# --------------------------------------------------------------------------- changes
def test_move_to_another_column_and_position(cli, board_json) -> None:
    daily_first = by_column(board_json())["daily"][0]
    code, out, err = cli("move", str(daily_first["id"]), "--to", "weekly", "--position", "1")
    assert code == 0, err
    assert int(out) == daily_first["id"]
    cards = board_json()
    weekly = sorted(by_column(cards)["weekly"], key=lambda c: c["position"])
    assert weekly[1]["id"] == daily_first["id"]
    assert len(weekly) == 6 and len(by_column(cards)["daily"]) == 4
    assert_gapless(cards)

    code, out, err = cli("move", str(daily_first["id"]), "--to", "weekly", "--position", "0")
    assert code == 0, err
    weekly = sorted(by_column(board_json())["weekly"], key=lambda c: c["position"])
    assert weekly[0]["id"] == daily_first["id"]


def test_done_then_reopen_returns_to_the_column_it_came_from(cli, board_json) -> None:
    monthly = by_column(board_json())["monthly"]
    card = monthly[2]
    code, out, err = cli("done", str(card["id"]), "--json")
    assert code == 0, err
    done = json.loads(out)
    assert done["column"] == "done" and done["done"] is True and done["done_at"]
    assert_gapless(board_json())

    code, out, err = cli("reopen", str(card["id"]), "--json")
    assert code == 0, err
    reopened = json.loads(out)
    assert reopened["column"] == "monthly"
    assert reopened["done"] is False and reopened["done_at"] is None
    assert_gapless(board_json())


def test_edit_title_changes_only_the_title(cli, board_json) -> None:
    before = by_column(board_json())["weekly"][0]
    code, _, err = cli("edit", str(before["id"]), "--title", "  Audit listing images  ")
    assert code == 0, err
    after = next(c for c in board_json() if c["id"] == before["id"])
    assert after["title"] == "Audit listing images"
    for key in ("column", "position", "category", "estimate_minutes", "priority", "due"):
        assert after[key] == before[key], key


def test_delete_removes_the_card(cli, board_json) -> None:
    victim = by_column(board_json())["daily"][1]
    code, out, err = cli("delete", str(victim["id"]))
    assert code == 0, err
    assert int(out) == victim["id"]
    cards = board_json()
    assert victim["id"] not in {c["id"] for c in cards}
    assert len(cards) == 15
    assert_gapless(cards)


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "argv",
    [
        ["done", "9999"],
        ["reopen", "9999"],
        ["delete", "9999"],
        ["edit", "9999", "--title", "x"],
        ["move", "9999", "--to", "weekly"],
    ],
    ids=lambda argv: argv[0],
)
def test_unknown_id_is_refused(
    cli, board_json, backend: str, db_path: Path, argv: list[str]
) -> None:
    before = board_json()
    code, out, err = cli(*argv)
    assert code == 1
    assert out == ""
    assert "9999" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    # the refused command closed the database: no -wal/-shm is left beside it
    if backend == "sqlite":
        assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]
    assert board_json() == before


@pytest.mark.parametrize(
    "argv",
    [
        ["add", "x", "--column", "someday"],
        ["add", "x", "--column", "done"],
        ["add", "x", "--estimate", "999"],
        ["add", "x", "--estimate", "lots"],
        ["add", ""],
        ["add", "   "],
        ["add", "x", "--due", "2026-13-40"],
        ["add", "x", "--priority", "asap"],
        ["edit", "1", "--title", ""],
        ["edit", "1", "--estimate", "-5"],
        ["edit", "1"],
        ["move", "1", "--to", "weekly", "--position", "-1"],
        ["move", "1", "--to", "later"],
        ["list", "--column", "backlog"],
    ],
    ids=lambda argv: " ".join(argv) or "empty",
)
def test_bad_usage_exits_2_and_changes_nothing(cli, board_json, argv: list[str]) -> None:
    before = board_json()
    code, out, err = cli(*argv)
    assert code == 2
    assert out == ""
    assert err.strip() and "Traceback" not in err
    assert board_json() == before


def test_validation_message_names_the_field(cli) -> None:
    code, _, err = cli("add", "x", "--estimate", "999")
    assert code == 2 and "estimate" in err and "480" in err
    code, _, err = cli("add", "x", "--due", "2026-13-40")
    assert code == 2 and "due" in err


def test_validation_messages_are_all_in_chinese_in_the_chinese_cli(cli) -> None:
    code, _, err = cli("--lang", "zh", "add", "", "--estimate", "999")
    assert code == 2
    assert "卡片无效" in err and "标题" in err and "预计用时" in err
    assert not re.search(r"[A-Za-z]{4,}", err.removeprefix("seller-kanban: "))


def test_markup_and_escape_sequences_stay_literal(cli, board_json) -> None:
    title = "[bold red]SALE[/bold red] \x1b[31mred\x1b[0m \x1b]8;;https://x.example\x07link :fire:"
    code, out, err = cli("add", title, "--json")
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out  # JSON escapes them
    assert json.loads(out)["title"] == title
    assert next(c for c in board_json() if c["title"] == title)

    code, out, err = cli("list")
    assert code == 0, err
    assert "[bold red]SALE[/bold red]" in out
    assert "\x1b" not in out and "\x07" not in out  # nothing reaches the terminal raw


# --------------------------------------------------------------------------- config
def config_file() -> Path:
    path = Path(os.environ["SELLER_KANBAN_CONFIG_DIR"]) / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('theme = "textual-dark"\ncolour = "red"\n', ["colour", "unknown key"]),
        ('work_hours_per_day = "lots"\n', ["work_hours_per_day", "lots"]),
        ("work_hours_per_day = 25\n", ["work_hours_per_day"]),
        ('theme = "textual-dark"\nwork_hours_per_day = = 8\n', ["TOML", "line 2"]),
    ],
    ids=["unknown key", "wrong type", "out of range", "invalid TOML"],
)
def test_bad_config_stops_with_a_clear_message(
    cli, backend: str, db_path: Path, text: str, named: list[str]
) -> None:
    path = config_file()
    path.write_text(text, encoding="utf-8")
    code, out, err = cli("list", "--json")
    assert code != 0
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert str(path) in err
    for word in named:
        assert word in err
    assert "Traceback" not in err
    if backend == "sqlite":
        assert not db_path.exists()  # it stopped before touching the board
    assert path.read_text(encoding="utf-8") == text


# --------------------------------------------------------------------------- subprocesses
def test_module_entry_point_version_and_help(tmp_path: Path) -> None:
    env = subprocess_env()
    version = subprocess.run(
        [sys.executable, "-m", "kanban_tui", "--version"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"seller-kanban {__version__}"

    helped = subprocess.run(
        [sys.executable, "-m", "kanban_tui", "--help"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert helped.returncode == 0, helped.stderr
    for command in ("add", "list", "move", "done", "reopen", "edit", "delete"):
        assert command in helped.stdout
    assert not list(tmp_path.rglob("*.db")), "--help/--version must not create a database"


def test_console_script_points_at_run() -> None:
    """The process entry (``run``: ``main`` and the exit, tests/test_cli_process.py)."""
    from kanban_tui.cli import run

    with (REPO_ROOT / "pyproject.toml").open("rb") as handle:
        scripts = tomllib.load(handle)["project"]["scripts"]
    module, _, name = scripts["seller-kanban"].partition(":")
    imported = __import__(module, fromlist=[name])
    assert getattr(imported, name) is run


#: What a scripted command must not load: the board's UI stack and the scheduler.
HEAVY = ("textual", "apscheduler", "plotext", "kanban_tui.ui", "kanban_tui.scheduler")
#: What a scripting command on an up-to-date database does not need either: the schema
#: machinery (Alembic, the old migration steps), pydantic-settings, the recurrence, template,
#: tick and KPI modules.
NOT_FOR_SCRIPTS = (
    "alembic",
    "pydantic_settings",
    "kanban_tui.storage.migrations",
    "kanban_tui.domain.recurrence",
    "kanban_tui.domain.kpi",
    "kanban_tui.services.kpi",
    "kanban_tui.services.templates",
    "kanban_tui.services.tick",
)


@pytest.mark.parametrize(
    "argv",
    [
        ("list", "--json"),
        ("list", "--all"),
        ("add", "Reply to the A-to-z claim", "--estimate", "20", "--json"),
        ("move", "1", "--to", "weekly"),
        ("done", "2"),
    ],
)
def test_scripting_commands_import_no_ui_or_scheduler(tmp_path: Path, argv) -> None:
    """`list`, `add`, `move`, `done` run in cron loops: they load neither Textual,
    APScheduler and plotext nor our UI and scheduler modules (a new database's first
    run loads the plan; the runs after it are the ones scripts repeat)."""
    db = tmp_path / "fast.db"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "kanban_tui", "--db", str(db), *args],
            capture_output=True, text=True, env=subprocess_env(), cwd=tmp_path, timeout=60,
        )  # fmt: skip

    assert run("list").returncode == 0  # creates the database and loads the plan
    result = run(*argv)
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "kanban_tui.cli" in imported  # importtime did report
    heavy = sorted(m for m in imported if m.split(".")[0] in HEAVY or m.startswith(HEAVY))
    assert heavy == []
    unneeded = sorted(m for m in imported if m.startswith(NOT_FOR_SCRIPTS))
    assert unneeded == []
    # only the command's own group of the CLI; pydantic validation models only for a write
    assert not {"kanban_tui.cli.kpi", "kanban_tui.cli.templates", "kanban_tui.cli.app"} & imported
    writes = argv[0] == "add"
    assert ("kanban_tui.domain.validation" in imported) == writes


def _statements(run: Callable[[], object]) -> list[str]:
    """The SQL statements ``run`` sends (transaction control left out)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            seen.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    return seen


def test_a_scripted_add_sends_only_the_statements_it_needs(cli, backend) -> None:
    """A cron job's ``add`` on an up-to-date database: one version check, one read of the
    file's facts, the count of the column, the INSERT, its line in the card's history and
    the row it prints. Appending moves no card down, so no UPDATE; no migration, no tick."""
    assert cli("add", "first")[0] == 0  # a new database: the plan is loaded, today ticked
    found = _statements(lambda: cli("add", "Reply to the A-to-z claim", "--estimate", "20"))
    kinds = [statement.split(None, 1)[0].upper() for statement in found]
    inserts = [statement for statement in found if statement.upper().startswith("INSERT")]
    assert len(inserts) == 2 and "INTO activity" in inserts[1], inserts
    assert "UPDATE" not in kinds and "DELETE" not in kinds
    assert sum(" meta" in statement for statement in found) == 1
    assert not any(
        "period_record" in statement or "FROM template" in statement for statement in found
    )  # no tick
    if backend == "sqlite":
        assert len(found) == 7, found


def test_a_scripted_done_is_a_move_to_done(cli, backend) -> None:
    """``done`` reads the card once before its write (not once to see whether it is done
    and again to move it): no more statements than a ``move``; done again writes nothing."""
    assert cli("add", "first")[0] == 0
    ids = [cli("add", title)[1].strip() for title in ("Price check", "Reply to a claim")]

    def card_reads(found: list[str]) -> int:
        return sum(s.startswith("SELECT") and "FROM card WHERE card.id" in s for s in found)

    moved = _statements(lambda: cli("move", ids[0], "--to", "weekly"))
    done = _statements(lambda: cli("done", ids[1]))
    assert len(done) <= len(moved), (done, moved)
    # where it is, the card inside the write, the row printed
    assert card_reads(done) == 3 <= card_reads(moved), done
    again = _statements(lambda: cli("done", ids[1]))
    assert not any(s.split(None, 1)[0].upper() in ("INSERT", "UPDATE") for s in again)


def test_a_scripted_listing_reads_each_column_once_and_writes_nothing(cli, backend) -> None:
    assert cli("list")[0] == 0
    found = _statements(lambda: cli("list", "--json", "--all"))
    kinds = {statement.split(None, 1)[0].upper() for statement in found}
    assert kinds <= {"SELECT"}, found
    assert sum(" meta" in statement for statement in found) == 1
    card_reads = [statement for statement in found if "FROM card" in statement]
    assert len(card_reads) == (4 if backend == "sqlite" else len(card_reads))


def test_list_json_is_compact_in_a_pipe(tmp_path: Path) -> None:
    db = tmp_path / "pipe.db"
    result = subprocess.run(
        [sys.executable, "-m", "kanban_tui", "--db", str(db), "list", "--json", "--all"],
        capture_output=True, text=True, env=subprocess_env(), cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1 and '", "' not in result.stdout
    assert len(json.loads(result.stdout)) == 16


def test_the_fast_json_listing_equals_the_card_rows(tmp_path):
    """`list --json` builds its objects from stored values; they must be exactly what
    CardRow.as_json gives, for every kind of card."""
    from kanban_tui.config import Settings
    from kanban_tui.domain.models import Column
    from kanban_tui.services.session import open_board

    board = open_board(str(tmp_path / "j.db"), Settings())
    cards = board.cards
    done = cards.add({"title": "done one", "due": "2026-11-30", "priority": "urgent"})
    cards.set_done(done.id, True)
    cards.add({"title": "[b]x[/b] \x1b[2J 中文", "notes": "n", "category": "ads"}, Column.MONTHLY)
    cards.set_checklist(cards.list_cards(Column.DAILY)[0].id, [{"text": "a", "done": True}])
    cards.toggle_timer(cards.list_cards(Column.WEEKLY)[0].id)
    board.templates.tick(board.cards.clock().replace(year=2027))  # expire and carry over
    # stamps SQLite's JSON cannot copy (an ISO "T" form) and a fraction of zero
    with board.db.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE card SET created_at = '2026-11-29T10:00:00+00:00' WHERE id = 1"
        )
        connection.exec_driver_sql(
            "UPDATE card SET updated_at = '2026-11-29 10:00:00.000000' WHERE id = 2"
        )
    for include_all in (False, True):
        for column in (None, *Column):
            fast = cards.list_json(column, include_all)
            slow = [row.as_json() for row in cards.list_cards(column, include_all)]
            assert fast == slow
            text = cards.list_json_text(column, include_all)
            assert json.loads(text) == slow
            assert '", "' not in text
    assert any(card["missed"] for card in cards.list_json(None, True))
    board.close()
