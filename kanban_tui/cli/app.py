"""The board itself: no command opens it in the terminal, ``serve`` in a browser."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from kanban_tui.cli.args import db_location
from kanban_tui.cli.parser import Commands
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from kanban_tui.cli.dispatch import Handler
    from kanban_tui.config import Settings


def register(commands: Commands) -> None:
    serve = commands.add("serve")
    serve.add_argument("--host", default="127.0.0.1", help=t("cli.serve.host"))
    serve.add_argument("--port", type=int, default=8000, help=t("cli.serve.port"))
    serve.add_argument("--token", help=t("cli.serve.token", env="SELLER_KANBAN_TOKEN"))


def open_app(args: argparse.Namespace, settings: Settings, lang: str) -> int:
    from kanban_tui.cli.keys import keymap
    from kanban_tui.services.session import open_board

    actions = keymap(settings)  # a bad keymap stops here, before the database is opened
    board = open_board(db_location(args), settings)
    from kanban_tui.ui.app import KanbanApp

    app = KanbanApp(board, settings=settings, language=lang, actions=actions)
    app.run()
    board.close()
    return app.return_code or 0


def serve(args: argparse.Namespace, settings: Settings, lang: str) -> int:
    """The board in a browser: checks everything before the port is opened."""
    from pathlib import Path

    from kanban_tui.services.db_admin import is_server
    from kanban_tui.services.files import database_file
    from kanban_tui.services.session import open_board
    from kanban_tui.web.server import TOKEN_ENV, check_options

    token = args.token if args.token is not None else os.environ.get(TOKEN_ENV) or None
    check_options(args.host, args.port, token)
    location = db_location(args)
    if database_file(location) is None and not is_server(location):
        raise UsageError("--db", t("web.in_memory"))
    if "://" not in location:
        location = str(Path(location).expanduser().resolve())
    # open it once here: a damaged or foreign file is refused before any tab sees it,
    # and a new database gets its plan before the first tab opens
    open_board(location, settings, interactive=False).close()
    from kanban_tui.web.server import serve as serve_board

    return serve_board(database=location, lang=lang, host=args.host, port=args.port, token=token)


HANDLERS: dict[str | None, Handler] = {None: open_app, "serve": serve}
