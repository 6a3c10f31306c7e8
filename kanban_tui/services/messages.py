"""Domain problems in the reader's language: the domain names a problem by catalog key and
values (it knows no language); services and screens translate it here."""

from __future__ import annotations

from pydantic import ValidationError

from kanban_tui.domain.rrule_check import RuleError
from kanban_tui.domain.validation import field_problems
from kanban_tui.i18n import t


def field_errors(error: ValidationError) -> dict[str, str]:
    """One plain message per field, in the active language, for showing next to the field.

    A field refused with a :class:`RuleError` (a template's rule, a marketplace code) says
    the rule's own problem, with a caret under the place it went wrong."""
    errors = {field: t(key, **values) for field, (key, values) in field_problems(error).items()}
    for item in error.errors():
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, RuleError) and item["loc"]:
            errors[str(item["loc"][0])] = rule_error_text(str(item.get("input", "")), cause)
    return errors


def rule_message(error: RuleError) -> str:
    """A refused rule or marketplace in one line: what, where in the text, and a hint."""
    message = t(f"rule_error.{error.problem}", **error.values)
    if error.position is not None:
        message = t("rule_error.at", problem=message, position=error.position)
    if error.hint:
        hint = t(f"rule_hint.{error.hint}", **error.values)
        message = t("rule_error.with_hint", message=message, hint=hint)
    return message


def rule_error_text(text: str, error: RuleError) -> str:
    """:func:`rule_message`, then the rule with a caret under the place it went wrong."""
    message = rule_message(error)
    if error.position is None:
        return message
    return f"{message}\n  {text}\n  {' ' * error.position}^"
