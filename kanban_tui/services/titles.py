"""Titles the reader's language decides: rendered from a key and parameters, never stored.

Plan cards (``plan:<task key>``), playbook cards (``playbook:<key>``) and risk alerts
(``alert`` with the KPI, marketplace, month, day and figures) keep their key in
``card.title_key`` and the parameters as a JSON object in ``card.title_params``. Each
reader sees them in their own language; the stored ``title`` is the English text, for
programs reading the table and as the fallback when a key is no longer known.
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
    from kanban_tui import locations

    return _playbook_titles_at(lang, str(locations.config_dir()))


@cache
def _playbook_titles_at(lang: str, config_dir: str) -> dict[str, str]:
    from kanban_tui.errors import KanbanError
    from kanban_tui.services import playbooks

    try:
        book = playbooks.load(lang)
    except KanbanError:  # a broken user file is reported where playbooks are opened
        return {}
    return {p.key: p.title for p in book.playbook}


@cache
def _definitions() -> dict[str, Any]:
    from kanban_tui import locations
    from kanban_tui.domain.kpi import load_definitions

    return load_definitions(locations.shipped_file("kpis.toml"))
