"""The RRULE check: an RFC 5545 RRULE body read part by part, refused with the position
and a hint where it is wrong, and its dates generated lazily for the rules.

Also the error every rule problem raises (:class:`RuleError`) and the text helpers that
keep exact positions. Pure: no I/O, no database, no UI, no i18n.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from dateutil.rrule import rrulestr

ONE_DAY = timedelta(days=1)


class RuleError(ValueError):
    """A rule (or marketplace code) that cannot be understood.

    The domain knows no language: ``problem`` is a catalog key under ``rule_error.``,
    ``hint`` one under ``rule_hint.`` (or empty) and ``values`` fill both; the services
    say it in the reader's language (``services.messages.rule_message``). ``position`` is
    the 0-based index into the rule text where the problem starts, when there is one.
    """

    def __init__(
        self, problem: str, position: int | None = None, hint: str = "", **values: object
    ) -> None:
        super().__init__(problem, position, hint, values)
        self.problem = problem
        self.position = position
        self.hint = hint
        self.values = values

    def __str__(self) -> str:
        """The key and its values, for a log (never shown to a user as is)."""
        where = "" if self.position is None else f" at {self.position}"
        return f"rule_error.{self.problem}{where} {self.values}"


def rule_error(problem: str, position: int, hint: str = "", **values: object) -> RuleError:
    """A :class:`RuleError` placed at ``position`` (see the class for the keys)."""
    return RuleError(problem, position, hint, **values)


def strip_at(text: str, offset: int) -> tuple[str, int]:
    """``text`` without surrounding blanks, and the absolute position where it starts.

    ``offset`` is where ``text`` starts in the whole rule. A blank ``text`` is placed at
    its end, which is where the missing value was expected.
    """
    stripped = text.strip()
    if not stripped:
        return "", offset + len(text)
    return stripped, offset + text.index(stripped[0])


def split_at(text: str, offset: int, separator: str) -> list[tuple[str, int]]:
    """``text`` split on ``separator``, each part stripped and with its absolute position."""
    parts = []
    for raw in text.split(separator):
        parts.append(strip_at(raw, offset))
        offset += len(raw) + len(separator)
    return parts


# ----------------------------------------------------------------- RRULE bodies

_RRULE_HINT = "rrule_example"
_RRULE_KEYS = (
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
)
_TIME_OF_DAY_KEYS = ("BYHOUR", "BYMINUTE", "BYSECOND")
_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_RRULE_DAY = re.compile(r"([+-]?)([0-9]{0,2})(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL = re.compile(r"[0-9]{8}(T[0-9]{6})?")
#: Allowed magnitude of each number in an integer-list part (0 is never allowed).
_NUMBER_LIMITS = {
    "BYMONTH": 12,
    "BYMONTHDAY": 31,
    "BYYEARDAY": 366,
    "BYWEEKNO": 53,
    "BYSETPOS": 366,
}
#: The hint (a ``rule_hint.`` key) for a bad value of each key.
_VALUE_HINTS = {
    "FREQ": "freq",
    "INTERVAL": "whole_number",
    "COUNT": "whole_number",
    "UNTIL": "until",
    "BYDAY": "byday",
    "BYMONTHDAY": "bymonthday",
    "BYYEARDAY": "byyearday",
    "BYWEEKNO": "byweekno",
    "BYMONTH": "bymonth",
    "BYSETPOS": "bysetpos",
    "WKST": "wkst",
}


def _valid_rrule_value(key: str, value: str) -> bool:
    """Whether ``value`` is well-formed for ``key`` (ranges included)."""
    items = value.split(",")
    if key == "FREQ":
        return value in _FREQUENCIES
    if key in ("INTERVAL", "COUNT"):
        return re.fullmatch("[0-9]+", value) is not None and int(value) >= 1
    if key == "UNTIL":
        return _UNTIL.fullmatch(value) is not None
    if key == "WKST":
        return value in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    if key == "BYDAY":
        for item in items:
            match = _RRULE_DAY.fullmatch(item)
            if match is None or (match.group(1) and not match.group(2)):
                return False
            if match.group(2) and not 1 <= int(match.group(2)) <= 53:
                return False
        return True
    limit = _NUMBER_LIMITS[key]
    return all(
        re.fullmatch(r"[+-]?[0-9]+", item) and 1 <= abs(int(item)) <= limit for item in items
    )


def rrule_parts(body: str, offset: int = 0) -> tuple[list[tuple[str, int]], int]:
    """Check an RRULE body part by part; return its canonical parts with their positions,
    and where the body proper starts (after an optional ``RRULE:`` prefix).

    Canonical parts are ``KEY=VALUE`` in upper case without blanks, in the given order.
    ``offset`` is where ``body`` starts in the whole rule text, for error positions.
    Whether the parts make sense together is checked by :func:`rrule_dates`.
    """
    text, position = strip_at(body, offset)
    if text.upper().startswith("RRULE:"):
        text, position = strip_at(text[len("RRULE:") :], position + len("RRULE:"))
    if not text:
        raise rule_error("missing_rrule", position, _RRULE_HINT)
    parts: list[tuple[str, int]] = []
    seen: set[str] = set()
    for part, part_position in split_at(text, position, ";"):
        if not part:
            continue  # tolerate "FREQ=DAILY;" and ";;"
        key, equals, value = part.partition("=")
        key = key.strip().upper()
        value = "".join(value.split()).upper()
        if key.startswith("DTSTART"):
            raise rule_error("dtstart", part_position, "dtstart")
        if key in _TIME_OF_DAY_KEYS:
            raise rule_error("time_of_day_key", part_position, "time_of_day", key=key)
        if not equals:
            raise rule_error("no_equals", part_position, "key_value", part=part)
        if key not in _RRULE_KEYS:
            keys = ", ".join(_RRULE_KEYS)
            raise rule_error("unknown_key", part_position, "keys", key=key, keys=keys)
        if key in seen:
            raise rule_error("key_twice", part_position, key=key)
        if {key, *seen} >= {"COUNT", "UNTIL"}:
            raise rule_error("count_and_until", part_position, "keep_one")
        if key == "FREQ" and value in ("HOURLY", "MINUTELY", "SECONDLY"):
            raise rule_error("freq_unsupported", part_position, "once_a_day", value=value)
        if not _valid_rrule_value(key, value):
            part = f"{key}={value}"
            raise rule_error("bad_value", part_position, _VALUE_HINTS[key], part=part)
        seen.add(key)
        parts.append((f"{key}={value}", part_position))
    if "FREQ" not in seen:
        raise rule_error("no_freq", position, _RRULE_HINT)
    return parts, position


def canonical_rrule(body: str) -> str:
    """``body`` checked and in canonical form (see :func:`rrule_parts`)."""
    return ";".join(part for part, _ in rrule_parts(body)[0])


class RRuleDates:
    """The occurrence dates of one RRULE, generated lazily and kept sorted for bisection.

    Raises ``ValueError``/``TypeError`` when dateutil refuses the rule.
    """

    def __init__(self, body: str, start: date) -> None:
        rule = rrulestr(body, dtstart=datetime.combine(start, time()))
        self._source: Iterator[datetime] = iter(rule)
        self._dates: list[date] = []
        self._exhausted = False
        self._lock = threading.Lock()

    def _grow(self) -> bool:
        """Generate one more date; False when the rule has no more."""
        with self._lock:
            if self._exhausted:
                return False
            try:
                self._dates.append(next(self._source).date())
            except StopIteration:
                self._exhausted = True
                return False
            return True

    def _cover(self, day: date) -> None:
        """Generate until the first date after ``day`` is known (or there is none)."""
        while not self._dates or self._dates[-1] <= day:
            if not self._grow():
                return

    def last_on_or_before(self, day: date) -> date | None:
        self._cover(day)
        index = bisect_right(self._dates, day)
        return self._dates[index - 1] if index else None

    def first_after(self, day: date) -> date | None:
        self._cover(day)
        index = bisect_right(self._dates, day)
        return self._dates[index] if index < len(self._dates) else None

    def from_day(self, start: date) -> Iterator[date]:
        """Dates on or after ``start``, ascending."""
        self._cover(start)
        index = bisect_left(self._dates, start)
        while index < len(self._dates) or self._grow():
            yield self._dates[index]
            index += 1

    def between(self, first: date, last: date) -> list[date]:
        """Dates in ``[first, last]``, ascending."""
        self._cover(last)
        return self._dates[bisect_left(self._dates, first) : bisect_right(self._dates, last)]


def _refused_by_dateutil(body: str, start: date) -> bool:
    try:
        RRuleDates(body, start)
    except (ValueError, TypeError, KeyError):
        return True
    return False


@lru_cache(maxsize=256)
def rrule_dates(body: str, start: date) -> RRuleDates:
    """The occurrence dates of a canonical RRULE body generated from the local ``start``.

    Raises :class:`RuleError` (without a position) when dateutil refuses the rule or when
    it never produces a date. An impossible rule (FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30)
    takes dateutil a few seconds to rule out; possible ones answer at once.
    """
    try:
        dates = RRuleDates(body, start)
    except (ValueError, TypeError, KeyError):
        raise RuleError("refused", body=body) from None
    if dates.first_after(start - ONE_DAY) is None:
        raise RuleError("no_dates_from", body=body, start=start.isoformat())
    return dates


def check_rrule_parts(parts: list[tuple[str, int]], body_position: int, start: date) -> str:
    """The canonical body of ``parts`` once dateutil accepts it and it produces dates;
    otherwise a :class:`RuleError` placed at the first part dateutil refuses on its own
    (next to FREQ), or at the start of the body."""
    body = ";".join(part for part, _ in parts)
    if _refused_by_dateutil(body, start):
        freq = next(part for part, _ in parts if part.startswith("FREQ="))
        for part, position in parts:
            alone = part if part == freq else f"{freq};{part}"
            if _refused_by_dateutil(alone, start):
                key = part.partition("=")[0]
                raise rule_error("bad_value", position, _VALUE_HINTS[key], part=part)
        raise rule_error("not_valid", body_position, _RRULE_HINT)
    try:
        rrule_dates(body, start)
    except RuleError:
        raise rule_error("no_dates", body_position, "impossible") from None
    return body
