"""The review's KPI sections: per marketplace, every KPI of the reviewed month (or
four-week window) against its target, worded by :mod:`kanban_tui.services.kpi_words`
(the review screen and the markdown report show these lines as they are)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kanban_tui.domain.judge import value_text
from kanban_tui.domain.kpi import Status, aggregate, compute, format_value, status
from kanban_tui.services.kpi import KpiService
from kanban_tui.services.kpi_words import kpi_name, target_text

if TYPE_CHECKING:
    from kanban_tui.services.review import Window

#: The days of a four-week window.
WINDOW_DAYS = 28


@dataclass(frozen=True)
class KpiLine:
    """One KPI of one marketplace against its target."""

    key: str
    name: str
    value: Decimal | None
    value_text: str
    target_text: str
    previous_text: str
    status: Status

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "value": None if self.value is None else float(round(self.value, 6)),
            "value_text": self.value_text,
            "target_text": self.target_text,
            "previous_text": self.previous_text,
            "status": self.status.value,
        }


@dataclass(frozen=True)
class KpiSection:
    marketplace: str
    days_with_data: int
    lines: tuple[KpiLine, ...]
    #: Status of each KPI in the period before (for "did not move").
    previous_status: dict[str, Status]

    def status_of(self, key: str) -> Status:
        return next((line.status for line in self.lines if line.key == key), Status.NONE)

    def as_json(self) -> dict[str, Any]:
        return {
            "marketplace": self.marketplace,
            "days_with_data": self.days_with_data,
            "kpis": [line.as_json() for line in self.lines],
        }


def kpi_sections(service: KpiService, window: Window, lang: str) -> list[KpiSection]:
    """Per marketplace with data in ``window``: every KPI against its target, and the
    status each had in the window before."""
    sections: list[KpiSection] = []
    for market in service.marketplaces():
        if window.kind == "month":
            section = _month_section(service, window, market, lang)
        else:
            section = _window_section(service, window, market, lang)
        if section is not None:
            sections.append(section)
    return sections


def _month_section(
    service: KpiService, window: Window, market: str, lang: str
) -> KpiSection | None:
    figures = service.month(window.period, market)
    if figures.days_with_data == 0:
        return None
    before = service.month(window.previous().period, market)
    lines = []
    for key, tile in figures.tiles.items():
        definition = service.definitions[key]
        lines.append(
            KpiLine(
                key=key,
                name=kpi_name(definition, lang),
                value=tile.value,
                value_text=value_text(definition, tile.value, tile.target, tile.currency),
                target_text=target_text(definition, tile.target, tile.currency),
                previous_text=format_value(definition, tile.previous, tile.currency),
                status=tile.status,
            )
        )
    previous = {key: tile.status for key, tile in before.tiles.items()}
    return KpiSection(market, figures.days_with_data, tuple(lines), previous)


def _window_section(
    service: KpiService, window: Window, market: str, lang: str
) -> KpiSection | None:
    """A four-week window: values over its 28 days against the store's targets (the
    sales goal is monthly, so sales have no target here)."""
    earlier = window.previous()
    this, _ = service.counted_between(market, window.start, window.end)
    if not this:
        return None
    last, _ = service.counted_between(market, earlier.start, window.start)
    values = compute(service.definitions, aggregate(this))
    before = compute(service.definitions, aggregate(last))
    service.fill_inventory(this, WINDOW_DAYS, values)
    service.fill_inventory(last, WINDOW_DAYS, before)
    currency = next((o.currency for o in this if o.currency), None)
    targets = service.targets()
    lines = []
    previous: dict[str, Status] = {}
    for key, definition in service.definitions.items():
        target = None if definition.target_runtime == "monthly_goal" else targets.get(key)
        money = currency if definition.unit == "money" else None
        value = values.get(key)
        lines.append(
            KpiLine(
                key=key,
                name=kpi_name(definition, lang),
                value=value,
                value_text=value_text(definition, value, target, money),
                target_text=target_text(definition, target, money),
                previous_text=format_value(definition, before.get(key), money),
                status=status(definition, value, target_override=target),
            )
        )
        previous[key] = status(definition, before.get(key), target_override=target)
    days = len({o.day for o in this})
    return KpiSection(market, days, tuple(lines), previous)


__all__ = ["KpiLine", "KpiSection", "kpi_sections"]
