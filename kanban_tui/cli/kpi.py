"""``kpi add|show|targets`` (``kpi import`` is in :mod:`kanban_tui.cli.kpi_import`)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import TYPE_CHECKING, Any

from kanban_tui.cli import kpi_import
from kanban_tui.cli.args import check_year, day, market
from kanban_tui.cli.output import cells, pad, print_json, rpad, widest
from kanban_tui.cli.parser import Commands, json_flag
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from kanban_tui.cli.dispatch import BoardHandler
    from kanban_tui.services.kpi import MonthFigures
    from kanban_tui.services.session import Board


def register(commands: Commands) -> None:
    group = commands.group("kpi")
    kpi_import.register(group)

    add = group.add("add")
    add.add_argument("--date", required=True, metavar="YYYY-MM-DD", help=t("cli.opt.kpi_date"))
    add.add_argument("--metric", required=True, help=t("cli.opt.metric"))
    add.add_argument("--value", required=True, help=t("cli.opt.value"))
    add.add_argument("--marketplace", default=None, metavar="CODE", help=t("cli.opt.marketplace"))
    add.add_argument("--scope", default="store", metavar="ASIN", help=t("cli.opt.scope"))
    json_flag(add)

    show = group.add("show")
    show.add_argument("--month", metavar="YYYY-MM", help=t("cli.opt.month"))
    show.add_argument("--marketplace", default=None, metavar="CODE", help=t("cli.opt.marketplace"))
    show.add_argument("--asin", metavar="ASIN", help=t("cli.opt.show_asin"))
    json_flag(show)

    targets = group.add("targets")
    targets.add_argument(
        "--set", action="append", default=[], metavar="KPI=VALUE", help=t("cli.opt.target_set")
    )
    json_flag(targets)


def kpi(board: Board, args: argparse.Namespace) -> None:
    _ACTIONS[args.action](board, args)


def add(board: Board, args: argparse.Namespace) -> None:
    """``kpi add``: one value typed by the user (``12.5``, ``12.5%``, ``$1,250``)."""
    from kanban_tui.domain.numbers import NumberError, parse_number
    from kanban_tui.domain.validation import NUMBER_MAX
    from kanban_tui.i18n import t
    from kanban_tui.services.kpi_entry import Entry, record

    when = day("--date", args.date)
    check_year("--date", when.year, repr(args.date))
    try:
        value = parse_number(args.value, limit=NUMBER_MAX).fraction
    except NumberError:
        raise UsageError(
            "--value", t("errors.kpi.value_range", most=f"{NUMBER_MAX:,}", value=repr(args.value))
        ) from None
    entry = Entry(args.metric, when, value, args.scope)
    recorded = record(board.kpi, entry, market(board, args), board.check_alerts)
    if recorded.alerts_created:
        print(t("alerts.created", count=recorded.alerts_created), file=sys.stderr)
    print(json.dumps(recorded.summary.as_json()) if args.json else t("cli.kpi.added"))


def targets(board: Board, args: argparse.Namespace) -> None:
    """``kpi targets [--set KPI=VALUE]``: change targets, then list them all."""
    from kanban_tui.services.kpi_words import kpi_name, target_json, target_text

    service = board.kpi
    for spec in args.set:
        service.set_target(spec)
    found = service.targets()
    if args.json:
        print(json.dumps({key: target_json(target) for key, target in found.items()}))
        return
    names = {key: kpi_name(d) for key, d in service.definitions.items()}
    width = max(map(cells, names.values()))
    key_width = widest(found)
    for key, target in found.items():
        text = target_text(service.definitions[key], target)
        print(f"{pad(key, key_width)} {pad(names[key], width)} {text}")


def show(board: Board, args: argparse.Namespace) -> None:
    """``kpi show``: a month's tiles, pace, ad types, ASINs and marketplaces."""
    service = board.kpi
    code = market(board, args)
    month = args.month or service.latest_month(code) or board.cards.today().strftime("%Y-%m")
    if args.month:
        from kanban_tui.services.kpi import month_bounds

        month_bounds(args.month)  # a bad month is a usage error
    scope = "store"
    if args.asin:
        scope = args.asin.strip().upper()
        if not re.fullmatch(r"[A-Z0-9]{10}", scope):
            raise UsageError("--asin", t("errors.kpi.not_asin", value=repr(args.asin)))
    figures = service.month(month, code, scope)
    if args.json:
        print_json({key: tile.as_json() for key, tile in figures.tiles.items()})
        return
    heading = "cli.kpi.heading_asin" if args.asin else "cli.kpi.heading"
    print(t(heading, month=month, marketplace=code, days=figures.days_with_data, asin=scope))
    _tiles(board, figures)
    if len(figures.by_ad_type) > 1:
        _ad_types(board, figures)
    rows = [] if args.asin else service.asins(month, code)
    if figures.days_with_data == 0 and not rows:
        print(t("kpi.no_data", command="seller-kanban kpi import FILE --marketplace " + code))
    for item in figures.superseded:
        if item.scope == "store":
            span = kpi_import.short_span(item.start, item.end)
            print(t("cli.kpi.not_counted", source=t(f"kpi.source.{item.source}"), span=span))
    if rows:
        _asin_table(board, rows)
    _marketplaces(board, month)


def _tiles(board: Board, figures: MonthFigures) -> None:
    from kanban_tui.domain.judge import value_text
    from kanban_tui.domain.kpi import format_value
    from kanban_tui.services.kpi_words import kpi_name, target_text

    definitions = board.kpi.definitions
    tiles = figures.tiles
    names = {key: kpi_name(definitions[key], measured=tile.measured) for key, tile in tiles.items()}
    width = max(map(cells, names.values()))
    values = {
        key: value_text(definitions[key], tile.value, tile.target, tile.currency)
        for key, tile in tiles.items()
    }
    value_width = widest(values.values(), 16)
    for key, tile in tiles.items():
        definition = definitions[key]
        value = rpad(values[key], value_width)
        target = target_text(definition, tile.target)
        print(f"{tile.status.symbol} {pad(names[key], width)} {value}   {target}")
        pace = tile.pace
        if pace is not None and not pace.final and pace.projection is not None:
            line = t(
                "judge.cli_pace",
                expected=format_value(definition, pace.expected, tile.currency),
                day=pace.elapsed,
                days=pace.days,
                projection=format_value(definition, pace.projection, tile.currency),
                pace=f"{pace.pace * 100:.0f}%" if pace.pace is not None else "—",
            )
            print("  " + line)


def _ad_types(board: Board, figures: MonthFigures) -> None:
    from kanban_tui.domain.kpi import format_value

    definitions = board.kpi.definitions
    print(t("cli.kpi.by_ad_type"))
    lines = []
    for source, sums in figures.by_ad_type.items():
        spend, sales = sums.get("ad_spend"), sums.get("ad_sales")
        acos = spend / sales if spend is not None and sales else None
        acos_text = format_value(definitions["acos"], acos)
        spend_text = format_value(definitions["sales"], spend, figures.currency)
        lines.append((t(f"kpi.source.{source}"), spend_text, acos_text))
    label_width = widest((label for label, _, _ in lines), 22)
    spend_width = widest((spend for _, spend, _ in lines), 16)
    for label, spend_text, acos_text in lines:
        print(f"  {pad(label, label_width)} {rpad(spend_text, spend_width)}   ACoS {acos_text}")


def _asin_table(board: Board, rows: list[Any]) -> None:
    from kanban_tui.domain.kpi import format_value

    definitions = board.kpi.definitions
    print(t("cli.kpi.asin_table", count=len(rows)))
    shown = [
        (
            row,
            format_value(definitions["sales"], row.sales, row.currency),
            format_value(definitions["conversion"], row.conversion),
            format_value(definitions["acos"], row.acos),
        )
        for row in rows[:20]
    ]
    sales_width = widest((sales for _, sales, _, _ in shown), 16)
    for row, sales, conversion, acos in shown:
        print(
            f"  {row.status.symbol} {row.asin}  {rpad(sales, sales_width)}  "
            f"{rpad(conversion, 7)}  {rpad(acos, 7)}"
        )


def _marketplaces(board: Board, month: str) -> None:
    settings = board.settings
    per_market, total = board.kpi.sales_by_marketplace(month, settings.fx_rates, settings.fx_base)
    if len(per_market) <= 1:
        return
    print(t("cli.kpi.markets"))
    for code, (amount, currency) in per_market.items():
        print(f"  {code:<4} {amount:>16,.2f} {currency or ''}")
    if total is not None:
        print(t("cli.kpi.converted", total=f"{total:,.2f}", base=settings.fx_base))
    else:
        print(t("cli.kpi.no_rates"))


_ACTIONS: dict[str, BoardHandler] = {
    "import": kpi_import.run,
    "add": add,
    "show": show,
    "targets": targets,
}

HANDLERS: dict[str, BoardHandler] = {"kpi": kpi}
