"""User-facing errors.

Every error a user can cause carries a short title and a one-line message. The CLI prints
``title: message`` on stderr and exits with :attr:`exit_code`; the UI shows the same pair in
its error modal. A traceback is never the way a user learns what went wrong.
"""

from __future__ import annotations


class KanbanError(Exception):
    """An error the user can understand and act on."""

    #: Exit code used by the CLI: 1 for a refused action, 2 for bad usage.
    exit_code: int = 1

    def __init__(self, title: str, message: str = "") -> None:
        super().__init__(f"{title}: {message}" if message else title)
        self.title = title
        self.message = message


class UsageError(KanbanError):
    """Bad arguments or bad input (exit code 2)."""

    exit_code = 2


class NotFoundError(KanbanError):
    """A card, template or file that does not exist."""


class DatabaseError(KanbanError):
    """The database cannot be opened or written safely."""


class MovedElsewhere(KanbanError):
    """Someone else moved the card between the time it was shown and the move (issue 12):
    the move is refused and the board shows the card where it really is."""


class ConfigError(KanbanError):
    """The configuration file is invalid."""

    exit_code = 2


class ValidationFailed(KanbanError):
    """Form or CLI values rejected by validation; ``errors`` maps field name to message."""

    exit_code = 2

    def __init__(self, title: str, errors: dict[str, str]) -> None:
        message = "; ".join(f"{field_label(field)}: {text}" for field, text in errors.items())
        super().__init__(title, message)
        self.errors = errors


def field_label(field: str) -> str:
    """A form field as the user knows it, in the UI language (``estimate_minutes`` →
    "estimate" / "预计用时"); a field without a name in the catalogs stays as it is."""
    from kanban_tui.i18n import has, t

    key = f"field.{field}"
    return t(key) if has(key) else field
