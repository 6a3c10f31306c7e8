"""Card queries and the position bookkeeping that keeps every column gapless.

All functions take an open :class:`~sqlmodel.Session`; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    literal,
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


def _conditions(column: Column, view: View) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [col(Card.column) == column]
    if column is Column.DONE and view.done_since is not None:
        conditions.append(col(Card.done_at) >= view.done_since)
    if view.urgent_only:
        conditions.append(col(Card.priority) == Priority.URGENT)
    if view.assignee is not None:
        conditions.append(col(Card.assignee) == view.assignee)
    needle = view.text.strip()
    if needle:
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        matches = [
            col(Card.title).ilike(pattern, escape="\\"),
            col(Card.category).ilike(pattern, escape="\\"),
            col(Card.notes).ilike(pattern, escape="\\"),
        ]
        if view.categories:
            matches.append(col(Card.category).in_(view.categories))
        if view.title_keys:
            matches.append(col(Card.title_key).in_(view.title_keys))
        conditions.append(or_(*matches))
    return conditions


def _urgent_last() -> ColumnElement[int]:
    """0 for urgent cards, 1 for the rest: open columns show urgent cards on top."""
    return case((col(Card.priority) == Priority.URGENT, 0), else_=1)


def _order(column: Column) -> list[ColumnElement[Any]]:
    if column is Column.DONE:
        return [col(Card.position).desc()]
    return [_urgent_last(), col(Card.position).asc()]


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
        and_(func.length(stored).in_((19, 26)), func.substr(stored, 11, 1) == " "),
    )


def _iso_stamp(stored: Any) -> Any:
    """``2026-11-29 16:02:48.416568`` → ``2026-11-29T16:02:48.416568+00:00``, the fraction
    dropped when it is zero (what ``datetime.isoformat`` prints)."""

    def cat(*parts: Any) -> Any:
        joined = parts[0]
        for part in parts[1:]:
            joined = joined.op("||")(part)
        return joined

    day, zone = func.substr(stored, 1, 10), literal("+00:00")
    return case(
        (stored.is_(None), null()),
        (
            func.substr(stored, 20) == ".000000",
            cat(day, literal("T"), func.substr(stored, 12, 8), zone),
        ),
        else_=cat(day, literal("T"), func.substr(stored, 12), zone),
    )


def _json_flag(condition: ColumnElement[bool]) -> Any:
    return func.json(case((condition, literal("true")), else_=literal("false")))


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


def json_rows(
    session: Session, column: Column, view: View, titles: dict[str, str] | None = None
) -> list[tuple[int, str | None]]:
    """Each card the column shows as ``(id, JSON text)``, the text made by SQLite's JSON
    functions: exactly the object ``CardRow.as_json`` gives, with no Python object per
    card (``list --json`` of 10,000 cards). ``titles`` gives the shown title of title keys
    the SQL may put in as they are (plan and playbook cards in the reader's language).
    The text is None for a row whose stored values
    the SQL cannot format the same way (an unusual timestamp, a broken checklist): the
    caller formats those few from their stored values."""
    raw = {c.name: type_coerce(c, NullType()) for c in Card.__table__.columns}  # type: ignore[attr-defined]
    stamps = ("done_at", "created_at", "updated_at", "missed_at")
    checklist = raw["checklist"]
    regular = and_(
        *(_stamp_regular(raw[name]) for name in stamps),
        _CANONICAL_CHECKLIST,
        # a keyed title is rendered in the reader's language: by the SQL from ``titles``
        or_(raw["title_key"].is_(None), raw["title_key"].in_(list(titles or {}))),
    )
    title: Any = raw["title"]
    if titles:
        title = case(
            *((raw["title_key"] == key, literal(text)) for key, text in titles.items()),
            else_=raw["title"],
        )

    def lowered(name: str) -> Any:
        return func.nullif(func.lower(raw[name]), "")

    fields: list[tuple[str, Any]] = [
        ("id", raw["id"]),
        ("title", title),
        ("notes", raw["notes"]),
        ("column", lowered("column")),
        ("position", raw["position"]),
        ("category", raw["category"]),
        ("estimate_minutes", raw["estimate_minutes"]),
        ("priority", lowered("priority")),
        ("due", func.nullif(raw["due"], "")),
        ("done", _json_flag(raw["column"] == Column.DONE.name)),
        ("done_at", _iso_stamp(raw["done_at"])),
        ("created_at", _iso_stamp(raw["created_at"])),
        ("updated_at", _iso_stamp(raw["updated_at"])),
        ("origin_column", lowered("origin_column")),
        ("source", lowered("source")),
        ("template_id", raw["template_id"]),
        ("period_key", raw["period_key"]),
        ("missed", _json_flag(raw["missed_at"].is_not(None))),
        ("overdue_since", func.nullif(raw["overdue_since"], "")),
        ("missed_at", _iso_stamp(raw["missed_at"])),
        (
            "checklist",
            case(
                (or_(checklist.is_(None), checklist == ""), func.json_array()),
                else_=func.json(checklist),
            ),
        ),
        ("spent_minutes", raw["spent_minutes"]),
        ("assignee", raw["assignee"]),
        ("created_by", raw["created_by"]),
        ("done_by", raw["done_by"]),
        ("title_key", raw["title_key"]),
    ]
    arguments: list[Any] = []
    for name, value in fields:
        arguments += [literal(name), value]
    text = case((regular, func.json_object(*arguments)), else_=null())
    statement = (
        select(raw["id"], text).where(and_(*_conditions(column, view))).order_by(*_order(column))
    )
    return [(int(row[0]), row[1]) for row in session.execute(statement).all()]


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
    _shift(session, column, target, +1)
    card.column = column
    card.position = target
    session.add(card)
    session.flush()


def insert(session: Session, card: Card, column: Column, position: int | None) -> Card:
    """Add a new (or restored) card to ``column`` at ``position``."""
    size = length(session, column)
    target = size if position is None else max(0, min(position, size))
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
