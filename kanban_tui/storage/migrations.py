"""Schema upgrades of files from before Alembic, driven by ``PRAGMA user_version``.

Each step is a function that takes the file from version N to N+1 inside one transaction.
Version 1 is the first released schema. Version 2 gives KPI observations a period
(``period_end``) and splits the old ``ads`` source into the ad types. Later schemas are
Alembic revisions (``migrations_alembic/versions``: 0002 is schema 3, people and keyed
titles; 0003 is schema 4, the activity log and keyed checklist items).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlmodel import Session

from kanban_tui.domain.models import SCHEMA_VERSION
from kanban_tui.errors import DatabaseError
from kanban_tui.i18n import t

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


STEPS: dict[int, Callable[[Session], None]] = {1: _v1_to_v2}

#: The last schema these numbered steps reach. Alembic's baseline revision
#: (:data:`kanban_tui.storage.revisions.BASELINE`) is this schema; every later change is
#: an Alembic revision, never a new step here.
ALEMBIC_BASELINE_VERSION = 2
#: A file of a later schema that has no ``alembic_version`` row (written while schema 3
#: was still a numbered step, before Alembic landed, or its table lost): the revision it
#: already has (every revision writes its schema number to the header).
REVISION_OF_SCHEMA = {3: "0002", 4: "0003"}


def bring_up_to_date(db: Database, version: int) -> None:
    """A SQLite file of schema ``version`` to this version's schema: the numbered steps up
    to v2, the baseline stamped on a file written before Alembic, the Alembic revisions
    after it, and ``user_version`` set to :data:`SCHEMA_VERSION` (the header hint)."""
    from kanban_tui.storage import revisions

    upgrade(db, version)

    def work(session: Session) -> None:
        connection = session.connection()
        if revisions.current(connection) is None:
            revisions.stamp(connection, REVISION_OF_SCHEMA.get(version, revisions.BASELINE))
        if revisions.current(connection) != revisions.head():
            revisions.upgrade(connection)
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")

    db.transact(work)


def upgrade(db: Database, version: int) -> None:
    """Upgrade ``db`` from ``version`` to :data:`ALEMBIC_BASELINE_VERSION`, one numbered
    step at a time (Alembic takes it from there: :func:`bring_up_to_date`)."""
    for current in range(version, min(SCHEMA_VERSION, ALEMBIC_BASELINE_VERSION)):
        step = STEPS.get(current)
        if step is None:
            raise DatabaseError(db.label, t("errors.db.cannot_upgrade_schema", found=current))

        def run(
            session: Session, step: Callable[[Session], None] = step, to: int = current + 1
        ) -> None:
            step(session)
            session.connection().exec_driver_sql(f"PRAGMA user_version = {to}")

        db.transact(run)
