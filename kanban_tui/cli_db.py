"""``seller-kanban db …``: the schema revision (``current``), ``upgrade`` and ``copy``; and
what ``backup`` / ``restore`` / ``doctor`` do when ``--db`` is a PostgreSQL server.

Registered from :mod:`kanban_tui.cli` with :func:`register`; :func:`run` handles the
``db`` command and :func:`server_data_command` the file commands on a server database.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from kanban_tui.errors import DatabaseError, KanbanError, UsageError


def register(
    command: Callable[..., argparse.ArgumentParser],
    parser_class: type[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add ``db current | upgrade | copy --to URL`` to the parser."""
    from kanban_tui.i18n import t

    db = command("db")
    dsub = db.add_subparsers(dest="action", metavar=t("cli.command"), parser_class=parser_class)
    dsub.required = True
    for name in ("current", "upgrade"):
        sub = dsub.add_parser(
            name, help=t(f"cli.db.{name}"), description=t(f"cli.db.{name}"), parents=[common]
        )
        sub.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    copy = dsub.add_parser(
        "copy", help=t("cli.db.copy"), description=t("cli.db.copy"), parents=[common]
    )
    copy.add_argument("--to", required=True, metavar="URL", help=t("cli.db.to"))
    copy.add_argument("--json", action="store_true", help=t("cli.opt.json"))


def run(args: argparse.Namespace, location: str) -> int:
    if args.action == "current":
        return _current(args, location)
    if args.action == "upgrade":
        return _upgrade(args, location)
    return _copy(args, location)


def _print(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    from kanban_tui.domain.text import literal

    print(json.dumps(data, ensure_ascii=False) if args.json else literal(text))


def revision_of(location: str) -> dict[str, Any]:
    """The database's backend, label and schema revision, read without changing it."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    from kanban_tui.storage import revisions
    from kanban_tui.storage.database import inspect_file, resolve_target, server_engine

    target = resolve_target(location)
    facts: dict[str, Any] = {
        "backend": "postgresql" if target.is_server else "sqlite",
        "database": target.label,
        "head": revisions.head(),
    }
    if target.is_server:
        engine = server_engine(target)
    elif target.path is None:
        raise UsageError("--db", "an in-memory database has no schema revision to show")
    else:
        version = inspect_file(target.path)
        if version is None:
            raise DatabaseError(str(target.path), "does not exist")
        facts["schema"] = version
        uri = f"{target.path.resolve().as_uri()}?mode=ro"
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        with engine.connect() as connection:
            facts["revision"] = revisions.current(connection)
            if target.is_server:
                server = connection.exec_driver_sql("SHOW server_version").scalar_one()
                facts["server"] = f"PostgreSQL {server}"
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()
        raise DatabaseError(
            target.label, f"cannot be opened ({reason[0] if reason else 'no answer'})"
        ) from None
    finally:
        engine.dispose()
    facts["up_to_date"] = facts["revision"] == facts["head"]
    return facts


def _describe(facts: dict[str, Any]) -> str:
    from kanban_tui.i18n import t

    revision = facts["revision"]
    if revision is None:
        if facts["backend"] == "sqlite":
            return t("cli.db.before_alembic", schema=facts.get("schema"), head=facts["head"])
        return t("cli.db.no_schema", head=facts["head"])
    if facts["up_to_date"]:
        return t("cli.db.at_head", revision=revision)
    return t("cli.db.behind", revision=revision, head=facts["head"])


def _current(args: argparse.Namespace, location: str) -> int:
    facts = revision_of(location)
    _print(args, facts, f"{facts['database']}: {_describe(facts)}")
    return 0


def _upgrade(args: argparse.Namespace, location: str) -> int:
    from kanban_tui.i18n import t
    from kanban_tui.storage.database import open_database, resolve_target

    place = resolve_target(location)
    if place.path is None and not place.is_server:
        raise UsageError("--db", "an in-memory database has nothing to upgrade")
    before = None
    # a missing file or an empty server database: the open below creates it
    with contextlib.suppress(DatabaseError):
        before = revision_of(location).get("revision")
    open_database(location, upgrade=True).close()
    facts = revision_of(location)
    facts["before"] = before
    text = (
        t("cli.db.upgraded", before=before or "—", revision=facts["revision"])
        if before != facts["revision"]
        else t("cli.db.at_head", revision=facts["revision"])
    )
    _print(args, facts, f"{facts['database']}: {text}")
    return 0


def _copy(args: argparse.Namespace, location: str) -> int:
    from kanban_tui.i18n import t
    from kanban_tui.storage.database import open_database, resolve_target
    from kanban_tui.storage.transfer import copy_database

    target = resolve_target(args.to)
    if target.path is None and not target.is_server:
        raise UsageError("--to", "give a file or a postgresql+psycopg:// URL, not memory")
    source = open_database(location, create=False)
    try:
        copied = copy_database(source, args.to)
    finally:
        source.close()
    if args.json:
        print(json.dumps({"to": target.label, "rows": copied}, ensure_ascii=False))
        return 0
    for table, count in copied.items():
        print(f"{table:<16} {count:>8}")
    print(t("cli.db.copied", to=target.label, rows=sum(copied.values())))
    return 0


def server_data_command(args: argparse.Namespace, location: str) -> int:
    """``backup`` / ``restore`` / ``doctor`` with ``--db`` on a PostgreSQL server.

    * ``backup`` copies everything into a new SQLite file (``-o FILE`` or
      ``backups/NAME-manual-….db`` in the data folder): the same as ``db copy``;
    * ``restore`` is refused: a team's database is replaced only on purpose, by copying a
      file into an empty database (``--db FILE.db db copy --to URL``);
    * ``doctor`` prints the server, the schema revision and whether the board opens.
    """
    from kanban_tui.i18n import t
    from kanban_tui.storage.database import open_database, resolve_target
    from kanban_tui.storage.transfer import copy_database

    target = resolve_target(location)
    if args.command == "restore":
        raise KanbanError(target.label, t("cli.db.no_restore"))
    if args.command == "backup":
        if args.output:
            output = Path(args.output).expanduser()
            if output.exists():
                raise KanbanError(str(output), "exists already; give a new file name")
        else:
            from kanban_tui import locations

            name = (target.label.rsplit("/", 1)[-1] or "board").split("?")[0]
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            output = locations.data_dir() / "backups" / f"{name}-manual-{stamp}.db"
            output.parent.mkdir(parents=True, exist_ok=True)
        source = open_database(location, create=False)
        try:
            copy_database(source, str(output))
        finally:
            source.close()
        print(output)
        return 0
    import platform

    from kanban_tui import __version__

    report: dict[str, Any] = {
        "seller_kanban": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        report.update(revision_of(location))
        open_database(location, create=False).close()
        report["opens"] = "yes"
    except KanbanError as exc:
        report["opens"] = f"no: {exc.message}"
    report["backups"] = t("cli.db.server_backups")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    else:
        from kanban_tui.domain.text import literal

        for key, value in report.items():
            print(literal(f"{key:<16} {value}"))
    return 0 if report["opens"] == "yes" else 1
