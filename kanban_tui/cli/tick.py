"""``tick``: make the cards that are due now (what cron runs), optionally ``--now T``."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

from kanban_tui.cli.args import check_year, report_alerts
from kanban_tui.cli.output import print_json, say
from kanban_tui.cli.parser import Commands, json_flag
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from kanban_tui.cli.dispatch import BoardHandler
    from kanban_tui.services.session import Board

_GROUPS = ("created", "expired", "carried_over", "missed")


def register(commands: Commands) -> None:
    tick = commands.add("tick")
    tick.add_argument("--now", metavar="ISO-TIME", help=t("cli.opt.now"))
    json_flag(tick)


def parse_now(text: str | None) -> datetime | None:
    """``--now``: an ISO time with a UTC offset, in the board's years."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError("--now", t("errors.cli.not_iso_time", text=repr(text))) from None
    if moment.tzinfo is None:
        raise UsageError("--now", t("errors.cli.no_utc_offset"))
    check_year("--now", moment.year, repr(text))
    return moment


def tick(board: Board, args: argparse.Namespace) -> None:
    from kanban_tui.domain.text import one_line

    result = board.templates.tick()
    report_alerts(board)
    first = board.first_tick  # a brand-new database already ticked while loading the plan
    if first is not None:
        for group in _GROUPS:
            getattr(result, group)[:0] = getattr(first, group)
    if args.json:
        print_json(result.as_json(), indent=1)
        return
    for group in _GROUPS:
        items = getattr(result, group)
        print(t(f"cli.tick.{group}", count=len(items)))
        for item in items:
            card = f"#{item.card_id}" if item.card_id else "—"
            say(f"  {card:<7} {item.period_key:<11} {one_line(item.title)}")


HANDLERS: dict[str, BoardHandler] = {"tick": tick}
