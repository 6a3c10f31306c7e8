"""``db current | upgrade | copy --to URL``: the database itself; and what ``backup`` /
``restore`` / ``doctor`` do when ``--db`` is a PostgreSQL server."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from kanban_tui.cli.args import db_location
from kanban_tui.cli.parser import Commands, json_flag
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from kanban_tui.cli.dispatch import Handler
    from kanban_tui.config import Settings


def register(commands: Commands) -> None:
    group = commands.group("db")
    for name in ("current", "upgrade"):
        json_flag(group.add(name))
    copy = group.add("copy")
    copy.add_argument("--to", required=True, metavar="URL", help=t("cli.db.to"))
    json_flag(copy)


def db(args: argparse.Namespace, settings: Settings, lang: str) -> int:
    location = db_location(args)
    if args.action == "current":
        return _current(args, location)
    if args.action == "upgrade":
        return _upgrade(args, location)
    return _copy(args, location)


def _print(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    from kanban_tui.domain.text import literal

    print(json.dumps(data, ensure_ascii=False) if args.json else literal(text))


def _describe(facts: dict[str, Any]) -> str:
    revision = facts["revision"]
    if revision is None:
        if facts["backend"] == "sqlite":
            return t("cli.db.before_alembic", schema=facts.get("schema"), head=facts["head"])
        return t("cli.db.no_schema", head=facts["head"])
    if facts["up_to_date"]:
        return t("cli.db.at_head", revision=revision)
    return t("cli.db.behind", revision=revision, head=facts["head"])


def _current(args: argparse.Namespace, location: str) -> int:
    from kanban_tui.services.db_admin import revision_of

    facts = revision_of(location)
    _print(args, facts, f"{facts['database']}: {_describe(facts)}")
    return 0


def _upgrade(args: argparse.Namespace, location: str) -> int:
    from kanban_tui.services.db_admin import upgrade

    before, facts = upgrade(location)
    facts["before"] = before
    text = (
        t("cli.db.upgraded", before=before or "—", revision=facts["revision"])
        if before != facts["revision"]
        else t("cli.db.at_head", revision=facts["revision"])
    )
    _print(args, facts, f"{facts['database']}: {text}")
    return 0


def _copy(args: argparse.Namespace, location: str) -> int:
    from kanban_tui.services.db_admin import copy

    to, copied = copy(location, args.to)
    if args.json:
        print(json.dumps({"to": to, "rows": copied}, ensure_ascii=False))
        return 0
    for table, count in copied.items():
        print(f"{table:<16} {count:>8}")
    print(t("cli.db.copied", to=to, rows=sum(copied.values())))
    return 0


def on_server(args: argparse.Namespace) -> bool:
    """Whether ``--db`` is a PostgreSQL server (backup/restore/doctor go here then)."""
    from kanban_tui.services.db_admin import is_server

    return is_server(db_location(args))


def server_data_command(args: argparse.Namespace) -> int:
    """``backup`` / ``restore`` / ``doctor`` on a PostgreSQL server.

    * ``backup`` copies everything into a new SQLite file (``-o FILE`` or
      ``backups/NAME-manual-….db`` in the data folder): the same as ``db copy``;
    * ``restore`` is refused: a team's database is replaced only on purpose, by copying a
      file into an empty database (``--db FILE.db db copy --to URL``);
    * ``doctor`` prints the server, the schema revision and whether the board opens.
    """
    from kanban_tui.services import db_admin

    location = db_location(args)
    if args.command == "restore":
        db_admin.refuse_restore(location)
    if args.command == "backup":
        print(db_admin.backup_server(location, args.output))
        return 0
    report = db_admin.doctor_server(location)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    else:
        from kanban_tui.domain.text import literal

        for key, value in report.items():
            print(literal(f"{key:<16} {value}"))
    return 0 if report["opens"] == "yes" else 1


HANDLERS: dict[str | None, Handler] = {"db": db}
