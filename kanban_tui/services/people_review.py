"""Completion per person for the review and the report.

A recurring period belongs to its card's assignee (or, for a period missed with no card,
its template's); a period's outcome is the review's own (done on time, late, missed,
deleted, open). One-off cards finished in the window count per assignee (else per who
finished them) as "other done".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlmodel import col, select

from kanban_tui.domain.models import Card, Column, PeriodRecord, Template
from kanban_tui.domain.recurrence import local_day
from kanban_tui.domain.schedule import outcome, zone_of
from kanban_tui.services.review import Counts
from kanban_tui.storage.database import Database


@dataclass(frozen=True)
class PersonCounts:
    """One person's periods in a review window by outcome (the review's own counts);
    ``person`` None: nobody."""

    person: str | None
    counts: Counts = field(default_factory=Counts)
    #: One-off (not recurring) cards finished in the window.
    other_done: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"person": self.person, **self.counts.as_json(), "other_done": self.other_done}


def completion_by_person(
    db: Database, start: date, end: date, now: datetime
) -> tuple[PersonCounts, ...]:
    """Per person (named ones by name, then nobody), the periods starting in
    ``start`` … ``end`` (exclusive) and the one-off cards finished then."""
    tally: dict[str | None, dict[str, int]] = {}

    def bump(person: str | None, what: str) -> None:
        counts = tally.setdefault(person, {})
        counts[what] = counts.get(what, 0) + 1

    with db.read() as session:
        rows = session.exec(
            select(PeriodRecord, Template, Card)
            .join(Template, col(Template.id) == col(PeriodRecord.template_id))
            .join(Card, col(Card.id) == col(PeriodRecord.card_id), isouter=True)
            .where(
                col(PeriodRecord.period_start) >= start,
                col(PeriodRecord.period_start) < end,
            )
        ).all()
        for record, template, card in rows:
            tz = zone_of(template)
            person = card.assignee if card is not None else template.assignee
            today = local_day(now, tz)
            ended = outcome(record, card, tz, today)
            if ended == "open" and today >= record.period_end:
                ended = "overdue"  # carried over: counted as the review counts it
            bump(person, "planned")
            bump(person, ended)
        since = datetime.combine(start, time()).replace(tzinfo=UTC)
        until = datetime.combine(end, time()).replace(tzinfo=UTC)
        one_offs = session.exec(
            select(Card.assignee, Card.done_by).where(
                col(Card.column) == Column.DONE,
                col(Card.template_id).is_(None),
                col(Card.missed_at).is_(None),
                col(Card.done_at) >= since,
                col(Card.done_at) < until,
            )
        ).all()
        for assignee, done_by in one_offs:
            bump(assignee or done_by, "other_done")
    named = sorted((p for p in tally if p is not None), key=str.casefold)
    order = [*named, None] if None in tally else named
    names = ("planned", "done", "late", "missed", "overdue", "open", "deleted")
    return tuple(
        PersonCounts(
            person,
            Counts(**{name: tally[person].get(name, 0) for name in names}),
            tally[person].get("other_done", 0),
        )
        for person in order
    )
