"""The people part of the command line: ``whoami``, and the helpers ``list --assignee``
/ ``--mine`` and the ``(@name)`` of listed cards use. Imports no Textual."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kanban_tui.cli.parser import Commands, json_flag
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from kanban_tui.cli.dispatch import Handler
    from kanban_tui.config import Settings


def register(commands: Commands) -> None:
    json_flag(commands.add("whoami"))


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
        raise UsageError("--assignee", t("errors.people.empty_assignee"))
    return name


def whoami(args: argparse.Namespace, settings: Settings, lang: str) -> int:
    """Print the current user and where the name came from."""
    from kanban_tui.domain.text import literal
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


HANDLERS: dict[str | None, Handler] = {"whoami": whoami}
