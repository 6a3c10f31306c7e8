"""The database file and the files a command reads or writes, for the CLI (and any front
end): where the database is, backup / restore / doctor, outputs that may be written,
inputs that are regular files of a bounded size.

Thin calls over :mod:`kanban_tui.storage`, so that the front ends talk to services only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from kanban_tui.errors import KanbanError, UsageError
from kanban_tui.i18n import t


def database_file(location: str) -> Path | None:
    """The file of the database at ``location`` (None: an in-memory database)."""
    from kanban_tui.storage.database import resolve_target

    return resolve_target(location).path


def check_output(output: str | Path, live: Path | None, *, overwrite: bool = True) -> Path:
    """Refuse an output that is the open database ``live``, any database, a FIFO or a
    device; the path expanded."""
    from kanban_tui.storage.files import check_output as check

    return check(Path(output), live, overwrite=overwrite)


def read_input(path: Path, limit: int, too_large: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (never a FIFO or a device
    such as ``/dev/zero``, which would block or never end); ``too_large`` ends the message
    when it is larger."""
    from kanban_tui.storage.files import check_regular_input

    try:
        check_regular_input(path)
    except KanbanError as exc:
        raise UsageError(exc.title, exc.message) from None
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise KanbanError(str(path), t("errors.file.cannot_read", reason=exc.strerror)) from None
    if len(raw) > limit:
        raise UsageError(
            str(path), t("errors.file.too_large", mb=limit // (1024 * 1024), hint=too_large)
        )
    return raw


def opens(live: Path | None) -> str:
    """``yes``, or ``no: why`` the database file would be refused."""
    from kanban_tui.storage.database import inspect_file

    try:
        if live is not None:
            inspect_file(live)
        return "yes"
    except KanbanError as exc:
        return f"no: {exc.message}"


def doctor(live: Path | None, extra: dict[str, Any], version: Callable[[], int]) -> dict[str, Any]:
    """The health report of the database file (integrity, schema, backups) with ``extra``."""
    from kanban_tui.storage.backup import doctor as examine

    return examine(live, extra, version)


def backup(live: Path, output: str | None, kept: int, now: datetime) -> Path:
    """A copy of ``live`` to ``output`` (a new file), or to backups/ beside it (then the
    oldest manual copies beyond ``kept`` are removed); the copy's path."""
    from kanban_tui.storage.backup import MANUAL, backup_to, copy_path, prune
    from kanban_tui.storage.database import inspect_file

    if inspect_file(live) is None:
        raise KanbanError(str(live), t("errors.file.missing"))
    if output:
        return backup_to(live, check_output(output, live, overwrite=False))
    copy = backup_to(live, copy_path(live, MANUAL, now))
    prune(live, kept)
    return copy


def restore(source: Path, live: Path, kept: int, now: datetime) -> Path:
    """Put ``source`` in place of ``live``, keeping a safety copy; its path."""
    from kanban_tui.storage.backup import restore_from

    return restore_from(source, live, None, now, kept)


def database_error(exc: BaseException) -> str | None:
    """The first line of a database error's reason, or None when ``exc`` is not one: the
    front ends' last resort says it in one line instead of a traceback."""
    from sqlite3 import Error as SQLiteError

    from sqlalchemy.exc import SQLAlchemyError

    if not isinstance(exc, SQLAlchemyError | SQLiteError):
        return None
    return str(getattr(exc, "orig", exc)).splitlines()[0]
