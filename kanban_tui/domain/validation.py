"""Validation of what a user types into a card form or passes to the CLI."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from kanban_tui.domain.models import NAME_MAX, Priority

TITLE_MAX = 200
NOTES_MAX = 10_000
CATEGORY_MAX = 40
ESTIMATE_MAX = 480
#: The years a date the user gives may fall in (``tick --now``, KPI dates, months,
#: windows, goals): plans, periods and reviews are computed well beyond them.
YEARS = (1971, 2199)


#: The largest number a user can enter for a KPI value or target (no shop's figure comes
#: near it; beyond it formatting and sums stop being exact).
NUMBER_MAX = 10**15


def year_in_range(year: int) -> bool:
    return YEARS[0] <= year <= YEARS[1]


def clean_text(value: Any) -> Any:
    """Normalise free text: NUL cannot live in SQLite text, so it becomes the ␀ symbol."""
    if isinstance(value, str):
        return value.replace("\x00", "\u2400")
    return value


def _strip(value: Any) -> Any:
    value = clean_text(value)
    return value.strip() if isinstance(value, str) else value


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


def _estimate(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return 0
        if not value.lstrip("-").isdigit():
            raise ValueError("estimate must be whole minutes")
    return value


Title = Annotated[str, BeforeValidator(_strip), Field(min_length=1, max_length=TITLE_MAX)]
Notes = Annotated[str, BeforeValidator(clean_text), Field(max_length=NOTES_MAX)]
Category = Annotated[str, BeforeValidator(_strip), Field(max_length=CATEGORY_MAX)]
Estimate = Annotated[int, BeforeValidator(_estimate), Field(ge=0, le=ESTIMATE_MAX, strict=False)]
Due = Annotated[date | None, BeforeValidator(_blank_to_none)]
#: A person's name as typed (trimmed); empty means nobody.
Person = Annotated[
    Annotated[str, Field(max_length=NAME_MAX, pattern=r"^[^\x00-\x1f\x7f]+$")] | None,
    BeforeValidator(_blank_to_none),
]


class CardFields(BaseModel):
    """The editable fields of a card, all validated."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    title: Title
    notes: Notes = ""
    category: Category = ""
    estimate_minutes: Estimate = 0
    priority: Priority = Priority.NORMAL
    due: Due = None
    assignee: Person = None


class CardPatch(BaseModel):
    """A partial edit: only the fields given are validated and changed."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    notes: Notes | None = None
    category: Category | None = None
    estimate_minutes: Estimate | None = None
    priority: Priority | None = None
    due: Due = None
    assignee: Person = None


#: A message to show, as its catalog key (``validation.*``) and the values it needs; the
#: caller translates it (the domain knows no language).
Problem = tuple[str, dict[str, Any]]


def field_problems(error: ValidationError) -> dict[str, Problem]:
    """One problem per field (its first), for showing next to the field once translated."""
    problems: dict[str, Problem] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "form"
        problems.setdefault(field, _problem(item))
    return problems


def _problem(item: Any) -> Problem:
    kind = item.get("type", "")
    loc = str(item["loc"][0]) if item["loc"] else ""
    ctx = item.get("ctx") or {}
    if loc == "estimate_minutes":
        return "validation.estimate", {"max": ESTIMATE_MAX}
    if kind in ("string_too_short", "too_short"):
        return "validation.empty", {}
    if kind in ("string_too_long", "too_long"):
        return "validation.too_long", {"max": ctx.get("max_length")}
    if kind.startswith("date"):
        return "validation.date", {}
    if kind == "enum":
        return "validation.choice", {"choices": ", ".join(p.value for p in Priority)}
    return "validation.invalid", {}
