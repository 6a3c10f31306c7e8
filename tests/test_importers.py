"""Report importers: value parsing and whole report files, checked against hand-made sums."""

from __future__ import annotations

import codecs
import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kanban_tui.domain.kpi import compute
from kanban_tui.importers import (
    ImportResult,
    ParseError,
    ReportError,
    parse_count,
    parse_date,
    parse_money,
    parse_month,
    parse_number,
    parse_percent,
    read_report,
)
from kanban_tui.services.kpi_definitions import load_definitions

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
KPIS_TOML = Path(__file__).resolve().parents[1] / "data" / "kpis.toml"
D = Decimal


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def by_day(result: ImportResult) -> dict[date, dict[str, Decimal]]:
    table: dict[date, dict[str, Decimal]] = defaultdict(dict)
    for item in result.observations:
        if item.scope != "store":
            continue
        assert item.metric not in table[item.day], "one observation per day × metric"
        table[item.day][item.metric] = item.value
    return dict(table)


def totals(result: ImportResult) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for item in result.observations:
        if item.scope != "store":
            continue
        sums[item.metric] += item.value
    return dict(sums)


# --- parse_money ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("$1,234.56", "1234.56", "USD"),
        ("US$1,234.56", "1234.56", "USD"),
        ('"MX$5,310.54"', "5310.54", "MXN"),  # as copied from the CSV, quotes included
        ("MX$5,310.54", "5310.54", "MXN"),
        ("￥1,234", "1234", "JPY"),
        ("¥1,234", "1234", "JPY"),
        ("1.234,56 €", "1234.56", "EUR"),
        ("€1.234,56", "1234.56", "EUR"),
        ("£12.50", "12.50", "GBP"),
        ("₹1,08,218.36", "108218.36", "INR"),
        ("-$3.00", "-3.00", "USD"),
        ("($3.00)", "-3.00", "USD"),
        ("$-3.00", "-3.00", "USD"),
        ("−$3.00", "-3.00", "USD"),
        ("1 234,56\u00a0€", "1234.56", "EUR"),
        ("USD 12.00", "12.00", "USD"),
        ("12,00 EUR", "12.00", "EUR"),
        ("R$ 99,90", "99.90", "BRL"),
        ("CA$7.25", "7.25", "CAD"),
        ("1,514.00", "1514.00", None),
        ("０.５０", "0.50", None),  # full-width digits
    ],
)
def test_parse_money(text: str, value: str, currency: str | None) -> None:
    assert parse_money(text) == (D(value), currency)


def test_bare_dollar_follows_the_marketplace() -> None:
    assert parse_money("$7.25", dollar="CAD") == (D("7.25"), "CAD")
    assert parse_money("US$7.25", dollar="CAD") == (D("7.25"), "USD")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not an amount"),
        ("abc", "not an amount"),
        ("$", "not an amount"),
        ("$1.2.3", "digit groups"),
        ("$12,34,5", "digit groups"),
        ("--3", "more than one sign"),
        ("(-$3.00)", "more than one sign"),
        ("$3.00 USD", "currency twice"),
        ("XYZ 3.00", "unknown currency 'XYZ'"),
    ],
)
def test_parse_money_failures_explain(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message.replace("(", r"\(")):
        parse_money(text)


def test_decimal_hint_settles_the_ambiguous_case() -> None:
    assert parse_money("1.234 €") == (D("1.234"), "EUR")
    assert parse_money("1.234 €", decimal=",") == (D(1234), "EUR")
    assert parse_money("$1,234") == (D(1234), "USD")
    assert parse_money("1,234 €", decimal=",") == (D("1.234"), "EUR")
    with pytest.raises(ParseError, match="decimal mark"):
        parse_money("$1,234.56", decimal=",")
    assert parse_number("-1.234.567,5") == D("-1234567.5")


def _group(digits: str, separator: str, indian: bool) -> str:
    """Insert thousands separators (Indian: last three, then pairs)."""
    if indian:
        head, tail = digits[:-3], digits[-3:]
        pairs: list[str] = []
        while len(head) > 2:
            pairs.insert(0, head[-2:])
            head = head[:-2]
        return separator.join([part for part in [head, *pairs] if part] + [tail])
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return separator.join([digits, *groups])


# (prefix, suffix, thousands separator, decimal mark, decimal places, indian grouping, ISO)
MONEY_STYLES = {
    "$": ("$", "", ",", ".", 2, False, "USD"),
    "US$": ("US$", "", ",", ".", 2, False, "USD"),
    "MX$": ("MX$", "", ",", ".", 2, False, "MXN"),
    "€ suffix": ("", " €", ".", ",", 2, False, "EUR"),
    "€ prefix": ("€", "", ".", ",", 2, False, "EUR"),
    "£": ("£", "", ",", ".", 2, False, "GBP"),
    "₹": ("₹", "", ",", ".", 2, True, "INR"),
    "￥": ("￥", "", ",", ".", 0, False, "JPY"),
    "¥": ("¥", "", ",", ".", 0, False, "JPY"),
}


def render_money(value: Decimal, style: str, grouped: bool, negative_style: str) -> str:
    prefix, suffix, thousands, mark, places, indian, _ = MONEY_STYLES[style]
    magnitude = f"{abs(value):.{places}f}"
    whole, _, fraction = magnitude.partition(".")
    if grouped and len(whole) > 3:
        whole = _group(whole, thousands, indian)
    body = f"{prefix}{whole}{mark + fraction if places else ''}{suffix}"
    if value >= 0:
        return body
    if negative_style == "parentheses":
        return f"({body})"
    if negative_style == "after symbol" and prefix:
        return f"{prefix}-{body[len(prefix) :]}"
    return f"-{body}"


@settings(max_examples=400)
@given(
    style=st.sampled_from(sorted(MONEY_STYLES)),
    cents=st.integers(min_value=-(10**12), max_value=10**12),
    grouped=st.booleans(),
    negative_style=st.sampled_from(["minus", "parentheses", "after symbol"]),
)
def test_rendered_money_parses_back(
    style: str, cents: int, grouped: bool, negative_style: str
) -> None:
    places = MONEY_STYLES[style][4]
    value = D(cents).scaleb(-places)
    text = render_money(value, style, grouped, negative_style)
    assert parse_money(text) == (value, MONEY_STYLES[style][6]), text
    # The file-level decimal mark, when known, agrees with the guess.
    mark: Literal[".", ","] = "," if MONEY_STYLES[style][3] == "," else "."
    assert parse_money(text, decimal=mark)[0] == value, text


# --- percentages, counts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12.34%", "0.1234"),
        ("0,97%", "0.0097"),
        ("100%", "1"),
        ("2.51 %", "0.0251"),
        ("%12,5", "0.125"),
        ("-3.5%", "-0.035"),
    ],
)
def test_parse_percent(text: str, value: str) -> None:
    assert parse_percent(text) == D(value)


def test_parse_percent_requires_the_sign() -> None:
    with pytest.raises(ParseError, match="no % sign"):
        parse_percent("12.34")
    with pytest.raises(ParseError, match="not a percentage"):
        parse_percent("abc%")


@settings(max_examples=300)
@given(
    hundredths=st.integers(min_value=-100_000, max_value=100_000),
    comma=st.booleans(),
    space=st.booleans(),
)
def test_rendered_percent_parses_back(hundredths: int, comma: bool, space: bool) -> None:
    percent = D(hundredths).scaleb(-2)
    text = f"{percent:.2f}{' ' if space else ''}%"
    if comma:
        text = text.replace(".", ",")
    assert parse_percent(text) == percent.scaleb(-2), text


@given(thousandths=st.integers(min_value=0, max_value=10_000_000))
def test_percent_with_three_decimals_needs_the_files_mark(thousandths: int) -> None:
    percent = D(thousandths).scaleb(-3)
    text = f"{percent:.3f}%".replace(".", ",")
    assert parse_percent(text, decimal=",") == percent.scaleb(-2)


@pytest.mark.parametrize(
    ("text", "value", "decimal"),
    [
        ("1,514", 1514, None),
        ("1.514", 1514, None),
        ("1 514", 1514, None),
        ("12", 12, None),
        ("12.00", 12, None),
        ("1,234,567", 1234567, None),
        ("1.514", 1514, ","),
        ("1,514", 1514, "."),
    ],
)
def test_parse_count(text: str, value: int, decimal: str | None) -> None:
    assert parse_count(text, decimal=decimal) == value  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [("1,514.5", "whole number"), ("-3", "negative"), ("x", "not a number"), ("", "not")],
)
def test_parse_count_failures(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_count(text)


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("11/25/2026", "MDY", date(2026, 11, 25)),
        ("5/1/26", "MDY", date(2026, 5, 1)),
        ("01/04/26", "DMY", date(2026, 4, 1)),
        ("2026-11-25", "DMY", date(2026, 11, 25)),
        ("2026/11/25", "MDY", date(2026, 11, 25)),
        ("25/11/2026", "DMY", date(2026, 11, 25)),
        ("25.11.2026", "DMY", date(2026, 11, 25)),
        ("May 16, 2026", "DMY", date(2026, 5, 16)),
        ("Sept 3, 2026", "MDY", date(2026, 9, 3)),
        ("16 May 2026", "MDY", date(2026, 5, 16)),
        ("16-May-26", "MDY", date(2026, 5, 16)),
        ("2026年5月16日", "MDY", date(2026, 5, 16)),
        ("26/05/16", "YMD", date(2026, 5, 16)),
        ("2026-05-16T07:00:21+00:00", "MDY", date(2026, 5, 16)),
        ("5/16/2026 12:00 AM", "MDY", date(2026, 5, 16)),
    ],
)
def test_parse_date(text: str, order: str, expected: date) -> None:
    assert parse_date(text, order) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "order", "message"),
    [
        ("25/11/2026", "MDY", "looks day-first"),
        ("11/25/2026", "DMY", "looks month-first"),
        ("2026-02-30", "MDY", "not a valid date"),
        ("Mayo 16, 2026", "MDY", "not a month name"),
        ("yesterday", "MDY", "not a date"),
        ("", "MDY", "empty"),
    ],
)
def test_parse_date_failures(text: str, order: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_date(text, order)  # type: ignore[arg-type]


def test_parse_date_with_explicit_format() -> None:
    assert parse_date("16|05|2026", "MDY", "%d|%m|%Y") == date(2026, 5, 16)
    with pytest.raises(ParseError, match="date format"):
        parse_date("2026-05-16", "MDY", "%d|%m|%Y")
    assert parse_month("May 2026") == parse_month("2026-05") == date(2026, 5, 1)


# --- business reports ----------------------------------------------------------------------


def test_english_business_report_with_bom_b2b_and_totals_row() -> None:
    result = read_report(fixture("business_en_bom.csv"), marketplace="US", date_order="MDY")
    assert result.kind == "business"
    assert result.encoding == "utf-8-sig"
    assert result.rows_read == 3  # the "Total" row is not data
    assert result.days == [date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)]
    assert result.currency == "USD"
    assert by_day(result)[date(2026, 5, 1)] == {
        "sales": D("3672.17"),  # not + the $120.00 B2B column
        "units": D(98),
        "order_items": D(91),
        "page_views": D(1514),
        "sessions": D(910),
    }
    assert totals(result) == {
        "sales": D("10758.60"),
        "units": D(290),
        "order_items": D(273),
        "page_views": D(4537),
        "sessions": D(2843),
    }
    first = result.observations[0]
    assert (first.marketplace, first.scope, first.source) == ("US", "store", "business")
    currencies = {item.metric: item.currency for item in result.observations}
    assert currencies == {
        "sales": "USD",
        "units": None,
        "order_items": None,
        "page_views": None,
        "sessions": None,
    }
    assert result.columns["sessions"] == "Sessions - Total"


def test_business_report_feeds_the_kpis() -> None:
    defs = load_definitions(KPIS_TOML)
    result = read_report(fixture("business_en_bom.csv"), marketplace="US", date_order="MDY")
    kpis = compute(defs, totals(result))
    assert kpis["conversion"] == D(290) / D(2843)
    assert kpis["sales"] == D("10758.60")


def test_same_report_without_bom_and_as_utf16_tab_text() -> None:
    raw = fixture("business_en_bom.csv")
    expected = totals(read_report(raw, marketplace="US", date_order="MDY"))
    text = raw.decode("utf-8-sig")
    plain = read_report(text.encode("utf-8"), marketplace="US", date_order="MDY")
    assert plain.encoding == "utf-8"
    assert totals(plain) == expected

    rows = list(csv.reader(io.StringIO(text)))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
    for encoded in (buffer.getvalue().encode("utf-16"), buffer.getvalue().encode("utf-16-le")):
        unicode_text = read_report(encoded, marketplace="US", date_order="MDY")
        assert unicode_text.delimiter == "\t"
        assert unicode_text.encoding.startswith("utf-16")
        assert totals(unicode_text) == expected


def test_chinese_business_report() -> None:
    result = read_report(fixture("business_zh.csv"), marketplace="US", date_order="MDY")
    assert result.kind == "business"
    assert result.rows_read == 2  # "合计" row skipped
    assert result.columns["page_views"] == "页面浏览量 - 总计"  # header had a trailing space
    assert by_day(result)[date(2026, 5, 2)] == {
        "sales": D("2000.00"),
        "units": D(45),
        "order_items": D(41),
        "page_views": D(1020),
        "sessions": D(640),
    }
    assert totals(result) == {
        "sales": D("3234.56"),
        "units": D(75),
        "order_items": D(69),
        "page_views": D(1820),
        "sessions": D(1140),
    }


def test_chinese_business_report_saved_by_excel_as_gb18030() -> None:
    raw = fixture("business_zh.csv").decode("utf-8").encode("gb18030")
    result = read_report(raw, marketplace="US", date_order="MDY")
    assert result.encoding == "gb18030"
    assert totals(result)["sales"] == D("3234.56")


def test_old_chinese_headers_in_yen() -> None:
    result = read_report(fixture("business_zh_old_jp.csv"), marketplace="JP", date_order="YMD")
    assert result.currency == "JPY"
    assert result.columns["sessions"] == "买家访问次数"
    assert totals(result) == {
        "sales": D(86640),
        "units": D(38),
        "order_items": D(37),
        "page_views": D(810),
        "sessions": D(580),
    }


def test_by_month_business_report() -> None:
    result = read_report(fixture("business_by_month.csv"), marketplace="US", date_order="MDY")
    assert result.granularity == "month"
    assert result.days == [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]
    assert by_day(result)[date(2026, 4, 1)] == {"sales": D("10234.10"), "units": D(322)}
    assert totals(result) == {"sales": D("31110.64"), "units": D(973)}


def test_month_names_in_the_date_column_mean_a_monthly_report() -> None:
    raw = b'Date,Ordered Product Sales,Units Ordered\nApr 2026,"$1,000.00",10\nMay 2026,$500.00,5\n'
    result = read_report(raw, marketplace="US", date_order="MDY")
    assert result.granularity == "month"
    assert by_day(result) == {
        date(2026, 4, 1): {"sales": D("1000.00"), "units": D(10)},
        date(2026, 5, 1): {"sales": D("500.00"), "units": D(5)},
    }


def test_european_semicolon_file_in_windows_1252() -> None:
    result = read_report(
        fixture("business_de_semicolon_cp1252.csv"), marketplace="DE", date_order="DMY"
    )
    assert (result.encoding, result.delimiter, result.currency) == ("cp1252", ";", "EUR")
    assert result.columns["sessions"] == "Sessions – Total"  # en dash
    assert by_day(result)[date(2026, 5, 3)] == {
        "sales": D("2005.00"),
        "units": D(66),
        "order_items": D(60),
        "page_views": D(2004),
        "sessions": D(1210),  # "1.210" with a dot grouping thousands
    }
    assert totals(result) == {
        "sales": D("4227.21"),
        "units": D(137),
        "order_items": D(128),
        "page_views": D(4838),
        "sessions": D(2955),
    }


# --- advertising reports ---------------------------------------------------------------------


def test_sponsored_products_daily_sums_campaigns_per_day() -> None:
    result = read_report(
        fixture("sp_advertised_product_daily.csv"), marketplace="US", date_order="MDY"
    )
    assert result.kind == "ads"
    assert result.rows_read == 6
    assert result.columns["ad_sales"] == "7 Day Total Sales"
    assert by_day(result) == {
        date(2026, 5, 16): {
            "ad_spend": D("142.09"),
            "ad_sales": D("370.48"),
            "ad_orders": D(11),
            "ad_units": D(12),
            "clicks": D(128),
            "impressions": D(17290),
        },
        date(2026, 5, 17): {
            "ad_spend": D("134.00"),
            "ad_sales": D("448.29"),
            "ad_orders": D(12),
            "ad_units": D(13),
            "clicks": D(120),
            "impressions": D(16170),
        },
    }
    assert {item.source for item in result.observations} == {"ads_sp"}
    defs = load_definitions(KPIS_TOML)
    kpis = compute(defs, totals(result))
    assert kpis["acos"] == D("276.09") / D("818.77")
    assert kpis["cpc"] == D("276.09") / D(248)
    assert kpis["ctr"] == D(248) / D(33460)


def test_search_term_report_with_a_comma_inside_a_quoted_term() -> None:
    result = read_report(fixture("sp_search_term_daily.csv"), marketplace="US", date_order="MDY")
    assert by_day(result) == {
        date(2026, 5, 16): {
            "ad_spend": D("4.35"),
            "ad_sales": D("25.99"),
            "ad_orders": D(1),
            "ad_units": D(1),
            "clicks": D(4),
            "impressions": D(505),
        }
    }


def test_summary_report_with_one_day_per_row() -> None:
    result = read_report(fixture("sp_summary_one_day.csv"), marketplace="US", date_order="MDY")
    assert by_day(result) == {
        date(2026, 5, 16): {
            "ad_spend": D("62.50"),
            "ad_sales": D("225.00"),
            "ad_orders": D(6),
            "ad_units": D(7),
            "clicks": D(50),
            "impressions": D(7500),
        },
        date(2026, 5, 17): {
            "ad_spend": D("24.00"),
            "ad_sales": D("0.00"),
            "ad_orders": D(0),
            "ad_units": D(0),
            "clicks": D(20),
            "impressions": D(3000),
        },
    }


def test_summary_report_rows_keep_their_own_start_and_end_date() -> None:
    result = read_report(fixture("sp_summary_month.csv"), marketplace="US", date_order="MDY")
    assert result.granularity == "summary"
    assert result.periods == [(date(2026, 5, 1), date(2026, 5, 31))]
    store = [o for o in result.observations if o.scope == "store"]
    assert {(o.day, o.period_end) for o in store} == {(date(2026, 5, 1), date(2026, 5, 31))}
    assert totals(result)["ad_spend"] == D("1550.00")


def test_sponsored_brands_14_day_report() -> None:
    result = read_report(fixture("sb_14_day.csv"), marketplace="US", date_order="MDY")
    assert result.columns["ad_sales"] == "14 Day Total Sales"
    assert result.columns["ad_orders"] == "14 Day Total Orders (#)"
    assert totals(result) == {
        "ad_spend": D("213.30"),
        "ad_sales": D("819.90"),
        "ad_orders": D(23),
        "ad_units": D(27),
        "clicks": D(180),
        "impressions": D(25000),
    }


def test_newer_console_columns_ignore_converted_amounts() -> None:
    result = read_report(
        fixture("ads_console_daily_total_cost.csv"), marketplace="US", date_order="MDY"
    )
    assert result.columns["ad_spend"] == "Total cost"
    assert result.columns["ad_sales"] == "Sales"
    assert result.currency == "USD"  # the € "(converted)" columns are not read
    assert totals(result) == {
        "ad_spend": D("28.47"),
        "ad_sales": D("87.25"),
        "ad_orders": D(3),
        "clicks": D(25),
        "impressions": D(1500),
    }


def test_campaign_manager_export_without_dates_is_explained() -> None:
    with pytest.raises(ReportError, match="Campaign Manager table export") as caught:
        read_report(fixture("campaign_manager_export.csv"), marketplace="US", date_order="MDY")
    assert "Daily" in str(caught.value)


def test_chinese_sponsored_products_report() -> None:
    result = read_report(fixture("sp_zh.csv"), marketplace="US", date_order="MDY")
    assert result.columns["ad_spend"] == "花费"
    assert by_day(result)[date(2026, 5, 16)] == {
        "ad_spend": D("39.60"),
        "ad_sales": D("120.00"),
        "ad_orders": D(4),
        "ad_units": D(4),
        "clicks": D(33),
        "impressions": D(4000),
    }
    assert totals(result)["ad_spend"] == D("66.00")


def test_japanese_report_in_shift_jis() -> None:
    result = read_report(fixture("sp_jp_shift_jis.csv"), marketplace="JP", date_order="YMD")
    assert (result.encoding, result.currency) == ("cp932", "JPY")
    assert totals(result) == {
        "ad_spend": D(1980),
        "ad_sales": D(6000),
        "ad_orders": D(3),
        "clicks": D(40),
        "impressions": D(3000),
    }


def test_india_header_currency_and_lakh_grouping() -> None:
    raw = (
        "Date,Campaign Name,Clicks,Spend,7 Day Total Sales (₹)\n"
        '"May 16, 2026",A,10,250.50,"1,08,218.36"\n'
        '"May 16, 2026",B,4,"₹1,000.00",0\n'
    ).encode()
    result = read_report(raw, marketplace="IN", date_order="DMY")
    assert result.currency == "INR"
    assert result.columns["ad_sales"] == "7 Day Total Sales (₹)"
    assert totals(result) == {
        "ad_spend": D("1250.50"),
        "ad_sales": D("108218.36"),
        "clicks": D(14),
    }


def test_kind_can_be_forced_and_date_format_given() -> None:
    raw = b"Date,Spend,Clicks\n16|05|2026,$1.00,1\n"
    result = read_report(
        raw, marketplace="US", date_order="MDY", kind="ads", date_format="%d|%m|%Y"
    )
    assert result.days == [date(2026, 5, 16)]
    with pytest.raises(ReportError, match="not a Business Report"):
        read_report(raw, marketplace="US", date_order="MDY", kind="business")


def test_blank_cells_add_nothing() -> None:
    raw = b"Date,Spend,7 Day Total Sales,Clicks\n5/16/26,$2.00,,3\n5/16/26,$1.00,-,\n"
    result = read_report(raw, marketplace="US", date_order="MDY")
    assert by_day(result) == {date(2026, 5, 16): {"ad_spend": D("3.00"), "clicks": D(3)}}


def test_ten_thousand_row_advertising_file() -> None:
    lines = [
        "Date,Campaign Name,Currency,Impressions,Clicks,Spend,"
        "7 Day Total Sales ,7 Day Total Orders (#)"
    ]
    spend_cents = sales_cents = clicks = 0
    for index in range(10_000):
        day = 1 + index % 30
        row_spend, row_sales, row_clicks = 100 + index % 997, 250 * (index % 7), index % 13
        spend_cents += row_spend
        sales_cents += row_sales
        clicks += row_clicks
        spend = f"${row_spend / 100:,.2f}"
        sales = f'"${row_sales / 100:,.2f}"'
        lines.append(
            f'"May {day}, 2026",Campaign {index % 50},USD,"{1000 + index:,}",{row_clicks},'
            f"{spend},{sales},{index % 3}"
        )
    raw = ("\r\n".join(lines) + "\r\n").encode()
    result = read_report(raw, marketplace="US", date_order="MDY")
    assert result.rows_read == 10_000
    assert len(result.days) == 30
    sums = totals(result)
    assert sums["ad_spend"] == D(spend_cents).scaleb(-2)
    assert sums["ad_sales"] == D(sales_cents).scaleb(-2)
    assert sums["clicks"] == D(clicks)
    assert sums["impressions"] == D(sum(1000 + index for index in range(10_000)))


# --- failures ------------------------------------------------------------------------------


def test_bad_row_names_row_column_and_value() -> None:
    with pytest.raises(ReportError) as caught:
        read_report(fixture("business_bad_row.csv"), marketplace="US", date_order="MDY")
    message = str(caught.value)
    assert message.startswith('Row 4, column "Units Ordered", value "12x"')
    assert "not a number" in message


@pytest.mark.parametrize(
    ("csv_text", "expected"),
    [
        (
            "Date,Ordered Product Sales\n5/1/26,$1.00\n13/45/26,$2.00\n",
            'Row 3, column "Date", value "13/45/26"',
        ),
        (
            "Date,Ordered Product Sales\n5/1/26,$1.00\n25/1/26,$2.00\n",
            "it looks day-first: import with --date-order DMY",
        ),
        (
            "Date,Ordered Product Sales\n5/1/26,$1.2.3\n",
            'Row 2, column "Ordered Product Sales", value "$1.2.3"',
        ),
        (
            "Date,Spend\n5/1/26,$1.00\n5/1/26,CA$2.00\n",
            'Row 3, column "Spend", value "CA$2.00": this is CAD, but row 2',
        ),
        (
            "Date,Currency,Spend\n5/1/26,USD,1.00\n5/1/26,EUR,2.00\n",
            'Row 3, column "Currency", value "EUR": this is EUR, but row 2',
        ),
        (
            'Date,Spend\n5/1/26,$1.00\n5/1/26,"1.234,50"\n',
            'Row 3, column "Spend", value "1.234,50" uses a decimal comma, but row 2',
        ),
        (
            "Date,Ordered Product Sales\n5/1/26,$1.00\n5/1/26,$2.00\n",
            'Row 3, column "Date", value "5/1/26": the same date is already on row 2',
        ),
        (
            "Date,Ordered Product Sales\n5/1/26,$1.00\nTotal,$1.00\n5/2/26,$2.00\n",
            "Row 4 comes after the totals row 3",
        ),
        (
            "Date,Ordered Product Sales\n5/1/26,$1,000.00\n",
            "Row 2 has 3 values but the header row has 2 columns",
        ),
        (
            "Date,Country,Spend\n5/1/26,Germany,€1.00\n5/1/26,France,€2.00\n",
            'Row 3, column "Country", value "France": row 2 is for "Germany"',
        ),
        ("Date,Ordered Product Sales\n", "no data rows"),
        ("", "The file is empty"),
    ],
)
def test_failures_name_row_column_and_value(csv_text: str, expected: str) -> None:
    with pytest.raises(ReportError) as caught:
        read_report(
            csv_text.encode(), marketplace="DE" if "€" in csv_text else "US", date_order="MDY"
        )
    assert expected in str(caught.value)


def test_wrong_date_order_is_caught_when_days_would_jump() -> None:
    with pytest.raises(ReportError) as caught:
        read_report(fixture("business_en_bom.csv"), marketplace="US", date_order="DMY")
    message = str(caught.value)
    assert message.startswith('Row 2, column "Date", value "5/1/26"')
    assert "--date-order MDY" in message
    # A single day, or days that are consecutive as read, are left alone.
    raw = "Date,Ordered Product Sales\n01/05/26,₹1.00\n02/05/26,₹1.00\n".encode()
    assert read_report(raw, marketplace="IN", date_order="DMY", kind="business").days == [
        date(2026, 5, 1),
        date(2026, 5, 2),
    ]


def test_currency_must_match_the_marketplace() -> None:
    with pytest.raises(ReportError) as caught:
        read_report(fixture("business_en_bom.csv"), marketplace="JP", date_order="MDY")
    message = str(caught.value)
    assert message.startswith('Row 2, column "Ordered Product Sales", value "$3,672.17"')
    assert "amounts are in USD, but marketplace JP reports in JPY" in message


def test_unknown_file_lists_expected_headers() -> None:
    with pytest.raises(ReportError) as caught:
        read_report(fixture("unknown_inventory.csv"), marketplace="US", date_order="MDY")
    message = str(caught.value)
    assert '"sku", "fnsku", "asin"' in message
    assert "Sales and Traffic by Date" in message
    assert "Ordered Product Sales / 已订购商品销售额" in message
    assert "Sponsored Products" in message
    assert "7 Day Total Sales / 14 Day Total Sales" in message


def test_a_cost_column_alone_does_not_make_an_advertising_file() -> None:
    with pytest.raises(ReportError, match="not a report that can be imported"):
        read_report(b"SKU,Cost\nYM-01,$3.10\n", marketplace="US", date_order="MDY")


def test_by_asin_business_report_is_explained() -> None:
    raw = (
        codecs.BOM_UTF8
        + (
            "(Parent) ASIN,(Child) ASIN,Title,Sessions – Total,Units ordered,"
            "Ordered Product Sales\n"
            'B0P,B0C,Mat,10,1,"$29.99"\n'
        ).encode()
    )
    with pytest.raises(ReportError, match="no dates"):
        read_report(raw, marketplace="US", date_order="MDY")


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="kind"):
        read_report(b"x", marketplace="US", date_order="MDY", kind="orders")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="date_order"):
        read_report(b"x", marketplace="US", date_order="DM")  # type: ignore[arg-type]
