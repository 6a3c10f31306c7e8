"""The time budget: today's load against capacity, and the plan's week by category.

The seed's marks: keep 10–15 % of the day free for incidents; top sellers give about 23 %
of their time to analysis and strategy, newcomers about 9 %.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from kanban_tui.domain.models import Column, Priority
from kanban_tui.domain.recurrence import Rule, RuleKind, marketplace, occurrences_after
from kanban_tui.domain.schedule import parse_at
from kanban_tui.services.board import BoardService, CardRow
from kanban_tui.services.templates import TemplateService

#: Categories that count as analysis and strategy: reviews, planning, keyword and
#: competitor research, and pricing (the seed: "依据BSR变动趋势调整定价策略" — adjusting
#: the pricing *strategy* from BSR trends is strategy work, not routine upkeep).
ANALYSIS = frozenset({"review", "planning", "keywords", "competitors", "pricing"})
#: The mean length of a Gregorian year in days (400-year cycle).
YEAR_DAYS = 365.2425
#: 28 years from 2001 hold exactly 1,461 weeks and repeat the calendar's weekdays.
_CYCLE_WEEKS = 1461
TOP_SELLER_SHARE = 0.23
NEWCOMER_SHARE = 0.09
BUFFER_LOW, BUFFER_HIGH = 0.10, 0.15
_DEFER_ORDER = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


@dataclass(frozen=True)
class DayLoad:
    """Today's open Daily cards against the day's capacity (work hours minus the buffer)."""

    planned_minutes: int
    capacity_minutes: int
    buffer_minutes: int
    incident_minutes: int
    suggestions: tuple[CardRow, ...] = ()

    @property
    def over(self) -> bool:
        return self.planned_minutes > self.capacity_minutes

    @property
    def ratio(self) -> float:
        return self.planned_minutes / self.capacity_minutes if self.capacity_minutes else 0.0

    @property
    def buffer_left(self) -> int:
        return max(0, self.buffer_minutes - self.incident_minutes)


def buffer_warning(buffer: float) -> bool:
    """True when the incident buffer is outside the seed's 10–15 %."""
    return not BUFFER_LOW <= buffer <= BUFFER_HIGH


def day_load(cards: BoardService, work_hours: float, buffer: float) -> DayLoad:
    _, planned = cards.summary(Column.DAILY)
    day_minutes = round(work_hours * 60)
    buffer_minutes = round(day_minutes * buffer)
    capacity = day_minutes - buffer_minutes
    incidents = incident_minutes_today(cards)
    suggestions: list[CardRow] = []
    if planned > capacity:
        rows = cards.rows(Column.DAILY, 0, -1)  # only read the cards when over
        excess = planned - capacity
        candidates = sorted(
            (
                r
                for r in rows
                if r.priority in (Priority.LOW, Priority.NORMAL) and r.estimate_minutes
            ),
            key=lambda r: (_DEFER_ORDER[r.priority], -r.estimate_minutes, -r.position),
        )
        for row in candidates:
            if excess <= 0:
                break
            suggestions.append(row)
            excess -= row.estimate_minutes
    return DayLoad(planned, capacity, buffer_minutes, incidents, tuple(suggestions))


def incident_minutes_today(cards: BoardService) -> int:
    """Minutes logged today on incident cards (running timers included)."""
    now = cards.clock()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    total = 0
    for row in cards.incidents():
        if row.updated_at.replace(tzinfo=row.updated_at.tzinfo or UTC) >= start:
            total += row.spent_minutes
        if row.timer_started_at is not None:
            started = row.timer_started_at.replace(tzinfo=row.timer_started_at.tzinfo or UTC)
            total += max(0, int((now.astimezone(UTC) - max(started, start)).total_seconds() // 60))
    return total


@dataclass
class WeekPlan:
    """Planned minutes per category for an average week of the plan."""

    minutes: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.minutes.values())

    @property
    def analysis_share(self) -> float | None:
        total = self.total
        if not total:
            return None
        return sum(v for k, v in self.minutes.items() if k in ANALYSIS) / total


def per_week(rule: Rule, at: time, tz: str, now: datetime) -> float:
    """How many cards ``rule`` makes in an average week over a whole cycle of the rule.

    Exact for the built-in rules (a monthly task: 12 × 7 / 365.2425 ≈ 0.23 a week, in every
    week of the year); an RRULE is counted over the 28 years (1,461 weeks) from ``now``.
    """
    match rule.kind:
        case RuleKind.DAILY:
            return 7.0
        case RuleKind.WEEKDAYS:
            return float(len(rule.weekdays or range(5)))
        case RuleKind.WEEKLY:
            return 1.0
        case RuleKind.BIWEEKLY:
            return 0.5
        case RuleKind.FOUR_WEEKLY:
            return 0.25
        case RuleKind.MONTHLY | RuleKind.MONTHLY_LAST | RuleKind.MONTHLY_LAST_BUSINESS:
            return 12 * 7 / YEAR_DAYS
    end = now + timedelta(weeks=_CYCLE_WEEKS)
    found = occurrences_after(rule, at, tz, now - timedelta(seconds=1), _CYCLE_WEEKS * 7 + 1)
    return sum(1 for moment in found if moment < end) / _CYCLE_WEEKS


def week_plan(
    templates: TemplateService, cards: BoardService, now: datetime | None = None
) -> WeekPlan:
    """The recurring plan's average week — each active template's estimate times its
    cards per week averaged over a whole cycle (see :func:`per_week`), so the shares do
    not depend on the week shown — plus the manual cards open in Daily and Weekly."""
    now = now or templates.clock()
    minutes: dict[str, float] = defaultdict(float)
    for row in templates.rows(include_paused=False):
        rule = Rule.parse(row.rule)
        zone = marketplace(row.marketplace).tz
        rate = per_week(rule, parse_at(row.at), zone, now)
        minutes[row.category or "other"] += row.estimate_minutes * rate
    for column in (Column.DAILY, Column.WEEKLY):
        for card in cards.rows(column, 0, -1):
            if card.template_id is None:
                minutes[card.category or "other"] += card.estimate_minutes
    return WeekPlan(dict(minutes))
