"""Recurring templates as an iCalendar (RFC 5545) file for Google Calendar or Outlook.

One VEVENT per active template: it starts at the template's next card (its local time in
its marketplace's zone, with a VTIMEZONE for every zone used), repeats with the RRULE that
produces the same dates as the board's own rule, lasts the template's estimate and reminds
10 minutes before. The UID is stable per template, so importing the file again updates the
events instead of duplicating them.

The board's compact rules map to RRULEs as follows (``first`` is the next occurrence):

==========================  =====================================================
``daily``                   ``FREQ=DAILY``
``weekdays[:mon,wed]``      ``FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR`` (or the chosen days)
``weekly:mon``              ``FREQ=WEEKLY;BYDAY=MO``
``biweekly:<anchor>``       ``FREQ=WEEKLY;INTERVAL=2`` (``first`` is anchor-aligned)
``4weekly:<anchor>``        ``FREQ=WEEKLY;INTERVAL=4``
``monthly:N`` (N ≤ 28)      ``FREQ=MONTHLY;BYMONTHDAY=N``
``monthly:N`` (N > 28)      ``FREQ=MONTHLY;BYMONTHDAY=28,…,N;BYSETPOS=-1`` — day N, or
                            the month's last day when it has fewer days (as the board)
``monthly:last``            ``FREQ=MONTHLY;BYMONTHDAY=-1``
``monthly:last-business``   ``FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1``
``rrule:…``                 the RRULE itself; a ``COUNT`` is reduced by the occurrences
                            before ``first``, a local ``UNTIL`` becomes the end of that
                            day in UTC (RFC 5545 wants UTC with a TZID start)
==========================  =====================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Alarm, Calendar, Event, vRecur

from kanban_tui import __version__
from kanban_tui.domain.recurrence import (
    RRULE_EPOCH,
    Rule,
    RuleKind,
    marketplace,
    occurrences_after,
)
from kanban_tui.domain.schedule import parse_at
from kanban_tui.format import category_label
from kanban_tui.i18n import t
from kanban_tui.services.templates import TemplateRow

#: Minutes before the start the reminder shows.
REMINDER_MINUTES = 10
#: Length of an event whose template has no estimate.
DEFAULT_MINUTES = 15
PRODID = f"-//seller-kanban//seller-kanban {__version__}//EN"
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def uid(template_id: int) -> str:
    return f"template-{template_id}@seller-kanban"


def rrule_text(rule: Rule, first: date, tz: str) -> str | None:
    """The RFC 5545 RRULE (without ``RRULE:``) repeating ``rule`` from its occurrence on
    ``first``; None when a finite rule has no occurrence from ``first`` on."""
    match rule.kind:
        case RuleKind.DAILY:
            return "FREQ=DAILY"
        case RuleKind.WEEKDAYS:
            days = rule.weekdays or (0, 1, 2, 3, 4)
            return "FREQ=WEEKLY;BYDAY=" + ",".join(_BYDAY[day] for day in days)
        case RuleKind.WEEKLY:
            return f"FREQ=WEEKLY;BYDAY={_BYDAY[rule.weekdays[0]]}"
        case RuleKind.BIWEEKLY:
            return "FREQ=WEEKLY;INTERVAL=2"
        case RuleKind.FOUR_WEEKLY:
            return "FREQ=WEEKLY;INTERVAL=4"
        case RuleKind.MONTHLY:
            day = rule.day or 1
            if day <= 28:
                return f"FREQ=MONTHLY;BYMONTHDAY={day}"
            candidates = ",".join(str(n) for n in range(28, day + 1))
            return f"FREQ=MONTHLY;BYMONTHDAY={candidates};BYSETPOS=-1"
        case RuleKind.MONTHLY_LAST:
            return "FREQ=MONTHLY;BYMONTHDAY=-1"
        case RuleKind.MONTHLY_LAST_BUSINESS:
            return "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
        case RuleKind.RRULE:
            return _custom(rule, first, tz)
    raise AssertionError(rule.kind)  # pragma: no cover


def _custom(rule: Rule, first: date, tz: str) -> str | None:
    assert rule.rrule is not None
    parts: list[str] = []
    for part in rule.rrule.split(";"):
        key, _, value = part.partition("=")
        if key == "COUNT":
            # the board counts from the rule's own start; the calendar from ``first``
            start = datetime.combine(rule.anchor or RRULE_EPOCH, time())
            series = rrulestr(rule.rrule, dtstart=start)
            before = sum(1 for moment in series if moment.date() < first)
            remaining = int(value) - before
            if remaining <= 0:
                return None
            part = f"COUNT={remaining}"
        elif key == "UNTIL":
            last = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
            if last < first:
                return None
            end = datetime.combine(last, time(23, 59, 59), tzinfo=ZoneInfo(tz))
            part = "UNTIL=" + end.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        parts.append(part)
    return ";".join(parts)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _clean(text: str) -> str:
    """Text for a calendar property: no control characters (RFC 5545 allows none but
    the line breaks it escapes itself), so a title cannot carry a terminal escape."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def event(row: TemplateRow, now: datetime, lang: str) -> Event | None:
    """The template's VEVENT, or None when its rule produces no more cards."""
    rule = Rule.parse(row.rule)
    at = parse_at(row.at)
    tz = marketplace(row.marketplace).tz
    zone = ZoneInfo(tz)
    upcoming = occurrences_after(rule, at, tz, now, 1)
    if not upcoming:
        return None
    first = upcoming[0].astimezone(zone).date()
    recurrence = rrule_text(rule, first, tz)
    if recurrence is None:
        return None
    title = _clean(row.title(lang))
    item = Event()
    item.add("uid", uid(row.id))
    item.add("dtstamp", now.astimezone(UTC))
    # the wall-clock time in the zone, as the board means it (also across DST changes)
    item.add("dtstart", datetime.combine(first, at, tzinfo=zone))
    item.add("duration", timedelta(minutes=row.estimate_minutes or DEFAULT_MINUTES))
    item.add("rrule", vRecur.from_ical(recurrence))
    item.add("summary", title)
    details = [row.describe(lang)]
    if row.checklist:
        details += ["", *(f"- {line}" for line in row.checklist)]
    item.add("description", _clean("\n".join(details)))
    if row.category:
        item.add("categories", [_clean(category_label(row.category))])
    item.add("transp", "TRANSPARENT")
    reminder = Alarm()
    reminder.add("action", "DISPLAY")
    reminder.add("description", title)
    reminder.add("trigger", timedelta(minutes=-REMINDER_MINUTES))
    item.add_component(reminder)
    return item


def calendar(rows: Iterable[TemplateRow], now: datetime, lang: str) -> Calendar:
    """A VCALENDAR with one VEVENT per active template and the VTIMEZONEs they use."""
    result = Calendar()
    result.add("prodid", PRODID)
    result.add("version", "2.0")
    result.add("calscale", "GREGORIAN")
    result.add("method", "PUBLISH")
    result.add("x-wr-calname", t("export.calendar_name"))
    for row in rows:
        if not row.active:
            continue
        found = event(row, now, lang)
        if found is not None:
            result.add_component(found)
    # the zones' rules from just before the first event on (the events never start earlier)
    result.add_missing_timezones(first_date=now.date() - timedelta(days=7))
    return result


def to_ics(rows: Iterable[TemplateRow], now: datetime, lang: str) -> bytes:
    """The calendar file's bytes (CRLF line endings, folded lines, UTF-8)."""
    return calendar(rows, now, lang).to_ical()
