"""What a template's stored times mean: its local time of day, its zone, and how each of
its periods turned out. Pure: no I/O, no database, no i18n."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from kanban_tui.domain.marketplaces import marketplace
from kanban_tui.domain.models import Card, Column, PeriodRecord, Template
from kanban_tui.domain.recurrence import local_day

__all__ = ["aware", "outcome", "parse_at", "zone_of"]


def parse_at(value: str) -> time:
    """A template's stored ``HH:MM`` as a time of day."""
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


def zone_of(template: Template) -> str:
    """The IANA zone a template's periods are counted in (its marketplace's)."""
    return marketplace(template.marketplace).tz


def aware(value: datetime | None) -> datetime | None:
    """``value`` with UTC attached when SQLite returned it naive."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def outcome(record: PeriodRecord, card: Card | None, tz: str, today: date) -> str:
    """``done`` (on time), ``late``, ``missed``, ``deleted`` or ``open`` for one period.

    A period whose card the user deleted is ``deleted``, not missed: deleting is a
    decision, and it must not vote to drop the template in the review.
    """
    if record.missed:
        return "missed"
    if card is None or card.period_key != record.period_key:
        # the card was deleted (the record forgot it, or — written before that rule — still
        # names an id that SQLite gave to a later card)
        return "deleted"
    if card.missed_at is not None:
        return "missed"
    if card.done_at is not None and card.column is Column.DONE:
        finished = aware(card.done_at)
        assert finished is not None
        done_day = local_day(finished, tz)
        return "done" if done_day < record.period_end else "late"
    return "open"
