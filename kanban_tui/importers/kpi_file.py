"""One downloaded KPI file, whatever it is: a business, ads or per-ASIN report
(:func:`~kanban_tui.importers.reports.read_report`) or an FBA inventory snapshot
(:func:`~kanban_tui.importers.inventory.read_inventory`, recognised by its headers).

Formats only: the caller gives the marketplace and today's date and hands what this
returns to :meth:`kanban_tui.services.kpi.KpiService.store`, which stores it::

    parsed = read_kpi_file(raw, marketplace="US", latest=service.latest_day("US"))
    summary = service.store(parsed, dry_run=False)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from kanban_tui import collector
from kanban_tui.domain.recurrence import marketplace as find_marketplace
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t
from kanban_tui.importers.inventory import InventorySnapshot, is_inventory_report, read_inventory
from kanban_tui.importers.reports import ImportResult, future_day, read_report


@collector.paused()
def read_kpi_file(
    raw: bytes,
    *,
    marketplace: str,
    latest: date,
    kind: str = "auto",
    date_format: str | None = None,
    date_order: str | None = None,
    time_unit: str = "auto",
    period: tuple[date, date] | None = None,
    ad_type: str | None = None,
    mapping: Mapping[str, str] | None = None,
    day: date | None = None,
) -> ImportResult | InventorySnapshot:
    """The file's observations for ``marketplace`` (a code or alias; unknown: a
    ``UsageError``). ``latest`` is the last day a figure can be for (the service's
    ``latest_day``); ``day`` dates an inventory snapshot (other reports carry their own
    dates and refuse it). Raises the readers' ``ParseError`` for a file they cannot read."""
    market = find_marketplace(marketplace)
    if kind == "auto" and is_inventory_report(raw):
        snapshot = read_inventory(raw, marketplace=market.code, day=day)
        if snapshot.day > latest:
            where = "--date" if day is not None else "snapshot-date"
            raise UsageError(where, future_day(snapshot.day, latest))
        return snapshot
    if day is not None:
        raise UsageError("--date", t("judge.date_only_inventory"))
    return read_report(
        raw,
        marketplace=market.code,
        date_order=date_order or market.date_order,  # type: ignore[arg-type]
        kind=kind,  # type: ignore[arg-type]
        date_format=date_format,
        time_unit=time_unit,  # type: ignore[arg-type]
        period=period,
        ad_type=ad_type,  # type: ignore[arg-type]
        mapping=mapping,
        latest=latest,
    )


__all__ = ["read_kpi_file"]
