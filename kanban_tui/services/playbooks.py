"""Incident playbooks: shipped in ``data/playbooks.<lang>.toml``, overridable by the user.

Choosing a playbook opens an urgent incident card whose checklist holds the seed's first
steps for any incident followed by the playbook's own, and starts the card's timer; the
time spent counts against the day's incident buffer.
"""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session

from kanban_tui import locations
from kanban_tui.domain.models import Card, Column, Priority, Source
from kanban_tui.errors import ConfigError, KanbanError
from kanban_tui.i18n import t
from kanban_tui.services import titles
from kanban_tui.services.board import BoardService, CardRow
from kanban_tui.storage import activity
from kanban_tui.storage import cards as repo


class Playbook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    kind: Literal["incident", "kpi"] = "incident"
    kpi: str = ""
    title: str = Field(min_length=1, max_length=200)
    category: str = ""
    estimate: int = Field(default=30, ge=0, le=480)
    steps: tuple[str, ...] = ()


class PlaybookBook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    first_steps: tuple[str, ...] = ()
    playbook: tuple[Playbook, ...] = ()


def _read(path: Path) -> PlaybookBook:
    from kanban_tui.config import read_toml

    try:
        return PlaybookBook.model_validate(read_toml(path))
    except ValidationError as exc:
        item = exc.errors()[0]
        where = ".".join(str(p) for p in item["loc"])
        raise ConfigError(str(path), f"{where}: {item['msg']}") from None


def load(lang: str) -> PlaybookBook:
    """The shipped playbooks with the user's file (if any) laid over them by key."""
    shipped = _read(locations.shipped_file(f"playbooks.{lang}.toml"))
    user_file = locations.config_dir() / f"playbooks.{lang}.toml"
    if not user_file.exists():
        return shipped
    mine = _read(user_file)
    merged = {p.key: p for p in shipped.playbook}
    merged.update({p.key: p for p in mine.playbook})
    return PlaybookBook(
        first_steps=mine.first_steps or shipped.first_steps, playbook=tuple(merged.values())
    )


def checklist(playbook: Playbook, first_steps: tuple[str, ...] = ()) -> str:
    """The card's checklist: ``first_steps`` then the playbook's steps, each keyed so that
    every reader sees it in their own language (:func:`titles.render_item`)."""
    items = titles.keyed_steps(titles.FIRST_STEPS, first_steps)
    items += titles.keyed_steps(titles.PLAYBOOK + playbook.key, playbook.steps)
    return json.dumps(items, ensure_ascii=False) if items else ""


def for_kpi(book: PlaybookBook, kpi: str) -> Playbook | None:
    return next((p for p in book.playbook if p.kind == "kpi" and p.kpi == kpi), None)


def open_incident(cards: BoardService, book: PlaybookBook, key: str) -> CardRow:
    """Create the urgent incident card for playbook ``key`` with its timer running."""
    playbook = next((p for p in book.playbook if p.key == key), None)
    if playbook is None:
        raise KanbanError(key, t("errors.playbook.missing"))
    now = cards.clock().astimezone(UTC)
    key = titles.PLAYBOOK + playbook.key

    def work(session: Session) -> int | None:
        card = Card(
            # keyed: every reader sees the playbook's title in their own language
            title=titles.render(key, "", playbook.title, "en"),
            title_key=key,
            created_by=cards.actor,
            category=playbook.category,
            estimate_minutes=playbook.estimate,
            priority=Priority.URGENT,
            source=Source.INCIDENT,
            checklist=checklist(playbook, book.first_steps),
            timer_started_at=now,
            created_at=now,
            updated_at=now,
        )
        repo.insert(session, card, Column.DAILY, 0)
        assert card.id is not None
        activity.write(session, card.id, cards.actor, "add", {"to": Column.DAILY.value}, now)
        return card.id

    card_id = cards.db.transact(work)
    assert card_id is not None
    return cards.card(card_id)
