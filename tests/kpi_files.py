"""Importing a KPI file in tests as the CLI does: the reader parses, the service stores."""

from __future__ import annotations

from typing import Any

from kanban_tui.importers.kpi_file import read_kpi_file
from kanban_tui.services.kpi import ImportSummary, KpiService


def import_report(
    service: KpiService, raw: bytes, *, marketplace: str, dry_run: bool = False, **options: Any
) -> ImportSummary:
    """``read_kpi_file`` then ``KpiService.store`` (``options``: the reader's)."""
    latest = service.latest_day(marketplace)
    parsed = read_kpi_file(raw, marketplace=marketplace, latest=latest, **options)
    return service.store(parsed, marketplace=marketplace, dry_run=dry_run)
