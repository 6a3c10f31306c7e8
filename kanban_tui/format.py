"""How values read in the UI and the CLI's plain output (no Textual here)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kanban_tui.domain.categories import CATEGORY_KEYS
from kanban_tui.i18n import has, t

PRIORITY_MARKS = {"low": "▽", "normal": "·", "high": "▲", "urgent": "‼"}


def category_label(category: str) -> str:
    key = f"category.{category}"
    return t(key) if category in CATEGORY_KEYS and has(key) else category


def duration(minutes: int) -> str:
    """``90`` → ``1 h 30 m`` (``1小时30分``)."""
    hours, rest = divmod(max(0, minutes), 60)
    if hours and rest:
        return t("time.hours_minutes", hours=hours, minutes=rest)
    if hours:
        return t("time.hours", hours=hours)
    return t("time.minutes", minutes=rest)


def period_label(period_key: str | None) -> str:
    """A generated card's period, short: ``2026-W48`` → ``W48``, ``2026-11`` → ``Nov``/``11月``,
    a day or a window's start → ``11/25``."""
    if not period_key:
        return ""
    parts = period_key.split("-")
    if len(parts) == 2 and parts[1].startswith("W"):
        return parts[1]
    if len(parts) == 2 and parts[1].isdigit():
        return t(f"month.{int(parts[1])}")
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return ""  # a day (its due date says it) or a window (its due date says when it ends)
    return period_key


def grouped(value: Decimal) -> str:
    """A number as a seller writes it: digit groups, no needless decimals ("120,000",
    "1,250.5", "6.5"); what it shows is what the forms read back."""
    plain = value.normalize()
    if plain == plain.to_integral_value():
        return f"{int(plain):,}"
    return f"{plain:,f}"


def checklist_progress(checklist: str) -> tuple[int, int] | None:
    """(done, total) of a card's JSON checklist, or None when it has none."""
    if not checklist:
        return None
    import json

    try:
        items = json.loads(checklist)
    except ValueError:
        return None
    if not isinstance(items, list) or not items:
        return None
    done = sum(1 for item in items if isinstance(item, dict) and item.get("done"))
    return done, len(items)


def due_state(
    due: date | None, today: date, generated: bool = False, overdue_since: date | None = None
) -> tuple[str, str] | None:
    """(text, kind) for a due date: kind is ``overdue``, ``today`` or ``later``.

    A generated card's period lives in its marketplace's zone, which may be a day behind or
    ahead of the user's: it is overdue only once the scheduler carried it past its period
    (``overdue_since``), and its period mark already says when it is due.
    """
    if generated:
        if overdue_since is None:
            return None
        days = max(1, (today - overdue_since).days + 1)
        return t("card.overdue", days=days), "overdue"
    if due is None:
        return None
    if due < today:
        return t("card.overdue", days=(today - due).days), "overdue"
    if due == today:
        return t("card.due_today"), "today"
    return t("card.due_short", date=f"{due.month}/{due.day}"), "later"
