"""``backup``, ``restore``, ``doctor``: they work on the database file, even one that will
not open, so they never open the board."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kanban_tui.cli import db
from kanban_tui.cli.args import db_location
from kanban_tui.cli.output import say
from kanban_tui.cli.parser import Commands, json_flag
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from kanban_tui.cli.dispatch import Handler
    from kanban_tui.config import Settings


def register(commands: Commands) -> None:
    commands.add("backup").add_argument(
        "-o", "--output", metavar="FILE", help=t("cli.opt.backup_file")
    )
    commands.add("restore").add_argument("file", help=t("cli.opt.restore_file"))
    json_flag(commands.add("doctor"))


def _live(args: argparse.Namespace) -> Path | None:
    """The database file (None: an in-memory database)."""
    from kanban_tui.services.files import database_file

    return database_file(db_location(args))


def _file_to_copy(args: argparse.Namespace) -> Path:
    live = _live(args)
    if live is None:
        raise UsageError("--db", t("errors.db.memory_no_backup"))
    return live


def doctor(args: argparse.Namespace, settings: Settings, lang: str) -> int:
    """What a bug report needs; exit 1 when the database is damaged or will not open."""
    if db.on_server(args):  # a PostgreSQL server: no file to copy or check
        return db.server_data_command(args)
    import platform

    from kanban_tui import __version__, locations
    from kanban_tui.domain.models import SCHEMA_VERSION
    from kanban_tui.services import files

    live = _live(args)
    extra: dict[str, Any] = {
        "seller_kanban": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "config_file": str(locations.config_file()),
        "data_dir": str(locations.data_dir()),
        "opens": files.opens(live),
    }
    report = files.doctor(live, extra, lambda: SCHEMA_VERSION)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    else:
        for key, value in report.items():
            if key == "backups":
                say(f"{key:<16} " + (t("cli.doctor.no_backups") if not value else ""))
                for kind, names in value.items():
                    say(f"  {kind:<16} {len(names):>3}  " + ", ".join(names[-3:]))
                continue
            say(f"{key:<16} {value}")
    healthy = (
        str(report.get("integrity", "ok")) == "ok"
        and str(report.get("schema", "ok")).startswith("ok")
        and extra["opens"] == "yes"
    )
    return 0 if healthy else 1


def backup(args: argparse.Namespace, settings: Settings, lang: str) -> int:
    """A copy to ``--output`` (a new file), or to backups/ beside the database (pruned)."""
    if db.on_server(args):  # a PostgreSQL server: no file to copy or check
        return db.server_data_command(args)
    from kanban_tui.services.files import backup as copy

    say(str(copy(_file_to_copy(args), args.output, settings.backups_kept, datetime.now())))
    return 0


def restore(args: argparse.Namespace, settings: Settings, lang: str) -> int:
    """Put a copy back, keeping a safety copy of the database it replaces."""
    if db.on_server(args):  # a PostgreSQL server: no file to copy or check
        return db.server_data_command(args)
    from kanban_tui.services.files import restore as put_back

    live = _file_to_copy(args)
    safety = put_back(Path(args.file), live, settings.backups_kept, datetime.now())
    say(t("cli.restore.done", file=args.file, safety=safety))
    return 0


HANDLERS: dict[str | None, Handler] = {"backup": backup, "restore": restore, "doctor": doctor}
