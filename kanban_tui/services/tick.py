"""One scheduler tick: create the current period's cards, record missed periods, and close
or carry over cards whose period ended.

A tick is one ``BEGIN IMMEDIATE`` transaction, and every (template, period) pair is unique
in the database, so two processes ticking at the same moment (the open board and a cron
job) can never create a duplicate.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from kanban_tui.domain.models import (
    Card,
    Column,
    OnPeriodEnd,
    PeriodRecord,
    Source,
    Template,
    utcnow,
)
from kanban_tui.domain.recurrence import (
    Period,
    Rule,
    current_period,
    local_day,
    occurrences_after,
    periods_between,
)
from kanban_tui.domain.schedule import aware as _aware
from kanban_tui.domain.schedule import parse_at, zone_of
from kanban_tui.services import titles
from kanban_tui.storage import activity
from kanban_tui.storage import cards as repo
from kanban_tui.storage.database import Database


@dataclass(frozen=True)
class TickItem:
    """A card the tick created, expired or carried over."""

    card_id: int | None
    template_id: int
    period_key: str
    title: str
    column: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)  # every field is a JSON value already


@dataclass
class TickResult:
    created: list[TickItem] = field(default_factory=list)
    expired: list[TickItem] = field(default_factory=list)
    carried_over: list[TickItem] = field(default_factory=list)
    missed: list[TickItem] = field(default_factory=list)
    #: Set by the board when the risk-alert check after the tick changed cards.
    changed_by_alerts: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "created": [i.as_json() for i in self.created],
            "expired": [i.as_json() for i in self.expired],
            "carried_over": [i.as_json() for i in self.carried_over],
            "missed": [i.as_json() for i in self.missed],
        }

    @property
    def changed(self) -> bool:
        return bool(self.created or self.expired or self.carried_over or self.missed)


def title_for(template: Template, lang: str) -> str:
    return template.title_zh if lang == "zh" and template.title_zh else template.title_en


def shown_title(template: Template, lang: str) -> str:
    """A template's card title as the reader sees it (a plan task in their language)."""
    key = titles.plan_key_of(template.key, template.title_en, template.title_zh)
    return titles.render(key, "", title_for(template, lang))


def _shown(card: Card) -> str:
    return titles.render(card.title_key, card.title_params, card.title)


def checklist_json(lines: str) -> str:
    items = [line.strip() for line in lines.splitlines() if line.strip()]
    return (
        json.dumps([{"text": i, "done": False} for i in items], ensure_ascii=False) if items else ""
    )


def next_due(template: Template, now: datetime) -> datetime | None:
    """The next moment a card of ``template`` appears after ``now``."""
    found = occurrences_after(
        Rule.parse(template.rule), parse_at(template.at), zone_of(template), now, 1
    )
    return found[0] if found else None


def tick(db: Database, now: datetime, lang: str) -> TickResult:
    """Bring every active template up to date at ``now`` (aware)."""
    if now.tzinfo is None:
        raise ValueError("tick needs an aware datetime")
    now_utc = now.astimezone(UTC)

    def work(session: Session) -> TickResult:
        result = TickResult()
        templates = session.exec(
            select(Template).where(col(Template.deleted_at).is_(None), col(Template.active))
        ).all()
        for template in templates:
            _tick_template(session, template, now_utc, lang, result)
        _close_ended(session, now_utc, result)
        return result

    return db.transact(work)


def _tick_template(
    session: Session, template: Template, now: datetime, lang: str, result: TickResult
) -> None:
    assert template.id is not None
    rule = Rule.parse(template.rule)
    at = parse_at(template.at)
    tz = zone_of(template)
    since = _aware(template.checked_until)
    if since is not None and now <= since:
        return  # the clock went back: everything up to ``since`` is already done
    current = current_period(rule, at, tz, now)
    if since is not None:
        missed = [
            period
            for period in periods_between(rule, at, tz, since, now)
            if current is None or period.key != current.key
        ]
        # one query for the periods already recorded, not one per period: after a long
        # absence there are thousands, and the tick holds the write lock meanwhile
        known = _recorded_keys(session, template.id, missed)
        fresh: list[Period] = []
        for period in missed:
            if period.key in known:
                continue
            known.add(period.key)
            fresh.append(period)
            result.missed.append(
                TickItem(
                    None, template.id, period.key, shown_title(template, lang), template.column
                )
            )
        _record_missed(session, template.id, fresh)
    if current is not None and _record_exists(session, template.id, current.key) is None:
        card = _create_card(session, template, current, lang, now)
        result.created.append(
            TickItem(card.id, template.id, current.key, _shown(card), template.column)
        )
    template.checked_until = now
    session.add(template)


def _record_exists(session: Session, template_id: int, key: str) -> PeriodRecord | None:
    return session.exec(
        select(PeriodRecord).where(
            col(PeriodRecord.template_id) == template_id, col(PeriodRecord.period_key) == key
        )
    ).first()


def _recorded_keys(session: Session, template_id: int, periods: list[Period]) -> set[str]:
    """The keys among ``periods`` that already have a record.

    A key names its period's first day (``2026-W48`` its Monday, ``2026-11`` the 1st, the
    others are that day), so a record with one of these keys starts no earlier than them.
    """
    if not periods:
        return set()
    keys = {period.key for period in periods}
    found = session.exec(
        select(PeriodRecord.period_key).where(
            col(PeriodRecord.template_id) == template_id,
            col(PeriodRecord.period_start) >= min(period.start for period in periods),
        )
    ).all()
    return keys.intersection(found)


def _record_missed(session: Session, template_id: int, periods: list[Period]) -> None:
    """Record ``periods`` as missed, in one statement."""
    if not periods:
        return
    created = utcnow()
    session.execute(
        insert(PeriodRecord),
        [
            {
                "template_id": template_id,
                "period_key": period.key,
                "period_start": period.start,
                "period_end": period.end,
                "card_id": None,
                "missed": True,
                "carried_at": None,
                "created_at": created,
            }
            for period in periods
        ],
    )


def _create_card(
    session: Session, template: Template, period: Period, lang: str, now: datetime
) -> Card:
    assert template.id is not None
    # a default template's card keeps the plan's key: each reader sees it in their language
    key = titles.plan_key_of(template.key, template.title_en, template.title_zh)
    card = Card(
        title=template.title_en if key else title_for(template, lang),
        title_key=key,
        assignee=template.assignee,
        category=template.category,
        estimate_minutes=template.estimate_minutes,
        priority=template.priority,
        due=period.end - timedelta(days=1),
        source=Source.TEMPLATE,
        template_id=template.id,
        period_key=period.key,
        checklist=checklist_json(template.checklist),
        created_at=now,
        updated_at=now,
    )
    repo.insert(session, card, Column(template.column), None)
    assert card.id is not None
    activity.write(
        session, card.id, None, "add", {"to": Column(template.column).value, "by": "schedule"}, now
    )
    record_card(session, template.id, period, card.id)
    session.flush()
    return card


def record_card(session: Session, template_id: int, period: Period, card_id: int | None) -> None:
    """Record that ``period`` of the template has its card (made by the tick, or an existing
    card the user turned into the template's current one)."""
    session.add(
        PeriodRecord(
            template_id=template_id,
            period_key=period.key,
            period_start=period.start,
            period_end=period.end,
            card_id=card_id,
        )
    )


def _close_ended(session: Session, now: datetime, result: TickResult) -> None:
    """Expire or carry over open cards whose period has ended (in their template's zone)."""
    rows = session.exec(
        select(PeriodRecord, Template, Card)
        .join(Template, col(Template.id) == col(PeriodRecord.template_id))
        .join(
            Card,
            (col(Card.id) == col(PeriodRecord.card_id))
            & (col(Card.period_key) == col(PeriodRecord.period_key)),
        )
        .where(
            col(PeriodRecord.missed).is_(False),
            col(PeriodRecord.carried_at).is_(None),
            col(Card.column) != Column.DONE,
        )
    ).all()
    for record, template, card in rows:
        today = local_day(now, zone_of(template))
        if today < record.period_end:
            continue
        item = TickItem(
            card.id, template.id or 0, record.period_key, _shown(card), str(card.column)
        )
        if template.on_period_end is OnPeriodEnd.EXPIRE:
            origin = Column(card.column)
            repo.move(session, card, Column.DONE, None)
            card.origin_column = origin
            card.missed_at = now
            card.done_at = None
            session.add(card)
            record.missed = True
            result.expired.append(item)
            activity.write(session, card.id or 0, None, "missed", {"by": "schedule"}, now)
        else:
            record.carried_at = now
            card.overdue_since = record.period_end
            session.add(card)
            result.carried_over.append(item)
        session.add(record)
