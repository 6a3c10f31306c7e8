"""Recurring templates: add, edit, pause, delete, list with statistics, and the default plan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from kanban_tui.domain.models import Card, PeriodRecord, Template
from kanban_tui.domain.recurrence import Rule, RuleError, marketplace, occurrences_after
from kanban_tui.domain.schedule import outcome, parse_at, zone_of
from kanban_tui.domain.templates import TemplateFields
from kanban_tui.errors import NotFoundError, ValidationFailed
from kanban_tui.i18n import t
from kanban_tui.services.board import Clock, system_clock
from kanban_tui.services.messages import field_errors, rule_error_text
from kanban_tui.services.rule_words import describe_rule
from kanban_tui.services.tick import TickResult, next_due, record_card, tick
from kanban_tui.storage.database import Database

STATS_PERIODS = 8


@dataclass(frozen=True)
class TemplateRow:
    """A template as lists and screens show it."""

    id: int
    key: str | None
    title_en: str
    title_zh: str
    category: str
    estimate_minutes: int
    priority: str
    checklist: list[str]
    column: str
    rule: str
    at: str
    marketplace: str
    active: bool
    on_period_end: str
    next_due: datetime | None
    last_done: datetime | None
    #: Outcome counts over the last :data:`STATS_PERIODS` ended or open periods.
    recent: dict[str, int]
    assignee: str | None = None

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title_en

    def describe(self, lang: str) -> str:
        return describe_rule(Rule.parse(self.rule), lang, parse_at(self.at), self.marketplace)

    @property
    def completion_rate(self) -> float | None:
        """Done (on time or late) over planned periods that have ended or are done."""
        planned = (
            sum(self.recent.values()) - self.recent.get("open", 0) - self.recent.get("deleted", 0)
        )
        if planned <= 0:
            return None
        return (self.recent.get("done", 0) + self.recent.get("late", 0)) / planned

    def fields(self) -> dict[str, Any]:
        return {
            "title_en": self.title_en,
            "title_zh": self.title_zh,
            "category": self.category,
            "estimate_minutes": self.estimate_minutes,
            "priority": self.priority,
            "checklist": self.checklist,
            "column": self.column,
            "rule": self.rule,
            "at": self.at,
            "marketplace": self.marketplace,
            "on_period_end": self.on_period_end,
            "assignee": self.assignee,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "title": self.title_en,
            **self.fields(),
            "active": self.active,
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "last_done": self.last_done.isoformat() if self.last_done else None,
            "recent": self.recent,
            "completion_rate": self.completion_rate,
        }


@dataclass(frozen=True)
class PeriodStat:
    """Completion of one template over a stretch of periods."""

    template_id: int
    planned: int
    done: int
    late: int
    missed: int
    open: int
    #: periods whose card was deleted: neither done nor missed
    deleted: int = 0

    @property
    def rate(self) -> float | None:
        closed = self.planned - self.open - self.deleted
        return (self.done + self.late) / closed if closed else None


def validate_fields(values: TemplateFields | dict[str, Any]) -> TemplateFields:
    if isinstance(values, TemplateFields):
        return values
    try:
        return TemplateFields.model_validate(values)
    except ValidationError as exc:
        raise ValidationFailed(t("validation.invalid_template"), field_errors(exc)) from None


def preview(rule: str, at: str, market: str, after: datetime, count: int = 5) -> list[datetime]:
    """The next ``count`` moments a rule fires (for the live rule editor)."""
    try:
        parsed = Rule.parse(rule)
        zone = marketplace(market).tz
    except RuleError as exc:
        raise ValidationFailed(
            t("validation.invalid_rule"), {"rule": rule_error_text(rule, exc)}
        ) from None
    try:
        moment = parse_at(at)
    except ValueError:
        raise ValidationFailed(t("validation.invalid_time"), {"at": t("validation.time")}) from None
    return occurrences_after(parsed, moment, zone, after, count)


class TemplateService:
    """Templates over one database, and the scheduler tick."""

    def __init__(self, db: Database, clock: Clock = system_clock, lang: str = "en") -> None:
        self.db = db
        self.clock = clock
        self.lang = lang

    # ------------------------------------------------------------- reading
    def rows(self, include_paused: bool = True) -> list[TemplateRow]:
        return self._rows(include_paused=include_paused)

    def row(self, template_id: int) -> TemplateRow:
        """One template, reading only its own statistics."""
        found = self._rows(only=template_id)
        if not found:
            raise NotFoundError(
                t("errors.template.title", id=template_id), t("errors.template.missing")
            )
        return found[0]

    def _rows(self, include_paused: bool = True, only: int | None = None) -> list[TemplateRow]:
        now = self.clock()
        with self.db.read() as session:
            statement = select(Template).where(col(Template.deleted_at).is_(None))
            if only is not None:
                statement = statement.where(col(Template.id) == only)
            templates = session.exec(statement.order_by(col(Template.id))).all()
            recent = self._recent(session, [t.id for t in templates if t.id is not None])
            last_done = self._last_done(session, only)
            return [
                _row(t, now, recent.get(t.id or 0, {}), last_done.get(t.id or 0))
                for t in templates
                if include_paused or t.active
            ]

    def _recent(self, session: Session, ids: Iterable[int]) -> dict[int, dict[str, int]]:
        today_cache: dict[str, Any] = {}
        result: dict[int, dict[str, int]] = {}
        now = self.clock()
        for template_id in ids:
            records = session.exec(
                select(PeriodRecord, Card, Template)
                .join(Template, col(Template.id) == col(PeriodRecord.template_id))
                .outerjoin(Card, col(Card.id) == col(PeriodRecord.card_id))
                .where(col(PeriodRecord.template_id) == template_id)
                .order_by(col(PeriodRecord.period_start).desc())
                .limit(STATS_PERIODS)
            ).all()
            counts: Counter[str] = Counter()
            for record, card, template in records:
                tz = zone_of(template)
                if tz not in today_cache:
                    from kanban_tui.domain.recurrence import local_day

                    today_cache[tz] = local_day(now, tz)
                counts[outcome(record, card, tz, today_cache[tz])] += 1
            result[template_id] = dict(counts)
        return result

    def _last_done(self, session: Session, only: int | None = None) -> dict[int, datetime]:
        from sqlalchemy import func

        statement = select(Card.template_id, func.max(Card.done_at)).where(
            col(Card.template_id).is_not(None), col(Card.done_at).is_not(None)
        )
        if only is not None:
            statement = statement.where(col(Card.template_id) == only)
        rows = session.exec(statement.group_by(col(Card.template_id))).all()
        return {tid: _utc(done) for tid, done in rows if tid is not None and done is not None}

    def stats(self, start: datetime | None = None, end: datetime | None = None) -> list[PeriodStat]:
        """Planned / done on time / late / missed / open per template, for periods that
        start in ``[start, end)`` (dates compared on the period start)."""
        from kanban_tui.domain.recurrence import local_day

        now = self.clock()
        with self.db.read() as session:
            statement = (
                select(PeriodRecord, Card, Template)
                .join(Template, col(Template.id) == col(PeriodRecord.template_id))
                .outerjoin(Card, col(Card.id) == col(PeriodRecord.card_id))
            )
            if start is not None:
                statement = statement.where(col(PeriodRecord.period_start) >= start.date())
            if end is not None:
                statement = statement.where(col(PeriodRecord.period_start) < end.date())
            counts: dict[int, Counter[str]] = {}
            for record, card, template in session.exec(statement).all():
                tz = zone_of(template)
                counts.setdefault(record.template_id, Counter())[
                    outcome(record, card, tz, local_day(now, tz))
                ] += 1
        return [
            PeriodStat(
                template_id=tid,
                planned=sum(c.values()),
                done=c["done"],
                late=c["late"],
                missed=c["missed"],
                open=c["open"],
                deleted=c["deleted"],
            )
            for tid, c in sorted(counts.items())
        ]

    def next_moment(self) -> datetime | None:
        """The earliest moment any active template fires next (for the scheduler)."""
        now = self.clock()
        with self.db.read() as session:
            templates = session.exec(
                select(Template).where(col(Template.deleted_at).is_(None), col(Template.active))
            ).all()
        moments = [m for m in (next_due(t, now) for t in templates) if m is not None]
        return min(moments) if moments else None

    # ------------------------------------------------------------- writing
    def add(self, values: TemplateFields | dict[str, Any], key: str | None = None) -> TemplateRow:
        fields = validate_fields(values)

        def work(session: Session) -> int:
            template = Template(key=key, **_stored(fields))
            session.add(template)
            session.flush()
            assert template.id is not None
            return template.id

        return self.row(self.db.transact(work))

    def edit(self, template_id: int, changes: dict[str, Any]) -> TemplateRow:
        current = self.row(template_id)
        merged = current.fields() | changes
        if "rule" in changes and "on_period_end" not in changes:
            merged["on_period_end"] = None
        fields = validate_fields(merged)

        def work(session: Session) -> int:
            template = _load(session, template_id)
            for name, value in _stored(fields).items():
                setattr(template, name, value)
            template.updated_at = datetime.now(UTC)
            session.add(template)
            return template_id

        return self.row(self.db.transact(work))

    def set_active(self, template_id: int, active: bool) -> TemplateRow:
        def work(session: Session) -> int:
            template = _load(session, template_id)
            template.active = active
            # resuming does not back-fill the paused stretch as missed
            template.checked_until = None if active else template.checked_until
            template.updated_at = datetime.now(UTC)
            session.add(template)
            return template_id

        return self.row(self.db.transact(work))

    def delete(self, template_id: int) -> TemplateRow:
        shown = self.row(template_id)

        def work(session: Session) -> None:
            template = _load(session, template_id)
            template.deleted_at = datetime.now(UTC)
            template.active = False
            session.add(template)

        self.db.transact(work)
        return shown

    def tick(self, now: datetime | None = None) -> TickResult:
        return tick(self.db, now or self.clock(), self.lang)

    def make_recurring(self, card_id: int, rule: str, market: str) -> TemplateRow:
        """Turn a card into a recurring task (the card form's Repeat field).

        With no template yet, one is created from the card and the card becomes the current
        period's card, so the next tick does not add a twin. A card that already has a
        template gets the new rule on that template (resumed if it was paused).
        """
        from kanban_tui.domain.recurrence import current_period, local_day, period_of

        with self.db.read() as session:
            card = session.get(Card, card_id)
            if card is None:
                raise NotFoundError(f"#{card_id}", t("errors.card.missing"))
            snapshot = card.model_copy()
        if snapshot.template_id is not None and self._exists(snapshot.template_id):
            row = self.edit(snapshot.template_id, {"rule": rule})
            return row if row.active else self.set_active(row.id, True)
        column = snapshot.origin_column if snapshot.column.value == "done" else snapshot.column
        fields = validate_fields(
            {
                "title_en": snapshot.title,
                "title_zh": snapshot.title if self.lang == "zh" else "",
                "category": snapshot.category,
                "estimate_minutes": snapshot.estimate_minutes,
                "priority": snapshot.priority,
                "column": column or "daily",
                "rule": rule,
                "marketplace": market,
            }
        )
        now = self.clock()

        def work(session: Session) -> int:
            template = Template(**_stored(fields), checked_until=now)
            session.add(template)
            session.flush()
            assert template.id is not None
            parsed = Rule.parse(template.rule)
            tz = zone_of(template)
            period = current_period(parsed, parse_at(template.at), tz, now) or period_of(
                parsed, local_day(now, tz)
            )
            card = session.get(Card, card_id)
            if card is None:
                raise NotFoundError(f"#{card_id}", t("errors.card.missing"))
            card.template_id = template.id
            card.period_key = period.key
            session.add(card)
            record_card(session, template.id, period, card_id)
            return template.id

        return self.row(self.db.transact(work))

    def stop_recurring(self, card_id: int) -> TemplateRow | None:
        """Repeat set back to "none": pause the card's template (its history stays)."""
        with self.db.read() as session:
            card = session.get(Card, card_id)
            template_id = card.template_id if card else None
        if template_id is None or not self._exists(template_id):
            return None
        return self.set_active(template_id, False)

    def template_of(self, card_id: int) -> TemplateRow | None:
        with self.db.read() as session:
            card = session.get(Card, card_id)
            template_id = card.template_id if card else None
        if template_id is None or not self._exists(template_id):
            return None
        return self.row(template_id)

    def _exists(self, template_id: int) -> bool:
        with self.db.read() as session:
            template = session.get(Template, template_id)
            return template is not None and template.deleted_at is None

    def load_plan(self, tasks: Iterable[Any], titles_zh: dict[str, str]) -> int:
        """Create templates for the default plan's tasks not loaded yet (by key)."""
        tasks = list(tasks)

        def work(session: Session) -> int:
            known = set(
                session.exec(select(Template.key).where(col(Template.key).is_not(None))).all()
            )
            added = 0
            for task in tasks:
                if task.key in known:
                    continue
                fields = TemplateFields(
                    title_en=task.title,
                    title_zh=titles_zh.get(task.key, ""),
                    category=task.category,
                    estimate_minutes=task.estimate,
                    priority=task.priority,
                    column=task.column,
                    rule=task.rule,
                    at=task.at,
                    marketplace=getattr(task, "marketplace", None) or "US",
                )
                session.add(Template(key=task.key, **_stored(fields)))
                added += 1
            return added

        return self.db.transact(work)


def _stored(fields: TemplateFields) -> dict[str, Any]:
    values = fields.model_dump()
    values["at"] = fields.at.strftime("%H:%M")
    values["checklist"] = "\n".join(fields.checklist)
    return values


def _load(session: Session, template_id: int) -> Template:
    template = session.get(Template, template_id)
    if template is None or template.deleted_at is not None:
        raise NotFoundError(
            t("errors.template.title", id=template_id), t("errors.template.missing")
        )
    return template


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _row(
    template: Template, now: datetime, recent: dict[str, int], last_done: datetime | None
) -> TemplateRow:
    assert template.id is not None
    return TemplateRow(
        id=template.id,
        key=template.key,
        title_en=template.title_en,
        title_zh=template.title_zh,
        category=template.category,
        estimate_minutes=template.estimate_minutes,
        priority=str(template.priority),
        checklist=[line for line in template.checklist.splitlines() if line.strip()],
        column=str(template.column),
        rule=template.rule,
        at=template.at,
        marketplace=template.marketplace,
        active=template.active,
        on_period_end=str(template.on_period_end),
        next_due=next_due(template, now) if template.active else None,
        last_done=last_done,
        recent=recent,
        assignee=template.assignee,
    )
