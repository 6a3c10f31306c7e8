"""Backups through SQLite's online backup API, restore that never loses a good database, and
the facts ``seller-kanban doctor`` prints."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from kanban_tui.errors import DatabaseError
from kanban_tui.storage.database import BUSY_TIMEOUT_MS, _check_writable, inspect_file

DAILY_PREFIX = "kanban-"


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)


def backup_to(source: Path, destination: Path) -> Path:
    """Copy the live database ``source`` to ``destination`` consistently (other writers may
    keep writing). The copy is written beside the destination and renamed into place only
    once it passed an integrity check, so a failed backup never leaves half a file."""
    destination = destination.expanduser()
    if destination.exists() and destination.is_dir():
        raise DatabaseError(str(destination), "is a directory; give a file name")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            str(destination.parent), f"cannot be created ({exc.strerror})"
        ) from None
    partial = destination.with_name(destination.name + ".partial")
    try:
        src = _connect(source)
        try:
            target = sqlite3.connect(str(partial))
            try:
                src.backup(target)
                target.execute("PRAGMA journal_mode = DELETE")
                check = target.execute("PRAGMA quick_check").fetchone()
            finally:
                target.close()
        finally:
            src.close()
        if not check or check[0] != "ok":
            raise DatabaseError(str(destination), "the copy failed its integrity check")
        os.replace(partial, destination)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        text = str(exc)
        reason = "the disk is full" if "full" in text.lower() else text
        raise DatabaseError(str(destination), f"backup failed: {reason}") from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(str(destination), f"backup failed: {exc.strerror}") from None
    return destination


def daily_backup(source: Path, folder: Path, keep: int, today: datetime) -> Path | None:
    """Take today's automatic backup if there is none yet, and keep the newest ``keep``."""
    if keep <= 0:
        return None
    name = f"{DAILY_PREFIX}{today:%Y-%m-%d}.db"
    target = folder / name
    made = None
    if not target.exists():
        made = backup_to(source, target)
    prune(folder, keep)
    return made


def prune(folder: Path, keep: int) -> list[Path]:
    dailies = sorted(folder.glob(f"{DAILY_PREFIX}????-??-??.db"))
    removed = dailies[:-keep] if keep > 0 else dailies
    for old in removed:
        old.unlink(missing_ok=True)
    return removed


def restore_from(source: Path, live: Path, safety_folder: Path, now: datetime) -> Path:
    """Replace the live database's content with ``source`` after checking ``source``.

    The current database is first copied to ``safety_folder`` (returned), so a restore can
    itself be undone. The content is written with the backup API into the live file, which
    keeps WAL readers consistent; a damaged or foreign ``source`` changes nothing.
    """
    source = source.expanduser()
    if not source.exists():
        raise DatabaseError(str(source), "does not exist")
    if inspect_file(source) is None:
        raise DatabaseError(str(source), "does not exist")
    # a read-only database (or folder) stays as it is, also for root, who may write anyway
    _check_writable(live)
    safety = safety_folder / f"before-restore-{now:%Y%m%d-%H%M%S}.db"
    if live.exists():
        try:
            inspect_file(live)
        except DatabaseError:
            # the live file is damaged or foreign: keep its bytes as they are, then put a
            # copy of the good backup in its place
            return _replace_damaged(source, live, safety)
        backup_to(live, safety)
    try:
        src = _connect(source, read_only=True)
        try:
            target = _connect(live)
            try:
                src.backup(target)
            finally:
                target.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise DatabaseError(
            str(live), f"restore failed ({exc}); the copy {safety} holds the database as it was"
        ) from None
    return safety


def _replace_damaged(source: Path, live: Path, safety: Path) -> Path:
    import shutil

    safety.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(live, safety)
    staged = live.with_name(live.name + ".restoring")
    shutil.copy2(source, staged)
    for suffix in ("-wal", "-shm"):
        stale = live.with_name(live.name + suffix)
        if stale.exists():
            shutil.copy2(stale, safety.with_name(safety.name + suffix))
            stale.unlink()
    os.replace(staged, live)
    return safety


def doctor(live: Path | None, extra: dict[str, Any], version: Callable[[], int]) -> dict[str, Any]:
    """Facts for a bug report: integrity, WAL state, schema version, paths and sizes."""
    report: dict[str, Any] = {"database": str(live) if live else ":memory:"}
    if live is None:
        return report | extra
    report["size_bytes"] = live.stat().st_size if live.exists() else None
    wal = live.with_name(live.name + "-wal")
    report["wal_bytes"] = wal.stat().st_size if wal.exists() else 0
    if not live.exists():
        # nothing to check yet; connecting would create an empty file, which then refuses
        # to open as a database
        report["schema_expected"] = version()
        return report | extra
    try:
        connection = _connect(live)
        try:
            report["integrity"] = connection.execute("PRAGMA integrity_check").fetchone()[0]
            report["journal_mode"] = connection.execute("PRAGMA journal_mode").fetchone()[0]
            report["schema_version"] = connection.execute("PRAGMA user_version").fetchone()[0]
            report["page_count"] = connection.execute("PRAGMA page_count").fetchone()[0]
            report["freelist_count"] = connection.execute("PRAGMA freelist_count").fetchone()[0]
            tables = [
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            report["rows"] = {
                table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in tables
            }
        finally:
            connection.close()
    except sqlite3.Error as exc:
        report["integrity"] = f"error: {exc}"
    report["schema_expected"] = version()
    return report | extra
