"""Schema upgrades, driven by the version recorded in ``PRAGMA user_version``.

Each step is a function that takes the file from version N to N+1 inside one transaction.
Version 1 is the first released schema, so there are no steps yet; a later schema adds
``STEPS[1] = _v1_to_v2`` and bumps ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlmodel import Session

from kanban_tui.domain.models import SCHEMA_VERSION
from kanban_tui.errors import DatabaseError

if TYPE_CHECKING:
    from kanban_tui.storage.database import Database

STEPS: dict[int, Callable[[Session], None]] = {}


def upgrade(db: Database, version: int) -> None:
    """Upgrade ``db`` from ``version`` to :data:`SCHEMA_VERSION`, one step at a time."""
    for current in range(version, SCHEMA_VERSION):
        step = STEPS.get(current)
        if step is None:
            raise DatabaseError(
                db.label, f"has schema {current}, which this version cannot upgrade"
            )

        def run(
            session: Session, step: Callable[[Session], None] = step, to: int = current + 1
        ) -> None:
            step(session)
            session.connection().exec_driver_sql(f"PRAGMA user_version = {to}")

        db.transact(run)
