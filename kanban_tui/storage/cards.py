"""Card queries and the position bookkeeping that keeps every column gapless.

All functions take an open :class:`~sqlmodel.Session`; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    LargeBinary,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    type_coerce,
    update,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.types import NullType
from sqlmodel import Session, col, select

from kanban_tui.domain.models import Card, Column, PeriodRecord, Priority


@dataclass(frozen=True)
class View:
    """What one column shows: a text filter and, for Done, the oldest done time shown."""

    text: str = ""
    done_since: datetime | None = None
    #: Category keys whose translated name matches ``text`` (e.g. 广告 → ``ads``).
    categories: tuple[str, ...] = ()
    #: Only urgent cards (the filter text starts with ``!``).
    urgent_only: bool = False
    #: Title keys whose title in the reader's language matches ``text`` (plan, playbooks).
    title_keys: tuple[str, ...] = ()
    #: Only this person's cards (the "mine" filter, ``list --assignee``).
    assignee: str | None = None


#: The card table's columns. The read paths below select from the table (SQLAlchemy Core),
#: so a listing builds no ORM object and never configures the mappers.
_CARD: Any = Card.__table__.c  # type: ignore[attr-defined]


def _conditions(column: Column, view: View) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [_CARD.column == column]
    if column is Column.DONE and view.done_since is not None:
        conditions.append(_CARD.done_at >= view.done_since)
    if view.urgent_only:
        conditions.append(_CARD.priority == Priority.URGENT)
    if view.assignee is not None:
        conditions.append(_CARD.assignee == view.assignee)
    needle = view.text.strip()
    if needle:
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        matches = [
            _CARD.title.ilike(pattern, escape="\\"),
            _CARD.category.ilike(pattern, escape="\\"),
            _CARD.notes.ilike(pattern, escape="\\"),
        ]
        if view.categories:
            matches.append(_CARD.category.in_(view.categories))
        if view.title_keys:
            matches.append(_CARD.title_key.in_(view.title_keys))
        conditions.append(or_(*matches))
    return conditions


def _urgent_last() -> ColumnElement[int]:
    """0 for urgent cards, 1 for the rest: open columns show urgent cards on top."""
    return case((_CARD.priority == Priority.URGENT, 0), else_=1)


def _order(column: Column) -> list[ColumnElement[Any]]:
    if column is Column.DONE:
        return [_CARD.position.desc()]
    return [_urgent_last(), _CARD.position.asc()]


def summary(session: Session, column: Column, view: View) -> tuple[int, int]:
    """Number of cards and summed estimate (minutes) that the column shows."""
    statement = select(func.count(), func.coalesce(func.sum(Card.estimate_minutes), 0)).where(
        and_(*_conditions(column, view))
    )
    count, minutes = session.exec(statement).one()
    return int(count), int(minutes)


def _limit(limit: int) -> int | None:
    """A negative limit is "all rows" (SQLite's ``LIMIT -1``; PostgreSQL refuses it)."""
    return None if limit < 0 else limit


def page(session: Session, column: Column, view: View, offset: int, limit: int) -> Sequence[Card]:
    """The cards shown in rows ``offset`` … ``offset + limit - 1`` of the column."""
    statement = (
        select(Card)
        .where(and_(*_conditions(column, view)))
        .order_by(*_order(column))
        .offset(offset)
        .limit(_limit(limit))
    )
    return session.exec(statement).all()


def page_rows(
    session: Session, column: Column, view: View, offset: int, limit: int
) -> Sequence[Any]:
    """Like :func:`page`, but plain rows (attribute access by column name) without building
    ORM objects: several times faster for long listings."""
    table = Card.__table__  # type: ignore[attr-defined]
    statement = (
        select(table)
        .where(and_(*_conditions(column, view)))
        .order_by(*_order(column))
        .offset(offset)
        .limit(_limit(limit))
    )
    return session.execute(statement).all()


def raw_rows(
    session: Session, column: Column, view: View
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and the stored values of every card the column shows, without the
    columns' type processing: for bulk listings such as ``list --json`` of 10,000 cards.
    Enums come back as their stored names and timestamps as naive UTC text."""
    table = Card.__table__  # type: ignore[attr-defined]
    raw = [type_coerce(c, NullType()).label(c.name) for c in table.columns]
    statement = select(*raw).where(and_(*_conditions(column, view))).order_by(*_order(column))
    result = session.execute(statement)
    names, rows = list(result.keys()), [tuple(row) for row in result.all()]
    if session.get_bind().dialect.name != "sqlite":
        # PostgreSQL's driver gives typed values: make them the text SQLite stores
        rows = [tuple(_as_stored(value) for value in row) for row in rows]
    return names, rows


def _as_stored(value: Any) -> Any:
    """A driver's date or aware timestamp as SQLite stores it (naive UTC text)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _stamp_regular(stored: Any) -> ColumnElement[bool]:
    """A stored timestamp as SQLAlchemy writes it to SQLite (naive UTC,
    ``2026-11-29 16:02:48.416568``, or without the fraction), or none; anything else is
    formatted in Python (see :func:`json_rows`)."""
    return or_(
        stored.is_(None),
        and_(
            func.length(stored).in_([literal_column("19"), literal_column("26")]),
            func.substr(stored, 11, 1) == literal_column("' '"),
        ),
    )


def _iso_stamp(stored: Any) -> Any:
    """``2026-11-29 16:02:48.416568`` → ``2026-11-29T16:02:48.416568+00:00``, the fraction
    dropped when it is zero (what ``datetime.isoformat`` prints); NULL stays NULL. Only for
    stamps :func:`_stamp_regular` accepts (one space, 19 or 26 characters)."""
    zero = func.substr(stored, 20) == literal_column("'.000000'")
    whole = func.substr(stored, 1, case((zero, 19), else_=26))
    return func.replace(whole, literal_column("' '"), literal_column("'T'")).op("||")(
        literal_column("'+00:00'")
    )


def _json_flag(condition: ColumnElement[bool]) -> Any:
    return func.json(case((condition, literal_column("'true'")), else_=literal_column("'false'")))


#: A checklist the SQL may copy as it is: none, or a JSON array of ``{"text": str, "done":
#: bool}`` objects — what the app writes. Anything else another program stored ("not
#: json", an object, items of another shape) is formatted by ``checklist_items`` instead,
#: and so are keyed items (a playbook's steps, shown in the reader's language).
#: CASE keeps ``json_each`` away from text that is not JSON.
_CANONICAL_CHECKLIST = sql_text(
    "CASE WHEN card.checklist IS NULL OR card.checklist = '' THEN 1 "
    "WHEN json_valid(card.checklist) AND json_type(card.checklist) = 'array' THEN NOT EXISTS ("
    "SELECT 1 FROM json_each(card.checklist) AS item WHERE item.type != 'object' "
    "OR json_type(item.value, '$.text') IS NOT 'text' "
    "OR json_type(item.value, '$.done') NOT IN ('true', 'false') "
    "OR json_type(item.value, '$.key') IS NOT NULL) "
    "ELSE 0 END"
)


@lru_cache(maxsize=8)
def _json_text(titles: tuple[tuple[str, str], ...]) -> Any:
    """The SQL that makes one card's JSON text (as bytes: the caller joins them and
    decodes once), or NULL for a row it cannot format exactly as ``CardRow.as_json``.
    Built once per set of titles (a listing runs it for each column)."""
    raw = {c.name: type_coerce(c, NullType()) for c in Card.__table__.columns}  # type: ignore[attr-defined]
    stamps = ("done_at", "created_at", "updated_at", "missed_at")
    checklist = raw["checklist"]
    title_key = raw["title_key"]
    regular = and_(
        *(_stamp_regular(raw[name]) for name in stamps),
        _CANONICAL_CHECKLIST,
        # a keyed title is rendered in the reader's language: by the SQL from ``titles``
        or_(title_key.is_(None), title_key.in_([key for key, _ in titles])),
    )
    title: Any = raw["title"]
    if titles:
        shown = case({key: literal(text) for key, text in titles}, value=title_key, else_=title)
        title = case((title_key.is_(None), title), else_=shown)

    def blank_null(value: Any) -> Any:
        return func.nullif(value, literal_column("''"))

    def lowered(name: str) -> Any:
        return blank_null(func.lower(raw[name]))

    fields: list[tuple[str, Any]] = [
        ("id", raw["id"]),
        ("title", title),
        ("notes", raw["notes"]),
        ("column", lowered("column")),
        ("position", raw["position"]),
        ("category", raw["category"]),
        ("estimate_minutes", raw["estimate_minutes"]),
        ("priority", lowered("priority")),
        ("due", blank_null(raw["due"])),
        ("done", _json_flag(raw["column"] == literal_column(f"'{Column.DONE.name}'"))),
        ("done_at", _iso_stamp(raw["done_at"])),
        ("created_at", _iso_stamp(raw["created_at"])),
        ("updated_at", _iso_stamp(raw["updated_at"])),
        ("origin_column", lowered("origin_column")),
        ("source", lowered("source")),
        ("template_id", raw["template_id"]),
        ("period_key", raw["period_key"]),
        ("missed", _json_flag(raw["missed_at"].is_not(None))),
        ("overdue_since", blank_null(raw["overdue_since"])),
        ("missed_at", _iso_stamp(raw["missed_at"])),
        (
            "checklist",
            case(
                (or_(checklist.is_(None), checklist == literal_column("''")), func.json_array()),
                else_=func.json(checklist),
            ),
        ),
        ("spent_minutes", raw["spent_minutes"]),
        ("assignee", raw["assignee"]),
        ("created_by", raw["created_by"]),
        ("done_by", raw["done_by"]),
        ("title_key", title_key),
    ]
    arguments: list[Any] = []
    for name, value in fields:
        arguments += [literal_column(f"'{name}'"), value]
    # CAST to BLOB: the driver hands bytes over as they are, no str per row
    text = cast(func.json_object(*arguments), LargeBinary)
    return type_coerce(case((regular, text), else_=null()), NullType())


def json_rows(
    session: Session, column: Column, view: View, titles: dict[str, str] | None = None
) -> list[tuple[int, bytes | None]]:
    """Each card the column shows as ``(id, JSON text as UTF-8 bytes)``, the text made by
    SQLite's JSON functions: exactly the object ``CardRow.as_json`` gives, with no Python
    object per card (``list --json`` of 10,000 cards). ``titles`` gives the shown title of
    title keys the SQL may put in as they are (plan and playbook cards in the reader's
    language). The text is None for a row whose stored values the SQL cannot format the
    same way (an unusual timestamp, a broken checklist, an alert's title): the caller
    formats those few from their stored values."""
    text = _json_text(tuple((titles or {}).items()))
    statement = select(_CARD.id, text).where(*_conditions(column, view)).order_by(*_order(column))
    return [(row[0], row[1]) for row in session.execute(statement).all()]


def row_of(session: Session, card: Card, view: View) -> int:
    """The row index at which ``card`` is shown in its column under ``view``."""
    conditions = _conditions(card.column, view)
    if card.column is Column.DONE:
        conditions.append(col(Card.position) > card.position)
    elif card.priority is Priority.URGENT:
        conditions += [col(Card.priority) == Priority.URGENT, col(Card.position) < card.position]
    else:
        conditions.append(
            or_(
                col(Card.priority) == Priority.URGENT,
                col(Card.position) < card.position,
            )
        )
    return int(session.exec(select(func.count()).where(and_(*conditions))).one())


def length(session: Session, column: Column) -> int:
    return int(session.exec(select(func.count()).where(col(Card.column) == column)).one())


def get(session: Session, card_id: int) -> Card | None:
    return session.get(Card, card_id)


def _shift(
    session: Session, column: Column, start: int, delta: int, stop: int | None = None
) -> None:
    """Add ``delta`` to positions in ``[start, stop)`` of ``column``."""
    session.flush()
    condition = and_(col(Card.column) == column, col(Card.position) >= start)
    if stop is not None:
        condition = and_(condition, col(Card.position) < stop)
    moved = session.execute(
        update(Card).where(condition).values(position=col(Card.position) + delta),
        execution_options={"synchronize_session": False},
    )
    if getattr(moved, "rowcount", 1):
        # loaded cards may hold stale positions now; reload them on next access
        session.expire_all()


def detach(session: Session, card: Card) -> None:
    """Take ``card`` out of its column, closing the gap it leaves."""
    _shift(session, card.column, card.position + 1, -1)


def move(session: Session, card: Card, column: Column, position: int | None) -> None:
    """Move ``card`` to ``column`` at ``position`` keeping both columns gapless."""
    detach(session, card)
    # the card still carries its old position; park it outside the column while shifting
    card.position = -1
    session.add(card)
    session.flush()
    target_size = length(session, column) - (1 if card.column is column else 0)
    target = target_size if position is None else max(0, min(position, target_size))
    if target < target_size:  # (at the end nothing moves down: no UPDATE)
        _shift(session, column, target, +1)
    card.column = column
    card.position = target
    session.add(card)
    session.flush()


def insert(session: Session, card: Card, column: Column, position: int | None) -> Card:
    """Add a new (or restored) card to ``column`` at ``position``."""
    size = length(session, column)
    target = size if position is None else max(0, min(position, size))
    if target < size:  # (at the end nothing moves down: no UPDATE)
        _shift(session, column, target, +1)
    card.column = column
    card.position = target
    session.add(card)
    session.flush()
    if card.template_id is not None and card.period_key:  # an undone delete: link it again
        session.execute(
            update(PeriodRecord)
            .where(
                col(PeriodRecord.template_id) == card.template_id,
                col(PeriodRecord.period_key) == card.period_key,
                col(PeriodRecord.card_id).is_(None),
                col(PeriodRecord.missed).is_(False),
            )
            .values(card_id=card.id)
        )
    return card


def remove(session: Session, card: Card) -> None:
    """Delete ``card``. Its period's record forgets it (SQLite may give its id to the next
    card, which the record must never take for its own): the period reads as deleted."""
    detach(session, card)
    if card.template_id is not None:
        session.execute(
            update(PeriodRecord).where(col(PeriodRecord.card_id) == card.id).values(card_id=None)
        )
    session.delete(card)
    session.flush()


def all_cards(session: Session, column: Column | None = None) -> Sequence[Card]:
    statement = select(Card)
    if column is not None:
        statement = statement.where(col(Card.column) == column)
    statement = statement.order_by(col(Card.column), col(Card.position))
    return session.exec(statement).all()
