"""The people part of the command line: ``whoami`` and ``list --assignee/--mine``.

Kept apart from ``cli.py`` (which registers it in a few marked lines) so it moves as one
piece into the ``cli`` package. Imports no Textual.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from kanban_tui.errors import UsageError


def register(command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``whoami`` with the parser's own ``command(name)`` helper."""
    from kanban_tui.i18n import t

    whoami_parser = command("whoami")
    whoami_parser.add_argument("--json", action="store_true", help=t("cli.opt.json"))


def list_options(parser: argparse.ArgumentParser, t: Callable[..., str]) -> None:
    """``list --assignee NAME`` and ``list --mine`` (one or the other)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--assignee", metavar="NAME", help=t("people.opt.list_assignee"))
    group.add_argument("--mine", action="store_true", help=t("people.opt.mine"))


def list_assignee(args: argparse.Namespace, service: Any) -> str | None:
    """The person ``list`` keeps, or None for everyone."""
    if getattr(args, "mine", False):
        return str(service.actor)
    given = getattr(args, "assignee", None)
    if given is None:
        return None
    name = given.strip()
    if not name:
        raise UsageError("--assignee", "give a name (or leave the option out for everyone)")
    return name


def whoami(args: argparse.Namespace, settings: Any) -> int:
    """Print the current user and where the name came from."""
    from kanban_tui.domain.text import literal
    from kanban_tui.i18n import t
    from kanban_tui.services.people import ENV_USER, whoami

    me = whoami(settings)
    if args.json:
        print(json.dumps({"user": me.name, "source": me.source}, ensure_ascii=False))
    else:
        source = t(f"people.source.{me.source}", env=ENV_USER)
        print(f"{literal(me.name)}  ({source})")
    return 0


def short(name: str) -> str:
    from kanban_tui.services.people import short

    return short(name)
