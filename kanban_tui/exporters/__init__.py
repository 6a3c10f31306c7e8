"""Exports: the monthly review as Markdown or JSON, templates as an iCalendar file, cards as
CSV or JSON. Each exporter turns service results into text or bytes; nothing here opens the
database. :func:`write_atomic` puts a result in a file without ever leaving half of it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kanban_tui.errors import KanbanError
from kanban_tui.i18n import t


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, flushed to
    disk and then renamed over the target, so readers see the old file or the new one."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        raise KanbanError(str(target), t("errors.file.cannot_write", reason=exc.strerror)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise KanbanError(str(target), t("errors.file.cannot_write", reason=exc.strerror)) from None
    return target
