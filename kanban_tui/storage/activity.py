"""The activity log: one row per change to a card, written in the change's transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from kanban_tui.domain.models import Activity, utcnow


def write(
    session: Session,
    card_id: int,
    actor: str | None,
    action: str,
    changes: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Add one line to ``card_id``'s history (in the caller's transaction)."""
    session.add(
        Activity(
            card_id=card_id,
            at=at or utcnow(),
            actor=actor,
            action=action,
            changes=json.dumps(changes, ensure_ascii=False, sort_keys=True) if changes else "",
        )
    )


def recent(session: Session, card_id: int, limit: int | None = None) -> Sequence[Activity]:
    """``card_id``'s history, newest first (``limit`` lines; None: all)."""
    statement = (
        select(Activity).where(col(Activity.card_id) == card_id).order_by(col(Activity.id).desc())
    )
    if limit is not None:
        statement = statement.limit(limit)
    return session.exec(statement).all()
