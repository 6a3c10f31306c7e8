"""Team mode: 20 simulated clients on one board of 10,000 cards, SQLite beside PostgreSQL.

``python -m benchmarks.team [--clients 20] [--cards 10000] [--moves 40] [--pg URL]``

Each client is a process with its own :class:`~kanban_tui.services.session.Board` and a
watcher thread that does what an open board does: on PostgreSQL it waits on the
listening connection (the app checks its flag every 0.25 s), on SQLite it polls
``data_version`` every second (the app's ``refresh_seconds``); when a change shows it
reloads what a board shows (each column's count and first 30 rows) and reports the time.

Figures, per backend:

1. **move** — one client moves a random open card while the 19 others watch; the move's
   time (``BoardService.move``, commit included), median and p95;
2. **seen by all** — from the end of that move until *each* other client has reloaded:
   median and p95 over all (move × watcher) pairs; the goal is p95 ≤ 1 s;
3. **burst** — all clients move a card at the same moment (rounds of 20): move p95 under
   contention; afterwards every column's positions are checked to be 0 … n-1.

Moves in (1) are spaced 1.3 s apart so each "seen" is matched to one move. Without
``--pg`` a throwaway PostgreSQL cluster is started from Debian's package (as in the tests)
and the SQLite board is copied into it with ``db copy`` (timed too). The script prints
figures; it never asserts one.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

SPACING = 1.3
ROWS_SHOWN = 30


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _client(index: int, location: str, commands: Any, results: Any, seed: int) -> None:
    """One simulated teammate: moves when told, watches and reloads like a board."""
    from kanban_tui.domain.models import Column
    from kanban_tui.services.session import open_board
    from kanban_tui.storage import cards as repo

    board = open_board(location, None, interactive=False)
    service = board.cards
    chance = random.Random(seed)
    stop = threading.Event()
    server = board.db.is_server
    every = 0.25 if server else 1.0
    board.db.changed_elsewhere()  # the baseline; starts listening on PostgreSQL

    def reload() -> None:
        with board.db.read() as session:
            for column in (Column.DAILY, Column.WEEKLY, Column.MONTHLY):
                repo.summary(session, column, repo.View())
                repo.page_rows(session, column, repo.View(), 0, ROWS_SHOWN)

    def watch() -> None:
        while not stop.wait(every):
            try:
                if board.db.changed_elsewhere():
                    reload()
                    results.put(("seen", index, time.time()))
            except Exception as exc:
                results.put(("error", index, repr(exc)))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    open_ids = [
        row.id
        for column in (Column.DAILY, Column.WEEKLY, Column.MONTHLY)
        for row in service.list_cards(column)
    ]
    results.put(("ready", index, time.time()))
    while True:
        command = commands.get()
        if command[0] == "stop":
            break
        card_id = chance.choice(open_ids)
        column = chance.choice((Column.DAILY, Column.WEEKLY, Column.MONTHLY))
        started = time.perf_counter()
        try:
            service.move(card_id, column, chance.randrange(0, 20))
        except Exception as exc:
            results.put(("error", index, repr(exc)))
            continue
        took = time.perf_counter() - started
        results.put((command[0], index, time.time(), took))
    stop.set()
    watcher.join()
    board.close()


def run_backend(location: str, clients: int, moves: int, bursts: int) -> dict[str, Any]:
    context = mp.get_context("spawn")
    results: Any = context.Queue()
    queues = [context.Queue() for _ in range(clients)]
    processes = [
        context.Process(target=_client, args=(i, location, queues[i], results, 1000 + i))
        for i in range(clients)
    ]
    for process in processes:
        process.start()
    events: list[tuple[Any, ...]] = []
    ready = 0
    while ready < clients:
        event = results.get(timeout=300)
        events.append(event)
        ready += event[0] == "ready"

    def wait_for(kind: str, count: int) -> list[tuple[Any, ...]]:
        got: list[tuple[Any, ...]] = []
        while len(got) < count:
            event = results.get(timeout=120)
            events.append(event)
            if event[0] == kind or event[0] == "error":
                got.append(event)
        return got

    time.sleep(SPACING)
    spaced: list[tuple[int, float, float]] = []  # (mover, end, took)
    for k in range(moves):
        mover = k % clients
        queues[mover].put(("move",))
        (done,) = wait_for("move", 1)
        if done[0] == "move":
            spaced.append((mover, done[2], done[3]))
        time.sleep(SPACING)
    burst_times: list[float] = []
    for _ in range(bursts):
        for queue in queues:
            queue.put(("burst",))
        burst_times += [event[3] for event in wait_for("burst", clients) if event[0] == "burst"]
        time.sleep(SPACING)
    for queue in queues:
        queue.put(("stop",))
    for process in processes:
        process.join(120)
    while not results.empty():
        events.append(results.get())

    seen = [event for event in events if event[0] == "seen"]
    delays: list[float] = []
    missed = 0
    for k, (mover, end, _took) in enumerate(spaced):
        until = spaced[k + 1][1] if k + 1 < len(spaced) else end + SPACING
        for other in range(clients):
            if other == mover:
                continue
            first = [e[2] for e in seen if e[1] == other and end <= e[2] < until]
            if first:
                delays.append(min(first) - end)
            else:
                missed += 1
    errors = [event for event in events if event[0] == "error"]
    move_times = [took for _mover, _end, took in spaced]
    return {
        "moves": len(move_times),
        "move_median_ms": statistics.median(move_times) * 1000 if move_times else None,
        "move_p95_ms": _percentile(move_times, 0.95) * 1000,
        "seen_pairs": len(delays),
        "seen_missed": missed,
        "seen_median_ms": statistics.median(delays) * 1000 if delays else None,
        "seen_p95_ms": _percentile(delays, 0.95) * 1000,
        "burst_moves": len(burst_times),
        "burst_p95_ms": _percentile(burst_times, 0.95) * 1000,
        "errors": [str(e[2]) for e in errors][:5],
    }


def _gapless(location: str) -> bool:
    from sqlmodel import select

    from kanban_tui.domain.models import Card, Column
    from kanban_tui.storage.database import open_database

    db = open_database(location, create=False)
    try:
        with db.read() as session:
            rows = session.exec(select(Card.column, Card.position)).all()
    finally:
        db.close()
    for column in Column:
        found = sorted(position for which, position in rows if which is column)
        if found != list(range(len(found))):
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.team")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--moves", type=int, default=40)
    parser.add_argument("--bursts", type=int, default=3)
    parser.add_argument("--pg", metavar="URL", help="an empty PostgreSQL database to use")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)

    from benchmarks.dataset import build
    from kanban_tui.storage.database import open_database
    from kanban_tui.storage.transfer import copy_database

    folder = Path(tempfile.mkdtemp(prefix="sk-team-bench-"))
    os.environ["SELLER_KANBAN_DATA_DIR"] = str(folder / "data")
    os.environ["SELLER_KANBAN_CONFIG_DIR"] = str(folder / "config")
    sqlite_path = folder / "board.db"
    build(sqlite_path, args.cards)
    cluster = None
    pg_url = args.pg
    if pg_url is None:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.pg_cluster import Cluster, find_bin

        bin_dir = find_bin()
        if bin_dir is None:
            print("PostgreSQL is not installed (apt-get install postgresql)", file=sys.stderr)
            return 1
        cluster = Cluster(bin_dir)
        cluster.init()
        cluster.start()
        pg_url = cluster.fresh_database()
    try:
        source = open_database(sqlite_path, create=False)
        started = time.perf_counter()
        copied = copy_database(source, pg_url)
        copy_seconds = time.perf_counter() - started
        source.close()
        figures: dict[str, Any] = {
            "clients": args.clients,
            "cards": copied["card"],
            "db_copy_seconds": round(copy_seconds, 2),
            "load_average_start": os.getloadavg()[0],
        }
        for name, location in (("sqlite", str(sqlite_path)), ("postgresql", pg_url)):
            figures[name] = run_backend(location, args.clients, args.moves, args.bursts)
            figures[name]["gapless_after"] = _gapless(location)
        figures["load_average_end"] = os.getloadavg()[0]
    finally:
        if cluster is not None:
            cluster.destroy()
    print(
        f"team: {figures['clients']} clients, {figures['cards']} cards; db copy "
        f"SQLite → PostgreSQL {figures['db_copy_seconds']} s; load "
        f"{figures['load_average_start']:.1f} → {figures['load_average_end']:.1f}"
    )
    header = f"{'':<12}{'move p50':>10}{'move p95':>10}{'seen p50':>10}{'seen p95':>10}"
    print(header + f"{'goal ≤1 s':>11}{'burst p95':>11}{'missed':>8}{'gapless':>9}")
    for name in ("sqlite", "postgresql"):
        f = figures[name]
        goal = "yes" if f["seen_p95_ms"] <= 1000 else "NO"
        print(
            f"{name:<12}{f['move_median_ms']:>8.0f}ms{f['move_p95_ms']:>8.0f}ms"
            f"{f['seen_median_ms'] or float('nan'):>8.0f}ms{f['seen_p95_ms']:>8.0f}ms"
            f"{goal:>11}{f['burst_p95_ms']:>9.0f}ms{f['seen_missed']:>8}"
            f"{'yes' if f['gapless_after'] else 'NO':>9}"
        )
        for error in f["errors"]:
            print(f"  {name} error: {error}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
