"""How a recurrence rule reads in words, e.g. "every Monday 09:00 Tokyo time" /
"每周一 09:00 东京时间": the catalogs' ``rule_words`` table over the domain's :class:`Rule`
(which keeps no words of any language)."""

from __future__ import annotations

from datetime import time

from kanban_tui.domain.marketplaces import marketplace
from kanban_tui.domain.recurrence import Rule, RuleKind
from kanban_tui.i18n import t_in

_MON_TO_FRI = (0, 1, 2, 3, 4)


def _lang(lang: str) -> str:
    """``zh``, ``zh-CN``, ``zh_TW`` … read Chinese; anything else English."""
    return "zh" if lang.strip().lower().startswith("zh") else "en"


def zone_label(code: str, lang: str) -> str:
    """How the marketplace's zone is named in text: "Tokyo time" / "东京时间"."""
    market = marketplace(code)
    lang = _lang(lang)
    city = market.city_zh if lang == "zh" else market.city_en
    return t_in(lang, "rule_words.zone", city=city)


def describe_rule(rule: Rule, lang: str, at: time, marketplace_code: str) -> str:
    """The rule, its local time and its zone in words, in ``lang``."""
    lang = _lang(lang)
    when = at.strftime("%H:%M:%S" if at.second else "%H:%M")
    # the same order in both languages: "every Monday 09:00 Tokyo time" / "每周一 09:00 东京时间"
    return f"{cadence(rule, lang)} {when} {zone_label(marketplace_code, lang)}"


def cadence(rule: Rule, lang: str) -> str:
    """How often, in words: "every Monday", "monthly on day 15" …"""
    lang = _lang(lang)

    def say(key: str, **values: object) -> str:
        return t_in(lang, f"rule_words.{key}", **values)

    anchor = rule.anchor.isoformat() if rule.anchor else ""
    match rule.kind:
        case RuleKind.DAILY:
            return say("daily")
        case RuleKind.WEEKDAYS if rule.weekdays in ((), _MON_TO_FRI):
            return say("mon_to_fri")
        case RuleKind.WEEKDAYS:
            days = say("day_separator").join(say(f"day_short.{day}") for day in rule.weekdays)
            return say("weekdays", days=days)
        case RuleKind.WEEKLY:
            return say("weekly", day=say(f"day.{rule.weekdays[0]}"))
        case RuleKind.BIWEEKLY:
            assert rule.anchor is not None  # Rule's validation requires it
            return say("biweekly", day=say(f"day.{rule.anchor.weekday()}"), anchor=anchor)
        case RuleKind.MONTHLY:
            day = rule.day or 1
            return say("monthly_or_last" if day > 28 else "monthly", day=day)
        case RuleKind.MONTHLY_LAST:
            return say("monthly_last")
        case RuleKind.MONTHLY_LAST_BUSINESS:
            return say("monthly_last_business")
        case RuleKind.FOUR_WEEKLY:
            return say("four_weekly", anchor=anchor)
        case RuleKind.RRULE:
            if rule.anchor:
                return say("rrule_from", rrule=rule.rrule, anchor=anchor)
            return say("rrule", rrule=rule.rrule)
    raise AssertionError(rule.kind)  # pragma: no cover
