"""Child process: where ``seller-kanban list --json`` spends its time, phase by phase.

Run by the suite as ``python -c <this file's source> DB``; not imported. It repeats what
``kanban_tui.cli`` does for ``list --json [--all]`` into a pipe with a clock around each
step (and, marked "comparison", the slower ways it avoids), and prints one
``RESULT <json>`` line (seconds). Diagnostic only: the figure itself is the wall time of
the real command.
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
    text = board.cards.list_json_text(None, include_all)
    phases[f"{label}: list_json_text (what the CLI prints to a pipe: SQLite's JSON)"] = (
        perf() - start
    )
    start = perf()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        sink.write(text + "\n")
    phases[f"{label}: write {len(text) // 1024} KiB"] = perf() - start
    # for comparison: the Python way (driver values → dicts → json.dumps), and the ORM rows
    start = perf()
    dicts = board.cards.list_json(None, include_all)
    phases[f"{label}: (comparison) list_json, dicts from driver values"] = perf() - start
    start = perf()
    json.dumps(dicts, ensure_ascii=False, separators=(",", ":"))
    phases[f"{label}: (comparison) json.dumps of those dicts"] = perf() - start
    start = perf()
    rows = board.cards.list_cards(None, include_all)
    phases[f"{label}: (comparison) list_cards, {len(rows)} CardRow objects"] = perf() - start

board.close()
phases["total in process (with the comparisons)"] = perf() - T0
os.write(1, ("RESULT " + json.dumps(phases) + "\n").encode())
