"""Validation of recurring templates (pure: no I/O)."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from kanban_tui.domain.models import Column, OnPeriodEnd, Priority
from kanban_tui.domain.recurrence import Rule, RuleKind, marketplace
from kanban_tui.domain.validation import CATEGORY_MAX, ESTIMATE_MAX, TITLE_MAX, Person, clean_text

CHECKLIST_MAX = 30


def _strip(value: Any) -> Any:
    value = clean_text(value)
    return value.strip() if isinstance(value, str) else value


def _at(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        parts = text.split(":")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise ValueError("use a time like 09:00")
        hour, minute = int(parts[0]), int(parts[1])
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError("use a time like 09:00")
        return time(hour, minute)
    return value


def _checklist(value: Any) -> Any:
    if isinstance(value, str):
        value = value.splitlines()
    if isinstance(value, list | tuple):
        return [str(clean_text(item)).strip() for item in value if str(item).strip()]
    return value


def default_on_period_end(rule: Rule) -> OnPeriodEnd:
    """Daily cards expire at the end of their day; weekly and longer carry over."""
    if rule.kind in (RuleKind.DAILY, RuleKind.WEEKDAYS):
        return OnPeriodEnd.EXPIRE
    return OnPeriodEnd.CARRY


class TemplateFields(BaseModel):
    """Everything a user sets on a recurring template."""

    model_config = ConfigDict(extra="forbid")

    title_en: Annotated[str, BeforeValidator(_strip), Field(min_length=1, max_length=TITLE_MAX)]
    title_zh: Annotated[str, BeforeValidator(_strip), Field(max_length=TITLE_MAX)] = ""
    category: Annotated[str, BeforeValidator(_strip), Field(max_length=CATEGORY_MAX)] = ""
    estimate_minutes: Annotated[int, Field(ge=0, le=ESTIMATE_MAX)] = 0
    priority: Priority = Priority.NORMAL
    checklist: Annotated[
        list[str], BeforeValidator(_checklist), Field(max_length=CHECKLIST_MAX)
    ] = []
    column: Column = Column.DAILY
    rule: str = "daily"
    at: Annotated[time, BeforeValidator(_at)] = time(0, 0)
    marketplace: str = "US"
    on_period_end: OnPeriodEnd | None = None
    #: Who the template's cards are for (every generated card takes it); None: nobody.
    assignee: Person = None

    @field_validator("rule")
    @classmethod
    def _rule(cls, value: str) -> str:
        """Canonical; a :class:`RuleError` (a ``ValueError``) for the caller to say."""
        return str(Rule.parse(value))

    @field_validator("marketplace")
    @classmethod
    def _marketplace(cls, value: str) -> str:
        return marketplace(value).code

    @field_validator("column")
    @classmethod
    def _open_column(cls, value: Column) -> Column:
        if not value.is_open:
            raise ValueError("cards of a template go to daily, weekly or monthly")
        return value

    @model_validator(mode="after")
    def _default_end(self) -> TemplateFields:
        if self.on_period_end is None:
            self.on_period_end = default_on_period_end(Rule.parse(self.rule))
        return self

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title_en
