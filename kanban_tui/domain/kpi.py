"""KPI definitions and KPI arithmetic (pure: no database, no UI, no path lookup).

The numbers come in as :class:`Observation` rows, one per day × metric, in *base metrics*
(:data:`BASE_METRICS`). A period's value of a derived KPI is a ratio of sums over that period:
ACoS of a month is Σ ad spend / Σ ad sales of the month, never the average of daily ACoS.

* :func:`aggregate` turns observations into one number per base metric. Additive metrics
  (sales, clicks, …) are summed; snapshot metrics (:data:`SNAPSHOT_METRICS`: ODR, response
  time, keyword coverage, BSR, measured organic share) are rates or ranks that Amazon or the
  user reports as of a day, so the period's value is the latest day's value.
* :func:`compute` turns those sums into KPI values with the formulas of ``data/kpis.toml``
  (read by :mod:`kanban_tui.services.kpi_definitions`; :func:`definitions_from` checks the
  document it parsed).
* :func:`status` compares a value with its target.

Which periods count (:func:`finest`, :func:`superseded`, :class:`Superseded`: the finest
data of each source wins) lives in :mod:`kanban_tui.domain.kpi_spans`, re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from kanban_tui.domain.judge import Comparison, apply_comparison, comparison_of
from kanban_tui.domain.kpi_spans import Superseded as Superseded
from kanban_tui.domain.kpi_spans import finest as finest
from kanban_tui.domain.kpi_spans import superseded as superseded

BASE_METRICS: tuple[str, ...] = (
    "sales",
    "units",
    "order_items",
    "sessions",
    "page_views",
    "ad_spend",
    "ad_sales",
    "ad_orders",
    "ad_units",
    "clicks",
    "impressions",
    "cogs",
    "fees",
    "response_hours",
    "keyword_coverage",
    "odr",
    "bsr",
    "organic_share_measured",
    "inventory_on_hand",
    "inventory_inbound",
)

#: Metrics holding an amount of money (they carry a currency).
MONEY_METRICS: frozenset[str] = frozenset({"sales", "ad_spend", "ad_sales", "cogs", "fees"})

#: Metrics that are a state as of a day (rate, rank, average) rather than a daily amount:
#: over a period they take the latest day's value instead of being summed.
SNAPSHOT_METRICS: frozenset[str] = frozenset(
    {
        "response_hours",
        "keyword_coverage",
        "odr",
        "bsr",
        "organic_share_measured",
        "inventory_on_hand",
        "inventory_inbound",
    }
)

#: Metrics that exist only per ASIN (a store has no BSR): a store figure is the mean of its
#: ASINs' latest values.
PER_ASIN_METRICS: frozenset[str] = frozenset({"bsr"})

#: Metrics whose value over a period is the sum of their daily values.
ADDITIVE_METRICS: frozenset[str] = frozenset(BASE_METRICS) - SNAPSHOT_METRICS

DEFAULT_BAND = Decimal("0.1")

Unit = Literal["ratio", "money", "hours", "count", "rank", "multiple", "days"]
Better = Literal["higher", "lower", "range"]


class KpiConfigError(ValueError):
    """The KPI definitions are invalid; the message says which KPI and why."""


def _check_metric(name: str) -> str:
    if name not in BASE_METRICS:
        raise ValueError(f"unknown base metric {name!r} (known: {', '.join(BASE_METRICS)})")
    return name


# --------------------------------------------------------------------------------------
# Definitions
# --------------------------------------------------------------------------------------


class Target(BaseModel):
    """Limits of a KPI: ``min`` and/or ``max``, inclusive unless marked exclusive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min: Decimal | None = None
    max: Decimal | None = None
    min_exclusive: bool = False
    max_exclusive: bool = False

    @model_validator(mode="before")
    @classmethod
    def _comparison(cls, data: object) -> object:
        """``comparison = "<"`` (or ``≤ > ≥ range``) as the plan words it; see
        :mod:`kanban_tui.domain.judge`."""
        return apply_comparison(data) if isinstance(data, dict) else data

    @property
    def comparison(self) -> Comparison | None:
        return comparison_of(self)

    @model_validator(mode="after")
    def _ordered(self) -> Target:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"target min {self.min} is above max {self.max}")
        return self

    @property
    def is_empty(self) -> bool:
        return self.min is None and self.max is None

    def is_breached(self, value: Decimal) -> bool:
        """True when ``value`` is outside the limits."""
        if self.min is not None and (value <= self.min if self.min_exclusive else value < self.min):
            return True
        return self.max is not None and (
            value >= self.max if self.max_exclusive else value > self.max
        )

    def is_near(self, value: Decimal, band: Decimal) -> bool:
        """True when ``value`` is within ``band`` × |limit| of a limit (inside or outside)."""
        if self.min is not None and value <= self.min + band * abs(self.min):
            return True
        return self.max is not None and value >= self.max - band * abs(self.max)


class Term(BaseModel):
    """One base metric of a formula, added (+1) or subtracted (-1)."""

    model_config = ConfigDict(frozen=True)

    sign: Literal[1, -1]
    metric: str


_TOKEN = re.compile(r"\s*(?:([a-z_][a-z0-9_]*)|([-+/()]))")


class Formula(BaseModel):
    """A ratio of sums of base metrics, e.g. ``(sales - cogs - fees - ad_spend) / sales``."""

    model_config = ConfigDict(frozen=True)

    text: str
    numerator: tuple[Term, ...]
    denominator: tuple[Term, ...]

    @classmethod
    def parse(cls, text: str) -> Formula:
        """Read ``"<sum> / <sum>"``; a sum is ``name`` or ``(name ± name …)``."""
        tokens: list[str] = []
        pos = 0
        stripped = text.rstrip()
        while pos < len(stripped):
            match = _TOKEN.match(stripped, pos)
            if match is None:
                raise ValueError(f"formula {text!r}: cannot read {stripped[pos:]!r}")
            tokens.append(match.group(1) or match.group(2))
            pos = match.end()
        if tokens.count("/") != 1:
            raise ValueError(f"formula {text!r} must be one ratio: '<sum> / <sum>'")
        split = tokens.index("/")
        return cls(
            text=text.strip(),
            numerator=_parse_sum(tokens[:split], text),
            denominator=_parse_sum(tokens[split + 1 :], text),
        )

    @property
    def metrics(self) -> tuple[str, ...]:
        """Base metrics the formula reads, in order of appearance, without repeats."""
        seen: dict[str, None] = {}
        for term in (*self.numerator, *self.denominator):
            seen.setdefault(term.metric)
        return tuple(seen)

    def evaluate(self, sums: Mapping[str, Decimal]) -> Decimal | None:
        """The ratio; ``None`` when a metric is missing or the denominator is zero."""
        if any(name not in sums for name in self.metrics):
            return None
        denominator = _total(self.denominator, sums)
        if denominator == 0:
            return None
        return _total(self.numerator, sums) / denominator


def _parse_sum(tokens: list[str], text: str) -> tuple[Term, ...]:
    if len(tokens) >= 2 and tokens[0] == "(" and tokens[-1] == ")":
        tokens = tokens[1:-1]
    terms: list[Term] = []
    sign: Literal[1, -1] = 1
    expect_name = True
    for token in tokens:
        if expect_name:
            if token == "-" and not terms:
                sign = -1
                continue
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", token):
                raise ValueError(f"formula {text!r}: expected a metric name, got {token!r}")
            terms.append(Term(sign=sign, metric=_check_metric(token)))
            expect_name = False
        else:
            if token not in "+-":
                raise ValueError(f"formula {text!r}: expected + or -, got {token!r}")
            sign = 1 if token == "+" else -1
            expect_name = True
    if not terms or expect_name:
        raise ValueError(f"formula {text!r}: a side of the ratio is empty or incomplete")
    return tuple(terms)


def _total(terms: Iterable[Term], sums: Mapping[str, Decimal]) -> Decimal:
    return sum((sums[term.metric] * term.sign for term in terms), Decimal(0))


class KpiDefinition(BaseModel):
    """One KPI: either a base ``metric`` shown as it is, or a ``formula`` over base metrics."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    name_en: str
    name_zh: str
    unit: Unit
    better: Better
    target: Target | None = None
    metric: str | None = None
    formula: Formula | None = None
    #: A figure no single ratio gives, filled in by the service from
    #: :mod:`kanban_tui.domain.judge` (``inventory_turnover``, ``days_of_cover``).
    computed: Literal["inventory_turnover", "days_of_cover"] | None = None
    #: Judged against the monthly goal pro-rated to the days covered (an accumulating sum).
    pace: bool = False
    #: Base metrics the ``computed`` figure reads (for "missing" hints).
    reads: tuple[str, ...] = ()
    #: Name while the value is a measured base metric (``measured``), not the estimate.
    measured_name_en: str = ""
    measured_name_zh: str = ""
    #: Base metric that, when present in the sums, replaces the formula.
    measured: str | None = None
    #: Fraction of the limit inside which a value is a warning.
    band: Decimal = DEFAULT_BAND
    #: Name of a runtime setting that supplies the target (e.g. ``monthly_goal``).
    target_runtime: str | None = None
    note_en: str = ""
    note_zh: str = ""

    @field_validator("formula", mode="before")
    @classmethod
    def _read_formula(cls, value: object) -> object:
        return Formula.parse(value) if isinstance(value, str) else value

    @field_validator("metric", "measured")
    @classmethod
    def _known_metric(cls, value: str | None) -> str | None:
        return None if value is None else _check_metric(value)

    @field_validator("band")
    @classmethod
    def _band_fraction(cls, value: Decimal) -> Decimal:
        if not Decimal(0) <= value < Decimal(1):
            raise ValueError(f"band must be a fraction from 0 up to 1, got {value}")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> KpiDefinition:
        sources = [self.metric, self.formula, self.computed]
        if sum(source is not None for source in sources) != 1:
            raise ValueError("give exactly one of 'metric', 'formula' or 'computed'")
        target = self.target
        if (
            self.better == "range"
            and target is not None
            and (target.min is None or target.max is None)
        ):
            raise ValueError("better = 'range' needs a target with both min and max")
        return self

    @property
    def inputs(self) -> tuple[str, ...]:
        """Base metrics this KPI reads."""
        names: tuple[str, ...] = (self.metric,) if self.metric is not None else self.reads
        if self.formula is not None:
            names = self.formula.metrics
        return names + ((self.measured,) if self.measured is not None else ())


def definitions_from(document: Mapping[str, Any]) -> dict[str, KpiDefinition]:
    """KPI definitions keyed by KPI key, from the parsed definitions document (the tables
    of ``data/kpis.toml``, numbers as exact decimals; the services read and parse it).

    Raises :class:`KpiConfigError` naming the KPI at fault.
    """
    unknown = set(document) - {"default_band", "kpi"}
    if unknown:
        raise KpiConfigError(f"unknown top-level keys in KPI definitions: {sorted(unknown)}")
    default_band = document.get("default_band", DEFAULT_BAND)
    entries = document.get("kpi", [])
    if not isinstance(entries, list):
        raise KpiConfigError("KPI definitions need a [[kpi]] table per KPI")
    definitions: dict[str, KpiDefinition] = {}
    for position, entry in enumerate(entries, start=1):
        key = entry.get("key", f"#{position}") if isinstance(entry, dict) else f"#{position}"
        try:
            definition = KpiDefinition.model_validate({"band": default_band, **entry})
        except (ValidationError, TypeError) as error:
            raise KpiConfigError(f"KPI {key!r} is invalid: {error}") from error
        if definition.key in definitions:
            raise KpiConfigError(f"KPI {definition.key!r} is defined twice")
        definitions[definition.key] = definition
    return definitions


# --------------------------------------------------------------------------------------
# Observations and aggregation
# --------------------------------------------------------------------------------------


class Observation(BaseModel):
    """One base metric's value for one period, marketplace and scope (``store`` or an ASIN).

    The period runs from ``day`` to ``period_end`` (inclusive; ``None`` means the one day).
    """

    model_config = ConfigDict(frozen=True)

    day: date
    period_end: date | None = None
    marketplace: str
    scope: str = "store"
    metric: str
    value: Decimal
    source: str
    currency: str | None = None

    @field_validator("metric")
    @classmethod
    def _known(cls, value: str) -> str:
        return _check_metric(value)

    @field_validator("currency")
    @classmethod
    def _iso_code(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Z]{3}", value):
            raise ValueError(f"currency must be an ISO code such as USD, got {value!r}")
        return value

    @model_validator(mode="after")
    def _ordered_period(self) -> Observation:
        if self.period_end is not None and self.period_end < self.day:
            raise ValueError(f"the period ends ({self.period_end}) before it starts ({self.day})")
        return self

    @classmethod
    def checked(cls, like: Observation, **changes: object) -> Observation:
        """``like`` with ``changes`` (another day, scope or value of the same metric,
        marketplace and currency), without validating again: for building tens of
        thousands from one validated observation. The caller guarantees the period does
        not end before it starts; ``Observation(**fields)`` is equal (a test holds it)."""
        fields = {**like.__dict__, **changes}
        made = object.__new__(cls)
        object.__setattr__(made, "__dict__", fields)
        object.__setattr__(made, "__pydantic_fields_set__", like.__pydantic_fields_set__)
        object.__setattr__(made, "__pydantic_extra__", None)
        object.__setattr__(made, "__pydantic_private__", None)
        return made

    @property
    def last_day(self) -> date:
        return self.period_end or self.day

    @property
    def span(self) -> tuple[date, date]:
        return self.day, self.last_day

    @property
    def is_daily(self) -> bool:
        return self.last_day == self.day


def aggregate(
    observations: Iterable[Observation], metric_keys: Iterable[str] | None = None
) -> dict[str, Decimal]:
    """One value per base metric over the observations given (``None``: every metric seen).

    Additive metrics are summed. A snapshot metric takes the value of its latest day; when
    several observations share that day (e.g. several scopes) their mean. Metrics without
    observations are left out, so :func:`compute` sees them as missing.

    The caller picks the period, marketplace and scope by filtering. Amounts in different
    currencies are never added: that raises ``ValueError``.
    """
    wanted = None if metric_keys is None else {_check_metric(key) for key in metric_keys}
    totals: dict[str, Decimal] = {}
    currencies: dict[str, str] = {}
    latest: dict[str, tuple[date, list[Decimal]]] = {}
    for item in observations:
        if wanted is not None and item.metric not in wanted:
            continue
        if item.currency is not None:
            seen = currencies.setdefault(item.metric, item.currency)
            if seen != item.currency:
                raise ValueError(
                    f"cannot add {item.metric} in {seen} and in {item.currency}; "
                    "aggregate one currency at a time"
                )
        if item.metric in SNAPSHOT_METRICS:
            current = latest.get(item.metric)
            if current is None or item.day > current[0]:
                latest[item.metric] = (item.day, [item.value])
            elif item.day == current[0]:
                current[1].append(item.value)
        else:
            totals[item.metric] = totals.get(item.metric, Decimal(0)) + item.value
    for metric, (_, values) in latest.items():
        totals[metric] = sum(values, Decimal(0)) / len(values)
    return totals


def merge_sums(parts: Iterable[Mapping[str, Decimal]]) -> dict[str, Decimal]:
    """Combine per-period results of :func:`aggregate`, given in chronological order.

    Additive metrics add up; a snapshot metric keeps the value of the latest part that has
    it. Merging the sums of any split of the days gives the sums of all the days.
    """
    merged: dict[str, Decimal] = {}
    for part in parts:
        for metric, value in part.items():
            if metric in SNAPSHOT_METRICS:
                merged[metric] = value
            else:
                merged[metric] = merged.get(metric, Decimal(0)) + value
    return merged


def rolling_sums(
    daily: Sequence[Mapping[str, Decimal]], window: int = 7
) -> list[dict[str, Decimal]]:
    """For each day, :func:`merge_sums` of that day and the ``window - 1`` days before it.

    Feed each result to :func:`compute` to draw a 7-day ACoS (or any KPI) trend that stays
    a ratio of sums.
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    return [merge_sums(daily[max(0, end - window + 1) : end + 1]) for end in range(len(daily))]


# --------------------------------------------------------------------------------------
# KPI values
# --------------------------------------------------------------------------------------


class Computed(dict[str, Decimal | None]):
    """KPI key → value (``None`` when it cannot be computed), with how values were obtained.

    It is a plain ``dict`` for reading values. In addition:

    * ``measured``: keys whose value is a measured base metric that replaced the formula
      (``organic_share`` when ``organic_share_measured`` was given);
    * ``missing``: for each ``None`` value caused by absent data, the base metrics that were
      absent (a zero denominator gives ``None`` without an entry here).
    """

    def __init__(self) -> None:
        super().__init__()
        self.measured: set[str] = set()
        self.missing: dict[str, tuple[str, ...]] = {}


def compute(defs: Mapping[str, KpiDefinition], sums: Mapping[str, Decimal]) -> Computed:
    """Every KPI's value from the period's base-metric sums (see :func:`aggregate`).

    A derived KPI is Σ numerator / Σ denominator; it is ``None`` when any metric of its
    formula is missing or the denominator is zero. Values are exact ``Decimal`` quotients
    (28 significant digits); rounding is for display.
    """
    result = Computed()
    for key, definition in defs.items():
        if definition.measured is not None and definition.measured in sums:
            result[key] = sums[definition.measured]
            result.measured.add(key)
            continue
        if definition.computed is not None:  # filled in from judge.inventory_figures
            result[key] = None
            names: tuple[str, ...] = definition.reads
        elif definition.metric is not None:
            result[key] = sums.get(definition.metric)
            names = (definition.metric,)
        else:
            assert definition.formula is not None  # guaranteed by KpiDefinition
            result[key] = definition.formula.evaluate(sums)
            names = definition.formula.metrics
        absent = tuple(name for name in names if name not in sums)
        if absent:
            result.missing[key] = absent
    return result


class Status(StrEnum):
    """How a KPI value stands against its target."""

    OK = "ok"
    WARNING = "warning"
    BREACH = "breach"
    NONE = "none"

    @property
    def symbol(self) -> str:
        """One-character mark for tables: ✓ ok, ! warning, ✗ breach, · no value or target."""
        return _SYMBOLS[self]


_SYMBOLS = {Status.OK: "✓", Status.WARNING: "!", Status.BREACH: "✗", Status.NONE: "·"}


def status(
    defn: KpiDefinition,
    value: Decimal | None,
    target_override: Target | None = None,
    band: Decimal | None = None,
) -> Status:
    """Compare ``value`` with the target (``target_override`` wins over the definition's).

    ``breach`` outside the limits; ``warning`` inside but within ``band`` (default: the
    definition's) × |limit| of a limit, e.g. ACoS 23 % against ≤ 25 % with band 0.1;
    ``ok`` otherwise; ``none`` when there is no value or no target.
    """
    target = target_override if target_override is not None else defn.target
    if value is None or target is None or target.is_empty:
        return Status.NONE
    if target.is_breached(value):
        return Status.BREACH
    if target.is_near(value, defn.band if band is None else band):
        return Status.WARNING
    return Status.OK


def format_value(defn: KpiDefinition, value: Decimal | None, currency: str | None = None) -> str:
    """Short display text: ``23.4%``, ``1,234.56 USD``, ``5.0 h``, ``#1,204``, ``3.20×``."""
    if value is None:
        return "—"
    match defn.unit:
        case "ratio":
            return f"{value * 100:.1f}%"
        case "money":
            places = 0 if currency == "JPY" else 2
            amount = f"{value:,.{places}f}"
            return f"{amount} {currency}" if currency else amount
        case "hours":
            return f"{value:.1f} h"
        case "count":
            return f"{value:,.0f}"
        case "rank":
            return f"#{value:,.0f}"
        case "multiple":
            return f"{value:.2f}×"
        case "days":
            return f"{value:,.1f} d"


def rolling_mean(
    values: Sequence[Decimal | None], window: int = 7, min_periods: int = 1
) -> list[Decimal | None]:
    """Trailing mean over ``window`` positions, skipping ``None``; same length as ``values``.

    A position is ``None`` when its window holds fewer than ``min_periods`` values. Linear
    time. (For a KPI trend prefer :func:`rolling_sums` + :func:`compute`: a mean of daily
    ratios is not the ratio over the window.)
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    if min_periods < 1:
        raise ValueError("min_periods must be at least 1")
    means: list[Decimal | None] = []
    total = Decimal(0)
    count = 0
    for index, value in enumerate(values):
        if value is not None:
            total += value
            count += 1
        if index >= window:
            leaving = values[index - window]
            if leaving is not None:
                total -= leaving
                count -= 1
        means.append(total / count if count >= min_periods else None)
    return means


@dataclass(frozen=True)
class Pacing:
    """Where the month's sales stand against the goal.

    ``needed_per_day``: what each remaining day must sell to reach the goal (0 once the goal
    is reached; ``None`` when no days remain). ``projection``: month-end sales if the daily
    average so far continues (``None`` before the first day is over). ``remaining``: goal
    minus sales so far, never below 0.
    """

    needed_per_day: Decimal | None
    projection: Decimal | None
    remaining: Decimal
    days_left: int


def sales_pacing(
    sales_so_far: Decimal, goal: Decimal, day_of_month: int, days_in_month: int
) -> Pacing:
    """Straight-line pacing; ``day_of_month`` is the number of days ``sales_so_far`` covers.

    E.g. $4,000 after 10 days of a 30-day month with a $10,000 goal: projection $12,000,
    needed $300 per remaining day.
    """
    if days_in_month < 1:
        raise ValueError("days_in_month must be at least 1")
    if not 0 <= day_of_month <= days_in_month:
        raise ValueError(f"day_of_month must be from 0 to {days_in_month}, got {day_of_month}")
    if goal < 0:
        raise ValueError("the sales goal cannot be negative")
    remaining = max(goal - sales_so_far, Decimal(0))
    days_left = days_in_month - day_of_month
    projection = sales_so_far * days_in_month / day_of_month if day_of_month else None
    needed = remaining / days_left if days_left else None
    return Pacing(
        needed_per_day=needed, projection=projection, remaining=remaining, days_left=days_left
    )
