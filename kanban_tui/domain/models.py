"""Tables and value types of the board.

These are SQLModel classes so storage can persist them, but nothing here opens a database,
reads a file or imports Textual.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

#: Bumped by every change to the tables; ``storage.migrations`` upgrades older files.
SCHEMA_VERSION = 4

#: Written to the SQLite header (``PRAGMA application_id``) so a file can be recognised
#: as ours before any table is read. The bytes spell "SKbn".
APPLICATION_ID = 0x534B626E
#: Longest person's name (an assignee, the user; checked by ``validation`` and by
#: ``services.people`` without building the validation models).
NAME_MAX = 64


class Column(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    DONE = "done"

    @property
    def is_open(self) -> bool:
        return self is not Column.DONE


#: Board order, left to right.
COLUMNS: tuple[Column, ...] = (Column.DAILY, Column.WEEKLY, Column.MONTHLY, Column.DONE)
OPEN_COLUMNS: tuple[Column, ...] = COLUMNS[:3]


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Source(StrEnum):
    """Where a card came from."""

    MANUAL = "manual"
    PLAN = "plan"
    TEMPLATE = "template"
    #: A KPI broke its target (one card per KPI, marketplace and month).
    ALERT = "alert"
    #: Opened from an incident playbook.
    INCIDENT = "incident"


class OnPeriodEnd(StrEnum):
    """What happens to a generated card still open when its period ends."""

    #: Closed as missed (moved out of the open columns, counted as missed).
    EXPIRE = "expire"
    #: Stays where it is and shows how long it has been overdue.
    CARRY = "carry"


def utcnow() -> datetime:
    """Aware UTC now: the form timestamps are stored in."""
    return datetime.now(UTC)


class Card(SQLModel, table=True):
    """One card on the board.

    ``position`` is the card's place in its column, 0-based and gapless. Open columns show
    ascending positions (0 at the top). The Done column appends the newest card at the end
    and shows descending positions, so finishing a card never renumbers older ones.
    """

    __table_args__ = (
        Index("ix_card_column_position", "column", "position"),
        UniqueConstraint("template_id", "period_key", name="uq_card_template_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str
    notes: str = ""
    column: Column = Field(default=Column.DAILY)
    position: int = 0
    category: str = ""
    estimate_minutes: int = 0
    priority: Priority = Field(default=Priority.NORMAL)
    due: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    done_at: datetime | None = None
    #: The open column a done card came from; reopening returns it there.
    origin_column: Column | None = None
    source: Source = Field(default=Source.MANUAL)
    #: The recurring template that generated this card, if any (see the scheduler).
    template_id: int | None = Field(default=None, index=True)
    #: The template period this card stands for, e.g. ``2026-W48``.
    period_key: str | None = None
    #: Set when the scheduler closed the card as missed at its period's end.
    missed_at: datetime | None = None
    #: Set when the scheduler carried an unfinished card past its period's end: the first
    #: day after the period, in the template's zone (so overdue means overdue *there*).
    overdue_since: date | None = None
    #: JSON list of ``{"text": str, "done": bool}`` checklist items; an item of a plan,
    #: playbook or alert card also keeps a ``"key"`` (``playbook:<key>#<n>``, ``first#<n>``)
    #: and is shown in each reader's language, ``text`` being the English fallback.
    checklist: str = ""
    #: Minutes logged on the card (incident timers), counted against the day's buffer.
    spent_minutes: int = 0
    #: When a running timer started; None when no timer runs.
    timer_started_at: datetime | None = None
    #: Who the card is for (a person's name as typed); None for nobody in particular.
    assignee: str | None = None
    #: Who added the card, and who finished it (the user running the board or the CLI).
    created_by: str | None = None
    done_by: str | None = None
    #: A card whose title the reader's language decides (plan, risk-alert and playbook
    #: cards) keeps a key and its parameters (a JSON object) instead; ``title`` then holds
    #: the English text for programs that read the table. None for a title as typed.
    title_key: str | None = None
    title_params: str = ""

    @property
    def done(self) -> bool:
        return self.column is Column.DONE


class Activity(SQLModel, table=True):
    """One line of a card's history: who did what to it, and when.

    Written by the services in the same transaction as the change itself. ``card_id`` is
    no foreign key: the history of a deleted card stays readable. ``changes`` is a small
    JSON object of what changed (the columns of a move, the fields of an edit, the item of
    a checklist tick); the words are the reader's, made when it is shown.
    """

    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_card", "card_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    card_id: int
    at: datetime = Field(default_factory=utcnow)
    #: Who did it (the board's or the command's user); None for the board itself (the
    #: schedule, a KPI check).
    actor: str | None = None
    #: ``add``, ``edit``, ``move``, ``done``, ``reopen``, ``delete``, ``checklist``,
    #: ``timer``, ``undo``, ``redo``, ``missed``.
    action: str
    changes: str = ""


class Template(SQLModel, table=True):
    """A recurring task: the scheduler makes one card from it per period."""

    id: int | None = Field(default=None, primary_key=True)
    #: Stable key of a default-plan task (``account-health``), so loading the plan twice
    #: never duplicates it; None for the user's own templates.
    key: str | None = Field(default=None, unique=True)
    title_en: str
    title_zh: str = ""
    category: str = ""
    estimate_minutes: int = 0
    priority: Priority = Field(default=Priority.NORMAL)
    #: Newline-separated checklist items copied into every card.
    checklist: str = ""
    column: Column = Field(default=Column.DAILY)
    #: The rule in its compact text form (see :mod:`kanban_tui.domain.recurrence`).
    rule: str = "daily"
    #: Local time of day (``HH:MM``) the card appears, in the marketplace's zone.
    at: str = "00:00"
    marketplace: str = "US"
    #: Who the template's cards are for; every generated card takes it.
    assignee: str | None = None
    active: bool = True
    on_period_end: OnPeriodEnd = Field(default=OnPeriodEnd.CARRY)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    #: Deleting a template keeps its cards and statistics; it is hidden instead.
    deleted_at: datetime | None = None
    #: The latest tick moment this template was brought up to date for.
    checked_until: datetime | None = None


class PeriodRecord(SQLModel, table=True):
    """One period of one template: planned, and how it ended (for the review)."""

    __tablename__ = "period_record"
    __table_args__ = (
        UniqueConstraint("template_id", "period_key", name="uq_record_template_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="template.id", index=True)
    period_key: str
    period_start: date
    #: First local day after the period.
    period_end: date
    #: The generated card; None for a period missed while nothing was running.
    card_id: int | None = None
    missed: bool = False
    carried_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class KpiObservation(SQLModel, table=True):
    """One base metric's value for one period, marketplace and scope, from one source.

    The period is ``day`` … ``period_end`` (both inclusive): one day for daily reports, a
    whole month for Monthly ones, any span for a Summary. ``scope`` is ``store`` or an ASIN;
    ``source`` names the report kind and, for ads, the ad type (``ads_sp``, ``ads_sb``,
    ``ads_sd``), so Sponsored Products, Brands and Display never replace each other.
    Values are stored as decimal text so money and ratios stay exact; re-importing the same
    period replaces the row (unique on period/marketplace/scope/metric/source).
    """

    __tablename__ = "kpi_observation"
    __table_args__ = (
        UniqueConstraint(
            "day",
            "period_end",
            "marketplace",
            "scope",
            "metric",
            "source",
            name="uq_observation",
        ),
        Index("ix_observation_market_day", "marketplace", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    #: The first day of the period.
    day: date
    #: The last day of the period (the same as ``day`` for a daily figure).
    period_end: date
    marketplace: str
    scope: str = "store"
    metric: str
    value: str
    source: str
    currency: str | None = None
    imported_at: datetime = Field(default_factory=utcnow)


class KpiTarget(SQLModel, table=True):
    """The store's own target for a KPI, replacing the shipped default."""

    __tablename__ = "kpi_target"

    kpi: str = Field(primary_key=True)
    min: str | None = None
    max: str | None = None
    band: str | None = None


class Goal(SQLModel, table=True):
    """An annual sales goal, split into months by ``weights`` (12 numbers; even if empty)."""

    year: int = Field(primary_key=True)
    amount: str
    currency: str = "USD"
    weights: str = ""


class ReviewNote(SQLModel, table=True):
    """What a monthly (or four-week) review decided to change, shown in the next review."""

    __tablename__ = "review_note"

    period: str = Field(primary_key=True)
    text: str = ""
    updated_at: datetime = Field(default_factory=utcnow)


class Meta(SQLModel, table=True):
    """Key/value facts about the database file itself."""

    key: str = Field(primary_key=True)
    value: str
