"""Storing a report's observations with the driver's executemany (``storage/bulk.py``)
stores what the ORM would, on both backends; counts guard the work it saves (issue 15).

* the rows read back through SQLAlchemy are the parsed observations; a changed cell is
  replaced, a repeated file changes nothing, a dry run writes nothing;
* each distinct day is turned into its stored form once, not once per row;
* the collector does not walk the heap while a report is read and stored.
"""

from __future__ import annotations

import gc
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.dialects.sqlite.base import DATE

from kanban_tui.domain.models import KpiObservation
from kanban_tui.importers.kpi_file import read_kpi_file
from kanban_tui.services.session import open_board
from tests.conftest import FakeClock
from tests.kpi_files import import_report

SP_FILE = Path(__file__).parent / "fixtures" / "reports" / "sp_advertised_product_daily.csv"


def _stored(board) -> list[tuple]:
    table = KpiObservation.__table__  # type: ignore[attr-defined]
    c = table.c
    with board.db.read() as session:
        found = session.execute(
            select(
                c.day, c.period_end, c.marketplace, c.scope, c.metric, c.source,
                c.value, c.currency, c.imported_at,
            ).order_by(c.day, c.scope, c.metric, c.source)
        ).all()  # fmt: skip
    return [tuple(row) for row in found]


def test_a_report_is_stored_as_parsed_and_replaced_cell_by_cell(db_location: str) -> None:
    board = open_board(db_location, settings=None, clock=FakeClock())
    try:
        raw = SP_FILE.read_bytes()
        parsed = read_kpi_file(raw, marketplace="US", latest=board.kpi.latest_day("US"))
        dry = import_report(board.kpi, raw, marketplace="US", dry_run=True)
        assert dry.added == len(parsed.observations) and _stored(board) == []

        first = import_report(board.kpi, raw, marketplace="US")
        assert (first.added, first.replaced, first.unchanged) == (dry.added, 0, 0)
        rows = _stored(board)
        expected = sorted(
            (o.day, o.last_day, o.marketplace, o.scope, o.metric, o.source, o.value, o.currency)
            for o in parsed.observations
        )
        got = sorted((*row[:6], Decimal(row[6]), row[7]) for row in rows)
        assert got == expected
        assert all(type(row[0]) is date and isinstance(row[8], datetime) for row in rows)

        again = import_report(board.kpi, raw, marketplace="US")
        assert (again.added, again.replaced, again.unchanged) == (0, 0, first.added)
        assert _stored(board) == rows  # not even the import time changed

        # Amazon corrects one campaign's spend on one day: the ASIN's and the store's
        # spend of that day are replaced, nothing else
        changed = raw.replace(b"$92.40", b"$93.40")
        fixed = import_report(board.kpi, changed, marketplace="US")
        assert (fixed.added, fixed.replaced, fixed.unchanged) == (0, 2, first.added - 2)
        after = {row[:6]: Decimal(row[6]) for row in _stored(board)}
        day = date(2026, 5, 16)
        asin = (day, day, "US", "B0TESTAAA1", "ad_spend", "ads_sp")
        store = (day, day, "US", "store", "ad_spend", "ads_sp")
        assert after[asin] == Decimal("93.40") + Decimal("35.65")
        assert after[store] == Decimal("93.40") + Decimal("35.65") + Decimal("14.04")
    finally:
        board.close()


def test_each_distinct_day_is_converted_once(tmp_path: Path, monkeypatch) -> None:
    """SQLite stores dates as text: the conversion runs per distinct day, not per row."""
    calls = []
    original = DATE.bind_processor

    def counting(self, dialect):
        process = original(self, dialect)

        def counted(value):
            calls.append(value)
            return process(value)

        return counted

    from benchmarks.dataset import sp_advertised_csv

    raw = sp_advertised_csv(2000, date(2026, 8, 1), 30)
    board = open_board(str(tmp_path / "k.db"), settings=None, clock=FakeClock())
    monkeypatch.setattr(DATE, "bind_processor", counting)
    try:
        summary = import_report(board.kpi, raw, marketplace="US")
        assert summary.added > 10_000 and len(summary.days) == 30
        # the day and the period's end of each distinct day, and the queries' bounds
        assert len(calls) <= 2 * 30 + 20, len(calls)  # not 2 per observation
    finally:
        board.close()


def test_reading_and_storing_a_report_runs_no_collection(tmp_path: Path) -> None:
    from benchmarks.dataset import sp_advertised_csv

    raw = sp_advertised_csv(2000, date(2026, 8, 1), 30)
    board = open_board(str(tmp_path / "k.db"), settings=None, clock=FakeClock())
    collections: list[int] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    # (a KanbanApp made and never run by an earlier test of this process leaves the
    # collector paused: ui/app.py resumes it at the first frame)
    was_enabled = gc.isenabled()
    gc.enable()
    gc.callbacks.append(note)
    try:
        summary = import_report(board.kpi, raw, marketplace="US")
        assert gc.isenabled()  # on again afterwards
    finally:
        gc.callbacks.remove(note)
        board.close()
        if not was_enabled:
            gc.disable()
    assert summary.added > 10_000
    # (a young-generation collection may come between reading and storing: it walks only
    # the objects made since the last one)
    assert len(collections) <= 2 and 2 not in collections, collections


@pytest.mark.parametrize("enabled", [True, False])
def test_the_pause_leaves_the_collector_as_it_found_it(enabled: bool) -> None:
    from kanban_tui import collector

    (gc.enable if enabled else gc.disable)()
    try:
        with collector.paused():
            with collector.paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
