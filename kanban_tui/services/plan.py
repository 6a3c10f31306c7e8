"""The default operating plan shipped in ``data/plan.<lang>.toml``."""

from __future__ import annotations

import tomllib
from datetime import time
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from kanban_tui import locations
from kanban_tui.domain.models import Column, Priority


class PlanTask(BaseModel):
    """One recurring task of the default plan, in one language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    cadence: str
    column: Column
    rule: str
    at: time
    title: str = Field(min_length=1)
    category: str
    estimate: int = Field(ge=0, le=480)
    priority: Priority = Priority.NORMAL
    #: The KPIs the task serves (keys of ``data/kpis.toml``); the review judges whether the
    #: task works on them. Empty: judged by completion only.
    kpis: tuple[str, ...] = ()
    #: Set by the caller (the user's default marketplace); the files do not carry it.
    marketplace: str | None = None


@cache
def default_plan(lang: str) -> tuple[PlanTask, ...]:
    path = locations.shipped_file(f"plan.{lang}.toml")
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    return tuple(PlanTask.model_validate(task) for task in raw["task"])
