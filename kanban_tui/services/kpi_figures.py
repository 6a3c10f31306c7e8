"""What the KPI service hands out: month figures and tiles, per-ASIN rows, import
summaries, stored goals; months as ``YYYY-MM``; and the shape of a parsed file it stores
(the readers live in :mod:`kanban_tui.importers`, which this layer does not import).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from kanban_tui.domain.judge import InventoryFigures, PaceJudgment
from kanban_tui.domain.kpi import Observation, Pacing, Status, Superseded, Target
from kanban_tui.domain.validation import YEARS, year_in_range
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t

#: The kind of an import summary of an FBA inventory snapshot.
INVENTORY = "fba_inventory"


class SkippedRows(Protocol):
    """Rows a reader left out because they straddle two months."""

    @property
    def rows(self) -> tuple[int, ...]: ...

    @property
    def start(self) -> date: ...

    @property
    def end(self) -> date: ...


@runtime_checkable
class ParsedReport(Protocol):
    """A business, ads or per-ASIN report as a reader parsed it."""

    @property
    def kind(self) -> str: ...

    @property
    def observations(self) -> Sequence[Observation]: ...

    @property
    def rows_read(self) -> int: ...

    @property
    def days(self) -> list[date]: ...

    @property
    def currency(self) -> str | None: ...

    @property
    def granularity(self) -> str: ...

    @property
    def periods(self) -> list[tuple[date, date]]: ...

    @property
    def sources(self) -> list[str]: ...

    @property
    def asins(self) -> list[str]: ...

    @property
    def skipped(self) -> Sequence[SkippedRows]: ...

    @property
    def missing(self) -> Mapping[str, tuple[str, ...]]: ...

    @property
    def file_format(self) -> str: ...

    @property
    def one_date(self) -> date | None: ...


class ParsedSnapshot(Protocol):
    """An FBA inventory snapshot as its reader parsed it."""

    @property
    def day(self) -> date: ...

    @property
    def rows_read(self) -> int: ...

    @property
    def observations(self) -> Sequence[Observation]: ...


ParsedFile = ParsedReport | ParsedSnapshot


def month_bounds(month: str) -> tuple[date, date]:
    """``2026-11`` → (2026-11-01, 2026-12-01)."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = date(year, number, 1)
    except ValueError:
        raise UsageError(month, t("errors.kpi.not_a_month")) from None
    if not year_in_range(start.year):
        raise UsageError(month, t("errors.kpi.month_range", first=YEARS[0], last=YEARS[1]))
    return start, next_month(start)


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def shift_month(month: str, delta: int) -> str:
    start, _ = month_bounds(month)
    index = start.year * 12 + start.month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class StoredGoal:
    """A year's goal as stored: amount, currency and the 12 weights (empty: even)."""

    year: int
    amount: Decimal
    currency: str
    weights: tuple[Decimal, ...] = ()

    @property
    def weighted(self) -> bool:
        return bool(self.weights) and len(set(self.weights)) > 1


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, with ``dry_run``, would do)."""

    kind: str
    marketplace: str
    rows_read: int
    days: list[date]
    added: int
    replaced: int
    unchanged: int
    dry_run: bool
    currency: str | None = None
    granularity: str = "day"
    periods: list[tuple[date, date]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    asins: list[str] = field(default_factory=list)
    superseded: list[Superseded] = field(default_factory=list)
    #: (rows, first day, last day) of rows left out because they straddle two months.
    skipped: list[tuple[tuple[int, ...], date, date]] = field(default_factory=list)
    #: (KPI, base metric, headers looked for) of KPIs the file could not feed.
    unfed: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    file_format: str = "csv"
    one_date: date | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "marketplace": self.marketplace,
            "rows_read": self.rows_read,
            "first_day": self.days[0].isoformat() if self.days else None,
            "last_day": self.days[-1].isoformat() if self.days else None,
            "days": len(self.days),
            "added": self.added,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "currency": self.currency,
            "granularity": self.granularity,
            "periods": [[a.isoformat(), b.isoformat()] for a, b in self.periods],
            "sources": self.sources,
            "asins": self.asins,
            "superseded": [
                {
                    "source": item.source,
                    "start": item.start.isoformat(),
                    "end": item.end.isoformat(),
                    "by_daily_data": item.by_daily_data,
                }
                for item in self.superseded
            ],
            "skipped": [
                {"rows": list(rows), "start": a.isoformat(), "end": b.isoformat()}
                for rows, a, b in self.skipped
            ],
            "unfed": [
                {"kpi": kpi, "metric": metric, "headers": list(headers)}
                for kpi, metric, headers in self.unfed
            ],
            "file_format": self.file_format,
            "one_date": self.one_date.isoformat() if self.one_date else None,
        }


@dataclass(frozen=True)
class Tile:
    """One KPI of one month and marketplace, as the pane and ``kpi show`` present it."""

    key: str
    value: Decimal | None
    target: Target | None
    status: Status
    previous: Decimal | None
    currency: str | None
    measured: bool
    missing: tuple[str, ...] = ()
    #: For a KPI judged by pace (sales): the month so far against the pro-rated goal.
    pace: PaceJudgment | None = None

    @property
    def delta(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    def as_json(self) -> dict[str, Any]:
        def number(value: Decimal | None) -> float | None:
            return None if value is None else float(round(value, 6))

        target = None
        if self.target is not None and not self.target.is_empty:
            target = {"min": number(self.target.min), "max": number(self.target.max)}
        pace = None
        if self.pace is not None:
            pace = {
                "expected": number(self.pace.expected),
                "projection": number(self.pace.projection),
                "pace": number(self.pace.pace),
                "elapsed_days": self.pace.elapsed,
                "days": self.pace.days,
                "early": self.pace.early,
            }
        return {
            "value": number(self.value),
            "target": target,
            "comparison": None if self.target is None else _symbol(self.target),
            "pace": pace,
            "status": self.status.value,
            "previous": number(self.previous),
            "delta": number(self.delta),
            "currency": self.currency,
            "measured": self.measured,
        }


@dataclass
class MonthFigures:
    month: str
    marketplace: str
    tiles: dict[str, Tile]
    days_with_data: int
    pacing: Pacing | None = None
    goal: Decimal | None = None
    currency: str | None = None
    estimated: set[str] = field(default_factory=set)
    #: Summary / Monthly periods counted (daily figures are in ``days_with_data``).
    periods: list[tuple[date, date]] = field(default_factory=list)
    #: Coarser periods left out because finer data of their source covers them.
    superseded: list[Superseded] = field(default_factory=list)
    scope: str = "store"
    #: Per ad source (``ads_sp``, ``ads_sb``, ``ads_sd``): its ad spend and ad sales, so the
    #: summed ACoS can be told apart by ad type.
    by_ad_type: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    inventory: InventoryFigures | None = None


@dataclass(frozen=True)
class AsinRow:
    """One ASIN's month: sales, conversion, ACoS and which of its KPIs break their target."""

    asin: str
    sales: Decimal | None
    units: Decimal | None
    sessions: Decimal | None
    conversion: Decimal | None
    ad_spend: Decimal | None
    acos: Decimal | None
    statuses: dict[str, Status]
    currency: str | None

    @property
    def breaches(self) -> tuple[str, ...]:
        return tuple(key for key, value in self.statuses.items() if value is Status.BREACH)

    @property
    def status(self) -> Status:
        """The worst status of its KPIs (breach before warning before ok)."""
        for level in (Status.BREACH, Status.WARNING, Status.OK):
            if level in self.statuses.values():
                return level
        return Status.NONE

    def as_json(self) -> dict[str, Any]:
        def number(value: Decimal | None) -> float | None:
            return None if value is None else float(round(value, 6))

        return {
            "asin": self.asin,
            "sales": number(self.sales),
            "units": number(self.units),
            "sessions": number(self.sessions),
            "conversion": number(self.conversion),
            "ad_spend": number(self.ad_spend),
            "acos": number(self.acos),
            "currency": self.currency,
            "status": self.status.value,
            "breaches": list(self.breaches),
        }


#: The KPIs the per-ASIN table judges.
ASIN_KPIS = ("conversion", "acos")


def _symbol(target: Target) -> str | None:
    comparison = target.comparison
    return None if comparison is None else comparison.value
