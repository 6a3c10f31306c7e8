"""``seller-kanban``: the parser made from the command groups, the dispatch table
(command → handler), and the one place errors become a line on stderr and an exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from kanban_tui.cli import (
    app,
    cards,
    data,
    db,
    goals,
    keys,
    kpi,
    people,
    report,
    templates,
    tick,
)
from kanban_tui.cli.args import check_text_arguments, db_location, language
from kanban_tui.cli.parser import Parser, common_options, top_parser
from kanban_tui.errors import KanbanError

if TYPE_CHECKING:
    from kanban_tui.config import Settings
    from kanban_tui.services.session import Board

#: A command that works on the open board (the services of one database).
BoardHandler = Callable[["Board", argparse.Namespace], None]
#: A command that decides itself what it opens; returns the exit code.
Handler = Callable[[argparse.Namespace, "Settings", str], int]

#: The command groups, in the order ``--help`` lists their commands.
_GROUPS = (cards, tick, templates, kpi, data, keys, goals, report, db, people, app)


def build_parser() -> Parser:
    from kanban_tui import __version__

    common = common_options()
    parser, commands = top_parser(common, __version__)
    for group in _GROUPS:
        group.register(commands)
    return parser


def _on_board(handler: BoardHandler) -> Handler:
    """``handler`` run on the board of ``--db``, which is closed afterwards (also when the
    action is refused: no connection, ``-wal`` or ``-shm`` is left open)."""

    def run(args: argparse.Namespace, settings: Settings, lang: str) -> int:
        from kanban_tui.services.board import system_clock
        from kanban_tui.services.session import open_board

        # `tick --now T` is "pretend it is T" for everything, the first-run plan load included
        now = tick.parse_now(args.now) if args.command == "tick" else None
        clock = (lambda: now) if now is not None else system_clock
        location = db_location(args)
        if getattr(args, "output", None):
            # refused before the board is opened: a refused command writes nothing at all
            from kanban_tui.services.files import check_output, database_file

            check_output(args.output, database_file(location))
        board = open_board(location, settings, clock=clock, interactive=False)
        try:
            handler(board, args)
        finally:
            board.close()
        return 0

    return run


#: Command name (None: no command, the board) → what runs it.
DISPATCH: dict[str | None, Handler] = {
    **{name: _on_board(handler) for group in (cards, tick, templates, kpi, goals, report)
       for name, handler in group.HANDLERS.items()},
    **data.HANDLERS,
    **keys.HANDLERS,
    **db.HANDLERS,
    **people.HANDLERS,
    **app.HANDLERS,
}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from kanban_tui import config
    from kanban_tui.i18n import set_language

    try:
        try:
            settings = config.load()
        except KanbanError:
            set_language(language(argv, None))
            raise
        lang = language(argv, settings.language)
        set_language(lang)
        args = build_parser().parse_args(argv)
        check_text_arguments(args)
        return DISPATCH[args.command](args, settings, lang)
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
        from kanban_tui.services.files import database_error

        if isinstance(exc, ValueError) and "out of range" in str(exc):
            print(f"seller-kanban: a date is out of range ({exc!s:.80})", file=sys.stderr)
            return 2
        reason = database_error(exc)
        if reason is None:
            raise
        print(f"seller-kanban: database error: {reason}", file=sys.stderr)
        return 1
