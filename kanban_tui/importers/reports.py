"""Read Seller Central and Advertising console CSV downloads into daily KPI observations.

Two kinds of report are understood (see ``REPORT_FORMATS.md`` for the layouts):

* ``business``: Business Reports › Sales and Traffic by Date (English or Chinese headers,
  old Chinese variants, or the by-Month variant). Gives ``sales``, ``units``,
  ``order_items``, ``sessions`` and ``page_views`` per day. B2B twins are ignored.
* ``ads``: Sponsored Products (and Brands / Display) reports with a daily ``Date`` or a
  ``Start Date``/``End Date`` pair covering one day, 7- or 14-day attribution, the newer
  console's ``Total cost``/``Purchases``/``Sales`` columns, English or Chinese headers. Rows
  (campaigns, ad groups, products, search terms) are summed per day into ``ad_spend``,
  ``ad_sales``, ``ad_orders``, ``ad_units``, ``clicks`` and ``impressions``.

Headers are matched loosely (Unicode NFKC, case, ``-``/``–``, spacing, a trailing currency
such as ``(₹)``). Text encodings: UTF-8 with or without BOM, UTF-16 (Excel "Unicode text"),
otherwise Windows-1252, Shift_JIS (cp932) or GB18030, whichever yields known headers.
Separators ``,``, ``;`` or tab. The decimal mark is taken from the file's own numbers
(``1.234,56`` vs ``1,234.56``); with ``;`` separators and no evidence it is ``,``.

Every problem raises :class:`ReportError` whose message names the row (the header row is
row 1), the column and the value. Blank cells (``""``, ``-``, ``--``, ``N/A``) count as "no
value": they add nothing, and a day with no value in a column gets no observation for it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kanban_tui.domain.kpi import MONEY_METRICS, Observation
from kanban_tui.importers.parsing import (
    CURRENCY_SYMBOLS,
    ISO_CURRENCIES,
    DateOrder,
    DecimalMark,
    ParseError,
    parse_count,
    parse_date,
    parse_money,
    parse_month,
)

ReportKind = Literal["business", "ads"]
Granularity = Literal["day", "month"]

#: The currency each marketplace's reports are in (``UK`` and ``GB`` both work).
MARKETPLACE_CURRENCIES: dict[str, str] = {
    "US": "USD",
    "CA": "CAD",
    "MX": "MXN",
    "BR": "BRL",
    "UK": "GBP",
    "GB": "GBP",
    "DE": "EUR",
    "FR": "EUR",
    "IT": "EUR",
    "ES": "EUR",
    "NL": "EUR",
    "BE": "EUR",
    "IE": "EUR",
    "SE": "SEK",
    "PL": "PLN",
    "TR": "TRY",
    "JP": "JPY",
    "IN": "INR",
    "AU": "AUD",
    "SG": "SGD",
    "AE": "AED",
    "SA": "SAR",
    "EG": "EGP",
}

_DOLLAR_CURRENCIES = frozenset({"USD", "CAD", "MXN", "AUD", "SGD", "NZD"})
_TOTAL_LABELS = frozenset({"total", "totals", "grand total", "合计", "总计", "合計", "総計"})
_BLANK_VALUES = frozenset({"", "-", "--", "—", "–", "n/a", "na", "null", "none"})
_HEADER_SEARCH_ROWS = 10


class ReportError(ParseError):
    """A report file cannot be imported; ``str(error)`` tells the user where and why."""


class ImportResult(BaseModel):
    """What a report holds, as observations ready to store.

    ``observations``: one per day × metric (``source`` = ``kind``, ``scope`` = ``store``;
    money metrics carry ``currency``). ``rows_read``: data rows used (header, blank and
    totals rows excluded). ``days``: the days covered, sorted. ``granularity``: ``month`` for
    the by-Month business report, whose totals are dated on the 1st of each month and must
    not be mixed with daily figures. ``columns``: which header fed each metric.
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


# --------------------------------------------------------------------------------------
# Known layouts
# --------------------------------------------------------------------------------------

ValueType = Literal["money", "count", "date", "text"]


@dataclass(frozen=True)
class _Field:
    name: str  # a base metric, or date / start_date / end_date / currency / country
    value: ValueType
    aliases: tuple[str, ...]  # in order of preference


@dataclass(frozen=True)
class _Spec:
    kind: ReportKind
    title: str
    fields: tuple[_Field, ...]
    needs: str  # what must be present, for messages
    required_metrics: frozenset[str]  # metric fields named in ``needs``

    def aliases(self, name: str) -> tuple[str, ...]:
        return next(field.aliases for field in self.fields if field.name == name)


_BUSINESS = _Spec(
    kind="business",
    title="Business Report › Sales and Traffic by Date (业务报告 › 按日期的销售量与访问量)",
    needs="Date / 日期 and Ordered Product Sales / 已订购商品销售额",
    required_metrics=frozenset({"sales"}),
    fields=(
        _Field("date", "date", ("Date", "日期")),
        _Field("sales", "money", ("Ordered Product Sales", "已订购商品销售额")),
        _Field("units", "count", ("Units Ordered", "已订购商品数量")),
        _Field("order_items", "count", ("Total Order Items", "订单商品总数")),
        _Field("sessions", "count", ("Sessions - Total", "会话数 - 总计", "买家访问次数")),
        _Field("page_views", "count", ("Page Views - Total", "页面浏览量 - 总计", "页面浏览次数")),
    ),
)

_ADS = _Spec(
    kind="ads",
    title="Advertising › Sponsored Products / Brands report, time unit Daily (广告报告,按天)",
    needs=(
        "Date / 日期 (or Start Date + End Date / 开始日期 + 结束日期) and Spend / Total cost / 花费"
    ),
    required_metrics=frozenset({"ad_spend"}),
    fields=(
        _Field("date", "date", ("Date", "日期")),
        _Field("start_date", "date", ("Start Date", "开始日期")),
        _Field("end_date", "date", ("End Date", "结束日期")),
        _Field("ad_spend", "money", ("Spend", "Total cost", "Cost", "花费", "总成本")),
        _Field(
            "ad_sales",
            "money",
            ("7 Day Total Sales", "14 Day Total Sales", "Sales", "7天总销售额", "14天总销售额"),
        ),
        _Field(
            "ad_orders",
            "count",
            (
                "7 Day Total Orders (#)",
                "14 Day Total Orders (#)",
                "Purchases",
                "Orders",
                "7天总订单数(#)",
                "14天总订单数(#)",
            ),
        ),
        _Field(
            "ad_units",
            "count",
            (
                "7 Day Total Units (#)",
                "14 Day Total Units (#)",
                "Units sold",
                "7天总销售量(#)",
                "14天总销售量(#)",
            ),
        ),
        _Field("clicks", "count", ("Clicks", "点击量")),
        _Field("impressions", "count", ("Impressions", "展示量")),
        _Field("currency", "text", ("Currency", "货币")),
        _Field("country", "text", ("Country", "国家/地区")),
    ),
)

_SPECS = {"business": _BUSINESS, "ads": _ADS}
_ASIN_REPORT_HEADERS = frozenset({"(parent) asin", "(child) asin", "(父)asin", "(子)asin"})
_CAMPAIGN_TABLE_HEADERS = frozenset({"state", "campaign name", "status"})
_NON_METRIC_FIELDS = frozenset({"date", "start_date", "end_date", "currency", "country"})

_DASHES = str.maketrans({char: "-" for char in "\u2010\u2011\u2012\u2013\u2014\u2212"})
_HEADER_CURRENCY = re.compile(r"(?P<name>.*\S)\s*\((?P<currency>[^()\w\s#]{1,3}|[a-z]{3})\)")


def _normalize_header(text: str) -> str:
    """``"  Sessions – Total "`` → ``"sessions - total"``; ``"（父）ASIN"`` → ``"(父)asin"``."""
    header = unicodedata.normalize("NFKC", text).replace("\ufeff", "").translate(_DASHES)
    header = header.casefold()
    header = re.sub(r"\s*-\s*", " - ", header)
    header = re.sub(r"\s*\(\s*", " (", header)
    header = re.sub(r"\s*\)", ")", header)
    return re.sub(r"\s+", " ", header).strip()


def _header_currency(header: str, dollar: str) -> tuple[str, str | None]:
    """Split a trailing currency off a normalised header: ``7 day total sales (₹)``."""
    match = _HEADER_CURRENCY.fullmatch(header)
    if match is None:
        return header, None
    mark = match["currency"]
    if mark == "$":
        return match["name"], dollar
    for symbol, code in CURRENCY_SYMBOLS.items():
        if symbol.casefold() == mark:
            return match["name"], code
    if mark.upper() in ISO_CURRENCIES:
        return match["name"], mark.upper()
    return header, None


@dataclass(frozen=True)
class _Layout:
    spec: _Spec
    header_row: int  # 0-based index into the records
    columns: dict[str, int]  # field name → column position
    headers: list[str]  # the header cells as shown to the user
    header_currency: str | None


def _match_layout(
    spec: _Spec, cells: Sequence[str], header_row: int, dollar: str
) -> _Layout | None:
    positions: dict[str, int] = {}
    currency: str | None = None
    currencies: dict[int, str | None] = {}
    for position, cell in enumerate(cells):
        name, cell_currency = _header_currency(_normalize_header(cell), dollar)
        positions.setdefault(name, position)
        currencies[position] = cell_currency
    columns: dict[str, int] = {}
    for field in spec.fields:
        for alias in field.aliases:
            found = positions.get(_normalize_header(alias))
            if found is not None:
                columns[field.name] = found
                if field.value == "money" and currencies[found]:
                    currency = currencies[found]
                break
    if spec.kind == "business":
        complete = {"date", "sales"} <= columns.keys()
    else:
        # The Campaign Manager table export has State/Status and the campaigns' own Start
        # and End dates, which are not the period of the numbers: it has no usable dates.
        campaign_table = positions.keys() >= _CAMPAIGN_TABLE_HEADERS
        has_dates = "date" in columns or (
            {"start_date", "end_date"} <= columns.keys() and not campaign_table
        )
        complete = has_dates and "ad_spend" in columns
    if not complete:
        return None
    headers = [cell.replace("\ufeff", "").strip() for cell in cells]
    return _Layout(spec, header_row, columns, headers, currency)


def _expected_headers(specs: Iterable[_Spec]) -> str:
    lines = []
    for spec in specs:
        optional = [
            " / ".join(field.aliases)
            for field in spec.fields
            if field.name not in _NON_METRIC_FIELDS | spec.required_metrics
        ]
        lines.append(f"• {spec.title}: needs {spec.needs}; also reads {'; '.join(optional)}")
    return "\n".join(lines)


def _unknown_file(cells: Sequence[str], specs: Sequence[_Spec]) -> ReportError:
    shown = ", ".join(f'"{cell.strip()}"' for cell in cells[:12] if cell.strip())
    if len(cells) > 12:
        shown += ", …"
    normalized = {_normalize_header(cell) for cell in cells}
    if normalized & _ASIN_REPORT_HEADERS:
        return ReportError(
            "This is the Detail Page Sales and Traffic by (Parent/Child) Item report. It has no "
            "dates, so its numbers cannot be put on days. Download Business Reports › Sales and "
            "Traffic by Date instead."
        )
    spend = {_normalize_header(alias) for alias in _ADS.aliases("ad_spend")}
    ad_columns = {
        _normalize_header(alias)
        for name in ("clicks", "impressions")
        for alias in _ADS.aliases(name)
    } | {"campaign name", "广告活动名称"}
    is_ads = bool(normalized & spend and normalized & ad_columns)
    if is_ads and "ads" in {spec.kind for spec in specs}:
        return ReportError(
            "This advertising file has no Date column (for example the Campaign Manager "
            "table export), so its numbers cannot be put on days. In the Advertising console "
            "open Reports, create a Sponsored Products report (Advertised product, Campaign or "
            'Search term) with Time unit "Daily", and import that.'
        )
    return ReportError(
        "This file is not a report that can be imported. "
        f"Its header row has: {shown or '(nothing)'}.\n"
        f"Expected one of:\n{_expected_headers(specs)}"
    )


# --------------------------------------------------------------------------------------
# Bytes → rows
# --------------------------------------------------------------------------------------


def _decodings(raw: bytes, marketplace: str) -> list[tuple[str, str]]:
    """Candidate (encoding, text) pairs, most likely first."""
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, encoding in boms:
        if raw.startswith(bom):
            try:
                return [(encoding, raw.decode(encoding))]
            except UnicodeDecodeError as error:
                raise ReportError(
                    f"The file says it is {encoding.upper()} text but byte {error.start} is "
                    "not valid. Download the report again."
                ) from None
    sample = raw[:1000]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        encoding = "utf-16-le" if sample[1] == 0 else "utf-16-be"
        try:
            return [(encoding, raw.decode(encoding))]
        except UnicodeDecodeError:
            raise ReportError("The file looks like UTF-16 text but cannot be read.") from None
    with suppress(UnicodeDecodeError):  # not UTF-8: try the legacy code pages below
        return [("utf-8", raw.decode("utf-8"))]
    order = (
        ("cp932", "cp1252", "gb18030") if marketplace == "JP" else ("cp1252", "cp932", "gb18030")
    )
    candidates = []
    for encoding in order:
        try:
            candidates.append((encoding, raw.decode(encoding)))
        except UnicodeDecodeError:
            continue
    if not candidates:
        raise ReportError(
            "The file's text encoding is not recognised (tried UTF-8, UTF-16, Windows-1252, "
            "Shift_JIS and GB18030). Save it as CSV UTF-8 and try again."
        )
    return candidates


def _sniff_delimiter(text: str) -> str:
    """The separator that splits the first non-blank line into the most cells."""
    first_line = next((line for line in io.StringIO(text) if line.strip()), "")
    best, best_cells = ",", 0
    for delimiter in (",", ";", "\t"):
        try:
            cells = len(next(csv.reader([first_line], delimiter=delimiter), []))
        except csv.Error:  # a stray CR inside the line: the full read says where
            continue
        if cells > best_cells:
            best, best_cells = delimiter, cells
    return best


def _read_records(text: str, delimiter: str) -> list[list[str]]:
    """The file's rows. Cells are shared between rows when they repeat (campaign names,
    currencies, countries, 0.00…), which keeps a report of a few hundred thousand rows
    to a fraction of the memory of one string per cell."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    seen: dict[str, str] = {}
    share = seen.setdefault
    try:
        for record in reader:
            records.append([share(cell, cell) for cell in record])
    except csv.Error as error:
        raise ReportError(
            f"Row {len(records) + 1}: the file is not valid CSV there ({error})."
        ) from None
    return records


def _is_blank(record: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in record)


def _evidence(cell: str) -> DecimalMark:
    """The decimal mark a number cell proves, if it proves one (``1.234,56`` → ``,``)."""
    match = re.search(r"\d(?:[\d.,]*\d)?", cell)
    if match is None:
        return None
    number = match.group()
    if "," in number and "." in number:
        return "," if number.rfind(",") > number.rfind(".") else "."
    pairs: tuple[tuple[Literal[",", "."], Literal[",", "."]], ...] = ((",", "."), (".", ","))
    for mark, other in pairs:
        if mark in number:
            if number.count(mark) > 1:
                return other  # 1,234,567: the mark groups, so the other one is decimal
            if len(number) - number.index(mark) - 1 != 3:
                return mark  # 12,50 / 0.5
    return None


# --------------------------------------------------------------------------------------
# Rows → observations
# --------------------------------------------------------------------------------------


@dataclass
class _Seen:
    value: str
    row: int
    column: str


class _Reader:
    """Walks the data rows of one file with a known layout."""

    def __init__(
        self,
        layout: _Layout,
        records: list[list[str]],
        *,
        marketplace: str,
        date_order: DateOrder,
        date_format: str | None,
        delimiter: str,
        encoding: str,
    ) -> None:
        self.layout = layout
        self.records = records
        self.marketplace = marketplace
        self.date_order = date_order
        self.date_format = date_format
        self.delimiter = delimiter
        self.encoding = encoding
        expected = MARKETPLACE_CURRENCIES.get(marketplace)
        self.dollar = expected if expected in _DOLLAR_CURRENCIES else "USD"
        self.currency: tuple[str, _Seen] | None = None
        self.country: _Seen | None = None
        self.decimal: DecimalMark = None
        self.metric_fields = [
            field
            for field in layout.spec.fields
            if field.name in layout.columns and field.name not in _NON_METRIC_FIELDS
        ]
        if layout.header_currency is not None:
            header = next(
                layout.headers[layout.columns[field.name]]
                for field in self.metric_fields
                if field.value == "money"
            )
            self._see_currency(layout.header_currency, _Seen(header, 1 + layout.header_row, header))

    # -- helpers ------------------------------------------------------------------------

    def _cell(self, record: Sequence[str], name: str) -> str:
        position = self.layout.columns.get(name)
        if position is None or position >= len(record):
            return ""
        return record[position]

    def _header(self, name: str) -> str:
        return self.layout.headers[self.layout.columns[name]]

    def _error(self, row: int, name: str, value: str, reason: str) -> ReportError:
        return ReportError(f'Row {row}, column "{self._header(name)}", value "{value}": {reason}')

    def _see_currency(self, code: str, seen: _Seen) -> None:
        if self.currency is None:
            self.currency = (code, seen)
            return
        first_code, first = self.currency
        if code != first_code:
            raise ReportError(
                f'Row {seen.row}, column "{seen.column}", value "{seen.value}": this is {code}, '
                f'but row {first.row} ("{first.value}" in "{first.column}") is {first_code}. '
                "One file must hold one currency: download one report per marketplace."
            )

    def _detect_decimal(self, data: Iterable[tuple[int, list[str]]]) -> None:
        first: dict[Literal[".", ","], _Seen] = {}
        for row, record in data:
            for field in self.metric_fields:
                cell = self._cell(record, field.name)
                mark = _evidence(cell)
                if mark is not None and mark not in first:
                    first[mark] = _Seen(cell, row, self._header(field.name))
        if len(first) == 2:
            comma, dot = first[","], first["."]
            raise ReportError(
                f'Row {comma.row}, column "{comma.column}", value "{comma.value}" uses a decimal '
                f'comma, but row {dot.row}, column "{dot.column}", value "{dot.value}" uses a '
                "decimal point. Export the file again with one number format."
            )
        self.decimal = next(iter(first), None)
        if self.decimal is None and self.delimiter == ";":
            self.decimal = ","

    def _day(self, record: Sequence[str], name: str, row: int) -> tuple[date, Granularity]:
        cell = self._cell(record, name)
        try:
            return parse_date(cell, self.date_order, self.date_format), "day"
        except ParseError as error:
            if self.layout.spec.kind == "business" and self.date_format is None:
                with suppress(ParseError):  # neither a day nor a month: report the day error
                    return parse_month(cell), "month"
            raise self._error(row, name, cell, str(error)) from None

    def _number(self, record: Sequence[str], field: _Field, row: int) -> Decimal | None:
        cell = self._cell(record, field.name)
        if cell.strip().casefold() in _BLANK_VALUES:
            return None
        try:
            if field.value == "count":
                return Decimal(parse_count(cell, decimal=self.decimal))
            value, code = parse_money(cell, decimal=self.decimal, dollar=self.dollar)
        except ParseError as error:
            raise self._error(row, field.name, cell, str(error)) from None
        if code is not None:
            self._see_currency(code, _Seen(cell, row, self._header(field.name)))
        return value

    def _check_text_columns(self, record: Sequence[str], row: int) -> None:
        if "currency" in self.layout.columns:
            cell = self._cell(record, "currency").strip()
            if cell:
                if cell.upper() not in ISO_CURRENCIES:
                    raise self._error(row, "currency", cell, "not a known currency code")
                self._see_currency(cell.upper(), _Seen(cell, row, self._header("currency")))
        if "country" in self.layout.columns:
            cell = self._cell(record, "country").strip()
            if cell and self.country is None:
                self.country = _Seen(cell, row, self._header("country"))
            elif cell and self.country is not None and cell != self.country.value:
                raise self._error(
                    row,
                    "country",
                    cell,
                    f'row {self.country.row} is for "{self.country.value}". One file must '
                    "cover one marketplace: download one report per country.",
                )

    def _row_day(self, record: Sequence[str], row: int) -> tuple[date, Granularity]:
        if "date" in self.layout.columns:
            return self._day(record, "date", row)
        start, _ = self._day(record, "start_date", row)
        end, _ = self._day(record, "end_date", row)
        if start != end:
            raise ReportError(
                f'Row {row}: "{self._header("start_date")}" {start.isoformat()} and '
                f'"{self._header("end_date")}" {end.isoformat()} cover several days in one row, '
                "so the numbers cannot be split into days. Download the report again with "
                'Time unit "Daily".'
            )
        return start, "day"

    # -- the walk -----------------------------------------------------------------------

    def read(self) -> ImportResult:
        date_name = "date" if "date" in self.layout.columns else "start_date"
        width = len(self.layout.headers)
        data: list[tuple[int, list[str]]] = []
        totals_row: int | None = None
        for index in range(self.layout.header_row + 1, len(self.records)):
            record, row = self.records[index], index + 1
            if _is_blank(record):
                continue
            if len(record) > width and not _is_blank(record[width:]):
                raise ReportError(
                    f"Row {row} has {len(record)} values but the header row has {width} "
                    "columns: a value probably holds an unquoted separator."
                )
            if len(record) < width:
                raise ReportError(
                    f"Row {row} has {len(record)} values but the header row has {width} "
                    "columns: the file looks cut off (an interrupted download?). Download "
                    "the report again."
                )
            first = _normalize_header(record[0]) if record else ""
            if first in _TOTAL_LABELS or not self._cell(record, date_name).strip():
                totals_row = totals_row or row
                continue
            if totals_row is not None:
                raise ReportError(
                    f'Row {row} comes after the totals row {totals_row} (first cell "Total" '
                    f'or an empty "{self._header(date_name)}"). Remove the extra rows.'
                )
            data.append((row, record))
        if not data:
            raise ReportError("The file has a header row but no data rows.")
        self._detect_decimal(data)

        sums: dict[date, dict[str, Decimal]] = {}
        first_row_of_day: dict[date, int] = {}
        granularities: set[Granularity] = set()
        for row, record in data:
            self._check_text_columns(record, row)
            day, row_granularity = self._row_day(record, row)
            granularities.add(row_granularity)
            if len(granularities) > 1:
                raise self._error(
                    row, date_name, self._cell(record, date_name), "mixes months with days"
                )
            if self.layout.spec.kind == "business" and day in first_row_of_day:
                raise self._error(
                    row,
                    date_name,
                    self._cell(record, date_name),
                    f"the same date is already on row {first_row_of_day[day]}",
                )
            first_row_of_day.setdefault(day, row)
            day_sums = sums.setdefault(day, {})
            for field in self.metric_fields:
                value = self._number(record, field, row)
                if value is not None:
                    day_sums[field.name] = day_sums.get(field.name, Decimal(0)) + value
        currency = self._final_currency()
        granularity = "month" if self._looks_monthly(sums) else granularities.pop()
        if granularity == "day":
            self._check_date_order(data, date_name, list(sums))
        return self._result(sums, len(data), currency, granularity)

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
        names = {"MDY": "month/day/year", "DMY": "day/month/year"}
        raise self._error(
            row,
            date_name,
            cell,
            f"read as {names[self.date_order]} the dates jump around ({ordered[0]} … "
            f"{ordered[-1]}), read as {names[swapped]} they are consecutive days. Set the "
            f"date order to {names[swapped]}.",
        )

    def _looks_monthly(self, sums: dict[date, dict[str, Decimal]]) -> bool:
        """The by-Month business report: no traffic columns and every date on the 1st."""
        traffic = {"sessions", "page_views"} & self.layout.columns.keys()
        return (
            self.layout.spec.kind == "business"
            and not traffic
            and all(day.day == 1 for day in sums)
        )

    def _final_currency(self) -> str | None:
        expected = MARKETPLACE_CURRENCIES.get(self.marketplace)
        if self.currency is None:
            return expected
        code, seen = self.currency
        if expected is not None and code != expected:
            raise ReportError(
                f'Row {seen.row}, column "{seen.column}", value "{seen.value}": amounts are in '
                f"{code}, but marketplace {self.marketplace} reports in {expected}. Choose the "
                "marketplace this report belongs to."
            )
        return code

    def _result(
        self,
        sums: dict[date, dict[str, Decimal]],
        rows_read: int,
        currency: str | None,
        granularity: Granularity,
    ) -> ImportResult:
        kind = self.layout.spec.kind
        observations = [
            Observation(
                day=day,
                marketplace=self.marketplace,
                metric=field.name,
                value=sums[day][field.name],
                source=kind,
                currency=currency if field.name in MONEY_METRICS else None,
            )
            for day in sorted(sums)
            for field in self.metric_fields
            if field.name in sums[day]
        ]
        columns = {
            name: self.layout.headers[position] for name, position in self.layout.columns.items()
        }
        return ImportResult(
            kind=kind,
            observations=observations,
            rows_read=rows_read,
            days=sorted(sums),
            currency=currency,
            granularity=granularity,
            encoding=self.encoding,
            delimiter=self.delimiter,
            columns=columns,
        )


def _consecutive(days: list[date]) -> bool:
    ordered = sorted(days)
    return all((later - earlier).days == 1 for earlier, later in pairwise(ordered))


def _find_layout(
    records: list[list[str]], specs: Sequence[_Spec], dollar: str
) -> tuple[_Layout | None, list[str]]:
    """The first of the top rows that matches a spec; else (None, the first non-blank row)."""
    first_cells: list[str] | None = None
    for index, record in enumerate(records[:_HEADER_SEARCH_ROWS]):
        if _is_blank(record):
            continue
        if first_cells is None:
            first_cells = record
        for spec in specs:
            layout = _match_layout(spec, record, index, dollar)
            if layout is not None:
                return layout, record
    return None, first_cells or []


def read_report(
    raw: bytes,
    *,
    marketplace: str,
    date_order: DateOrder,
    kind: Literal["auto", "business", "ads"] = "auto",
    date_format: str | None = None,
) -> ImportResult:
    """Read a downloaded report into daily observations for ``marketplace`` (``US``, ``JP``…).

    ``date_order`` is how numeric dates are written (US/MX ``MDY``, IN/EU ``DMY``);
    ``date_format`` (a ``strptime`` format) forces one format. ``kind`` ``auto`` detects the
    report from its headers. Raises :class:`ReportError` for anything it cannot read.
    """
    if kind not in ("auto", "business", "ads"):
        raise ValueError(f"kind must be auto, business or ads, got {kind!r}")
    if date_order not in ("MDY", "DMY", "YMD"):
        raise ValueError(f"date_order must be MDY, DMY or YMD, got {date_order!r}")
    market = marketplace.strip().upper()
    expected = MARKETPLACE_CURRENCIES.get(market)
    dollar = expected if expected in _DOLLAR_CURRENCIES else "USD"
    specs = list(_SPECS.values()) if kind == "auto" else [_SPECS[kind]]
    if not raw.strip():
        raise ReportError("The file is empty.")

    failure: ReportError | None = None
    for encoding, text in _decodings(raw, market):
        delimiter = _sniff_delimiter(text)
        records = _read_records(text, delimiter)
        layout, first_cells = _find_layout(records, specs, dollar)
        if layout is None:
            failure = failure or _wrong_kind(records, specs, first_cells, dollar)
            continue
        reader = _Reader(
            layout,
            records,
            marketplace=market,
            date_order=date_order,
            date_format=date_format,
            delimiter=delimiter,
            encoding=encoding,
        )
        return reader.read()
    assert failure is not None
    raise failure


def _wrong_kind(
    records: list[list[str]], specs: Sequence[_Spec], first_cells: Sequence[str], dollar: str
) -> ReportError:
    """The error for a file that matches none of ``specs``."""
    if len(specs) == 1:
        others = [spec for spec in _SPECS.values() if spec is not specs[0]]
        layout, _ = _find_layout(records, others, dollar)
        if layout is not None:
            return ReportError(
                f"This file is a {layout.spec.title}, not a {specs[0].title}. "
                f"Expected:\n{_expected_headers(specs)}"
            )
    return _unknown_file(first_cells, specs)
