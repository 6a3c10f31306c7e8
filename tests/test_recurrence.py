"""Tests of the pure recurrence rules (kanban_tui.domain.recurrence)."""

from __future__ import annotations

import re
import string
import timeit
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kanban_tui.domain.recurrence import (
    MARKETPLACES,
    Period,
    Rule,
    RuleError,
    RuleKind,
    current_period,
    fire_moment,
    latest_occurrence,
    local_day,
    marketplace,
    occurrences_after,
    period_of,
    periods_between,
)
from kanban_tui.i18n import set_language
from kanban_tui.services.messages import rule_message
from kanban_tui.services.rule_words import describe_rule, zone_label

LA = "America/Los_Angeles"
BERLIN = "Europe/Berlin"
TOKYO = "Asia/Tokyo"
ZONES = [LA, BERLIN, TOKYO, "Pacific/Kiritimati", "UTC"]

# --------------------------------------------------------------------------- strategies

RRULE_BODIES = [
    "FREQ=MONTHLY;BYDAY=1MO",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
    "FREQ=DAILY;INTERVAL=3",
    "FREQ=MONTHLY;BYMONTHDAY=-1",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",  # leap days only: gaps longer than 400 days
    "FREQ=WEEKLY;COUNT=6",  # finite
    "FREQ=MONTHLY;UNTIL=20350630",  # finite (after every anchor drawn below)
]

weekday_numbers = st.integers(0, 6)
anchors = st.dates(date(2020, 1, 1), date(2032, 12, 31))
rules = st.one_of(
    st.just(Rule(kind=RuleKind.DAILY)),
    st.lists(weekday_numbers, unique=True, max_size=7).map(
        lambda days: Rule(kind=RuleKind.WEEKDAYS, weekdays=tuple(days))
    ),
    weekday_numbers.map(lambda day: Rule(kind=RuleKind.WEEKLY, weekdays=(day,))),
    anchors.map(lambda anchor: Rule(kind=RuleKind.BIWEEKLY, anchor=anchor)),
    anchors.map(lambda anchor: Rule(kind=RuleKind.FOUR_WEEKLY, anchor=anchor)),
    st.integers(1, 31).map(lambda day: Rule(kind=RuleKind.MONTHLY, day=day)),
    st.sampled_from([Rule(kind=RuleKind.MONTHLY_LAST), Rule(kind=RuleKind.MONTHLY_LAST_BUSINESS)]),
    st.builds(
        lambda body, anchor: Rule(kind=RuleKind.RRULE, rrule=body, anchor=anchor),
        st.sampled_from(RRULE_BODIES),
        st.none() | anchors,
    ),
)
# Times inside the DST gaps and overlaps of the zones above come up often on purpose.
times = st.one_of(
    st.sampled_from([time(0, 0), time(1, 30), time(2, 0), time(2, 30), time(8, 0), time(23, 59)]),
    st.times(),
)
zones = st.sampled_from(ZONES)
instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
#: Up to 120 days, in seconds.
spans = st.integers(0, 120 * 24 * 3600)

fast = settings(max_examples=120, deadline=None)


def at_utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def in_utc(moments: list[datetime]) -> list[datetime]:
    """Instants compared as instants: two datetimes in one zone compare by wall clock, and
    an ambiguous wall time never equals a datetime in another zone (PEP 495)."""
    return [moment.astimezone(UTC) for moment in moments]


# --------------------------------------------------------------------------- text form

PARSED = [
    ("daily", Rule(kind=RuleKind.DAILY)),
    ("weekdays", Rule(kind=RuleKind.WEEKDAYS)),
    ("weekdays:mon,wed,fri", Rule(kind=RuleKind.WEEKDAYS, weekdays=(0, 2, 4))),
    ("weekly:mon", Rule(kind=RuleKind.WEEKLY, weekdays=(0,))),
    ("biweekly:2026-01-05", Rule(kind=RuleKind.BIWEEKLY, anchor=date(2026, 1, 5))),
    ("monthly:15", Rule(kind=RuleKind.MONTHLY, day=15)),
    ("monthly:last", Rule(kind=RuleKind.MONTHLY_LAST)),
    ("monthly:last-business", Rule(kind=RuleKind.MONTHLY_LAST_BUSINESS)),
    ("4weekly:2026-01-05", Rule(kind=RuleKind.FOUR_WEEKLY, anchor=date(2026, 1, 5))),
    ("rrule:FREQ=MONTHLY;BYDAY=1MO", Rule(kind=RuleKind.RRULE, rrule="FREQ=MONTHLY;BYDAY=1MO")),
    (
        "rrule:2026-01-05:FREQ=WEEKLY;INTERVAL=2",
        Rule(kind=RuleKind.RRULE, rrule="FREQ=WEEKLY;INTERVAL=2", anchor=date(2026, 1, 5)),
    ),
]


@pytest.mark.parametrize(("text", "rule"), PARSED)
def test_parse_and_str_of_every_kind(text: str, rule: Rule) -> None:
    assert Rule.parse(text) == rule
    assert str(rule) == text
    assert Rule.parse(str(rule)) == rule


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("  DAILY ", "daily"),
        ("Weekdays : Fri , MON", "weekdays:mon,fri"),
        ("weekdays:wed,mon,wed", "weekdays:mon,wed"),
        ("weekly: Monday", "weekly:mon"),
        ("monthly : Last", "monthly:last"),
        ("monthly:LAST-BUSINESS", "monthly:last-business"),
        ("monthly-last", "monthly:last"),
        ("monthly-last-business", "monthly:last-business"),
        ("monthly: 07", "monthly:7"),
        ("rrule: RRULE:freq=monthly; byday = 1mo ;", "rrule:FREQ=MONTHLY;BYDAY=1MO"),
        ("rrule:RRULE:FREQ=DAILY", "rrule:FREQ=DAILY"),
    ],
)
def test_parse_is_case_and_blank_tolerant(text: str, canonical: str) -> None:
    assert str(Rule.parse(text)) == canonical


@st.composite
def messy(draw: st.DrawFn, text: str) -> str:
    """``text`` as a person might type it: other case, blanks around separators."""
    blank = st.sampled_from(["", " ", "  ", "\t"])
    for separator in (",", ";"):
        text = text.replace(separator, draw(blank) + separator + draw(blank))
    head, _, tail = text.partition(":")
    text = head + draw(blank) + ":" + draw(blank) + tail if tail else text
    if draw(st.booleans()):
        text = text.upper()
    return draw(blank) + text + draw(blank)


@fast
@given(rules, st.data())
def test_round_trip_through_text(rule: Rule, data: st.DataObject) -> None:
    text = str(rule)
    assert text == text.lower() or rule.kind is RuleKind.RRULE
    assert Rule.parse(text) == rule
    assert Rule.parse(data.draw(messy(text))) == rule


PARSE_ERRORS = [
    ("weekly:mox", 7, "unknown weekday 'mox'"),
    ("weekly:  mox", 9, "unknown weekday 'mox'"),
    ("weekdays:mon,tux", 13, "unknown weekday 'tux'"),
    ("weekdays:mon,,fri", 13, "missing weekday"),
    ("weekly", 6, "missing weekday"),
    ("weekly:mon,tue", 11, "exactly one weekday"),
    ("monthly:0", 8, "out of range"),
    ("monthly:32", 8, "out of range"),
    ("monthly: 32", 9, "out of range"),
    ("monthly:first", 8, "bad day of the month"),
    ("monthly", 7, "missing day of the month"),
    ("biweekly:2026-02-30", 9, "bad date '2026-02-30'"),
    ("4weekly:2026-1-5", 8, "bad date"),
    ("biweekly", 8, "missing date"),
    ("rrule:FREQ=MONTHLY;BYDAZ=1MO", 19, "unknown RRULE key 'BYDAZ'"),
    ("rrule:FREQ=MONTHLY; bydaz=1MO", 20, "unknown RRULE key 'BYDAZ'"),
    ("rrule:RRULE:FREQ=MONTHLY;BYDAZ=1MO", 25, "unknown RRULE key 'BYDAZ'"),
    ("rrule:FREQ=MONTHLY;BYDAY=XX", 19, "bad RRULE value BYDAY=XX"),
    ("rrule:FREQ=FORTNIGHTLY", 6, "bad RRULE value FREQ=FORTNIGHTLY"),
    ("rrule:FREQ=HOURLY", 6, "not supported"),
    ("rrule:FREQ=DAILY;BYHOUR=9", 17, "time of day is set separately"),
    ("rrule:FREQ=DAILY;INTERVAL=0", 17, "bad RRULE value INTERVAL=0"),
    ("rrule:FREQ=MONTHLY;BYMONTHDAY=32", 19, "bad RRULE value BYMONTHDAY=32"),
    ("rrule:FREQ=MONTHLY;UNTIL=20301231T000000Z", 19, "without Z"),
    ("rrule:FREQ=MONTHLY;UNTIL=20301332", 19, "bad RRULE value UNTIL=20301332"),
    ("rrule:FREQ=DAILY;COUNT=3;UNTIL=20300101", 25, "COUNT and UNTIL"),
    ("rrule:FREQ=DAILY;FREQ=WEEKLY", 17, "given twice"),
    ("rrule:FREQ=DAILY;DTSTART=20200101", 17, "DTSTART is not allowed"),
    ("rrule:DTSTART:20200101T000000", 6, "DTSTART is not allowed"),
    ("rrule:FREQ=DAILY;BYDAY", 17, "has no '='"),
    ("rrule:BYDAY=MO", 6, "has no FREQ"),
    ("rrule:", 6, "missing RRULE"),
    ("rrule:2026-02-30:FREQ=DAILY", 6, "bad date '2026-02-30'"),
    ("", 0, "empty rule"),
    ("   ", 0, "empty rule"),
    ("hourly", 0, "unknown rule kind 'hourly'"),
    ("  Fortnightly:mon", 2, "unknown rule kind 'fortnightly'"),
    ("daily:mon", 6, "daily takes no value"),
]


@pytest.mark.parametrize(("text", "position", "fragment"), PARSE_ERRORS)
def test_parse_errors_say_what_and_where(text: str, position: int, fragment: str) -> None:
    with pytest.raises(RuleError) as caught:
        Rule.parse(text)
    assert caught.value.position == position
    message = rule_message(caught.value)  # the domain names it, the catalog says it
    assert fragment in message
    assert f" at {position}" in message
    set_language("zh")
    try:
        said = rule_message(caught.value)
    finally:
        set_language("en")
    assert f",位置 {position}" in said and re.search("[\u4e00-\u9fff]", said), said
    assert "rule_error." not in message + said and "rule_hint." not in message + said


def test_parse_error_message_is_plain_language() -> None:
    with pytest.raises(RuleError) as caught:
        Rule.parse("weekly:mox")
    assert (caught.value.problem, caught.value.values) == ("unknown_weekday", {"word": "mox"})
    assert rule_message(caught.value) == (
        "unknown weekday 'mox' at 7 (use mon, tue, wed, thu, fri, sat, sun)"
    )
    assert isinstance(caught.value, ValueError)


def test_rrule_that_never_fires_is_refused() -> None:
    with pytest.raises(RuleError) as caught:
        Rule.parse("rrule:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
    assert caught.value.position == 6
    assert "never produces a date" in rule_message(caught.value)


@settings(max_examples=60, deadline=None)
@given(st.text(string.ascii_lowercase, min_size=1, max_size=9), st.sampled_from(["", " ", "  "]))
def test_unknown_weekday_is_located(word: str, blank: str) -> None:
    known = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
    known |= {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    if word in known:
        assert Rule.parse(f"weekly:{blank}{word}").kind is RuleKind.WEEKLY
        return
    with pytest.raises(RuleError) as caught:
        Rule.parse(f"weekly:{blank}{word}")
    assert caught.value.position == 7 + len(blank)


def test_direct_construction_is_checked_and_canonical() -> None:
    assert Rule(kind=RuleKind.RRULE, rrule="RRULE:freq=daily").rrule == "FREQ=DAILY"
    assert Rule(kind=RuleKind.WEEKDAYS, weekdays=(4, 0, 4)).weekdays == (0, 4)
    bad: list[dict[str, object]] = [
        {"kind": RuleKind.WEEKLY},
        {"kind": RuleKind.WEEKLY, "weekdays": (0, 1)},
        {"kind": RuleKind.WEEKDAYS, "weekdays": (7,)},
        {"kind": RuleKind.MONTHLY},
        {"kind": RuleKind.MONTHLY, "day": 32},
        {"kind": RuleKind.DAILY, "day": 3},
        {"kind": RuleKind.BIWEEKLY},
        {"kind": RuleKind.RRULE},
        {"kind": RuleKind.RRULE, "rrule": "FREQ=DAILY;BYDAZ=1"},
    ]
    for fields in bad:
        with pytest.raises(ValidationError):
            Rule.model_validate(fields)


# --------------------------------------------------------------------------- marketplaces


@pytest.mark.parametrize(
    ("code", "tz", "currency", "order"),
    [
        ("US", "America/Los_Angeles", "USD", "MDY"),
        ("CA", "America/Toronto", "CAD", "MDY"),
        ("MX", "America/Mexico_City", "MXN", "DMY"),
        ("UK", "Europe/London", "GBP", "DMY"),
        ("DE", "Europe/Berlin", "EUR", "DMY"),
        ("FR", "Europe/Paris", "EUR", "DMY"),
        ("IT", "Europe/Rome", "EUR", "DMY"),
        ("ES", "Europe/Madrid", "EUR", "DMY"),
        ("JP", "Asia/Tokyo", "JPY", "YMD"),
        ("IN", "Asia/Kolkata", "INR", "DMY"),
    ],
)
def test_marketplaces(code: str, tz: str, currency: str, order: str) -> None:
    market = MARKETPLACES[code]
    assert (market.code, market.tz, market.currency, market.date_order) == (
        code,
        tz,
        currency,
        order,
    )
    assert marketplace(code.lower()) is market
    assert ZoneInfo(market.tz)  # a real zone
    assert zone_label(code, "en").endswith(" time")
    assert zone_label(code, "zh").endswith("时间")


def test_unknown_marketplace_lists_the_known_ones() -> None:
    with pytest.raises(RuleError) as caught:
        marketplace("xx")
    message = rule_message(caught.value)
    assert "'xx'" in message
    assert all(code in message for code in MARKETPLACES)


def test_zone_labels() -> None:
    assert zone_label("jp", "en") == "Tokyo time"
    assert zone_label("JP", "zh") == "东京时间"
    assert zone_label("US", "en") == "Los Angeles time"
    assert zone_label("US", "zh-CN") == "洛杉矶时间"


# --------------------------------------------------------------------------- describe


def test_describe_weekly_tokyo_exactly() -> None:
    rule = Rule.parse("weekly:mon")
    assert describe_rule(rule, "en", time(9, 0), "JP") == "every Monday 09:00 Tokyo time"
    assert describe_rule(rule, "zh", time(9, 0), "JP") == "每周一 09:00 东京时间"


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        ("daily", "every day", "每天"),
        ("weekdays", "weekdays (Mon–Fri)", "工作日(周一至周五)"),
        ("weekdays:mon,wed,fri", "every Mon, Wed, Fri", "每周一、周三、周五"),
        (
            "biweekly:2026-01-05",
            "every two weeks on Monday from 2026-01-05",
            "每两周(周一起,自2026-01-05)",
        ),
        ("monthly:15", "monthly on day 15", "每月15日"),
        ("monthly:last", "monthly on the last day", "每月最后一天"),
        ("monthly:last-business", "monthly on the last business day", "每月最后一个工作日"),
        ("4weekly:2026-01-05", "every four weeks from 2026-01-05", "每四周(自2026-01-05)"),
        (
            "rrule:FREQ=MONTHLY;BYDAY=1MO",
            "custom: FREQ=MONTHLY;BYDAY=1MO",
            "自定义: FREQ=MONTHLY;BYDAY=1MO",
        ),
    ],
)
def test_describe_every_kind(text: str, english: str, chinese: str) -> None:
    rule = Rule.parse(text)
    assert describe_rule(rule, "en", time(8, 0), "US") == f"{english} 08:00 Los Angeles time"
    assert describe_rule(rule, "zh", time(8, 0), "US") == f"{chinese} 08:00 洛杉矶时间"


# --------------------------------------------------------------------------- properties


@fast
@given(rules, times, zones, instants)
def test_current_period_contains_today(rule: Rule, at: time, tz: str, now: datetime) -> None:
    period = current_period(rule, at, tz, now)
    latest = latest_occurrence(rule, at, tz, now)
    if period is None:
        return
    assert period.contains(local_day(now, tz))
    assert latest is not None
    assert period == period_of(rule, latest.date())


@fast
@given(rules, times, zones, instants)
def test_latest_occurrence_is_the_last_fire_moment(
    rule: Rule, at: time, tz: str, now: datetime
) -> None:
    latest = latest_occurrence(rule, at, tz, now)
    if latest is None:
        # nothing fired in (roughly) the last 400 days
        since = now - timedelta(days=398)
        assert all(moment > now for moment in occurrences_after(rule, at, tz, since, 1))
        return
    assert latest <= now
    assert latest.tzinfo == ZoneInfo(tz)
    just_before = latest - timedelta(microseconds=1)
    assert in_utc(occurrences_after(rule, at, tz, just_before, 1)) == in_utc([latest])
    assert all(moment > now for moment in occurrences_after(rule, at, tz, latest, 1))


@fast
@given(rules, times, zones, instants, st.integers(1, 12))
def test_occurrences_after_increase_and_have_periods(
    rule: Rule, at: time, tz: str, after: datetime, count: int
) -> None:
    moments = occurrences_after(rule, at, tz, after, count)
    assert len(moments) == count or rule.kind is RuleKind.RRULE  # only finite RRULEs run out
    assert all(moment > after for moment in moments)
    instants = in_utc(moments)
    assert all(a < b for a, b in pairwise(instants))
    for moment in moments:
        assert moment.tzinfo == ZoneInfo(tz)
        day = moment.date()
        assert in_utc([fire_moment(day, at, tz)]) == in_utc([moment])
        wall = moment.replace(tzinfo=None)
        planned = datetime.combine(day, at)
        # on time, or (in a spring-forward gap) a little later
        assert planned <= wall < planned + timedelta(hours=3)
        period = period_of(rule, day)
        assert period.contains(day)


@fast
@given(rules, anchors)
def test_periods_tile_the_calendar(rule: Rule, day: date) -> None:
    period = period_of(rule, day)
    assert period.contains(day)
    assert period_of(rule, period.start) == period
    assert period_of(rule, period.end - timedelta(days=1)) == period
    assert period_of(rule, period.end).start == period.end
    assert period_of(rule, period.start - timedelta(days=1)).end == period.start
    pattern = {
        RuleKind.WEEKLY: r"\d{4}-W\d{2}",
        RuleKind.MONTHLY: r"\d{4}-\d{2}",
        RuleKind.MONTHLY_LAST: r"\d{4}-\d{2}",
        RuleKind.MONTHLY_LAST_BUSINESS: r"\d{4}-\d{2}",
    }.get(rule.kind)
    if pattern is None:
        assert period.key == period.start.isoformat()
    else:
        assert re.fullmatch(pattern, period.key)


@fast
@given(rules, times, zones, instants, spans)
def test_periods_between_are_sorted_distinct_and_complete(
    rule: Rule, at: time, tz: str, since: datetime, span: int
) -> None:
    now = since + timedelta(seconds=span)
    periods = periods_between(rule, at, tz, since, now)
    keys = [period.key for period in periods]
    assert len(keys) == len(set(keys))
    assert all(p.end <= q.start for p, q in pairwise(periods))
    # the same as walking the fire moments one by one
    moments = occurrences_after(rule, at, tz, since, 200)
    expected = [period_of(rule, m.date()).key for m in moments if m <= now]
    assert keys == list(dict.fromkeys(expected))


@fast
@given(rules, times, zones, instants, spans, spans, st.booleans())
def test_splitting_the_range_changes_nothing(
    rule: Rule, at: time, tz: str, start: datetime, x: int, y: int, on_a_fire_moment: bool
) -> None:
    a = start + timedelta(seconds=min(x, y))
    b = start + timedelta(seconds=max(x, y))
    first = occurrences_after(rule, at, tz, start, 1)
    if on_a_fire_moment and first:
        # split exactly at a fire moment, where an off-by-one would show
        a = first[0]
        b = max(a, b)

    def keys(since: datetime, now: datetime) -> list[str]:
        return [period.key for period in periods_between(rule, at, tz, since, now)]

    assert keys(start, a) + keys(a, b) == keys(start, b)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(RRULE_BODIES), st.none() | anchors, instants)
def test_rrule_dates_are_dateutils(body: str, anchor: date | None, after: datetime) -> None:
    rule = Rule(kind=RuleKind.RRULE, rrule=body, anchor=anchor)
    moments = occurrences_after(rule, time(12, 0), "UTC", after, 5)
    start = datetime.combine(anchor or date(2000, 1, 1), time())
    # a date D fires at D 12:00 UTC, which is after `after` exactly when D 00:00 is after
    # `after` - 12 h
    threshold = (after - timedelta(hours=12)).replace(tzinfo=None)
    expected = rrulestr(body, dtstart=start).xafter(threshold, count=5)
    assert [m.date() for m in moments] == [moment.date() for moment in expected]


# --------------------------------------------------------------------------- DST


@pytest.mark.parametrize(
    ("tz", "day", "at", "expected_utc", "offset_hours"),
    [
        # spring forward: 02:00–03:00 does not exist; fire at 03:00 local
        (LA, date(2026, 3, 8), time(2, 30), at_utc(2026, 3, 8, 10, 0), -7),
        (BERLIN, date(2026, 3, 29), time(2, 30), at_utc(2026, 3, 29, 1, 0), 2),
        # fall back: 01:00–02:00 (LA) / 02:00–03:00 (Berlin) happen twice; fire at the first
        (LA, date(2026, 11, 1), time(1, 30), at_utc(2026, 11, 1, 8, 30), -7),
        (BERLIN, date(2026, 10, 25), time(2, 30), at_utc(2026, 10, 25, 0, 30), 2),
        # the days after are ordinary again
        (LA, date(2026, 3, 9), time(2, 30), at_utc(2026, 3, 9, 9, 30), -7),
        (LA, date(2026, 11, 2), time(1, 30), at_utc(2026, 11, 2, 9, 30), -8),
        (BERLIN, date(2026, 10, 26), time(2, 30), at_utc(2026, 10, 26, 1, 30), 1),
    ],
)
def test_dst_gaps_and_overlaps(
    tz: str, day: date, at: time, expected_utc: datetime, offset_hours: int
) -> None:
    rule = Rule.parse("daily")
    day_before = datetime.combine(day, time(12), ZoneInfo(tz)) - timedelta(days=1)
    moments = occurrences_after(rule, at, tz, day_before, 1)
    assert in_utc(moments) == [expected_utc]
    assert moments[0].tzinfo == ZoneInfo(tz)
    assert moments[0].utcoffset() == timedelta(hours=offset_hours)
    assert moments[0].date() == day
    assert fire_moment(day, at, tz).astimezone(UTC) == expected_utc
    latest = latest_occurrence(rule, at, tz, expected_utc)
    assert latest is not None
    assert latest.astimezone(UTC) == expected_utc
    earlier = latest_occurrence(rule, at, tz, expected_utc - timedelta(seconds=1))
    assert earlier is not None
    assert earlier.date() == day - timedelta(days=1)


def test_fall_back_fires_once() -> None:
    rule = Rule.parse("daily")
    midnight = datetime(2026, 11, 1, 0, 0, tzinfo=ZoneInfo(LA))
    assert in_utc(occurrences_after(rule, time(1, 30), LA, midnight, 2)) == [
        at_utc(2026, 11, 1, 8, 30),
        at_utc(2026, 11, 2, 9, 30),
    ]
    # during the second 01:00-02:00 the latest card is still the one from the first 01:30,
    # also when `now` is given in the same zone (where Python compares wall clocks)
    second_instance = at_utc(2026, 11, 1, 9, 45)
    second_quarter_past_one = datetime(2026, 11, 1, 1, 15, fold=1, tzinfo=ZoneInfo(LA))
    assert second_quarter_past_one.astimezone(UTC) == at_utc(2026, 11, 1, 9, 15)
    for now in (second_instance, second_quarter_past_one):
        latest = latest_occurrence(rule, time(1, 30), LA, now)
        assert latest is not None
        assert latest.astimezone(UTC) == at_utc(2026, 11, 1, 8, 30)
        assert current_period(rule, time(1, 30), LA, now) == period_of(rule, date(2026, 11, 1))
        assert occurrences_after(rule, time(1, 30), LA, now, 1)[0].date() == date(2026, 11, 2)
    assert periods_between(rule, time(1, 30), LA, midnight, second_instance) == [
        Period(key="2026-11-01", start=date(2026, 11, 1), end=date(2026, 11, 2))
    ]


# --------------------------------------------------------------------------- calendars


def fire_dates(text: str, start: date, count: int, tz: str = "UTC") -> list[date]:
    after = datetime.combine(start, time(0), ZoneInfo(tz)) - timedelta(microseconds=1)
    return [m.date() for m in occurrences_after(Rule.parse(text), time(9), tz, after, count)]


def test_monthly_day_past_the_end_clamps() -> None:
    assert fire_dates("monthly:31", date(2027, 2, 1), 1) == [date(2027, 2, 28)]
    assert fire_dates("monthly:31", date(2028, 2, 1), 1) == [date(2028, 2, 29)]  # leap
    assert fire_dates("monthly:30", date(2026, 1, 1), 4) == [
        date(2026, 1, 30),
        date(2026, 2, 28),
        date(2026, 3, 30),
        date(2026, 4, 30),
    ]


def test_monthly_last_and_last_business() -> None:
    assert fire_dates("monthly:last", date(2028, 1, 15), 3) == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
    ]
    # 2026-01-31 is a Saturday, 2026-05-31 a Sunday, 2026-03-31 a Tuesday
    assert fire_dates("monthly:last-business", date(2026, 1, 1), 5) == [
        date(2026, 1, 30),
        date(2026, 2, 27),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 29),
    ]


def test_weekday_rules() -> None:
    # 2026-11-20 is a Friday
    assert fire_dates("weekdays", date(2026, 11, 20), 3) == [
        date(2026, 11, 20),
        date(2026, 11, 23),
        date(2026, 11, 24),
    ]
    assert fire_dates("weekdays:sat,sun", date(2026, 11, 20), 3) == [
        date(2026, 11, 21),
        date(2026, 11, 22),
        date(2026, 11, 28),
    ]
    assert fire_dates("weekly:wed", date(2026, 11, 20), 2) == [
        date(2026, 11, 25),
        date(2026, 12, 2),
    ]


def test_iso_week_53() -> None:
    weekly = Rule.parse("weekly:mon")
    week_53 = Period(key="2026-W53", start=date(2026, 12, 28), end=date(2027, 1, 4))
    assert period_of(weekly, date(2026, 12, 31)) == week_53
    assert period_of(weekly, date(2027, 1, 3)) == week_53
    assert period_of(weekly, date(2027, 1, 4)).key == "2027-W01"
    assert period_of(weekly, date(2026, 11, 25)).key == "2026-W48"
    # ISO year, not calendar year: 2024-12-30 belongs to 2025-W01
    assert period_of(weekly, date(2024, 12, 30)).key == "2025-W01"


def test_biweekly_windows_before_and_after_the_anchor() -> None:
    rule = Rule.parse("biweekly:2026-01-05")
    assert period_of(rule, date(2026, 1, 4)) == Period(
        key="2025-12-22", start=date(2025, 12, 22), end=date(2026, 1, 5)
    )
    assert period_of(rule, date(2026, 1, 5)).key == "2026-01-05"
    assert period_of(rule, date(2026, 1, 18)).key == "2026-01-05"
    assert period_of(rule, date(2026, 1, 19)).key == "2026-01-19"
    assert period_of(rule, date(2026, 11, 25)).key == "2026-11-23"
    assert fire_dates("biweekly:2026-01-05", date(2025, 12, 1), 3) == [
        date(2025, 12, 8),
        date(2025, 12, 22),
        date(2026, 1, 5),
    ]


def test_four_weekly_windows() -> None:
    rule = Rule.parse("4weekly:2026-01-05")
    assert period_of(rule, date(2026, 2, 1)) == Period(
        key="2026-01-05", start=date(2026, 1, 5), end=date(2026, 2, 2)
    )
    assert period_of(rule, date(2026, 1, 4)).key == "2025-12-08"
    assert fire_dates("4weekly:2026-01-05", date(2026, 1, 6), 2) == [
        date(2026, 2, 2),
        date(2026, 3, 2),
    ]


def test_month_periods() -> None:
    assert period_of(Rule.parse("monthly:15"), date(2026, 11, 25)) == Period(
        key="2026-11", start=date(2026, 11, 1), end=date(2026, 12, 1)
    )
    assert period_of(Rule.parse("monthly:last"), date(2026, 12, 31)).end == date(2027, 1, 1)


def test_rrule_periods_run_from_one_date_to_the_next() -> None:
    first_monday = Rule.parse("rrule:FREQ=MONTHLY;BYDAY=1MO")
    assert period_of(first_monday, date(2026, 11, 20)) == Period(
        key="2026-11-02", start=date(2026, 11, 2), end=date(2026, 12, 7)
    )
    # before the rule's first date a day is its own period
    assert period_of(first_monday, date(1999, 12, 31)) == Period(
        key="1999-12-31", start=date(1999, 12, 31), end=date(2000, 1, 1)
    )
    finite = Rule.parse("rrule:2026-01-05:FREQ=WEEKLY;COUNT=2")
    assert period_of(finite, date(2026, 1, 7)).key == "2026-01-05"
    assert period_of(finite, date(2026, 1, 12)).end == date(2026, 1, 13)
    assert period_of(finite, date(2026, 3, 1)).key == "2026-03-01"
    after_the_end = at_utc(2026, 1, 20, 12)
    assert latest_occurrence(finite, time(9), "UTC", after_the_end) == at_utc(2026, 1, 12, 9)
    assert current_period(finite, time(9), "UTC", after_the_end) is None
    assert occurrences_after(finite, time(9), "UTC", after_the_end, 3) == []


# --------------------------------------------------------------------------- zones and now


def test_tokyo_is_already_tomorrow() -> None:
    now = at_utc(2026, 11, 25, 16, 0)  # 01:00 on the 26th in Tokyo
    assert local_day(now, TOKYO) == date(2026, 11, 26)
    assert local_day(now, LA) == date(2026, 11, 25)
    daily = Rule.parse("daily")
    assert current_period(daily, time(0, 30), TOKYO, now) == Period(
        key="2026-11-26", start=date(2026, 11, 26), end=date(2026, 11, 27)
    )
    # a 09:00 card for the 26th has not appeared yet, and the 25th's period is over
    assert current_period(daily, time(9), TOKYO, now) is None
    assert latest_occurrence(daily, time(9), TOKYO, now) == at_utc(2026, 11, 25, 0, 0)


def test_kiritimati_is_fourteen_hours_ahead() -> None:
    assert local_day(at_utc(2026, 11, 25, 10, 0), "Pacific/Kiritimati") == date(2026, 11, 26)


def test_current_period_waits_for_the_fire_moment() -> None:
    daily = Rule.parse("daily")
    eight = datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo(LA))
    assert current_period(daily, time(8), LA, eight - timedelta(seconds=1)) is None
    assert current_period(daily, time(8), LA, eight) == period_of(daily, date(2026, 11, 25))

    monthly = Rule.parse("monthly:15")
    assert current_period(monthly, time(8), LA, eight) == period_of(monthly, date(2026, 11, 1))
    assert current_period(monthly, time(8), LA, eight - timedelta(days=14)) is None

    weekdays = Rule.parse("weekdays")
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=ZoneInfo(LA))
    assert current_period(weekdays, time(8), LA, saturday) is None
    latest = latest_occurrence(weekdays, time(8), LA, saturday)
    assert latest == datetime(2026, 11, 27, 8, 0, tzinfo=ZoneInfo(LA))

    weekly = Rule.parse("weekly:mon")
    assert current_period(weekly, time(8), LA, saturday) == Period(
        key="2026-W48", start=date(2026, 11, 23), end=date(2026, 11, 30)
    )


def test_periods_missed_while_closed() -> None:
    weekly = Rule.parse("weekly:mon")
    since = datetime(2026, 11, 1, 12, 0, tzinfo=ZoneInfo(BERLIN))
    now = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo(BERLIN))  # the 09:00 card just appeared
    keys = [p.key for p in periods_between(weekly, time(9), BERLIN, since, now)]
    assert keys == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert periods_between(weekly, time(9), BERLIN, now, since) == []
    # (since, now]: a card that appeared exactly at `since` was already recorded
    next_week = now + timedelta(days=7)
    assert [p.key for p in periods_between(weekly, time(9), BERLIN, now, next_week)] == ["2026-W49"]
    assert periods_between(weekly, time(9), BERLIN, now, now) == []


def test_periods_between_is_fast() -> None:
    daily = Rule.parse("daily")
    since = at_utc(2026, 1, 1)
    now = since + timedelta(days=90)
    assert len(periods_between(daily, time(8), LA, since, now)) == 90
    best = min(
        timeit.repeat(lambda: periods_between(daily, time(8), LA, since, now), number=1, repeat=5)
    )
    assert best < 0.010


def test_naive_instants_are_refused() -> None:
    rule = Rule.parse("daily")
    naive = datetime(2026, 11, 25, 12, 0)
    aware = at_utc(2026, 11, 25, 12, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        occurrences_after(rule, time(8), LA, naive, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        latest_occurrence(rule, time(8), LA, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        current_period(rule, time(8), LA, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        periods_between(rule, time(8), LA, naive, aware)
    with pytest.raises(ValueError, match="timezone-aware"):
        periods_between(rule, time(8), LA, aware, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        local_day(naive, LA)
    with pytest.raises(ValueError, match="time zone"):
        local_day(aware, "Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="wall-clock"):
        occurrences_after(rule, time(8, tzinfo=UTC), LA, aware, 1)
