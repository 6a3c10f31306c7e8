"""Alembic, driven from code: the revisions shipped in ``migrations_alembic/``.

Every function takes an open SQLAlchemy connection (inside the caller's transaction), so
the same calls serve a SQLite file, a PostgreSQL database, ``db upgrade`` and the tests.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

SCRIPTS = Path(__file__).with_name("migrations_alembic")
#: The revision that is the schema of release v2 (``PRAGMA user_version = 2``): SQLite files
#: written before Alembic are stamped with it once the old steps brought them to v2.
BASELINE = "0001"
VERSION_TABLE = "alembic_version"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    found = _scripts().get_current_head()
    assert found is not None
    return found


def known(revision: str) -> bool:
    """True for a revision this version ships (an older one or the head)."""
    return any(script.revision == revision for script in _scripts().walk_revisions())


def current(connection: Connection) -> str | None:
    """The revision recorded in ``alembic_version``; None when there is none."""
    return MigrationContext.configure(connection).get_current_revision()


def tables(connection: Connection) -> list[str]:
    """The tables of the database other than Alembic's own."""
    return [name for name in inspect(connection).get_table_names() if name != VERSION_TABLE]


def upgrade(connection: Connection, to: str = "head") -> None:
    command.upgrade(_config(connection), to)


def stamp(connection: Connection, revision: str) -> None:
    command.stamp(_config(connection), revision)


def differences(connection: Connection) -> list[Any]:
    """What the models have that the database lacks (or the reverse): empty when the
    migrations describe the models exactly."""
    from sqlmodel import SQLModel

    import kanban_tui.domain.models  # noqa: F401  (registers the tables)

    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))
