"""Helpers for tests that check database files byte by byte and drive real processes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
#: How long a test waits for something that should take well under a second. Generous on
#: purpose (a shared, loaded machine): only a failing test ever waits that long.
PATIENCE = 20.0


def wait_until(condition: Callable[[], bool], what: str, patience: float = PATIENCE) -> None:
    """Poll ``condition`` (another process's output, a thread's result) until it holds;
    fails after ``patience`` seconds, saying what never happened."""
    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.02)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[str]:
    """Files SQLite may leave beside ``path`` (``-wal``, ``-shm``, ``-journal`` …)."""
    return sorted(
        p.name
        for p in path.parent.iterdir()
        if p.name != path.name and p.name.startswith(path.name)
    )


def subprocess_env() -> dict[str, str]:
    """The environment for a child ``python -m kanban_tui``: this checkout importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def run_cli(
    db: Path, *argv: str, preexec_fn: Callable[[], None] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m kanban_tui --db DB *argv`` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "kanban_tui", "--db", str(db), *argv],
        capture_output=True, text=True, env=subprocess_env(), cwd=cwd or db.parent,
        timeout=120, preexec_fn=preexec_fn,
    )  # fmt: skip


#: (exit code, stdout, stderr) of one command.
Result = tuple[int, str, str]


def in_process_cli(capsys: Any) -> Callable[..., Result]:
    """``seller-kanban --db DB *argv`` in this process: ``run(db, *argv)`` → (exit code,
    stdout, stderr), read through pytest's ``capsys``."""
    from kanban_tui.cli import main

    def run(db: Path, *argv: str) -> Result:
        capsys.readouterr()
        try:
            code = main(["--db", str(db), *argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run
