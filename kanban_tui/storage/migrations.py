"""Schema upgrades, driven by the version recorded in ``PRAGMA user_version``.

Each step is a function that takes the file from version N to N+1 inside one transaction.
Version 1 is the first released schema. Version 2 gives KPI observations a period
(``period_end``) and splits the old ``ads`` source into the ad types. Version 3 adds
people (assignee, who added and who finished a card) and language-neutral titles.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlmodel import Session

from kanban_tui.domain.models import SCHEMA_VERSION
from kanban_tui.errors import DatabaseError

if TYPE_CHECKING:
    from kanban_tui.storage.database import Database


def _v1_to_v2(session: Session) -> None:
    """KPI observations get ``period_end`` (= ``day``: every v1 figure is daily) and the
    period in their unique key; ``ads`` figures become ``ads_sp`` (what v1 imported)."""
    from sqlmodel import SQLModel

    import kanban_tui.domain.models  # noqa: F401  (registers the tables)

    connection = session.connection()
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_observation_market_day")
    connection.exec_driver_sql("ALTER TABLE kpi_observation RENAME TO kpi_observation_v1")
    SQLModel.metadata.tables["kpi_observation"].create(connection)
    connection.exec_driver_sql(
        "INSERT INTO kpi_observation (id, day, period_end, marketplace, scope, metric, value, "
        "source, currency, imported_at) SELECT id, day, day, marketplace, scope, metric, "
        "value, CASE source WHEN 'ads' THEN 'ads_sp' ELSE source END, currency, imported_at "
        "FROM kpi_observation_v1"
    )
    connection.exec_driver_sql("DROP TABLE kpi_observation_v1")


#: Columns version 3 adds: (table, column, SQL type and default). Plain ``ADD COLUMN``s.
V3_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("card", "assignee", "VARCHAR"),
    ("card", "created_by", "VARCHAR"),
    ("card", "done_by", "VARCHAR"),
    ("card", "title_key", "VARCHAR"),
    ("card", "title_params", "VARCHAR DEFAULT '' NOT NULL"),
    ("template", "assignee", "VARCHAR"),
)


def _v2_to_v3(session: Session) -> None:
    """People on cards and templates; plan, risk-alert and playbook cards get the key their
    title is rendered from (in each reader's language) where the stored title is a known
    text of that key in English or Chinese. A title the user changed stays as typed."""
    connection = session.connection()
    for table, column, kind in V3_COLUMNS:
        connection.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    # plan cards: the stored title is its default template's English or Chinese title
    connection.exec_driver_sql(
        "UPDATE card SET title_key = 'plan:' || (SELECT t.key FROM template AS t "
        "WHERE t.id = card.template_id) WHERE title_key IS NULL AND EXISTS (SELECT 1 FROM "
        "template AS t WHERE t.id = card.template_id AND t.key IS NOT NULL "
        "AND card.title IN (t.title_en, t.title_zh))"
    )
    # risk alerts: what the alert is about is in its period key (alert:<kpi>:<market>:<month>);
    # the figures come back with the next check, the stored text is shown until then
    rows = connection.exec_driver_sql(
        "SELECT id, period_key FROM card WHERE source = 'ALERT' AND title_key IS NULL "
        "AND period_key LIKE 'alert:%:%:%'"
    ).all()
    for card_id, period_key in rows:
        _, kpi, market, month = str(period_key).split(":", 3)
        params = json.dumps({"kpi": kpi, "market": market, "month": month})
        connection.exec_driver_sql(
            "UPDATE card SET title_key = 'alert', title_params = ? WHERE id = ?",
            (params, card_id),
        )
    # playbook cards: the title of a shipped playbook in either language
    for key, titles in _playbook_titles().items():
        for title in titles:
            connection.exec_driver_sql(
                "UPDATE card SET title_key = ? WHERE source = 'INCIDENT' AND title_key IS NULL "
                "AND title = ?",
                (f"playbook:{key}", title),
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


STEPS: dict[int, Callable[[Session], None]] = {1: _v1_to_v2, 2: _v2_to_v3}


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
