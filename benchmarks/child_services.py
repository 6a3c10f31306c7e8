"""Child process: the scheduler, KPI-import and review figures (service calls, no UI).

Run by the suite as ``python -c <this file's source> MODE JSON-OPTIONS``; not imported.
Prints one ``RESULT <json>`` line (times in seconds). Modes:

* ``catchup``: per round a fresh database opened with ``open_board(path, Settings(),
  clock=<fixed>)`` (default plan, 16 templates, today's cards), then
  ``board.templates.tick(now + 90 days)`` timed, then the same tick again (nothing left to
  do), and the duplicates counted: (template_id, period_key) pairs with more than one card,
  and with more than one period record.
* ``templates``: per round a fresh board plus 484 templates in one bulk ``INSERT`` (500 in
  all, the rules and marketplaces of ``dataset.TEMPLATE_RULES`` / ``TEMPLATE_MARKETS``), then
  the first ``tick(now)`` (creates the cards), a second ``tick(now)`` (nothing to do), a tick
  one minute later, ``TemplateService.next_moment()`` (what the board calls on its UI thread
  after every tick) and one ``TemplateService.add``.
* ``import``: per round a fresh board and ``import_report(board, raw)``
  of the CSV file given, then the same import again (every row unchanged), and
  ``read_report`` alone (parsing without the database).
* ``review``: the year's board built by ``dataset.build_review``, opened with its clock;
  ``ReviewService(board).review(month)`` and ``TemplateService.stats(start, end)`` over the
  year, rotated round by round (falls back to ``stats`` alone when ``services/review.py`` or
  its ``ReviewService.review`` is missing, and says so).

Every mode also times a floor in each round: an empty write transaction on the same
database (``db.transact`` of nothing: ``BEGIN IMMEDIATE`` + ``COMMIT``) for the ticks, the
bare CSV parse of the same bytes (``csv.reader``) for the import, and a read session running
``SELECT 1`` for the review.
"""

import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

MODE = sys.argv[1]
OPTIONS = json.loads(sys.argv[2])
perf = time.perf_counter

from benchmarks.dataset import FixedClock, insert_templates, template_rows  # noqa: E402
from benchmarks.kpi_import import import_report  # noqa: E402
from kanban_tui.config import Settings  # noqa: E402
from kanban_tui.services.session import open_board  # noqa: E402

#: Wednesday 2026-11-25 09:30 in Shenzhen (the tests' fixed "now"), minus 90 days: the
#: board was last open on 2026-08-27 and is opened again on 2026-11-25.
CLOSED_AT = datetime(2026, 8, 27, 9, 30, tzinfo=timezone(timedelta(hours=8)))
WORK = Path(OPTIONS["dir"])


def fresh(name, clock):
    path = WORK / f"{name}.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return open_board(str(path), Settings(), clock=clock), path


def drop(board, path):
    board.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def timed(fn):
    start = perf()
    value = fn()
    return perf() - start, value


def empty_transaction(board):
    return timed(lambda: board.db.transact(lambda session: None))[0]


def duplicates(board):
    with board.db.engine.connect() as connection:
        cards = connection.exec_driver_sql(
            "SELECT COUNT(*) FROM (SELECT template_id, period_key FROM card "
            "WHERE template_id IS NOT NULL GROUP BY template_id, period_key "
            "HAVING COUNT(*) > 1)"
        ).scalar_one()
        records = connection.exec_driver_sql(
            "SELECT COUNT(*) FROM (SELECT template_id, period_key FROM period_record "
            "GROUP BY template_id, period_key HAVING COUNT(*) > 1)"
        ).scalar_one()
        orphans = connection.exec_driver_sql(
            "SELECT COUNT(*) FROM card c WHERE c.template_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM period_record r WHERE r.template_id = c.template_id "
            "AND r.period_key = c.period_key)"
        ).scalar_one()
    return {"cards": int(cards), "records": int(records), "cards_without_record": int(orphans)}


def counts(result):
    return {
        "created": len(result.created),
        "missed": len(result.missed),
        "expired": len(result.expired),
        "carried_over": len(result.carried_over),
    }


def enough(index, start):
    """Stop after the asked rounds, or once the budget is spent (never below 3)."""
    if index >= OPTIONS["runs"]:
        return True
    return index >= 3 and perf() - start > OPTIONS.get("budget", 1e9)


# ---------------------------------------------------------------------------- modes
def catchup():
    out = {"floor": [], "catchup": [], "noop": [], "open": [], "duplicates": [], "counts": []}
    later = CLOSED_AT + timedelta(days=90)
    for warm in range(OPTIONS.get("warmup", 1)):  # imports, page cache; discarded
        board, path = fresh(f"catchup-warm{warm}", FixedClock(CLOSED_AT))
        board.templates.tick(later)
        drop(board, path)
    start = perf()
    index = 0
    while not enough(index, start):
        clock = FixedClock(CLOSED_AT)
        opened, (board, path) = timed(lambda: fresh(f"catchup-{index}", clock))  # noqa: B023
        out["open"].append(opened)
        out["floor"].append(empty_transaction(board))
        elapsed, result = timed(lambda: board.templates.tick(later))  # noqa: B023
        out["catchup"].append(elapsed)
        out["noop"].append(timed(lambda: board.templates.tick(later))[0])  # noqa: B023
        out["duplicates"].append(duplicates(board))
        out["counts"].append(counts(result))
        if index == 0:
            with board.db.engine.connect() as connection:
                out["templates"] = connection.exec_driver_sql(
                    "SELECT COUNT(*) FROM template WHERE active"
                ).scalar_one()
                out["cards_after"] = connection.exec_driver_sql(
                    "SELECT COUNT(*) FROM card"
                ).scalar_one()
                out["records_after"] = connection.exec_driver_sql(
                    "SELECT COUNT(*) FROM period_record"
                ).scalar_one()
        drop(board, path)
        index += 1
    out["closed_at"] = CLOSED_AT.isoformat()
    out["reopened_at"] = later.isoformat()
    return out


def templates():
    total = OPTIONS.get("templates", 500)
    out = {
        "floor": [],
        "first": [],
        "second": [],
        "minute": [],
        "next_moment": [],
        "add": [],
        "insert": [],
        "counts": [],
        "duplicates": [],
    }
    now = CLOSED_AT + timedelta(days=90)
    start = perf()
    index = -OPTIONS.get("warmup", 1)
    while index < 0 or not enough(index, start):
        clock = FixedClock(now)
        board, path = fresh(f"templates-{index}", clock)
        have = len(board.templates.rows())
        rows = template_rows(total - have, now)
        inserted, _ = timed(lambda: insert_templates(board.db, rows))  # noqa: B023
        floor = empty_transaction(board)
        first, result = timed(lambda: board.templates.tick(now))  # noqa: B023
        second, again = timed(lambda: board.templates.tick(now))  # noqa: B023
        minute, _ = timed(lambda: board.templates.tick(now + timedelta(minutes=1)))  # noqa: B023
        clock.advance(minutes=1)
        moment, _ = timed(board.templates.next_moment)
        added, _ = timed(
            lambda: board.templates.add(  # noqa: B023
                {"title_en": "One more", "rule": "weekly:fri", "marketplace": "DE"}
            )
        )
        if index >= 0:
            out["insert"].append(inserted)
            out["floor"].append(floor)
            out["first"].append(first)
            out["second"].append(second)
            out["minute"].append(minute)
            out["next_moment"].append(moment)
            out["add"].append(added)
            out["counts"].append({**counts(result), "second_created": len(again.created)})
            out["duplicates"].append(duplicates(board))
            out["templates"] = have + len(rows)
        drop(board, path)
        index += 1
    return out


def report_import():
    import csv
    import io

    from kanban_tui.domain.recurrence import marketplace
    from kanban_tui.importers.reports import read_report

    raw = Path(OPTIONS["csv"]).read_bytes()
    market = marketplace("US")
    out = {"floor": [], "import": [], "again": [], "parse": [], "summary": None}
    clock = FixedClock(CLOSED_AT + timedelta(days=90))

    def bare_csv():
        return list(csv.reader(io.StringIO(raw.decode("utf-8"))))

    def parse():
        return read_report(raw, marketplace="US", date_order=market.date_order, kind="auto")

    start = perf()
    index = -OPTIONS.get("warmup", 1)
    while index < 0 or not enough(index, start):
        board, path = fresh(f"import-{index}", clock)
        floor, records = timed(bare_csv)
        first, summary = timed(lambda: import_report(board, raw))  # noqa: B023
        again, repeat = timed(lambda: import_report(board, raw))  # noqa: B023
        parsed, _ = timed(parse)
        if index >= 0:
            out["floor"].append(floor)
            out["import"].append(first)
            out["again"].append(again)
            out["parse"].append(parsed)
            out["summary"] = summary.as_json()
            out["again_summary"] = repeat.as_json()
            out["csv_rows"] = len(records) - 1
        drop(board, path)
        index += 1
    out["bytes"] = len(raw)
    return out


def review():
    now = datetime.fromisoformat(OPTIONS["now"])
    year = int(OPTIONS["year"])
    month = OPTIONS["month"]
    board = open_board(OPTIONS["db"], Settings(), clock=FixedClock(now))
    out = {"floor": [], "review": [], "stats": [], "rows": [], "has_review": False}
    service = None
    try:
        from kanban_tui.services.review import ReviewService

        service = ReviewService(board)
        out["has_review"] = callable(getattr(service, "review", None))
    except ImportError as exc:
        out["review_missing"] = f"{type(exc).__name__}: {exc}"
    year_start = datetime(year, 1, 1, tzinfo=UTC)
    year_end = datetime(year + 1, 1, 1, tzinfo=UTC)

    def floor():
        from sqlalchemy import text

        with board.db.read() as session:
            session.execute(text("SELECT 1")).scalar_one()

    variants = {
        "floor": floor,
        "stats": lambda: board.templates.stats(year_start, year_end),
        "rows": board.templates.rows,
    }
    if out["has_review"]:
        variants["review"] = lambda: service.review(month)
    for fn in variants.values():  # warm-up: imports, KPI definitions, page cache
        fn()
    names = list(variants)
    start = perf()
    index = 0
    while not enough(index, start):
        k = index % len(names)
        for name in names[k:] + names[:k]:
            out[name].append(timed(variants[name])[0])
        index += 1
    stats = board.templates.stats(year_start, year_end)
    out["stats_totals"] = {
        "templates": len(stats),
        "planned": sum(s.planned for s in stats),
        "done": sum(s.done for s in stats),
        "late": sum(s.late for s in stats),
        "missed": sum(s.missed for s in stats),
        "open": sum(s.open for s in stats),
    }
    if out["has_review"]:
        found = service.review(month)
        out["review_summary"] = {
            "rows": len(found.rows),
            "flagged": len(found.flagged),
            "kpi_sections": len(found.kpis),
            "planned": found.overall.planned,
            "incidents": len(found.incidents),
        }
    with board.db.engine.connect() as connection:
        out["cards"] = connection.exec_driver_sql("SELECT COUNT(*) FROM card").scalar_one()
    board.close()
    return out


MODES = {"catchup": catchup, "templates": templates, "import": report_import, "review": review}
result = MODES[MODE]()
os.write(1, ("RESULT " + json.dumps(result) + "\n").encode())
