"""``goal set AMOUNT``: the year's sales goal, split over the months."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from kanban_tui.cli.args import check_year
from kanban_tui.cli.parser import Commands, json_flag, number
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t

if TYPE_CHECKING:
    from kanban_tui.cli.dispatch import BoardHandler
    from kanban_tui.services.session import Board

#: The largest yearly sales goal (beyond any seller; keeps the month split exact).
GOAL_MAX = 10**15


def register(commands: Commands) -> None:
    goal = commands.group("goal").add("set")
    goal.add_argument("amount", help=t("cli.opt.goal_amount"))
    goal.add_argument("--year", type=number, help=t("cli.opt.year"))
    goal.add_argument("--currency", default="USD", help=t("cli.opt.currency"))
    goal.add_argument("--weights", metavar="W1,…,W12", help=t("cli.opt.weights"))
    json_flag(goal)


def goal(board: Board, args: argparse.Namespace) -> None:
    from kanban_tui.domain.numbers import NumberError, parse_number

    try:
        # one number parser everywhere (thousands commas, a currency sign); the weights
        # are comma-separated, so each weight is one plain number
        read = parse_number(args.amount)
        weights = [parse_number(w).value for w in args.weights.split(",")] if args.weights else []
        if read.percent:
            raise NumberError(args.amount, "not_a_number")
    except NumberError:
        raise UsageError("goal", t("errors.kpi.goal_not_number")) from None
    amount = read.value
    year: int = args.year or board.cards.today().year
    check_year("--year", year, year)
    if (
        not amount.is_finite()
        or not 0 < amount < GOAL_MAX
        or any(not w.is_finite() or not 0 <= w < GOAL_MAX for w in weights)
    ):
        raise UsageError("goal", t("errors.kpi.goal_range", most=f"{GOAL_MAX:,}"))
    currency = args.currency.upper()
    board.kpi.set_goal(year, amount, args.currency, weights)
    months = [board.kpi.monthly_goal(f"{year}-{m:02d}") for m in range(1, 13)]
    if args.json:
        shares = [str(m[0]) if m else None for m in months]
        print(
            json.dumps(
                {"year": year, "amount": str(amount), "currency": currency, "months": shares}
            )
        )
        return
    print(t("cli.goal.saved", year=year, amount=f"{amount:,.2f}", currency=currency))
    for month_number, month in enumerate(months, start=1):
        if month:
            print(f"  {year}-{month_number:02d}  {month[0]:>14,.2f}")


HANDLERS: dict[str, BoardHandler] = {"goal": goal}
