"""KPI data: importing reports, manual values, targets, goals, and month figures for the pane.

Figures are computed from sums (see :mod:`kanban_tui.domain.kpi`): a month's ACoS is the
month's ad spend over the month's ad sales, never a mean of daily ratios.
"""

from __future__ import annotations

import calendar
import copy
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from sqlmodel import col, select

from kanban_tui import collector
from kanban_tui.domain.judge import InventoryFigures, PaceJudgment, inventory_figures, judge_pace
from kanban_tui.domain.kpi import (
    BASE_METRICS,
    MONEY_METRICS,
    PER_ASIN_METRICS,
    Computed,
    KpiDefinition,
    Observation,
    Superseded,
    Target,
    aggregate,
    compute,
    finest,
    merge_sums,
    sales_pacing,
    status,
    superseded,
)
from kanban_tui.domain.models import KpiObservation
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t
from kanban_tui.services.board import Clock, system_clock
from kanban_tui.services.kpi_figures import (
    ASIN_KPIS,
    INVENTORY,
    AsinRow,
    ImportSummary,
    MonthFigures,
    ParsedFile,
    ParsedReport,
    StoredGoal,
    Tile,
    month_bounds,
    next_month,
    shift_month,
)
from kanban_tui.services.kpi_store import check_range, first_error, upsert
from kanban_tui.services.kpi_targets import KpiTargetsMixin
from kanban_tui.storage.database import Database

MANUAL = "manual"

__all__ = [
    "ASIN_KPIS",
    "MANUAL",
    "AsinRow",
    "ImportSummary",
    "KpiService",
    "MonthFigures",
    "ParsedFile",
    "StoredGoal",
    "Tile",
    "month_bounds",
    "next_month",
    "shift_month",
]


T = TypeVar("T")
#: How many answers a :meth:`KpiService.remembering` twin keeps before it starts again.
READS_KEPT = 256


class KpiService(KpiTargetsMixin):
    """KPI observations, targets and goals over one database."""

    #: Reads remembered by a :meth:`remembering` twin; None (the service itself): every
    #: call reads the database.
    _reads: dict[Hashable, Any] | None = None

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

    def remembering(self, reads: dict[Hashable, Any]) -> KpiService:
        """A twin of this service that keeps what it reads (a month's observations, the
        targets, bands and goals) in ``reads`` until the caller clears it: the pane's view
        model asks for a month for its tiles, its ASIN table, its chart and the next
        month's comparison, and the database is read once. Writes go through as usual;
        the caller clears ``reads`` after one (or when another program writes)."""
        twin = copy.copy(self)
        twin._reads = reads
        return twin

    def _remembered(self, key: Hashable, read: Callable[[], T]) -> T:
        reads = self._reads
        if reads is None:
            return read()
        if key not in reads:
            if len(reads) >= READS_KEPT:
                reads.clear()
            reads[key] = read()
        return reads[key]

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
        from kanban_tui.services.kpi_definitions import shipped_definitions

        return shipped_definitions()

    # ------------------------------------------------------------------ writing
    def latest_day(self, marketplace: str) -> date:
        """The last day a figure can be for, typed or imported: today — on this computer, or
        in the marketplace when its day is already later (Tokyo is ahead of Seattle)."""
        from zoneinfo import ZoneInfo

        from kanban_tui.domain.recurrence import marketplace as find_marketplace

        now = self.clock()
        there = now.astimezone(ZoneInfo(find_marketplace(marketplace).tz)).date()
        return max(now.date(), there)

    @collector.paused()  # tens of thousands of rows, no cycles among them
    def store(
        self, parsed: ParsedFile, *, marketplace: str, dry_run: bool = False
    ) -> ImportSummary:
        """Store what a reader parsed (:func:`kanban_tui.importers.kpi_file.read_kpi_file`)
        in one transaction (or, with ``dry_run``, only count what it would do).

        The summary says which coarser periods the month figures leave out because finer
        data of the same source covers them (:func:`~kanban_tui.domain.kpi.finest`), which
        rows were skipped, and which KPIs the file could not feed."""
        from kanban_tui.domain.recurrence import marketplace as find_marketplace

        code = find_marketplace(marketplace).code
        if not isinstance(parsed, ParsedReport):  # an FBA inventory snapshot
            counts = self._upsert(parsed.observations, dry_run)
            return ImportSummary(
                kind=INVENTORY,
                marketplace=code,
                rows_read=parsed.rows_read,
                days=[parsed.day],
                added=counts["added"],
                replaced=counts["replaced"],
                unchanged=counts["unchanged"],
                dry_run=dry_run,
            )
        notes = self._superseded_by(parsed.observations, code)
        counts = self._upsert(parsed.observations, dry_run)
        return ImportSummary(
            kind=parsed.kind,
            marketplace=code,
            rows_read=parsed.rows_read,
            days=parsed.days,
            added=counts["added"],
            replaced=counts["replaced"],
            unchanged=counts["unchanged"],
            dry_run=dry_run,
            currency=parsed.currency,
            granularity=parsed.granularity,
            periods=parsed.periods,
            sources=parsed.sources,
            asins=parsed.asins,
            superseded=notes,
            skipped=[(item.rows, item.start, item.end) for item in parsed.skipped],
            unfed=self._unfed(parsed.missing),
            file_format=parsed.file_format,
            one_date=parsed.one_date,
        )

    def _unfed(
        self, missing: Mapping[str, tuple[str, ...]]
    ) -> list[tuple[str, str, tuple[str, ...]]]:
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
        sources = {o.source for o in observations}
        #: month → the (source, scope, first, last day) of the new store-level periods
        spans: dict[str, set[tuple[str, str, date, date]]] = {}
        for o in observations:
            if o.scope == "store":
                key = o.day.strftime("%Y-%m")
                inside = spans.setdefault(key, set())
                if o.last_day < month_bounds(key)[1]:
                    inside.add((o.source, o.scope, o.day, o.last_day))
        notes: list[Superseded] = []
        for month in sorted(spans):
            start, end = month_bounds(month)
            found = superseded(spans[month] | self._spans(marketplace, start, end))
            notes.extend(item for item in found if item.source in sources)
        return notes

    def add(
        self, day: date, metric: str, value: Decimal, marketplace: str, scope: str = "store"
    ) -> ImportSummary:
        """A value typed by the user (the KPIs no report gives: COGS, fees, replies…)."""
        from kanban_tui.domain.recurrence import marketplace as find_marketplace

        market = find_marketplace(marketplace)
        latest = self.latest_day(market.code)
        if day > latest:
            raise UsageError(
                "--date", t("words.future_day", day=day.isoformat(), today=latest.isoformat())
            )
        if metric not in BASE_METRICS:
            known = ", ".join(BASE_METRICS)
            raise UsageError(
                metric, t("errors.kpi.unknown_metric", metric=repr(metric), known=known)
            )
        check_range(metric, value)
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
            raise UsageError(metric, first_error(exc)) from None
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
        return upsert(self.db, observations, dry_run)

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

    def _spans(self, marketplace: str, start: date, end: date) -> set[tuple[str, str, date, date]]:
        """(source, scope, first day, last day) of the stored periods inside ``[start,
        end)``, of the observations :meth:`observations` hands out (a report's value beside
        a manual one for the same period, scope and metric is not): one ``DISTINCT`` query,
        whatever the number of rows."""
        from sqlalchemy import exists, or_
        from sqlalchemy import select as core_select

        table = KpiObservation.__table__  # type: ignore[attr-defined]
        c = table.c
        manual = table.alias("manual").c
        overridden = exists().where(
            manual.source == MANUAL,
            manual.marketplace == c.marketplace,
            manual.day == c.day,
            manual.period_end == c.period_end,
            manual.scope == c.scope,
            manual.metric == c.metric,
        )
        statement = (
            core_select(c.source, c.scope, c.day, c.period_end)
            .distinct()
            .where(
                c.marketplace == marketplace,
                c.day >= start,
                c.day < end,
                c.period_end < end,
                or_(c.source == MANUAL, ~overridden),
            )
        )
        with self.db.read() as session:
            return {(row[0], row[1], row[2], row[3]) for row in session.execute(statement)}

    def observations(
        self, marketplace: str, start: date, end: date, scope: str | None = None
    ) -> list[Observation]:
        """Observations whose period starts in ``[start, end)`` for ``scope`` (``None``:
        every scope); where a period has both a report's and a manual value for a metric,
        the manual one wins."""
        return self._remembered(
            ("observations", marketplace, start, end, scope),
            lambda: self._observations(marketplace, start, end, scope),
        )

    def _observations(
        self, marketplace: str, start: date, end: date, scope: str | None
    ) -> list[Observation]:
        # Core rows, not ORM objects; one validated Observation per metric and currency,
        # the others copied from it (a month of a five-marketplace store is thousands).
        from sqlalchemy import select as core_select

        c = KpiObservation.__table__.c  # type: ignore[attr-defined]
        statement = core_select(
            c.day, c.period_end, c.marketplace, c.scope, c.metric, c.value, c.source, c.currency
        ).where(c.marketplace == marketplace, c.day >= start, c.day < end)
        if scope is not None:
            statement = statement.where(c.scope == scope)
        with self.db.read() as session:
            rows = session.execute(statement).all()
        chosen: dict[tuple[date, date, str, str], Any] = {}
        reports: list[Any] = []
        for row in rows:
            if row[6] == MANUAL:
                chosen[(row[0], row[1], row[3], row[4])] = row
            else:
                reports.append(row)
        kept = list(chosen.values()) + [
            row for row in reports if (row[0], row[1], row[3], row[4]) not in chosen
        ]
        models: dict[tuple[str, str, str | None], Observation] = {}
        result: list[Observation] = []
        for day, period_end, market, scope_, metric, value, source, currency in kept:
            model = models.get((market, metric, currency))
            if model is None or (period_end is not None and period_end < day):
                made = Observation(
                    day=day,
                    period_end=period_end,
                    marketplace=market,
                    scope=scope_,
                    metric=metric,
                    value=Decimal(value),
                    source=source,
                    currency=currency,
                )
                models[(market, metric, currency)] = made
            else:
                made = Observation.checked(
                    model,
                    day=day,
                    period_end=period_end,
                    scope=scope_,
                    value=Decimal(value),
                    source=source,
                )
            result.append(made)
        return result

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

    def month(self, month: str, marketplace: str, scope: str = "store") -> MonthFigures:
        start, _ = month_bounds(month)
        previous_start, _ = month_bounds(shift_month(month, -1))
        this, superseded = self.counted(marketplace, month, scope)
        last, _ = self.counted(marketplace, shift_month(month, -1), scope)
        values = compute(self.definitions, aggregate(this))
        before = compute(self.definitions, aggregate(last))
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

    def month_value(
        self, key: str, month: str, observations: Sequence[Observation]
    ) -> Decimal | None:
        """KPI ``key`` over the month's counted ``observations`` (a computed KPI such as
        inventory turnover from the month's snapshots); None without observations."""
        if not observations:
            return None
        definition = {key: self.definitions[key]}
        figures = compute(definition, aggregate(observations))
        if definition[key].computed is not None:
            start, end = month_bounds(month)
            self.fill_inventory(observations, _covered(observations, start, end), figures)
        return figures.get(key)

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


def _covered(observations: Sequence[Observation], start: date, end: date) -> int:
    """Days from ``start`` to the last day with data (at most up to ``end``)."""
    if not observations:
        return 0
    return min((end - start).days, (max(o.last_day for o in observations) - start).days + 1)
