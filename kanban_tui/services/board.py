"""The board service: every card operation the CLI and the UI perform.

Each public method is one unit of work committed at once. Operations the user may regret
(add, edit, move, reorder, done, delete) push an :class:`Action` on the undo stack; undo
and redo replay them as their own units of work. What it reads comes back as
:class:`~kanban_tui.services.card_rows.CardRow` (rows and JSON live in ``card_rows``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from kanban_tui.domain.models import COLUMNS, OPEN_COLUMNS, Card, Column, Priority, Source
from kanban_tui.domain.text import checklist_items
from kanban_tui.errors import KanbanError, MovedElsewhere, NotFoundError, ValidationFailed
from kanban_tui.i18n import LANGUAGES, t
from kanban_tui.services import titles
from kanban_tui.services.activity import ActivityRow, checklist_change
from kanban_tui.services.card_rows import (
    CardRow,
    as_utc,
    categories_matching,
    json_by_id,
    json_from_stored,
)
from kanban_tui.storage import activity
from kanban_tui.storage import cards as repo
from kanban_tui.storage.database import Database

if TYPE_CHECKING:
    from kanban_tui.domain.validation import CardFields, CardPatch

UNDO_LIMIT = 200
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Aware local now."""
    return datetime.now().astimezone()


@dataclass
class Action:
    """One undoable step: what to run to undo it and to redo it."""

    label: str
    undo: Callable[[Session], int | None]
    redo: Callable[[Session], int | None]
    #: Who did it (the user of the board or command).
    actor: str | None = None
    #: The cards it changed (their history records an undo or redo of it).
    cards: tuple[int, ...] = ()


@dataclass
class History:
    done: list[Action] = field(default_factory=list)
    undone: list[Action] = field(default_factory=list)

    def push(self, action: Action) -> None:
        self.done.append(action)
        del self.done[:-UNDO_LIMIT]
        self.undone.clear()


def _snapshot(card: Card) -> dict[str, Any]:
    return card.model_dump()


def _restore(session: Session, snapshot: dict[str, Any]) -> Card:
    card = Card.model_validate(snapshot)
    return repo.insert(session, card, Column(snapshot["column"]), snapshot["position"])


def _load(session: Session, card_id: int) -> Card:
    card = repo.get(session, card_id)
    if card is None:
        raise NotFoundError(f"#{card_id}", t("errors.card.missing"))
    return card


class BoardService:
    """Card operations over one open :class:`Database`."""

    def __init__(self, db: Database, clock: Clock = system_clock, actor: str | None = None) -> None:
        self.db = db
        self.clock = clock
        self.history = History()
        #: The person whose actions these are: recorded as who added and who finished a
        #: card, on every undo step, and what the "mine" filter shows.
        self.actor = actor

    # ----------------------------------------------------------------- reading
    def today(self) -> date:
        return self.clock().date()

    def done_since(self) -> datetime:
        """Start of the current week (Monday 00:00 local), in UTC."""
        now = self.clock()
        monday = (now - timedelta(days=now.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        return monday.astimezone(UTC)

    def view(self, text: str = "", assignee: str | None = None) -> repo.View:
        """What the board shows: ``text`` filters (``!`` first: urgent only), ``assignee``
        keeps one person's cards."""
        urgent = text.startswith("!")
        text = text[1:].strip() if urgent else text
        return repo.View(
            text=text,
            done_since=self.done_since(),
            categories=tuple(categories_matching(text)),
            urgent_only=urgent,
            title_keys=titles.keys_matching(text),
            assignee=assignee,
        )

    def summary(
        self, column: Column, text: str = "", assignee: str | None = None
    ) -> tuple[int, int]:
        with self.db.read() as session:
            return repo.summary(session, column, self.view(text, assignee))

    def rows(
        self, column: Column, offset: int, limit: int, text: str = "", assignee: str | None = None
    ) -> list[CardRow]:
        with self.db.read() as session:
            found = repo.page_rows(session, column, self.view(text, assignee), offset, limit)
            return [CardRow.of(row) for row in found]

    def locate(
        self, card_id: int, text: str = "", assignee: str | None = None
    ) -> tuple[Column, int] | None:
        """The column and row where ``card_id`` is shown, or None if it is not shown."""
        with self.db.read() as session:
            card = repo.get(session, card_id)
            if card is None:
                return None
            view = self.view(text, assignee)
            row = repo.row_of(session, card, view)
            shown = repo.page(session, Column(card.column), view, row, 1)
            if not shown or shown[0].id != card_id:
                return None
            return Column(card.column), row

    def card(self, card_id: int) -> CardRow:
        with self.db.read() as session:
            return CardRow.of(_load(session, card_id))

    def list_cards(
        self, column: Column | None = None, include_all: bool = False, assignee: str | None = None
    ) -> list[CardRow]:
        """Cards column by column in board order; Done only this week unless ``include_all``;
        only ``assignee``'s when given."""
        since = None if include_all else self.done_since()
        result: list[CardRow] = []
        with self.db.read() as session:
            for current in COLUMNS if column is None else (column,):
                view = repo.View(done_since=since, assignee=assignee)
                found = repo.page_rows(session, current, view, 0, -1)
                result.extend(CardRow.of(row) for row in found)
        return result

    def list_json(
        self, column: Column | None = None, include_all: bool = False, assignee: str | None = None
    ) -> list[dict[str, Any]]:
        """Exactly ``[row.as_json() for row in list_cards(...)]``, built from the driver's
        values without per-row objects (``list --json`` of 10,000 cards)."""
        since = None if include_all else self.done_since()
        result: list[dict[str, Any]] = []
        with self.db.read() as session:
            for current in COLUMNS if column is None else (column,):
                view = repo.View(done_since=since, assignee=assignee)
                names, rows = repo.raw_rows(session, current, view)
                result.extend(json_from_stored(dict(zip(names, row, strict=True))) for row in rows)
        return result

    def list_json_text(
        self, column: Column | None = None, include_all: bool = False, assignee: str | None = None
    ) -> str:
        """``list_json`` as compact JSON text (no spaces), made by the database where it
        can (SQLite's JSON functions): ``list --json`` of 10,000 cards builds no Python
        object per card. Parses to exactly ``list_json(...)``."""
        if self.db.engine.dialect.name != "sqlite":
            return json.dumps(
                self.list_json(column, include_all, assignee),
                ensure_ascii=False,
                separators=(",", ":"),
            )
        since = None if include_all else self.done_since()
        shown = titles.fixed_titles()
        parts: list[bytes] = []
        with self.db.read() as session:
            for current in COLUMNS if column is None else (column,):
                view = repo.View(done_since=since, assignee=assignee)
                found = repo.json_rows(session, current, view, shown)
                odd = [card_id for card_id, text in found if text is None]
                fallback = json_by_id(session, odd) if odd else {}
                parts.extend(
                    text if text is not None else fallback[i].encode() for i, text in found
                )
        # text another program stored as invalid UTF-8 reads as U+FFFD, as everywhere else
        return (b"[" + b",".join(parts) + b"]").decode("utf-8", "replace")

    def incidents(self) -> list[CardRow]:
        """Incident cards (from playbooks), newest first."""
        from sqlmodel import col, select

        with self.db.read() as session:
            found = session.exec(
                select(Card)
                .where(col(Card.source) == Source.INCIDENT)
                .order_by(col(Card.id).desc())
            ).all()
            return [CardRow.of(card) for card in found]

    def count(self) -> int:
        with self.db.read() as session:
            return sum(repo.length(session, c) for c in COLUMNS)

    def card_history(self, card_id: int, limit: int | None = None) -> list[ActivityRow]:
        """Who did what to ``card_id``, newest first (``limit`` lines; None: all). A
        deleted card's history stays readable; a card never seen is refused."""
        with self.db.read() as session:
            found = [ActivityRow.of(row) for row in activity.recent(session, card_id, limit)]
            if not found and repo.get(session, card_id) is None:
                raise NotFoundError(f"#{card_id}", t("errors.card.missing"))
            return found

    # ----------------------------------------------------------------- writing
    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def _run(self, work: Callable[[Session], int | None]) -> CardRow | None:
        card_id = self.db.transact(work)
        return self.card(card_id) if card_id is not None else None

    def _record(
        self,
        label: str,
        do: Callable[[Session], int | None],
        undo: Callable[[Session], int | None],
        changes: dict[str, Any] | None = None,
        card_id: int | None = None,
    ) -> CardRow | None:
        """Run ``do`` as one unit of work that also writes the card's history line (the
        card ``do`` returns, else ``card_id``), and push it on the undo stack."""
        logged: list[int] = []

        def work(session: Session) -> int | None:
            result = do(session)
            target = result if result is not None else card_id
            if target is not None:
                activity.write(session, target, self.actor, label, changes, self._now())
                logged[:] = [target]
            return result

        result = self._run(work)
        self.history.push(Action(label, undo=undo, redo=do, actor=self.actor, cards=tuple(logged)))
        return result

    def _replay(self, kind: str, action: Action, step: Callable[[Session], int | None]) -> Any:
        """Undo or redo ``action`` in one unit of work with its history lines."""

        def work(session: Session) -> int | None:
            result = step(session)
            for card_id in action.cards:
                activity.write(
                    session, card_id, self.actor, kind, {"of": action.label}, self._now()
                )
            return result

        return self.db.transact(work)

    def add(
        self,
        fields: CardFields | dict[str, Any],
        column: Column = Column.DAILY,
        position: int | None = None,
        source: Source = Source.MANUAL,
    ) -> CardRow:
        from kanban_tui.domain.validation import CardFields

        values = _validate(CardFields, fields)
        if not column.is_open:
            raise KanbanError(t(f"column.{column.value}"), t("errors.card.new_in_done"))
        snapshot: dict[str, Any] = {}

        def do(session: Session) -> int | None:
            if snapshot:
                return repo.insert(
                    session, Card.model_validate(snapshot), column, snapshot["position"]
                ).id
            now = self._now()
            card = Card(
                **values.model_dump(),
                created_at=now,
                updated_at=now,
                source=source,
                created_by=self.actor,
            )
            repo.insert(session, card, column, position)
            snapshot.update(_snapshot(card))
            return card.id

        def undo(session: Session) -> int | None:
            repo.remove(session, _load(session, snapshot["id"]))
            return None

        row = self._record("add", do, undo, {"to": column.value})
        assert row is not None
        return row

    def edit(self, card_id: int, changes: CardPatch | dict[str, Any]) -> CardRow:
        """Change the fields given. A new title of a keyed card (plan, alert, playbook)
        makes it a title as typed; the same title as shown keeps the key."""
        from kanban_tui.domain.validation import CardPatch

        patch = _validate(CardPatch, changes)
        given = patch.model_dump(exclude_unset=True)
        if "title" in given:
            shown = self.card(card_id)
            if shown.title_key is not None and given["title"] == shown.title:
                del given["title"]
            elif shown.title_key is not None:
                given.update(title_key=None, title_params="")
        before: dict[str, Any] = {}
        #: what the history names: the fields whose value the edit really changes
        edited: dict[str, Any] = {"fields": []}

        def apply(values: dict[str, Any]) -> Callable[[Session], int | None]:
            def work(session: Session) -> int | None:
                card = _load(session, card_id)
                if not before:
                    before.update({name: getattr(card, name) for name in given})
                    edited["fields"] = sorted(
                        name
                        for name in given
                        if before[name] != given[name] and name not in ("title_key", "title_params")
                    )
                for name, value in values.items():
                    setattr(card, name, value)
                card.updated_at = self._now()
                session.add(card)
                return card_id

            return work

        row = self._record("edit", apply(given), apply(before), edited)
        assert row is not None
        return row

    def move(
        self,
        card_id: int,
        column: Column,
        position: int | None = None,
        *,
        seen: Column | None = None,
    ) -> CardRow:
        """Move a card to ``column`` (at ``position``; None = the end, Done = newest).

        ``seen`` is the column the mover saw the card in: when someone else has moved it
        since, the move is refused with :class:`MovedElsewhere` (checked again inside the
        write, so of two people moving one card at once exactly one wins)."""
        with self.db.read() as session:
            card = _load(session, card_id)
            origin = (Column(card.column), card.position, card.done_at, card.origin_column)
            finished_by = card.done_by
        if seen is not None and origin[0] is not seen:
            raise MovedElsewhere(f"#{card_id}", t("live.moved_elsewhere"))
        if column is origin[0] and position is None:
            return self.card(card_id)
        if column is Column.DONE and origin[0] is Column.DONE:
            raise KanbanError(f"#{card_id}", t("errors.card.already_done"))
        now = self._now()

        def place(
            to: Column,
            at: int | None,
            done_at: datetime | None,
            came_from: Column | None,
            done_by: str | None = None,
        ) -> Callable[[Session], int | None]:
            def work(session: Session) -> int | None:
                card = _load(session, card_id)
                if seen is not None and to is column and card.column is not origin[0]:
                    raise MovedElsewhere(f"#{card_id}", t("live.moved_elsewhere"))
                repo.move(session, card, to, at)
                card.done_at = done_at
                card.done_by = done_by if done_at is not None else None
                card.origin_column = came_from
                card.updated_at = now
                session.add(card)
                return card_id

            return work

        if column is Column.DONE:
            forward = place(column, None, now, origin[0], self.actor)
        else:
            forward = place(column, position, None, None)
        backward = place(origin[0], origin[1], origin[2], origin[3], finished_by)
        label = (
            "done" if column is Column.DONE else ("reopen" if origin[0] is Column.DONE else "move")
        )
        changes = {"from": origin[0].value, "to": column.value}
        row = self._record(label, forward, backward, changes)
        assert row is not None
        return row

    def step(
        self, card_id: int, direction: int, row: int | None = None, seen: Column | None = None
    ) -> CardRow:
        """Move a card to the previous (-1) or next (+1) column, landing on ``row``.
        ``seen``: the column the mover saw it in (see :meth:`move`)."""
        current = self.card(card_id).column
        if seen is not None and current is not seen:
            raise MovedElsewhere(f"#{card_id}", t("live.moved_elsewhere"))
        index = COLUMNS.index(current) + direction
        if not 0 <= index < len(COLUMNS):
            return self.card(card_id)
        target = COLUMNS[index]
        position = None
        if row is not None and target.is_open:
            with self.db.read() as session:
                shown = repo.page(session, target, repo.View(), row, 1)
                position = shown[0].position if shown else None
        return self.move(card_id, target, position, seen=seen)

    def reorder(self, card_id: int, delta: int) -> CardRow:
        """Move a card up (-1) or down (+1) within its open column."""
        card = self.card(card_id)
        if card.done:
            raise KanbanError(f"#{card_id}", t("errors.card.done_order"))
        with self.db.read() as session:
            stored = _load(session, card_id)
            row = repo.row_of(session, stored, repo.View()) + delta
            neighbour = repo.page(session, card.column, repo.View(), row, 1) if row >= 0 else []
        if not neighbour or (
            neighbour[0].priority != card.priority
            and Priority.URGENT
            in (
                neighbour[0].priority,
                card.priority,
            )
        ):
            return card  # at the edge, or at the line between urgent cards and the rest
        return self.move(card_id, card.column, neighbour[0].position)

    def set_done(self, card_id: int, done: bool) -> CardRow:
        if done:  # (a card already done stays as it is: see move)
            return self.move(card_id, Column.DONE)
        card = self.card(card_id)
        if not card.done:
            return card
        return self.move(card_id, card.origin_column or Column.DAILY)

    def toggle_done(self, card_id: int) -> CardRow:
        return self.set_done(card_id, not self.card(card_id).done)

    def _set(
        self, card_id: int, label: str, values: dict[str, Any], changes: dict[str, Any]
    ) -> CardRow:
        """An undoable change of raw card fields (checklist, timer); ``changes``: what the
        history says of it."""
        before: dict[str, Any] = {}

        def apply(changes: dict[str, Any]) -> Callable[[Session], int | None]:
            def work(session: Session) -> int | None:
                card = _load(session, card_id)
                if not before:
                    before.update({name: getattr(card, name) for name in values})
                for name, value in changes.items():
                    setattr(card, name, value)
                card.updated_at = self._now()
                session.add(card)
                return card_id

            return work

        row = self._record(label, apply(values), apply(before), changes)
        assert row is not None
        return row

    def set_checklist(self, card_id: int, items: list[dict[str, Any]]) -> CardRow:
        """Replace a card's checklist (``[{"text": …, "done": bool}, …]``).

        An item given with the ``"key"`` it was shown with (``shown_checklist``) and the
        text of that step in any language stays keyed, stored with its English text: a
        tick in Chinese changes no English reader's words. An item whose text was changed
        is stored as typed."""
        before = checklist_items(self.card(card_id).checklist)
        keyed = {item["key"]: item["text"] for item in before if "key" in item}
        clean: list[dict[str, Any]] = []
        for item in items:
            text = str(item.get("text", "")).replace("\x00", "\u2400").strip()
            if not text:
                continue
            if len(text) > 200:
                raise ValidationFailed(
                    t("validation.invalid_checklist"),
                    {"checklist": t("validation.too_long", max=200)},
                )
            key = item.get("key")
            if isinstance(key, str) and key in keyed and _is_step(key, keyed[key], text):
                clean.append({"key": key, "text": keyed[key], "done": bool(item.get("done"))})
            else:
                clean.append({"text": text, "done": bool(item.get("done"))})
        if len(clean) > 50:
            raise ValidationFailed(
                t("validation.invalid_checklist"), {"checklist": t("validation.too_many", max=50)}
            )
        value = json.dumps(clean, ensure_ascii=False) if clean else ""
        return self._set(
            card_id, "checklist", {"checklist": value}, checklist_change(before, clean)
        )

    def toggle_timer(self, card_id: int) -> CardRow:
        """Start the card's timer, or stop it and add the minutes to ``spent_minutes``."""
        card = self.card(card_id)
        now = self._now()
        if card.timer_started_at is None:
            return self._set(card_id, "timer", {"timer_started_at": now}, {"running": True})
        started = as_utc(card.timer_started_at)
        minutes = max(0, round((now - started).total_seconds() / 60))
        return self._set(
            card_id,
            "timer",
            {"timer_started_at": None, "spent_minutes": card.spent_minutes + minutes},
            {"running": False, "minutes": minutes},
        )

    def defer(self, card_ids: list[int], to: Column = Column.WEEKLY) -> list[CardRow]:
        """Move several cards (the load bar's suggestion) as ONE undoable step."""
        moved = [self.move(card_id, to) for card_id in card_ids]
        steps = self.history.done[-len(moved) :] if moved else []
        if len(steps) > 1:
            del self.history.done[-len(steps) :]

            def undo(session: Session) -> int | None:
                for step in reversed(steps):
                    step.undo(session)
                return None

            def redo(session: Session) -> int | None:
                for step in steps:
                    step.redo(session)
                return None

            cards = tuple(card for step in steps for card in step.cards)
            self.history.done.append(
                Action("defer", undo=undo, redo=redo, actor=self.actor, cards=cards)
            )
        return moved

    def delete(self, card_id: int) -> CardRow:
        shown = self.card(card_id)
        snapshot: dict[str, Any] = {}

        def do(session: Session) -> int | None:
            card = _load(session, card_id)
            snapshot.update(_snapshot(card))
            repo.remove(session, card)
            return None

        def undo(session: Session) -> int | None:
            return _restore(session, snapshot).id

        self._record("delete", do, undo, {"title": shown.title[:80]}, card_id)
        return shown

    # ------------------------------------------------------------- undo/redo
    def undo(self) -> tuple[str, int | None] | None:
        """Undo the last action; returns its label and the card to focus, or None."""
        if not self.history.done:
            return None
        action = self.history.done.pop()
        try:
            card_id = self._replay("undo", action, action.undo)
        except NotFoundError:
            raise KanbanError(action.label, t("errors.card.changed_cannot_undo")) from None
        self.history.undone.append(action)
        return action.label, card_id

    def redo(self) -> tuple[str, int | None] | None:
        if not self.history.undone:
            return None
        action = self.history.undone.pop()
        try:
            card_id = self._replay("redo", action, action.redo)
        except NotFoundError:
            raise KanbanError(action.label, t("errors.card.changed_cannot_redo")) from None
        self.history.done.append(action)
        return action.label, card_id

    def data_version(self) -> int:
        return self.db.data_version()


def _is_step(key: str, stored: str, text: str) -> bool:
    """True when ``text`` is the keyed step as stored or as shown in some language."""
    return text == stored or any(
        text == titles.render_item(key, stored, lang) for lang in LANGUAGES
    )


def _validate(model: type[Any], values: Any) -> Any:
    """``values`` as ``model`` (the writes' pydantic models, imported by the writes only: a
    listing builds no validation object)."""
    from pydantic import ValidationError

    from kanban_tui.services.messages import field_errors

    if isinstance(values, model):
        return values
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise ValidationFailed(t("validation.invalid_card"), field_errors(exc)) from None


__all__ = ["OPEN_COLUMNS", "BoardService", "CardRow", "as_utc", "categories_matching"]
