"""The ``seller-kanban`` command.

With no subcommand it opens the board. Subcommands script the same service API the board
uses. This module never imports Textual unless the board is opened, so ``list --json``
starts as fast as SQLModel allows.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kanban_tui import __version__
from kanban_tui.errors import KanbanError, UsageError

ENV_DB = "SELLER_KANBAN_DB"
COLUMN_CHOICES = ("daily", "weekly", "monthly")
ALL_COLUMNS = (*COLUMN_CHOICES, "done")
PRIORITY_CHOICES = ("low", "normal", "high", "urgent")
#: The largest yearly sales goal (beyond any seller; keeps the month split exact).
GOAL_MAX = 10**15
#: The largest report file ``kpi import`` reads (a year of daily reports is a few MB).
REPORT_MAX_BYTES = 64 * 1024 * 1024


def _literal_help(text: Any) -> Any:
    """Help text as argparse must get it: our catalog's ``%`` (``12%``, ``%d/%m/%Y``) doubled,
    because argparse %-formats every help string."""
    return text.replace("%", "%%") if isinstance(text, str) else text


class _Subparsers(argparse._SubParsersAction):  # type: ignore[type-arg]
    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if "help" in kwargs:
            kwargs["help"] = _literal_help(kwargs["help"])
        return super().add_parser(name, **kwargs)


def wrap_cells(text: str, width: int) -> list[str]:
    """Wrap ``text`` to ``width`` terminal cells: a CJK character is two cells and a line may
    break between any two of them; other words break at spaces (argparse counts characters,
    so Chinese help ran past the terminal's edge)."""
    import re

    from rich.cells import cell_len

    width = max(width, 10)
    tokens = re.findall(
        r"\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+",
        text,
    )
    lines: list[str] = []
    line = ""
    for token in tokens:
        if token.isspace():
            if line:
                line += " "
            continue
        if line and cell_len(line) + cell_len(token) > width:
            lines.append(line.rstrip())
            line = ""
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class _CellFormatter(argparse.HelpFormatter):
    """Help text wrapped by terminal cells, not characters."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_cells(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap_cells(" ".join(text.split()), width))


class _RawCellFormatter(argparse.RawDescriptionHelpFormatter, _CellFormatter):
    """The top-level help: examples keep their lines; option help wraps by cells."""


class _Parser(argparse.ArgumentParser):
    """argparse with our messages: ``error`` prints the usage and a translated line; help
    texts are shown literally (see :func:`_literal_help`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("formatter_class") in (None, argparse.HelpFormatter):
            kwargs["formatter_class"] = _CellFormatter
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", _Subparsers)

    def add_argument(self, *args: Any, **kwargs: Any) -> Any:
        if "help" in kwargs:
            kwargs["help"] = _literal_help(kwargs["help"])
        return super().add_argument(*args, **kwargs)

    def error(self, message: str) -> Any:
        from kanban_tui.i18n import t

        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {t('cli.error')}: {message}\n")


#: argparse's own messages, translated through our catalog (argparse looks ``_`` up at call time).
_ARGPARSE_MESSAGES = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positional",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "show program's version number and exit": "argparse.version",
    "the following arguments are required: %s": "argparse.required",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "expected one argument": "argparse.expected_one",
    "invalid %(type)s value: %(value)r": "argparse.invalid_value",
}


def _translate_argparse() -> None:
    from kanban_tui.i18n import t

    def gettext(message: str) -> str:
        key = _ARGPARSE_MESSAGES.get(message)
        return t(key) if key else message

    argparse._ = gettext  # type: ignore[attr-defined]


def _number(text: str) -> int:
    """A whole number an id, a position or a year can be (SQLite's integers are 64-bit;
    anything near that is a typo, refused by argparse with the option's name)."""
    value = int(text)  # argparse turns ValueError into "invalid _number value"
    if abs(value) > 10**12:
        raise ValueError(text)
    return value


_number.__name__ = "number"


def _common(t: Callable[..., str]) -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--db", metavar="PATH", default=argparse.SUPPRESS, help=t("cli.opt.db", env=ENV_DB)
    )
    common.add_argument(
        "--lang", choices=("en", "zh"), default=argparse.SUPPRESS, help=t("cli.opt.lang")
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    from kanban_tui.i18n import t

    _translate_argparse()
    common = _common(t)
    parser = _Parser(
        prog="seller-kanban",
        description=t("cli.description"),
        epilog=t("cli.epilog"),
        parents=[common],
        formatter_class=_RawCellFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"seller-kanban {__version__}",
        help=t("argparse.version"),  # argparse reads its default text before we translate
    )
    sub = parser.add_subparsers(dest="command", metavar=t("cli.command"), parser_class=_Parser)

    def command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=t(f"cli.{name}.help"),
            description=t(f"cli.{name}.help"),
            parents=[common],
            **kwargs,
        )

    def card_fields(p: argparse.ArgumentParser, editing: bool) -> None:
        if editing:
            p.add_argument("--title", help=t("cli.opt.title"))
        p.add_argument("--category", help=t("cli.opt.category"))
        p.add_argument("--estimate", metavar="MIN", help=t("cli.opt.estimate"))
        p.add_argument("--priority", choices=PRIORITY_CHOICES, help=t("cli.opt.priority"))
        p.add_argument("--due", metavar="YYYY-MM-DD", help=t("cli.opt.due"))
        p.add_argument("--notes", metavar="TEXT", help=t("cli.opt.notes"))
        p.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    add = command("add")
    add.add_argument("title", help=t("cli.opt.title"))
    add.add_argument("--column", choices=COLUMN_CHOICES, default="daily", help=t("cli.opt.column"))
    card_fields(add, editing=False)

    listing = command("list")
    listing.add_argument("--column", choices=ALL_COLUMNS, help=t("cli.opt.column"))
    listing.add_argument("--all", action="store_true", help=t("cli.opt.all"))
    listing.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    move = command("move")
    move.add_argument("id", type=_number, help=t("cli.opt.id"))
    move.add_argument("--to", required=True, choices=ALL_COLUMNS, help=t("cli.opt.to"))
    move.add_argument("--position", type=_number, metavar="N", help=t("cli.opt.position"))
    move.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    for name in ("done", "reopen", "delete"):
        p = command(name)
        p.add_argument("id", type=_number, help=t("cli.opt.id"))
        p.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    edit = command("edit")
    edit.add_argument("id", type=_number, help=t("cli.opt.id"))
    card_fields(edit, editing=True)

    tick = command("tick")
    tick.add_argument("--now", metavar="ISO-TIME", help=t("cli.opt.now"))
    tick.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    templates = command(
        "templates",
        epilog=t("cli.templates.rules"),
        formatter_class=_RawCellFormatter,
    )
    tsub = templates.add_subparsers(dest="action", metavar=t("cli.command"), parser_class=_Parser)
    tsub.required = True

    def template_command(name: str) -> argparse.ArgumentParser:
        return tsub.add_parser(
            name,
            help=t(f"cli.templates.{name}"),
            description=t(f"cli.templates.{name}"),
            parents=[common],
        )

    def template_fields(p: argparse.ArgumentParser) -> None:
        p.add_argument("--title-zh", metavar="TEXT", help=t("cli.opt.title_zh"))
        p.add_argument("--category", help=t("cli.opt.category"))
        p.add_argument("--estimate", metavar="MIN", help=t("cli.opt.estimate"))
        p.add_argument("--priority", choices=PRIORITY_CHOICES, help=t("cli.opt.priority"))
        p.add_argument("--column", choices=COLUMN_CHOICES, help=t("cli.opt.column"))
        p.add_argument("--rule", help=t("cli.opt.rule"))
        p.add_argument("--at", metavar="HH:MM", help=t("cli.opt.at"))
        p.add_argument("--marketplace", metavar="CODE", help=t("cli.opt.marketplace"))
        p.add_argument("--on-period-end", choices=("expire", "carry"), help=t("cli.opt.on_end"))
        p.add_argument("--checklist", action="append", metavar="ITEM", help=t("cli.opt.checklist"))
        p.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    tlist = template_command("list")
    tlist.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    tadd = template_command("add")
    tadd.add_argument("title", help=t("cli.opt.title"))
    template_fields(tadd)
    tedit = template_command("edit")
    tedit.add_argument("id", type=_number, help=t("cli.opt.template_id"))
    tedit.add_argument("--title", help=t("cli.opt.title"))
    template_fields(tedit)
    for name in ("pause", "resume", "delete"):
        p = template_command(name)
        p.add_argument("id", type=_number, help=t("cli.opt.template_id"))
        p.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    kpi = command("kpi")
    ksub = kpi.add_subparsers(dest="action", metavar=t("cli.command"), parser_class=_Parser)
    ksub.required = True

    def kpi_command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return ksub.add_parser(
            name,
            help=t(f"cli.kpi.{name}"),
            description=t(f"cli.kpi.{name}"),
            parents=[common],
            **kwargs,
        )

    kimport = kpi_command("import")
    kimport.add_argument("file", help=t("cli.opt.report_file"))
    kimport.add_argument(
        "--marketplace", default=None, metavar="CODE", help=t("cli.opt.marketplace")
    )
    kimport.add_argument(
        "--type",
        choices=("auto", "business", "ads", "asin"),
        default="auto",
        help=t("cli.opt.report_type"),
    )
    kimport.add_argument(
        "--time-unit",
        choices=("auto", "daily", "summary", "monthly"),
        default="auto",
        help=t("cli.opt.time_unit"),
    )
    kimport.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help=t("cli.opt.from"))
    kimport.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help=t("cli.opt.to_day"))
    kimport.add_argument("--month", metavar="YYYY-MM", help=t("cli.opt.import_month"))
    kimport.add_argument("--ad-type", choices=("sp", "sb", "sd"), help=t("cli.opt.ad_type"))
    kimport.add_argument("--map", metavar="MAPPING.toml", help=t("cli.opt.map"))
    kimport.add_argument(
        "--date-order", choices=("MDY", "DMY", "YMD"), help=t("cli.opt.date_order")
    )
    kimport.add_argument("--date-format", metavar="FORMAT", help=t("cli.opt.date_format"))
    kimport.add_argument(
        "--date", dest="snapshot_date", metavar="YYYY-MM-DD", help=t("judge.snapshot_date")
    )
    kimport.add_argument("--dry-run", action="store_true", help=t("cli.opt.dry_run"))
    kimport.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    kadd = kpi_command("add")
    kadd.add_argument("--date", required=True, metavar="YYYY-MM-DD", help=t("cli.opt.kpi_date"))
    kadd.add_argument("--metric", required=True, help=t("cli.opt.metric"))
    kadd.add_argument("--value", required=True, help=t("cli.opt.value"))
    kadd.add_argument("--marketplace", default=None, metavar="CODE", help=t("cli.opt.marketplace"))
    kadd.add_argument("--scope", default="store", metavar="ASIN", help=t("cli.opt.scope"))
    kadd.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    kshow = kpi_command("show")
    kshow.add_argument("--month", metavar="YYYY-MM", help=t("cli.opt.month"))
    kshow.add_argument("--marketplace", default=None, metavar="CODE", help=t("cli.opt.marketplace"))
    kshow.add_argument("--asin", metavar="ASIN", help=t("cli.opt.show_asin"))
    kshow.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    ktargets = kpi_command("targets")
    ktargets.add_argument(
        "--set", action="append", default=[], metavar="KPI=VALUE", help=t("cli.opt.target_set")
    )
    ktargets.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    backup = command("backup")
    backup.add_argument("-o", "--output", metavar="FILE", help=t("cli.opt.backup_file"))
    restore = command("restore")
    restore.add_argument("file", help=t("cli.opt.restore_file"))
    doctor = command("doctor")
    doctor.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    keys = command("keys")
    keys.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    goal = command("goal")
    gsub = goal.add_subparsers(dest="action", metavar=t("cli.command"), parser_class=_Parser)
    gsub.required = True
    gset = gsub.add_parser(
        "set", help=t("cli.goal.set"), description=t("cli.goal.set"), parents=[common]
    )
    gset.add_argument("amount", help=t("cli.opt.goal_amount"))
    gset.add_argument("--year", type=_number, help=t("cli.opt.year"))
    gset.add_argument("--currency", default="USD", help=t("cli.opt.currency"))
    gset.add_argument("--weights", metavar="W1,…,W12", help=t("cli.opt.weights"))
    gset.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    report = command("report")
    report.add_argument("--month", metavar="YYYY-MM", help=t("cli.report.month"))
    report.add_argument("--window", metavar="4w:YYYY-MM-DD", help=t("cli.report.window"))
    report.add_argument(
        "--format", choices=("md", "json"), default="md", help=t("cli.report.format")
    )
    report.add_argument("-o", "--output", metavar="FILE", help=t("cli.report.output"))
    report.add_argument("--note", metavar="TEXT", help=t("cli.report.note"))

    export = command("export")
    esub = export.add_subparsers(dest="action", metavar=t("cli.command"), parser_class=_Parser)
    esub.required = True
    eics = esub.add_parser(
        "ics", help=t("cli.export.ics"), description=t("cli.export.ics"), parents=[common]
    )
    eics.add_argument("-o", "--output", metavar="FILE", help=t("cli.export.output"))
    ecards = esub.add_parser(
        "cards", help=t("cli.export.cards"), description=t("cli.export.cards"), parents=[common]
    )
    ecards.add_argument(
        "--format", choices=("csv", "json"), default="csv", help=t("cli.export.format")
    )
    ecards.add_argument("-o", "--output", metavar="FILE", help=t("cli.export.output"))

    # --- issue 12 (engineer D): the `db` command group lives in kanban_tui/cli_db.py
    from kanban_tui import cli_db

    cli_db.register(command, _Parser, common)
    # --- end issue 12

    serve = command("serve")
    serve.add_argument("--host", default="127.0.0.1", help=t("cli.serve.host"))
    serve.add_argument("--port", type=int, default=8000, help=t("cli.serve.port"))
    serve.add_argument("--token", help=t("cli.serve.token", env="SELLER_KANBAN_TOKEN"))

    return parser


# --------------------------------------------------------------------------- helpers
def _language(argv: Sequence[str], settings_lang: str | None) -> str:
    from kanban_tui.i18n import from_locale, normalise

    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return normalise(argv[index + 1]) or "en"
        if arg.startswith("--lang="):
            return normalise(arg.split("=", 1)[1]) or "en"
    return settings_lang or from_locale() or "en"


def _db_location(args: argparse.Namespace) -> str:
    from kanban_tui import locations

    location = getattr(args, "db", None) or os.environ.get(ENV_DB)
    if location and any("\ud800" <= char <= "\udfff" for char in location):
        raise UsageError(ENV_DB, "holds bytes that are not UTF-8 text")
    return location or str(locations.default_database())


def _print_card(row: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(row.as_json(), ensure_ascii=False))
    else:
        print(row.id)


def _line(row: Any) -> str:
    from kanban_tui.domain.text import one_line
    from kanban_tui.format import category_label
    from kanban_tui.i18n import t

    parts = [f"#{row.id:<5}", f"{t('column.' + row.column.value):<8}"]
    if row.priority.value != "normal":
        parts.append(f"[{t('priority.' + row.priority.value)}]")
    parts.append(one_line(row.title))
    details = [one_line(category_label(row.category))] if row.category else []
    if row.estimate_minutes:
        details.append(t("card.minutes", minutes=row.estimate_minutes))
    if row.due:
        details.append(t("card.due", date=row.due.isoformat()))
    if details:
        parts.append("(" + ", ".join(details) + ")")
    return "  ".join(parts)


def _fields(args: argparse.Namespace, *names: str) -> dict[str, Any]:
    mapping = {"estimate": "estimate_minutes"}
    values: dict[str, Any] = {}
    for name in names:
        value = getattr(args, name, None)
        if value is not None:
            values[mapping.get(name, name)] = value
    return values


# --------------------------------------------------------------------------- commands
def _run(args: argparse.Namespace, settings: Any) -> int:
    from kanban_tui.domain.models import Column
    from kanban_tui.services.board import system_clock
    from kanban_tui.services.session import open_board

    # `tick --now T` is "pretend it is T" for everything, the first-run plan load included
    now = _parse_now(args.now) if name_is(args, "tick") else None
    clock = (lambda: now) if now is not None else system_clock
    location = _db_location(args)
    if getattr(args, "output", None) and args.command in ("report", "export"):
        # refused before the board is opened: a refused command writes nothing at all
        from pathlib import Path

        from kanban_tui.storage.database import resolve_target
        from kanban_tui.storage.files import check_output

        check_output(Path(args.output), resolve_target(location).path)
    board = open_board(location, settings, clock=clock, interactive=False)
    try:
        service = board.cards
        name = args.command
        if name == "add":
            values = _fields(args, "category", "estimate", "priority", "due", "notes")
            row = service.add({"title": args.title, **values}, Column(args.column))
            _print_card(row, args.json)
        elif name == "list":
            chosen = Column(args.column) if args.column else None
            if args.json and sys.stdout.isatty():  # for reading: one field a line
                print(json.dumps(service.list_json(chosen, args.all), ensure_ascii=False, indent=2))
            elif args.json:  # for a pipe or a file: compact, made by the database
                sys.stdout.write(service.list_json_text(chosen, args.all) + "\n")
            else:
                rows = service.list_cards(chosen, args.all)
                for row in rows:
                    print(_line(row))
        elif name == "move":
            if args.position is not None and args.position < 0:
                raise UsageError("--position", "must be 0 or more")
            row = service.move(args.id, Column(args.to), args.position)
            _print_card(row, args.json)
        elif name in ("done", "reopen"):
            row = service.set_done(args.id, name == "done")
            _print_card(row, args.json)
        elif name == "delete":
            row = service.delete(args.id)
            _print_card(row, args.json)
        elif name == "edit":
            values = _fields(args, "title", "category", "estimate", "priority", "due", "notes")
            if not values:
                raise UsageError("edit", "nothing to change: give --title, --category, …")
            row = service.edit(args.id, values)
            _print_card(row, args.json)
        elif name == "tick":
            _tick(board, args)
        elif name == "templates":
            _templates(board, args)
        elif name == "kpi":
            _kpi(board, args)
        elif name == "goal":
            _goal(board, args)
        elif name == "report":
            _report(board, args)
        elif name == "export":
            _export(board, args)
    finally:
        # also when the action is refused: no connection (or -wal/-shm) is left open
        board.close()
    return 0


def _market(board: Any, args: argparse.Namespace) -> str:
    from kanban_tui.domain.recurrence import RuleError, marketplace

    code = args.marketplace or board.settings.default_marketplace
    try:
        return marketplace(code).code
    except RuleError as exc:
        raise UsageError("--marketplace", str(exc)) from None


def _kpi(board: Any, args: argparse.Namespace) -> None:
    from datetime import date
    from decimal import Decimal, InvalidOperation

    from kanban_tui.domain.validation import NUMBER_MAX, YEARS, year_in_range
    from kanban_tui.i18n import t

    service = board.kpi
    if args.action == "import":
        _kpi_import(board, args)
        return
    if args.action == "add":
        try:
            day = date.fromisoformat(args.date)
        except ValueError:
            raise UsageError("--date", f"not a date: {args.date!r} (use 2026-11-25)") from None
        if not year_in_range(day.year):
            raise UsageError(
                "--date", f"{args.date!r} is out of range (years {YEARS[0]} to {YEARS[1]})"
            )
        text = args.value.strip()
        try:
            value = Decimal(text.rstrip("%"))
            if not value.is_finite() or abs(value) >= NUMBER_MAX:
                raise InvalidOperation
        except InvalidOperation:
            raise UsageError(
                "--value", f"not a number below {NUMBER_MAX:,}: {args.value!r}"
            ) from None
        if text.endswith("%"):
            value = value / 100
        summary = service.add(day, args.metric, value, _market(board, args), args.scope)
        _report_alerts(board)
        print(json.dumps(summary.as_json()) if args.json else t("cli.kpi.added"))
        return
    if args.action == "targets":
        for spec in args.set:
            service.set_target(spec)
        targets = service.targets()
        if args.json:
            print(json.dumps({key: _target_json(target) for key, target in targets.items()}))
            return
        names = {key: _kpi_name(d) for key, d in service.definitions.items()}
        width = max(map(_cells, names.values()))
        key_width = _widest(targets)
        for key, target in targets.items():
            definition = service.definitions[key]
            name = _pad(names[key], width)
            print(f"{_pad(key, key_width)} {name} {_target_text(definition, target)}")
        return
    market = _market(board, args)
    month = args.month or service.latest_month(market) or board.cards.today().strftime("%Y-%m")
    if args.month:
        from kanban_tui.services.kpi import month_bounds

        month_bounds(args.month)  # a bad month is a usage error
    scope = "store"
    if args.asin:
        scope = args.asin.strip().upper()
        if not re.fullmatch(r"[A-Z0-9]{10}", scope):
            raise UsageError("--asin", f"{args.asin!r} is not an ASIN (10 letters and digits)")
    figures = service.month(month, market, scope)
    if args.json:
        tiles = {key: tile.as_json() for key, tile in figures.tiles.items()}
        print(json.dumps(tiles, ensure_ascii=False))
        return
    from kanban_tui.domain.judge import value_text
    from kanban_tui.domain.kpi import format_value

    heading = "cli.kpi.heading_asin" if args.asin else "cli.kpi.heading"
    print(t(heading, month=month, marketplace=market, days=figures.days_with_data, asin=scope))
    names = {
        key: _kpi_name(service.definitions[key], tile.measured)
        for key, tile in figures.tiles.items()
    }
    width = max(map(_cells, names.values()))
    values = {
        key: value_text(service.definitions[key], tile.value, tile.target, tile.currency)
        for key, tile in figures.tiles.items()
    }
    value_width = _widest(values.values(), 16)
    for key, tile in figures.tiles.items():
        definition = service.definitions[key]
        value = _rpad(values[key], value_width)
        target = _target_text(definition, tile.target)
        print(f"{tile.status.symbol} {_pad(names[key], width)} {value}   {target}")
        pace = tile.pace
        if pace is not None and not pace.final and pace.projection is not None:
            print(
                "  "
                + t(
                    "judge.cli_pace",
                    expected=format_value(definition, pace.expected, tile.currency),
                    day=pace.elapsed,
                    days=pace.days,
                    projection=format_value(definition, pace.projection, tile.currency),
                    pace=f"{pace.pace * 100:.0f}%" if pace.pace is not None else "—",
                )
            )
    if len(figures.by_ad_type) > 1:
        print(t("cli.kpi.by_ad_type"))
        lines = []
        for source, sums in figures.by_ad_type.items():
            spend, sales = sums.get("ad_spend"), sums.get("ad_sales")
            acos = spend / sales if spend is not None and sales else None
            acos_text = format_value(service.definitions["acos"], acos)
            spend_text = format_value(service.definitions["sales"], spend, figures.currency)
            lines.append((t(f"kpi.source.{source}"), spend_text, acos_text))
        label_width = _widest((label for label, _, _ in lines), 22)
        spend_width = _widest((spend for _, spend, _ in lines), 16)
        for label, spend_text, acos_text in lines:
            print(
                f"  {_pad(label, label_width)} {_rpad(spend_text, spend_width)}   ACoS {acos_text}"
            )
    rows = [] if args.asin else service.asins(month, market)
    if figures.days_with_data == 0 and not rows:
        print(t("kpi.no_data", command="seller-kanban kpi import FILE --marketplace " + market))
    for item in figures.superseded:
        if item.scope == "store":
            print(
                t(
                    "cli.kpi.not_counted",
                    source=t(f"kpi.source.{item.source}"),
                    span=_short_span(item.start, item.end),
                )
            )
    if rows:
        print(t("cli.kpi.asin_table", count=len(rows)))
        shown = [
            (
                row,
                format_value(service.definitions["sales"], row.sales, row.currency),
                format_value(service.definitions["conversion"], row.conversion),
                format_value(service.definitions["acos"], row.acos),
            )
            for row in rows[:20]
        ]
        sales_width = _widest((sales for _, sales, _, _ in shown), 16)
        for row, sales, conversion, acos in shown:
            print(
                f"  {row.status.symbol} {row.asin}  {_rpad(sales, sales_width)}  "
                f"{_rpad(conversion, 7)}  {_rpad(acos, 7)}"
            )
    settings = board.settings
    per_market, total = service.sales_by_marketplace(month, settings.fx_rates, settings.fx_base)
    if len(per_market) > 1:
        print(t("cli.kpi.markets"))
        for code, (amount, currency) in per_market.items():
            print(f"  {code:<4} {amount:>16,.2f} {currency or ''}")
        if total is not None:
            print(t("cli.kpi.converted", total=f"{total:,.2f}", base=settings.fx_base))
        else:
            print(t("cli.kpi.no_rates"))


def _import_period(args: argparse.Namespace) -> tuple[Any, Any] | None:
    """``--from``/``--to`` or ``--month`` as (first day, last day), or None."""
    from datetime import date, timedelta

    def day(option: str, text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise UsageError(option, f"not a date: {text!r} (use 2026-11-25)") from None

    if args.month:
        if args.start or args.end:
            raise UsageError("--month", "give either --month or --from/--to, not both")
        from kanban_tui.services.kpi import month_bounds

        start, end = month_bounds(args.month)
        return start, end - timedelta(days=1)
    if args.start or args.end:
        if not (args.start and args.end):
            raise UsageError("--from" if not args.start else "--to", "give both --from and --to")
        first, last = day("--from", args.start), day("--to", args.end)
        if last < first:
            raise UsageError("--to", f"{last} is before --from {first}")
        return first, last
    return None


def _kpi_import(board: Any, args: argparse.Namespace) -> None:
    from datetime import date
    from pathlib import Path

    from kanban_tui.importers.parsing import ParseError

    service = board.kpi
    path = Path(args.file)
    raw = _read_report_file(path)
    period = _import_period(args)
    snapshot_day = None
    if args.snapshot_date:
        try:
            snapshot_day = date.fromisoformat(args.snapshot_date)
        except ValueError:
            raise UsageError(
                "--date", f"not a date: {args.snapshot_date!r} (use 2026-11-25)"
            ) from None
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
            text = _read_report_file(map_path).decode("utf-8-sig")  # never a FIFO or /dev/zero
        except UnicodeDecodeError:
            raise UsageError("--map", f"{map_path} cannot be read (it is not UTF-8 text)") from None
        try:
            mapping = load_mapping(text, str(map_path))
        except ParseError as exc:
            raise UsageError("--map", str(exc)) from None
        if kind not in ("auto", mapping.kind):
            raise UsageError("--type", f"the mapping is for {mapping.kind} reports, not {kind}")
        kind, columns = mapping.kind, mapping.columns
        date_order = date_order or mapping.date_order
        date_format = date_format or mapping.date_format
        ad_type = ad_type or mapping.ad_type
    try:
        summary = service.import_report(
            raw,
            marketplace=_market(board, args),
            kind=kind,
            date_format=date_format,
            dry_run=args.dry_run,
            date_order=date_order,
            time_unit=args.time_unit,
            period=period,
            ad_type=ad_type,
            mapping=columns,
            day=snapshot_day,
        )
    except ParseError as exc:
        raise UsageError(str(path), str(exc)) from None
    if not summary.dry_run:
        _report_alerts(board)
    if args.json:
        print(json.dumps(summary.as_json(), ensure_ascii=False))
        return
    for line in _import_lines(summary, service):
        print(line)


def _short_span(start: Any, end: Any) -> str:
    """``Dec 1–22, 2019`` style text of a span, in the catalog's format."""
    from kanban_tui.i18n import t

    if start == end:
        return t("cli.kpi.span_day", day=start.isoformat())
    return t("cli.kpi.span", start=start.isoformat(), end=end.isoformat())


def _import_lines(summary: Any, service: Any) -> list[str]:
    """The import summary as the user reads it: what was read, the periods, what the month
    figures leave out and why, skipped rows, and the KPIs the file could not feed."""
    import calendar

    from kanban_tui.i18n import language, t

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
        spans = ", ".join(_short_span(a, b) for a, b in summary.periods[:6])
        if len(summary.periods) > 6:
            spans += ", …"
        lines.append(t(f"cli.kpi.unit_{summary.granularity}", spans=spans))
    if summary.asins:
        lines.append(t("cli.kpi.asins", count=len(summary.asins)))
    if summary.one_date is not None:
        lines.append(t("cli.kpi.one_date", day=summary.one_date.isoformat()))
    for item in summary.superseded:
        month = item.start.strftime("%Y-%m")
        whole = (
            item.start.day == 1
            and item.end.day == calendar.monthrange(item.end.year, item.end.month)[1]
        )
        lines.append(
            t(
                "cli.kpi.superseded_daily" if item.by_daily_data else "cli.kpi.superseded_finer",
                month=month,
                source=t(f"kpi.source.{item.source}"),
                report=t("cli.kpi.monthly_report" if whole else "cli.kpi.summary_report"),
                span=_short_span(item.start, item.end),
            )
        )
    for rows, start, end in summary.skipped:
        shown = ", ".join(str(row) for row in rows[:8]) + (", …" if len(rows) > 8 else "")
        lines.append(t("cli.kpi.straddles", rows=shown, span=_short_span(start, end)))
    for kpi, metric, headers in summary.unfed:
        definition = service.definitions[kpi]
        name = definition.name_zh if language() == "zh" else definition.name_en
        lines.append(t("cli.kpi.unfed", kpi=name, metric=metric, headers=" / ".join(headers[:4])))
    return lines


def _read_report_file(path: Any) -> bytes:
    """The bytes of a report file: a regular file of at most :data:`REPORT_MAX_BYTES`
    (never a FIFO or a device such as ``/dev/zero``, which would block or never end)."""
    from kanban_tui.storage.files import check_regular_input

    try:
        check_regular_input(path)
    except KanbanError as exc:
        raise UsageError(exc.title, exc.message) from None
    try:
        with path.open("rb") as handle:
            raw = handle.read(REPORT_MAX_BYTES + 1)
    except OSError as exc:
        raise KanbanError(str(path), f"cannot be read ({exc.strerror})") from None
    if len(raw) > REPORT_MAX_BYTES:
        raise UsageError(
            str(path),
            f"is larger than {REPORT_MAX_BYTES // (1024 * 1024)} MB; export a shorter date "
            "range from Seller Central",
        )
    return raw


def _report_alerts(board: Any) -> None:
    """Risk alerts after an import, a manual value or a tick; said on stderr so JSON on
    stdout stays clean."""
    from kanban_tui.i18n import t

    found = board.check_alerts()
    if found.created:
        print(t("alerts.created", count=len(found.created)), file=sys.stderr)


def _kpi_name(definition: Any, measured: bool = False) -> str:
    from kanban_tui.i18n import language

    zh = language() == "zh"
    if measured and definition.measured_name_en:
        return str(definition.measured_name_zh if zh else definition.measured_name_en)
    return str(definition.name_zh if zh else definition.name_en)


def _cells(text: str) -> int:
    """Terminal cells of ``text`` (a Chinese character takes two, a combining mark none)."""
    from rich.cells import cell_len

    return cell_len(text)


def _pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal cells."""
    return text + " " * max(0, width - _cells(text))


def _rpad(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal cells."""
    return " " * max(0, width - _cells(text)) + text


def _widest(texts: Iterable[str], least: int = 0) -> int:
    return max([least, *map(_cells, texts)])


def _target_json(target: Any) -> dict[str, Any] | None:
    if target is None or target.is_empty:
        return None
    return {
        "min": float(target.min) if target.min is not None else None,
        "max": float(target.max) if target.max is not None else None,
        "comparison": target.comparison.value,
    }


def _target_text(definition: Any, target: Any) -> str:
    from kanban_tui.domain.judge import target_text

    return target_text(definition, target)


def _goal(board: Any, args: argparse.Namespace) -> None:
    from decimal import Decimal, InvalidOperation

    from kanban_tui.domain.validation import YEARS, year_in_range
    from kanban_tui.i18n import t

    try:
        amount = Decimal(args.amount.replace(",", ""))
        weights = [Decimal(w) for w in args.weights.split(",")] if args.weights else []
    except InvalidOperation:
        raise UsageError("goal", "amounts and weights must be numbers") from None
    year = args.year or board.cards.today().year
    if not year_in_range(year):
        raise UsageError("--year", f"{year} is out of range (years {YEARS[0]} to {YEARS[1]})")
    if (
        not amount.is_finite()
        or not 0 < amount < GOAL_MAX
        or any(not w.is_finite() or not 0 <= w < GOAL_MAX for w in weights)
    ):
        raise UsageError("goal", f"amounts and weights must be positive numbers below {GOAL_MAX:,}")
    board.kpi.set_goal(year, amount, args.currency, weights)
    months = [board.kpi.monthly_goal(f"{year}-{m:02d}") for m in range(1, 13)]
    if args.json:
        shares = [str(m[0]) if m else None for m in months]
        print(
            json.dumps(
                {
                    "year": year,
                    "amount": str(amount),
                    "currency": args.currency.upper(),
                    "months": shares,
                }
            )
        )
        return
    print(t("cli.goal.saved", year=year, amount=f"{amount:,.2f}", currency=args.currency.upper()))
    for number, month in enumerate(months, start=1):
        if month:
            print(f"  {year}-{number:02d}  {month[0]:>14,.2f}")


def _report(board: Any, args: argparse.Namespace) -> None:
    """The review of a month or a four-week window, as Markdown or JSON."""
    from kanban_tui.exporters import markdown
    from kanban_tui.i18n import t
    from kanban_tui.services.review import ReviewService, parse_period

    if args.month and args.window:
        raise UsageError("--window", t("review.month_or_window"))
    if args.window and not args.window.strip().lower().startswith("4w:"):
        raise UsageError(args.window, t("review.bad_period"))
    if args.month and args.month.strip().lower().startswith("4w:"):
        raise UsageError(args.month, t("review.bad_period"))
    period = args.window or args.month or board.cards.today().strftime("%Y-%m")
    parse_period(period)  # a bad period is refused before anything is written
    board.templates.tick()  # periods missed since the last tick count in the review
    service = ReviewService(board)
    if args.note is not None:
        service.save_note(period, args.note)
    review = service.review(period)
    if args.format == "json":
        text = json.dumps(review.as_json(), ensure_ascii=False, indent=1) + "\n"
    else:
        text = markdown.render(review)
    _emit(text.encode("utf-8"), args.output, board.db.target.path)


def _export(board: Any, args: argparse.Namespace) -> None:
    """Templates as an iCalendar file, or every card as CSV or JSON."""
    from kanban_tui.i18n import language

    if args.action == "ics":
        from kanban_tui.exporters.ics import to_ics

        rows = board.templates.rows(include_paused=False)
        data = to_ics(rows, board.cards.clock(), language())
    else:
        from kanban_tui.exporters import cards

        found = board.cards.list_cards(include_all=True)
        data = cards.to_csv(found) if args.format == "csv" else cards.to_json(found)
    _emit(data, args.output, board.db.target.path)


def _emit(data: bytes, output: str | None, live: Any = None) -> None:
    """Write an export to ``output`` atomically and print its path, or to stdout.

    ``output`` is refused when it is the open database ``live``, any database, a FIFO or a
    device (see :func:`kanban_tui.storage.files.check_output`)."""
    if output:
        from pathlib import Path

        from kanban_tui.exporters import write_atomic
        from kanban_tui.storage.files import check_output

        target = check_output(Path(output), live)
        _say(str(write_atomic(target, data)))
        return
    if sys.stdout.isatty():  # user text must not drive the terminal
        from kanban_tui.domain.text import literal

        data = literal(data.decode("utf-8")).encode("utf-8")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _say(text: str) -> None:
    """Print one piece of user-facing text the way the board shows it: control characters
    (terminal escapes) made visible, never interpreted."""
    from kanban_tui.domain.text import literal

    print(literal(text))


def _data_command(args: argparse.Namespace, settings: Any) -> int:
    """backup / restore / doctor: they work on the file, even one that will not open."""
    from datetime import datetime
    from pathlib import Path

    from kanban_tui import locations
    from kanban_tui.i18n import t
    from kanban_tui.storage.backup import MANUAL, backup_to, copy_path, doctor, prune, restore_from
    from kanban_tui.storage.database import inspect_file, resolve_target
    from kanban_tui.storage.files import check_output

    target = resolve_target(_db_location(args))
    live = target.path
    now = datetime.now()
    if args.command == "doctor":
        import platform

        from kanban_tui import __version__
        from kanban_tui.domain.models import SCHEMA_VERSION

        extra: dict[str, Any] = {
            "seller_kanban": __version__,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "config_file": str(locations.config_file()),
            "data_dir": str(locations.data_dir()),
        }
        try:
            if live is not None:
                inspect_file(live)
            extra["opens"] = "yes"
        except KanbanError as exc:
            extra["opens"] = f"no: {exc.message}"
        report = doctor(live, extra, lambda: SCHEMA_VERSION)
        if args.json:
            print(json.dumps(report, ensure_ascii=False, indent=1, default=str))
        else:
            for key, value in report.items():
                if key == "backups":
                    _say(f"{key:<16} " + (t("cli.doctor.no_backups") if not value else ""))
                    for kind, names in value.items():
                        _say(f"  {kind:<16} {len(names):>3}  " + ", ".join(names[-3:]))
                    continue
                _say(f"{key:<16} {value}")
        healthy = (
            str(report.get("integrity", "ok")) == "ok"
            and str(report.get("schema", "ok")).startswith("ok")
            and extra["opens"] == "yes"
        )
        return 0 if healthy else 1
    if live is None:
        raise UsageError("--db", "an in-memory database has nothing to back up or restore")
    if args.command == "backup":
        if inspect_file(live) is None:
            raise KanbanError(str(live), "does not exist")
        if args.output:
            output = check_output(Path(args.output), live, overwrite=False)
            _say(str(backup_to(live, output)))
            return 0
        _say(str(backup_to(live, copy_path(live, MANUAL, now))))
        prune(live, settings.backups_kept)
        return 0
    safety = restore_from(Path(args.file), live, None, now, settings.backups_kept)
    _say(t("cli.restore.done", file=args.file, safety=safety))
    return 0


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Refuse arguments holding bytes that are not UTF-8 (they reach Python as lone
    surrogates, which nothing can store or print)."""
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str) and any("\ud800" <= char <= "\udfff" for char in item):
                positional = name in ("title", "file", "amount")
                option = name if positional else "--" + name.replace("_", "-")
                raise UsageError(option, "holds bytes that are not UTF-8 text; nothing changed")


def name_is(args: argparse.Namespace, name: str) -> bool:
    return getattr(args, "command", None) == name


def _parse_now(text: str | None) -> Any:
    from datetime import datetime

    from kanban_tui.domain.validation import YEARS, year_in_range

    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            "--now", f"not an ISO time: {text!r} (e.g. 2026-11-25T08:00:00+00:00)"
        ) from None
    if moment.tzinfo is None:
        raise UsageError("--now", "give a UTC offset, e.g. 2026-11-25T08:00:00+00:00")
    if not year_in_range(moment.year):
        raise UsageError("--now", f"{text!r} is out of range (years {YEARS[0]} to {YEARS[1]})")
    return moment


def _tick(board: Any, args: argparse.Namespace) -> None:
    from kanban_tui.domain.text import one_line
    from kanban_tui.i18n import t

    result = board.templates.tick()
    _report_alerts(board)
    first = board.first_tick  # a brand-new database already ticked while loading the plan
    if first is not None:
        for group in ("created", "expired", "carried_over", "missed"):
            getattr(result, group)[:0] = getattr(first, group)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
        return
    for group in ("created", "expired", "carried_over", "missed"):
        items = getattr(result, group)
        print(t(f"cli.tick.{group}", count=len(items)))
        for item in items:
            card = f"#{item.card_id}" if item.card_id else "—"
            _say(f"  {card:<7} {item.period_key:<11} {one_line(item.title)}")


def _template_values(args: argparse.Namespace) -> dict[str, Any]:
    mapping = {
        "title": "title_en",
        "title_zh": "title_zh",
        "category": "category",
        "estimate": "estimate_minutes",
        "priority": "priority",
        "column": "column",
        "rule": "rule",
        "at": "at",
        "marketplace": "marketplace",
        "on_period_end": "on_period_end",
        "checklist": "checklist",
    }
    return {
        field: getattr(args, name)
        for name, field in mapping.items()
        if getattr(args, name, None) is not None
    }


def _templates(board: Any, args: argparse.Namespace) -> None:
    from kanban_tui.domain.text import one_line
    from kanban_tui.i18n import language, t

    service = board.templates
    action = args.action
    if action == "list":
        rows = service.rows()
        if args.json:
            print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
            return
        for row in rows:
            state = "" if row.active else f" [{t('templates.paused')}]"
            due = row.next_due.strftime("%Y-%m-%d %H:%M %Z") if row.next_due else "—"
            _say(f"{row.id:>4}  {one_line(row.title(language()))}{state}")
            _say(f"      {one_line(row.describe(language()))} · {t('templates.next', when=due)}")
        return
    if action == "add":
        values = _template_values(args)
        values.setdefault("marketplace", board.settings.default_marketplace)
        row = service.add(values)
    elif action == "edit":
        values = _template_values(args)
        if not values:
            raise UsageError("templates edit", "nothing to change: give --title, --rule, …")
        row = service.edit(args.id, values)
    elif action in ("pause", "resume"):
        row = service.set_active(args.id, action == "resume")
    else:
        row = service.delete(args.id)
    print(json.dumps(row.as_json(), ensure_ascii=False) if args.json else row.id)


def _keymap(settings: Any) -> Any:
    """The board's actions with ``[keymap]`` applied; a bad entry names its line."""
    from kanban_tui import locations
    from kanban_tui.ui.keymap import resolve

    return resolve(settings.keymap, locations.config_file())


def _keys(args: argparse.Namespace, settings: Any) -> int:
    """``seller-kanban keys``: every action id, its keys in force and what it does."""
    from kanban_tui.domain.text import literal
    from kanban_tui.i18n import t
    from kanban_tui.ui.keymap import normalise, shown

    actions = _keymap(settings)
    rows = [
        {
            "action": a.id,
            "keys": [normalise(k) for k in a.keys.split(",")],
            "description": t(f"action.{a.id}"),
        }
        for a in actions
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    from rich.cells import cell_len

    width = max(cell_len(row["action"]) for row in rows)
    keys_width = max(cell_len(" / ".join(shown(k) for k in row["keys"])) for row in rows)
    for row in rows:
        keys = " / ".join(shown(k) for k in row["keys"])
        print(
            f"{row['action']:<{width}}  {keys}{' ' * (keys_width - cell_len(keys))}  "
            f"{literal(row['description'])}"
        )
    return 0


def _open_app(args: argparse.Namespace, settings: Any, lang: str) -> int:
    from kanban_tui.services.session import open_board

    actions = _keymap(settings)  # a bad keymap stops here, before the database is opened
    board = open_board(_db_location(args), settings)
    from kanban_tui.ui.app import KanbanApp

    app = KanbanApp(board, settings=settings, language=lang, actions=actions)
    app.run()
    board.close()
    return app.return_code or 0


def _serve(args: argparse.Namespace, settings: Any, lang: str) -> int:
    """The board in a browser: checks everything before the port is opened."""
    from pathlib import Path

    from kanban_tui.i18n import t
    from kanban_tui.services.session import open_board
    from kanban_tui.storage.database import resolve_target
    from kanban_tui.web.server import TOKEN_ENV, check_options

    token = args.token if args.token is not None else os.environ.get(TOKEN_ENV) or None
    check_options(args.host, args.port, token)
    location = _db_location(args)
    target = resolve_target(location)
    if target.path is None and not target.is_server:  # issue 12: a PostgreSQL board serves too
        raise UsageError("--db", t("web.in_memory"))
    if "://" not in location:
        location = str(Path(location).expanduser().resolve())
    # open it once here: a damaged or foreign file is refused before any tab sees it,
    # and a new database gets its plan before the first tab opens
    open_board(location, settings, interactive=False).close()
    from kanban_tui.web.server import serve

    return serve(database=location, lang=lang, host=args.host, port=args.port, token=token)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from kanban_tui import config
    from kanban_tui.i18n import set_language

    try:
        try:
            settings = config.load()
        except KanbanError:
            set_language(_language(argv, None))
            raise
        lang = _language(argv, settings.language)
        set_language(lang)
        args = build_parser().parse_args(argv)
        _check_text_arguments(args)
        if args.command is None:
            return _open_app(args, settings, lang)
        if args.command == "keys":
            return _keys(args, settings)
        # --- issue 12 (engineer D): `db …`, and backup/restore/doctor on PostgreSQL
        if args.command == "db":
            from kanban_tui import cli_db

            return cli_db.run(args, _db_location(args))
        if args.command in ("backup", "restore", "doctor") and "postgresql" in _db_location(args):
            from kanban_tui import cli_db

            return cli_db.server_data_command(args, _db_location(args))
        # --- end issue 12
        if args.command in ("backup", "restore", "doctor"):
            return _data_command(args, settings)
        if args.command == "serve":
            return _serve(args, settings, lang)
        return _run(args, settings)
    except KanbanError as exc:
        from kanban_tui.domain.text import literal

        # messages can quote user data (a report's cell, a file name): never raw escapes
        text = f"{exc.title}: {exc.message}" if exc.message else exc.title
        print(f"seller-kanban: {literal(text)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `seller-kanban list | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except (OverflowError, ArithmeticError) as exc:
        # a number or date far out of range that no check caught: still one line
        print(f"seller-kanban: a number or date is out of range ({exc!s:.80})", file=sys.stderr)
        return 2
    except Exception as exc:
        from sqlite3 import Error as SQLiteError

        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, ValueError) and "out of range" in str(exc):
            print(f"seller-kanban: a date is out of range ({exc!s:.80})", file=sys.stderr)
            return 2
        if not isinstance(exc, SQLAlchemyError | SQLiteError):
            raise
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        print(f"seller-kanban: database error: {reason}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
