"""Importing a 10,000-row XLSX ads report (issue 10): ``python -m benchmarks.xlsx_import``.

Builds a Sponsored Products advertised-product report of 10,000 rows (a title block above
the header, Excel dates, plain numbers, as the Advertising console writes it), then times
:func:`~kanban_tui.importers.read_report` on it beside a floor: the same rows as a CSV
file, read by the same importer. Prints the medians; never asserts a timing. The goal is
under 2 s for the XLSX. Needs openpyxl (a dev dependency) to write the workbook.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import time
from datetime import datetime, timedelta

ROWS = 10_000
GOAL_SECONDS = 2.0
HEADER = [
    "Date", "Portfolio name", "Currency", "Campaign Name", "Ad Group Name", "Advertised SKU",
    "Advertised ASIN", "Impressions", "Clicks", "Click-Thru Rate (CTR)", "Cost Per Click (CPC)",
    "Spend", "7 Day Total Sales ", "Total Advertising Cost of Sales (ACOS) ",
    "Total Return on Advertising Spend (ROAS)", "7 Day Total Orders (#)",
    "7 Day Total Units (#)", "7 Day Conversion Rate",
]  # fmt: skip


def _rows(count: int) -> list[list[object]]:
    start = datetime(2025, 1, 1)
    rows: list[list[object]] = []
    for n in range(count):
        clicks = 5 + n % 40
        spend = round(clicks * 1.17, 2)
        sales = round(spend * (2 + n % 5), 2)
        rows.append([
            start + timedelta(days=n % 28), "", "USD", f"Campaign {n % 50}", f"Group {n % 200}",
            f"SKU-{n % 300}", f"B0{n % 300:08d}", clicks * 90, clicks, 0.011, 1.17, spend,
            sales, round(spend / sales, 4), round(sales / spend, 2), n % 7, n % 9, 0.1,
        ])  # fmt: skip
    return rows


def build_xlsx(count: int = ROWS) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Sponsored Products")
    sheet.append(["Sponsored Products Advertised product report"])
    sheet.append([])
    sheet.append(HEADER)
    for row in _rows(count):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def build_csv(count: int = ROWS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in _rows(count):
        writer.writerow(
            [cell.strftime("%b %d, %Y") if isinstance(cell, datetime) else cell for cell in row]
        )
    return buffer.getvalue().encode("utf-8")


def _time(raw: bytes, runs: int) -> list[float]:
    from kanban_tui.importers import read_report

    samples = []
    for _ in range(runs + 1):  # the first run warms up and is discarded
        began = time.perf_counter()
        result = read_report(raw, marketplace="US", date_order="MDY")
        samples.append(time.perf_counter() - began)
        assert result.rows_read == ROWS
    return samples[1:]


def measure(runs: int = 5) -> dict[str, float]:
    xlsx, plain = build_xlsx(), build_csv()
    xlsx_times: list[float] = []
    csv_times: list[float] = []
    for _ in range(runs):  # interleaved, so drift in machine load hits both alike
        xlsx_times += _time(xlsx, 1)
        csv_times += _time(plain, 1)
    return {
        "xlsx_median_s": statistics.median(xlsx_times),
        "csv_floor_median_s": statistics.median(csv_times),
        "xlsx_bytes": float(len(xlsx)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    figures = measure(args.runs)
    xlsx, floor = figures["xlsx_median_s"], figures["csv_floor_median_s"]
    verdict = "yes" if xlsx < GOAL_SECONDS else "NO"
    print(f"import a {ROWS:,}-row XLSX ads report: {xlsx:.3f} s (median of {args.runs})")
    print(
        f"  floor, the same rows as CSV:          {floor:.3f} s  (XLSX − CSV {xlsx - floor:+.3f} s)"
    )
    print(f"  goal < {GOAL_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
