"""The layers hold: import-linter's contracts (pyproject.toml) are kept, and the domain,
loaded on its own, brings no i18n, UI, scheduler or database driver with it."""

from __future__ import annotations

import ast
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


#: Calls that read or write a file whatever is imported: the builtin and the methods of
#: paths and archives (a parameter named so is a file, whichever module made it).
FILE_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "load", "dump"}


def test_the_domain_opens_no_file() -> None:
    """The domain receives what files hold (the services read ``data/kpis.toml``); modules
    it may not import are in the ``domain-pure`` contract, calls are checked here."""
    found = []
    for path in sorted((ROOT / "kanban_tui" / "domain").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in FILE_CALLS:
                found.append(f"{path.name}:{node.lineno} {name}()")
    assert found == []
