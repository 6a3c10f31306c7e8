"""Cards: ``add``, ``list``, ``move``, ``done``, ``reopen``, ``delete``, ``edit``,
``history``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from kanban_tui.cli import people
from kanban_tui.cli.args import fields
from kanban_tui.cli.output import print_json, print_row, say
from kanban_tui.cli.parser import (
    ALL_COLUMNS,
    COLUMN_CHOICES,
    PRIORITY_CHOICES,
    Commands,
    json_flag,
    number,
)
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from kanban_tui.cli.dispatch import BoardHandler
    from kanban_tui.services.board import CardRow
    from kanban_tui.services.session import Board

#: Card options → the service's field names.
_FIELDS = {
    "title": "title",
    "category": "category",
    "estimate": "estimate_minutes",
    "priority": "priority",
    "due": "due",
    "notes": "notes",
    "assignee": "assignee",
}


def register(commands: Commands) -> None:
    add = commands.add("add")
    add.add_argument("title", help=t("cli.opt.title"))
    add.add_argument("--column", choices=COLUMN_CHOICES, default="daily", help=t("cli.opt.column"))
    _card_fields(add, editing=False)

    listing = commands.add("list")
    listing.add_argument("--column", choices=ALL_COLUMNS, help=t("cli.opt.column"))
    listing.add_argument("--all", action="store_true", help=t("cli.opt.all"))
    people.list_options(listing, t)
    json_flag(listing)

    move = commands.add("move")
    move.add_argument("id", type=number, help=t("cli.opt.id"))
    move.add_argument("--to", required=True, choices=ALL_COLUMNS, help=t("cli.opt.to"))
    move.add_argument("--position", type=number, metavar="N", help=t("cli.opt.position"))
    json_flag(move)

    for name in ("done", "reopen", "delete"):
        one = commands.add(name)
        one.add_argument("id", type=number, help=t("cli.opt.id"))
        json_flag(one)

    edit = commands.add("edit")
    edit.add_argument("id", type=number, help=t("cli.opt.id"))
    _card_fields(edit, editing=True)

    history = commands.add("history")
    history.add_argument("id", type=number, help=t("cli.opt.id"))
    history.add_argument("--limit", type=number, metavar="N", help=t("cli.history.limit"))
    json_flag(history)


def _card_fields(parser: argparse.ArgumentParser, editing: bool) -> None:
    if editing:
        parser.add_argument("--title", help=t("cli.opt.title"))
    parser.add_argument("--category", help=t("cli.opt.category"))
    parser.add_argument("--estimate", metavar="MIN", help=t("cli.opt.estimate"))
    parser.add_argument("--priority", choices=PRIORITY_CHOICES, help=t("cli.opt.priority"))
    parser.add_argument("--due", metavar="YYYY-MM-DD", help=t("cli.opt.due"))
    parser.add_argument("--notes", metavar="TEXT", help=t("cli.opt.notes"))
    parser.add_argument("--assignee", metavar="NAME", help=t("people.opt.assignee"))
    json_flag(parser)


def add(board: Board, args: argparse.Namespace) -> None:
    from kanban_tui.domain.models import Column

    values = fields(args, _FIELDS)  # the title is the positional argument
    print_row(board.cards.add(values, Column(args.column)), args.json)


def listing(board: Board, args: argparse.Namespace) -> None:
    from kanban_tui.domain.models import Column

    service = board.cards
    chosen = Column(args.column) if args.column else None
    who = people.list_assignee(args, service)
    if args.json and sys.stdout.isatty():  # for reading: one field a line
        print_json(service.list_json(chosen, args.all, who), indent=2)
    elif args.json:  # for a pipe or a file: compact, made by the database
        sys.stdout.write(service.list_json_text(chosen, args.all, who) + "\n")
    else:
        for row in service.list_cards(chosen, args.all, who):
            print(_line(row))


def _line(row: CardRow) -> str:
    from kanban_tui.domain.text import one_line
    from kanban_tui.format import category_label

    parts = [f"#{row.id:<5}", f"{t('column.' + row.column.value):<8}"]
    if row.priority.value != "normal":
        parts.append(f"[{t('priority.' + row.priority.value)}]")
    parts.append(one_line(row.title))
    details = [one_line(category_label(row.category))] if row.category else []
    if row.estimate_minutes:
        details.append(t("card.minutes", minutes=row.estimate_minutes))
    if row.due:
        details.append(t("card.due", date=row.due.isoformat()))
    if row.assignee:
        details.append(one_line(people.short(row.assignee)))
    if details:
        parts.append("(" + ", ".join(details) + ")")
    return "  ".join(parts)


def move(board: Board, args: argparse.Namespace) -> None:
    from kanban_tui.domain.models import Column

    if args.position is not None and args.position < 0:
        raise UsageError("--position", t("errors.cli.at_least", least=0))
    print_row(board.cards.move(args.id, Column(args.to), args.position), args.json)


def done(board: Board, args: argparse.Namespace) -> None:
    print_row(board.cards.set_done(args.id, True), args.json)


def reopen(board: Board, args: argparse.Namespace) -> None:
    print_row(board.cards.set_done(args.id, False), args.json)


def delete(board: Board, args: argparse.Namespace) -> None:
    print_row(board.cards.delete(args.id), args.json)


def edit(board: Board, args: argparse.Namespace) -> None:
    values = fields(args, _FIELDS)
    if not values:
        raise UsageError("edit", t("errors.cli.edit_nothing"))
    print_row(board.cards.edit(args.id, values), args.json)


def history(board: Board, args: argparse.Namespace) -> None:
    """The card's history, newest first, in the reader's language (``--json``: the stored
    facts with the sentence beside them)."""
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit", t("errors.cli.at_least", least=1))
    rows = board.cards.card_history(args.id, args.limit)
    if args.json:
        print_json([row.as_json() for row in rows], indent=2 if sys.stdout.isatty() else None)
    elif not rows:
        print(t("activity.none"))
    else:
        today = board.cards.today()
        for row in rows:
            say(row.line(today))


HANDLERS: dict[str, BoardHandler] = {
    "add": add,
    "list": listing,
    "move": move,
    "done": done,
    "reopen": reopen,
    "delete": delete,
    "edit": edit,
    "history": history,
}
