"""The review: the "check" and "act" of plan–do–check–act.

A review covers a calendar month (``2026-11``) or a four-week window
(``4w:2026-11-09``, the 28 days from that date). It gathers:

* per recurring template, the periods that *start* in the window: planned, done on time,
  done late, missed, overdue (ended, card still open) and open (still running), and the
  completion rate — done (on time or late) over the periods that have ended;
* the same summed over every template;
* the KPIs of every marketplace with data, against their targets;
* the incident cards opened in the window and the time logged on them;
* the note written in this review and the one written in the review before.

A template is marked for a decision (keep, change or delete) when its completion rate is
below the threshold (default 60 %), or when the KPI its category works on did not move: it
is off target (or near the limit) this period with the same status as the period before.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlmodel import Session, col, select

from kanban_tui.domain.kpi import (
    Status,
)
from kanban_tui.domain.models import Card, PeriodRecord, ReviewNote, Template, utcnow
from kanban_tui.domain.recurrence import Rule, RuleError, local_day
from kanban_tui.domain.schedule import outcome, parse_at, zone_of
from kanban_tui.domain.validation import clean_text, year_in_range
from kanban_tui.errors import UsageError
from kanban_tui.i18n import language, t
from kanban_tui.services.board import as_utc
from kanban_tui.services.kpi import month_bounds, shift_month
from kanban_tui.services.kpi_words import kpi_name, status_phrase
from kanban_tui.services.review_kpis import WINDOW_DAYS, KpiSection, kpi_sections
from kanban_tui.services.rule_words import describe_rule

if TYPE_CHECKING:
    from kanban_tui.services.people_review import PersonCounts
    from kanban_tui.services.session import Board
    from kanban_tui.services.templates import TemplateRow

#: Below this completion rate a template is marked for a decision.
THRESHOLD = 0.6
NOTE_MAX = 4000

#: For the user's own templates (the plan's tasks name their KPIs in the plan data): the
#: KPI a category plainly works on. Other categories are judged by completion only.
CATEGORY_KPI: dict[str, tuple[str, ...]] = {
    "ads": ("acos",),
    "keywords": ("keyword_coverage",),
    "service": ("response_hours",),
    "account": ("odr",),
    "inventory": ("days_of_cover",),
}


def task_kpis(template: Template) -> tuple[str, ...]:
    """The KPIs a template serves: a default-plan task's ``kpis`` from
    ``data/plan.*.toml``, a user's template's from its category (:data:`CATEGORY_KPI`).
    Empty: the task is judged by completion only."""
    from kanban_tui.services.plan import default_plan

    if template.key is None:
        return CATEGORY_KPI.get(template.category, ())
    found = next((task for task in default_plan("en") if task.key == template.key), None)
    return found.kpis if found is not None else CATEGORY_KPI.get(template.category, ())


#: Statuses that, repeated from the period before, mean "the KPI did not move".
STUCK = (Status.BREACH, Status.WARNING)
DECISIONS = ("keep", "pause", "delete")

_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
_WINDOW = re.compile(r"4w:([0-9]{4}-[0-9]{2}-[0-9]{2})")


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Window:
    """The stretch of local days a review covers: ``[start, end)``."""

    period: str
    kind: Literal["month", "4w"]
    start: date
    end: date

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def previous(self) -> Window:
        if self.kind == "month":
            return parse_period(shift_month(self.period, -1))
        return parse_period(f"4w:{(self.start - timedelta(days=WINDOW_DAYS)).isoformat()}")

    def label(self) -> str:
        if self.kind == "month":
            return t(
                "review.month_label", month=t(f"month.{self.start.month}"), year=self.start.year
            )
        return t("review.window_label", start=self.start.isoformat(), end=self.last_day.isoformat())


def parse_period(text: str) -> Window:
    """``2026-11`` (a month) or ``4w:2026-11-09`` (28 days from that date)."""
    value = text.strip()
    if _MONTH.fullmatch(value):
        try:
            start, end = month_bounds(value)
        except UsageError:
            raise UsageError(text, t("review.bad_period")) from None
        return Window(value, "month", start, end)
    match = _WINDOW.fullmatch(value.lower())
    if match:
        try:
            start = date.fromisoformat(match.group(1))
        except ValueError:
            raise UsageError(text, t("review.bad_period")) from None
        if not year_in_range(start.year):
            raise UsageError(text, t("review.bad_period"))
        return Window(f"4w:{start.isoformat()}", "4w", start, start + timedelta(WINDOW_DAYS))
    raise UsageError(text, t("review.bad_period"))


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Reason:
    """Why a template is marked for a decision."""

    #: ``completion`` (rate below the threshold) or ``kpi`` (its KPI did not move).
    code: Literal["completion", "kpi"]
    text: str
    kpi: str | None = None
    marketplace: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kpi": self.kpi,
            "marketplace": self.marketplace,
            "text": self.text,
        }


def _rate(done: int, late: int, closed: int) -> float | None:
    return (done + late) / closed if closed > 0 else None


@dataclass(frozen=True)
class Counts:
    """Periods of one template (or all of them) by how they ended."""

    planned: int = 0
    done: int = 0
    late: int = 0
    missed: int = 0
    overdue: int = 0
    open: int = 0
    #: periods whose card was deleted: a decision, neither done nor missed
    deleted: int = 0

    @property
    def closed(self) -> int:
        """Periods that have ended and count for the rate (not ``open``, not ``deleted``)."""
        return self.planned - self.open - self.deleted

    @property
    def rate(self) -> float | None:
        """Done on time or late over the periods that have ended; None before any has."""
        return _rate(self.done, self.late, self.closed)

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.planned + other.planned,
            self.done + other.done,
            self.late + other.late,
            self.missed + other.missed,
            self.overdue + other.overdue,
            self.open + other.open,
            self.deleted + other.deleted,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "planned": self.planned,
            "done": self.done,
            "late": self.late,
            "missed": self.missed,
            "overdue": self.overdue,
            "open": self.open,
            "deleted": self.deleted,
            "rate": self.rate,
        }


@dataclass(frozen=True)
class ReviewRow:
    """One recurring template in a review."""

    template_id: int
    title: str
    #: The rule in words, in the UI language ("every Monday 09:00 Los Angeles time").
    rule: str
    category: str
    marketplace: str
    #: ``active``, ``paused`` or ``deleted`` (now, not during the period).
    state: Literal["active", "paused", "deleted"]
    counts: Counts
    reasons: tuple[Reason, ...] = ()
    #: The KPIs the task serves ("ineffective" is judged on them); empty: completion only.
    kpis: tuple[str, ...] = ()

    @property
    def judged_by(self) -> Literal["kpi", "completion"]:
        return "kpi" if self.kpis else "completion"

    @property
    def planned(self) -> int:
        return self.counts.planned

    @property
    def done(self) -> int:
        return self.counts.done

    @property
    def late(self) -> int:
        return self.counts.late

    @property
    def missed(self) -> int:
        return self.counts.missed

    @property
    def overdue(self) -> int:
        return self.counts.overdue

    @property
    def open(self) -> int:
        return self.counts.open

    @property
    def deleted(self) -> int:
        return self.counts.deleted

    @property
    def rate(self) -> float | None:
        return self.counts.rate

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)

    @property
    def reason(self) -> str:
        return "; ".join(r.text for r in self.reasons)

    def as_json(self) -> dict[str, Any]:
        return {
            "template_id": self.template_id,
            "title": self.title,
            "rule": self.rule,
            "category": self.category,
            "marketplace": self.marketplace,
            "state": self.state,
            **self.counts.as_json(),
            "flagged": self.flagged,
            "reasons": [r.as_json() for r in self.reasons],
            "kpis": list(self.kpis),
            "judged_by": self.judged_by,
        }


@dataclass(frozen=True)
class Incident:
    card_id: int
    title: str
    spent_minutes: int
    done: bool
    created_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "title": self.title,
            "spent_minutes": self.spent_minutes,
            "done": self.done,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Notes:
    period: str
    #: This review's note ("what to change next").
    text: str
    #: The latest note of an earlier review, and which review it was.
    previous_period: str | None
    previous_text: str

    def as_json(self) -> dict[str, Any]:
        return {
            "this": {"period": self.period, "text": self.text},
            "previous": {"period": self.previous_period, "text": self.previous_text},
        }


@dataclass(frozen=True)
class Review:
    period: str
    kind: Literal["month", "4w"]
    label: str
    start: date
    #: The first day after the review (exclusive).
    end: date
    threshold: float
    rows: tuple[ReviewRow, ...]
    overall: Counts
    kpis: tuple[KpiSection, ...]
    incidents: tuple[Incident, ...]
    incident_minutes: int
    notes: Notes
    generated_at: datetime
    #: Completion per person (assignee), named people first.
    people: tuple[PersonCounts, ...] = ()

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def flagged(self) -> list[ReviewRow]:
        return [row for row in self.rows if row.flagged]

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "kind": self.kind,
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.last_day.isoformat(),
            "threshold": self.threshold,
            "generated_at": self.generated_at.isoformat(),
            "templates": [row.as_json() for row in self.rows],
            "overall": self.overall.as_json(),
            "kpis": [section.as_json() for section in self.kpis],
            "incidents": [incident.as_json() for incident in self.incidents],
            "incident_minutes": self.incident_minutes,
            "notes": self.notes.as_json(),
            "people": [person.as_json() for person in self.people],
        }


# --------------------------------------------------------------------------- the service


class ReviewService:
    """Reviews over one open board (see :class:`kanban_tui.services.session.Board`)."""

    def __init__(self, board: Board, threshold: float = THRESHOLD) -> None:
        self.board = board
        self.threshold = threshold

    @property
    def now(self) -> datetime:
        return self.board.cards.clock()

    # ------------------------------------------------------------------ reading
    def review(self, period: str) -> Review:
        window = parse_period(period)
        lang = language()
        kpis = kpi_sections(self.board.kpi, window, lang)
        rows = self._rows(window, lang, {section.marketplace: section for section in kpis})
        overall = sum((row.counts for row in rows), Counts())
        incidents = self._incidents(window)
        return Review(
            period=window.period,
            kind=window.kind,
            label=window.label(),
            start=window.start,
            end=window.end,
            threshold=self.threshold,
            rows=tuple(rows),
            overall=overall,
            kpis=tuple(kpis),
            incidents=tuple(incidents),
            incident_minutes=sum(i.spent_minutes for i in incidents),
            notes=self.notes(window.period),
            generated_at=self.now,
            people=self._people(window),
        )

    def _people(self, window: Window) -> tuple[PersonCounts, ...]:
        from kanban_tui.services.people_review import completion_by_person

        return completion_by_person(self.board.db, window.start, window.end, self.now)

    def counts(self, period: str) -> dict[int, Counts]:
        """Per template, its periods starting in the review's window by outcome."""
        window = parse_period(period)
        return self._counts(window)

    def _counts(self, window: Window) -> dict[int, Counts]:
        start = datetime.combine(window.start, time())
        end = datetime.combine(window.end, time())
        stats = self.board.templates.stats(start, end)
        overdue = self._overdue(window)
        result: dict[int, Counts] = {}
        for stat in stats:
            late_open = overdue.get(stat.template_id, 0)
            result[stat.template_id] = Counts(
                planned=stat.planned,
                done=stat.done,
                late=stat.late,
                missed=stat.missed,
                overdue=late_open,
                open=stat.open - late_open,
                deleted=stat.deleted,
            )
        return result

    def _overdue(self, window: Window) -> Counter[int]:
        """Periods in the window that have ended with their card still open (carried over)."""
        now = self.now
        found: Counter[int] = Counter()
        with self.board.db.read() as session:
            rows = session.exec(
                select(PeriodRecord, Card, Template)
                .join(Template, col(Template.id) == col(PeriodRecord.template_id))
                .join(Card, col(Card.id) == col(PeriodRecord.card_id))
                .where(
                    col(PeriodRecord.period_start) >= window.start,
                    col(PeriodRecord.period_start) < window.end,
                    col(PeriodRecord.missed).is_(False),
                )
            ).all()
            for record, card, template in rows:
                tz = zone_of(template)
                today = local_day(now, tz)
                if outcome(record, card, tz, today) == "open" and today >= record.period_end:
                    found[record.template_id] += 1
        return found

    def _rows(self, window: Window, lang: str, kpis: dict[str, KpiSection]) -> list[ReviewRow]:
        counts = self._counts(window)
        with self.board.db.read() as session:
            templates = {
                found.id: found
                for found in session.exec(
                    select(Template).where(col(Template.id).in_(list(counts)))
                ).all()
            }
        rows: list[ReviewRow] = []
        for template_id, count in sorted(counts.items()):
            template = templates.get(template_id)
            if template is None or count.planned == 0:
                continue
            state: Literal["active", "paused", "deleted"] = (
                "deleted"
                if template.deleted_at is not None
                else ("active" if template.active else "paused")
            )
            reasons: list[Reason] = []
            if state != "deleted":
                reasons.extend(self._reasons(template, count, window, kpis))
            rows.append(
                ReviewRow(
                    template_id=template_id,
                    title=_title(template, lang),
                    rule=_rule_words(template, lang),
                    category=template.category,
                    marketplace=template.marketplace,
                    state=state,
                    counts=count,
                    reasons=tuple(reasons),
                    kpis=task_kpis(template),
                )
            )
        return rows

    def _reasons(
        self, template: Template, count: Counts, window: Window, kpis: dict[str, KpiSection]
    ) -> Iterable[Reason]:
        rate = count.rate
        if rate is not None and rate < self.threshold:
            yield Reason(
                "completion",
                t("review.reason_rate", rate=_percent(rate), threshold=_percent(self.threshold)),
            )
        section = kpis.get(template.marketplace)
        if section is None:
            return
        for key in task_kpis(template):
            now_status = section.status_of(key)
            if now_status not in STUCK or section.previous_status.get(key) != now_status:
                continue
            definition = self.board.kpi.definitions.get(key)
            name = kpi_name(definition) if definition else key
            yield Reason(
                "kpi",
                t(
                    "review.reason_kpi",
                    kpi=name,
                    status=status_phrase(now_status),
                    marketplace=section.marketplace,
                    previous=window.previous().period,
                ),
                kpi=key,
                marketplace=section.marketplace,
            )

    def _incidents(self, window: Window) -> list[Incident]:
        now = self.now
        zone = now.tzinfo
        found: list[Incident] = []
        for row in self.board.cards.incidents():
            created = as_utc(row.created_at)
            if not window.start <= created.astimezone(zone).date() < window.end:
                continue
            minutes = row.spent_minutes
            if row.timer_started_at is not None:  # a running timer counts up to now
                running = now.astimezone(UTC) - as_utc(row.timer_started_at)
                minutes += max(0, int(running.total_seconds() // 60))
            found.append(Incident(row.id, row.title, minutes, row.done, created))
        found.sort(key=lambda incident: (incident.created_at, incident.card_id))
        return found

    # ------------------------------------------------------------------- notes
    def notes(self, period: str) -> Notes:
        """This review's note and the latest note of a review that started before it."""
        window = parse_period(period)
        with self.board.db.read() as session:
            stored = {row.period: row.text for row in session.exec(select(ReviewNote)).all()}
        earlier: list[tuple[date, str]] = []
        for key, text in stored.items():
            try:
                other = parse_period(key)
            except UsageError:
                continue
            if other.start < window.start and text.strip():
                earlier.append((other.start, key))
        previous = max(earlier)[1] if earlier else None
        return Notes(
            period=window.period,
            text=stored.get(window.period, ""),
            previous_period=previous,
            previous_text=stored.get(previous, "") if previous else "",
        )

    # ----------------------------------------------------------------- writing
    def save_note(self, period: str, text: str) -> Notes:
        """Store what this review decided to change (empty text removes the note)."""
        window = parse_period(period)
        clean = str(clean_text(text)).strip()
        if len(clean) > NOTE_MAX:
            raise UsageError(t("review.note"), t("review.note_too_long", max=NOTE_MAX))

        def work(session: Session) -> None:
            row = session.get(ReviewNote, window.period)
            if not clean:
                if row is not None:
                    session.delete(row)
                return
            row = row or ReviewNote(period=window.period)
            row.text = clean
            row.updated_at = utcnow()
            session.add(row)

        self.board.db.transact(work)
        return self.notes(window.period)

    def decide(self, template_id: int, decision: str) -> TemplateRow:
        """Act on a marked template: ``keep`` (change nothing), ``pause`` or ``delete``."""
        if decision not in DECISIONS:
            raise UsageError(decision, t("review.bad_decision", choices=", ".join(DECISIONS)))
        service = self.board.templates
        if decision == "pause":
            return service.set_active(template_id, False)
        if decision == "delete":
            return service.delete(template_id)
        return service.row(template_id)  # keep: nothing to record, nothing changes


# --------------------------------------------------------------------------- helpers


def _title(template: Template, lang: str) -> str:
    return template.title_zh if lang == "zh" and template.title_zh else template.title_en


def _rule_words(template: Template, lang: str) -> str:
    try:
        return describe_rule(
            Rule.parse(template.rule), lang, parse_at(template.at), template.marketplace
        )
    except (RuleError, ValueError):
        return template.rule


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"
