"""Time units of report rows: daily, monthly or a Summary's span (``--time-unit``,
``--from``/``--to``), and the date-order check."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from kanban_tui.i18n import t
from kanban_tui.importers.layouts import _Layout
from kanban_tui.importers.parsing import (
    DateOrder,
    DecimalMark,
    ParseError,
    parse_date,
)
from kanban_tui.importers.report_types import AdType, Granularity, ReportError, TimeUnit


@dataclass(frozen=True)
class _Options:
    """What the caller says about a file that the file cannot say itself."""

    time_unit: TimeUnit = "auto"
    #: The span the file was downloaded for (files without dates; a campaign Summary).
    period: tuple[date, date] | None = None
    ad_type: AdType | None = None
    #: XLSX cells hold plain numbers: the decimal mark is a point.
    decimal: DecimalMark = None
    #: The last day a figure can be for (today); a row dated later is refused.
    latest: date | None = None


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _consecutive(days: list[date]) -> bool:
    ordered = sorted(days)
    return all((later - earlier).days == 1 for earlier, later in pairwise(ordered))


class _TimeUnits:
    """What a report's dates mean: a day, the 1st of a month or a Summary's first day; and
    the M/D vs D/M check. The base of the reader, with the cell helpers both use."""

    layout: _Layout
    options: _Options
    date_order: DateOrder
    date_format: str | None
    one_date: date | None

    def _cell(self, record: Sequence[str], name: str) -> str:
        position = self.layout.columns.get(name)
        if position is None or position >= len(record):
            return ""
        return record[position]

    def _header(self, name: str) -> str:
        return self.layout.headers[self.layout.columns[name]]

    def _error(self, row: int, name: str, value: str, reason: str) -> ReportError:
        return ReportError(
            t("errors.import.in_cell", row=row, column=self._header(name), value=value, why=reason)
        )

    def _apply_time_unit(
        self, periods: list[tuple[int, list[str], date, date, Granularity]], date_name: str | None
    ) -> tuple[list[tuple[int, list[str], date, date, Granularity]], Granularity]:
        """Settle what a ``Date`` column means: a day, the 1st of a month, or a Summary's
        first day (whose end only the caller knows)."""
        unit = self.options.time_unit
        found = {item[4] for item in periods}
        if self.options.period is not None and date_name is not None:
            given = self.options.period
            if date_name != "date" or len({item[2] for item in periods}) > 1:
                raise ReportError(
                    t(
                        "errors.import.dated_rows",
                        column=self._header(date_name),
                        start=given[0],
                        end=given[1],
                    )
                )
        if date_name != "date":
            if unit == "monthly" or (unit == "daily" and found != {"day"}):
                what = (
                    t("errors.import.own_periods", column=self._header(date_name))
                    if date_name
                    else t("errors.import.no_dates")
                )
                raise ReportError(t("errors.import.time_unit_moot", what=what, unit=unit))
            granularity: Granularity = "day" if found == {"day"} else "summary"
            return periods, granularity
        if len(found) > 1:
            row, record = next((item[0], item[1]) for item in periods if item[4] == "month")
            raise self._error(
                row, "date", self._cell(record, "date"), t("errors.import.months_and_days")
            )
        starts = sorted({item[2] for item in periods})
        if found == {"month"}:
            unit = "monthly"
        if unit == "auto":
            unit = "monthly" if self._looks_monthly(starts) else "daily"
            if len(starts) == 1 and self.options.period is not None:
                unit = "summary"
            elif len(starts) == 1 and self.layout.spec.kind == "ads":
                self.one_date = starts[0]
        if unit == "daily":
            return periods, "day"
        if unit == "monthly":
            not_first = next((item for item in periods if item[2].day != 1), None)
            if not_first is not None:
                raise self._error(
                    not_first[0],
                    "date",
                    self._cell(not_first[1], "date"),
                    t("errors.import.monthly_not_first"),
                )
            return [
                (row, record, start, _month_end(start), "month")
                for row, record, start, _, _ in periods
            ], "month"
        # summary: every row carries the range's first day; its end comes from the caller
        if len(starts) > 1:
            raise ReportError(
                t(
                    "errors.import.summary_dates",
                    count=len(starts),
                    first=starts[0],
                    last=starts[-1],
                )
            )
        if self.options.period is None:
            raise ReportError(t("errors.import.summary_no_range"))
        start, end = self.options.period
        if start != starts[0]:
            raise ReportError(t("errors.import.summary_start", file=starts[0], given=start))
        return [(row, record, start, end, "summary") for row, record, _, _, _ in periods], (
            "summary"
        )

    def _check_date_order(
        self, data: list[tuple[int, list[str]]], date_name: str, days: list[date]
    ) -> None:
        """Refuse M/D vs D/M mix-ups: dates that jump, but are consecutive when swapped."""
        if self.date_format is not None or self.date_order == "YMD" or _consecutive(days):
            return
        swapped: DateOrder = "DMY" if self.date_order == "MDY" else "MDY"
        cells = {self._cell(record, date_name): row for row, record in data}
        try:
            swapped_days = {parse_date(cell, swapped) for cell in cells}
        except ParseError:
            return
        if not _consecutive(list(swapped_days)):
            return
        ordered = sorted(days)
        cell, row = next(iter(cells.items()))
        raise self._error(
            row,
            date_name,
            cell,
            t(
                "errors.import.date_order_swapped",
                order=t(f"errors.import.order_{self.date_order}"),
                first=ordered[0],
                last=ordered[-1],
                other=t(f"errors.import.order_{swapped}"),
                swapped=swapped,
            ),
        )

    def _looks_monthly(self, starts: list[date]) -> bool:
        """A Monthly report: every date on the 1st, and (for the by-Month business report)
        no traffic columns, or (for ads) more than one month and no two consecutive days."""
        if not all(day.day == 1 for day in starts):
            return False
        if self.layout.spec.kind == "business":
            return not ({"sessions", "page_views"} & self.layout.columns.keys())
        return len(starts) > 1 and not _consecutive(starts)
