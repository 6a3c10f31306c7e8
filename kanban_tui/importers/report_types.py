"""The vocabulary of report imports: kinds, time units, the error and the result."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kanban_tui.domain.kpi import Observation
from kanban_tui.importers.parsing import (
    ParseError,
)

ReportKind = Literal["business", "ads", "asin"]
Granularity = Literal["day", "month", "summary"]
TimeUnit = Literal["auto", "daily", "summary", "monthly"]
AdType = Literal["sp", "sb", "sd"]

_TOTAL_LABELS = frozenset({"total", "totals", "grand total", "合计", "总计", "合計", "総計"})
_BLANK_VALUES = frozenset({"", "-", "--", "—", "–", "n/a", "na", "null", "none"})
_HEADER_SEARCH_ROWS = 10


class ReportError(ParseError):
    """A report file cannot be imported; ``str(error)`` tells the user where and why."""


class Skipped(BaseModel):
    """Rows left out of an import, with the reason (e.g. a span that straddles two months)."""

    model_config = ConfigDict(frozen=True)

    rows: tuple[int, ...]
    start: date
    end: date
    reason: str


class ImportResult(BaseModel):
    """What a report holds, as observations ready to store.

    ``observations``: one per period × scope × source × metric (``scope`` ``store`` or an
    ASIN; money metrics carry ``currency``). ``rows_read``: data rows used (header, blank and
    totals rows excluded). ``days``: the first days of the periods, sorted. ``granularity``:
    ``day``, ``month`` (a Monthly report: each period a whole month) or ``summary`` (spans).
    ``periods``: the distinct (first, last) day spans. ``columns``: which header fed each
    metric. ``missing``: metrics this kind of report can give but the file has no column
    for, with the headers looked for. ``sources``: the source keys written (``ads_sp`` …).
    ``asins``: the ASINs with per-ASIN observations. ``skipped``: rows left out and why.
    """

    model_config = ConfigDict(frozen=True)

    kind: ReportKind
    observations: list[Observation]
    rows_read: int
    days: list[date]
    currency: str | None
    granularity: Granularity = "day"
    encoding: str = "utf-8"
    delimiter: str = ","
    columns: dict[str, str] = Field(default_factory=dict)
    periods: list[tuple[date, date]] = Field(default_factory=list)
    missing: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    sources: list[str] = Field(default_factory=list)
    asins: list[str] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
    file_format: Literal["csv", "xlsx"] = "csv"
    sheet: str | None = None
    #: An ads file read as daily whose rows all carry this one date (see the CLI's note).
    one_date: date | None = None
