"""The KPI pane's view model: what the pane shows for a month, KPI, marketplace and ASIN
(the month's figures and tiles, the ASIN rows, the daily and monthly series, the chart,
the margin's parts), read through :class:`~kanban_tui.services.kpi.KpiService` and kept in
one cache until something is saved or another program changes the database.

Only the month (or chart range) and marketplace on screen are read; a month's
observations are read once and every KPI's series is computed from them.
"""

from __future__ import annotations

import calendar
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from kanban_tui.domain.kpi import (
    ADDITIVE_METRICS,
    KpiDefinition,
    Observation,
    Status,
    aggregate,
    compute,
    rolling_mean,
    rolling_sums,
)
from kanban_tui.services.kpi import (
    AsinRow,
    KpiService,
    MonthFigures,
    Tile,
    month_bounds,
    shift_month,
)

#: Parts of the gross margin, in the order of its formula.
MARGIN_PARTS = ("sales", "cogs", "fees", "ad_spend")
#: The chart's ranges, in the order ``r`` cycles through them.
RANGES = ("month", "quarter", "year")
#: How many results :class:`KpiView` keeps; past that the least recently used go first
#: (a month and marketplace is about fifty of them: its figures, rows, sums, ASINs and a
#: series and a chart per KPI shown).
CACHE_SIZE = 512

T = TypeVar("T")


@dataclass(frozen=True)
class ChartSpec:
    """What to draw: points at x positions ``0 … size - 1`` (values already scaled)."""

    size: int
    #: The KPI per day (or per month): drawn as points joined by a thin line.
    values: list[list[tuple[int, float]]]
    #: The 7-day rolling value, one list per unbroken run of days.
    rolling: list[list[tuple[int, float]]] = field(default_factory=list)
    #: Last month's values at the same day of the month (faint).
    previous: list[list[tuple[int, float]]] = field(default_factory=list)
    #: Horizontal target lines (a min and/or a max).
    targets: list[float] = field(default_factory=list)
    #: A target that changes along the x axis (the monthly sales goal over 12 months).
    target_steps: list[tuple[int, float]] = field(default_factory=list)
    #: Candidate x ticks: (position, label); the chart keeps as many as fit.
    xticks: list[tuple[int, str]] = field(default_factory=list)
    #: Formats a y value for the axis.
    ylabel: str = "plain"


def gross_profit(sums: dict[str, Decimal]) -> Decimal | None:
    """Sales − COGS (the gross margin's profit), when the month has both."""
    if any(part not in sums for part in MARGIN_PARTS[:2]):
        return None
    return sums["sales"] - sums["cogs"]


def contribution(sums: dict[str, Decimal]) -> Decimal | None:
    """Sales − COGS − fees − ad spend, when the month has all four."""
    if any(part not in sums for part in MARGIN_PARTS):
        return None
    sales, cogs, fees, ads = (sums[part] for part in MARGIN_PARTS)
    return sales - cogs - fees - ads


def _number(value: Decimal | None, scale: int = 1) -> float | None:
    return None if value is None else float(value * scale)


def _runs(points: Sequence[tuple[int, float | None]]) -> list[list[tuple[int, float]]]:
    """Unbroken runs of positions with a value."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    last = None
    for x, y in points:
        if y is None:
            continue
        if current and last is not None and x != last + 1:
            runs.append(current)
            current = []
        current.append((x, y))
        last = x
    if current:
        runs.append(current)
    return runs


@dataclass(frozen=True)
class MonthDetail:
    """What the pane shows beside the tiles, from the month's observations."""

    sums: dict[str, Decimal]
    #: metric → latest day with a value (snapshot metrics: the value is that day's).
    latest: dict[str, date]
    #: ASIN → (day, rank) of its latest BSR.
    bsr: dict[str, tuple[date, Decimal]] = field(default_factory=dict)
    error: str = ""


class KpiView:
    """The KPI pane's view model: reads through the service and remembers the answers
    until :meth:`clear`.

    A month's observations are read once (one query per month and marketplace); every
    KPI's daily and monthly values are then computed from them with the domain's
    :func:`aggregate` / :func:`compute` / :func:`rolling_sums`, so choosing another KPI
    or paging through the 12-month chart asks the database for nothing new.
    """

    def __init__(self, service: KpiService) -> None:
        #: What the service read (a month's observations, targets, goals), shared by the
        #: figures, the ASIN rows, the chart and the next month's comparison.
        self._reads: dict[Hashable, Any] = {}
        self.service = service.remembering(self._reads)
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()

    def clear(self) -> None:
        self._cache.clear()
        self._reads.clear()

    def _get(self, key: Hashable, make: Callable[[], T]) -> T:
        cache = self._cache
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        made = make()
        cache[key] = made
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
        return made

    @property
    def definitions(self) -> dict[str, KpiDefinition]:
        return self.service.definitions

    def marketplaces(self) -> list[str]:
        return self._get(("markets",), self.service.marketplaces)

    def month(self, month: str, market: str, scope: str = "store") -> MonthFigures:
        return self._get(
            ("month", month, market, scope), lambda: self.service.month(month, market, scope)
        )

    def asins(self, month: str, market: str) -> list[AsinRow]:
        return self._get(("asins", month, market), lambda: self.service.asins(month, market))

    def goal(self, month: str) -> tuple[Decimal, str] | None:
        return self._get(("goal", month), lambda: self.service.monthly_goal(month))

    # ------------------------------------------------------------ observations
    def rows(self, month: str, market: str) -> list[Observation]:
        """The month's observations (a manual value beats a report's, as the service picks)."""
        return self._get(
            ("rows", month, market),
            lambda: self.service.counted(market, month)[0],
        )

    def prefetch(self, months: Sequence[str], market: str) -> None:
        """Read the months not read yet with one query instead of one per month."""
        missing = [m for m in months if ("rows", m, market) not in self._cache]
        if len(missing) < 2:
            return
        by_month = self.service.counted_by_month(market, missing)
        for month in missing:
            self._cache[("rows", month, market)] = by_month.get(month, [])

    def day_sums(self, month: str, market: str) -> dict[date, dict[str, Decimal]]:
        """Per day with data: its base-metric sums."""

        def make() -> dict[date, dict[str, Decimal]]:
            by_day: dict[date, list[Observation]] = defaultdict(list)
            for row in self.rows(month, market):
                if row.is_daily:  # a Summary or Monthly figure belongs to no single day
                    by_day[row.day].append(row)
            return {day: aggregate(items) for day, items in sorted(by_day.items())}

        return self._get(("day_sums", month, market), make)

    def month_sums(self, month: str, market: str) -> dict[str, Decimal]:
        return self._get(("month_sums", month, market), lambda: aggregate(self.rows(month, market)))

    # ------------------------------------------------------------------ series
    def daily(
        self, key: str, month: str, market: str, window: int = 7
    ) -> tuple[list[date], list[Decimal | None], list[Decimal | None]]:
        """Per day of the month: the KPI and its ``window``-day rolling value (a ratio of
        sums over the window, the days before the month included); None without data."""

        def make() -> tuple[list[date], list[Decimal | None], list[Decimal | None]]:
            start, end = month_bounds(month)
            days = [start + timedelta(days=n) for n in range((end - start).days)]
            sums = self.day_sums(month, market)
            definition = {key: self.definitions[key]}
            rolled = self._rolled(month, market, window)
            return (
                days,
                [compute(definition, sums[d]).get(key) if d in sums else None for d in days],
                [
                    compute(definition, r).get(key) if d in sums else None
                    for d, r in zip(days, rolled, strict=True)
                ],
            )

        return self._get(("daily", key, month, market, window), make)

    def _rolled(self, month: str, market: str, window: int) -> list[dict[str, Decimal]]:
        """Per day of the month: the base-metric sums of the ``window`` days up to it (the
        same for every KPI, so choosing another KPI sums nothing again)."""

        def make() -> list[dict[str, Decimal]]:
            start, end = month_bounds(month)
            days = [start + timedelta(days=n) for n in range((end - start).days)]
            sums = self.day_sums(month, market)
            before = self.day_sums(shift_month(month, -1), market) if window > 1 else {}
            lead = [start - timedelta(days=n) for n in range(window - 1, 0, -1)]
            empty: dict[str, Decimal] = {}
            sequence = [before.get(d, empty) for d in lead] + [sums.get(d, empty) for d in days]
            return rolling_sums(sequence, window)[len(lead) :]

        return self._get(("rolled", month, market, window), make)

    def monthly(
        self, key: str, last_month: str, count: int, market: str
    ) -> tuple[list[str], list[Decimal | None]]:
        """The KPI per month for the ``count`` months up to ``last_month``."""
        months = [shift_month(last_month, -n) for n in range(count - 1, -1, -1)]
        self.prefetch(months, market)
        definition = {key: self.definitions[key]}
        values: list[Decimal | None] = []
        for month in months:
            rows = self.rows(month, market)
            if not rows:
                values.append(None)
            elif definition[key].computed is not None:  # turnover, cover: the snapshots
                values.append(self.service.month_value(key, month, rows))
            else:
                values.append(compute(definition, self.month_sums(month, market)).get(key))
        return months, values

    # ------------------------------------------------------------------- chart
    def _chart_key(
        self, key: str, month: str, market: str, span: str, figures: MonthFigures
    ) -> Hashable:
        # the chart takes from the month's figures the KPI's target and the currency only
        return ("chart", key, month, market, span, figures.tiles[key].target, figures.currency)

    def has_chart(
        self, key: str, month: str, market: str, span: str, figures: MonthFigures
    ) -> bool:
        """Whether :meth:`chart` has this answer already (asking again costs nothing)."""
        return self._chart_key(key, month, market, span, figures) in self._cache

    def chart(
        self, key: str, month: str, market: str, span: str, figures: MonthFigures
    ) -> ChartSpec | None:
        """What the chart draws for KPI ``key`` over ``span`` (month, quarter or year)
        ending with ``month``; None when it has no point. ``figures`` are the month's
        (their target and currency)."""
        return self._get(
            self._chart_key(key, month, market, span, figures),
            lambda: self._chart(key, month, market, span, figures),
        )

    def _chart(
        self, key: str, month: str, market: str, span: str, figures: MonthFigures
    ) -> ChartSpec | None:
        definition = self.definitions[key]
        scale = 100 if definition.unit == "ratio" else 1
        ylabel = "percent" if definition.unit == "ratio" else "plain"
        target = figures.tiles[key].target
        limits = [] if target is None else [target.min, target.max]
        targets = [float(v * scale) for v in limits if v is not None]
        if span == "year":
            months, values = self.monthly(key, month, 12, market)
            points = [_number(v, scale) for v in values]
            if all(p is None for p in points):
                return None
            steps: list[tuple[int, float]] = []
            if key == "sales":
                targets = []
                for x, each in enumerate(months):
                    goal = self.goal(each)
                    currency = figures.currency
                    if goal is not None and (currency is None or goal[1] == currency):
                        steps.append((x, float(goal[0])))
            return ChartSpec(
                size=len(months),
                values=_runs(list(enumerate(points))),
                targets=targets,
                target_steps=steps,
                xticks=[(x, m[2:]) for x, m in enumerate(months)],
                ylabel=ylabel,
            )
        count = 3 if span == "quarter" else 1
        months = [shift_month(month, -n) for n in range(count - 1, -1, -1)]
        days, daily, rolled = self.daily_points(key, months, market)
        if all(v is None for v in daily):
            return None
        previous: list[list[tuple[int, float]]] = []
        if span == "month":
            _, last_daily, _ = self.daily_points(key, [shift_month(month, -1)], market)
            previous = _runs(list(enumerate(last_daily[: len(days)])))
            ticks = [(n, str(n + 1)) for n in range(len(days))]
        else:
            ticks = [(n, f"{d:%m-%d}") for n, d in enumerate(days) if d.day in (1, 15)]
        if definition.metric in ADDITIVE_METRICS and key == "sales" and targets:
            # a month's goal drawn against daily sales is the goal's daily share
            days_in_month = calendar.monthrange(days[0].year, days[0].month)[1]
            targets = [value / days_in_month for value in targets]
        return ChartSpec(
            size=len(days),
            values=_runs(list(enumerate(daily))),
            rolling=_runs(list(enumerate(rolled))),
            previous=previous,
            targets=targets,
            xticks=ticks,
            ylabel=ylabel,
        )

    def daily_points(
        self, key: str, months: Sequence[str], market: str
    ) -> tuple[list[date], list[float | None], list[float | None]]:
        """Days of ``months`` with the KPI and its 7-day rolling value, scaled for the chart
        (for an amount such as sales: the mean of the days with data in the window, not
        their sum)."""
        definition = self.definitions[key]
        scale = 100 if definition.unit == "ratio" else 1
        days: list[date] = []
        daily: list[Decimal | None] = []
        rolled: list[Decimal | None] = []
        for month in months:
            found = self.daily(key, month, market)
            days += found[0]
            daily += found[1]
            rolled += found[2]
        if definition.metric in ADDITIVE_METRICS:
            lead = self.daily(key, shift_month(months[0], -1), market)[1][-6:]
            means = rolling_mean([*lead, *daily], 7)[len(lead) :]
            rolled = [m if v is not None else None for m, v in zip(means, daily, strict=True)]
        return (
            days,
            [_number(v, scale) for v in daily],
            [_number(v, scale) for v in rolled],
        )

    # ------------------------------------------------------------------ detail
    def detail(self, month: str, market: str) -> MonthDetail:
        return self._get(("detail", month, market), lambda: self._detail(month, market))

    def _detail(self, month: str, market: str) -> MonthDetail:
        rows = self.rows(month, market)
        latest: dict[str, date] = {}
        bsr: dict[str, tuple[date, Decimal]] = {}
        for row in rows:
            if row.day > latest.get(row.metric, date.min):
                latest[row.metric] = row.day
            if row.metric == "bsr" and row.day >= bsr.get(row.scope, (date.min, 0))[0]:
                bsr[row.scope] = (row.day, row.value)
        try:
            sums = self.month_sums(month, market)
        except ValueError as exc:
            return MonthDetail({}, latest, bsr, error=str(exc))
        return MonthDetail(sums, latest, bsr)


def empty_figures(definitions: dict[str, KpiDefinition], month: str, market: str) -> MonthFigures:
    """Figures without any value (shown when the month cannot be read)."""
    tiles = {
        key: Tile(key, None, d.target, Status.NONE, None, None, False)
        for key, d in definitions.items()
    }
    return MonthFigures(month=month, marketplace=market, tiles=tiles, days_with_data=0)


#: The name the pane's cache had before it became the services' view model.
PaneData = KpiView

__all__ = [
    "CACHE_SIZE",
    "MARGIN_PARTS",
    "RANGES",
    "ChartSpec",
    "KpiView",
    "MonthDetail",
    "PaneData",
    "contribution",
    "empty_figures",
    "gross_profit",
]
