"""Import a KPI file as the CLI does: the reader parses, the KPI service stores."""

from __future__ import annotations

from typing import Any


def import_report(board: Any, raw: bytes, marketplace: str = "US") -> Any:
    """``read_kpi_file`` then ``board.kpi.store`` (the summary)."""
    from kanban_tui.importers.kpi_file import read_kpi_file

    latest = board.kpi.latest_day(marketplace)
    parsed = read_kpi_file(raw, marketplace=marketplace, latest=latest)
    return board.kpi.store(parsed, marketplace=marketplace)
