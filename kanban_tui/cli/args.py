"""What several commands read from their arguments the same way: the database, the
language, dates, years, the marketplace; and the alerts line after a write."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from kanban_tui.cli.parser import ENV_DB
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from kanban_tui.services.session import Board


def language(argv: Sequence[str], settings_lang: str | None) -> str:
    """``--lang`` (read before argparse, whose messages are in it), else the settings, else
    the locale."""
    from kanban_tui.i18n import from_locale, normalise

    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return normalise(argv[index + 1]) or "en"
        if arg.startswith("--lang="):
            return normalise(arg.split("=", 1)[1]) or "en"
    return settings_lang or from_locale() or "en"


def db_location(args: argparse.Namespace) -> str:
    from kanban_tui import locations

    location = getattr(args, "db", None) or os.environ.get(ENV_DB)
    if location and _not_text(location):
        raise UsageError(ENV_DB, t("errors.cli.not_utf8"))
    return location or str(locations.default_database())


def _not_text(value: str) -> bool:
    """Bytes that were not UTF-8 reach Python as lone surrogates, which nothing can store
    or print."""
    return any("\ud800" <= char <= "\udfff" for char in value)


def check_text_arguments(args: argparse.Namespace) -> None:
    """Refuse arguments holding bytes that are not UTF-8."""
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str) and _not_text(item):
                positional = name in ("title", "file", "amount")
                option = name if positional else "--" + name.replace("_", "-")
                raise UsageError(option, t("errors.cli.not_utf8_unchanged"))


def day(option: str, text: str) -> date:
    """A ``YYYY-MM-DD`` option's day; anything else is a usage error naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(option, t("errors.cli.not_a_date", text=repr(text))) from None


def check_year(option: str, year: int, shown: object) -> None:
    """Refuse a year outside the range the board keeps."""
    from kanban_tui.domain.validation import YEARS, year_in_range

    if not year_in_range(year):
        raise UsageError(
            option, t("errors.cli.year_range", shown=shown, first=YEARS[0], last=YEARS[1])
        )


def fields(args: argparse.Namespace, mapping: dict[str, str]) -> dict[str, Any]:
    """The options the user gave, under the service's field names (``mapping``: option
    dest → field)."""
    return {
        field: getattr(args, name)
        for name, field in mapping.items()
        if getattr(args, name, None) is not None
    }


def market(board: Board, args: argparse.Namespace) -> str:
    """``--marketplace`` (or the default one) as its code."""
    from kanban_tui.domain.recurrence import RuleError, marketplace
    from kanban_tui.services.messages import rule_message

    code = args.marketplace or board.settings.default_marketplace
    try:
        return marketplace(code).code
    except RuleError as exc:
        raise UsageError("--marketplace", rule_message(exc)) from None


def report_alerts(board: Board) -> None:
    """Risk alerts after an import, a manual value or a tick; said on stderr so JSON on
    stdout stays clean."""

    found = board.check_alerts()
    if found.created:
        print(t("alerts.created", count=len(found.created)), file=sys.stderr)
