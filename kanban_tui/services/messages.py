"""Domain problems in the reader's language: the domain names a problem by catalog key and
values (it knows no language); services and screens translate it here."""

from __future__ import annotations

from pydantic import ValidationError

from kanban_tui.domain.validation import field_problems
from kanban_tui.i18n import t


def field_errors(error: ValidationError) -> dict[str, str]:
    """One plain message per field, in the active language, for showing next to the field."""
    return {field: t(key, **values) for field, (key, values) in field_problems(error).items()}
