"""Child process: where ``seller-kanban list --json`` spends its time, phase by phase.

Run by the suite as ``python -c <this file's source> DB``; not imported. It repeats what
``kanban_tui.cli`` does for ``list --json [--all]`` with a clock around each step, and
prints one ``RESULT <json>`` line (seconds). Diagnostic only: the figure itself is the
wall time of the real command.
"""

import time

perf = time.perf_counter
T0 = perf()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

DB = sys.argv[1]
phases = {}

start = perf()
import sqlmodel  # noqa: E402, F401

phases["import sqlmodel"] = perf() - start
start = perf()
from kanban_tui import cli, config  # noqa: E402, F401
from kanban_tui.services.session import open_board  # noqa: E402

phases["import kanban_tui (cli, config, services)"] = perf() - start
start = perf()
settings = config.load()
phases["config.load"] = perf() - start
start = perf()
board = open_board(DB, settings)
phases["open_board (file checks, engine, first ORM queries, start-up work)"] = perf() - start

for label, include_all in (("--all", True), ("default", False)):
    start = perf()
    rows = board.cards.list_cards(None, include_all)
    phases[f"{label}: list_cards ({len(rows)} rows, ORM + CardRow)"] = perf() - start
    start = perf()
    dicts = [r.as_json() for r in rows]
    phases[f"{label}: CardRow.as_json"] = perf() - start
    start = perf()
    text = json.dumps(dicts, ensure_ascii=False, indent=1)
    phases[f"{label}: json.dumps(indent=1) (what the CLI does)"] = perf() - start
    start = perf()
    json.dumps(dicts, ensure_ascii=False)
    phases[f"{label}: json.dumps(indent=None) (C encoder, for comparison)"] = perf() - start
    start = perf()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        sink.write(text)
    phases[f"{label}: write {len(text) // 1024} KiB"] = perf() - start

board.close()
phases["total in process"] = perf() - T0
os.write(1, ("RESULT " + json.dumps(phases) + "\n").encode())
