"""Tests of the scheduler tick (kanban_tui.services.tick) over a real database.

Covers: period keys and the (template, period) uniqueness, missed periods while the board
was closed, expiring and carrying over cards at a period's end, the default plan, the
"weekend" scenario (also beside a cron ``tick``), several processes ticking one file at
once, per-period statistics, and a property test over arbitrary sequences of tick times.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from kanban_tui.config import Settings
from kanban_tui.domain.models import Card, Column, OnPeriodEnd, PeriodRecord, Template
from kanban_tui.domain.recurrence import (
    Period,
    Rule,
    current_period,
    fire_moment,
    marketplace,
    occurrences_after,
    period_of,
)
from kanban_tui.domain.templates import TemplateFields
from kanban_tui.format import due_state
from kanban_tui.services.board import BoardService
from kanban_tui.services.plan import default_plan
from kanban_tui.services.session import load_default_plan, open_board
from kanban_tui.services.templates import PeriodStat, TemplateService
from kanban_tui.services.tick import TickResult, parse_at
from kanban_tui.storage import Database, open_database
from tests.conftest import FakeClock

ROOT = Path(__file__).resolve().parents[1]

#: The weekend: the board is open on Friday morning and next on Monday morning (US, LA).
FRIDAY = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # Fri 09:00 in Los Angeles
MONDAY = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # Mon 08:00 in Los Angeles

PLAN_KEYS = [task.key for task in default_plan("en")]
DAILY_KEYS = [task.key for task in default_plan("en") if task.rule == "daily"]
WEEKLY_KEYS = [task.key for task in default_plan("en") if task.rule.startswith("weekly")]


# --------------------------------------------------------------------------- helpers


@dataclass
class Services:
    """What :func:`load_default_plan` and these tests use of a board."""

    db: Database
    cards: BoardService
    templates: TemplateService
    settings: Settings

    def close(self) -> None:
        self.db.close()


def memory_board(clock: FakeClock, market: str = "US") -> Any:
    """Services over a fresh in-memory database (the plan is not loaded)."""
    db = open_database(":memory:")
    return Services(
        db=db,
        cards=BoardService(db, clock),
        templates=TemplateService(db, clock),
        settings=Settings(default_marketplace=market),
    )


def add_template(service: TemplateService, title: str, rule: str, at: str, market: str) -> int:
    return service.add({"title_en": title, "rule": rule, "at": at, "marketplace": market}).id


def contents(db: Database) -> tuple[dict[int, Template], list[PeriodRecord], list[Card]]:
    with db.read() as session:
        templates = {t.id or 0: t for t in session.exec(select(Template)).all()}
        records = list(session.exec(select(PeriodRecord)).all())
        cards = list(session.exec(select(Card)).all())
    return templates, records, cards


def cards_of(db: Database, template_id: int) -> dict[str, Card]:
    """The template's cards by period key (asserting there is one per key)."""
    _, _, cards = contents(db)
    found = [c for c in cards if c.template_id == template_id]
    keyed = {c.period_key or "": c for c in found}
    assert len(keyed) == len(found), "two cards of one template share a period"
    return keyed


def records_of(db: Database, template_id: int) -> dict[str, PeriodRecord]:
    _, records, _ = contents(db)
    found = [r for r in records if r.template_id == template_id]
    keyed = {r.period_key: r for r in found}
    assert len(keyed) == len(found), "two records of one template share a period"
    return keyed


def ids_by_key(db: Database) -> dict[str, int]:
    templates, _, _ = contents(db)
    return {t.key: tid for tid, t in templates.items() if t.key}


def stats_of(service: TemplateService) -> dict[int, PeriodStat]:
    return {s.template_id: s for s in service.stats()}


def pairs(items: list[Any]) -> list[tuple[int, str]]:
    """(template_id, period_key) of tick items, or of their JSON form."""
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append((item["template_id"], item["period_key"]))
        else:
            out.append((item.template_id, item.period_key))
    return out


def overdue_kind(due: date | None, today: date) -> str | None:
    """The board's mark for a due date (``overdue``, ``today``, ``later``)."""
    state = due_state(due, today)
    return state[1] if state else None


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def cli_tick_command(db_path: Path, now: datetime) -> list[str]:
    command = [sys.executable, "-m", "kanban_tui", "--db", str(db_path)]
    return [*command, "tick", "--now", now.isoformat(), "--json"]


def run_cli_tick(db_path: Path, now: datetime) -> dict[str, Any]:
    done = subprocess.run(
        cli_tick_command(db_path, now),
        capture_output=True,
        text=True,
        env=subprocess_env(),
        cwd=db_path.parent,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# --------------------------------------------------------------------------- period keys


def test_generated_cards_remember_template_and_period_key() -> None:
    clock = FakeClock(datetime(2026, 11, 25, 17, 0, tzinfo=UTC))  # Wed 09:00 LA
    board = memory_board(clock)
    assert load_default_plan(board) == 16
    result = board.templates.tick()
    ids = ids_by_key(board.db)
    keys = {key: next(iter(cards_of(board.db, tid))) for key, tid in ids.items()}
    assert len(result.created) == 16
    assert keys["account-health"] == "2026-11-25"  # a day
    assert keys["competitors"] == "2026-W48"  # an ISO week
    assert keys["review-financials"] == "2026-11"  # a month
    assert keys["strategy-meeting"] == "2026-11-23"  # a 14-day window's start
    assert keys["pdca-evaluation"] == "2026-11-09"  # a 28-day window's start
    _, records, cards = contents(board.db)
    for card in cards:
        record = next(r for r in records if r.card_id == card.id)
        assert (card.template_id, card.period_key) == (record.template_id, record.period_key)
        assert card.source == "template"
        assert card.due == record.period_end - timedelta(days=1)
    weekly = cards_of(board.db, ids["competitors"])["2026-W48"]
    assert weekly.due == date(2026, 11, 29)  # the week's Sunday
    assert weekly.column is Column.WEEKLY


def test_ticking_again_in_the_same_periods_creates_nothing() -> None:
    clock = FakeClock(datetime(2026, 11, 25, 17, 0, tzinfo=UTC))
    board = memory_board(clock)
    load_default_plan(board)
    board.templates.tick()
    for later in (timedelta(0), timedelta(hours=1), timedelta(hours=6)):
        again = board.templates.tick(clock.now + later)
        assert again.created == [] and again.missed == [] and again.expired == []
    # a second service on the same database, at the same moment, adds nothing either
    other = TemplateService(board.db, clock)
    assert not other.tick().changed
    _, records, cards = contents(board.db)
    assert len(cards) == len(records) == 16


def test_unique_constraint_on_template_and_period() -> None:
    clock = FakeClock(datetime(2026, 11, 25, 17, 0, tzinfo=UTC))
    board = memory_board(clock)
    tid = add_template(board.templates, "Check", "daily", "08:00", "US")
    board.templates.tick()

    def duplicate_card(session: Any) -> None:
        session.add(Card(title="again", template_id=tid, period_key="2026-11-25", position=99))
        session.flush()

    def duplicate_record(session: Any) -> None:
        session.add(
            PeriodRecord(
                template_id=tid,
                period_key="2026-11-25",
                period_start=date(2026, 11, 25),
                period_end=date(2026, 11, 26),
            )
        )
        session.flush()

    for work in (duplicate_card, duplicate_record):
        with pytest.raises(IntegrityError):
            board.db.transact(work)
    assert list(cards_of(board.db, tid)) == ["2026-11-25"]
    # cards without a template (manual cards) are not constrained
    board.cards.add({"title": "manual one"})
    board.cards.add({"title": "manual two"})


# --------------------------------------------------------------------------- zones


def test_east_zone_crosses_midnight_before_the_machine() -> None:
    # 2026-11-25T15:30Z: 00:30 on the 26th in Tokyo, 23:30 on the 25th here (Shanghai),
    # 07:30 on the 25th in Los Angeles
    now = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
    assert now.astimezone().date() == date(2026, 11, 25)  # the machine's own zone
    board = memory_board(FakeClock(now))
    jp = add_template(board.templates, "JP daily", "daily", "00:00", "JP")
    us = add_template(board.templates, "US daily", "daily", "00:00", "US")
    board.templates.tick()
    assert list(cards_of(board.db, jp)) == ["2026-11-26"]
    assert list(cards_of(board.db, us)) == ["2026-11-25"]
    assert cards_of(board.db, jp)["2026-11-26"].due == date(2026, 11, 26)


@pytest.mark.parametrize(
    ("market", "at", "day", "first_fire", "second_instance"),
    [
        # Los Angeles springs forward at 02:00 → 03:00: 02:30 does not exist
        ("US", "02:30", date(2026, 3, 8), datetime(2026, 3, 8, 10, 0, tzinfo=UTC), None),
        # Los Angeles falls back at 02:00 → 01:00: 01:30 happens twice (PDT, then PST)
        (
            "US",
            "01:30",
            date(2026, 11, 1),
            datetime(2026, 11, 1, 8, 30, tzinfo=UTC),
            datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
        ),
        # Berlin springs forward at 02:00 → 03:00
        ("DE", "02:30", date(2026, 3, 29), datetime(2026, 3, 29, 1, 0, tzinfo=UTC), None),
        # Berlin falls back at 03:00 → 02:00: 02:30 happens twice
        (
            "DE",
            "02:30",
            date(2026, 10, 25),
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        ),
    ],
)
def test_daily_card_across_dst_changes(
    market: str, at: str, day: date, first_fire: datetime, second_instance: datetime | None
) -> None:
    before = first_fire - timedelta(seconds=1)
    board = memory_board(FakeClock(first_fire - timedelta(hours=12)))
    tid = add_template(board.templates, "DST daily", "daily", at, market)
    board.templates.tick()  # yesterday's card
    yesterday = (day - timedelta(days=1)).isoformat()
    assert list(cards_of(board.db, tid)) == [yesterday]

    result = board.templates.tick(before)
    assert result.created == []  # not yet: the local time has not come
    assert pairs(result.expired) == [(tid, yesterday)]  # but yesterday is over
    assert list(cards_of(board.db, tid)) == [yesterday]

    result = board.templates.tick(first_fire)
    assert pairs(result.created) == [(tid, day.isoformat())]
    if second_instance is not None:  # the repeated hour does not make a second card
        assert not board.templates.tick(second_instance).created
    assert not board.templates.tick(first_fire + timedelta(hours=12)).created
    assert sorted(cards_of(board.db, tid)) == [yesterday, day.isoformat()]
    assert records_of(board.db, tid)[day.isoformat()].missed is False


@pytest.mark.parametrize(
    ("rule", "market", "at", "fire_day", "key"),
    [
        ("monthly:31", "DE", "02:30", date(2026, 1, 31), "2026-01"),
        ("monthly:31", "DE", "02:30", date(2026, 2, 28), "2026-02"),  # no 31st: last day
        ("monthly:31", "DE", "02:30", date(2026, 4, 30), "2026-04"),
        ("monthly:31", "JP", "00:00", date(2028, 2, 29), "2028-02"),  # leap year
        ("monthly:last-business", "US", "02:30", date(2026, 2, 27), "2026-02"),  # 28th: Sat
        ("monthly:last-business", "US", "02:30", date(2028, 2, 29), "2028-02"),
        ("monthly:last", "US", "23:30", date(2026, 12, 31), "2026-12"),
    ],
)
def test_month_end_rules(rule: str, market: str, at: str, fire_day: date, key: str) -> None:
    tz = marketplace(market).tz
    fire = fire_moment(fire_day, parse_at(at), tz).astimezone(UTC)
    board = memory_board(FakeClock(fire - timedelta(seconds=1)))
    tid = add_template(board.templates, "Month end", rule, at, market)
    assert board.templates.tick().created == []  # the day before the fire moment: nothing
    created = board.templates.tick(fire).created
    assert pairs(created) == [(tid, key)]
    card = cards_of(board.db, tid)[key]
    record = records_of(board.db, tid)[key]
    assert record.period_start == fire_day.replace(day=1)
    assert card.due == record.period_end - timedelta(days=1)
    assert card.due.month == fire_day.month and (card.due + timedelta(days=1)).day == 1
    # a monthly card carries over into the next month (it is not expired)
    next_month = datetime.combine(card.due + timedelta(days=2), time(12), tzinfo=UTC)
    result = board.templates.tick(next_month)
    assert pairs(result.carried_over) == [(tid, key)]
    assert result.expired == []


def test_iso_week_53() -> None:
    monday_9_tokyo = datetime(2026, 12, 28, 0, 0, tzinfo=UTC)  # 2026-12-28 09:00 JST
    board = memory_board(FakeClock(datetime(2026, 12, 23, tzinfo=UTC)))
    tid = add_template(board.templates, "JP weekly", "weekly:mon", "09:00", "JP")
    assert pairs(board.templates.tick().created) == [(tid, "2026-W52")]
    # Monday 08:59 in Tokyo: week 52 is over, week 53's card is not due yet
    result = board.templates.tick(monday_9_tokyo - timedelta(minutes=1))
    assert result.created == [] and pairs(result.carried_over) == [(tid, "2026-W52")]
    assert pairs(board.templates.tick(monday_9_tokyo).created) == [(tid, "2026-W53")]
    assert board.templates.tick(datetime(2027, 1, 1, 12, tzinfo=UTC)).created == []
    card = cards_of(board.db, tid)["2026-W53"]
    assert card.due == date(2027, 1, 3)
    record = records_of(board.db, tid)["2026-W53"]
    assert (record.period_start, record.period_end) == (date(2026, 12, 28), date(2027, 1, 4))
    result = board.templates.tick(datetime(2027, 1, 4, 0, 0, tzinfo=UTC))
    assert pairs(result.created) == [(tid, "2027-W01")]
    assert pairs(result.carried_over) == [(tid, "2026-W53")]


# --------------------------------------------------------------------------- closed for days


def test_closed_for_days_creates_only_the_current_period() -> None:
    clock = FakeClock(datetime(2026, 11, 2, 17, 0, tzinfo=UTC))  # Mon 09:00 LA
    board = memory_board(clock)
    load_default_plan(board)
    board.templates.tick()
    ids = ids_by_key(board.db)
    # closed for 24 days: back on Thursday 2026-11-26
    result = board.templates.tick(datetime(2026, 11, 26, 17, 0, tzinfo=UTC))
    created = dict(pairs(result.created))
    assert created[ids["account-health"]] == "2026-11-26"
    assert created[ids["competitors"]] == "2026-W48"
    assert created[ids["strategy-meeting"]] == "2026-11-23"
    assert created[ids["pdca-evaluation"]] == "2026-11-09"
    assert len(result.created) == len(set(pairs(result.created)))
    # every template has at most one card per period and one card for the current one
    daily = cards_of(board.db, ids["account-health"])
    assert sorted(daily) == ["2026-11-02", "2026-11-26"]  # no flood of stale cards
    missed = records_of(board.db, ids["account-health"])
    assert sorted(k for k, r in missed.items() if r.missed) == [
        f"2026-11-{d:02d}" for d in range(2, 26)
    ]  # Nov 3..25 recorded missed while closed, and Nov 2's card expired
    assert missed["2026-11-02"].card_id == daily["2026-11-02"].id
    weekly = cards_of(board.db, ids["competitors"])
    assert sorted(weekly) == ["2026-W45", "2026-W48"]
    weekly_records = records_of(board.db, ids["competitors"])
    assert [k for k, r in sorted(weekly_records.items()) if r.missed] == ["2026-W46", "2026-W47"]
    # the carried week-45 card stays in Weekly and shows how overdue it is
    old = weekly["2026-W45"]
    assert old.column is Column.WEEKLY and old.done_at is None and old.missed_at is None
    assert old.due == date(2026, 11, 8)
    assert (date(2026, 11, 26) - old.due).days == 18
    assert overdue_kind(old.due, date(2026, 11, 26)) == "overdue"
    stats = stats_of(board.templates)
    assert stats[ids["account-health"]] == PeriodStat(
        ids["account-health"], planned=25, done=0, late=0, missed=24, open=1
    )
    assert stats[ids["competitors"]].missed == 2
    assert stats[ids["competitors"]].open == 2  # the carried card and this week's


def test_clock_going_back_changes_nothing() -> None:
    clock = FakeClock(datetime(2026, 11, 25, 17, 0, tzinfo=UTC))
    board = memory_board(clock)
    load_default_plan(board)
    board.templates.tick()
    before = contents(board.db)[1:]
    for back in (timedelta(seconds=1), timedelta(days=3), timedelta(days=40)):
        result = board.templates.tick(clock.now - back)
        assert not result.changed
    assert contents(board.db)[1:] == before
    # forward again: only what is new since the latest tick
    result = board.templates.tick(clock.now + timedelta(days=1))
    assert {key for _, key in pairs(result.created)} == {"2026-11-26"}
    assert result.missed == []


def test_edited_rule_keeps_one_record_per_period() -> None:
    clock = FakeClock(datetime(2026, 11, 23, 17, 0, tzinfo=UTC))  # Mon 09:00 LA
    board = memory_board(clock)
    tid = add_template(board.templates, "Review", "weekly:mon", "08:00", "US")
    monthly = add_template(board.templates, "Report", "monthly:1", "08:00", "US")
    board.templates.tick()
    # same ISO-week keys under the new rule: this week's Friday is already recorded
    board.templates.edit(tid, {"rule": "weekly:fri"})
    # monthly:1 → monthly:31: November (already recorded) fires again on the 30th
    board.templates.edit(monthly, {"rule": "monthly:31"})
    result = board.templates.tick(datetime(2026, 12, 1, 17, 0, tzinfo=UTC))  # Tue
    assert (tid, "2026-W48") not in pairs(result.missed)
    assert (monthly, "2026-11") not in pairs(result.missed)
    assert list(records_of(board.db, tid)) == ["2026-W48"]
    assert list(records_of(board.db, monthly)) == ["2026-11"]
    assert records_of(board.db, tid)["2026-W48"].card_id is not None


def test_expired_daily_card_leaves_the_open_columns_but_not_done_view() -> None:
    clock = FakeClock(FRIDAY)
    board = memory_board(clock)
    tid = add_template(board.templates, "Answer messages", "daily", "00:00", "US")
    weekly = add_template(board.templates, "Weekly review", "weekly:mon", "00:00", "US")
    assert board.templates.row(tid).on_period_end == OnPeriodEnd.EXPIRE
    assert board.templates.row(weekly).on_period_end == OnPeriodEnd.CARRY
    board.templates.tick()
    friday_card = cards_of(board.db, tid)["2026-11-27"]
    done_card = board.cards.add({"title": "really done"})
    board.cards.set_done(done_card.id, True)
    clock.now = FRIDAY + timedelta(days=1)  # Saturday
    result = board.templates.tick()
    assert pairs(result.expired) == [(tid, "2026-11-27")]
    card = board.cards.card(friday_card.id or 0)
    assert card.column is Column.DONE and card.done_at is None
    assert card.origin_column is Column.DAILY
    with board.db.read() as session:
        stored = session.get(Card, friday_card.id)
        assert stored is not None and stored.missed_at is not None
    shown_done = [r.id for r in board.cards.rows(Column.DONE, 0, 100)]
    assert card.id not in shown_done and done_card.id in shown_done
    assert card.id not in [r.id for r in board.cards.list_cards(Column.DONE)]
    assert card.id in [r.id for r in board.cards.list_cards(include_all=True)]
    open_ids = [r.id for c in (Column.DAILY, Column.WEEKLY) for r in board.cards.rows(c, 0, 100)]
    assert card.id not in open_ids
    assert records_of(board.db, tid)["2026-11-27"].missed is True
    assert stats_of(board.templates)[tid].missed == 1


# --------------------------------------------------------------------------- default plan


def test_default_plan_becomes_templates_once(tmp_path: Path) -> None:
    clock = FakeClock(FRIDAY)
    board = memory_board(clock)
    assert load_default_plan(board) == 16
    assert load_default_plan(board) == 0
    rows = board.templates.rows()
    assert [r.key for r in rows] == PLAN_KEYS
    zh = {task.key: task.title for task in default_plan("zh")}
    en = {task.key: task.title for task in default_plan("en")}
    for row in rows:
        assert row.title_en == en[row.key] and row.title_zh == zh[row.key]
        assert row.title_zh and row.title_zh != row.title_en
        assert row.marketplace == "US" and row.active
    # the plan's loader itself never duplicates a key either
    assert board.templates.load_plan(default_plan("en"), zh) == 0
    assert len(board.templates.rows()) == 16

    path = tmp_path / "plan.db"
    first = open_board(str(path), Settings(default_marketplace="DE"), clock)
    assert first.first_tick is not None and len(first.first_tick.created) == 16
    first.close()
    second = open_board(str(path), Settings(default_marketplace="DE"), clock)
    assert second.first_tick is not None and second.first_tick.created == []
    rows = second.templates.rows()
    assert len(rows) == 16 and {r.marketplace for r in rows} == {"DE"}
    assert len(second.cards.list_cards(include_all=True)) == 16
    second.close()


def test_default_plan_cards_follow_the_board_language(tmp_path: Path) -> None:
    from kanban_tui.i18n import set_language

    set_language("zh")
    board = open_board(str(tmp_path / "zh.db"), Settings(), FakeClock(FRIDAY))
    zh = {task.title for task in default_plan("zh")}
    titles = {row.title for row in board.cards.list_cards()}
    assert titles and titles <= zh
    board.close()


# --------------------------------------------------------------------------- the weekend


def open_friday(path: Path) -> None:
    board = open_board(str(path), Settings(), FakeClock(FRIDAY))
    assert board.first_tick is not None and len(board.first_tick.created) == 16
    board.close()


def check_monday(path: Path) -> None:
    """Everything the weekend scenario promises, read from the file."""
    clock = FakeClock(MONDAY)
    board = open_board(str(path), Settings(), clock, interactive=False)
    ids = ids_by_key(board.db)
    stats = stats_of(board.templates)
    for key in DAILY_KEYS:
        tid = ids[key]
        cards = cards_of(board.db, tid)
        records = records_of(board.db, tid)
        assert sorted(cards) == ["2026-11-27", "2026-11-30"]  # Monday's exactly once
        monday = cards["2026-11-30"]
        assert monday.column is Column.DAILY and monday.missed_at is None
        friday = cards["2026-11-27"]  # expired
        assert friday.column is Column.DONE and friday.done_at is None
        assert friday.missed_at is not None
        for weekend in ("2026-11-28", "2026-11-29"):
            assert records[weekend].missed and records[weekend].card_id is None
        assert stats[tid] == PeriodStat(tid, planned=4, done=0, late=0, missed=3, open=1)
    done_shown = {r.id for r in board.cards.rows(Column.DONE, 0, 100)}
    everything = {r.id for r in board.cards.list_cards(include_all=True)}
    for key in WEEKLY_KEYS:
        tid = ids[key]
        cards = cards_of(board.db, tid)
        assert sorted(cards) == ["2026-W48", "2026-W49"]  # this week's created
        carried = cards["2026-W48"]
        assert carried.column is Column.WEEKLY and carried.due == date(2026, 11, 29)
        assert overdue_kind(carried.due, date(2026, 11, 30)) == "overdue"
        assert records_of(board.db, tid)["2026-W48"].carried_at is not None
        assert stats[tid].open == 2 and stats[tid].missed == 0
    for key in set(PLAN_KEYS) - set(DAILY_KEYS) - set(WEEKLY_KEYS):
        assert len(cards_of(board.db, ids[key])) == 1  # still in the same window/month
    expired = {c.id for c in contents(board.db)[2] if c.missed_at is not None}
    assert len(expired) == len(DAILY_KEYS)
    assert not expired & done_shown and expired <= everything
    _, all_records, all_cards = contents(board.db)
    assert len(all_cards) == 16 + len(DAILY_KEYS) + len(WEEKLY_KEYS)
    assert len({(c.template_id, c.period_key) for c in all_cards}) == len(all_cards)
    assert len({(r.template_id, r.period_key) for r in all_records}) == len(all_records)
    board.close()


def expected_monday_created(path: Path) -> set[tuple[int, str]]:
    db = open_database(path)
    ids = ids_by_key(db)
    db.close()
    daily = {(ids[k], "2026-11-30") for k in DAILY_KEYS}
    return daily | {(ids[k], "2026-W49") for k in WEEKLY_KEYS}


def test_weekend_board_reopened_on_monday(tmp_path: Path) -> None:
    path = tmp_path / "weekend.db"
    open_friday(path)
    board = open_board(str(path), Settings(), FakeClock(MONDAY))
    result = board.first_tick
    board.close()
    assert result is not None
    assert set(pairs(result.created)) == expected_monday_created(path)
    assert len(result.created) == len(DAILY_KEYS) + len(WEEKLY_KEYS)
    assert len(result.missed) == 2 * len(DAILY_KEYS)
    assert len(result.expired) == len(DAILY_KEYS)
    assert len(result.carried_over) == len(WEEKLY_KEYS)
    check_monday(path)


def test_weekend_two_services_tick_the_same_moment(tmp_path: Path) -> None:
    path = tmp_path / "weekend.db"
    open_friday(path)
    board = open_board(str(path), Settings(), FakeClock(MONDAY))  # ticks on open
    cron_db = open_database(path)
    cron = TemplateService(cron_db, FakeClock(MONDAY))
    second = cron.tick()
    third = board.templates.tick(MONDAY)
    assert board.first_tick is not None
    assert not second.changed and not third.changed
    assert set(pairs(board.first_tick.created)) == expected_monday_created(path)
    cron_db.close()
    board.close()
    check_monday(path)


def test_weekend_cron_tick_first_then_the_board(tmp_path: Path) -> None:
    path = tmp_path / "weekend.db"
    open_friday(path)
    cron = run_cli_tick(path, MONDAY)
    assert set(pairs(cron["created"])) == expected_monday_created(path)
    assert len(cron["missed"]) == 2 * len(DAILY_KEYS)
    board = open_board(str(path), Settings(), FakeClock(MONDAY))
    assert board.first_tick is not None and not board.first_tick.changed
    later = board.templates.tick(MONDAY + timedelta(hours=3))
    assert not later.changed
    board.close()
    check_monday(path)


def test_four_processes_and_the_board_tick_one_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    open_friday(path)
    processes = [
        subprocess.Popen(
            cli_tick_command(path, MONDAY),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=subprocess_env(),
            cwd=tmp_path,
        )
        for _ in range(4)
    ]
    results: list[TickResult | dict[str, Any]] = []
    try:
        # the open board ticks while the cron jobs run
        db = open_database(path)
        board = TemplateService(db, FakeClock(MONDAY))
        for _ in range(3):
            results.append(board.tick())
        outputs = [p.communicate(timeout=120) for p in processes]
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
    results.append(board.tick(MONDAY))
    db.close()
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert "database is locked" not in out + err
        assert "locked" not in err.lower() and "busy" not in err.lower()
        results.append(json.loads(out))
    created: list[tuple[int, str]] = []
    for result in results:
        created += pairs(result["created"] if isinstance(result, dict) else result.created)
    assert sorted(created) == sorted(expected_monday_created(path))  # each exactly once
    check_monday(path)


# --------------------------------------------------------------------------- statistics


def test_stats_count_done_on_time_late_missed_and_open() -> None:
    clock = FakeClock(datetime(2026, 11, 23, 17, 0, tzinfo=UTC))  # Mon 09:00 LA
    board = memory_board(clock)
    on_time = add_template(board.templates, "On time", "weekly:mon", "08:00", "US")
    late = add_template(board.templates, "Late", "weekly:mon", "08:00", "US")
    daily = add_template(board.templates, "Daily", "daily", "08:00", "US")
    board.templates.tick()
    first_on_time = cards_of(board.db, on_time)["2026-W48"]
    first_late = cards_of(board.db, late)["2026-W48"]
    first_daily = cards_of(board.db, daily)["2026-11-23"]

    clock.now = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # Wednesday: within the week
    board.cards.set_done(first_on_time.id or 0, True)
    board.cards.set_done(first_daily.id or 0, True)  # done the day after: late
    board.templates.tick()
    clock.now = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # next Monday
    result = board.templates.tick()
    assert (late, "2026-W48") in pairs(result.carried_over)
    assert (on_time, "2026-W48") not in pairs(result.carried_over)
    clock.now = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)  # Monday: the week is over
    board.cards.set_done(first_late.id or 0, True)
    clock.now = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # Tuesday of the next week
    board.templates.tick()

    stats = stats_of(board.templates)
    assert stats[on_time] == PeriodStat(on_time, planned=2, done=1, late=0, missed=0, open=1)
    assert stats[late] == PeriodStat(late, planned=2, done=0, late=1, missed=0, open=1)
    # daily: Nov 23 done late (on the 25th); Nov 24 missed; Nov 25 expired; Nov 26..29
    # missed while closed; Nov 30 expired; Dec 1 open
    assert stats[daily].late == 1 and stats[daily].open == 1
    assert stats[daily].planned == 9 and stats[daily].missed == 7
    assert stats[daily].done == 0
    assert stats[on_time].rate == 1.0 and stats[late].rate == 1.0
    # one period at a time: a window of stats
    window = TemplateService(board.db, clock).stats(
        datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC)
    )
    by_id = {s.template_id: s for s in window}
    assert by_id[on_time] == PeriodStat(on_time, planned=1, done=1, late=0, missed=0, open=0)
    assert by_id[late] == PeriodStat(late, planned=1, done=0, late=1, missed=0, open=0)
    row = board.templates.row(late)
    assert row.recent == {"late": 1, "open": 1} and row.completion_rate == 1.0


def test_done_daily_card_on_its_day_is_on_time_and_not_expired() -> None:
    clock = FakeClock(datetime(2026, 11, 25, 17, 0, tzinfo=UTC))
    board = memory_board(clock)
    tid = add_template(board.templates, "Daily", "daily", "00:00", "US")
    board.templates.tick()
    card = cards_of(board.db, tid)["2026-11-25"]
    board.cards.set_done(card.id or 0, True)
    clock.now += timedelta(days=1)
    result = board.templates.tick()
    assert result.expired == []
    assert stats_of(board.templates)[tid] == PeriodStat(
        tid, planned=2, done=1, late=0, missed=0, open=1
    )
    assert board.cards.card(card.id or 0).done_at is not None


# --------------------------------------------------------------------------- property test

EXTRA_TEMPLATES = [
    ("JP weekly", "weekly:mon", "09:00", "JP"),
    ("JP daily", "daily", "00:00", "JP"),
    ("JP first Monday", "rrule:FREQ=MONTHLY;BYDAY=1MO", "23:30", "JP"),
    ("DE month end", "monthly:31", "02:30", "DE"),
    ("DE 4-weekly", "4weekly:2026-03-23", "02:30", "DE"),
    ("DE Tue/Thu", "rrule:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "02:30", "DE"),
    ("US last business day", "monthly:last-business", "02:30", "US"),
    ("US biweekly", "biweekly:2026-03-02", "02:30", "US"),
    ("US daily in the gap", "daily", "02:30", "US"),
    ("US weekly Sunday", "weekly:sun", "01:30", "US"),
]

LOWEST = datetime(2026, 1, 1, tzinfo=UTC)
HIGHEST = datetime(2028, 12, 31, 23, 59, 59, tzinfo=UTC)

#: Moments around which things happen: DST changes (LA, Berlin), month ends, leap day,
#: ISO week 53, Tokyo's midnight.
LANDMARKS = [
    datetime(2026, 3, 8, 10, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
    datetime(2027, 3, 14, 10, 0, tzinfo=UTC),
    datetime(2028, 11, 5, 9, 0, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    datetime(2028, 3, 26, 1, 0, tzinfo=UTC),
    datetime(2026, 1, 31, 0, 0, tzinfo=UTC),
    datetime(2026, 2, 28, 0, 0, tzinfo=UTC),
    datetime(2026, 4, 30, 12, 0, tzinfo=UTC),
    datetime(2028, 2, 29, 0, 0, tzinfo=UTC),
    datetime(2028, 3, 1, 0, 0, tzinfo=UTC),
    datetime(2026, 12, 28, 0, 0, tzinfo=UTC),
    datetime(2027, 1, 3, 23, 0, tzinfo=UTC),
    datetime(2026, 11, 25, 15, 0, tzinfo=UTC),
]

instants = st.one_of(
    st.datetimes(
        min_value=LOWEST.replace(tzinfo=None),
        max_value=HIGHEST.replace(tzinfo=None),
        timezones=st.just(UTC),
    ),
    st.builds(
        lambda mark, seconds: mark + timedelta(seconds=seconds),
        st.sampled_from(LANDMARKS),
        st.integers(-2 * 86400, 2 * 86400),
    ),
)
#: The next tick: a step from the previous one (back or forth, minutes to two months), or
#: any instant at all (a jump of up to three years either way; drawn less often, as a long
#: absence records thousands of missed periods and makes the example slow).
small_steps = st.timedeltas(min_value=timedelta(hours=-36), max_value=timedelta(hours=36))
month_steps = st.timedeltas(min_value=timedelta(days=-62), max_value=timedelta(days=62))
steps = st.one_of(small_steps, month_steps, small_steps, month_steps, small_steps, instants)


@st.composite
def tick_times(draw: st.DrawFn) -> list[datetime]:
    times = [draw(instants)]
    for step in draw(st.lists(steps, max_size=5)):
        moment = step if isinstance(step, datetime) else times[-1] + step
        times.append(min(max(moment, LOWEST), HIGHEST))
    return times


def first_fire(rule: Rule, at: time, tz: str, period: Period) -> datetime:
    """The first fire moment inside ``period``."""
    midnight = fire_moment(period.start, time(0, 0), tz)
    found = occurrences_after(rule, at, tz, midnight - timedelta(microseconds=1), 1)
    assert found, period
    return found[0]


class Invariants:
    """Checks (a)–(d) on one database after each tick; a period's first fire moment and
    the checks of a record that cannot change are computed once."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with db.read() as session:
            self.rules = {
                t.id: (Rule.parse(t.rule), parse_at(t.at), marketplace(t.marketplace).tz)
                for t in session.exec(select(Template)).all()
            }
        self.fires: dict[tuple[int, str], datetime] = {}

    def check(self, latest: datetime) -> None:
        with self.db.read() as session:
            # SQLAlchemy's select: sqlmodel's stops at four columns
            records = session.execute(
                sa_select(
                    col(PeriodRecord.template_id),
                    col(PeriodRecord.period_key),
                    col(PeriodRecord.period_start),
                    col(PeriodRecord.period_end),
                    col(PeriodRecord.card_id),
                )
            ).all()
            cards = session.exec(
                select(col(Card.id), col(Card.template_id), col(Card.period_key), col(Card.due))
            ).all()
        keys = [(tid, key) for tid, key, *_ in records]
        # (a) one record and at most one card per (template, period)
        assert len(keys) == len(set(keys))
        card_keys = [(tid, key) for _, tid, key, _ in cards]
        assert len(card_keys) == len(set(card_keys))
        by_key = {(tid, key): (start, end, card) for tid, key, start, end, card in records}
        for (tid, key), (start, end, _) in by_key.items():
            if (tid, key) in self.fires:
                continue
            rule, at, tz = self.rules[tid]
            period = period_of(rule, start)
            assert (period.key, period.end) == (key, end)
            self.fires[(tid, key)] = first_fire(rule, at, tz, period)
        # (b) nothing for a period whose first fire moment is after the latest tick
        future = [k for k in keys if self.fires[k] > latest]
        assert not future, (future, latest)
        # (d) every card stands for its rule's period, through its record
        for card_id, tid, key, due in cards:
            start, end, recorded_card = by_key[(tid, key)]
            assert recorded_card == card_id
            assert period_of(self.rules[tid][0], start).key == key
            assert due == end - timedelta(days=1)
        # (c) the current period of every template has its card
        for tid, (rule, at, tz) in self.rules.items():
            current = current_period(rule, at, tz, latest)
            if current is not None:
                found = by_key.get((tid, current.key))
                assert found is not None and found[2] is not None, (tid, current, latest)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(times=tick_times())
def test_any_sequence_of_ticks_keeps_the_invariants(times: list[datetime]) -> None:
    board = memory_board(FakeClock(times[0]))
    load_default_plan(board)

    def extras(session: Any) -> None:
        # straight into the table: TemplateService.add lists every template after adding
        for title, rule, at, market in EXTRA_TEMPLATES:
            fields = TemplateFields(title_en=title, rule=rule, at=at, marketplace=market)
            values = fields.model_dump()
            values.update(at=fields.at.strftime("%H:%M"), checklist="")
            session.add(Template(**values))

    board.db.transact(extras)
    invariants = Invariants(board.db)
    latest = times[0]
    for index, now in enumerate(times):
        result = board.templates.tick(now)
        if index and now <= latest:  # (e) the clock went back: nothing changes
            assert not result.changed, result
        latest = max(latest, now)
        invariants.check(latest)
    board.close()
