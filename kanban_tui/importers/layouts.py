"""Known report layouts: header aliases per report kind, matching a file's header row
to one, the user's own headers (``--map``), and the message for an unknown file."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from kanban_tui.i18n import t
from kanban_tui.importers.parsing import (
    CURRENCY_SYMBOLS,
    ISO_CURRENCIES,
)
from kanban_tui.importers.read import _is_blank
from kanban_tui.importers.report_types import _HEADER_SEARCH_ROWS, AdType, ReportError, ReportKind

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
#: The sales and traffic columns both business reports share (by date and by ASIN).
_SALES_AND_TRAFFIC = (
    _Field("sales", "money", ("Ordered Product Sales", "已订购商品销售额")),
    _Field("units", "count", ("Units Ordered", "已订购商品数量")),
    _Field("order_items", "count", ("Total Order Items", "订单商品总数")),
    _Field("sessions", "count", _SESSIONS),
    _Field("page_views", "count", _PAGE_VIEWS),
)

_BUSINESS = _Spec(
    kind="business",
    title="Business Report › Sales and Traffic by Date (业务报告 › 按日期的销售量与访问量)",
    needs="Date / 日期 and Ordered Product Sales / 已订购商品销售额",
    required_metrics=frozenset({"sales"}),
    fields=(_Field("date", "date", ("Date", "日期")), *_SALES_AND_TRAFFIC),
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
        *_SALES_AND_TRAFFIC,
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
        lines.append(
            t(
                "errors.import.expected_line",
                title=spec.title,
                needs=spec.needs,
                optional="; ".join(optional),
            )
        )
    return "\n".join(lines)


def _unknown_file(cells: Sequence[str], specs: Sequence[_Spec]) -> ReportError:
    shown = ", ".join(f'"{cell.strip()}"' for cell in cells[:12] if cell.strip())
    if len(cells) > 12:
        shown += ", …"
    normalized = {_normalize_header(cell) for cell in cells}
    if normalized & _ASIN_REPORT_HEADERS:
        return ReportError(t("errors.import.asin_no_sales"))
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
            t("errors.import.campaign_table")
            if campaign_table <= normalized
            else t("errors.import.ads_no_dates")
        )
        return ReportError(t("errors.import.ads_no_period", what=what))
    return ReportError(
        t(
            "errors.import.not_a_report",
            shown=shown or t("errors.import.nothing"),
            expected=_expected_headers(specs),
        )
    )


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
            t(
                "errors.import.unknown_fields",
                fields=", ".join(unknown),
                kind=kind,
                known=", ".join(sorted(known)),
            )
        )
    fields = tuple(
        _Field(field.name, field.value, (columns[field.name], *field.aliases))
        if field.name in columns
        else field
        for field in base.fields
    )
    return _Spec(base.kind, base.title, fields, base.needs, base.required_metrics)
