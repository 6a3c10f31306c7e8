"""The database itself, for the front ends: its schema revision, upgrade, a copy into an
empty database, and what backup / restore / doctor mean on a PostgreSQL server.

Thin calls over :mod:`kanban_tui.storage` (revisions, transfer, open), so that the CLI
talks to services only."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from kanban_tui.errors import DatabaseError, KanbanError, UsageError
from kanban_tui.i18n import t


def is_server(location: str) -> bool:
    """Whether ``location`` names a PostgreSQL database (not a SQLite file or memory)."""
    from kanban_tui.storage.database import resolve_target

    return bool(resolve_target(location).is_server)


def label(location: str) -> str:
    """How ``location`` is named in messages (a server URL without its password)."""
    from kanban_tui.storage.database import resolve_target

    return str(resolve_target(location).label)


def revision_of(location: str) -> dict[str, Any]:
    """The database's backend, label and schema revision, read without changing it."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    from kanban_tui.storage import revisions
    from kanban_tui.storage.database import inspect_file, resolve_target, server_engine

    target = resolve_target(location)
    facts: dict[str, Any] = {
        "backend": "postgresql" if target.is_server else "sqlite",
        "database": target.label,
        "head": revisions.head(),
    }
    if target.is_server:
        engine = server_engine(target)
    elif target.path is None:
        raise UsageError("--db", t("errors.db.memory_no_revision"))
    else:
        version = inspect_file(target.path)
        if version is None:
            raise DatabaseError(str(target.path), t("errors.file.missing"))
        facts["schema"] = version
        uri = f"{target.path.resolve().as_uri()}?mode=ro"
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        with engine.connect() as connection:
            facts["revision"] = revisions.current(connection)
            if target.is_server:
                server = connection.exec_driver_sql("SHOW server_version").scalar_one()
                facts["server"] = f"PostgreSQL {server}"
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()
        raise DatabaseError(
            target.label,
            t("errors.db.cannot_open", reason=reason[0] if reason else t("errors.db.no_answer")),
        ) from None
    finally:
        engine.dispose()
    facts["up_to_date"] = facts["revision"] == facts["head"]
    return facts


def upgrade(location: str) -> tuple[str | None, dict[str, Any]]:
    """Bring the database at ``location`` to this version's schema: (the revision before,
    the facts after)."""
    from kanban_tui.storage.database import open_database, resolve_target

    place = resolve_target(location)
    if place.path is None and not place.is_server:
        raise UsageError("--db", t("errors.db.memory_no_upgrade"))
    before = None
    # a missing file or an empty server database: the open below creates it
    with contextlib.suppress(DatabaseError):
        before = revision_of(location).get("revision")
    open_database(location, upgrade=True).close()
    return before, revision_of(location)


def copy(location: str, to: str) -> tuple[str, dict[str, int]]:
    """Copy everything at ``location`` into the empty database ``to``: (its label, rows
    copied per table)."""
    from kanban_tui.storage.database import open_database, resolve_target
    from kanban_tui.storage.transfer import copy_database

    target = resolve_target(to)
    if target.path is None and not target.is_server:
        raise UsageError("--to", t("errors.db.copy_to_memory"))
    source = open_database(location, create=False)
    try:
        copied = copy_database(source, to)
    finally:
        source.close()
    return str(target.label), copied


def refuse_restore(location: str) -> None:
    """A team's database is replaced only on purpose: by copying a file into an empty one."""

    raise KanbanError(label(location), t("cli.db.no_restore"))


def backup_server(location: str, output: str | None) -> Path:
    """A PostgreSQL database copied into a new SQLite file (``output``, or
    ``backups/NAME-manual-….db`` in the data folder)."""
    from kanban_tui.storage.database import open_database, resolve_target
    from kanban_tui.storage.transfer import copy_database

    target = resolve_target(location)
    if output:
        path = Path(output).expanduser()
        if path.exists():
            raise KanbanError(str(path), t("errors.file.exists_give_new"))
    else:
        from kanban_tui import locations

        name = (target.label.rsplit("/", 1)[-1] or "board").split("?")[0]
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = locations.data_dir() / "backups" / f"{name}-manual-{stamp}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
    source = open_database(location, create=False)
    try:
        copy_database(source, str(path))
    finally:
        source.close()
    return path


def doctor_server(location: str) -> dict[str, Any]:
    """The server, the schema revision and whether the board opens (``opens``: ``yes`` or
    ``no: why``)."""
    import platform

    from kanban_tui import __version__
    from kanban_tui.storage.database import open_database

    report: dict[str, Any] = {
        "seller_kanban": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        report.update(revision_of(location))
        open_database(location, create=False).close()
        report["opens"] = "yes"
    except KanbanError as exc:
        report["opens"] = f"no: {exc.message}"
    report["backups"] = t("cli.db.server_backups")
    return report


__all__ = [
    "backup_server",
    "copy",
    "doctor_server",
    "is_server",
    "label",
    "refuse_restore",
    "revision_of",
    "upgrade",
]
