"""Splitting an annual sales goal into months, quarters and weeks — to the cent.

Shares are rounded with the largest-remainder method, so the parts always add back up to
the whole exactly (a plain per-part rounding can lose or gain a few cents).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")


def split(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``amount`` in parts proportional to ``weights``, in cents, summing to ``amount``."""
    if not weights:
        raise ValueError("at least one weight")
    if any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    total = amount.quantize(CENT)
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    left = int((total - sum(parts)) / CENT)
    # hand the leftover cents to the parts that lost most to rounding (stable order)
    order = sorted(range(len(parts)), key=lambda i: (exact[i] - parts[i], -i), reverse=True)
    step = CENT if left >= 0 else -CENT
    for index in order[: abs(left)]:
        parts[index] += step
    return parts


def months(amount: Decimal, weights: Sequence[Decimal] = ()) -> list[Decimal]:
    """The 12 monthly goals (even by default)."""
    return split(amount, list(weights) or [Decimal(1)] * 12)


def quarters(monthly: Sequence[Decimal]) -> list[Decimal]:
    return [sum(monthly[q * 3 : q * 3 + 3], Decimal(0)) for q in range(4)]


def weeks_of_month(goal: Decimal, year: int, month: int) -> list[tuple[str, Decimal]]:
    """The month's goal over the ISO weeks that touch it, by the days of each week that
    fall in the month: ``[("2026-W45", 2258.06), …]``, summing to ``goal``."""
    days = calendar.monthrange(year, month)[1]
    counts: dict[str, int] = {}
    day = date(year, month, 1)
    for _ in range(days):
        iso = day.isocalendar()
        key = f"{iso.year}-W{iso.week:02d}"
        counts[key] = counts.get(key, 0) + 1
        day += timedelta(days=1)
    keys = list(counts)
    shares = split(goal, [Decimal(counts[k]) for k in keys])
    return list(zip(keys, shares, strict=True))
