"""What the board reads, as the CLI, the exporters and the screens see it: the card row
(an immutable snapshot of a card), its JSON form (from a row, or straight from the stored
values for long lists), and the category search over every UI language."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from kanban_tui.domain.categories import CATEGORY_KEYS
from kanban_tui.domain.models import Card, Column, Priority
from kanban_tui.domain.text import checklist_items
from kanban_tui.i18n import LANGUAGES, catalog
from kanban_tui.services import titles


@dataclass(frozen=True)
class CardRow:
    """An immutable snapshot of a card, as the CLI and widgets see it."""

    id: int
    title: str
    notes: str
    column: Column
    position: int
    category: str
    estimate_minutes: int
    priority: Priority
    due: date | None
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None
    origin_column: Column | None
    source: str
    template_id: int | None
    period_key: str | None
    missed_at: datetime | None = None
    checklist: str = ""
    overdue_since: date | None = None
    spent_minutes: int = 0
    timer_started_at: datetime | None = None
    assignee: str | None = None
    created_by: str | None = None
    done_by: str | None = None
    #: The key the title is rendered from (plan, alert, playbook cards); None: as typed.
    title_key: str | None = None

    @property
    def done(self) -> bool:
        return self.column is Column.DONE

    @classmethod
    def of(cls, card: Any) -> CardRow:
        """From a :class:`Card` or a plain row of the card table; a keyed title (and an
        alert's notes) in the reader's language."""
        assert card.id is not None
        key = getattr(card, "title_key", None)
        return cls(
            id=card.id,
            title=titles.render(key, card.title_params, card.title) if key else card.title,
            notes=titles.render_notes(key, card.title_params, card.notes) if key else card.notes,
            column=Column(card.column),
            position=card.position,
            category=card.category,
            estimate_minutes=card.estimate_minutes,
            priority=Priority(card.priority),
            due=card.due,
            created_at=card.created_at,
            updated_at=card.updated_at,
            done_at=card.done_at,
            origin_column=Column(card.origin_column) if card.origin_column else None,
            source=str(card.source),
            template_id=card.template_id,
            period_key=card.period_key,
            missed_at=card.missed_at,
            checklist=card.checklist,
            overdue_since=card.overdue_since,
            spent_minutes=card.spent_minutes,
            timer_started_at=card.timer_started_at,
            assignee=card.assignee,
            created_by=card.created_by,
            done_by=card.done_by,
            title_key=key,
        )

    def as_json(self) -> dict[str, Any]:
        def stamp(value: datetime | None) -> str | None:
            return as_utc(value).isoformat() if value else None

        return {
            "id": self.id,
            "title": self.title,
            "notes": self.notes,
            "column": self.column.value,
            "position": self.position,
            "category": self.category,
            "estimate_minutes": self.estimate_minutes,
            "priority": self.priority.value,
            "due": self.due.isoformat() if self.due else None,
            "done": self.done,
            "done_at": stamp(self.done_at),
            "created_at": stamp(self.created_at),
            "updated_at": stamp(self.updated_at),
            "origin_column": self.origin_column.value if self.origin_column else None,
            "source": self.source,
            "template_id": self.template_id,
            "period_key": self.period_key,
            "missed": self.missed_at is not None,
            "overdue_since": self.overdue_since.isoformat() if self.overdue_since else None,
            "missed_at": stamp(self.missed_at),
            "checklist": shown_checklist(self.checklist, keys=False),
            "spent_minutes": self.spent_minutes,
            "assignee": self.assignee,
            "created_by": self.created_by,
            "done_by": self.done_by,
            "title_key": self.title_key,
        }


def shown_checklist(stored: str, lang: str = "", *, keys: bool = True) -> list[dict[str, Any]]:
    """A card's checklist as ``lang``'s reader sees it (default: the active language): a
    keyed step in their language, an item as typed as typed. With ``keys`` an item keeps
    its key, so :meth:`BoardService.set_checklist` can keep it language-neutral."""
    items = checklist_items(stored)
    for item in items:
        key = item.pop("key", None) if not keys else item.get("key")
        if key:
            item["text"] = titles.render_item(key, item["text"], lang)
    return items


def _stamp(text: str | None) -> str | None:
    """Stored naive-UTC text → the ISO form ``CardRow.as_json`` prints."""
    if not text:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=UTC).isoformat()


def _enum(text: str | None) -> str | None:
    """Enums are stored by name (``DAILY``); JSON shows their value (``daily``)."""
    return text.lower() if text else None


def json_by_id(session: Session, ids: list[int]) -> dict[int, str]:
    """Compact JSON of the cards ``ids`` formatted in Python from their stored values."""
    from sqlalchemy import select, type_coerce
    from sqlalchemy.types import NullType

    table = Card.__table__  # type: ignore[attr-defined]
    raw = [type_coerce(c, NullType()).label(c.name) for c in table.columns]
    result = session.execute(select(*raw).where(table.c.id.in_(ids)))
    names = list(result.keys())
    texts = {}
    for row in result.all():
        values = json_from_stored(dict(zip(names, row, strict=True)))
        texts[values["id"]] = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return texts


def json_from_stored(row: dict[str, Any]) -> dict[str, Any]:
    checklist = row["checklist"]
    key = row["title_key"]
    return {
        "id": row["id"],
        "title": titles.render(key, row["title_params"], row["title"]) if key else row["title"],
        "notes": titles.render_notes(key, row["title_params"], row["notes"]),
        "column": _enum(row["column"]),
        "position": row["position"],
        "category": row["category"],
        "estimate_minutes": row["estimate_minutes"],
        "priority": _enum(row["priority"]),
        "due": row["due"] or None,
        "done": row["column"] == Column.DONE.name,
        "done_at": _stamp(row["done_at"]),
        "created_at": _stamp(row["created_at"]),
        "updated_at": _stamp(row["updated_at"]),
        "origin_column": _enum(row["origin_column"]),
        "source": _enum(row["source"]),
        "template_id": row["template_id"],
        "period_key": row["period_key"],
        "missed": row["missed_at"] is not None,
        "overdue_since": row["overdue_since"] or None,
        "missed_at": _stamp(row["missed_at"]),
        "checklist": shown_checklist(checklist, keys=False),
        "spent_minutes": row["spent_minutes"],
        "assignee": row["assignee"],
        "created_by": row["created_by"],
        "done_by": row["done_by"],
        "title_key": key,
    }


def as_utc(value: datetime) -> datetime:
    """Stored timestamps are UTC; SQLite may hand them back without a zone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def categories_matching(text: str) -> list[str]:
    """Category keys whose name in any UI language contains ``text``: a board shown in
    English finds "广告" cards by typing 广告, and the Chinese board finds "ads"."""
    needle = text.strip().casefold()
    if not needle:
        return []
    return [
        key
        for key in CATEGORY_KEYS
        if any(needle in name.casefold() for name in category_names(key))
    ]


def category_names(key: str) -> list[str]:
    """A category's name in every UI language, and its key."""
    names = [key]
    for lang in LANGUAGES:
        name = catalog(lang).get(f"category.{key}")
        if name:
            names.append(name)
    return names
