"""Files we write next to the user's data: staged aside, renamed into place, never over a
database, never through a FIFO or a device.

* :func:`check_output` is the one rule every command that writes a file follows: the
  target must not be the open database (or one of its ``-wal``/``-shm`` files), not any
  SQLite database, and not a FIFO, device, socket or folder.
* :func:`staging` gives a temporary file beside the target that holds an ``flock`` while
  it is written. A process killed mid-write leaves it unlocked, so :func:`sweep_stale`
  (run before every new copy) removes it without touching a copy still being written by a
  live process.
* :func:`place` puts a staged file at its final name without ever replacing another file
  (``link`` fails on an existing name), so two copies in the same second cannot collide.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from kanban_tui.errors import DatabaseError, UsageError
from kanban_tui.i18n import t

_SQLITE_MAGIC = b"SQLite format 3\x00"
#: Temporary files carry this marker in their name: ``.NAME.staging-RANDOM``.
STAGING_MARK = ".staging-"
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


def same_file(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def is_sqlite_file(path: Path) -> bool:
    """True if ``path`` starts with the SQLite magic (any program's database)."""
    try:
        with path.open("rb") as handle:
            return handle.read(16) == _SQLITE_MAGIC
    except OSError:
        return False


def check_output(path: Path, protected: Path | None, *, overwrite: bool = True) -> Path:
    """Refuse an output path that would destroy data or block; returns it expanded.

    ``protected`` is the open database: neither it nor its side files may be written.
    With ``overwrite`` false any existing file is refused (copies of the database are
    never written over an older file).
    """
    target = path.expanduser()
    if protected is not None:
        for suffix in ("", *SIDE_SUFFIXES):
            side = protected.with_name(protected.name + suffix)
            if same_file(target, side):
                raise UsageError(str(target), t("errors.file.is_open_database"))
    try:
        info = target.stat()
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise UsageError(str(target), t("errors.file.cannot_check", reason=exc.strerror)) from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(str(target), t("errors.file.is_folder_give_file"))
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(str(target), t("errors.file.not_regular_give_file"))
    if is_sqlite_file(target):
        raise UsageError(str(target), t("errors.file.is_a_database"))
    if not overwrite:
        raise UsageError(str(target), t("errors.file.exists"))
    return target


def check_regular_input(path: Path) -> None:
    """Refuse to read a FIFO, a device or a folder (reading one would hang or never end)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DatabaseError(str(path), t("errors.file.missing")) from None
    except OSError as exc:
        raise DatabaseError(str(path), t("errors.file.cannot_read", reason=exc.strerror)) from None
    if stat.S_ISDIR(info.st_mode):
        raise DatabaseError(str(path), t("errors.file.is_folder"))
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseError(str(path), t("errors.file.not_regular"))


@contextlib.contextmanager
def staging(target: Path, mode: int | None = None) -> Iterator[Path]:
    """A fresh empty temporary file beside ``target``, locked while the caller writes it.

    ``mode`` (e.g. the database's own) is applied before anything is written, so a copy
    of a private database is never readable by others, not even for a moment. The file is
    removed when the block raises; on success the caller has moved it with :func:`place`.
    """
    folder = target.parent
    name = f".{target.name}{STAGING_MARK}{secrets.token_hex(4)}"
    temporary = folder / name
    umask = os.umask(0)
    os.umask(umask)
    create_mode = (0o666 & ~umask) if mode is None else (mode & 0o666)
    descriptor = os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL, create_mode)
    try:
        os.fchmod(descriptor, create_mode)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield temporary
        except BaseException:
            remove_with_sides(temporary)
            raise
    finally:
        os.close(descriptor)


def remove_with_sides(path: Path) -> None:
    for suffix in ("", *SIDE_SUFFIXES):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def place(staged: Path, target: Path, *, unique: bool) -> Path:
    """Move ``staged`` to ``target`` atomically.

    With ``unique`` an existing ``target`` is never replaced: the copy gets the next free
    name (``NAME-2.db``, ``NAME-3.db``…) instead, so two copies in one second both survive.
    """
    if not unique:
        os.replace(staged, target)
        return target
    candidate, number = target, 1
    while True:
        try:
            os.link(staged, candidate)
        except FileExistsError:
            number += 1
            candidate = target.with_name(f"{target.stem}-{number}{target.suffix}")
            continue
        staged.unlink()
        return candidate


def sweep_stale(folder: Path, *, legacy: bool = False) -> list[Path]:
    """Remove temporary files left by killed processes (their lock is free); with
    ``legacy`` (our own backup folder) also the ``NAME.db.partial`` of older versions."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for candidate in folder.glob(f".*{STAGING_MARK}*"):
        if any(candidate.name.endswith(suffix) for suffix in SIDE_SUFFIXES):
            continue
        try:
            descriptor = os.open(candidate, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live process is writing it
            remove_with_sides(candidate)
            removed.append(candidate)
        finally:
            os.close(descriptor)
    # old versions named a backup in progress NAME.partial
    for leftover in folder.glob("*.db.partial") if legacy else ():
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed
