"""``seller-kanban``: the parser made from the command groups, the dispatch table
(command → handler), and the one place errors become a line on stderr and an exit code."""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from importlib import import_module
from typing import TYPE_CHECKING, Any, NoReturn

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

#: The command groups (modules of this package), in the order ``--help`` lists their commands.
_GROUPS = (
    "cards", "tick", "templates", "kpi", "data", "keys", "goals", "report", "db", "people", "app",
)  # fmt: skip
#: Groups whose handlers work on the open board (:data:`BoardHandler`); the others'
#: handlers decide themselves what they open (:data:`Handler`).
_BOARD_GROUPS = frozenset(("cards", "tick", "templates", "kpi", "goals", "report"))

#: Command name (None: no command, the board) → the group that registers and runs it. Only
#: the group of the command given is imported and put in the parser (a script's ``add``
#: builds one command's parser, not forty); ``tests/test_cli_parser.py`` checks this table
#: against what the groups register.
DISPATCH: dict[str | None, str] = {
    **dict.fromkeys(
        ("add", "list", "move", "done", "reopen", "delete", "edit", "history"), "cards"
    ),
    "tick": "tick",
    "templates": "templates",
    "kpi": "kpi",
    **dict.fromkeys(("backup", "restore", "doctor"), "data"),
    "keys": "keys",
    "goal": "goals",
    **dict.fromkeys(("report", "export"), "report"),
    "db": "db",
    "whoami": "people",
    **dict.fromkeys((None, "serve"), "app"),
}


def _group(name: str) -> Any:
    return import_module(f"kanban_tui.cli.{name}")


#: The top level's options that take a value.
_VALUED = ("--db", "--lang")


def command_of(argv: Sequence[str]) -> str | None:
    """The command word of ``argv`` (the first argument that is not an option or the value
    of ``--db`` / ``--lang``), or None when there is none or help comes before it."""
    values = iter(argv)
    for arg in values:
        if arg.startswith("--") and len(arg) > 2 and any(o.startswith(arg) for o in _VALUED):
            next(values, None)  # the value of --db / --lang (or of an abbreviation: --la)
        elif arg in ("-h", "--help", "--"):
            return None
        elif not arg.startswith("-"):
            return arg
    return None


def build_parser(argv: Sequence[str] | None = None) -> Parser:
    """The whole parser; with ``argv`` naming a known command, only that command's group
    (what parsing those arguments needs: the top level's options, and the group's own
    commands and help)."""
    from kanban_tui import __version__

    common = common_options()
    parser, commands = top_parser(common, __version__)
    command = command_of(argv) if argv is not None else None
    only = DISPATCH.get(command) if command is not None else None
    for name in _GROUPS if only is None else (only,):
        _group(name).register(commands)
    return parser


def handler(command: str | None) -> Handler:
    """What runs ``command`` (imports its group)."""
    name = DISPATCH[command]
    run = _group(name).HANDLERS[command]
    return _on_board(run) if name in _BOARD_GROUPS else run


def _on_board(handler: BoardHandler) -> Handler:
    """``handler`` run on the board of ``--db``, which is closed afterwards (also when the
    action is refused: no connection, ``-wal`` or ``-shm`` is left open)."""

    def run(args: argparse.Namespace, settings: Settings, lang: str) -> int:
        from kanban_tui.services.board import system_clock
        from kanban_tui.services.session import open_board

        # `tick --now T` is "pretend it is T" for everything, the first-run plan load included
        now = _group("tick").parse_now(args.now) if args.command == "tick" else None
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
        args = build_parser(argv).parse_args(argv)
        check_text_arguments(args)
        return handler(args.command)(args, settings, lang)
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


def run() -> NoReturn:
    """The ``seller-kanban`` process (the console script, ``python -m kanban_tui``):
    :func:`main`, then the exit.

    A scripting command (everything but the board and ``serve``) is a short process that
    cron jobs and scripts start in loops. It runs without the cyclic garbage collector —
    the start-up imports make hundreds of thousands of objects and no garbage cycles, and
    every collection walked them all — and it ends with :func:`leave`: the output flushed
    and the ``atexit`` functions run, without the interpreter's teardown of every module
    and object, which cost as much as a third of such a command's own time. The board
    keeps both (its threads end normally)."""
    argv = sys.argv[1:]
    scripting = DISPATCH.get(command_of(argv), "app") != "app"
    if scripting:
        gc.disable()
    code = main(argv)
    if scripting:
        leave(code)
    sys.exit(code)


def leave(code: int) -> NoReturn:
    """End the process with ``code`` now: stdout and stderr flushed (a reader that went
    away: 141, as in :func:`main`), the ``atexit`` functions run, no teardown. With other
    threads still running it exits normally, which waits for them."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # `seller-kanban list | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141
    with suppress(OSError):
        sys.stderr.flush()
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    os._exit(code)
