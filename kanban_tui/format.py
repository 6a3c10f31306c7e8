"""How values read in the UI and the CLI's plain output (no Textual here)."""

from __future__ import annotations

from datetime import date

from kanban_tui.i18n import has, t

#: Categories of the default plan are stored as these keys and shown translated.
CATEGORY_KEYS = (
    "account",
    "service",
    "ads",
    "inventory",
    "competitors",
    "keywords",
    "pricing",
    "risk",
    "review",
    "planning",
)

PRIORITY_MARKS = {"low": "▽", "normal": "·", "high": "▲", "urgent": "‼"}


def category_label(category: str) -> str:
    key = f"category.{category}"
    return t(key) if category in CATEGORY_KEYS and has(key) else category


def categories_matching(text: str) -> list[str]:
    """Category keys whose shown name contains ``text`` (for filtering in either language)."""
    needle = text.strip().casefold()
    if not needle:
        return []
    return [key for key in CATEGORY_KEYS if needle in category_label(key).casefold()]


def duration(minutes: int) -> str:
    """``90`` → ``1 h 30 m`` (``1小时30分``)."""
    hours, rest = divmod(max(0, minutes), 60)
    if hours and rest:
        return t("time.hours_minutes", hours=hours, minutes=rest)
    if hours:
        return t("time.hours", hours=hours)
    return t("time.minutes", minutes=rest)


def due_state(due: date | None, today: date) -> tuple[str, str] | None:
    """(text, kind) for a due date: kind is ``overdue``, ``today`` or ``later``."""
    if due is None:
        return None
    if due < today:
        return t("card.overdue", days=(today - due).days), "overdue"
    if due == today:
        return t("card.due_today"), "today"
    return t("card.due_short", date=f"{due.month}/{due.day}"), "later"
