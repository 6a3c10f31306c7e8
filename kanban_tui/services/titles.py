"""Titles the reader's language decides: rendered from a key and parameters, never stored.

Plan cards (``plan:<task key>``), playbook cards (``playbook:<key>``) and risk alerts
(``alert`` with the KPI, marketplace, month, day and figures) keep their key in
``card.title_key`` and the parameters as a JSON object in ``card.title_params``. Each
reader sees them in their own language; the stored ``title`` is the English text, for
programs reading the table and as the fallback when a key is no longer known.

Checklist items work the same way: a step the board put on a card (the first steps for
any incident, a playbook's steps — incident cards and risk alerts) is stored as
``{"key": "first#<n>" | "playbook:<key>#<n>", "text": <English>, "done": …}`` and shown
from the reader's playbooks (:func:`render_item`). Keys, not a read-time match of the
text, so a step reads right even after the shipped wording changes; an item the user
typed has no key and is shown as typed (cards from before keys: Alembic revision 0003).
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Any

from kanban_tui.i18n import LANGUAGES, language, t_in

ALERT = "alert"
PLAN = "plan:"
PLAYBOOK = "playbook:"
#: The key of the first steps for any incident (a checklist item's key: ``first#<n>``).
FIRST_STEPS = "first"


def params_of(text: str | None) -> dict[str, Any]:
    """The stored parameters; anything but a JSON object reads as none."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def dump(params: dict[str, Any]) -> str:
    """Parameters as stored: sorted keys, so equal parameters are equal text."""
    return json.dumps(params, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def render(
    key: str | None, params: str | dict[str, Any] | None, stored: str, lang: str = ""
) -> str:
    """The title in ``lang`` (default: the active language); ``stored`` for a title as
    typed or a key this version does not know."""
    if not key:
        return stored
    lang = lang or language()
    values = params if isinstance(params, dict) else params_of(params)
    if key.startswith(PLAN):
        return _plan_titles(lang).get(key[len(PLAN) :], stored)
    if key.startswith(PLAYBOOK):
        return _playbook_titles(lang).get(key[len(PLAYBOOK) :], stored)
    if key == ALERT:
        return _alert(values, stored, lang)
    return stored


def render_notes(key: str | None, params: str | None, stored: str, lang: str = "") -> str:
    """A risk alert's notes, when the card keeps none of its own."""
    if key != ALERT or stored:
        return stored
    values = params_of(params)
    if "kpi" not in values:
        return stored
    lang = lang or language()
    return t_in(
        lang,
        "alerts.notes",
        kpi=kpi_name(values["kpi"], bool(values.get("measured")), lang),
        market=values.get("market", ""),
        month=_month(str(values.get("month", "")), lang),
    )


def keys_matching(text: str, lang: str = "") -> tuple[str, ...]:
    """Keys of plan and playbook titles containing ``text`` in ``lang`` (the filter)."""
    needle = text.strip().casefold()
    if not needle:
        return ()
    lang = lang or language()
    found = [PLAN + k for k, v in _plan_titles(lang).items() if needle in v.casefold()]
    found += [PLAYBOOK + k for k, v in _playbook_titles(lang).items() if needle in v.casefold()]
    return tuple(found)


def fixed_titles(lang: str = "") -> dict[str, str]:
    """Every plan and playbook title key with its title in ``lang``: titles that need no
    parameters (``list --json`` puts them in with SQL)."""
    lang = lang or language()
    found = {PLAN + k: v for k, v in _plan_titles(lang).items()}
    found.update({PLAYBOOK + k: v for k, v in _playbook_titles(lang).items()})
    return found


def plan_key_of(template_key: str | None, title_en: str, title_zh: str) -> str | None:
    """The title key of a card made from a template: the plan task's, while the template
    still carries the plan's own titles (a default template the user renamed is as typed)."""
    if not template_key:
        return None
    if _plan_titles("en").get(template_key) != title_en:
        return None
    if title_zh and _plan_titles("zh").get(template_key) != title_zh:
        return None
    return PLAN + template_key


def item_key(source: str, number: int) -> str:
    """A checklist item's key: step ``number`` (0-based) of ``source`` (``first`` or
    ``playbook:<key>``)."""
    return f"{source}#{number}"


def render_item(key: str | None, stored: str, lang: str = "") -> str:
    """A checklist item in ``lang`` (default: the active language): a keyed step from
    that language's playbooks; ``stored`` for an item as typed or a step no longer known."""
    if not key:
        return stored
    source, _, number = key.rpartition("#")
    if not number.isdigit():
        return stored
    steps = _playbook_book(lang or language())[1].get(source, ())
    return steps[int(number)] if int(number) < len(steps) else stored


def keyed_steps(source: str, steps: tuple[str, ...]) -> list[dict[str, object]]:
    """Unticked checklist items for ``steps`` of ``source``, keyed, with English text."""
    items: list[dict[str, object]] = []
    for number, text in enumerate(steps):
        key = item_key(source, number)
        items.append({"key": key, "text": render_item(key, text, "en"), "done": False})
    return items


def kpi_name(kpi: str, measured: bool, lang: str) -> str:
    definition = _definitions().get(kpi)
    if definition is None:
        return kpi
    from kanban_tui.services import kpi_words  # (KPI words: only for alert cards)

    return kpi_words.kpi_name(definition, lang, measured=measured)


def _alert(values: dict[str, Any], stored: str, lang: str) -> str:
    prefix = t_in(lang, "alerts.recovered_prefix") if values.get("recovered") else ""
    if "value" not in values:  # an alert from an older version: its text until the next check
        known = {t_in(other, "alerts.recovered_prefix") for other in LANGUAGES}
        return stored if any(stored.startswith(p) for p in known) else prefix + stored
    where = {
        "name": kpi_name(str(values.get("kpi", "")), bool(values.get("measured")), lang),
        "market": values.get("market", ""),
        "month": _month(str(values.get("month", "")), lang),
        "day": _day(str(values.get("day", "")), lang),
        "value": values.get("value", "—"),
    }
    if values.get("kind") == "pace":
        text = t_in(
            lang,
            "alerts.pace",
            projection=values.get("projection", "—"),
            goal=values.get("goal", "—"),
            **where,
        )
    else:
        text = t_in(lang, "alerts.breach", target=values.get("target", "—"), **where)
    return (prefix + text)[:200]


def _month(month: str, lang: str) -> str:
    try:
        year, number = (int(part) for part in month.split("-")[:2])
    except ValueError:
        return month
    return t_in(lang, "words.month", name=t_in(lang, f"month.{number}"), year=year)


def _day(day: str, lang: str) -> str:
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return day
    return t_in(lang, "words.day", name=t_in(lang, f"month.{when.month}"), day=when.day)


@cache
def _plan_titles(lang: str) -> dict[str, str]:
    from kanban_tui.services.plan import default_plan

    return {task.key: task.title for task in default_plan(lang)}


def _playbook_titles(lang: str) -> dict[str, str]:
    return _playbook_book(lang)[0]


def _playbook_book(lang: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    from kanban_tui import locations

    return _playbook_book_at(lang, str(locations.config_dir()))


@cache
def _playbook_book_at(
    lang: str, config_dir: str
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The playbooks' titles by key, and their steps by item source (``first``,
    ``playbook:<key>``)."""
    from kanban_tui.errors import KanbanError
    from kanban_tui.services import playbooks

    try:
        book = playbooks.load(lang)
    except KanbanError:  # a broken user file is reported where playbooks are opened
        return {}, {}
    steps = {PLAYBOOK + p.key: p.steps for p in book.playbook}
    steps[FIRST_STEPS] = book.first_steps
    return {p.key: p.title for p in book.playbook}, steps


@cache
def _definitions() -> dict[str, Any]:
    from kanban_tui.services.kpi_definitions import shipped_definitions

    return shipped_definitions()
