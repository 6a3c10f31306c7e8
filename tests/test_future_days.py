"""One rule for days after today: a report row and a typed figure are refused alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kanban_tui.cli import main
from kanban_tui.errors import UsageError
from kanban_tui.importers import ReportError
from tests.kpi_files import import_report
from tests.ui_helpers import make_app

# the test clock's today is 2026-11-25 (UTC+8); Seattle is still on the 24th, Tokyo on the 25th
REPORT = (
    "Date,Ordered Product Sales,Units Ordered\n"
    "11/24/2026,$100.00,2\n"
    "11/25/2026,$120.00,3\n"
    "11/26/2026,$90.00,1\n"
)


def _stored(board) -> list[date]:
    return sorted(
        {o.day for o in board.kpi.observations("US", date(2026, 11, 1), date(2026, 12, 1))}
    )


def test_a_report_row_after_today_is_refused_naming_the_row_and_nothing_is_stored(tmp_path, clock):
    _, board = make_app(tmp_path / "a.db", clock)
    with pytest.raises(ReportError) as refused:
        import_report(board.kpi, REPORT.encode(), marketplace="US")
    message = str(refused.value)
    assert message.startswith('Row 4, column "Date", value "11/26/2026": 2026-11-26 is after today')
    assert "\n" not in message
    assert _stored(board) == []

    # up to today the same file goes in
    import_report(board.kpi, REPORT.rsplit("11/26", 1)[0].encode(), marketplace="US")
    assert _stored(board) == [date(2026, 11, 24), date(2026, 11, 25)]


def test_a_figure_typed_for_a_day_after_today_is_refused_by_the_same_rule(tmp_path, clock):
    _, board = make_app(tmp_path / "a.db", clock)
    with pytest.raises(UsageError, match="2026-11-26 is after today"):
        board.kpi.add(date(2026, 11, 26), "sessions", Decimal(5), "US")
    board.kpi.add(date(2026, 11, 25), "sessions", Decimal(5), "US")
    assert _stored(board) == [date(2026, 11, 25)]


def test_today_is_the_later_of_here_and_the_marketplace(tmp_path, clock):
    from datetime import datetime, timedelta, timezone

    # 23:30 in Seattle on the 24th is already the 25th in Tokyo: a JP figure for the 25th
    clock.now = datetime(2026, 11, 24, 23, 30, tzinfo=timezone(timedelta(hours=-8)))
    _, board = make_app(tmp_path / "a.db", clock)
    assert board.kpi.latest_day("US") == date(2026, 11, 24)
    assert board.kpi.latest_day("JP") == date(2026, 11, 25)


def test_the_cli_refuses_both_with_a_message_and_exit_2(tmp_path: Path, capsys) -> None:
    db = ["--db", str(tmp_path / "c.db")]
    report = tmp_path / "business.csv"
    report.write_text("Date,Ordered Product Sales,Units Ordered\n1/2/2199,$100.00,2\n")
    code = main([*db, "kpi", "import", str(report), "--marketplace", "US"])
    err = capsys.readouterr().err
    assert code == 2
    assert 'Row 2, column "Date", value "1/2/2199": 2199-01-02 is after today' in err
    assert "Traceback" not in err

    add = ["kpi", "add", "--date=2199-01-02", "--metric=sessions", "--value=5"]
    code = main([*db, *add])
    err = capsys.readouterr().err
    assert code == 2
    assert "2199-01-02 is after today" in err
