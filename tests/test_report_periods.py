"""Issue 10: reports as sellers download them — XLSX, every time unit, every marketplace,
SP/SB/SD apart, per-ASIN figures, column mappings, help pages and messages.

Expected month values are computed by hand in the comments (and in
``fixtures/reports/make_period_fixtures.py``, which wrote the CSV fixtures).
"""

from __future__ import annotations

import io
import itertools
import json
import shutil
import sqlite3
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kanban_tui.cli import build_parser, main
from kanban_tui.domain.kpi import Observation, finest
from kanban_tui.domain.marketplaces import MARKETPLACES
from kanban_tui.importers import ReportError, read_report
from kanban_tui.importers.parsing import ISO_CURRENCIES
from tests.kpi_files import import_report

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
D = Decimal
Result = tuple[int, str, str]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def db_path(db_location: str) -> Path | str:
    """The board: a SQLite file or a PostgreSQL URL (the suite runs on both)."""
    return db_location


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    def run(*argv: str) -> Result:
        capsys.readouterr()
        try:
            code = main(["--db", str(db_path), *argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


def show(cli: Callable[..., Result], month: str, *extra: str) -> dict:
    code, out, err = cli("kpi", "show", "--month", month, "--json", *extra)
    assert code == 0, err
    return json.loads(out)


# --- the rule: the finest data of a source wins -------------------------------------------

MONTH = date(2019, 12, 1)


def _obs(start: int, end: int, source: str, value: int, metric: str = "ad_spend") -> Observation:
    return Observation(
        day=MONTH.replace(day=start),
        period_end=MONTH.replace(day=end),
        marketplace="US",
        metric=metric,
        value=D(value),
        source=source,
        currency="USD",
    )


spans = st.tuples(st.integers(1, 31), st.integers(0, 30)).map(
    lambda pair: (pair[0], min(31, pair[0] + pair[1]))
)
observations = st.lists(
    st.tuples(spans, st.sampled_from(["ads_sp", "ads_sb", "business"]), st.integers(0, 1000)),
    max_size=25,
).map(lambda items: [_obs(a, b, source, value) for (a, b), source, value in items])


def _days(item: Observation) -> set[date]:
    return {item.day + timedelta(days=n) for n in range((item.last_day - item.day).days + 1)}


@settings(max_examples=200, deadline=None)
@given(observations)
def test_no_day_of_a_source_is_counted_twice(items: list[Observation]) -> None:
    kept, dropped = finest(items)
    for source in {item.source for item in kept}:
        spans_kept = {item.span for item in kept if item.source == source}
        covered: list[date] = []
        for span in spans_kept:
            covered.extend(_days(_obs(span[0].day, span[1].day, source, 0)))
        assert len(covered) == len(set(covered))
    assert len(kept) + sum(
        1
        for item in items
        if any(item.span == (d.start, d.end) and item.source == d.source for d in dropped)
    ) == len(items)


@settings(max_examples=200, deadline=None)
@given(observations, st.randoms(use_true_random=False))
def test_the_order_of_imports_does_not_matter(items: list[Observation], rng) -> None:
    shuffled = list(items)
    rng.shuffle(shuffled)
    kept, dropped = finest(items)
    kept_again, dropped_again = finest(shuffled)
    assert sorted(map(repr, kept)) == sorted(map(repr, kept_again))
    assert dropped == dropped_again


@settings(max_examples=200, deadline=None)
@given(observations)
def test_daily_data_for_every_day_beats_any_coarser_report(coarse: list[Observation]) -> None:
    daily = [_obs(d, d, "ads_sp", d) for d in range(1, 32)]
    # (a one-day span of the same source is the same period: storing it replaces the daily row)
    kept, dropped = finest(daily + [c for c in coarse if c.source == "ads_sp" and not c.is_daily])
    assert sorted(kept, key=lambda o: o.day) == daily
    assert sum(o.value for o in kept) == sum(range(1, 32))
    assert all(item.by_daily_data for item in dropped)


def test_sources_never_push_each_other_out() -> None:
    kept, dropped = finest([_obs(1, 1, "ads_sp", 5), _obs(1, 31, "ads_sb", 7)])
    assert len(kept) == 2 and dropped == []


# --- daily + Summary + Monthly of one month, in any order ---------------------------------

CAMPAIGN_FILES = {
    "daily": ("sp_campaign_daily_dec2019.csv", ()),
    "summary": (
        "sp_campaign_summary_dec1_22_2019.csv",
        ("--from", "2019-12-01", "--to", "2019-12-22"),
    ),
    "monthly": ("sp_campaign_monthly_2019.csv", ()),
}  # fmt: skip


@pytest.mark.parametrize("order", list(itertools.permutations(CAMPAIGN_FILES)))
def test_daily_summary_and_monthly_files_give_the_daily_figures_in_any_order(cli, order):
    for name in order:
        file, extra = CAMPAIGN_FILES[name]
        code, _, err = cli("kpi", "import", str(FIXTURES / file), *extra)
        assert code == 0, err
    december = show(cli, "2019-12")
    # Σ spend Dec 1–31 = 806.00, Σ sales = 2,232.00 (the daily file; see the fixture script)
    assert december["acos"]["value"] == pytest.approx(806 / 2232, abs=1e-6)
    assert december["cpc"]["value"] == pytest.approx(806 / 310, abs=1e-6)
    # November has only the Monthly report: 500.00 / 2,000.00
    assert show(cli, "2019-11")["acos"]["value"] == pytest.approx(0.25, abs=1e-6)


def test_the_import_summary_says_which_coarser_report_is_not_counted(cli):
    cli("kpi", "import", str(FIXTURES / "sp_campaign_daily_dec2019.csv"))
    code, out, _ = cli(
        "kpi",
        "import",
        str(FIXTURES / "sp_campaign_summary_dec1_22_2019.csv"),
        "--from",
        "2019-12-01",
        "--to",
        "2019-12-22",
    )
    assert code == 0
    assert (
        "2019-12: daily Sponsored Products data kept, the Summary for "
        "2019-12-01 … 2019-12-22 not counted" in out
    )


def test_a_summary_alone_counts_for_its_month_not_for_its_first_day(cli):
    code, out, _ = cli(
        "kpi",
        "import",
        str(FIXTURES / "sp_campaign_summary_dec1_22_2019.csv"),
        "--month",
        "2019-12",
    )
    assert code == 0 and "Time unit Summary" in out
    december = show(cli, "2019-12")
    assert december["acos"]["value"] == pytest.approx(280 / 1200, abs=1e-6)  # 150+130 / 700+500


def test_a_summary_without_its_range_is_imported_as_that_day_with_a_warning(cli):
    code, out, _ = cli("kpi", "import", str(FIXTURES / "sp_campaign_summary_dec1_22_2019.csv"))
    assert code == 0
    assert "All rows are dated 2019-12-01" in out and "--from 2019-12-01 --to" in out


def test_a_monthly_report_puts_each_figure_on_its_whole_month() -> None:
    result = read_report(
        fixture("sp_campaign_monthly_2019.csv"), marketplace="US", date_order="MDY"
    )
    assert result.granularity == "month"
    assert result.periods == [
        (date(2019, 11, 1), date(2019, 11, 30)),
        (date(2019, 12, 1), date(2019, 12, 31)),
    ]


def test_summary_rows_with_their_own_span_and_a_straddling_row(cli) -> None:
    result = read_report(
        fixture("sp_search_term_summary_2024.csv"), marketplace="US", date_order="MDY"
    )
    assert result.periods == [
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
    ]
    assert [(s.rows, s.start, s.end) for s in result.skipped] == [
        ((5,), date(2024, 1, 29), date(2024, 2, 4))
    ]
    _, out, _ = cli("kpi", "import", str(FIXTURES / "sp_search_term_summary_2024.csv"))
    assert "Rows 5 (2024-01-29 … 2024-02-04) straddle two months" in out
    assert show(cli, "2024-01")["acos"]["value"] == pytest.approx(
        20 / 60, abs=1e-6
    )  # 12.50+7.50 / 60
    assert show(cli, "2024-02")["acos"]["value"] == pytest.approx(5 / 25, abs=1e-6)


def test_a_date_range_column_gives_the_period() -> None:
    raw = (
        b"Date range,Campaign name,Impressions,Clicks,Total cost,Sales,Purchases\n"
        b'"Dec 1, 2019 - Dec 22, 2019",Mat,1000,10,$12.00,$48.00,2\n'
    )
    result = read_report(raw, marketplace="US", date_order="MDY")
    assert result.periods == [(date(2019, 12, 1), date(2019, 12, 22))]


# --- XLSX ---------------------------------------------------------------------------------


def _xlsx(rows: list[list[object]], title_rows: int = 0) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    if title_rows:
        sheet.append(["Sponsored Products Advertised product report"])
        sheet.append(["Date range: Dec 01, 2019 - Dec 02, 2019"])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_HEADER: list[object] = [
    "Date", "Portfolio name", "Currency", "Campaign Name", "Ad Group Name", "Advertised SKU",
    "Advertised ASIN", "Impressions", "Clicks", "Click-Thru Rate (CTR)", "Cost Per Click (CPC)",
    "Spend", "7 Day Total Sales ", "Total Advertising Cost of Sales (ACOS) ",
    "7 Day Total Orders (#)", "7 Day Total Units (#)", None,
]  # fmt: skip


def test_xlsx_with_a_title_block_excel_dates_and_plain_numbers(cli, tmp_path) -> None:
    rows: list[list[object]] = [XLSX_HEADER]
    # Dec 1: 12.5 + 7.25 spend, 50 + 0 sales; Dec 2 (text date): 3.125 spend, 20 sales
    rows.append([datetime(2019, 12, 1), "", "USD", "Mat", "Mat", "YM-1", "B0CHILD001",
                 1000, 10, 0.01, 1.25, 12.5, 50, 0.25, 2, 2, None])  # fmt: skip
    rows.append([datetime(2019, 12, 1), "", "USD", "Mat", "Mat", "YM-2", "B0CHILD002",
                 500, 5, 0.01, 1.45, 7.25, 0, 0, 0, 0, None])  # fmt: skip
    rows.append(["Dec 02, 2019", "", "USD", "Mat", "Mat", "YM-1", "B0CHILD001",
                 2000, 2, 0.001, 1.5625, 3.125, 20, 0.156, 1, 1, None])  # fmt: skip
    raw = _xlsx(rows, title_rows=3)
    result = read_report(raw, marketplace="US", date_order="MDY")
    assert result.file_format == "xlsx"
    store = {(o.day, o.metric): o.value for o in result.observations if o.scope == "store"}
    assert store[(date(2019, 12, 1), "ad_spend")] == D("19.75")
    assert store[(date(2019, 12, 2), "ad_spend")] == D("3.125")
    assert store[(date(2019, 12, 1), "ad_sales")] == D("50")
    assert result.asins == ["B0CHILD001", "B0CHILD002"]
    path = tmp_path / "Sponsored_Products_Advertised_product_report.xlsx"
    path.write_bytes(raw)
    code, out, err = cli("kpi", "import", str(path))
    assert code == 0, err
    assert "encoding" not in out + err


def test_a_broken_xlsx_is_refused_with_a_message_about_excel(cli, tmp_path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    code, _, err = cli("kpi", "import", str(path))
    assert code == 2
    assert "Excel workbook" in err and "Traceback" not in err


def test_xlsx_errors_name_the_row_and_column_as_csv_does() -> None:
    raw = _xlsx([XLSX_HEADER[:12], ["Dec 01, 2019", "", "USD", "M", "M", "S", "B0CHILD001",
                                    1, 1, 0, 1, "lots"]])  # fmt: skip
    with pytest.raises(ReportError, match=r'^Row 2, column "Spend", value "lots"'):
        read_report(raw, marketplace="US", date_order="MDY")


# --- marketplaces -------------------------------------------------------------------------


def test_every_marketplace_has_a_known_currency_zone_and_date_order() -> None:
    for code in ("US", "CA", "MX", "BR", "UK", "DE", "FR", "IT", "ES", "NL", "SE", "PL", "TR",
                 "BE", "IE", "EG", "SA", "AE", "IN", "JP", "SG", "AU"):  # fmt: skip
        market = MARKETPLACES[code]
        assert market.currency in ISO_CURRENCIES
        assert ZoneInfo(market.tz)
        assert market.date_order in ("MDY", "DMY", "YMD")


def test_amazon_ae_business_report(cli) -> None:
    code, _, err = cli(
        "kpi", "import", str(FIXTURES / "business_ae_by_date.csv"), "--marketplace", "AE"
    )
    assert code == 0, err
    september = show(cli, "2022-09", "--marketplace", "AE")
    assert september["sales"]["value"] == pytest.approx(5426.50, abs=1e-6)
    assert september["sales"]["currency"] == "AED"
    assert september["conversion"]["value"] == pytest.approx(38 / 1600, abs=1e-6)


def test_the_wrong_marketplace_names_the_column_that_holds_the_currency() -> None:
    raw = "Date,Currency,Spend,7 Day Total Sales (₹)\n01/03/2025,INR,1.00,2.00\n".encode()
    with pytest.raises(ReportError) as caught:
        read_report(raw, marketplace="US", date_order="MDY")
    assert 'column "Currency"' in str(caught.value) or "7 Day Total Sales (₹)" in str(caught.value)
    raw = "Date,Spend,7 Day Total Sales (₹)\n01/03/2025,1.00,2.00\n".encode()
    with pytest.raises(ReportError, match=r'column "7 Day Total Sales \(₹\)".*--marketplace'):
        read_report(raw, marketplace="US", date_order="MDY")


def test_india_ads_with_rupee_headers_and_rs_amounts() -> None:
    result = read_report(
        fixture("sp_advertised_product_in.csv"), marketplace="IN", date_order="DMY"
    )
    store = [o for o in result.observations if o.scope == "store"]
    assert sum(o.value for o in store if o.metric == "ad_spend") == D("300.00")
    assert sum(o.value for o in store if o.metric == "ad_sales") == D("1200.00")
    assert {o.currency for o in store if o.currency} == {"INR"}


# --- headers ------------------------------------------------------------------------------


def test_chinese_sessions_with_an_en_dash_feed_conversion(cli) -> None:
    code, _, err = cli("kpi", "import", str(FIXTURES / "business_zh_en_dash.csv"))
    assert code == 0, err
    assert show(cli, "2024-12")["conversion"]["value"] == pytest.approx(15 / 125, abs=1e-6)


def test_the_summary_lists_the_kpis_a_file_cannot_feed(cli) -> None:
    code, out, _ = cli("kpi", "import", str(FIXTURES / "business_by_month.csv"))
    assert code == 0
    assert "Conversion rate (unit session %): not fed by this file (no sessions column" in out


# --- ad types -----------------------------------------------------------------------------


def test_sponsored_products_brands_and_display_are_kept_apart_and_summed(cli) -> None:
    result = read_report(
        fixture("campaign_report_all_ad_types.csv"), marketplace="US", date_order="MDY"
    )
    assert result.sources == ["ads_sb", "ads_sd", "ads_sp"]
    cli("kpi", "import", str(FIXTURES / "campaign_report_all_ad_types.csv"))
    assert show(cli, "2025-11")["acos"]["value"] == pytest.approx(75 / 230, abs=1e-6)
    # re-importing the SD-only report replaces only the SD figures
    code, out, _ = cli("kpi", "import", str(FIXTURES / "sd_daily.csv"))
    assert code == 0 and "Sponsored Display" in out
    assert show(cli, "2025-11")["acos"]["value"] == pytest.approx(75 / 230, abs=1e-6)


def test_sb_import_does_not_replace_sp_figures_of_the_same_days(cli) -> None:
    cli("kpi", "import", str(FIXTURES / "sp_advertised_product_daily.csv"))
    before = show(cli, "2026-05")["acos"]["value"]
    sb = read_report(fixture("sb_14_day.csv"), marketplace="US", date_order="MDY")
    assert sb.sources == ["ads_sb"]
    cli("kpi", "import", str(FIXTURES / "sb_14_day.csv"))
    after = show(cli, "2026-05")["acos"]["value"]
    assert after != before  # both counted, not one replacing the other


# --- per ASIN -----------------------------------------------------------------------------


def test_the_by_item_report_needs_its_period(cli) -> None:
    code, _, err = cli(
        "kpi", "import", str(FIXTURES / "business_by_child_item_uk_2025.csv"), "--marketplace", "UK"
    )
    assert code == 2 and "--from DATE --to DATE" in err


def test_by_item_report_feeds_per_asin_kpis_and_the_asin_table(cli) -> None:
    code, out, err = cli(
        "kpi", "import", str(FIXTURES / "business_by_child_item_uk_2025.csv"),
        "--marketplace", "UK", "--from", "2025-06-01", "--to", "2025-06-30",
    )  # fmt: skip
    assert code == 0, err
    one = show(cli, "2025-06", "--marketplace", "UK", "--asin", "B0CHILD002")
    assert one["sales"]["value"] == pytest.approx(112.60, abs=1e-6)
    assert one["conversion"]["value"] == pytest.approx(10 / 400, abs=1e-6)
    assert one["conversion"]["status"] == "breach"
    # the store figures are not made of ASIN rows
    assert show(cli, "2025-06", "--marketplace", "UK")["sales"]["value"] is None
    code, out, _ = cli("kpi", "show", "--month", "2025-06", "--marketplace", "UK")
    table = out[out.index("ASINs this month") :].splitlines()[1:]
    assert [line.split()[1] for line in table] == ["B0CHILD001", "B0CHILD002", "B0CHILD003"]
    assert table[1].split()[0] == "✗" and table[0].split()[0] == "✓"


def test_a_by_item_range_that_straddles_months_is_refused(cli) -> None:
    code, _, err = cli(
        "kpi", "import", str(FIXTURES / "business_by_child_item_zh.csv"),
        "--from", "2024-11-20", "--to", "2024-12-10",
    )  # fmt: skip
    assert code == 2 and "straddles two months" in err


def test_advertised_product_rows_feed_per_asin_acos(cli) -> None:
    cli("kpi", "import", str(FIXTURES / "sp_advertised_product_in.csv"), "--marketplace", "IN")
    one = show(cli, "2025-03", "--marketplace", "IN", "--asin", "B0CHILD002")
    assert one["acos"]["value"] == pytest.approx(98.32 / 200, abs=1e-6)


def test_kpi_show_refuses_a_bad_asin(cli) -> None:
    code, _, err = cli("kpi", "show", "--asin", "nope")
    assert code == 2 and "not an ASIN" in err


# --- mapping ------------------------------------------------------------------------------


def test_an_erp_export_imports_with_a_mapping(cli) -> None:
    code, _, err = cli(
        "kpi", "import", str(FIXTURES / "erp_dianxiaomi_daily.csv"),
        "--map", str(FIXTURES / "erp_dianxiaomi_mapping.toml"),
    )  # fmt: skip
    assert code == 0, err
    december = show(cli, "2024-12")
    assert december["sales"]["value"] == pytest.approx(500.00, abs=1e-6)
    assert december["conversion"]["value"] == pytest.approx(20 / 160, abs=1e-6)


def test_a_bad_mapping_is_refused_in_one_line(cli, tmp_path) -> None:
    bad = tmp_path / "map.toml"
    bad.write_text('kind = "business"\n[columns]\nrevenue = "销售额"\n', encoding="utf-8")
    code, _, err = cli(
        "kpi", "import", str(FIXTURES / "erp_dianxiaomi_daily.csv"), "--map", str(bad)
    )
    assert code == 2 and "revenue" in err and len(err.strip().splitlines()) == 1


def test_the_shipped_example_mapping_is_valid() -> None:
    from kanban_tui.importers.mapping import load_mapping

    root = Path(__file__).resolve().parents[1]
    mapping = load_mapping((root / "data" / "mapping.example.toml").read_text(encoding="utf-8"))
    assert mapping.kind == "business" and mapping.columns["sales"] == "销售额"


# --- help pages and messages ---------------------------------------------------------------


def _commands(parser) -> list[list[str]]:
    import argparse

    found: list[list[str]] = [[]]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.extend([name, *rest] for rest in _commands(sub))
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_help_page_works_in_both_languages(cli, lang) -> None:
    from kanban_tui import i18n

    i18n.set_language(lang)
    commands = _commands(build_parser())
    assert ["kpi", "import"] in commands and ["kpi", "add"] in commands
    for command in commands:
        code, out, err = cli("--lang", lang, *command, "--help")
        assert code == 0, (command, err)
        assert "Traceback" not in err and out.strip()
    code, out, _ = cli("--lang", lang, "kpi", "import", "--help")
    assert "%d/%m/%Y" in out


def test_a_campaign_manager_export_is_explained(cli) -> None:
    code, _, err = cli("kpi", "import", str(FIXTURES / "campaign_manager_export.csv"))
    assert code == 2
    assert "Campaign Manager table export" in err and "the date is empty" not in err


# --- schema 1 → 2 -------------------------------------------------------------------------


def test_schema_1_observations_become_daily_periods_and_ads_becomes_sponsored_products(
    tmp_path,
) -> None:
    from kanban_tui.domain.models import SCHEMA_VERSION
    from kanban_tui.storage import open_database

    copy = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema_v1.db", copy)
    with sqlite3.connect(copy) as old:
        old.execute(
            "INSERT INTO kpi_observation (day, marketplace, scope, metric, value, source, "
            "currency, imported_at) VALUES ('2026-05-16', 'US', 'store', 'ad_spend', '12.5', "
            "'ads', 'USD', '2026-05-17 00:00:00')"
        )
    open_database(copy).close()
    with sqlite3.connect(copy) as new:
        rows = new.execute("SELECT day, period_end, source, value FROM kpi_observation").fetchall()
        assert new.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert rows == [("2026-05-16", "2026-05-16", "ads_sp", "12.5")]


# --- the KPI pane: ASIN table and selector -------------------------------------------------


async def test_the_pane_lists_the_months_asins_by_sales_and_i_shows_one(tmp_path, clock):
    from textual.widgets import DataTable, Static

    from kanban_tui.ui.screens.kpi import KpiScreen
    from tests.ui_helpers import make_app

    app, board = make_app(tmp_path / "board.db", clock)
    import_report(
        board.kpi,
        fixture("business_by_child_item_uk_2025.csv"),
        marketplace="UK",
        period=(date(2026, 11, 1), date(2026, 11, 30)),
    )
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KpiScreen)
        assert screen.marketplace == "UK" and screen.month == "2026-11"
        table = screen.query_one("#kpi-asins", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
        assert [row[1] for row in rows] == ["B0CHILD001", "B0CHILD002", "B0CHILD003"]
        assert [row[0] for row in rows] == ["✓", "✗", "✗"]  # conversion 20 %, 2.5 %, 10 %
        assert rows[1][2:] == ["112.60", "2.5%", "—"]
        # the store has no figures of its own; i shows the best seller, then the next
        assert screen.figures.tiles["sales"].value is None
        await pilot.press("i")
        await pilot.pause()
        assert screen.asin == "B0CHILD001"
        assert screen.figures.tiles["sales"].value == D("1126.00")
        await pilot.press("i")
        await pilot.pause()
        assert screen.asin == "B0CHILD002"
        assert screen.figures.tiles["conversion"].status.value == "breach"
        head = screen.query_one("#kpi-head", Static).content
        assert "ASIN B0CHILD002" in str(head)
        for _ in range(2):
            await pilot.press("i")
            await pilot.pause()
        assert screen.asin is None  # after the last ASIN: the whole store again


async def test_without_asin_data_i_says_how_to_get_it(tmp_path, clock):
    from kanban_tui.ui.screens.kpi import KpiScreen
    from tests.ui_helpers import make_app

    app, _board = make_app(tmp_path / "board.db", clock)
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, KpiScreen)
        await pilot.press("i")
        await pilot.pause()
        assert app.screen.asin is None
        messages = [str(n.message) for n in app._notifications]
        assert any("No per-ASIN data" in message for message in messages)


def test_a_period_given_for_a_file_with_its_own_dates_is_refused(cli) -> None:
    code, _, err = cli(
        "kpi", "import", str(FIXTURES / "business_ae_by_date.csv"), "--marketplace", "AE",
        "--month", "2022-09",
    )  # fmt: skip
    assert code == 2 and "do not apply" in err


def test_kpi_show_splits_ad_spend_by_ad_type(cli) -> None:
    cli("kpi", "import", str(FIXTURES / "campaign_report_all_ad_types.csv"))
    code, out, _ = cli("kpi", "show", "--month", "2025-11")
    assert code == 0
    lines = out[out.index("Ad spend by ad type") :].splitlines()[1:4]
    assert [line.split()[:2] for line in lines] == [
        ["Sponsored", "Brands"],
        ["Sponsored", "Display"],
        ["Sponsored", "Products"],
    ]
    assert lines[2].split()[-1] == "25.0%"  # 40.00 / 160.00
