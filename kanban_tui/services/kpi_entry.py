"""Values typed by hand (the KPIs no report gives: COGS, fees, reply hours, keyword
coverage, BSR, ODR, a measured organic share): the rules for what may be entered, and the
one call that stores a value and then turns a KPI now in breach into an urgent card.

The KPI pane's entry form and the CLI's ``kpi add`` both go through :func:`parse_value` /
:func:`parse_entry` and :func:`record`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from kanban_tui.domain.kpi import MONEY_METRICS, KpiDefinition, format_value
from kanban_tui.domain.marketplaces import currency_of
from kanban_tui.domain.numbers import NumberError, parse_number
from kanban_tui.i18n import t
from kanban_tui.services.kpi import ImportSummary, KpiService

#: The values typed by hand, in the order of the form's list.
MANUAL_METRICS: tuple[str, ...] = (
    "response_hours",
    "keyword_coverage",
    "cogs",
    "fees",
    "bsr",
    "odr",
    "organic_share_measured",
)
#: Manual metrics entered as a share (0.72 or 72 %).
SHARE_METRICS = frozenset({"keyword_coverage", "odr", "organic_share_measured"})
#: The manual metric the form offers first when a KPI's tile is selected.
METRIC_OF_KPI = {
    "response_hours": "response_hours",
    "keyword_coverage": "keyword_coverage",
    "gross_margin": "cogs",
    "bsr": "bsr",
    "odr": "odr",
    "organic_share": "organic_share_measured",
}
#: The tile to select after a value was saved.
KPI_OF_METRIC = {
    "response_hours": "response_hours",
    "keyword_coverage": "keyword_coverage",
    "cogs": "gross_margin",
    "fees": "gross_margin",
    "bsr": "bsr",
    "odr": "odr",
    "organic_share_measured": "organic_share",
}
ASIN = re.compile(r"[A-Z0-9]{10}")


@dataclass(frozen=True)
class Entry:
    """A value to store (``shown``: as it reads once saved, in the KPI's format)."""

    metric: str
    day: date
    value: Decimal
    scope: str
    shown: str = ""


@dataclass(frozen=True)
class Recorded:
    """What :func:`record` did: the entry as stored, the import summary and how many
    alert cards the value opened."""

    entry: Entry
    summary: ImportSummary
    alerts_created: int


def value_kind(metric: str) -> str:
    """``share``, ``money``, ``rank`` or ``hours``: which example and hint fit ``metric``."""
    if metric in SHARE_METRICS:
        return "share"
    if metric in MONEY_METRICS:
        return "money"
    return "rank" if metric == "bsr" else "hours"


def parse_value(metric: str, text: str) -> Decimal:
    """The typed value as the service stores it; raises ``ValueError`` with the message to
    show next to the field. Shares take 0.72 or 72 %; amounts may have thousands commas,
    a currency sign and full-width digits (see :func:`~kanban_tui.domain.numbers.parse_number`)."""
    try:
        number = parse_number(text)
    except NumberError:
        example = t(f"kpi_form.example_{value_kind(metric)}")
        raise ValueError(t("kpi_form.not_a_number", example=example)) from None
    if number.percent and metric not in SHARE_METRICS:
        raise ValueError(t("kpi_form.no_percent"))
    value = number.fraction
    if value < 0:
        raise ValueError(t("kpi_form.negative"))
    if metric in SHARE_METRICS and value > 1:
        raise ValueError(t("kpi_form.share"))
    if metric == "bsr" and (value < 1 or value != value.to_integral_value()):
        raise ValueError(t("kpi_form.rank"))
    return value


def parse_entry(
    metric: str, day_text: str, value_text: str, asin_text: str, today: date
) -> tuple[Entry | None, dict[str, str]]:
    """Validate the form: the entry, or the message for each refused field."""
    errors: dict[str, str] = {}
    if metric not in MANUAL_METRICS:
        errors["metric"] = t("kpi_form.pick_metric")
    day: date | None = None
    try:
        day = date.fromisoformat(day_text.strip())
    except ValueError:
        errors["day"] = t("validation.date")
    if day is not None and day > today:
        errors["day"] = t("kpi_form.future", today=today.isoformat())
    value: Decimal | None = None
    if not value_text.strip():
        errors["value"] = t("validation.empty")
    else:
        try:
            value = parse_value(metric, value_text)
        except ValueError as exc:
            errors["value"] = str(exc)
    scope = "store"
    if metric == "bsr":
        scope = asin_text.strip().upper()
        if not ASIN.fullmatch(scope):
            errors["asin"] = t("kpi_form.bad_asin")
    if errors or day is None or value is None:
        return None, errors
    return Entry(metric, day, value, scope), {}


def shown_value(service: KpiService, metric: str, value: Decimal, marketplace: str) -> str:
    """The value as the pane shows it (``1,250.00 USD``, ``0.8%``, ``#1,500``)."""
    definition = _definition_of(service.definitions, metric)
    currency = (currency_of(marketplace) or "") if metric in MONEY_METRICS else None
    if definition is not None:
        return format_value(definition, value, currency or None)
    return f"{value:,.2f} {currency or ''}".strip()


def record(
    service: KpiService,
    entry: Entry,
    marketplace: str,
    check_alerts: Callable[[], Any] | None = None,
) -> Recorded:
    """Store a typed value (refused with a ``KanbanError`` as :meth:`KpiService.add`
    refuses it), then — with ``check_alerts`` (the board's) — open the alert cards of
    KPIs it put in breach, at once rather than at the next tick."""
    summary = service.add(entry.day, entry.metric, entry.value, marketplace, entry.scope)
    created = 0
    if check_alerts is not None:
        created = len(check_alerts().created)
    shown = shown_value(service, entry.metric, entry.value, marketplace)
    return Recorded(replace(entry, shown=shown), summary, created)


def _definition_of(definitions: dict[str, KpiDefinition], metric: str) -> KpiDefinition | None:
    """A KPI shown as this metric is (for formatting the saved value), if there is one."""
    for definition in definitions.values():
        if definition.metric == metric:
            return definition
    if metric in MONEY_METRICS:
        return definitions.get("sales")
    if metric == "organic_share_measured":
        return definitions.get("organic_share")
    return None


__all__ = [
    "ASIN",
    "KPI_OF_METRIC",
    "MANUAL_METRICS",
    "METRIC_OF_KPI",
    "SHARE_METRICS",
    "Entry",
    "Recorded",
    "parse_entry",
    "parse_value",
    "record",
    "shown_value",
    "value_kind",
]
