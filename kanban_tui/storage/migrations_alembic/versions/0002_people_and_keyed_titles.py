"""People and language-neutral titles (schema 3): an assignee on cards and templates, who
added and who finished a card, and the key + parameters plan, risk-alert and playbook
cards are rendered from in each reader's language.

Known stored titles (a plan task's or a shipped playbook's title in English or Chinese, an
alert's period key) are mapped back to their keys; a title the user changed stays as typed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import json
import tomllib

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: (table, column): the nullable text columns this revision adds.
PEOPLE = (
    ("card", "assignee"),
    ("card", "created_by"),
    ("card", "done_by"),
    ("card", "title_key"),
    ("template", "assignee"),
)


def upgrade() -> None:
    for table, column in PEOPLE:
        op.add_column(table, sa.Column(column, sa.String(), nullable=True))
    op.add_column("card", sa.Column("title_params", sa.String(), nullable=False, server_default=""))
    _keys_for_known_titles(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("card") as card:
        for table, column in PEOPLE:
            if table == "card":
                card.drop_column(column)
        card.drop_column("title_params")
    with op.batch_alter_table("template") as template:
        template.drop_column("assignee")


def _keys_for_known_titles(connection: sa.Connection) -> None:
    # plan cards: the stored title is its default template's English or Chinese title
    connection.execute(
        sa.text(
            "UPDATE card SET title_key = 'plan:' || (SELECT t.key FROM template AS t "
            "WHERE t.id = card.template_id) WHERE title_key IS NULL AND EXISTS (SELECT 1 "
            "FROM template AS t WHERE t.id = card.template_id AND t.key IS NOT NULL "
            "AND card.title IN (t.title_en, t.title_zh))"
        )
    )
    # risk alerts: what the alert is about is in its period key (alert:<kpi>:<market>:<month>);
    # the figures come back with the next check, the stored text is shown until then
    rows = connection.execute(
        sa.text(
            "SELECT id, period_key FROM card WHERE source = 'ALERT' AND title_key IS NULL "
            "AND period_key LIKE 'alert:%:%:%'"
        )
    ).all()
    for card_id, period_key in rows:
        _, kpi, market, month = str(period_key).split(":", 3)
        params = json.dumps({"kpi": kpi, "market": market, "month": month})
        connection.execute(
            sa.text("UPDATE card SET title_key = 'alert', title_params = :p WHERE id = :i"),
            {"p": params, "i": card_id},
        )
    # playbook cards: the title of a shipped playbook in either language
    for key, titles in _playbook_titles().items():
        for title in titles:
            connection.execute(
                sa.text(
                    "UPDATE card SET title_key = :k WHERE source = 'INCIDENT' "
                    "AND title_key IS NULL AND title = :t"
                ),
                {"k": f"playbook:{key}", "t": title},
            )


def _playbook_titles() -> dict[str, set[str]]:
    """Each shipped playbook's titles in English and Chinese, by key."""
    from kanban_tui import locations

    found: dict[str, set[str]] = {}
    for lang in ("en", "zh"):
        with locations.shipped_file(f"playbooks.{lang}.toml").open("rb") as handle:
            for entry in tomllib.load(handle).get("playbook", []):
                found.setdefault(str(entry["key"]), set()).add(str(entry["title"]))
    return found
