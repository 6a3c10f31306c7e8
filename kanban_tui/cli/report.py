"""``report`` (the month's or four weeks' review) and ``export ics|cards``."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from kanban_tui.cli.output import emit
from kanban_tui.cli.parser import Commands
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from kanban_tui.cli.dispatch import BoardHandler
    from kanban_tui.services.session import Board


def register(commands: Commands) -> None:
    report = commands.add("report")
    report.add_argument("--month", metavar="YYYY-MM", help=t("cli.report.month"))
    report.add_argument("--window", metavar="4w:YYYY-MM-DD", help=t("cli.report.window"))
    report.add_argument(
        "--format", choices=("md", "json"), default="md", help=t("cli.report.format")
    )
    report.add_argument("-o", "--output", metavar="FILE", help=t("cli.report.output"))
    report.add_argument("--note", metavar="TEXT", help=t("cli.report.note"))

    export = commands.group("export")
    ics = export.add("ics")
    ics.add_argument("-o", "--output", metavar="FILE", help=t("cli.export.output"))
    cards = export.add("cards")
    cards.add_argument(
        "--format", choices=("csv", "json"), default="csv", help=t("cli.export.format")
    )
    cards.add_argument("-o", "--output", metavar="FILE", help=t("cli.export.output"))


def report(board: Board, args: argparse.Namespace) -> None:
    """The review of a month or a four-week window, as Markdown or JSON."""
    from kanban_tui.exporters import markdown
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
    emit(text.encode("utf-8"), args.output, board.db.target.path)


def export(board: Board, args: argparse.Namespace) -> None:
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
    emit(data, args.output, board.db.target.path)


HANDLERS: dict[str, BoardHandler] = {"report": report, "export": export}
