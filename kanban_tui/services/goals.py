"""The year's sales goal against actual sales: its split into months, quarters and weeks,
the judgment of each (reached, on pace, behind, missed, no data, upcoming), and the rules
for a goal typed in the goal form. The Goals screen only lays these out.

Figures come from :class:`~kanban_tui.services.kpi.KpiService` (``monthly_goal``,
``month``, ``computed``); amounts in another currency are never added to the goal's.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from kanban_tui.domain.marketplaces import MARKETPLACES
from kanban_tui.domain.numbers import NumberError, parse_number
from kanban_tui.i18n import t
from kanban_tui.services.kpi import KpiService, StoredGoal, month_bounds

CURRENCY = re.compile(r"[A-Z]{3}")
#: What a period's status can be (the screen gives each a symbol and a colour).
STATUSES = ("reached", "on_pace", "behind", "missed", "no_data", "upcoming")


def stored_goal(service: KpiService, year: int) -> StoredGoal | None:
    return service.goal(year)


@dataclass
class Line:
    """One month, quarter or the year: goal, actual sales (per marketplace) and status."""

    label: str
    goal: Decimal
    actual: dict[str, Decimal | None] = field(default_factory=dict)
    status: str = "upcoming"
    focus: bool = False

    @property
    def total(self) -> Decimal | None:
        found = [v for v in self.actual.values() if v is not None]
        return sum(found, Decimal(0)) if found else None

    @property
    def progress(self) -> Decimal | None:
        total = self.total
        if total is None or self.goal <= 0:
            return None
        return total / self.goal


@dataclass
class YearSplit:
    goal: StoredGoal
    months: list[Line]
    quarters: list[Line]
    year: Line
    #: Marketplaces counted (they sell in the goal's currency) and the others (code, currency).
    counted: list[str]
    other: list[tuple[str, str]]


def market_currency(code: str) -> str | None:
    market = MARKETPLACES.get(code)
    return market.currency if market else None


def judge(goal: Decimal, actual: Decimal | None, expected: Decimal | None, when: str) -> str:
    """``when`` is ``past``, ``current`` or ``future``; ``expected`` is the goal to date."""
    if when == "future":
        return "upcoming"
    if actual is not None and actual >= goal:
        return "reached"
    if actual is None:
        return "no_data"
    if when == "past":
        return "missed"
    return "on_pace" if expected is not None and actual >= expected else "behind"


def year_split(service: KpiService, goal: StoredGoal, today: date, focus: int) -> YearSplit:
    """The year month by month (``focus`` is the month number to mark)."""
    markets = service.marketplaces()
    counted: list[str] = []
    other: list[tuple[str, str]] = []
    for code in markets:
        currency = market_currency(code)
        if currency is None:  # an unknown code: judge by what its data says
            currency = service.month(today.strftime("%Y-%m"), code).currency or goal.currency
        if currency == goal.currency:
            counted.append(code)
        else:
            other.append((code, currency))
    months: list[Line] = []
    expected_by_month: list[Decimal | None] = []
    whens: list[str] = []
    for number in range(1, 13):
        month = f"{goal.year:04d}-{number:02d}"
        share = service.monthly_goal(month)
        amount = share[0] if share else Decimal(0)
        line = Line(t(f"month.{number}"), amount, focus=number == focus)
        covered = 0
        for code in counted:
            figures = service.month(month, code)
            if figures.days_with_data == 0 or (
                figures.currency is not None and figures.currency != goal.currency
            ):
                line.actual[code] = None
                continue
            line.actual[code] = figures.tiles["sales"].value or Decimal(0)
            if figures.pacing is not None:
                days = calendar.monthrange(goal.year, number)[1]
                covered = max(covered, days - figures.pacing.days_left)
        start, end = month_bounds(month)
        when = "past" if end <= today else "future" if start > today else "current"
        expected = None
        if when == "current":
            days = calendar.monthrange(goal.year, number)[1]
            expected = amount * covered / days
        elif when == "past":
            expected = amount
        line.status = judge(amount, line.total, expected, when)
        months.append(line)
        expected_by_month.append(expected)
        whens.append(when)
    quarters = [
        _summed(
            t("goals_screen.quarter", number=q + 1),
            months[q * 3 : q * 3 + 3],
            expected_by_month[q * 3 : q * 3 + 3],
            whens[q * 3 : q * 3 + 3],
            counted,
        )
        for q in range(4)
    ]
    year = _summed(t("goals_screen.year_total"), months, expected_by_month, whens, counted)
    return YearSplit(goal, months, quarters, year, counted, other)


def _summed(
    label: str,
    lines: Sequence[Line],
    expected: Sequence[Decimal | None],
    whens: Sequence[str],
    markets: Sequence[str],
) -> Line:
    goal = sum((line.goal for line in lines), Decimal(0))
    actual: dict[str, Decimal | None] = {}
    for code in markets:
        found = [line.actual.get(code) for line in lines]
        values = [v for v in found if v is not None]
        actual[code] = sum(values, Decimal(0)) if values else None
    summed = Line(label, goal, actual)
    if all(w == "future" for w in whens):
        when = "future"
    elif all(w == "past" for w in whens):
        when = "past"
    else:
        when = "current"
    to_date = sum((e for e in expected if e is not None), Decimal(0))
    summed.status = judge(goal, summed.total, to_date, when)
    return summed


@dataclass(frozen=True)
class Week:
    label: str
    start: date
    #: The first day after the week's part of the month.
    end: date
    goal: Decimal
    actual: Decimal | None


def week_split(
    service: KpiService, month: str, goal: Decimal, markets: Sequence[str], currency: str
) -> list[Week]:
    """The month's goal over its (Monday-first) weeks, by the days each has in the month."""
    start, end = month_bounds(month)
    days = (end - start).days
    weeks: list[Week] = []
    first = start
    while first < end:
        last = min(end, first + timedelta(days=7 - first.weekday()))
        share = goal * (last - first).days / days
        actual: Decimal | None = None
        for code in markets:
            value = service.computed(first, last, code).get("sales")
            if value is not None:
                actual = (actual or Decimal(0)) + value
        label = t("goals_screen.week_label", week=f"{first.isocalendar().week:02d}")
        weeks.append(Week(label, first, last, share, actual))
        first = last
    return weeks


@dataclass(frozen=True)
class GoalValues:
    amount: Decimal
    currency: str
    weights: tuple[Decimal, ...]


def _number(text: str) -> Decimal:
    """An amount or a weight (``1,250.50``, ``$120,000``, full-width digits); a percentage
    is not an amount."""
    try:
        number = parse_number(text)
    except NumberError:
        raise InvalidOperation(text) from None
    if number.percent:
        raise InvalidOperation(text)
    return number.value


def parse_goal(
    amount_text: str, currency_text: str, weight_texts: Sequence[str]
) -> tuple[GoalValues | None, dict[str, str]]:
    """The form's values, or the message for each refused field (``amount``, ``currency``,
    ``weights``). Blank weights count as 1; all blank means an even split."""
    errors: dict[str, str] = {}
    amount: Decimal | None = None
    try:
        amount = _number(amount_text)
    except InvalidOperation:
        errors["amount"] = t("goal_form.not_a_number")
    if amount is not None and amount <= 0:
        errors["amount"] = t("goal_form.positive")
    currency = currency_text.strip().upper()
    if not CURRENCY.fullmatch(currency):
        errors["currency"] = t("goal_form.bad_currency")
    weights: list[Decimal] = []
    if any(text.strip() for text in weight_texts):
        for number, text in enumerate(weight_texts, start=1):
            try:
                value = _number(text) if text.strip() else Decimal(1)
            except InvalidOperation:
                errors["weights"] = t("goal_form.bad_weight", month=t(f"month.{number}"))
                break
            if value < 0:
                errors["weights"] = t("goal_form.bad_weight", month=t(f"month.{number}"))
                break
            weights.append(value)
        if "weights" not in errors and sum(weights) <= 0:
            errors["weights"] = t("goal_form.zero_weights")
    if errors or amount is None:
        return None, errors
    return GoalValues(amount, currency, tuple(weights)), {}


__all__ = [
    "CURRENCY",
    "STATUSES",
    "GoalValues",
    "Line",
    "Week",
    "YearSplit",
    "judge",
    "market_currency",
    "parse_goal",
    "stored_goal",
    "week_split",
    "year_split",
]
