"""``kpi import FILE``: a Seller Central / Advertising report (or an inventory snapshot)
read into the KPIs, and the summary the user reads."""

from __future__ import annotations

import argparse
import calendar
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from kanban_tui.cli.args import day, market, report_alerts
from kanban_tui.cli.output import print_json
from kanban_tui.cli.parser import Commands, json_flag
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from kanban_tui.services.kpi import ImportSummary, KpiService
    from kanban_tui.services.session import Board


def register(group: Commands) -> None:
    imp = group.add("import")
    imp.add_argument("file", help=t("cli.opt.report_file"))
    imp.add_argument("--marketplace", default=None, metavar="CODE", help=t("cli.opt.marketplace"))
    imp.add_argument(
        "--type",
        choices=("auto", "business", "ads", "asin"),
        default="auto",
        help=t("cli.opt.report_type"),
    )
    imp.add_argument(
        "--time-unit",
        choices=("auto", "daily", "summary", "monthly"),
        default="auto",
        help=t("cli.opt.time_unit"),
    )
    imp.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help=t("cli.opt.from"))
    imp.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help=t("cli.opt.to_day"))
    imp.add_argument("--month", metavar="YYYY-MM", help=t("cli.opt.import_month"))
    imp.add_argument("--ad-type", choices=("sp", "sb", "sd"), help=t("cli.opt.ad_type"))
    imp.add_argument("--map", metavar="MAPPING.toml", help=t("cli.opt.map"))
    imp.add_argument("--date-order", choices=("MDY", "DMY", "YMD"), help=t("cli.opt.date_order"))
    imp.add_argument("--date-format", metavar="FORMAT", help=t("cli.opt.date_format"))
    imp.add_argument(
        "--date", dest="snapshot_date", metavar="YYYY-MM-DD", help=t("judge.snapshot_date")
    )
    imp.add_argument("--dry-run", action="store_true", help=t("cli.opt.dry_run"))
    json_flag(imp)


def _period(args: argparse.Namespace) -> tuple[date, date] | None:
    """``--from``/``--to`` or ``--month`` as (first day, last day), or None."""
    if args.month:
        if args.start or args.end:
            raise UsageError("--month", t("errors.cli.month_or_range"))
        from kanban_tui.services.kpi import month_bounds

        start, end = month_bounds(args.month)
        return start, end - timedelta(days=1)
    if args.start or args.end:
        if not (args.start and args.end):
            raise UsageError("--from" if not args.start else "--to", t("errors.cli.both_ends"))
        first, last = day("--from", args.start), day("--to", args.end)
        if last < first:
            raise UsageError("--to", t("errors.cli.before_from", last=last, first=first))
        return first, last
    return None


def run(board: Board, args: argparse.Namespace) -> None:
    from kanban_tui.importers.parsing import ParseError

    service = board.kpi
    path = Path(args.file)
    raw = read_report_file(path)
    period = _period(args)
    snapshot_day = day("--date", args.snapshot_date) if args.snapshot_date else None
    kind, date_order, date_format, ad_type = (
        args.type,
        args.date_order,
        args.date_format,
        args.ad_type,
    )
    columns = None
    if args.map:
        from kanban_tui.importers.mapping import load_mapping

        map_path = Path(args.map)
        try:
            text = read_report_file(map_path).decode("utf-8-sig")  # never a FIFO or /dev/zero
        except UnicodeDecodeError:
            raise UsageError("--map", t("errors.cli.map_not_utf8", path=map_path)) from None
        try:
            mapping = load_mapping(text, str(map_path))
        except ParseError as exc:
            raise UsageError("--map", str(exc)) from None
        if kind not in ("auto", mapping.kind):
            raise UsageError("--type", t("errors.cli.map_kind", mapped=mapping.kind, kind=kind))
        kind, columns = mapping.kind, mapping.columns
        date_order = date_order or mapping.date_order
        date_format = date_format or mapping.date_format
        ad_type = ad_type or mapping.ad_type
    try:
        # the importer parses, the KPI service stores (services import no readers)
        from kanban_tui.importers.kpi_file import read_kpi_file

        where = market(board, args)
        parsed = read_kpi_file(
            raw,
            marketplace=where,
            latest=service.latest_day(where),
            kind=kind,
            date_format=date_format,
            date_order=date_order,
            time_unit=args.time_unit,
            period=period,
            ad_type=ad_type,
            mapping=columns,
            day=snapshot_day,
        )
        summary = service.store(parsed, marketplace=where, dry_run=args.dry_run)
    except ParseError as exc:
        raise UsageError(str(path), str(exc)) from None
    if not summary.dry_run:
        report_alerts(board)
    if args.json:
        print_json(summary.as_json())
        return
    for line in _summary_lines(summary, service):
        print(line)


def short_span(start: date, end: date) -> str:
    """``Dec 1–22, 2019`` style text of a span, in the catalog's format."""
    if start == end:
        return t("cli.kpi.span_day", day=start.isoformat())
    return t("cli.kpi.span", start=start.isoformat(), end=end.isoformat())


def _summary_lines(summary: ImportSummary, service: KpiService) -> list[str]:
    """The import summary as the user reads it: what was read, the periods, what the month
    figures leave out and why, skipped rows, and the KPIs the file could not feed."""
    from kanban_tui.services.kpi_words import kpi_name

    kind = t(f"kpi.source.{summary.kind}")
    if summary.sources and summary.kind == "ads":
        kind = " + ".join(t(f"kpi.source.{source}") for source in summary.sources)
    key = "cli.kpi.dry_run_done" if summary.dry_run else "cli.kpi.imported"
    first = summary.days[0].isoformat() if summary.days else "—"
    last = max(
        (end for _, end in summary.periods), default=summary.days[-1] if summary.days else None
    )
    lines = [
        t(
            key,
            kind=kind,
            rows=summary.rows_read,
            first=first,
            last=last.isoformat() if last else "—",
            added=summary.added,
            replaced=summary.replaced,
            unchanged=summary.unchanged,
            marketplace=summary.marketplace,
        )
    ]
    if summary.granularity != "day":
        spans = ", ".join(short_span(a, b) for a, b in summary.periods[:6])
        if len(summary.periods) > 6:
            spans += ", …"
        lines.append(t(f"cli.kpi.unit_{summary.granularity}", spans=spans))
    if summary.asins:
        lines.append(t("cli.kpi.asins", count=len(summary.asins)))
    if summary.one_date is not None:
        lines.append(t("cli.kpi.one_date", day=summary.one_date.isoformat()))
    for item in summary.superseded:
        whole = (
            item.start.day == 1
            and item.end.day == calendar.monthrange(item.end.year, item.end.month)[1]
        )
        lines.append(
            t(
                "cli.kpi.superseded_daily" if item.by_daily_data else "cli.kpi.superseded_finer",
                month=item.start.strftime("%Y-%m"),
                source=t(f"kpi.source.{item.source}"),
                report=t("cli.kpi.monthly_report" if whole else "cli.kpi.summary_report"),
                span=short_span(item.start, item.end),
            )
        )
    for rows, start, end in summary.skipped:
        shown = ", ".join(str(row) for row in rows[:8]) + (", …" if len(rows) > 8 else "")
        lines.append(t("cli.kpi.straddles", rows=shown, span=short_span(start, end)))
    for kpi, metric, headers in summary.unfed:
        name = kpi_name(service.definitions[kpi])
        lines.append(t("cli.kpi.unfed", kpi=name, metric=metric, headers=" / ".join(headers[:4])))
    return lines


def read_report_file(path: Path) -> bytes:
    """The bytes of a report (or mapping) file: a regular file of at most
    ``REPORT_MAX_BYTES``."""
    from kanban_tui import cli  # the limit is read at call time: tests lower it
    from kanban_tui.services.files import read_input

    return read_input(path, cli.REPORT_MAX_BYTES, t("errors.kpi.shorter_range"))
