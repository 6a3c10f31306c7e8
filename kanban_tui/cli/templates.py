"""``templates list|add|edit|pause|resume|delete``: the recurring cards."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kanban_tui.cli import people
from kanban_tui.cli.args import fields
from kanban_tui.cli.output import print_json, print_row, say
from kanban_tui.cli.parser import (
    COLUMN_CHOICES,
    PRIORITY_CHOICES,
    Commands,
    RawCellFormatter,
    json_flag,
    number,
)
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from kanban_tui.cli.dispatch import BoardHandler
    from kanban_tui.services.session import Board

#: Template options → the service's field names.
_FIELDS = {
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
    "assignee": "assignee",
}


def register(commands: Commands) -> None:
    group = commands.group(
        "templates", epilog=t("cli.templates.rules"), formatter_class=RawCellFormatter
    )
    json_flag(group.add("list"))
    add = group.add("add")
    add.add_argument("title", help=t("cli.opt.title"))
    _template_fields(add)
    edit = group.add("edit")
    edit.add_argument("id", type=number, help=t("cli.opt.template_id"))
    edit.add_argument("--title", help=t("cli.opt.title"))
    _template_fields(edit)
    for name in ("pause", "resume", "delete"):
        one = group.add(name)
        one.add_argument("id", type=number, help=t("cli.opt.template_id"))
        json_flag(one)


def _template_fields(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--title-zh", metavar="TEXT", help=t("cli.opt.title_zh"))
    parser.add_argument("--category", help=t("cli.opt.category"))
    parser.add_argument("--estimate", metavar="MIN", help=t("cli.opt.estimate"))
    parser.add_argument("--priority", choices=PRIORITY_CHOICES, help=t("cli.opt.priority"))
    parser.add_argument("--column", choices=COLUMN_CHOICES, help=t("cli.opt.column"))
    parser.add_argument("--rule", help=t("cli.opt.rule"))
    parser.add_argument("--at", metavar="HH:MM", help=t("cli.opt.at"))
    parser.add_argument("--marketplace", metavar="CODE", help=t("cli.opt.marketplace"))
    parser.add_argument("--on-period-end", choices=("expire", "carry"), help=t("cli.opt.on_end"))
    parser.add_argument("--checklist", action="append", metavar="ITEM", help=t("cli.opt.checklist"))
    parser.add_argument("--assignee", metavar="NAME", help=t("people.opt.assignee"))
    json_flag(parser)


def templates(board: Board, args: argparse.Namespace) -> None:
    from kanban_tui.domain.text import one_line
    from kanban_tui.i18n import language

    service = board.templates
    action = args.action
    if action == "list":
        rows = service.rows()
        if args.json:
            print_json([r.as_json() for r in rows], indent=1)
            return
        for item in rows:
            state = "" if item.active else f" [{t('templates.paused')}]"
            due = item.next_due.strftime("%Y-%m-%d %H:%M %Z") if item.next_due else "—"
            who = f"  ({one_line(people.short(item.assignee))})" if item.assignee else ""
            say(f"{item.id:>4}  {one_line(item.title(language()))}{state}{who}")
            say(f"      {one_line(item.describe(language()))} · {t('templates.next', when=due)}")
        return
    values = fields(args, _FIELDS)
    if action == "add":
        values.setdefault("marketplace", board.settings.default_marketplace)
        row = service.add(values)
    elif action == "edit":
        if not values:
            raise UsageError("templates edit", t("errors.cli.template_edit_nothing"))
        row = service.edit(args.id, values)
    elif action in ("pause", "resume"):
        row = service.set_active(args.id, action == "resume")
    else:
        row = service.delete(args.id)
    print_row(row, args.json)


HANDLERS: dict[str, BoardHandler] = {"templates": templates}
