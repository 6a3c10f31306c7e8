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

This module walks the rows; the rest is by concern: :mod:`.read` (bytes → rows, CSV and
XLSX), :mod:`.layouts` (header aliases per kind, ``--map``), :mod:`.periods` (time units,
date order), :mod:`.cells` (numbers, currency, decimal mark), :mod:`.report_types` (kinds,
the error, the result). No storage here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import suppress
from datetime import date
from decimal import Decimal
from typing import Literal

from kanban_tui import collector
from kanban_tui.domain.kpi import MONEY_METRICS, Observation
from kanban_tui.domain.marketplaces import find as find_marketplace
from kanban_tui.i18n import t
from kanban_tui.importers.cells import _Cells, _Seen
from kanban_tui.importers.cells import fast_number as fast_number
from kanban_tui.importers.layouts import (
    _AD_TYPE_NAMES,
    _ASIN_CODE,
    _NON_METRIC_FIELDS,
    _RANGE_SPLIT,
    _SB_HEADERS,
    _SD_HEADERS,
    _SP_HEADERS,
    _SPECS,
    _expected_headers,
    _find_layout,
    _Layout,
    _normalize_header,
    _Spec,
    _unknown_file,
    mapped_spec,
)
from kanban_tui.importers.parsing import (
    DateOrder,
    DecimalMark,
    ParseError,
    parse_date,
    parse_month,
)
from kanban_tui.importers.periods import _month_end, _Options
from kanban_tui.importers.read import (
    _XLS_MAGIC,
    _XLSX_MAGIC,
    _decodings,
    _is_blank,
    _read_records,
    _sniff_delimiter,
    _xlsx_sheets,
)
from kanban_tui.importers.report_types import (
    _TOTAL_LABELS,
    AdType,
    Granularity,
    ImportResult,
    ReportError,
    Skipped,
    TimeUnit,
)

# --------------------------------------------------------------------------------------
# Rows → observations
# --------------------------------------------------------------------------------------


_Key = tuple[date, date, str, str]  # first day, last day, source, scope


class _Reader(_Cells):
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
        # A report repeats its cells (the same day on a hundred rows, 0 clicks, one
        # campaign type): each distinct cell is read once per column. Only successes are
        # kept; a bad cell raises naming its own row, as before.
        self._numbers: dict[str, dict[str, tuple[Decimal | None, str | None]]] = {
            field.name: {} for field in self.metric_fields
        }
        self._days: dict[str, tuple[date, Granularity]] = {}
        self._scopes: dict[tuple[str, str], tuple[str, ...]] = {}
        self._sources: dict[str, str] = {}
        if layout.header_currency is not None and layout.header_currency_column is not None:
            header = layout.headers[layout.header_currency_column]
            self._see_currency(layout.header_currency, _Seen(header, 1 + layout.header_row, header))

    # -- helpers ------------------------------------------------------------------------

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
            known = self._sources.get(cell)
            if known is not None:
                return known
            name = _normalize_header(cell)
            if name:
                ad_type = _AD_TYPE_NAMES.get(name)
                if ad_type is None:
                    raise self._error(
                        row,
                        "campaign_type",
                        cell,
                        t("errors.import.not_ad_type"),
                    )
                self._sources[cell] = f"ads_{ad_type}"
                return self._sources[cell]
        return f"ads_{self.file_ad_type}"

    def _row_scopes(self, record: Sequence[str], row: int) -> tuple[str, ...]:
        kind = self.layout.spec.kind
        if kind == "ads" and "advertised_asin" in self.layout.columns:
            cell = self._cell(record, "advertised_asin")
            known = self._scopes.get((kind, cell))
            if known is None:
                known = self._scopes[(kind, cell)] = self._read_scopes(record, row)
            return known
        return self._read_scopes(record, row)

    def _read_scopes(self, record: Sequence[str], row: int) -> tuple[str, ...]:
        kind = self.layout.spec.kind
        if kind == "asin":
            name = "child_asin" if "child_asin" in self.layout.columns else "parent_asin"
            cell = self._cell(record, name).strip().upper()
            if not _ASIN_CODE.fullmatch(cell):
                raise self._error(row, name, cell, t("errors.import.not_asin"))
            return (cell,)
        if kind == "ads" and "advertised_asin" in self.layout.columns:
            cell = self._cell(record, "advertised_asin").strip().upper()
            if cell:
                if not _ASIN_CODE.fullmatch(cell):
                    raise self._error(row, "advertised_asin", cell, t("errors.import.not_asin"))
                return ("store", cell)
        return ("store",)

    def _parse_day(self, cell: str, row: int, name: str) -> tuple[date, Granularity]:
        known = self._days.get(cell)
        if known is None:
            known = self._days[cell] = self._read_day(cell, row, name)
        return known

    def _read_day(self, cell: str, row: int, name: str) -> tuple[date, Granularity]:
        try:
            return parse_date(cell, self.date_order, self.date_format), "day"
        except ParseError as error:
            if self.date_format is None:
                with suppress(ParseError):  # neither a day nor a month: report the day error
                    return parse_month(cell), "month"
            raise self._error(row, name, cell, str(error)) from None

    def _day(self, record: Sequence[str], name: str, row: int) -> tuple[date, Granularity]:
        return self._parse_day(self._cell(record, name), row, name)

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
                raise self._error(row, "date_range", cell, t("errors.import.not_a_range"))
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
                row, name, self._cell(record, name), t("errors.import.ends_first", start=start)
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
                    t("errors.import.row_too_long", row=row, got=len(record), width=width)
                )
            if len(record) < width:
                raise ReportError(
                    t("errors.import.row_too_short", row=row, got=len(record), width=width)
                )
            first = record[0].strip().casefold() if record else ""
            if first in _TOTAL_LABELS or not self._cell(record, key_name).strip():
                totals_row = totals_row or row
                continue
            if totals_row is not None:
                raise ReportError(
                    t(
                        "errors.import.after_totals",
                        row=row,
                        totals=totals_row,
                        column=self._header(key_name),
                    )
                )
            data.append((row, record))
        if not data:
            raise ReportError(t("errors.import.no_data_rows"))
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
                    what = "date" if self.layout.spec.kind == "business" else "asin"
                    assert key_name is not None
                    raise self._error(
                        row,
                        key_name,
                        self._cell(record, key_name),
                        t(f"errors.import.same_{what}", row=first_row[seen_key]),
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
            left_out = skipped[0]
            raise ReportError(
                t(
                    "errors.import.all_straddle",
                    row=left_out.rows[0],
                    start=left_out.start,
                    end=left_out.end,
                )
            )
        currency = self._final_currency()
        if granularity == "day" and date_name == "date":
            self._check_date_order(data, date_name, sorted({key[0] for key in sums}))
        rows_read = len(data) - sum(len(item.rows) for item in skipped)
        return self._result(sums, rows_read, currency, granularity, skipped)

    def _final_currency(self) -> str | None:
        expected = self.expected_currency
        if self.currency is None:
            return expected
        code, seen = self.currency
        if expected is not None and code != expected:
            raise ReportError(
                t(
                    "errors.import.currency",
                    **seen.place(),
                    code=code,
                    marketplace=self.marketplace,
                    expected=expected,
                )
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
        # One observation per metric is validated; the rest copy it with their own
        # period, scope, source and value (tens of thousands for a per-ASIN report).
        models: dict[str, Observation] = {}
        observations: list[Observation] = []
        for key in sorted(sums):
            start, end, source, scope = key
            values = sums[key]
            for field in self.metric_fields:
                name = field.name
                if name not in values:
                    continue
                model = models.get(name)
                if model is None:
                    model = models[name] = Observation(
                        day=start,
                        period_end=end,
                        marketplace=self.marketplace,
                        scope=scope,
                        metric=name,
                        value=values[name],
                        source=source,
                        currency=currency if name in MONEY_METRICS else None,
                    )
                    observations.append(model)
                    continue
                observations.append(
                    Observation.checked(
                        model,
                        day=start,
                        period_end=end,
                        scope=scope,
                        value=values[name],
                        source=source,
                    )
                )
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


@collector.paused()  # 60,000 observations and no cycles among them
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
        raise ReportError(t("errors.import.period_reversed", start=period[0], end=period[1]))
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
        raise ReportError(t("errors.import.empty"))
    if period is not None and latest is not None and period[0] > latest:
        why = future_day(period[0], latest)
        raise ReportError(t("errors.import.period_future", start=period[0], end=period[1], why=why))
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
            raise ReportError(t("errors.import.asin_no_dates"))
        if (
            layout.spec.kind == "asin"
            and period is not None
            and (period[0].year, period[0].month) != (period[1].year, period[1].month)
        ):
            raise ReportError(t("errors.import.range_straddles", start=period[0], end=period[1]))
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
        raise ReportError(t("errors.import.no_sheet"))
    raise failure


def future_day(day: date, latest: date) -> str:
    """Why a day after today is refused (the same rule as a figure typed by hand)."""
    return t("errors.import.future_day", day=day, latest=latest)


def _wrong_kind(
    records: list[list[str]], specs: Sequence[_Spec], first_cells: Sequence[str], dollar: str
) -> ReportError:
    """The error for a file that matches none of ``specs``."""
    if len(specs) == 1:
        others = [spec for spec in _SPECS.values() if spec is not specs[0]]
        layout, _ = _find_layout(records, others, dollar)
        if layout is not None:
            return ReportError(
                t(
                    "errors.import.wrong_kind",
                    found=layout.spec.title,
                    wanted=specs[0].title,
                    expected=_expected_headers(specs),
                )
            )
    return _unknown_file(first_cells, specs)
