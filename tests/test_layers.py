"""The layers hold: import-linter's contracts (pyproject.toml) are kept, and the domain,
loaded on its own, brings no i18n, UI, scheduler or database driver with it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DOMAIN = [
    "kanban_tui.domain." + path.stem
    for path in sorted((ROOT / "kanban_tui" / "domain").glob("*.py"))
    if path.stem != "__init__"
]


def test_import_contracts_are_kept() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports; exit(lint_imports())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]


def test_the_domain_loads_no_language_ui_or_database_driver() -> None:
    script = (
        "import importlib, json, sys\n"
        f"for name in {DOMAIN!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(done.stdout))
    heavy: tuple[str, ...] = (
        "kanban_tui.i18n",
        "kanban_tui.format",
        "kanban_tui.config",
        "textual",
        "sqlite3",
    )
    heavy += ("kanban_tui.storage", "kanban_tui.services", "apscheduler", "plotext")
    assert [name for name in heavy if name in loaded] == []
