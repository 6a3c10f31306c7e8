"""People: who is using the board, and names as the user types them.

The current user is ``SELLER_KANBAN_USER``, else ``user`` in config.toml, else the OS login
name. Names are kept as typed (trimmed), shown literally, and compared exactly.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from typing import Any

from kanban_tui.domain.models import NAME_MAX
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t

ENV_USER = "SELLER_KANBAN_USER"


@dataclass(frozen=True)
class Me:
    name: str
    #: ``env``, ``config`` or ``os``: where the name came from.
    source: str


def clean_name(value: str, field: str = "--assignee") -> str | None:
    """A person's name as stored: trimmed; empty means nobody. Refuses control characters
    and names over :data:`NAME_MAX` characters."""
    name = value.strip()
    if not name:
        return None
    if len(name) > NAME_MAX:
        raise UsageError(field, t("errors.people.too_long", most=NAME_MAX, got=len(name)))
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise UsageError(field, t("errors.people.control", value=repr(value)))
    return name


def whoami(settings: Any = None, environ: dict[str, str] | None = None) -> Me:
    """The current user and where the name came from."""
    environ = dict(os.environ) if environ is None else environ
    from_env = environ.get(ENV_USER, "").strip()
    if from_env:
        return Me(clean_name(from_env, ENV_USER) or from_env, "env")
    configured = getattr(settings, "user", None)
    if configured:
        return Me(configured, "config")
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without a passwd entry)
        login = ""
    return Me(login or "?", "os")


def short(name: str | None) -> str:
    """The board's mark for an assignee: ``@ann`` (the first word, at most 12 characters)."""
    if not name:
        return ""
    first = name.split()[0]
    return "@" + (first if len(first) <= 12 else first[:11] + "…")
