"""Judgments on top of the KPI figures (pure: no database, no UI, no path lookup).

* **Comparisons.** Every target states how the plan words it: ``<`` and ``>`` are strict
  (ODR < 1 %, reply < 24 h, keyword coverage > 70 %), ``≤`` / ``≥`` are not, a range is
  inclusive at both ends. :func:`target_text` prints the symbol every surface uses and
  :func:`judged_text` prints a value beside its target without a self-contradiction (a
  value that breaks ``≤ 25.0%`` never reads ``25.0%``: it gets the digits that show it).
* **Pacing.** A figure that accumulates over the month (sales) is judged against the goal
  pro-rated to the days the data covers, never month-to-date against the whole month
  (:func:`judge_pace`), with a grace period at the start of the month and a warning band.
* **Inventory.** Turnover over a period = units sold ÷ average units on hand of the
  period's FBA snapshots; days of cover = units on hand at the latest snapshot ÷ units sold
  per day (:func:`inventory_figures`).

This module must not import :mod:`kanban_tui.domain.kpi` at import time (that module
imports the comparison table from here); the few helpers that need it import it inside.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kanban_tui.domain.kpi import KpiDefinition, Observation, Status, Target


class Comparison(StrEnum):
    """How a value must stand against its limit(s) to be within target."""

    LT = "<"
    LE = "≤"
    GT = ">"
    GE = "≥"
    RANGE = "range"

    @property
    def strict(self) -> bool:
        return self in (Comparison.LT, Comparison.GT)


#: Spellings accepted in ``data/kpis.toml`` (ASCII and Unicode).
COMPARISON_WORDS: dict[str, Comparison] = {
    "<": Comparison.LT,
    "<=": Comparison.LE,
    "≤": Comparison.LE,
    ">": Comparison.GT,
    ">=": Comparison.GE,
    "≥": Comparison.GE,
    "range": Comparison.RANGE,
}


def parse_comparison(word: object) -> Comparison:
    if isinstance(word, Comparison):
        return word
    found = COMPARISON_WORDS.get(str(word).strip().lower())
    if found is None:
        known = ", ".join(repr(k) for k in COMPARISON_WORDS)
        raise ValueError(f"comparison must be one of {known}, got {word!r}")
    return found


def apply_comparison(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A target table with ``comparison`` turned into the limits' strictness.

    ``<`` and ``≤`` need a ``max`` only, ``>`` and ``≥`` a ``min`` only, ``range`` both
    (inclusive). Raises ``ValueError`` when the comparison and the limits disagree.
    """
    values = dict(raw)
    if "comparison" not in values:
        return values
    comparison = parse_comparison(values.pop("comparison"))
    has_min = values.get("min") is not None
    has_max = values.get("max") is not None
    if comparison is Comparison.RANGE:
        if not (has_min and has_max):
            raise ValueError("comparison 'range' needs both min and max")
        values.setdefault("min_exclusive", False)
        values.setdefault("max_exclusive", False)
    elif comparison in (Comparison.LT, Comparison.LE):
        if has_min or not has_max:
            raise ValueError(f"comparison {comparison.value!r} needs a max and no min")
        values["max_exclusive"] = comparison.strict
    else:
        if has_max or not has_min:
            raise ValueError(f"comparison {comparison.value!r} needs a min and no max")
        values["min_exclusive"] = comparison.strict
    return values


def comparison_of(target: Target | None) -> Comparison | None:
    """The comparison a target states; ``None`` without limits."""
    if target is None or target.is_empty:
        return None
    if target.min is not None and target.max is not None:
        return Comparison.RANGE
    if target.max is not None:
        return Comparison.LT if target.max_exclusive else Comparison.LE
    return Comparison.GT if target.min_exclusive else Comparison.GE


# --------------------------------------------------------------------------- text


def target_text(
    definition: KpiDefinition, target: Target | None, currency: str | None = None, empty: str = "—"
) -> str:
    """``< 1.0%``, ``≤ 25.0%``, ``> 70.0%``, ``≥ 3.00×``, ``0.80–1.50 USD``; ``empty``
    without a target. The one text of a target on every surface."""
    from kanban_tui.domain.kpi import format_value

    comparison = comparison_of(target)
    if comparison is None or target is None:
        return empty
    if comparison is Comparison.RANGE:
        assert target.min is not None and target.max is not None
        low = format_value(definition, target.min)
        high = format_value(definition, target.max, currency)
        if target.min_exclusive or target.max_exclusive:
            low_sign = ">" if target.min_exclusive else "≥"
            high_sign = "<" if target.max_exclusive else "≤"
            return f"{low_sign} {low}, {high_sign} {high}"
        return f"{low}–{high}"
    limit = target.max if comparison in (Comparison.LT, Comparison.LE) else target.min
    return f"{comparison.value} {format_value(definition, limit, currency)}"


def judged_text(
    definition: KpiDefinition,
    value: Decimal,
    target: Target | None,
    currency: str | None = None,
) -> tuple[str, str]:
    """The value and the target as text, the value with as many more digits as it takes
    to tell it from a limit it differs from (25.04 % against ≤ 25.0 % reads 25.04 %)."""
    from kanban_tui.domain.kpi import format_value

    shown = format_value(definition, value, currency)
    limits = [] if target is None else [x for x in (target.min, target.max) if x is not None]
    for limit in limits:
        if limit == value or format_value(definition, limit, currency) != shown:
            continue
        shown = _finer(definition, value, limit, currency)
    return shown, target_text(definition, target, currency)


def value_text(
    definition: KpiDefinition,
    value: Decimal | None,
    target: Target | None,
    currency: str | None = None,
) -> str:
    """A value as every surface shows it beside its target (see :func:`judged_text`)."""
    from kanban_tui.domain.kpi import format_value

    if value is None:
        return format_value(definition, None)
    return judged_text(definition, value, target, currency)[0]


def _finer(definition: KpiDefinition, value: Decimal, limit: Decimal, currency: str | None) -> str:
    scale = Decimal(100) if definition.unit == "ratio" else Decimal(1)
    suffix = {"ratio": "%", "hours": " h", "multiple": "×", "days": " d"}.get(definition.unit, "")
    for places in range(2, 9):
        a = f"{value * scale:,.{places}f}"
        if a != f"{limit * scale:,.{places}f}":
            text = a + suffix
            return f"{text} {currency}" if currency and definition.unit == "money" else text
    return f"{value * scale}{suffix}"


# --------------------------------------------------------------------------- pacing


@dataclass(frozen=True)
class PaceJudgment:
    """An accumulating figure against its monthly goal, pro-rated to the days covered.

    ``expected``: the goal's share for the ``elapsed`` days. ``projection``: the month-end
    figure if the daily average so far continues (``None`` before a day is covered).
    ``pace``: so far ÷ expected (``None`` when nothing is expected yet). ``early``: inside
    the grace period, where no breach is raised. ``final``: the month is fully covered, so
    the total is compared with the whole goal.
    """

    so_far: Decimal
    goal: Decimal
    expected: Decimal
    projection: Decimal | None
    pace: Decimal | None
    elapsed: int
    days: int
    early: bool
    final: bool
    status: Status


def judge_pace(
    so_far: Decimal,
    goal: Decimal,
    elapsed: int,
    days: int,
    *,
    grace_days: int = 3,
    band: Decimal = Decimal("0.1"),
    weights: Iterable[Decimal] | None = None,
) -> PaceJudgment:
    """Judge ``so_far`` (covering the month's first ``elapsed`` of ``days`` days) against
    ``goal``.

    ``expected`` is ``goal × elapsed / days``, or with per-day ``weights`` (one per day of
    the month, e.g. heavier weekends) ``goal × Σ weights[:elapsed] / Σ weights``.

    * the whole month covered: breach below the goal, warning within ``band`` above it;
    * within ``grace_days``: ``ok`` when on pace, else ``warning`` (too early to alert);
    * otherwise ``ok`` at or above pace, ``warning`` less than ``band`` behind it, and
      ``breach`` further behind.
    """
    from kanban_tui.domain.kpi import Status

    if days < 1:
        raise ValueError("a month has at least one day")
    if not 0 <= elapsed <= days:
        raise ValueError(f"elapsed days must be from 0 to {days}, got {elapsed}")
    if goal < 0:
        raise ValueError("the goal cannot be negative")
    if not Decimal(0) <= band < Decimal(1):
        raise ValueError("band must be a fraction from 0 up to 1")
    shares = [Decimal(1)] * days if weights is None else [Decimal(w) for w in weights]
    if len(shares) != days or any(w < 0 for w in shares) or sum(shares) == 0:
        raise ValueError("give one non-negative weight per day of the month")
    expected = goal * sum(shares[:elapsed], Decimal(0)) / sum(shares, Decimal(0))
    projection = so_far * days / elapsed if elapsed else None
    if weights is not None and elapsed and expected and goal:
        projection = so_far * goal / expected
    pace = so_far / expected if expected > 0 else None
    final = elapsed == days
    early = not final and elapsed < grace_days
    if goal == 0 or (pace is None and not final):
        judged = Status.OK if so_far >= expected else Status.WARNING
    elif final:
        if so_far < goal:
            judged = Status.BREACH
        elif so_far < goal * (1 + band):
            judged = Status.WARNING
        else:
            judged = Status.OK
    else:
        assert pace is not None
        if pace >= 1:
            judged = Status.OK
        elif early or pace >= 1 - band:
            judged = Status.WARNING
        else:
            judged = Status.BREACH
    return PaceJudgment(
        so_far=so_far,
        goal=goal,
        expected=expected,
        projection=projection,
        pace=pace,
        elapsed=elapsed,
        days=days,
        early=early,
        final=final,
        status=judged,
    )


# --------------------------------------------------------------------------- inventory

#: Base metrics of an FBA inventory snapshot (a state as of the snapshot's day).
ON_HAND = "inventory_on_hand"
INBOUND = "inventory_inbound"


@dataclass(frozen=True)
class InventoryFigures:
    """Turnover and cover of one period from its sales and its FBA snapshots.

    ``turnover``: units sold ÷ average units on hand over the period's snapshots.
    ``annualised``: the same rate over a year (× 365 / days). ``days_of_cover``: units on
    hand at the latest snapshot ÷ units sold per day over the period. Any may be ``None``
    when the data does not allow it (no snapshot, no sales, nothing on hand).
    """

    snapshots: int
    average_on_hand: Decimal | None
    latest_on_hand: Decimal | None
    latest_day: date | None
    inbound: Decimal | None
    units_sold: Decimal | None
    days: int
    turnover: Decimal | None
    annualised: Decimal | None
    days_of_cover: Decimal | None


def inventory_figures(observations: Iterable[Observation], days: int) -> InventoryFigures:
    """Figures over the observations of one period covering ``days`` days (the caller
    filters by period and marketplace). Several scopes on one snapshot day add up."""
    if days < 1:
        raise ValueError("a period has at least one day")
    on_hand: dict[date, Decimal] = defaultdict(Decimal)
    inbound: dict[date, Decimal] = defaultdict(Decimal)
    units: Decimal | None = None
    for item in observations:
        if item.metric == ON_HAND:
            on_hand[item.day] += item.value
        elif item.metric == INBOUND:
            inbound[item.day] += item.value
        elif item.metric == "units":
            units = (units or Decimal(0)) + item.value
    average = sum(on_hand.values(), Decimal(0)) / len(on_hand) if on_hand else None
    latest_day = max(on_hand) if on_hand else None
    latest = on_hand[latest_day] if latest_day is not None else None
    turnover = units / average if units is not None and average else None
    annualised = turnover * 365 / days if turnover is not None else None
    per_day = units / days if units is not None else None
    cover = latest / per_day if latest is not None and per_day else None
    return InventoryFigures(
        snapshots=len(on_hand),
        average_on_hand=average,
        latest_on_hand=latest,
        latest_day=latest_day,
        inbound=inbound[max(inbound)] if inbound else None,
        units_sold=units,
        days=days,
        turnover=turnover,
        annualised=annualised,
        days_of_cover=cover,
    )
