"""KPI data: importing reports, manual values, targets, goals, and month figures for the pane.

Figures are computed from sums (see :mod:`kanban_tui.domain.kpi`): a month's ACoS is the
month's ad spend over the month's ad sales, never a mean of daily ratios.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from sqlmodel import Session, col, select

from kanban_tui.domain.judge import InventoryFigures, PaceJudgment, inventory_figures, judge_pace
from kanban_tui.domain.kpi import (
    MONEY_METRICS,
    PER_ASIN_METRICS,
    Computed,
    KpiDefinition,
    Observation,
    Pacing,
    Status,
    Superseded,
    Target,
    aggregate,
    compute,
    finest,
    load_definitions,
    merge_sums,
    rolling_sums,
    sales_pacing,
    status,
)
from kanban_tui.domain.models import Goal, KpiObservation, KpiTarget, utcnow
from kanban_tui.domain.validation import NUMBER_MAX, YEARS, year_in_range
from kanban_tui.errors import UsageError
from kanban_tui.services.board import Clock, system_clock
from kanban_tui.storage.database import Database

MANUAL = "manual"


def month_bounds(month: str) -> tuple[date, date]:
    """``2026-11`` → (2026-11-01, 2026-12-01)."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = date(year, number, 1)
    except ValueError:
        raise UsageError(month, "use a month like 2026-11") from None
    if not year_in_range(start.year):
        raise UsageError(month, f"is out of range (years {YEARS[0]} to {YEARS[1]})")
    return start, _next_month(start)


def _next_month(day: date) -> date:
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


class KpiService:
    """KPI observations, targets and goals over one database."""

    def __init__(
        self,
        db: Database,
        clock: Clock = system_clock,
        *,
        settings: Any = None,
    ) -> None:
        self.db = db
        self.clock = clock
        #: The app's settings object (read on every use, so the settings screen applies at
        #: once); None: the defaults.
        self.settings = settings

    @property
    def pace_grace_days(self) -> int:
        """Days at the start of a month in which a KPI judged by pace raises no breach."""
        return int(getattr(self.settings, "pace_grace_days", 3))

    @property
    def replenishment_lead_days(self) -> int:
        """Days of cover below this are a risk alert (the ``days_of_cover`` target)."""
        return int(getattr(self.settings, "replenishment_lead_days", 30))

    @cached_property
    def definitions(self) -> dict[str, KpiDefinition]:
        from kanban_tui import locations

        return load_definitions(locations.shipped_file("kpis.toml"))

    # ------------------------------------------------------------------ writing
    def latest_day(self, marketplace: str) -> date:
        """The last day a figure can be for, typed or imported: today — on this computer, or
        in the marketplace when its day is already later (Tokyo is ahead of Seattle)."""
        from zoneinfo import ZoneInfo

        from kanban_tui.domain.recurrence import marketplace as find_marketplace

        now = self.clock()
        there = now.astimezone(ZoneInfo(find_marketplace(marketplace).tz)).date()
        return max(now.date(), there)

    def import_report(
        self,
        raw: bytes,
        *,
        marketplace: str,
        kind: str = "auto",
        date_format: str | None = None,
        dry_run: bool = False,
        date_order: str | None = None,
        time_unit: str = "auto",
        period: tuple[date, date] | None = None,
        ad_type: str | None = None,
        mapping: dict[str, str] | None = None,
        day: date | None = None,
    ) -> ImportSummary:
        """Read a report and upsert its observations in one transaction (or none at all).

        The summary says which coarser periods the month figures leave out because finer
        data of the same source covers them (:func:`~kanban_tui.domain.kpi.finest`), which
        rows were skipped, and which KPIs the file could not feed. An FBA inventory snapshot
        is recognised by its headers; ``day`` dates it (other reports carry their own dates
        and refuse ``day``).
        """
        from kanban_tui.domain.recurrence import marketplace as find_marketplace
        from kanban_tui.importers.inventory import is_inventory_report
        from kanban_tui.importers.reports import read_report

        market = find_marketplace(marketplace)
        if kind == "auto" and is_inventory_report(raw):
            return self._import_inventory(raw, market.code, day, dry_run)
        if day is not None:
            raise UsageError("--date", t_date_only())
        result = read_report(
            raw,
            marketplace=market.code,
            date_order=date_order or market.date_order,  # type: ignore[arg-type]
            kind=kind,  # type: ignore[arg-type]
            date_format=date_format,
            time_unit=time_unit,  # type: ignore[arg-type]
            period=period,
            ad_type=ad_type,  # type: ignore[arg-type]
            mapping=mapping,
            latest=self.latest_day(market.code),
        )
        notes = self._superseded_by(result.observations, market.code)
        counts = self._upsert(result.observations, dry_run)
        return ImportSummary(
            kind=result.kind,
            marketplace=market.code,
            rows_read=result.rows_read,
            days=result.days,
            added=counts["added"],
            replaced=counts["replaced"],
            unchanged=counts["unchanged"],
            dry_run=dry_run,
            currency=result.currency,
            granularity=result.granularity,
            periods=result.periods,
            sources=result.sources,
            asins=result.asins,
            superseded=notes,
            skipped=[(item.rows, item.start, item.end) for item in result.skipped],
            unfed=self._unfed(result.missing),
            file_format=result.file_format,
            one_date=result.one_date,
        )

    def _unfed(self, missing: dict[str, tuple[str, ...]]) -> list[tuple[str, str, tuple[str, ...]]]:
        """(KPI, base metric, headers looked for) for each KPI the file could not feed."""
        found = []
        for key, definition in self.definitions.items():
            for metric in definition.inputs:
                if metric in missing and definition.measured != metric:
                    found.append((key, metric, missing[metric]))
                    break
        return found

    def _superseded_by(
        self, observations: Sequence[Observation], marketplace: str
    ) -> list[Superseded]:
        """Store-level periods that will not count in their month once ``observations`` are
        stored: the new ones beside finer data, or older ones the new finer data covers."""
        months = sorted({o.day.strftime("%Y-%m") for o in observations if o.scope == "store"})
        sources = {o.source for o in observations}
        notes: list[Superseded] = []
        for month in months:
            start, end = month_bounds(month)
            rows: dict[tuple[date, date, str, str, str], Observation] = {
                (o.day, o.last_day, o.scope, o.metric, o.source): o
                for o in self.observations(marketplace, start, end)
                if o.last_day < end
            }
            for o in observations:
                if o.scope == "store" and start <= o.day < end and o.last_day < end:
                    rows[(o.day, o.last_day, o.scope, o.metric, o.source)] = o
            _, dropped = finest(rows.values())
            notes.extend(item for item in dropped if item.source in sources)
        return notes

    def _import_inventory(
        self, raw: bytes, market: str, day: date | None, dry_run: bool
    ) -> ImportSummary:
        from kanban_tui.importers.inventory import SOURCE, read_inventory

        snapshot = read_inventory(raw, marketplace=market, day=day)
        latest = self.latest_day(market)
        if snapshot.day > latest:
            from kanban_tui.importers.reports import future_day

            where = "--date" if day is not None else "snapshot-date"
            raise UsageError(where, future_day(snapshot.day, latest))
        counts = self._upsert(snapshot.observations, dry_run)
        return ImportSummary(
            kind=SOURCE,
            marketplace=market,
            rows_read=snapshot.rows_read,
            days=[snapshot.day],
            added=counts["added"],
            replaced=counts["replaced"],
            unchanged=counts["unchanged"],
            dry_run=dry_run,
        )

    def add(
        self, day: date, metric: str, value: Decimal, marketplace: str, scope: str = "store"
    ) -> ImportSummary:
        """A value typed by the user (the KPIs no report gives: COGS, fees, replies…)."""
        from kanban_tui.domain.recurrence import marketplace as find_marketplace

        market = find_marketplace(marketplace)
        latest = self.latest_day(market.code)
        if day > latest:
            from kanban_tui.i18n import t

            raise UsageError(
                "--date", t("words.future_day", day=day.isoformat(), today=latest.isoformat())
            )
        _check_range(metric, value)
        try:
            observation = Observation(
                day=day,
                marketplace=market.code,
                scope=scope.strip() or "store",
                metric=metric,
                value=value,
                source=MANUAL,
                currency=market.currency if metric in MONEY_METRICS else None,
            )
        except ValueError as exc:
            raise UsageError(metric, _first_error(exc)) from None
        counts = self._upsert([observation], dry_run=False)
        return ImportSummary(
            kind=MANUAL,
            marketplace=market.code,
            rows_read=1,
            days=[day],
            added=counts["added"],
            replaced=counts["replaced"],
            unchanged=counts["unchanged"],
            dry_run=False,
        )

    def _upsert(self, observations: Sequence[Observation], dry_run: bool) -> dict[str, int]:
        counts = {"added": 0, "replaced": 0, "unchanged": 0}
        if not observations:
            return counts
        first = min(o.day for o in observations)
        last = max(o.day for o in observations)
        markets = {o.marketplace for o in observations}

        def work(session: Session) -> dict[str, int]:
            # Core statements, not ORM objects: a per-ASIN ads report is tens of thousands
            # of observations, and one ORM object each cost seconds.
            from sqlalchemy import bindparam, insert, update
            from sqlalchemy import select as core_select

            table = KpiObservation.__table__  # type: ignore[attr-defined]
            c = table.c
            found = session.execute(
                core_select(
                    c.id,
                    c.day,
                    c.period_end,
                    c.marketplace,
                    c.scope,
                    c.metric,
                    c.source,
                    c.value,
                    c.currency,
                ).where(c.day >= first, c.day <= last, c.marketplace.in_(markets))
            ).all()
            #: key → (row id, or the index of a pending insert; value text; currency)
            existing: dict[tuple[Any, ...], tuple[int | None, int | None, str, str | None]] = {
                tuple(row[1:7]): (row[0], None, row[7], row[8]) for row in found
            }
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            now = utcnow()
            for item in observations:
                key = (
                    item.day,
                    item.last_day,
                    item.marketplace,
                    item.scope,
                    item.metric,
                    item.source,
                )
                text = str(item.value)
                known = existing.get(key)
                if known is None:
                    counts["added"] += 1
                    existing[key] = (None, len(inserts), text, item.currency)
                    inserts.append(
                        {
                            "day": item.day,
                            "period_end": item.last_day,
                            "marketplace": item.marketplace,
                            "scope": item.scope,
                            "metric": item.metric,
                            "value": text,
                            "source": item.source,
                            "currency": item.currency,
                            "imported_at": now,
                        }
                    )
                    continue
                row_id, pending, value, currency = known
                if Decimal(value) == item.value and currency == item.currency:
                    counts["unchanged"] += 1
                    continue
                counts["replaced"] += 1
                existing[key] = (row_id, pending, text, item.currency)
                if pending is not None:  # the same key twice in one file: the last one wins
                    inserts[pending].update(value=text, currency=item.currency)
                else:
                    updates.append({"row_id": row_id, "v": text, "cur": item.currency, "at": now})
            if not dry_run:
                if inserts:
                    session.execute(insert(table), inserts)
                if updates:
                    session.execute(
                        update(table)
                        .where(c.id == bindparam("row_id"))
                        .values(
                            value=bindparam("v"),
                            currency=bindparam("cur"),
                            imported_at=bindparam("at"),
                        ),
                        updates,
                    )
            return counts

        return self.db.transact(work)

    # ------------------------------------------------------------------ targets
    def targets(self) -> dict[str, Target | None]:
        """Effective targets: the store's own where set, the shipped defaults elsewhere."""
        with self.db.read() as session:
            own = {row.kpi: row for row in session.exec(select(KpiTarget)).all()}
        result: dict[str, Target | None] = {}
        for key, definition in self.definitions.items():
            if definition.target_runtime == "replenishment_lead_days":
                result[key] = self._runtime_target(definition, None, None)
                continue
            row = own.get(key)
            if row is None:
                result[key] = definition.target
                continue
            base = definition.target or Target()
            result[key] = base.model_copy(
                update={
                    "min": Decimal(row.min) if row.min is not None else None,
                    "max": Decimal(row.max) if row.max is not None else None,
                }
            )
        return result

    def set_target(self, spec: str) -> Target:
        """``acos=0.25`` (a limit on the side that matters), ``cpc=0.8..1.5`` (a range),
        ``acos=default`` (back to the shipped target)."""
        key, _, value = spec.partition("=")
        key, value = key.strip().lower(), value.strip()
        if key.endswith(".band"):
            return self._set_band(key.removesuffix(".band"), value, spec)
        definition = self.definitions.get(key)
        if definition is None or not value:
            known = ", ".join(self.definitions)
            raise UsageError(spec, f"use KPI=VALUE with a KPI among {known}")
        if definition.target_runtime is not None:
            raise UsageError(spec, t_runtime_target(definition.target_runtime))
        if value == "default":

            def reset(session: Session) -> None:
                row = session.get(KpiTarget, key)
                if row is not None:
                    session.delete(row)

            self.db.transact(reset)
            return definition.target or Target()
        try:
            if ".." in value:
                low_text, high_text = value.split("..", 1)
                low, high = _decimal(low_text), _decimal(high_text)
            elif definition.better == "lower":
                low, high = None, _decimal(value)
            else:
                low, high = _decimal(value), None
            target = Target(min=low, max=high)
        except (ValueError, InvalidOperation):
            raise UsageError(
                spec, "the value must be a number (ratios as fractions: 0.25)"
            ) from None

        def work(session: Session) -> None:
            row = session.get(KpiTarget, key) or KpiTarget(kpi=key)
            row.min = str(low) if low is not None else None
            row.max = str(high) if high is not None else None
            session.add(row)

        self.db.transact(work)
        return target

    def _set_band(self, key: str, value: str, spec: str) -> Target:
        """``acos.band=0.05``: a value within 5 % of the limit is shown as a warning."""
        definition = self.definitions.get(key)
        if definition is None:
            raise UsageError(spec, f"unknown KPI {key!r}")
        try:
            band = _decimal(value)
        except (ValueError, InvalidOperation):
            raise UsageError(spec, "the band must be a fraction such as 0.1") from None
        if not Decimal(0) <= band < Decimal(1):
            raise UsageError(spec, "the band must be a fraction from 0 up to 1, e.g. 0.1")

        def work(session: Session) -> None:
            row = session.get(KpiTarget, key)
            if row is None:
                target = definition.target or Target()
                row = KpiTarget(
                    kpi=key,
                    min=str(target.min) if target.min is not None else None,
                    max=str(target.max) if target.max is not None else None,
                )
            row.band = str(band)
            session.add(row)

        self.db.transact(work)
        return self.targets()[key] or Target()

    def bands(self) -> dict[str, Decimal]:
        """Warning bands the store set (the rest use the definitions' default)."""
        with self.db.read() as session:
            rows = session.exec(select(KpiTarget)).all()
        return {row.kpi: Decimal(row.band) for row in rows if row.band is not None}

    # -------------------------------------------------------------------- goals
    def set_goal(
        self, year: int, amount: Decimal, currency: str = "USD", weights: Sequence[Decimal] = ()
    ) -> None:
        if amount < 0:
            raise UsageError(str(amount), "the goal cannot be negative")
        if weights and (len(weights) != 12 or any(w < 0 for w in weights) or sum(weights) == 0):
            raise UsageError("--weights", "give 12 non-negative numbers, one per month")

        def work(session: Session) -> None:
            row = session.get(Goal, year) or Goal(year=year, amount="0")
            row.amount = str(amount)
            row.currency = currency.upper()
            row.weights = ",".join(str(w) for w in weights)
            session.add(row)

        self.db.transact(work)

    def goal(self, year: int) -> StoredGoal | None:
        """The year's goal as it was set: amount, currency and the 12 weights."""
        with self.db.read() as session:
            row = session.get(Goal, year)
            if row is None:
                return None
            weights = tuple(Decimal(w) for w in row.weights.split(",") if w)
            return StoredGoal(row.year, Decimal(row.amount), row.currency, weights)

    def monthly_goal(self, month: str) -> tuple[Decimal, str] | None:
        """The month's share of the year's goal (to the cent; the 12 add up to the year),
        and its currency."""
        from kanban_tui.domain.goals import months

        start, _ = month_bounds(month)
        with self.db.read() as session:
            goal = session.get(Goal, start.year)
        if goal is None:
            return None
        weights = [Decimal(w) for w in goal.weights.split(",") if w]
        return months(Decimal(goal.amount), weights)[start.month - 1], goal.currency

    def sales_by_marketplace(
        self, month: str, rates: dict[str, float] | None = None, base: str = "USD"
    ) -> tuple[dict[str, tuple[Decimal, str | None]], Decimal | None]:
        """Each marketplace's sales in its own currency, and — only when every currency has a
        configured rate — the total converted to ``base``. Currencies are never added raw."""
        per_market: dict[str, tuple[Decimal, str | None]] = {}
        for market in self.marketplaces():
            figures = self.month(month, market)
            if figures.days_with_data:
                per_market[market] = (figures.tiles["sales"].value or Decimal(0), figures.currency)
        known = {k.upper(): Decimal(str(v)) for k, v in (rates or {}).items()}
        known.setdefault(base.upper(), Decimal(1))
        total: Decimal | None = Decimal(0)
        for amount, currency in per_market.values():
            rate = known.get((currency or base).upper())
            if rate is None or total is None:
                total = None
                continue
            total += amount * rate
        return per_market, (total.quantize(Decimal("0.01")) if total is not None else None)

    # ------------------------------------------------------------------ reading
    def marketplaces(self) -> list[str]:
        with self.db.read() as session:
            found = session.exec(select(KpiObservation.marketplace).distinct()).all()
        return sorted(found)

    def latest_month(self, marketplace: str | None = None) -> str | None:
        from sqlalchemy import func

        with self.db.read() as session:
            statement = select(func.max(KpiObservation.day))
            if marketplace:
                statement = statement.where(col(KpiObservation.marketplace) == marketplace)
            latest = session.exec(statement).one()
        return latest.strftime("%Y-%m") if latest else None

    def observations(
        self, marketplace: str, start: date, end: date, scope: str | None = None
    ) -> list[Observation]:
        """Observations whose period starts in ``[start, end)`` for ``scope`` (``None``:
        every scope); where a period has both a report's and a manual value for a metric,
        the manual one wins."""
        with self.db.read() as session:
            statement = select(KpiObservation).where(
                col(KpiObservation.marketplace) == marketplace,
                col(KpiObservation.day) >= start,
                col(KpiObservation.day) < end,
            )
            if scope is not None:
                statement = statement.where(col(KpiObservation.scope) == scope)
            rows = session.exec(statement).all()
        chosen: dict[tuple[date, date, str, str], KpiObservation] = {}
        reports: list[KpiObservation] = []
        for row in rows:
            if row.source == MANUAL:
                chosen[(row.day, row.period_end, row.scope, row.metric)] = row
            else:
                reports.append(row)
        kept = list(chosen.values()) + [
            row for row in reports if (row.day, row.period_end, row.scope, row.metric) not in chosen
        ]
        return [
            Observation(
                day=row.day,
                period_end=row.period_end,
                marketplace=row.marketplace,
                scope=row.scope,
                metric=row.metric,
                value=Decimal(row.value),
                source=row.source,
                currency=row.currency,
            )
            for row in kept
        ]

    def counted(
        self, marketplace: str, month: str, scope: str | None = "store"
    ) -> tuple[list[Observation], list[Superseded]]:
        """The month's observations as its figures count them, and the coarser periods
        left out (see :meth:`counted_between`)."""
        start, end = month_bounds(month)
        return self.counted_between(marketplace, start, end, scope)

    def counted_between(
        self, marketplace: str, start: date, end: date, scope: str | None = "store"
    ) -> tuple[list[Observation], list[Superseded]]:
        """Observations of periods lying inside ``[start, end)`` as figures count them:
        the finest data of each source (:func:`~kanban_tui.domain.kpi.finest`). ``store``
        figures also take the per-ASIN metrics (:data:`PER_ASIN_METRICS`: BSR) of the
        store's ASINs; ``None`` keeps every scope apart."""
        rows = self.observations(marketplace, start, end)
        return finest(_in_scope(rows, end, scope))

    def counted_by_month(
        self, marketplace: str, months: Sequence[str], scope: str | None = "store"
    ) -> dict[str, list[Observation]]:
        """:meth:`counted` of several months with one query."""
        if not months:
            return {}
        start, _ = month_bounds(min(months))
        _, end = month_bounds(max(months))
        by_month: dict[str, list[Observation]] = defaultdict(list)
        for row in self.observations(marketplace, start, end):
            by_month[row.day.strftime("%Y-%m")].append(row)
        result: dict[str, list[Observation]] = {}
        for month in months:
            _, month_end = month_bounds(month)
            result[month], _ = finest(_in_scope(by_month.get(month, []), month_end, scope))
        return result

    def asins(self, month: str, marketplace: str) -> list[AsinRow]:
        """The month's ASINs (from per-ASIN reports), best-selling first, each with its
        conversion, ACoS and their status against the store's targets."""
        rows, _ = self.counted(marketplace, month, scope=None)
        by_asin: dict[str, list[Observation]] = defaultdict(list)
        for row in rows:
            if row.scope != "store":
                by_asin[row.scope].append(row)
        targets = self.targets()
        bands = self.bands()
        result: list[AsinRow] = []
        for asin, observations in by_asin.items():
            sums = aggregate(observations)
            values = compute(self.definitions, sums)
            statuses = {
                key: status(
                    self.definitions[key],
                    values.get(key),
                    target_override=targets.get(key),
                    band=bands.get(key),
                )
                for key in ASIN_KPIS
                if key in self.definitions
            }
            result.append(
                AsinRow(
                    asin=asin,
                    sales=sums.get("sales"),
                    units=sums.get("units"),
                    sessions=sums.get("sessions"),
                    conversion=values.get("conversion"),
                    ad_spend=sums.get("ad_spend"),
                    acos=values.get("acos"),
                    statuses=statuses,
                    currency=next((o.currency for o in observations if o.currency), None),
                )
            )
        result.sort(key=lambda row: (row.sales is None, -(row.sales or 0), row.asin))
        return result

    def _sums(self, observations: Iterable[Observation]) -> dict[str, Decimal]:
        return aggregate(observations)

    def month(self, month: str, marketplace: str, scope: str = "store") -> MonthFigures:
        start, _ = month_bounds(month)
        previous_start, _ = month_bounds(shift_month(month, -1))
        this, superseded = self.counted(marketplace, month, scope)
        last, _ = self.counted(marketplace, shift_month(month, -1), scope)
        values = compute(self.definitions, self._sums(this))
        before = compute(self.definitions, self._sums(last))
        targets = self.targets()
        bands = self.bands()
        currency = next((o.currency for o in this if o.currency), None)
        goal = self.monthly_goal(month)
        goal_amount = goal[0] if goal and (currency is None or goal[1] == currency) else None
        days = sorted(
            {o.day + timedelta(days=n) for o in this for n in range((o.last_day - o.day).days + 1)}
        )
        days_in_month = calendar.monthrange(start.year, start.month)[1]
        covered = _covered(this, start, start + timedelta(days=days_in_month))
        inventory = self.fill_inventory(this, covered, values)
        self.fill_inventory(last, _covered(last, previous_start, start), before)
        tiles: dict[str, Tile] = {}
        for key, definition in self.definitions.items():
            target = self._runtime_target(definition, targets.get(key), goal_amount)
            value = values.get(key)
            band = bands.get(key)
            judged = status(definition, value, target_override=target, band=band)
            pace = None
            if definition.pace and value is not None and target is not None and covered:
                pace = self._pace(value, target, covered, days_in_month, band or definition.band)
                judged = pace.status if pace is not None else judged
            tiles[key] = Tile(
                key=key,
                value=value,
                target=target,
                status=judged,
                previous=before.get(key),
                currency=currency if definition.unit == "money" else None,
                measured=key in values.measured,
                missing=values.missing.get(key, ()),
                pace=pace,
            )
        pacing = None
        if goal_amount is not None:
            sales = values.get("sales") or Decimal(0)
            pacing = sales_pacing(sales, goal_amount, covered, days_in_month)
        return MonthFigures(
            month=month,
            marketplace=marketplace,
            tiles=tiles,
            days_with_data=len(days),
            pacing=pacing,
            goal=goal_amount,
            currency=currency,
            periods=sorted({o.span for o in this if not o.is_daily}),
            by_ad_type=_by_ad_type(this),
            superseded=superseded,
            scope=scope,
            inventory=inventory,
        )

    def _runtime_target(
        self, definition: KpiDefinition, target: Target | None, goal: Decimal | None
    ) -> Target | None:
        """The target of a KPI whose limit is a setting or the month's goal."""
        if definition.target_runtime == "monthly_goal":
            return Target(min=goal) if goal is not None else None
        if definition.target_runtime == "replenishment_lead_days":
            return Target(min=Decimal(self.replenishment_lead_days))
        return target

    def _pace(
        self, value: Decimal, target: Target, covered: int, days: int, band: Decimal
    ) -> PaceJudgment | None:
        """An accumulating KPI against its monthly minimum, pro-rated (see judge_pace)."""
        if target.min is None or target.max is not None:
            return None
        return judge_pace(
            value, target.min, covered, days, grace_days=self.pace_grace_days, band=band
        )

    def fill_inventory(
        self, observations: Sequence[Observation], covered: int, values: Computed
    ) -> InventoryFigures | None:
        """Fill the computed inventory KPIs of ``values`` from the period's snapshots."""
        if not covered:
            return None
        figures = inventory_figures(observations, covered)
        for key, definition in self.definitions.items():
            if definition.computed is None:
                continue
            found = getattr(figures, definition.computed, None)
            if definition.computed == "inventory_turnover":
                found = figures.turnover
            values[key] = found
            absent = []
            if figures.snapshots == 0:
                absent.append("inventory_on_hand")
            if figures.units_sold is None:
                absent.append("units")
            if absent:
                values.missing[key] = tuple(absent)
            else:
                values.missing.pop(key, None)
        return figures

    def daily_series(
        self, key: str, month: str, marketplace: str, window: int = 7
    ) -> tuple[list[date], list[Decimal | None], list[Decimal | None]]:
        """Per day of the month: the KPI's value and its ``window``-day rolling value (a
        ratio of sums over the window, the days before the month included)."""
        start, end = month_bounds(month)
        rows = _in_scope(
            self.observations(marketplace, start - timedelta(days=window - 1), end), end, "store"
        )
        by_day: dict[date, list[Observation]] = defaultdict(list)
        for row in rows:
            if row.is_daily:  # a Summary or Monthly figure belongs to no single day
                by_day[row.day].append(row)
        days = [start + timedelta(days=n) for n in range((end - start).days)]
        lead = [start - timedelta(days=n) for n in range(window - 1, 0, -1)]
        sums = [aggregate(by_day.get(day, [])) for day in lead + days]
        definition = {key: self.definitions[key]}
        daily = [compute(definition, s).get(key) for s in sums[len(lead) :]]
        rolled = [compute(definition, s).get(key) for s in rolling_sums(sums, window)]
        has_data = [bool(by_day.get(day)) for day in days]
        return (
            days,
            [v if seen else None for v, seen in zip(daily, has_data, strict=True)],
            [v if seen else None for v, seen in zip(rolled[len(lead) :], has_data, strict=True)],
        )

    def monthly_series(
        self, key: str, last_month: str, count: int, marketplace: str
    ) -> tuple[list[str], list[Decimal | None]]:
        first = shift_month(last_month, -(count - 1))
        start, _ = month_bounds(first)
        _, end = month_bounds(last_month)
        del start, end
        months = [shift_month(first, n) for n in range(count)]
        by_month = self.counted_by_month(marketplace, months)
        definition = {key: self.definitions[key]}
        values: list[Decimal | None] = []
        for name in months:
            found = by_month.get(name)
            if not found:
                values.append(None)
                continue
            figures = compute(definition, aggregate(found))
            if definition[key].computed is not None:  # turnover, cover: from the snapshots
                month_start, _ = month_bounds(name)
                self.fill_inventory(
                    found, _covered(found, month_start, _next_month(month_start)), figures
                )
            values.append(figures.get(key))
        return months, values

    def computed(self, start: date, end: date, marketplace: str) -> Computed:
        kept, _ = self.counted_between(marketplace, start, end)
        return compute(self.definitions, merge_sums([aggregate(kept)]))


def _by_ad_type(rows: Iterable[Observation]) -> dict[str, dict[str, Decimal]]:
    found: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        if row.source.startswith("ads") and row.metric in ("ad_spend", "ad_sales"):
            sums = found.setdefault(row.source, {})
            sums[row.metric] = sums.get(row.metric, Decimal(0)) + row.value
    return dict(sorted(found.items()))


def _in_scope(rows: Iterable[Observation], end: date, scope: str | None) -> list[Observation]:
    """Rows whose period ends before ``end`` and that count for ``scope``."""
    return [
        row
        for row in rows
        if row.last_day < end
        and (
            scope is None
            or row.scope == scope
            or (scope == "store" and row.metric in PER_ASIN_METRICS)
        )
    ]


#: Shares that must lie between 0 and 1 (entered as 0.72 or 72 %).
_FRACTIONS = frozenset({"odr", "keyword_coverage", "organic_share_measured"})


def _check_range(metric: str, value: Decimal) -> None:
    """Refuse values no report could hold (an ODR of 5 means 500 %)."""
    if metric in _FRACTIONS and not Decimal(0) <= value <= Decimal(1):
        raise UsageError(
            metric, f"{value} is not a share: give 0–1 (e.g. 0.72) or a percentage (72%)"
        )
    if metric == "bsr" and (value < 1 or value != value.to_integral_value()):
        raise UsageError(metric, f"{value} is not a rank: give a whole number of 1 or more")
    if metric != "bsr" and value < 0 and metric not in ("fees",):
        raise UsageError(metric, f"{value} cannot be negative")


def t_date_only() -> str:
    from kanban_tui.i18n import t

    return t("judge.date_only_inventory")


def t_runtime_target(source: str) -> str:
    from kanban_tui.i18n import t

    return t(f"judge.runtime_target.{source}")


def _covered(observations: Sequence[Observation], start: date, end: date) -> int:
    """Days from ``start`` to the last day with data (at most up to ``end``)."""
    if not observations:
        return 0
    return min((end - start).days, (max(o.last_day for o in observations) - start).days + 1)


def _symbol(target: Target) -> str | None:
    comparison = target.comparison
    return None if comparison is None else comparison.value


def _decimal(text: str) -> Decimal:
    text = text.strip().rstrip("%")
    value = Decimal(text)
    if not value.is_finite() or abs(value) >= NUMBER_MAX:
        raise ValueError(text)
    return value


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        items = errors()
        if items:
            return str(items[0].get("msg", exc)).removeprefix("Value error, ")
    return str(exc)
