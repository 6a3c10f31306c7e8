"""Backups through SQLite's online backup API, restore that never loses a good database, and
the facts ``seller-kanban doctor`` prints.

Every copy of a database goes to ``backups/`` beside it and is named after it:

* ``STEM-YYYY-MM-DD.db`` — the board's automatic daily backup;
* ``STEM-manual-YYYYMMDD-HHMMSS.db`` — ``seller-kanban backup`` without ``-o``;
* ``STEM-before-restore-…`` / ``STEM-before-upgrade-vN-…`` — the safety copies taken before
  a restore or a schema upgrade replaces the content.

A second copy in the same second gets ``-2``, ``-3``… instead of replacing the first.
:func:`prune` keeps the newest ``keep`` of each kind. A copy is written to a locked
temporary file with the database's own permissions, checked, and renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from kanban_tui import locations
from kanban_tui.errors import DatabaseError
from kanban_tui.i18n import t
from kanban_tui.storage.database import (
    BUSY_TIMEOUT_MS,
    SCHEMA_HINT,
    _check_writable,
    inspect_file,
)
from kanban_tui.storage.files import (
    check_regular_input,
    place,
    remove_with_sides,
    same_file,
    staging,
    sweep_stale,
)

#: Kinds of copy, as they appear in the file names.
DAILY = "daily"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)


def _mode(path: Path) -> int:
    """The permission bits a copy of ``path`` gets: the database's own, never wider."""
    try:
        return path.stat().st_mode & 0o666
    except OSError:
        return 0o600


# --------------------------------------------------------------------------- names
def backup_folder(live: Path) -> Path:
    return locations.backup_dir_for(live)


def daily_name(live: Path, day: datetime) -> str:
    return f"{live.stem}-{day:%Y-%m-%d}.db"


def copy_path(live: Path, kind: str, now: datetime | None = None) -> Path:
    """Where a copy of ``kind`` (``manual``, ``before-restore``, ``before-upgrade-v1``) of
    ``live`` taken at ``now`` goes; :func:`backup_to` adds ``-2`` if the name is taken."""
    moment = now or datetime.now()
    return backup_folder(live) / f"{live.stem}-{kind}-{moment:%Y%m%d-%H%M%S}.db"


def _pattern(live: Path) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(live.stem)}-(?:(?P<day>\d{{4}}-\d{{2}}-\d{{2}})"
        r"|(?P<kind>manual|before-restore|before-upgrade-v\d+)-(?P<stamp>\d{8}-\d{6}))"
        r"(?:-(?P<n>\d+))?\.db$"
    )


def copies(live: Path) -> dict[str, list[Path]]:
    """The copies of ``live`` in its backup folder, by kind, oldest first."""
    folder = backup_folder(live)
    pattern = _pattern(live)
    found: dict[str, list[tuple[tuple[str, int], Path]]] = {}
    if folder.is_dir():
        for candidate in folder.iterdir():
            match = pattern.match(candidate.name)
            if match is None or not candidate.is_file():
                continue
            kind = DAILY if match["day"] else match["kind"]
            key = (match["day"] or match["stamp"], int(match["n"] or 1))
            found.setdefault(kind, []).append((key, candidate))
    return {kind: [path for _, path in sorted(items)] for kind, items in sorted(found.items())}


# --------------------------------------------------------------------------- copies
def backup_to(source: Path, destination: Path, *, unique: bool = True) -> Path:
    """Copy the live database ``source`` to ``destination`` consistently (other writers may
    keep writing), and return where the copy went.

    The copy is written to a locked temporary file beside the destination with the
    source's permissions, checked, and only then put in place. With ``unique`` an existing
    file is never replaced (the copy takes the next free name); a failed or killed backup
    never leaves half a file that counts as a copy.
    """
    destination = destination.expanduser()
    if destination.exists() and destination.is_dir():
        raise DatabaseError(str(destination), t("errors.file.is_folder_give_file"))
    if same_file(destination, source):
        raise DatabaseError(str(destination), t("errors.backup.is_database"))
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            str(destination.parent), t("errors.file.cannot_create", reason=exc.strerror)
        ) from None
    sweep_stale(destination.parent)
    try:
        with staging(destination, _mode(source)) as partial:
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
                raise DatabaseError(str(destination), t("errors.backup.integrity"))
            with partial.open("rb+") as handle:
                os.fsync(handle.fileno())
            return place(partial, destination, unique=unique)
    except sqlite3.Error as exc:
        text = str(exc)
        reason = "the disk is full" if "full" in text.lower() else text
        raise DatabaseError(str(destination), t("errors.backup.failed", reason=reason)) from None
    except OSError as exc:
        raise DatabaseError(
            str(destination), t("errors.backup.failed", reason=exc.strerror)
        ) from None


def daily_backup(source: Path, folder: Path | None, keep: int, today: datetime) -> Path | None:
    """Take today's automatic backup of ``source`` if there is none yet (in ``backups/``
    beside it unless ``folder`` says otherwise), and keep the newest ``keep`` of each kind."""
    if keep <= 0:
        return None
    folder = folder or backup_folder(source)
    target = folder / daily_name(source, today)
    made = None
    if not target.exists():
        made = backup_to(source, target)
    prune(source, keep)
    return made


def prune(live: Path, keep: int) -> list[Path]:
    """Keep the newest ``keep`` copies of each kind (at least one of each safety copy)."""
    removed: list[Path] = []
    for kind, found in copies(live).items():
        kept = keep if kind == DAILY else max(keep, 1)
        old = found[:-kept] if kept > 0 else found
        for path in old:
            remove_with_sides(path)
            removed.append(path)
    sweep_stale(backup_folder(live), legacy=True)
    return removed


def check_upgrade(source: Path, version: int) -> None:
    """Raise :class:`DatabaseError` unless ``source`` (schema ``version``) upgrades to this
    version and passes its schema check — tried on a temporary copy that is then removed."""
    with upgraded_copy(source, version):
        return


@contextlib.contextmanager
def upgraded_copy(source: Path, version: int) -> Iterator[Path]:
    """A temporary copy of ``source`` (schema ``version``) upgraded to this version and
    checked against its schema; raises :class:`DatabaseError` if either fails. The
    original file is never written."""
    from kanban_tui.storage import database, schema
    from kanban_tui.storage.migrations import bring_up_to_date

    with staging(source, _mode(source)) as copy:
        try:
            src = _connect(source, read_only=True)
            try:
                target = sqlite3.connect(str(copy))
                try:
                    src.backup(target)
                finally:
                    target.close()
            finally:
                src.close()
            engine = database._file_engine(copy)
            database._install_pragmas(engine, in_memory=False)
            db = database.Database(engine, database.Target(copy))
            try:
                bring_up_to_date(db, version)
            finally:
                db.close()
            connection = sqlite3.connect(str(copy))
            try:
                connection.execute("PRAGMA journal_mode = DELETE")
                found = schema.problems(connection)
            finally:
                connection.close()
        except (sqlite3.Error, database.OperationalError, DatabaseError) as exc:
            reason = exc.message if isinstance(exc, DatabaseError) else str(exc)
            raise DatabaseError(
                str(source), t("errors.backup.cannot_upgrade", reason=reason)
            ) from None
        if found:
            raise DatabaseError(
                str(source),
                t("errors.backup.wrong_schema", problem=found[0]),
            )
        try:
            yield copy
        finally:
            remove_with_sides(copy)


def restore_from(
    source: Path, live: Path, safety_folder: Path | None, now: datetime, keep: int = 0
) -> Path:
    """Replace the live database's content with ``source`` after checking ``source``.

    ``source`` must be a regular file holding a healthy seller-kanban database whose
    schema is exactly this version's (an older one is upgraded on a copy first). The
    current database is first copied to ``backups/`` beside it (returned), so a restore can
    itself be undone. The content is written with the backup API into the live file, which
    keeps WAL readers consistent; anything refused changes nothing.
    """
    source = source.expanduser()
    check_regular_input(source)
    if same_file(source, live):
        raise DatabaseError(str(source), t("errors.backup.restore_self"))
    version = inspect_file(source)
    if version is None:
        raise DatabaseError(str(source), t("errors.file.missing"))
    # a read-only database (or folder) stays as it is, also for root, who may write anyway
    _check_writable(live)
    from kanban_tui.domain.models import SCHEMA_VERSION

    with contextlib.ExitStack() as stack:
        if version < SCHEMA_VERSION:
            source = stack.enter_context(upgraded_copy(source, version))
        safety_name = copy_path(live, BEFORE_RESTORE, now).name
        safety = (safety_folder or backup_folder(live)) / safety_name
        if live.exists():
            try:
                inspect_file(live)
            except DatabaseError:
                # the live file is damaged or foreign: keep its bytes as they are, then put
                # a copy of the good backup in its place
                return _replace_damaged(source, live, safety)
            safety = backup_to(live, safety)
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
                str(live),
                t("errors.backup.restore_failed", reason=exc, safety=safety),
            ) from None
    if keep > 0:
        prune(live, keep)
    return safety


def _replace_damaged(source: Path, live: Path, safety: Path) -> Path:
    safety.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode(live)
    with staging(safety, mode) as kept:
        shutil.copyfile(live, kept)
        safety = place(kept, safety, unique=True)
    with staging(live, mode) as staged:
        shutil.copyfile(source, staged)
        for suffix in ("-wal", "-shm"):
            stale = live.with_name(live.name + suffix)
            if stale.exists():
                shutil.copyfile(stale, safety.with_name(safety.name + suffix))
                stale.unlink()
        os.replace(staged, live)
    return safety


# --------------------------------------------------------------------------- doctor
def schema_report(live: Path) -> str:
    """``ok``, or what is wrong with the file's schema and what to run."""
    from kanban_tui.domain.models import SCHEMA_VERSION
    from kanban_tui.storage import schema

    try:
        connection = sqlite3.connect(f"{live.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            # a report for a bug report: in English, like the rest of the doctor's facts
            found = schema.problems(connection, own_only=version < SCHEMA_VERSION, lang="en")
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return f"cannot be read ({exc})"
    if version < 1:
        return f"records schema version {version}, which no seller-kanban wrote — {SCHEMA_HINT}"
    if version < SCHEMA_VERSION and not found:
        return f"ok (version {version}, upgraded when the board opens it)"
    if not found:
        return "ok"
    return f"{'; '.join(found)} — {SCHEMA_HINT}"


def doctor(live: Path | None, extra: dict[str, Any], version: Callable[[], int]) -> dict[str, Any]:
    """Facts for a bug report: integrity, schema, WAL state, paths, sizes and the copies."""
    report: dict[str, Any] = {"database": str(live) if live else ":memory:"}
    if live is None:
        return report | extra
    report["size_bytes"] = live.stat().st_size if live.exists() else None
    wal = live.with_name(live.name + "-wal")
    report["wal_bytes"] = wal.stat().st_size if wal.exists() else 0
    report["backup_dir"] = str(backup_folder(live))
    report["backups"] = {kind: [p.name for p in found] for kind, found in copies(live).items()}
    if not live.exists():
        # nothing to check yet; connecting would create an empty file, which then refuses
        # to open as a database
        report["schema_expected"] = version()
        return report | extra
    if not live.is_file():
        report["integrity"] = "error: not a regular file"
        return report | extra
    try:
        connection = _connect(live)
        try:
            connection.text_factory = lambda value: value.decode("utf-8", "replace")
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
                table: connection.execute(
                    'SELECT count(*) FROM "{}"'.format(table.replace('"', '""'))
                ).fetchone()[0]
                for table in tables
            }
        finally:
            connection.close()
        report["schema"] = schema_report(live)
    except sqlite3.Error as exc:
        report["integrity"] = f"error: {exc}"
    report["schema_expected"] = version()
    return report | extra
