"""The ``seller-kanban`` process (``kanban_tui.cli.run``): a scripting command runs
without the cyclic collector and ends without the interpreter's teardown (issue 15), and
what it prints, stores and exits with stays what :func:`main` gives.

Real processes: the exit is the thing tested."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.process_helpers import run_cli, subprocess_env

#: Registered before the command runs: says whether the atexit functions still run and
#: whether the collector was on at the end.
_PROBE = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: print('atexit: collector on', gc.isenabled(), flush=True))\n"
    "sys.argv = ['seller-kanban', *sys.argv[1:]]\n"
    "from kanban_tui.cli import run\n"
    "run()\n"
)


def _probe(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _PROBE, *argv],
        capture_output=True, text=True, env=subprocess_env(), cwd=cwd, timeout=120,
    )  # fmt: skip


def test_a_scripting_command_runs_without_the_collector_and_runs_atexit(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    result = _probe(tmp_path, "--db", str(db), "list", "--json", "--all")
    assert result.returncode == 0, result.stderr
    listing, said = result.stdout.splitlines()
    assert len(json.loads(listing)) == 16  # the whole output, flushed before the exit
    assert said == "atexit: collector on False"
    assert result.stderr == ""


def test_help_keeps_the_collector_and_the_ordinary_exit(tmp_path: Path) -> None:
    result = _probe(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    assert "seller-kanban" in result.stdout
    assert result.stdout.splitlines()[-1] == "atexit: collector on True"


def test_exit_codes_and_messages_are_main_s(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    assert run_cli(db, "list").returncode == 0
    missing = run_cli(db, "done", "999")
    assert missing.returncode == 1
    assert missing.stderr.splitlines() == ["seller-kanban: #999: no such card (deleted?)"]
    refused = run_cli(db, "move", "1", "--to", "nowhere")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr


def test_a_write_is_stored_and_the_database_closed_when_the_process_ends(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    added = run_cli(db, "add", "Reply to the A-to-z claim")
    assert added.returncode == 0, added.stderr
    card = int(added.stdout.strip())
    assert run_cli(db, "done", str(card)).returncode == 0
    assert not list(tmp_path.glob("board.db-*"))  # no -wal or -shm left behind
    with sqlite3.connect(db) as connection:
        stored = connection.execute(
            'SELECT title, "column" FROM card WHERE id = ?', (card,)
        ).fetchone()
    assert stored == ("Reply to the A-to-z claim", "DONE")
