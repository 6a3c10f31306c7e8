"""Alembic, driven from code: the revisions shipped in ``migrations_alembic/``.

Every function takes an open SQLAlchemy connection (inside the caller's transaction), so
the same calls serve a SQLite file, a PostgreSQL database, ``db upgrade`` and the tests.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

SCRIPTS = Path(__file__).with_name("migrations_alembic")
#: The revision that is the schema of release v2 (``PRAGMA user_version = 2``): SQLite files
#: written before Alembic are stamped with it once the old steps brought them to v2.
BASELINE = "0001"
#: The newest revision in ``versions/`` (a test checks it against Alembic's own answer).
#: Every open compares the database with it without importing Alembic (that import costs
#: a scripting command more than the command itself); Alembic runs only to change a schema.
HEAD = "0003"
VERSION_TABLE = "alembic_version"


def recorded(connection: Connection) -> str | None:
    """The revision in ``alembic_version`` (None when there is no such table or row),
    read with one query, without Alembic."""
    if connection.dialect.name == "sqlite":
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
    else:
        exists = connection.execute(text("SELECT to_regclass('alembic_version')")).scalar()
    if not exists:
        return None
    rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return str(rows[0][0]) if len(rows) == 1 else None


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head() -> str:
    """The newest revision shipped (:data:`HEAD`)."""
    return HEAD


def scanned_head() -> str | None:
    """The head as Alembic finds it in ``versions/`` (what :data:`HEAD` must say)."""
    return _scripts().get_current_head()


def known(revision: str) -> bool:
    """True for a revision this version ships (an older one or the head)."""
    if revision == HEAD:
        return True
    return any(script.revision == revision for script in _scripts().walk_revisions())


def current(connection: Connection) -> str | None:
    """The revision recorded in ``alembic_version``; None when there is none."""
    return recorded(connection)


def tables(connection: Connection) -> list[str]:
    """The tables of the database other than Alembic's own."""
    return [name for name in inspect(connection).get_table_names() if name != VERSION_TABLE]


def upgrade(connection: Connection, to: str = "head") -> None:
    from alembic import command

    command.upgrade(_config(connection), to)


def stamp(connection: Connection, revision: str) -> None:
    from alembic import command

    command.stamp(_config(connection), revision)


def differences(connection: Connection) -> list[Any]:
    """What the models have that the database lacks (or the reverse): empty when the
    migrations describe the models exactly."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import kanban_tui.domain.models  # noqa: F401  (registers the tables)

    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))
