"""Baseline: the schema of release v2 (``PRAGMA user_version = 2``), on both backends.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: Aware UTC timestamps (``timestamptz`` on PostgreSQL, text on SQLite).
STAMP = sa.DateTime(timezone=True)
#: The enum types this revision creates (PostgreSQL keeps them as types of their own).
ENUMS = ("column", "priority", "source", "onperiodend")


def upgrade() -> None:
    op.create_table(
        "card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column(
            "column", sa.Enum("DAILY", "WEEKLY", "MONTHLY", "DONE", name="column"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("estimate_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "priority", sa.Enum("LOW", "NORMAL", "HIGH", "URGENT", name="priority"), nullable=False
        ),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.Column("done_at", STAMP, nullable=True),
        sa.Column(
            "origin_column",
            sa.Enum("DAILY", "WEEKLY", "MONTHLY", "DONE", name="column"),
            nullable=True,
        ),
        sa.Column(
            "source",
            sa.Enum("MANUAL", "PLAN", "TEMPLATE", "ALERT", "INCIDENT", name="source"),
            nullable=False,
        ),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("period_key", sa.String(), nullable=True),
        sa.Column("missed_at", STAMP, nullable=True),
        sa.Column("overdue_since", sa.Date(), nullable=True),
        sa.Column("checklist", sa.String(), nullable=False),
        sa.Column("spent_minutes", sa.Integer(), nullable=False),
        sa.Column("timer_started_at", STAMP, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("template_id", "period_key", name="uq_card_template_period"),
    )
    op.create_index("ix_card_column_position", "card", ["column", "position"], unique=False)
    op.create_index(op.f("ix_card_template_id"), "card", ["template_id"], unique=False)
    op.create_table(
        "goal",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.String(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("weights", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "kpi_observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("marketplace", sa.String(), nullable=False),
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("metric", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("currency", sa.String(), nullable=True),
        sa.Column("imported_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "day", "period_end", "marketplace", "scope", "metric", "source", name="uq_observation"
        ),
    )
    op.create_index(
        "ix_observation_market_day", "kpi_observation", ["marketplace", "day"], unique=False
    )
    op.create_table(
        "kpi_target",
        sa.Column("kpi", sa.String(), nullable=False),
        sa.Column("min", sa.String(), nullable=True),
        sa.Column("max", sa.String(), nullable=True),
        sa.Column("band", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("kpi"),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "review_note",
        sa.Column("period", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("period"),
    )
    op.create_table(
        "template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=True),
        sa.Column("title_en", sa.String(), nullable=False),
        sa.Column("title_zh", sa.String(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("estimate_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "priority", sa.Enum("LOW", "NORMAL", "HIGH", "URGENT", name="priority"), nullable=False
        ),
        sa.Column("checklist", sa.String(), nullable=False),
        sa.Column(
            "column", sa.Enum("DAILY", "WEEKLY", "MONTHLY", "DONE", name="column"), nullable=False
        ),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("marketplace", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("on_period_end", sa.Enum("EXPIRE", "CARRY", name="onperiodend"), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.Column("deleted_at", STAMP, nullable=True),
        sa.Column("checked_until", STAMP, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "period_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("missed", sa.Boolean(), nullable=False),
        sa.Column("carried_at", STAMP, nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["template.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("template_id", "period_key", name="uq_record_template_period"),
    )
    op.create_index(
        op.f("ix_period_record_template_id"), "period_record", ["template_id"], unique=False
    )


def downgrade() -> None:
    for table in (
        "period_record",
        "template",
        "review_note",
        "meta",
        "kpi_target",
        "kpi_observation",
        "goal",
        "card",
    ):
        op.drop_table(table)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name in ENUMS:
            op.execute(f'DROP TYPE IF EXISTS "{name}"')
