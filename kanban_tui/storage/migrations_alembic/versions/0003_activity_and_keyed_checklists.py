"""The activity log and keyed checklist items (schema 4).

``activity``: one row per change to a card — who, when, what (a small JSON object) —
written by the services in the transaction of the change itself.

Checklist items of playbook and alert cards made before this revision hold the text of
their creator's language. An item whose text is a shipped step (the first steps for any
incident or a playbook's step, in English or Chinese) gets that step's key and its
English text, so each reader sees it in their own language; an item the user typed or
changed matches no step and stays as typed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import json
import tomllib

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("changes", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_activity_card", "activity", ["card_id", "id"], unique=False)
    _keys_for_known_steps(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_activity_card", table_name="activity")
    op.drop_table("activity")


def _keys_for_known_steps(connection: sa.Connection) -> None:
    steps = _shipped_steps()
    rows = connection.execute(
        sa.text(
            "SELECT id, checklist FROM card WHERE checklist != '' "
            "AND CAST(source AS VARCHAR) IN ('INCIDENT', 'ALERT')"
        )
    ).all()
    for card_id, stored in rows:
        try:
            items = json.loads(stored)
        except ValueError:
            continue
        if not isinstance(items, list):
            continue
        changed = False
        for item in items:
            if not isinstance(item, dict) or item.get("key"):
                continue
            found = steps.get(str(item.get("text", "")))
            if found is not None:
                item["key"], item["text"] = found
                changed = True
        if changed:
            connection.execute(
                sa.text("UPDATE card SET checklist = :c WHERE id = :i"),
                {"c": json.dumps(items, ensure_ascii=False), "i": card_id},
            )


def _shipped_steps() -> dict[str, tuple[str, str]]:
    """Each shipped step's text (English and Chinese) → its key and English text."""
    from kanban_tui import locations

    books = {}
    for lang in ("en", "zh"):
        with locations.shipped_file(f"playbooks.{lang}.toml").open("rb") as handle:
            books[lang] = tomllib.load(handle)
    keyed: dict[str, list[tuple[str, str]]] = {"en": [], "zh": []}
    for lang, book in books.items():
        for n, step in enumerate(book.get("first_steps", [])):
            keyed[lang].append((f"first#{n}", str(step)))
        for entry in book.get("playbook", []):
            for n, step in enumerate(entry.get("steps", [])):
                keyed[lang].append((f"playbook:{entry['key']}#{n}", str(step)))
    english = dict(keyed["en"])
    found: dict[str, tuple[str, str]] = {}
    for lang in ("zh", "en"):  # English last: its text wins a (rare) tie
        for key, text in keyed[lang]:
            found[text] = (key, english.get(key, text))
    return found
