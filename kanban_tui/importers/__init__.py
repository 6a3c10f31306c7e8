"""Report importers: turn files sellers download from Amazon into KPI observations.

Pure code: bytes in, :class:`~kanban_tui.domain.kpi.Observation` rows out. Storing them is
the caller's job.
"""

from kanban_tui.importers.parsing import (
    ParseError,
    parse_count,
    parse_date,
    parse_money,
    parse_month,
    parse_number,
    parse_percent,
)
from kanban_tui.importers.reports import (
    ImportResult,
    ReportError,
    read_report,
)

__all__ = [
    "ImportResult",
    "ParseError",
    "ReportError",
    "parse_count",
    "parse_date",
    "parse_money",
    "parse_month",
    "parse_number",
    "parse_percent",
    "read_report",
]
