"""Recurrence rules of card templates: when a card appears and which period it belongs to.

A template says *how often* (a :class:`Rule`), *at what local time* (a naive ``time``) and
*in which zone* (an IANA name, normally the marketplace's). From these this module derives:

* the fire moments — the instants a new card appears (:func:`occurrences_after`,
  :func:`latest_occurrence`);
* the period a card covers — a day, an ISO week, a month, a 14/28-day window or the
  interval between two RRULE dates (:func:`period_of`, :func:`current_period`,
  :func:`periods_between`).

Everything is computed on local calendar dates in the template's zone, so "every day at
08:00 Los Angeles time" stays 08:00 across daylight-saving changes. A local time that does
not exist (spring-forward gap) fires at the first instant after the gap; an ambiguous one
(fall-back) fires at its first instance.

The marketplace table is :mod:`~kanban_tui.domain.marketplaces`, the RRULE check
:mod:`~kanban_tui.domain.rrule_check`; how a rule reads in words is the callers' (the
catalogs, via :mod:`kanban_tui.services.rule_words`).

Pure: no I/O, no database, no UI, no i18n. Only stdlib, pydantic, dateutil and zoneinfo.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError, field_validator, model_validator

from kanban_tui.domain.marketplaces import MARKETPLACES, Marketplace, marketplace
from kanban_tui.domain.rrule_check import ONE_DAY, RuleError
from kanban_tui.domain.rrule_check import RRuleDates as _RRuleDates
from kanban_tui.domain.rrule_check import canonical_rrule as _canonical_rrule
from kanban_tui.domain.rrule_check import check_rrule_parts as _check_rrule_parts
from kanban_tui.domain.rrule_check import rrule_dates as _rrule_dates
from kanban_tui.domain.rrule_check import rrule_parts as _rrule_parts
from kanban_tui.domain.rrule_check import rule_error as _error
from kanban_tui.domain.rrule_check import split_at as _split
from kanban_tui.domain.rrule_check import strip_at as _strip

__all__ = [
    "MARKETPLACES",
    "Marketplace",
    "Period",
    "Rule",
    "RuleError",
    "RuleKind",
    "current_period",
    "fire_moment",
    "latest_occurrence",
    "local_day",
    "marketplace",
    "occurrences_after",
    "period_of",
    "periods_between",
]

#: How far back :func:`latest_occurrence` looks before giving up.
LOOKBACK_DAYS = 400
#: RRULE occurrences are generated from this local date unless the rule has an anchor.
RRULE_EPOCH = date(2000, 1, 1)


# --------------------------------------------------------------------------- rules


class RuleKind(StrEnum):
    DAILY = "daily"
    WEEKDAYS = "weekdays"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    MONTHLY_LAST = "monthly-last"
    MONTHLY_LAST_BUSINESS = "monthly-last-business"
    FOUR_WEEKLY = "4weekly"
    RRULE = "rrule"


_DAY_ABBR = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_WORDS = {
    **{abbr: i for i, abbr in enumerate(_DAY_ABBR)},
    **{name.lower(): i for i, name in enumerate(_DAY_NAMES_EN)},
}
#: Hints, as ``rule_hint.`` keys (the catalogs say them).
_WEEKDAY_HINT = "weekday"
_MON_TO_FRI = (0, 1, 2, 3, 4)

#: The words accepted before the ``:``; the enum values are accepted as aliases.
_KIND_WORDS = {kind.value: kind for kind in RuleKind}
_KIND_HINT = "kind"
_DATE_HINT = "date"
_MONTHLY_HINT = "monthly"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _parse_weekday(word: str, position: int) -> int:
    if not word:
        raise _error("missing_weekday", position, _WEEKDAY_HINT)
    try:
        return _WEEKDAY_WORDS[word.lower()]
    except KeyError:
        raise _error("unknown_weekday", position, _WEEKDAY_HINT, word=word.lower()) from None


def _parse_date(word: str, position: int) -> date:
    if not word:
        raise _error("missing_date", position, _DATE_HINT)
    if _ISO_DATE.fullmatch(word):
        with suppress(ValueError):  # well-formed but impossible, e.g. 2026-02-30
            return date.fromisoformat(word)
    raise _error("bad_date", position, _DATE_HINT, word=word)


def _parse_monthly(word: str, position: int) -> Rule:
    lowered = "".join(word.lower().split())
    if lowered == "last":
        return Rule(kind=RuleKind.MONTHLY_LAST)
    if lowered == "last-business":
        return Rule(kind=RuleKind.MONTHLY_LAST_BUSINESS)
    if not word:
        raise _error("missing_day", position, _MONTHLY_HINT)
    if not re.fullmatch("[0-9]+", word):
        raise _error("bad_day", position, _MONTHLY_HINT, word=word)
    day = int(word)
    if not 1 <= day <= 31:
        raise _error("day_out_of_range", position, _MONTHLY_HINT, day=day)
    return Rule(kind=RuleKind.MONTHLY, day=day)


# --------------------------------------------------------------------------- the rule


class Rule(BaseModel, frozen=True):
    """How often a template makes a card. See the module docstring and :meth:`parse`."""

    kind: RuleKind
    #: 0=Mon..6=Sun. WEEKDAYS: the chosen days (empty means Mon–Fri); WEEKLY: exactly one.
    weekdays: tuple[int, ...] = ()
    #: MONTHLY: 1..31; a day past the month's end means the month's last day.
    day: int | None = None
    #: BIWEEKLY / FOUR_WEEKLY: the first day of one window. RRULE: generation start.
    anchor: date | None = None
    #: RRULE: the RFC 5545 RRULE body, e.g. "FREQ=MONTHLY;BYDAY=1MO" (stored canonical).
    rrule: str | None = None

    @field_validator("weekdays")
    @classmethod
    def _sorted_weekdays(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 0 <= day <= 6 for day in value):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        return tuple(sorted(set(value)))

    @field_validator("rrule")
    @classmethod
    def _canonical(cls, value: str | None) -> str | None:
        return None if value is None else _canonical_rrule(value)

    @model_validator(mode="after")
    def _check_shape(self) -> Rule:
        kind = self.kind
        uses = {
            "weekdays": kind in (RuleKind.WEEKDAYS, RuleKind.WEEKLY),
            "day": kind is RuleKind.MONTHLY,
            "anchor": kind in (RuleKind.BIWEEKLY, RuleKind.FOUR_WEEKLY, RuleKind.RRULE),
            "rrule": kind is RuleKind.RRULE,
        }
        for field, used in uses.items():
            if not used and getattr(self, field) not in (None, ()):
                raise ValueError(f"a {kind.value} rule has no {field}")
        if kind is RuleKind.WEEKLY and len(self.weekdays) != 1:
            raise ValueError("a weekly rule has exactly one weekday")
        if kind is RuleKind.MONTHLY and (self.day is None or not 1 <= self.day <= 31):
            raise ValueError("a monthly rule needs a day from 1 to 31")
        if kind in (RuleKind.BIWEEKLY, RuleKind.FOUR_WEEKLY) and self.anchor is None:
            raise ValueError(f"a {kind.value} rule needs an anchor date")
        if kind is RuleKind.RRULE:
            if self.rrule is None:
                raise ValueError("an rrule rule needs an RRULE body")
            _rrule_dates(self.rrule, self.anchor or RRULE_EPOCH)
        return self

    # ------------------------------------------------------------ text form

    @classmethod
    def parse(cls, text: str) -> Rule:
        """Read the compact text form (case-insensitive, blanks allowed around parts).

        ``daily`` · ``weekdays`` · ``weekdays:mon,wed,fri`` · ``weekly:mon`` ·
        ``biweekly:2026-01-05`` · ``monthly:15`` · ``monthly:last`` ·
        ``monthly:last-business`` · ``4weekly:2026-01-05`` ·
        ``rrule:FREQ=MONTHLY;BYDAY=1MO`` (optionally ``rrule:RRULE:FREQ=…``, and with a
        generation start ``rrule:2026-01-05:FREQ=…``).

        Raises :class:`RuleError` with the position of the problem.
        """
        if not text.strip():
            raise _error("empty", 0, _KIND_HINT)
        head, colon, tail = text.partition(":")
        word, word_position = _strip(head, 0)
        kind = _KIND_WORDS.get(word.lower())
        if kind is None:
            raise _error("unknown_kind", word_position, _KIND_HINT, word=word.lower())
        value, position = _strip(tail, len(head) + 1) if colon else ("", len(text))
        try:
            return _parse_value(kind, value, position, tail, len(head) + 1)
        except ValidationError:  # a shape problem the checks above did not catch
            raise RuleError("invalid", rule=text.strip()) from None

    def __str__(self) -> str:
        """The compact text form, canonical lower case; ``Rule.parse(str(r)) == r``."""
        match self.kind:
            case RuleKind.WEEKDAYS if self.weekdays:
                return "weekdays:" + ",".join(_DAY_ABBR[day] for day in self.weekdays)
            case RuleKind.WEEKLY:
                return f"weekly:{_DAY_ABBR[self.weekdays[0]]}"
            case RuleKind.BIWEEKLY | RuleKind.FOUR_WEEKLY:
                return f"{self.kind.value}:{_anchor(self).isoformat()}"
            case RuleKind.MONTHLY:
                return f"monthly:{self.day}"
            case RuleKind.MONTHLY_LAST:
                return "monthly:last"
            case RuleKind.MONTHLY_LAST_BUSINESS:
                return "monthly:last-business"
            case RuleKind.RRULE:
                start = f"{self.anchor.isoformat()}:" if self.anchor else ""
                return f"rrule:{start}{self.rrule}"
            case _:
                return self.kind.value


def _parse_value(kind: RuleKind, value: str, position: int, raw: str, raw_offset: int) -> Rule:
    """Build a rule of ``kind`` from the text after the colon.

    ``value``/``position``: that text stripped and where it starts; ``raw``/``raw_offset``:
    the same text unstripped, for splitting lists with exact positions.
    """
    match kind:
        case RuleKind.DAILY | RuleKind.MONTHLY_LAST | RuleKind.MONTHLY_LAST_BUSINESS:
            if value:
                raise _error("takes_no_value", position, "just_kind", kind=kind.value)
            return Rule(kind=kind)
        case RuleKind.WEEKDAYS:
            if not value:
                return Rule(kind=kind)
            days = [_parse_weekday(word, at) for word, at in _split(raw, raw_offset, ",")]
            return Rule(kind=kind, weekdays=tuple(days))
        case RuleKind.WEEKLY:
            words = _split(raw, raw_offset, ",") if value else [(value, position)]
            if len(words) > 1:
                raise _error("one_weekday", words[1][1], "weekly_example")
            return Rule(kind=kind, weekdays=(_parse_weekday(*words[0]),))
        case RuleKind.BIWEEKLY | RuleKind.FOUR_WEEKLY:
            return Rule(kind=kind, anchor=_parse_date(value, position))
        case RuleKind.MONTHLY:
            return _parse_monthly(value, position)
        case RuleKind.RRULE:
            return _parse_rrule(value, position)
    raise AssertionError(kind)  # pragma: no cover


def _parse_rrule(value: str, position: int) -> Rule:
    anchor = None
    start = re.match(r"([0-9][0-9-]*)\s*:", value)
    if start:
        anchor = _parse_date(start.group(1), position)
        value, position = _strip(value[start.end() :], position + start.end())
    parts, body_position = _rrule_parts(value, position)
    body = _check_rrule_parts(parts, body_position, anchor or RRULE_EPOCH)
    return Rule(kind=RuleKind.RRULE, rrule=body, anchor=anchor)


def _anchor(rule: Rule) -> date:
    if rule.anchor is None:  # pragma: no cover - excluded by Rule's validation
        raise ValueError(f"a {rule.kind.value} rule needs an anchor date")
    return rule.anchor


# --------------------------------------------------------------------------- periods


class Period(BaseModel, frozen=True):
    """The stretch of local days one card covers: ``[start, end)``."""

    #: "2026-11-25" (day), "2026-W48" (ISO week), "2026-11" (month), or the start date
    #: of a 14/28-day window or RRULE interval.
    key: str
    start: date
    #: The first local day after the period.
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def _day_period(day: date) -> Period:
    return Period(key=day.isoformat(), start=day, end=day + ONE_DAY)


def _days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _last_business_day(year: int, month: int) -> date:
    last = date(year, month, _days_in_month(year, month))
    return last - timedelta(days=max(0, last.weekday() - 4))


def period_of(rule: Rule, day: date) -> Period:
    """The period of ``rule`` that contains the local date ``day``.

    DAILY/WEEKDAYS: the day. WEEKLY: the ISO week. MONTHLY*: the calendar month.
    BIWEEKLY/FOUR_WEEKLY: the 14/28-day window aligned on the anchor (also before it).
    RRULE: from the occurrence on or before ``day`` up to the next occurrence; a day before
    the first occurrence, or after the last one of a finite rule, is its own one-day period
    (and so is the last occurrence).
    """
    match rule.kind:
        case RuleKind.DAILY | RuleKind.WEEKDAYS:
            return _day_period(day)
        case RuleKind.WEEKLY:
            iso = day.isocalendar()
            start = day - timedelta(days=day.weekday())
            return Period(key=f"{iso.year}-W{iso.week:02d}", start=start, end=start + 7 * ONE_DAY)
        case RuleKind.MONTHLY | RuleKind.MONTHLY_LAST | RuleKind.MONTHLY_LAST_BUSINESS:
            start = day.replace(day=1)
            end = start + _days_in_month(day.year, day.month) * ONE_DAY
            return Period(key=f"{day.year:04d}-{day.month:02d}", start=start, end=end)
        case RuleKind.BIWEEKLY | RuleKind.FOUR_WEEKLY:
            length = 14 if rule.kind is RuleKind.BIWEEKLY else 28
            anchor = _anchor(rule)
            start = anchor + ((day - anchor).days // length * length) * ONE_DAY
            return Period(key=start.isoformat(), start=start, end=start + length * ONE_DAY)
        case RuleKind.RRULE:
            dates = _dates_of(rule)
            previous = dates.last_on_or_before(day)
            if previous is None:
                return _day_period(day)
            following = dates.first_after(previous)
            if following is None:
                return _day_period(day)
            return Period(key=previous.isoformat(), start=previous, end=following)
    raise AssertionError(rule.kind)  # pragma: no cover


# --------------------------------------------------------------------------- occurrences


def _dates_of(rule: Rule) -> _RRuleDates:
    if rule.rrule is None:  # pragma: no cover - excluded by Rule's validation
        raise ValueError("not an rrule rule")
    return _rrule_dates(rule.rrule, rule.anchor or RRULE_EPOCH)


def _is_occurrence(rule: Rule, day: date) -> bool:
    """Whether a card of a non-RRULE rule appears on the local date ``day``."""
    match rule.kind:
        case RuleKind.DAILY:
            return True
        case RuleKind.WEEKDAYS:
            return day.weekday() in (rule.weekdays or _MON_TO_FRI)
        case RuleKind.WEEKLY:
            return day.weekday() == rule.weekdays[0]
        case RuleKind.BIWEEKLY:
            return (day - _anchor(rule)).days % 14 == 0
        case RuleKind.FOUR_WEEKLY:
            return (day - _anchor(rule)).days % 28 == 0
        case RuleKind.MONTHLY:
            return day.day == min(rule.day or 1, _days_in_month(day.year, day.month))
        case RuleKind.MONTHLY_LAST:
            return day.day == _days_in_month(day.year, day.month)
        case RuleKind.MONTHLY_LAST_BUSINESS:
            return day == _last_business_day(day.year, day.month)
    raise AssertionError(rule.kind)  # pragma: no cover


def _dates_from(rule: Rule, start: date) -> Iterator[date]:
    """Occurrence dates on or after ``start``, ascending (endless unless a finite RRULE)."""
    if rule.kind is RuleKind.RRULE:
        yield from _dates_of(rule).from_day(start)
        return
    day = start
    while True:
        if _is_occurrence(rule, day):
            yield day
        day += ONE_DAY


def _dates_back(rule: Rule, last: date, first: date) -> Iterator[date]:
    """Occurrence dates in ``[first, last]``, newest first."""
    if rule.kind is RuleKind.RRULE:
        yield from reversed(_dates_of(rule).between(first, last))
        return
    day = last
    while day >= first:
        if _is_occurrence(rule, day):
            yield day
        day -= ONE_DAY


@lru_cache(maxsize=64)
def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {tz!r}") from None


def _utc(name: str, moment: datetime) -> datetime:
    """``moment`` in UTC; refuses naive datetimes.

    Comparisons are made in UTC because two datetimes in the same zone compare by wall
    clock, which is wrong during a fall-back hour (PEP 495).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC)


def _require_naive_time(at: time) -> None:
    if at.tzinfo is not None:
        raise ValueError(f"the time of day is a local wall-clock time without a zone, got {at!r}")


def _resolve(local: datetime, zone: ZoneInfo) -> datetime:
    """The instant the wall-clock time ``local`` (naive) happens in ``zone``.

    An ambiguous time (fall-back) gives its first instance; a time that does not exist
    (spring-forward gap) gives the first instant after the gap.
    """
    first = local.replace(tzinfo=zone, fold=0)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local:
        return first
    # In a gap: fold=1 reads the time with the offset after the change (an instant before
    # the change), fold=0 with the offset before it (an instant after the change). Find the
    # change itself, to the second, between the two.
    before = int(local.replace(tzinfo=zone, fold=1).timestamp())
    after = int(first.timestamp())
    new_offset = datetime.fromtimestamp(after, zone).utcoffset()
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == new_offset:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, zone)


def fire_moment(day: date, at: time, tz: str) -> datetime:
    """The instant a card for local date ``day`` appears: ``day`` at ``at`` in ``tz``."""
    _require_naive_time(at)
    return _resolve(datetime.combine(day, at), _zone(tz))


def local_day(now: datetime, tz: str) -> date:
    """The calendar date in ``tz`` at the instant ``now``."""
    return _utc("now", now).astimezone(_zone(tz)).date()


def occurrences_after(rule: Rule, at: time, tz: str, after: datetime, count: int) -> list[datetime]:
    """The next ``count`` fire moments strictly after ``after``, as aware times in ``tz``.

    Fewer (possibly none) when a finite RRULE runs out.
    """
    after = _utc("after", after)
    _require_naive_time(at)
    zone = _zone(tz)
    moments: list[datetime] = []
    if count <= 0:
        return moments
    for day in _dates_from(rule, local_day(after, tz) - ONE_DAY):
        moment = _resolve(datetime.combine(day, at), zone)
        if moment > after:
            moments.append(moment)
            if len(moments) == count:
                break
    return moments


def latest_occurrence(rule: Rule, at: time, tz: str, now: datetime) -> datetime | None:
    """The most recent fire moment at or before ``now``; None if there was none in the
    last 400 days."""
    now = _utc("now", now)
    _require_naive_time(at)
    zone = _zone(tz)
    today = local_day(now, tz)
    for day in _dates_back(rule, today + ONE_DAY, today - LOOKBACK_DAYS * ONE_DAY):
        moment = _resolve(datetime.combine(day, at), zone)
        if moment <= now:
            return moment
    return None


def current_period(rule: Rule, at: time, tz: str, now: datetime) -> Period | None:
    """The period whose card should exist at ``now``.

    That is the period of the latest fire moment, as long as it still contains today's
    local date; None when it has ended and the next card has not appeared yet.
    """
    latest = latest_occurrence(rule, at, tz, now)
    if latest is None:
        return None
    period = period_of(rule, latest.astimezone(_zone(tz)).date())
    return period if period.contains(local_day(now, tz)) else None


def periods_between(rule: Rule, at: time, tz: str, since: datetime, now: datetime) -> list[Period]:
    """The distinct periods whose fire moment lies in ``(since, now]``, oldest first.

    Used to record the periods missed while the app was closed.
    """
    since = _utc("since", since)
    now = _utc("now", now)
    _require_naive_time(at)
    if now <= since:
        return []
    zone = _zone(tz)
    last = local_day(now, tz) + ONE_DAY
    periods: list[Period] = []
    seen: set[str] = set()
    for day in _dates_from(rule, local_day(since, tz) - ONE_DAY):
        if day > last:
            break
        moment = _resolve(datetime.combine(day, at), zone)
        if since < moment <= now:
            period = period_of(rule, day)
            if period.key not in seen:
                seen.add(period.key)
                periods.append(period)
    return periods
