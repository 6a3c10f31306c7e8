"""The one place KPIs are put into words, in the reader's language.

The KPI pane, the review (and its markdown report), the alert cards and the CLI all name a
KPI, write its target and say how it stands through these functions, so the same KPI
reads the same everywhere. The comparison symbol of a target comes from the KPI's
definition in ``data/kpis.toml`` (ODR ``< 1.0%``, ACoS ``≤ 25.0%``); the digits come from
:func:`kanban_tui.domain.kpi.format_value`.

``lang`` is ``"en"`` or ``"zh"``; ``None`` means the language the catalogs speak now.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from kanban_tui.domain.judge import target_text as _judged_target
from kanban_tui.domain.kpi import KpiDefinition, Status, Target
from kanban_tui.domain.marketplaces import MARKETPLACES
from kanban_tui.i18n import language, t

#: What a surface shows where a value or a target is absent.
NO_VALUE = "—"


class _Judged(Protocol):
    """What :func:`status_text` needs of a tile."""

    @property
    def status(self) -> Status: ...

    @property
    def value(self) -> Decimal | None: ...


def _zh(lang: str | None) -> bool:
    return (lang or language()) == "zh"


def kpi_name(definition: KpiDefinition, lang: str | None = None, *, measured: bool = False) -> str:
    """The KPI's name; a measured value (organic search share) has a name of its own."""
    zh = _zh(lang)
    if measured and definition.measured_name_en:
        return definition.measured_name_zh if zh else definition.measured_name_en
    return definition.name_zh if zh else definition.name_en


def kpi_names(
    definitions: dict[str, KpiDefinition], keys: Sequence[str], lang: str | None = None
) -> list[str]:
    """The names of ``keys`` (a key without a definition stays as it is)."""
    return [kpi_name(definitions[key], lang) if key in definitions else key for key in keys]


def kpi_note(definition: KpiDefinition, lang: str | None = None) -> str:
    """The definition's note (where the target comes from), or ""."""
    return definition.note_zh if _zh(lang) else definition.note_en


def target_text(
    definition: KpiDefinition,
    target: Target | None,
    currency: str | None = None,
    empty: str = NO_VALUE,
) -> str:
    """``< 1.0%``, ``≤ 25.0%``, ``> 70.0%``, ``≥ 3.00×``, ``0.80–1.50 USD``; ``empty``
    without a target. The symbol is the definition's ``comparison``."""
    return _judged_target(definition, target, currency, empty=empty)


def target_json(target: Target | None) -> dict[str, Any] | None:
    """A target for ``--json``: its limits and the comparison symbol; None without one."""
    if target is None or target.is_empty:
        return None
    comparison = target.comparison
    return {
        "min": float(target.min) if target.min is not None else None,
        "max": float(target.max) if target.max is not None else None,
        "comparison": comparison.value if comparison is not None else None,
    }


def status_text(tile: _Judged) -> str:
    """The pane's mark and word: ``✓ on target``, ``✗ breach``, ``· no data``…"""
    if tile.status is Status.NONE:
        word = t("kpi_pane.no_data") if tile.value is None else t("kpi_pane.no_target")
    else:
        word = t(f"kpi_pane.status_{tile.status.value}")
    return f"{tile.status.symbol} {word}"


def status_phrase(status: Status) -> str:
    """The review's words for a status: ``off target``, ``near the limit``…"""
    return t(f"review.status.{status.value}")


def metric_label(metric: str) -> str:
    """A base metric's name (COGS, ad spend…)."""
    return t(f"kpi_pane.metric.{metric}")


def listed(items: Sequence[str]) -> str:
    return t("kpi_pane.list_separator").join(items)


def month_label(start: date) -> str:
    """``November 2026`` / ``2026年11月`` for the month starting at ``start``."""
    return t("kpi_pane.month_label", name=t(f"month.{start.month}"), year=start.year)


def market_label(code: str, lang: str | None = None) -> str:
    """``US United States``; an unknown code as it is."""
    market = MARKETPLACES.get(code)
    if market is None:
        return code
    return f"{code} {market.name_zh if _zh(lang) else market.name_en}"


def delta_text(definition: KpiDefinition, delta: Decimal | None, currency: str | None) -> str:
    """The change against the previous month in the KPI's unit; ratios in points."""
    if delta is None:
        return ""
    match definition.unit:
        case "ratio":
            return t("kpi_pane.points", value=f"{delta * 100:+.1f}")
        case "money":
            places = 0 if currency == "JPY" else 2
            amount = f"{delta:+,.{places}f}"
            return f"{amount} {currency}" if currency else amount
        case "hours":
            return f"{delta:+.1f} h"
        case "multiple":
            return f"{delta:+.2f}×"
        case _:
            return f"{delta:+,.0f}"


def delta_kind(definition: KpiDefinition, delta: Decimal | None) -> str:
    """``better`` / ``worse`` for the change's colour (its sign is always written)."""
    if not delta or definition.better == "range":
        return ""
    up = delta > 0
    return "better" if up == (definition.better == "higher") else "worse"


__all__ = [
    "NO_VALUE",
    "delta_kind",
    "delta_text",
    "kpi_name",
    "kpi_names",
    "kpi_note",
    "listed",
    "market_label",
    "metric_label",
    "month_label",
    "status_phrase",
    "status_text",
    "target_json",
    "target_text",
]
