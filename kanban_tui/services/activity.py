"""A card's history in words: "ann moved it to Weekly · 14:02", in the reader's language.

What is stored (``storage.activity``) is language-neutral — an action name and a small
JSON object of what changed (columns by value, field names, a checklist item's key and
English text) — so every reader sees each line in their own language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from kanban_tui.domain.text import one_line
from kanban_tui.i18n import t
from kanban_tui.services import titles

#: How many lines the card details show.
SHOWN = 5

#: An edited field → the catalog key of its name.
_FIELD_NAMES = {
    "title": "form.title",
    "category": "form.category",
    "estimate_minutes": "form.estimate",
    "priority": "form.priority",
    "due": "form.due",
    "notes": "form.notes",
    "assignee": "people.form.assignee",
}


@dataclass(frozen=True)
class ActivityRow:
    """One line of a card's history as read."""

    card_id: int
    at: datetime
    actor: str | None
    action: str
    changes: dict[str, Any]

    @classmethod
    def of(cls, stored: Any) -> ActivityRow:
        at = stored.at if stored.at.tzinfo else stored.at.replace(tzinfo=UTC)
        return cls(
            stored.card_id, at, stored.actor, stored.action, titles.params_of(stored.changes)
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "at": self.at.astimezone(UTC).isoformat(),
            "actor": self.actor,
            "action": self.action,
            "changes": self.changes,
            "text": self.sentence(),
        }

    def sentence(self) -> str:
        """What happened, in the active language ("ann moved it to Weekly")."""
        return describe(self.action, self.changes, self.actor)

    def line(self, today: date | None = None) -> str:
        """The sentence and when: the time for today's lines, the date too otherwise."""
        local = self.at.astimezone()
        when = local.strftime("%H:%M" if local.date() == today else "%Y-%m-%d %H:%M")
        return f"{self.sentence()} · {when}"


def _column(value: Any) -> str:
    name = str(value or "")
    return t(f"column.{name}") if name in ("daily", "weekly", "monthly", "done") else name


def _item(changes: dict[str, Any]) -> str:
    text = str(changes.get("item", ""))
    key = changes.get("key")
    shown = titles.render_item(str(key), text) if key else text
    return one_line(shown)[:80]


def describe(action: str, changes: dict[str, Any], actor: str | None) -> str:
    """One history line's sentence, without its time."""
    by = str(changes.get("by", ""))
    who = one_line(actor) if actor else t(f"activity.by.{by if by in _BY else 'nobody'}")
    if action == "move" and changes.get("from") == changes.get("to"):
        return t("activity.reorder", who=who, column=_column(changes.get("to")))
    if action in ("add", "move", "reopen"):
        return t(f"activity.{action}", who=who, column=_column(changes.get("to")))
    if action == "edit" and not changes.get("fields"):
        return t("activity.saved", who=who)
    if action == "edit":
        names = [t(_FIELD_NAMES[f]).lower() for f in changes.get("fields", ()) if f in _FIELD_NAMES]
        return t("activity.edit", who=who, fields=t("activity.separator").join(names) or "—")
    if action == "checklist":
        kind = str(changes.get("change", "changed"))
        if kind in ("ticked", "unticked", "added", "removed"):
            return t(f"activity.item_{kind}", who=who, item=_item(changes))
        return t("activity.checklist", who=who)
    if action == "timer":
        if changes.get("running"):
            return t("activity.timer_start", who=who)
        return t("activity.timer_stop", who=who, minutes=int(changes.get("minutes", 0)))
    if action in ("undo", "redo"):
        what = str(changes.get("of", ""))
        label = t(f"activity.what.{what}") if what in _WHAT else what
        return t(f"activity.{action}", who=who, what=label)
    if action in ("done", "delete", "missed"):
        return t(f"activity.{action}", who=who)
    return t("activity.other", who=who, action=action)


#: What acts without a person: the schedule (tick), a KPI check (alerts).
_BY = ("schedule", "kpi")

#: Undoable steps whose undo and redo are named in the catalogs.
_WHAT = ("add", "edit", "move", "done", "reopen", "delete", "checklist", "timer", "defer")


def checklist_change(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    """What a new checklist changed, for the history: one item ticked, unticked, added or
    removed (its key and text), or just "changed"."""

    def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return (a.get("key"), a.get("text")) == (b.get("key"), b.get("text"))

    def named(kind: str, item: dict[str, Any]) -> dict[str, Any]:
        found = {"change": kind, "item": item.get("text", "")}
        if item.get("key"):
            found["key"] = item["key"]
        return found

    if len(before) == len(after) and all(same(a, b) for a, b in zip(before, after, strict=True)):
        flipped = [b for a, b in zip(before, after, strict=True) if bool(a["done"]) != b["done"]]
        if len(flipped) == 1:
            return named("ticked" if flipped[0]["done"] else "unticked", flipped[0])
    elif len(after) == len(before) + 1 and all(
        same(a, b) for a, b in zip(before, after, strict=False)
    ):
        return named("added", after[-1])
    elif len(after) == len(before) - 1:
        for index, item in enumerate(before):
            rest = before[:index] + before[index + 1 :]
            if all(same(a, b) for a, b in zip(rest, after, strict=True)):
                return named("removed", item)
    return {"change": "changed"}
