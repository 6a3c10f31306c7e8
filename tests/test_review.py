"""Tests of the review (PDCA): per-template completion over a month or four weeks, flags,
KPIs against targets, incidents, notes and decisions (kanban_tui.services.review).

Data is built through the services with a FakeClock: templates are ticked across November
2026 (Los Angeles time), some cards are finished on time, some late, some never, and some
days the board is not open at all (those periods are recorded as missed on the next tick).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from kanban_tui import i18n
from kanban_tui.config import Settings
from kanban_tui.domain.models import Card, Column, PeriodRecord, Source
from kanban_tui.errors import NotFoundError, UsageError
from kanban_tui.services.board import BoardService
from kanban_tui.services.review import Counts, ReviewService, parse_period
from kanban_tui.services.session import Board
from kanban_tui.services.templates import TemplateService
from kanban_tui.storage import open_database
from tests.conftest import FakeClock, module_on_backend

LA = ZoneInfo("America/Los_Angeles")
NOVEMBER = [date(2026, 11, day) for day in range(1, 31)]
DEC_1 = date(2026, 12, 1)
#: The weeks that start in November 2026 (Mondays) and the day after each.
WEEKS = [date(2026, 11, 2) + timedelta(weeks=n) for n in range(5)]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LA)


#: Where ``make_board`` opens its database: set per test by ``_on_both_backends``.
LOCATION = ":memory:"


@pytest.fixture(autouse=True)
def _on_both_backends(request: pytest.FixtureRequest, backend: str) -> None:
    """The suite's services run on SQLite and on PostgreSQL (issue 12)."""
    module_on_backend(request, backend)


def make_board(clock: FakeClock) -> Board:
    db = open_database(LOCATION)
    return Board(
        db=db,
        cards=BoardService(db, clock),
        templates=TemplateService(db, clock),
        settings=Settings(),
    )


def add_template(board: Board, title: str, rule: str, **extra: Any) -> int:
    values = {"title_en": title, "rule": rule, "at": "09:00", "marketplace": "US", **extra}
    return board.templates.add(values).id


def card_of(board: Board, template_id: int, key: str) -> Card | None:
    with board.db.read() as session:
        return session.exec(
            select(Card).where(Card.template_id == template_id, Card.period_key == key)
        ).first()


def complete(board: Board, template_id: int, key: str) -> None:
    card = card_of(board, template_id, key)
    if card is not None and card.column is not Column.DONE:
        assert card.id is not None
        board.cards.set_done(card.id, True)


# --------------------------------------------------------------------------- the month


@dataclass
class Month:
    """November 2026 of four templates, driven by which days the board ticks and what is
    done with each period's card ("ontime", "late" or "skip")."""

    tick_days: set[date]
    daily_carry: list[str]
    daily_expire: list[str]
    weekly: list[str]
    monthly: str
    clock: FakeClock = field(default_factory=lambda: FakeClock(at(date(2026, 10, 31), 12)))

    def __post_init__(self) -> None:
        self.board = make_board(self.clock)
        self.ids = {
            "carry": add_template(self.board, "Daily carried", "daily", on_period_end="carry"),
            "expire": add_template(self.board, "Daily expiring", "daily"),
            "weekly": add_template(self.board, "Weekly", "weekly:mon"),
            "monthly": add_template(self.board, "Monthly", "monthly:1"),
        }
        self.board.templates.tick()  # Oct 31: cards of October's periods, outside the review

    def decision(self, name: str, key: str) -> str:
        if name in ("carry", "expire"):
            plan = self.daily_carry if name == "carry" else self.daily_expire
            return plan[date.fromisoformat(key).day - 1]
        if name == "weekly":
            return self.weekly[[f"2026-W{d.isocalendar().week:02d}" for d in WEEKS].index(key)]
        return self.monthly

    def periods(self, name: str) -> list[tuple[str, date, date]]:
        """(key, first day, first day after) of the template's periods starting in Nov."""
        if name in ("carry", "expire"):
            return [(d.isoformat(), d, d + timedelta(days=1)) for d in NOVEMBER]
        if name == "weekly":
            return [(f"2026-W{d.isocalendar().week:02d}", d, d + timedelta(days=7)) for d in WEEKS]
        return [("2026-11", date(2026, 11, 1), DEC_1)]

    def run(self) -> None:
        board, clock = self.board, self.clock
        for day in [*NOVEMBER, DEC_1]:
            if day in self.tick_days or day == DEC_1:
                clock.now = at(day, 10)
                board.templates.tick()
            clock.now = at(day, 11)
            for name, template_id in self.ids.items():
                for key, _, end in self.periods(name):
                    if end == day and self.decision(name, key) == "late":
                        complete(board, template_id, key)
            if day == DEC_1:
                break
            clock.now = at(day, 20)
            for name, template_id in self.ids.items():
                for key, start, end in self.periods(name):
                    if start <= day < end and self.decision(name, key) == "ontime":
                        complete(board, template_id, key)
        clock.now = at(DEC_1, 12)

    def expected(self) -> dict[int, Counter[str]]:
        """What should have happened, from the plan alone (no database)."""
        ticks = self.tick_days | {DEC_1}
        result: dict[int, Counter[str]] = {}
        for name, template_id in self.ids.items():
            counts: Counter[str] = Counter()
            for key, start, end in self.periods(name):
                days = [start + timedelta(days=n) for n in range((end - start).days)]
                if name == "weekly" and end > DEC_1:
                    days = [d for d in days if d <= DEC_1]  # the week is still running
                created = [d for d in days if d in ticks]
                if not created:
                    counts["missed"] += 1
                    continue
                decision = self.decision(name, key)
                if decision == "ontime" and created[0] < DEC_1:
                    counts["done"] += 1
                elif end > DEC_1:  # ontime after the month, late or skipped: still running
                    counts["open"] += 1
                elif decision == "late":
                    expired = name == "expire" and end in ticks
                    counts["missed" if expired else "late"] += 1
                elif name == "expire":
                    counts["missed"] += 1  # the next tick closes it as missed
                else:
                    counts["overdue"] += 1
            result[template_id] = counts
        return result


def brute_force(board: Board, start: date, end: date, today: date) -> dict[int, Counter[str]]:
    """Classify every period record starting in [start, end) straight from the tables."""
    with board.db.read() as session:
        records = session.exec(select(PeriodRecord)).all()
        cards = {card.id: card for card in session.exec(select(Card)).all()}
    result: dict[int, Counter[str]] = {}
    for record in records:
        if not start <= record.period_start < end:
            continue
        card = cards.get(record.card_id) if record.card_id is not None else None
        counts = result.setdefault(record.template_id, Counter())
        if record.missed or card is None or card.missed_at is not None:
            counts["missed"] += 1
        elif card.column is Column.DONE and card.done_at is not None:
            finished = card.done_at.replace(tzinfo=card.done_at.tzinfo or ZoneInfo("UTC"))
            on_time = finished.astimezone(LA).date() < record.period_end
            counts["done" if on_time else "late"] += 1
        elif record.period_end <= today:
            counts["overdue"] += 1
        else:
            counts["open"] += 1
    return result


def as_counter(counts: Counts) -> Counter[str]:
    found = Counter(
        {
            "done": counts.done,
            "late": counts.late,
            "missed": counts.missed,
            "overdue": counts.overdue,
            "open": counts.open,
        }
    )
    return +found  # drop zeros


def test_a_month_of_ticks_counts_every_outcome() -> None:
    pattern = ["ontime", "ontime", "late", "skip", "ontime"] * 6
    month = Month(
        tick_days=set(NOVEMBER) - {date(2026, 11, 7), date(2026, 11, 8)},  # a weekend away
        daily_carry=pattern,
        daily_expire=pattern,
        weekly=["ontime", "late", "skip", "ontime", "late"],
        monthly="late",
    )
    month.run()
    review = ReviewService(month.board).review("2026-11")
    rows = {row.template_id: row for row in review.rows}
    expected = month.expected()
    for template_id, row in rows.items():
        assert as_counter(row.counts) == +expected[template_id], row.title
        assert row.planned == sum(expected[template_id].values())
    carry, expire = rows[month.ids["carry"]], rows[month.ids["expire"]]
    # 18 on time, 6 late, 6 skipped; Nov 7 (on time) and Nov 8 (late) the board was closed
    assert (carry.planned, carry.done, carry.late, carry.missed, carry.overdue) == (30, 17, 5, 2, 6)
    # the expiring template loses the late cards: the next morning's tick closed them
    assert (expire.done, expire.late, expire.missed, expire.overdue) == (17, 0, 13, 0)
    weekly = rows[month.ids["weekly"]]
    assert (weekly.planned, weekly.done, weekly.late, weekly.overdue, weekly.open) == (
        5,
        2,
        1,
        1,
        1,
    )
    assert weekly.rate == pytest.approx(3 / 4)
    monthly = rows[month.ids["monthly"]]
    assert (monthly.planned, monthly.late, monthly.rate) == (1, 1, 1.0)
    assert review.overall == sum((row.counts for row in review.rows), Counts())
    assert review.overall.planned == 66
    # the October periods (created on Oct 31) are not in November's review
    assert brute_force(month.board, date(2026, 11, 1), DEC_1, DEC_1) == {
        tid: +c for tid, c in expected.items()
    }


def test_templates_below_the_threshold_are_marked_for_a_decision() -> None:
    month = Month(
        tick_days=set(NOVEMBER),
        daily_carry=["ontime"] * 30,
        daily_expire=["ontime"] * 12 + ["skip"] * 18,  # 40 %
        weekly=["ontime", "ontime", "ontime", "skip", "skip"],  # 3 of 4 ended: 75 %
        monthly="skip",
    )
    month.run()
    review = ReviewService(month.board).review("2026-11")
    rows = {row.template_id: row for row in review.rows}
    low = rows[month.ids["expire"]]
    assert low.rate == pytest.approx(0.4)
    assert low.flagged and [r.code for r in low.reasons] == ["completion"]
    assert "40%" in low.reason and "60%" in low.reason
    assert not rows[month.ids["carry"]].flagged
    assert not rows[month.ids["weekly"]].flagged
    assert rows[month.ids["monthly"]].flagged  # overdue: 0 of 1 ended
    assert {row.template_id for row in review.flagged} == {
        month.ids["expire"],
        month.ids["monthly"],
    }
    # a stricter threshold marks more, a lenient one fewer
    strict = ReviewService(month.board, threshold=0.8).review("2026-11")
    assert month.ids["weekly"] in {row.template_id for row in strict.flagged}
    lenient = ReviewService(month.board, threshold=0.3).review("2026-11")
    assert [row.template_id for row in lenient.flagged] == [month.ids["monthly"]]


DECISION = st.sampled_from(["ontime", "late", "skip"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tick_days=st.sets(st.sampled_from(NOVEMBER)),
    daily_carry=st.lists(DECISION, min_size=30, max_size=30),
    daily_expire=st.lists(DECISION, min_size=30, max_size=30),
    weekly=st.lists(DECISION, min_size=5, max_size=5),
    monthly=DECISION,
)
def test_counts_equal_a_brute_force_count(
    tick_days: set[date],
    daily_carry: list[str],
    daily_expire: list[str],
    weekly: list[str],
    monthly: str,
) -> None:
    month = Month(tick_days, daily_carry, daily_expire, weekly, monthly)
    month.run()
    service = ReviewService(month.board)
    counts = service.counts("2026-11")
    from_tables = brute_force(month.board, date(2026, 11, 1), DEC_1, DEC_1)
    expected = month.expected()
    assert {tid: as_counter(c) for tid, c in counts.items()} == from_tables
    assert from_tables == {tid: +c for tid, c in expected.items()}
    review = service.review("2026-11")
    for row in review.rows:
        closed = row.planned - row.open
        rate = (row.done + row.late) / closed if closed else None
        assert row.rate == rate
        assert (row.rate is not None and row.rate < 0.6) == any(
            r.code == "completion" for r in row.reasons
        )
    # the JSON carries the same numbers
    data = review.as_json()
    for row, item in zip(review.rows, data["templates"], strict=True):
        assert (item["planned"], item["done"], item["late"], item["missed"]) == (
            row.planned,
            row.done,
            row.late,
            row.missed,
        )
        assert (item["overdue"], item["open"], item["rate"]) == (row.overdue, row.open, row.rate)
    assert data["overall"]["planned"] == sum(r.planned for r in review.rows)
    month.board.close()


def test_a_four_week_window_counts_periods_starting_in_its_28_days() -> None:
    month = Month(
        tick_days=set(NOVEMBER),
        daily_carry=["ontime"] * 30,
        daily_expire=["skip"] * 30,
        weekly=["ontime"] * 5,
        monthly="ontime",
    )
    month.run()
    review = ReviewService(month.board).review("4w:2026-11-09")
    assert (review.start, review.last_day) == (date(2026, 11, 9), date(2026, 12, 6))
    rows = {row.template_id: row for row in review.rows}
    assert rows[month.ids["carry"]].planned == 23  # Nov 9 … Dec 1 so far
    assert rows[month.ids["carry"]].open == 1  # Dec 1 is running
    assert rows[month.ids["weekly"]].planned == 4  # W46 … W49
    # November started before the window; December's period (Dec 1) is in it
    assert (rows[month.ids["monthly"]].planned, rows[month.ids["monthly"]].open) == (1, 1)
    assert review.kind == "4w" and review.period == "4w:2026-11-09"


# --------------------------------------------------------------------------- KPIs


def kpi_month(board: Board, month: str, spend: str, sales: str, coverage: str) -> None:
    day = date.fromisoformat(f"{month}-10")
    board.kpi.add(day, "ad_spend", Decimal(spend), "US")
    board.kpi.add(day, "ad_sales", Decimal(sales), "US")
    board.kpi.add(day, "keyword_coverage", Decimal(coverage), "US")


def test_a_kpi_that_did_not_move_marks_its_category(clock: FakeClock) -> None:
    clock.now = at(date(2026, 11, 20), 12)
    board = make_board(clock)
    ads = add_template(board, "Tune the ads", "weekly:mon", category="ads")
    keywords = add_template(board, "Check keyword ranks", "weekly:mon", category="keywords")
    other = add_template(board, "Plan the month", "monthly:1", category="planning")
    board.templates.tick()  # one open period each, nothing ended: no completion flag
    kpi_month(board, "2026-10", spend="400", sales="1000", coverage="0.5")  # ACoS 40 %
    kpi_month(board, "2026-11", spend="450", sales="1000", coverage="0.9")  # ACoS 45 %
    review = ReviewService(board).review("2026-11")
    rows = {row.template_id: row for row in review.rows}
    assert [r.code for r in rows[ads].reasons] == ["kpi"]
    reason = rows[ads].reasons[0]
    assert (reason.kpi, reason.marketplace) == ("acos", "US")
    assert "ACoS" in reason.text and "2026-10" in reason.text
    assert not rows[keywords].flagged  # coverage recovered: it moved
    assert not rows[other].flagged  # planning has no KPI
    [section] = review.kpis
    lines = {line.key: line for line in section.lines}
    assert lines["acos"].value_text == "45.0%"
    assert lines["acos"].target_text == "≤ 25.0%"
    assert lines["acos"].previous_text == "40.0%"
    assert lines["acos"].status.value == "breach"
    assert lines["keyword_coverage"].status.value == "ok"
    assert lines["odr"].target_text == "< 1.0%"
    # a month without data has no KPI section, and nothing is marked for its KPI
    assert ReviewService(board).review("2026-09").kpis == ()
    board.close()


# --------------------------------------------------------------------------- incidents


def test_incidents_of_the_window_and_their_time(clock: FakeClock) -> None:
    board = make_board(clock)
    clock.now = at(date(2026, 10, 30), 9)
    board.cards.add({"title": "October: listing suppressed"}, source=Source.INCIDENT)
    clock.now = at(date(2026, 11, 3), 9)
    first = board.cards.add({"title": "Listing suppressed | ASIN B0X"}, source=Source.INCIDENT)
    board.cards.toggle_timer(first.id)
    clock.advance(minutes=45)
    board.cards.toggle_timer(first.id)
    board.cards.set_done(first.id, True)
    clock.now = at(date(2026, 11, 20), 9)
    second = board.cards.add({"title": "FBA capacity limit"}, source=Source.INCIDENT)
    board.cards.toggle_timer(second.id)
    board.cards.add({"title": "Not an incident"})
    clock.advance(minutes=20)  # the timer still runs
    review = ReviewService(board).review("2026-11")
    assert [(i.title, i.spent_minutes, i.done) for i in review.incidents] == [
        ("Listing suppressed | ASIN B0X", 45, True),
        ("FBA capacity limit", 20, False),
    ]
    assert review.incident_minutes == 65
    assert review.as_json()["incident_minutes"] == 65
    board.close()


# --------------------------------------------------------------------------- notes


def test_notes_round_trip_and_the_previous_review_shows_its_note(clock: FakeClock) -> None:
    board = make_board(clock)
    service = ReviewService(board)
    note = "Drop the daily inventory check | do it Mon/Thu\n红色 [bold]markup[/bold]"
    saved = service.save_note("2026-10", note)
    assert saved.text == note
    november = service.review("2026-11").notes
    assert (november.previous_period, november.previous_text) == ("2026-10", note)
    assert november.text == ""
    service.save_note("2026-11", "  Keep ads daily  ")
    assert service.notes("2026-11").text == "Keep ads daily"
    # a skipped month still sees the latest earlier note
    january = service.notes("2027-01")
    assert (january.previous_period, january.previous_text) == ("2026-11", "Keep ads daily")
    # four-week reviews store theirs under their own key
    service.save_note("4w:2026-11-09", "Move the strategy meeting")
    assert service.notes("4w:2026-12-07").previous_text == "Move the strategy meeting"
    # empty text removes the note
    service.save_note("2026-11", "")
    assert service.notes("2026-11").text == ""
    assert service.notes("2027-01").previous_period == "4w:2026-11-09"
    data = service.review("2026-10").as_json()["notes"]
    assert data["this"] == {"period": "2026-10", "text": note}
    assert data["previous"] == {"period": None, "text": ""}
    with pytest.raises(UsageError):
        service.save_note("2026-10", "x" * 4001)
    board.close()


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "november", "4w:2026-02-30", "4w:", ""])
def test_bad_periods_are_refused(text: str) -> None:
    with pytest.raises(UsageError):
        parse_period(text)


def test_periods_and_labels() -> None:
    month = parse_period("2026-12")
    assert (month.start, month.end, month.previous().period) == (
        date(2026, 12, 1),
        date(2027, 1, 1),
        "2026-11",
    )
    assert parse_period("2027-01").previous().period == "2026-12"
    window = parse_period("4W:2026-11-09")
    assert window.period == "4w:2026-11-09"
    assert window.previous().period == "4w:2026-10-12"
    assert month.label() == "Dec 2026"
    i18n.set_language("zh")
    assert month.label() == "2026年12月"
    assert "2026-12-06" in window.label()


# --------------------------------------------------------------------------- decisions


def test_decide_keep_pause_delete(clock: FakeClock) -> None:
    board = make_board(clock)
    first = add_template(board, "One", "daily")
    second = add_template(board, "Two", "daily")
    third = add_template(board, "Three", "daily")
    service = ReviewService(board)
    assert service.decide(first, "keep").active
    assert not service.decide(second, "pause").active
    service.decide(third, "delete")
    rows = {row.id: row for row in board.templates.rows()}
    assert rows[first].active and not rows[second].active and third not in rows
    with pytest.raises(UsageError):
        service.decide(first, "archive")
    with pytest.raises(NotFoundError):
        service.decide(999, "keep")
    board.close()


def test_deleted_and_paused_templates_stay_in_the_review_they_belong_to() -> None:
    month = Month(
        tick_days=set(NOVEMBER),
        daily_carry=["skip"] * 30,
        daily_expire=["skip"] * 30,
        weekly=["skip"] * 5,
        monthly="skip",
    )
    month.run()
    service = ReviewService(month.board)
    service.decide(month.ids["expire"], "delete")
    service.decide(month.ids["carry"], "pause")
    rows = {row.template_id: row for row in service.review("2026-11").rows}
    assert rows[month.ids["expire"]].state == "deleted"
    assert not rows[month.ids["expire"]].flagged  # already decided
    assert rows[month.ids["carry"]].state == "paused"
    assert rows[month.ids["carry"]].flagged
    assert rows[month.ids["expire"]].planned == 30


def test_titles_and_rules_follow_the_ui_language(clock: FakeClock) -> None:
    board = make_board(clock)
    values = {"title_en": "Check account health", "title_zh": "检查账户健康"}
    board.templates.add({**values, "rule": "weekly:mon", "at": "09:00", "marketplace": "JP"})
    clock.now = at(date(2026, 11, 24), 12)
    board.templates.tick()
    i18n.set_language("zh")
    [row] = ReviewService(board).review("2026-11").rows
    assert row.title == "检查账户健康"
    assert row.rule == "每周一 09:00 东京时间"
    i18n.set_language("en")
    [row] = ReviewService(board).review("2026-11").rows
    assert (row.title, row.rule) == ("Check account health", "every Monday 09:00 Tokyo time")
    board.close()


def test_deleting_a_recurring_card_is_not_a_miss_and_does_not_vote_to_drop_it():
    clock = FakeClock(at(date(2026, 11, 2), 8))
    board = make_board(clock)
    tid = add_template(board, "Check buyer messages", "daily")
    for day in NOVEMBER[1:6]:  # Nov 2–6: done every day but the 4th, which is deleted
        clock.now = at(day, 10)
        board.templates.tick()
        card = card_of(board, tid, day.isoformat())
        assert card is not None and card.id is not None
        if day.day == 4:
            board.cards.delete(card.id)
        else:
            board.cards.set_done(card.id, True)
    clock.now = at(date(2026, 11, 7), 10)
    board.templates.tick()
    row = next(r for r in ReviewService(board).review("2026-11").rows if r.template_id == tid)
    assert row.deleted == 1 and row.missed == 0
    assert row.rate == 1.0  # 4 done out of the 4 periods that count
    assert not row.flagged
    stat = next(s for s in board.templates.stats() if s.template_id == tid)
    assert stat.deleted == 1 and stat.missed == 0 and stat.rate == 1.0


def test_undoing_the_delete_links_the_card_to_its_period_again():
    clock = FakeClock(at(date(2026, 11, 2), 10))
    board = make_board(clock)
    tid = add_template(board, "Check buyer messages", "daily")
    board.templates.tick()
    card = card_of(board, tid, "2026-11-02")
    assert card is not None and card.id is not None
    board.cards.delete(card.id)
    board.cards.undo()
    board.cards.set_done(card.id, True)
    stat = next(s for s in board.templates.stats() if s.template_id == tid)
    assert (stat.done, stat.deleted, stat.missed) == (1, 0, 0)
