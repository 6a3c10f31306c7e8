"""Reading a report's cells: numbers per column (the fast path for the console's own number
forms, then the general parsers), the currency a file shows, the decimal mark it uses, and
the text columns (currency, country) that must agree across rows.

:class:`_Cells` is the base of :class:`~kanban_tui.importers.reports._Reader` for these;
:func:`fast_number` is re-exported by :mod:`kanban_tui.importers.reports`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from kanban_tui.i18n import t
from kanban_tui.importers.layouts import _PLAIN_DECIMAL, _Field
from kanban_tui.importers.parsing import (
    ISO_CURRENCIES,
    DecimalMark,
    ParseError,
    parse_count,
    parse_money,
)
from kanban_tui.importers.periods import _TimeUnits
from kanban_tui.importers.read import _evidence
from kanban_tui.importers.report_types import _BLANK_VALUES, ReportError


@dataclass
class _Seen:
    value: str
    row: int
    column: str

    def place(self, prefix: str = "") -> dict[str, object]:
        """The row, column and value, as a message's ``{row}``, ``{column}``, ``{value}``
        (each name after ``prefix``)."""
        return {
            f"{prefix}row": self.row,
            f"{prefix}column": self.column,
            f"{prefix}value": self.value,
        }


#: The console's own number forms with a decimal point: ``12,000`` (a count) and
#: ``$1,234.56`` / ``1,234.56`` (an amount). Read here without the general parsers, which
#: give the same values (a property test holds them to it); anything else goes there.
_GROUPED_COUNT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_POINT_MONEY = re.compile(r"(\$?)([0-9]{1,3}(?:,[0-9]{3})*|[0-9]+)(\.[0-9]+)?")


def fast_number(cell: str, count: bool, dollar: str) -> tuple[Decimal, str | None] | None:
    """``cell`` read as :func:`parse_count` / :func:`parse_money` read it with a decimal
    point, for the common forms only (None: not one of them, use the parsers)."""
    if count:
        if _GROUPED_COUNT.fullmatch(cell):
            return Decimal(int(cell.replace(",", ""))), None
        return None
    match = _POINT_MONEY.fullmatch(cell)
    if match is None:
        return None
    symbol, whole, fraction = match.groups()
    value = Decimal(whole.replace(",", "") + (fraction or ""))
    return value, (dollar if symbol else None)


_UNSEEN = object()


class _Cells(_TimeUnits):
    """The reader's cells: numbers read once per distinct cell and column, the file's
    currency and decimal mark, the currency and country columns."""

    delimiter: str
    dollar: str
    currency: tuple[str, _Seen] | None
    country: _Seen | None
    decimal: DecimalMark
    metric_fields: list[_Field]
    _numbers: dict[str, dict[str, tuple[Decimal | None, str | None]]]

    def _see_currency(self, code: str, seen: _Seen) -> None:
        if self.currency is None:
            self.currency = (code, seen)
            return
        first_code, first = self.currency
        if code != first_code:
            raise ReportError(
                t(
                    "errors.import.two_currency_codes",
                    **seen.place(),
                    **first.place("first_"),
                    code=code,
                    first_code=first_code,
                )
            )

    def _detect_decimal(self, data: Iterable[tuple[int, list[str]]]) -> None:
        if self.decimal is not None:
            return
        first: dict[Literal[".", ","], _Seen] = {}
        evidence: dict[str, object] = {}  # each distinct cell looked at once
        for row, record in data:
            for field in self.metric_fields:
                cell = self._cell(record, field.name)
                mark = evidence.get(cell, _UNSEEN)
                if mark is _UNSEEN:
                    mark = evidence[cell] = _evidence(cell)
                if mark is not None and mark not in first:
                    first[mark] = _Seen(cell, row, self._header(field.name))  # type: ignore[index]
            if len(first) == 2:
                break  # both marks seen: the first of each is known
        if len(first) == 2:
            comma, dot = first[","], first["."]
            raise ReportError(
                t("errors.import.two_decimal_marks", **comma.place(), **dot.place("dot_"))
            )
        self.decimal = next(iter(first), None)
        if self.decimal is None and self.delimiter == ";":
            self.decimal = ","

    def _number(self, record: Sequence[str], field: _Field, row: int) -> Decimal | None:
        position = self.layout.columns[field.name]  # a data row is as wide as the header
        cell = record[position] if position < len(record) else ""
        memo = self._numbers[field.name]
        found = memo.get(cell)
        if found is None:
            found = memo[cell] = self._read_number(cell, field, row)
        value, code = found
        if code is not None and (self.currency is None or self.currency[0] != code):
            self._see_currency(code, _Seen(cell, row, self._header(field.name)))
        return value

    def _read_number(self, cell: str, field: _Field, row: int) -> tuple[Decimal | None, str | None]:
        """The cell's value and the currency it shows (raises naming ``row``)."""
        if self.decimal == ".":
            if _PLAIN_DECIMAL.fullmatch(cell):
                # the common case, and every XLSX number: no symbol, no grouping
                value = Decimal(cell)
                if field.value != "count":
                    return value, None
                if value == value.to_integral_value() and value >= 0:
                    return value, None
            fast = fast_number(cell, field.value == "count", self.dollar)
            if fast is not None:
                return fast
        if cell.strip().casefold() in _BLANK_VALUES:
            return None, None
        try:
            if field.value == "count":
                return Decimal(parse_count(cell, decimal=self.decimal)), None
            return parse_money(cell, decimal=self.decimal, dollar=self.dollar)
        except ParseError as error:
            raise self._error(row, field.name, cell, str(error)) from None

    def _check_text_columns(self, record: Sequence[str], row: int) -> None:
        if "currency" in self.layout.columns:
            cell = self._cell(record, "currency").strip()
            if cell:
                code = cell.upper()
                if code not in ISO_CURRENCIES:
                    raise self._error(row, "currency", cell, t("errors.import.not_currency_code"))
                if self.currency is None or self.currency[0] != code:
                    self._see_currency(code, _Seen(cell, row, self._header("currency")))
        if "country" in self.layout.columns:
            cell = self._cell(record, "country").strip()
            if cell and self.country is None:
                self.country = _Seen(cell, row, self._header("country"))
            elif cell and self.country is not None and cell != self.country.value:
                raise self._error(
                    row,
                    "country",
                    cell,
                    t(
                        "errors.import.two_countries",
                        row=self.country.row,
                        value=self.country.value,
                    ),
                )
