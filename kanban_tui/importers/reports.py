"""Read Seller Central and Advertising console downloads (CSV or XLSX) into KPI observations.

Three kinds of report are understood (see ``REPORT_FORMATS.md`` for the layouts):

* ``business``: Business Reports › Sales and Traffic by Date (English or Chinese headers,
  old Chinese variants, or the by-Month variant). Gives ``sales``, ``units``,
  ``order_items``, ``sessions`` and ``page_views`` per day. B2B twins are ignored.
* ``ads``: Sponsored Products (and Brands / Display) reports with a daily ``Date`` or a
  ``Start Date``/``End Date`` pair covering one day, 7- or 14-day attribution, the newer
  console's ``Total cost``/``Purchases``/``Sales`` columns, English or Chinese headers. Rows
  (campaigns, ad groups, products, search terms) are summed per day into ``ad_spend``,
  ``ad_sales``, ``ad_orders``, ``ad_units``, ``clicks`` and ``impressions``. Each row's ad
  type (Sponsored Products / Brands / Display) is its source: ``ads_sp``, ``ads_sb``,
  ``ads_sd``; an ``Advertised ASIN`` column adds per-ASIN observations.
* ``asin``: Business Reports › Detail Page Sales and Traffic by (Parent/Child) Item. No
  dates: the caller gives the period the file was downloaded for. Per-ASIN observations.

Time units: every observation covers a period (``day`` … ``period_end``). Daily rows cover
a day; a Monthly report's rows (dated on the 1st) their month; a Summary's rows the span in
their own ``Start Date``/``End Date`` or ``Date range`` cells, or (campaign reports, whose
rows all carry the range's first day) the span the caller gives. Rows whose span straddles
two months are left out and listed in :attr:`ImportResult.skipped`, never guessed.

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

import calendar
import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kanban_tui.domain.kpi import MONEY_METRICS, Observation
from kanban_tui.domain.marketplaces import find as find_marketplace
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


_SESSIONS = ("Sessions - Total", "会话数 - 总计", "会话次数 - 总计", "买家访问次数")
_PAGE_VIEWS = ("Page Views - Total", "页面浏览量 - 总计", "页面浏览次数", "页面浏览次数 - 总计")

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
        _Field("sessions", "count", _SESSIONS),
        _Field("page_views", "count", _PAGE_VIEWS),
    ),
)

_ASIN = _Spec(
    kind="asin",
    title=(
        "Business Report › Detail Page Sales and Traffic by (Parent/Child) Item "
        "(业务报告 › 详情页面上的销售量与访问量 按（父/子）商品)"
    ),
    needs="(Child) ASIN / （子）ASIN or (Parent) ASIN / （父）ASIN, and Ordered Product Sales",
    required_metrics=frozenset({"sales"}),
    fields=(
        _Field("child_asin", "text", ("(Child) ASIN", "（子）ASIN", "子ASIN")),
        _Field("parent_asin", "text", ("(Parent) ASIN", "（父）ASIN", "父ASIN")),
        _Field("sales", "money", ("Ordered Product Sales", "已订购商品销售额")),
        _Field("units", "count", ("Units Ordered", "已订购商品数量")),
        _Field("order_items", "count", ("Total Order Items", "订单商品总数")),
        _Field("sessions", "count", _SESSIONS),
        _Field("page_views", "count", _PAGE_VIEWS),
    ),
)

_ADS = _Spec(
    kind="ads",
    title=(
        "Advertising › Sponsored Products / Brands / Display report, any time unit "
        "(广告报告 › 商品推广 / 品牌推广 / 展示型推广)"
    ),
    needs=(
        "Date / 日期 (or Start Date + End Date / 开始日期 + 结束日期, or Date range) and "
        "Spend / Total cost / 花费"
    ),
    required_metrics=frozenset({"ad_spend"}),
    fields=(
        _Field("date", "date", ("Date", "日期")),
        _Field("start_date", "date", ("Start Date", "开始日期")),
        _Field("end_date", "date", ("End Date", "结束日期")),
        _Field("date_range", "text", ("Date range", "Date Range", "日期范围")),
        _Field("ad_spend", "money", ("Spend", "Total cost", "Cost", "花费", "总成本", "支出")),
        _Field(
            "ad_sales",
            "money",
            (
                "7 Day Total Sales",
                "14 Day Total Sales",
                "Sales",
                "Total Sales",
                "7天总销售额",
                "14天总销售额",
                "销售额",
            ),
        ),
        _Field(
            "ad_orders",
            "count",
            (
                "7 Day Total Orders (#)",
                "14 Day Total Orders (#)",
                "Purchases",
                "Orders",
                "Total Orders (#)",
                "7天总订单数(#)",
                "14天总订单数(#)",
                "订单",
            ),
        ),
        _Field(
            "ad_units",
            "count",
            (
                "7 Day Total Units (#)",
                "14 Day Total Units (#)",
                "Units sold",
                "Total Units (#)",
                "7天总销售量(#)",
                "14天总销售量(#)",
            ),
        ),
        _Field("clicks", "count", ("Clicks", "点击量", "点击次数")),
        _Field("impressions", "count", ("Impressions", "展示量", "曝光量")),
        _Field("currency", "text", ("Currency", "货币")),
        _Field("country", "text", ("Country", "国家/地区")),
        _Field("campaign_type", "text", ("Campaign Type", "Ad type", "广告类型", "广告活动类型")),
        _Field("advertised_asin", "text", ("Advertised ASIN", "广告ASIN")),
    ),
)

_SPECS = {"business": _BUSINESS, "ads": _ADS, "asin": _ASIN}
_ASIN_REPORT_HEADERS = frozenset({"(parent) asin", "(child) asin", "(父)asin", "(子)asin"})
#: The Campaign Manager table export: campaign state and status, no report period.
_CAMPAIGN_TABLE_HEADERS = frozenset({"state", "status"})
_NON_METRIC_FIELDS = frozenset(
    {
        "date",
        "start_date",
        "end_date",
        "date_range",
        "currency",
        "country",
        "campaign_type",
        "advertised_asin",
        "child_asin",
        "parent_asin",
    }
)
#: How ad types are named in a Campaign Type cell or in a file's headers.
_AD_TYPE_NAMES: dict[str, AdType] = {
    "sponsored products": "sp",
    "sp": "sp",
    "商品推广": "sp",
    "sponsored brands": "sb",
    "sponsored brands video": "sb",
    "sb": "sb",
    "sbv": "sb",
    "品牌推广": "sb",
    "sponsored display": "sd",
    "sd": "sd",
    "展示型推广": "sd",
}
#: Headers only Sponsored Display reports have.
_SD_HEADERS = frozenset(
    {"viewable impressions", "cost type", "bid optimization", "tactic", "vcpm", "dpv"}
)
#: Headers only Sponsored Brands reports have.
_SB_HEADERS = frozenset(
    {
        "14 day new-to-brand orders (#)",
        "new-to-brand orders",
        "14 day detail page views (dpv)",
        "brand searches",
        "5 second view rate",
    }
)
#: Headers only Sponsored Products reports have.
_SP_HEADERS = frozenset({"advertised sku", "advertised asin", "广告sku", "广告asin"})


_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_ASIN_CODE = re.compile(r"[A-Z0-9]{10}")
_RANGE_SPLIT = re.compile(r"\s+[-–~至到]\s+|\s*[~至到]\s*|\s+to\s+")

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
    header_currency_column: int | None = None


def _match_layout(
    spec: _Spec, cells: Sequence[str], header_row: int, dollar: str
) -> _Layout | None:
    positions: dict[str, int] = {}
    currency: str | None = None
    currency_column: int | None = None
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
                if field.value == "money" and currencies[found] and currency is None:
                    currency, currency_column = currencies[found], found
                break
    if spec.kind == "business":
        complete = {"date", "sales"} <= columns.keys()
    elif spec.kind == "asin":
        has_asin = bool({"child_asin", "parent_asin"} & columns.keys())
        complete = has_asin and "sales" in columns and "date" not in positions
    else:
        # The Campaign Manager table export has State/Status and the campaigns' own Start
        # and End dates, which are not the period of the numbers: it has no usable dates.
        campaign_table = positions.keys() >= _CAMPAIGN_TABLE_HEADERS
        has_dates = (
            "date" in columns
            or "date_range" in columns
            or ({"start_date", "end_date"} <= columns.keys() and not campaign_table)
        )
        complete = has_dates and "ad_spend" in columns
    if not complete:
        return None
    headers = [cell.replace("\ufeff", "").strip() for cell in cells]
    return _Layout(spec, header_row, columns, headers, currency, currency_column)


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
            "This is the Detail Page Sales and Traffic by (Parent/Child) Item report, but it "
            "has no Ordered Product Sales / 已订购商品销售额 column. Download it again with "
            "all columns."
        )
    spend = {_normalize_header(alias) for alias in _ADS.aliases("ad_spend")}
    ad_columns = {
        _normalize_header(alias)
        for name in ("clicks", "impressions")
        for alias in _ADS.aliases(name)
    } | {"campaign name", "广告活动名称"}
    is_ads = bool(normalized & spend and normalized & ad_columns)
    campaign_table = {_normalize_header(name) for name in _CAMPAIGN_TABLE_HEADERS}
    if (is_ads or campaign_table <= normalized) and "ads" in {spec.kind for spec in specs}:
        what = (
            "This is a Campaign Manager table export (it has State and Status columns): its "
            "Start/End dates are the campaigns' own, not the period of the numbers"
            if campaign_table <= normalized
            else "This advertising file has no Date, Start Date/End Date or Date range column"
        )
        return ReportError(
            f"{what}, so its numbers cannot be put on a period. In the Advertising console "
            "open Reports (Measurement & Reporting › Sponsored ads reports), create a "
            "Sponsored Products, Brands or Display report (Advertised product, Campaign or "
            'Search term) with Time unit "Daily" (or "Summary" / "Monthly"), and import that.'
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


_Key = tuple[date, date, str, str]  # first day, last day, source, scope


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


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
        options: _Options,
    ) -> None:
        self.layout = layout
        self.records = records
        self.marketplace = marketplace
        self.date_order = date_order
        self.date_format = date_format
        self.delimiter = delimiter
        self.encoding = encoding
        self.options = options
        market = find_marketplace(marketplace)
        self.expected_currency = market.currency if market else None
        self.dollar = market.dollar if market else "USD"
        self.currency: tuple[str, _Seen] | None = None
        self.country: _Seen | None = None
        self.decimal: DecimalMark = options.decimal
        self.metric_fields = [
            field
            for field in layout.spec.fields
            if field.name in layout.columns and field.name not in _NON_METRIC_FIELDS
        ]
        self.file_ad_type = options.ad_type or self._ad_type_from_headers()
        #: Set when an ads file read as daily dates every row on one day (it may be a
        #: campaign report's Summary, which looks the same).
        self.one_date: date | None = None
        if layout.header_currency is not None and layout.header_currency_column is not None:
            header = layout.headers[layout.header_currency_column]
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

    def _ad_type_from_headers(self) -> AdType:
        headers = {_normalize_header(cell) for cell in self.layout.headers}
        if headers & {_normalize_header(name) for name in _SD_HEADERS}:
            return "sd"
        if headers & {_normalize_header(name) for name in _SB_HEADERS}:
            return "sb"
        if headers & {_normalize_header(name) for name in _SP_HEADERS}:
            return "sp"
        sales = self.layout.columns.get("ad_sales")
        if sales is not None and _normalize_header(self.layout.headers[sales]).startswith("14 "):
            return "sb"  # 14-day attribution without SP's advertised columns
        return "sp"

    def _row_source(self, record: Sequence[str], row: int) -> str:
        kind = self.layout.spec.kind
        if kind != "ads":
            return "business"
        if self.options.ad_type is None and "campaign_type" in self.layout.columns:
            cell = self._cell(record, "campaign_type")
            name = _normalize_header(cell)
            if name:
                ad_type = _AD_TYPE_NAMES.get(name)
                if ad_type is None:
                    raise self._error(
                        row,
                        "campaign_type",
                        cell,
                        "not an ad type (expected Sponsored Products, Sponsored Brands or "
                        "Sponsored Display)",
                    )
                return f"ads_{ad_type}"
        return f"ads_{self.file_ad_type}"

    def _row_scopes(self, record: Sequence[str], row: int) -> tuple[str, ...]:
        kind = self.layout.spec.kind
        if kind == "asin":
            name = "child_asin" if "child_asin" in self.layout.columns else "parent_asin"
            cell = self._cell(record, name).strip().upper()
            if not _ASIN_CODE.fullmatch(cell):
                raise self._error(row, name, cell, "not an ASIN (10 letters and digits)")
            return (cell,)
        if kind == "ads" and "advertised_asin" in self.layout.columns:
            cell = self._cell(record, "advertised_asin").strip().upper()
            if cell:
                if not _ASIN_CODE.fullmatch(cell):
                    raise self._error(
                        row, "advertised_asin", cell, "not an ASIN (10 letters and digits)"
                    )
                return ("store", cell)
        return ("store",)

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
        if self.decimal is not None:
            return
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

    def _parse_day(self, cell: str, row: int, name: str) -> tuple[date, Granularity]:
        try:
            return parse_date(cell, self.date_order, self.date_format), "day"
        except ParseError as error:
            if self.date_format is None:
                with suppress(ParseError):  # neither a day nor a month: report the day error
                    return parse_month(cell), "month"
            raise self._error(row, name, cell, str(error)) from None

    def _day(self, record: Sequence[str], name: str, row: int) -> tuple[date, Granularity]:
        return self._parse_day(self._cell(record, name), row, name)

    def _number(self, record: Sequence[str], field: _Field, row: int) -> Decimal | None:
        cell = self._cell(record, field.name)
        if self.decimal == "." and _PLAIN_DECIMAL.fullmatch(cell):
            # the common case, and every XLSX number: no symbol, no grouping
            value = Decimal(cell)
            if field.value != "count":
                return value
            if value == value.to_integral_value() and value >= 0:
                return value
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

    def _row_period(self, record: Sequence[str], row: int) -> tuple[date, date, Granularity]:
        """The row's own period, before the time unit is applied to ``Date`` rows."""
        columns = self.layout.columns
        if self.layout.spec.kind == "asin":
            assert self.options.period is not None  # checked in read_report
            start, end = self.options.period
            return start, end, "summary"
        if "date_range" in columns:
            cell = self._cell(record, "date_range")
            parts = [part for part in _RANGE_SPLIT.split(cell.strip()) if part.strip()]
            if len(parts) != 2:
                raise self._error(
                    row, "date_range", cell, "expected a range like Dec 1, 2019 - Dec 22, 2019"
                )
            start, _ = self._parse_day(parts[0], row, "date_range")
            end, _ = self._parse_day(parts[1], row, "date_range")
        elif "date" in columns:
            day, granularity = self._day(record, "date", row)
            if granularity == "month":
                return day, _month_end(day), "month"
            return day, day, "day"
        else:
            start, _ = self._day(record, "start_date", row)
            end, _ = self._day(record, "end_date", row)
        if end < start:
            name = "date_range" if "date_range" in columns else "end_date"
            raise self._error(
                row, name, self._cell(record, name), f"the period ends before it starts ({start})"
            )
        return start, end, "day" if start == end else "summary"

    # -- the walk -----------------------------------------------------------------------

    def _date_name(self) -> str | None:
        for name in ("date_range", "date", "start_date"):
            if name in self.layout.columns:
                return name
        return None

    def read(self) -> ImportResult:
        date_name = self._date_name()
        width = len(self.layout.headers)
        data: list[tuple[int, list[str]]] = []
        totals_row: int | None = None
        key_name = date_name or (
            "child_asin" if "child_asin" in self.layout.columns else "parent_asin"
        )
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
            first = record[0].strip().casefold() if record else ""
            if first in _TOTAL_LABELS or not self._cell(record, key_name).strip():
                totals_row = totals_row or row
                continue
            if totals_row is not None:
                raise ReportError(
                    f'Row {row} comes after the totals row {totals_row} (first cell "Total" '
                    f'or an empty "{self._header(key_name)}"). Remove the extra rows.'
                )
            data.append((row, record))
        if not data:
            raise ReportError("The file has a header row but no data rows.")
        self._detect_decimal(data)

        periods: list[tuple[int, list[str], date, date, Granularity]] = []
        for row, record in data:
            self._check_text_columns(record, row)
            start, end, granularity = self._row_period(record, row)
            latest = self.options.latest
            if latest is not None and start > latest and date_name is not None:
                raise self._error(
                    row, date_name, self._cell(record, date_name), future_day(start, latest)
                )
            periods.append((row, record, start, end, granularity))
        periods, granularity = self._apply_time_unit(periods, date_name)

        sums: dict[_Key, dict[str, Decimal]] = {}
        first_row: dict[tuple[date, date, str], int] = {}
        straddling: dict[tuple[date, date], list[int]] = {}
        for row, record, start, end, _ in periods:
            if (start.year, start.month) != (end.year, end.month):
                straddling.setdefault((start, end), []).append(row)
                continue
            source = self._row_source(record, row)
            scopes = self._row_scopes(record, row)
            if self.layout.spec.kind in ("business", "asin"):
                seen_key = (start, end, scopes[0])
                if seen_key in first_row:
                    what = "date" if self.layout.spec.kind == "business" else "ASIN"
                    assert key_name is not None
                    raise self._error(
                        row,
                        key_name,
                        self._cell(record, key_name),
                        f"the same {what} is already on row {first_row[seen_key]}",
                    )
                first_row[seen_key] = row
            values = {field.name: self._number(record, field, row) for field in self.metric_fields}
            for scope in scopes:
                bucket = sums.setdefault((start, end, source, scope), {})
                for name, value in values.items():
                    if value is not None:
                        bucket[name] = bucket.get(name, Decimal(0)) + value
        skipped = [
            Skipped(
                rows=tuple(rows),
                start=start,
                end=end,
                reason="the period straddles two months, so it cannot be counted in either",
            )
            for (start, end), rows in sorted(straddling.items())
        ]
        if not sums:
            first = skipped[0]
            raise ReportError(
                f"Every row covers a period that straddles two months (row {first.rows[0]}: "
                f"{first.start} … {first.end}), so none can be counted. Download the report "
                "again for a range inside one month, or with Time unit Daily."
            )
        currency = self._final_currency()
        if granularity == "day" and date_name == "date":
            self._check_date_order(data, date_name, sorted({key[0] for key in sums}))
        rows_read = len(data) - sum(len(item.rows) for item in skipped)
        return self._result(sums, rows_read, currency, granularity, skipped)

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
                    f'This file dates its rows itself ("{self._header(date_name)}"), so '
                    f"--from/--to/--month ({given[0]} … {given[1]}) do not apply: they are for "
                    "files without dates and for a campaign report's Summary. Import it "
                    "without them."
                )
        if date_name != "date":
            if unit == "monthly" or (unit == "daily" and found != {"day"}):
                what = (
                    f'gives each row its own period ("{self._header(date_name)}")'
                    if date_name
                    else "has no dates"
                )
                raise ReportError(
                    f"This file {what}, so --time-unit {unit} does not apply. Import it "
                    "without --time-unit."
                )
            granularity: Granularity = "day" if found == {"day"} else "summary"
            return periods, granularity
        if len(found) > 1:
            row, record = next((item[0], item[1]) for item in periods if item[4] == "month")
            raise self._error(row, "date", self._cell(record, "date"), "mixes months with days")
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
                    "a Monthly report's dates are the 1st of each month; this one is not",
                )
            return [
                (row, record, start, _month_end(start), "month")
                for row, record, start, _, _ in periods
            ], "month"
        # summary: every row carries the range's first day; its end comes from the caller
        if len(starts) > 1:
            raise ReportError(
                f"A Summary report's rows all carry the same Date (the first day of the "
                f"range), but this file has {len(starts)} different dates ({starts[0]} … "
                f"{starts[-1]}). Import it as Daily (no --time-unit) or Monthly."
            )
        if self.options.period is None:
            raise ReportError(
                "A Summary report dates every row on the first day of its range and does not "
                "say where the range ends. Give the range with --from DATE --to DATE (or "
                "--month YYYY-MM), as chosen when the report was created."
            )
        start, end = self.options.period
        if start != starts[0]:
            raise ReportError(
                f"The file's Summary starts on {starts[0]}, but --from says {start}. Give the "
                "range chosen when the report was created."
            )
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
        names = {"MDY": "month/day/year", "DMY": "day/month/year"}
        raise self._error(
            row,
            date_name,
            cell,
            f"read as {names[self.date_order]} the dates jump around ({ordered[0]} … "
            f"{ordered[-1]}), read as {names[swapped]} they are consecutive days. Import it "
            f"with --date-order {swapped} (or choose the marketplace the report is from).",
        )

    def _looks_monthly(self, starts: list[date]) -> bool:
        """A Monthly report: every date on the 1st, and (for the by-Month business report)
        no traffic columns, or (for ads) more than one month and no two consecutive days."""
        if not all(day.day == 1 for day in starts):
            return False
        if self.layout.spec.kind == "business":
            return not ({"sessions", "page_views"} & self.layout.columns.keys())
        return len(starts) > 1 and not _consecutive(starts)

    def _final_currency(self) -> str | None:
        expected = self.expected_currency
        if self.currency is None:
            return expected
        code, seen = self.currency
        if expected is not None and code != expected:
            raise ReportError(
                f'Row {seen.row}, column "{seen.column}", value "{seen.value}": amounts are in '
                f"{code}, but marketplace {self.marketplace} reports in {expected}. Choose the "
                "marketplace this report belongs to with --marketplace."
            )
        return code

    def _result(
        self,
        sums: dict[_Key, dict[str, Decimal]],
        rows_read: int,
        currency: str | None,
        granularity: Granularity,
        skipped: list[Skipped],
    ) -> ImportResult:
        kind = self.layout.spec.kind
        observations = [
            Observation(
                day=start,
                period_end=end,
                marketplace=self.marketplace,
                scope=scope,
                metric=field.name,
                value=sums[key][field.name],
                source=source,
                currency=currency if field.name in MONEY_METRICS else None,
            )
            for key in sorted(sums)
            for start, end, source, scope in [key]
            for field in self.metric_fields
            if field.name in sums[key]
        ]
        columns = {
            name: self.layout.headers[position] for name, position in self.layout.columns.items()
        }
        missing = {
            field.name: field.aliases
            for field in self.layout.spec.fields
            if field.name not in _NON_METRIC_FIELDS and field.name not in self.layout.columns
        }
        return ImportResult(
            kind=kind,
            observations=observations,
            rows_read=rows_read,
            days=sorted({key[0] for key in sums}),
            currency=currency,
            granularity=granularity,
            encoding=self.encoding,
            delimiter=self.delimiter,
            columns=columns,
            periods=sorted({(key[0], key[1]) for key in sums}),
            missing=missing,
            sources=sorted({key[2] for key in sums}),
            asins=sorted({key[3] for key in sums} - {"store"}),
            skipped=skipped,
            one_date=self.one_date,
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


_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _xlsx_cell(value: object) -> str:
    """A worksheet cell as the text a CSV export would hold (numbers with a decimal point,
    dates as ISO dates)."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is float:
        number: float = value  # type: ignore[assignment]
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _xlsx_sheets(raw: bytes) -> list[tuple[str, list[list[str]]]]:
    """Every worksheet of an XLSX (or XLS) workbook as rows of text cells, in sheet order."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheets = []
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets.append((name, [[_xlsx_cell(cell) for cell in row] for row in rows]))
    except Exception as error:  # calamine raises its own error types for broken workbooks
        raise ReportError(
            f"The file looks like an Excel workbook but cannot be read ({error}). Download "
            "the report again, or save it as CSV UTF-8."
        ) from None
    return sheets


def mapped_spec(kind: Literal["business", "ads", "asin"], columns: Mapping[str, str]) -> _Spec:
    """The layout of ``kind`` with the user's own header for some fields (``--map``).

    ``columns`` maps a field (``date``, ``sales``, ``ad_spend``, …) to the header the file
    uses; the field's usual headers stay as fallbacks.
    """
    base = _SPECS[kind]
    known = {field.name for field in base.fields}
    unknown = sorted(set(columns) - known)
    if unknown:
        raise ReportError(
            f"The mapping names {', '.join(unknown)}, which a {kind} report does not have. "
            f"Known for {kind}: {', '.join(sorted(known))}."
        )
    fields = tuple(
        _Field(field.name, field.value, (columns[field.name], *field.aliases))
        if field.name in columns
        else field
        for field in base.fields
    )
    return _Spec(base.kind, base.title, fields, base.needs, base.required_metrics)


def read_report(
    raw: bytes,
    *,
    marketplace: str,
    date_order: DateOrder,
    kind: Literal["auto", "business", "ads", "asin"] = "auto",
    date_format: str | None = None,
    time_unit: TimeUnit = "auto",
    period: tuple[date, date] | None = None,
    ad_type: AdType | None = None,
    mapping: Mapping[str, str] | None = None,
    latest: date | None = None,
) -> ImportResult:
    """Read a downloaded report (CSV or XLSX) into observations for ``marketplace``.

    ``date_order`` is how numeric dates are written (US/MX ``MDY``, IN/EU ``DMY``);
    ``date_format`` (a ``strptime`` format) forces one format. ``kind`` ``auto`` detects the
    report from its headers. ``time_unit`` says what a ``Date`` column means (``auto``:
    daily, or monthly when every date is a month's 1st); ``period`` is the span the file was
    downloaded for (needed by files without dates and by a campaign report's Summary);
    ``ad_type`` overrides the ad type read from the file; ``mapping`` gives the file's own
    header for fields (``kind`` must then be given); ``latest`` is today: a row (or a
    ``period``) that starts after it is refused, naming the row. Raises
    :class:`ReportError` for anything it cannot read.
    """
    if kind not in ("auto", "business", "ads", "asin"):
        raise ValueError(f"kind must be auto, business, ads or asin, got {kind!r}")
    if date_order not in ("MDY", "DMY", "YMD"):
        raise ValueError(f"date_order must be MDY, DMY or YMD, got {date_order!r}")
    if time_unit not in ("auto", "daily", "summary", "monthly"):
        raise ValueError(f"time_unit must be auto, daily, summary or monthly, got {time_unit!r}")
    if period is not None and period[1] < period[0]:
        raise ReportError(f"The period ends ({period[1]}) before it starts ({period[0]}).")
    market = marketplace.strip().upper()
    known = find_marketplace(market)
    dollar = known.dollar if known else "USD"
    if mapping is not None:
        if kind == "auto":
            raise ValueError("a mapping needs the report kind")
        specs = [mapped_spec(kind, mapping)]
    else:
        specs = list(_SPECS.values()) if kind == "auto" else [_SPECS[kind]]
    if not raw.strip():
        raise ReportError("The file is empty.")
    if period is not None and latest is not None and period[0] > latest:
        raise ReportError(f"The period {period[0]} … {period[1]}: {future_day(period[0], latest)}")
    options = _Options(time_unit=time_unit, period=period, ad_type=ad_type, latest=latest)

    sources: list[tuple[str, str, list[list[str]], str | None]] = []
    if raw.startswith((_XLSX_MAGIC, _XLS_MAGIC)):
        options = _Options(
            time_unit=time_unit, period=period, ad_type=ad_type, decimal=".", latest=latest
        )
        sources = [("xlsx", "", records, name) for name, records in _xlsx_sheets(raw)]
    else:
        for encoding, text in _decodings(raw, market):
            delimiter = _sniff_delimiter(text)
            sources.append((encoding, delimiter, _read_records(text, delimiter), None))

    failure: ReportError | None = None
    for encoding, delimiter, records, sheet in sources:
        layout, first_cells = _find_layout(records, specs, dollar)
        if layout is None:
            failure = failure or _wrong_kind(records, specs, first_cells, dollar)
            continue
        if layout.spec.kind == "asin" and period is None:
            raise ReportError(
                "This is the Detail Page Sales and Traffic by (Parent/Child) Item report. It "
                "has no dates: it covers the range chosen when it was downloaded. Give that "
                "range with --from DATE --to DATE, or --month YYYY-MM."
            )
        if layout.spec.kind == "asin" and (period[0].year, period[0].month) != (
            period[1].year,
            period[1].month,
        ):
            raise ReportError(
                f"The range {period[0]} … {period[1]} straddles two months, so the "
                "report's figures cannot be counted in either. Download it for a range "
                "inside one month."
            )
        reader = _Reader(
            layout,
            records,
            marketplace=market,
            date_order=date_order,
            date_format=date_format,
            delimiter=delimiter,
            encoding=encoding,
            options=options,
        )
        result = reader.read()
        if sheet is not None:
            result = result.model_copy(update={"file_format": "xlsx", "sheet": sheet})
        return result
    if failure is None:
        raise ReportError("The workbook has no worksheet with a report in it.")
    raise failure


def future_day(day: date, latest: date) -> str:
    """Why a day after today is refused (the same rule as a figure typed by hand)."""
    return (
        f"{day} is after today ({latest}); a report only holds days that have passed "
        "(check the date order, e.g. --date-order DMY)"
    )


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
