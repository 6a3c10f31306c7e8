"""Every Amazon marketplace: its code, time zone, names, currency and date order.

The one table the rest of the program reads (templates' time zones, the importers' expected
currency and day/month order, the KPI pane's currency). Pure data: no I/O.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

DateOrder = Literal["MDY", "DMY", "YMD"]

#: Currencies whose amounts Amazon writes with a bare ``$``.
DOLLAR_CURRENCIES = frozenset({"USD", "CAD", "MXN", "AUD", "SGD", "NZD", "BRL"})


class Marketplace(BaseModel, frozen=True):
    """An Amazon marketplace: its zone, names, currency and how it writes dates."""

    code: str
    tz: str
    name_en: str
    name_zh: str
    currency: str
    date_order: DateOrder
    #: The city that names the zone in ``zone_label`` ("Tokyo time", "东京时间").
    city_en: str
    city_zh: str
    #: The store's domain, for messages (``amazon.ae``).
    domain: str = ""

    @property
    def dollar(self) -> str:
        """The currency a bare ``$`` stands for in this marketplace's reports."""
        return self.currency if self.currency in DOLLAR_CURRENCIES else "USD"


def _market(
    code: str,
    tz: str,
    names: tuple[str, str],
    currency: str,
    order: str,
    city: tuple[str, str],
    domain: str,
) -> Marketplace:
    return Marketplace.model_validate(
        {
            "code": code,
            "tz": tz,
            "name_en": names[0],
            "name_zh": names[1],
            "currency": currency,
            "date_order": order,
            "city_en": city[0],
            "city_zh": city[1],
            "domain": domain,
        }
    )


MARKETPLACES: dict[str, Marketplace] = {
    m.code: m
    for m in (
        _market("US", "America/Los_Angeles", ("United States", "美国"), "USD", "MDY",
                ("Los Angeles", "洛杉矶"), "amazon.com"),
        _market("CA", "America/Toronto", ("Canada", "加拿大"), "CAD", "MDY",
                ("Toronto", "多伦多"), "amazon.ca"),
        _market("MX", "America/Mexico_City", ("Mexico", "墨西哥"), "MXN", "DMY",
                ("Mexico City", "墨西哥城"), "amazon.com.mx"),
        _market("BR", "America/Sao_Paulo", ("Brazil", "巴西"), "BRL", "DMY",
                ("São Paulo", "圣保罗"), "amazon.com.br"),
        _market("UK", "Europe/London", ("United Kingdom", "英国"), "GBP", "DMY",
                ("London", "伦敦"), "amazon.co.uk"),
        _market("IE", "Europe/Dublin", ("Ireland", "爱尔兰"), "EUR", "DMY",
                ("Dublin", "都柏林"), "amazon.ie"),
        _market("DE", "Europe/Berlin", ("Germany", "德国"), "EUR", "DMY",
                ("Berlin", "柏林"), "amazon.de"),
        _market("FR", "Europe/Paris", ("France", "法国"), "EUR", "DMY",
                ("Paris", "巴黎"), "amazon.fr"),
        _market("IT", "Europe/Rome", ("Italy", "意大利"), "EUR", "DMY",
                ("Rome", "罗马"), "amazon.it"),
        _market("ES", "Europe/Madrid", ("Spain", "西班牙"), "EUR", "DMY",
                ("Madrid", "马德里"), "amazon.es"),
        _market("NL", "Europe/Amsterdam", ("Netherlands", "荷兰"), "EUR", "DMY",
                ("Amsterdam", "阿姆斯特丹"), "amazon.nl"),
        _market("BE", "Europe/Brussels", ("Belgium", "比利时"), "EUR", "DMY",
                ("Brussels", "布鲁塞尔"), "amazon.com.be"),
        _market("SE", "Europe/Stockholm", ("Sweden", "瑞典"), "SEK", "YMD",
                ("Stockholm", "斯德哥尔摩"), "amazon.se"),
        _market("PL", "Europe/Warsaw", ("Poland", "波兰"), "PLN", "DMY",
                ("Warsaw", "华沙"), "amazon.pl"),
        _market("TR", "Europe/Istanbul", ("Turkey", "土耳其"), "TRY", "DMY",
                ("Istanbul", "伊斯坦布尔"), "amazon.com.tr"),
        _market("EG", "Africa/Cairo", ("Egypt", "埃及"), "EGP", "DMY",
                ("Cairo", "开罗"), "amazon.eg"),
        _market("SA", "Asia/Riyadh", ("Saudi Arabia", "沙特阿拉伯"), "SAR", "DMY",
                ("Riyadh", "利雅得"), "amazon.sa"),
        _market("AE", "Asia/Dubai", ("United Arab Emirates", "阿联酋"), "AED", "DMY",
                ("Dubai", "迪拜"), "amazon.ae"),
        _market("IN", "Asia/Kolkata", ("India", "印度"), "INR", "DMY",
                ("Kolkata", "加尔各答"), "amazon.in"),
        _market("JP", "Asia/Tokyo", ("Japan", "日本"), "JPY", "YMD",
                ("Tokyo", "东京"), "amazon.co.jp"),
        _market("SG", "Asia/Singapore", ("Singapore", "新加坡"), "SGD", "DMY",
                ("Singapore", "新加坡"), "amazon.sg"),
        _market("AU", "Australia/Sydney", ("Australia", "澳大利亚"), "AUD", "DMY",
                ("Sydney", "悉尼"), "amazon.com.au"),
        _market("ZA", "Africa/Johannesburg", ("South Africa", "南非"), "ZAR", "YMD",
                ("Johannesburg", "约翰内斯堡"), "amazon.co.za"),
    )
}  # fmt: skip

#: Other spellings people use for a marketplace code.
MARKET_ALIASES = {"GB": "UK"}


def find(code: str) -> Marketplace | None:
    """The marketplace with this code (case-insensitive; ``GB`` is ``UK``), or None."""
    key = code.strip().upper()
    return MARKETPLACES.get(MARKET_ALIASES.get(key, key))


def currency_of(code: str) -> str | None:
    """The currency the marketplace's reports are in, or None for an unknown code."""
    market = find(code)
    return market.currency if market else None


def marketplace(code: str) -> Marketplace:
    """The marketplace with this code (case-insensitive, e.g. ``"jp"``).

    Raises :class:`~kanban_tui.domain.rrule_check.RuleError` for an unknown code.
    """
    from kanban_tui.domain.rrule_check import RuleError

    market = find(code)
    if market is None:
        known = ", ".join(MARKETPLACES)
        raise RuleError("unknown_marketplace", None, "marketplaces", code=code, known=known)
    return market
