"""Reading numbers, money, percentages and dates as Amazon reports and spreadsheets write them.

Every function raises :class:`ParseError` with a plain-language message on bad input.

Decimal mark: ``decimal`` is ``"."``, ``","`` or ``None`` (guess from the text). Guessing
follows these rules, which agree with every Amazon download seen so far:

* ``1,234.56`` / ``1.234,56``: the mark that comes last is the decimal mark;
* a mark that appears twice or more (``1,234,567``, ``1.234.567``) groups thousands;
* a single mark followed by other than three digits (``12,5``, ``0,97``) is the decimal mark;
* ``1,234`` is one thousand two hundred thirty-four, ``1.234`` is one point two three four.
  When a file's convention is known, pass ``decimal`` to settle that last case.

Grouping may be Western (``1,234,567``) or Indian (``1,08,218``); spaces (including the
no-break spaces French formatting uses) and apostrophes (Swiss) also group digits.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from kanban_tui.i18n import t

DateOrder = Literal["MDY", "DMY", "YMD"]
DecimalMark = Literal[".", ","] | None


class ParseError(ValueError):
    """A value could not be read; ``str(error)`` is meant for the user."""


#: ISO codes accepted before or after an amount (``USD 12.00``, ``12,00 EUR``).
ISO_CURRENCIES = frozenset(
    {
        "AED",
        "AUD",
        "BRL",
        "CAD",
        "CHF",
        "CNY",
        "EGP",
        "EUR",
        "GBP",
        "INR",
        "JPY",
        "MXN",
        "NZD",
        "PLN",
        "SAR",
        "SEK",
        "SGD",
        "TRY",
        "USD",
        "ZAR",
    }
)

#: Currency symbols (after NFKC normalisation, so ``￥`` arrives as ``¥``). A bare ``$`` is
#: resolved by the ``dollar`` argument of :func:`parse_money`. ``\\`` is the yen sign as
#: Shift_JIS files decode it.
CURRENCY_SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "MX$": "MXN",
    "AU$": "AUD",
    "A$": "AUD",
    "NZ$": "NZD",
    "SG$": "SGD",
    "S$": "SGD",
    "R$": "BRL",
    "E£": "EGP",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "\\": "JPY",
    "₹": "INR",
    "Rs.": "INR",
    "Rs": "INR",
    "₺": "TRY",
    "TL": "TRY",
    "zł": "PLN",
    "kr": "SEK",
}

_SYMBOL_PATTERN = "|".join(
    re.escape(symbol) for symbol in sorted([*CURRENCY_SYMBOLS, "$"], key=len, reverse=True)
)
_CURRENCY = rf"(?:{_SYMBOL_PATTERN}|[A-Za-z]{{3}})"
_NUMBER = r"\d(?:[\d.,'\s]*\d)?"
_MONEY = re.compile(
    rf"(?P<sign1>[-+])?\s*(?P<pre>{_CURRENCY})?\s*(?P<sign2>[-+])?\s*"
    rf"(?P<num>{_NUMBER})\s*(?P<post>{_CURRENCY})?"
)
_PLAIN = re.compile(rf"(?P<sign>[-+])?\s*(?P<num>{_NUMBER})")
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2010": "-", "\ufe63": "-"})
_DIGITS = re.compile(r"[0-9]+")


def _clean(text: str) -> str:
    """NFKC (full-width digits and ``￥`` become ASCII / ``¥``), Unicode minus → ``-``, trim."""
    return unicodedata.normalize("NFKC", text).translate(_MINUS_SIGNS).strip()


def _describe(decimal: DecimalMark) -> str:
    return t("errors.import.decimal_mark", mark=repr(decimal)) if decimal else ""


def _not_a_number(text: str, decimal: DecimalMark = None) -> ParseError:
    return ParseError(t("errors.import.not_a_number", text=repr(text), how=_describe(decimal)))


def _check_groups(groups: list[str], text: str, decimal: DecimalMark) -> None:
    """Digit groups of ``1,234,567`` (threes) or ``1,08,218`` (Indian: twos, then three)."""
    first, *middle, last = groups
    middle_sizes = {len(group) for group in middle}
    western = 1 <= len(first) <= 3 and middle_sizes <= {3} and len(last) == 3
    indian = 1 <= len(first) <= 2 and middle_sizes == {2} and len(last) == 3
    digits = all(_DIGITS.fullmatch(group) for group in groups)
    if not digits or not (western or indian):
        raise ParseError(t("errors.import.bad_groups", text=repr(text), how=_describe(decimal)))


def _guess_decimal(number: str) -> DecimalMark:
    has_comma, has_dot = "," in number, "." in number
    if has_comma and has_dot:
        return "," if number.rfind(",") > number.rfind(".") else "."
    mark: Literal[".", ","] = "," if has_comma else "."
    if not (has_comma or has_dot) or number.count(mark) > 1:
        return None
    if " " in number:
        return mark  # "1 234,567": spaces group, so the mark is decimal
    head, tail = number.split(mark)
    if len(tail) != 3 or mark == ".":
        return mark
    return None if 1 <= len(head) <= 3 and not head.startswith("0") else ","


def _number(number: str, decimal: DecimalMark, text: str) -> Decimal:
    """Digits with grouping and decimal marks (no sign, no symbol) → ``Decimal``."""
    number = re.sub(r"[\s']+", " ", number)
    mark = decimal if decimal is not None else _guess_decimal(number)
    fraction = ""
    if mark is not None and mark in number:
        if number.count(mark) > 1:
            raise _not_a_number(text, decimal)
        number, fraction = number.split(mark)
        if not _DIGITS.fullmatch(fraction):
            raise _not_a_number(text, decimal)
    separators = {char for char in number if not char.isdigit()}
    if len(separators) > 1:
        raise ParseError(t("errors.import.mixed_groups", text=repr(text), how=_describe(decimal)))
    if separators:
        groups = number.split(separators.pop())
        _check_groups(groups, text, decimal)
        number = "".join(groups)
    if not _DIGITS.fullmatch(number):
        raise _not_a_number(text, decimal)
    return Decimal(f"{number}.{fraction}" if fraction else number)


def parse_number(text: str, *, decimal: DecimalMark = None) -> Decimal:
    """A plain number with optional sign and grouping: ``-1,234.5``, ``1.234,5`` → Decimal."""
    cleaned = _clean(text)
    match = _PLAIN.fullmatch(cleaned)
    if not cleaned or match is None:
        raise _not_a_number(text)
    value = _number(match["num"], decimal, text)
    return -value if match["sign"] == "-" else value


def _currency_code(symbol: str, dollar: str, text: str) -> str:
    if symbol == "$":
        return dollar
    if symbol in CURRENCY_SYMBOLS:
        return CURRENCY_SYMBOLS[symbol]
    code = symbol.upper()
    if code not in ISO_CURRENCIES:
        raise ParseError(t("errors.import.unknown_currency", text=repr(text), symbol=repr(symbol)))
    return code


def parse_money(
    text: str, *, decimal: DecimalMark = None, dollar: str = "USD"
) -> tuple[Decimal, str | None]:
    """An amount and its ISO currency (``None`` when the text shows none).

    ``$1,234.56``, ``US$1,234.56``, ``MX$5,310.54``, ``￥1,234``, ``1.234,56 €``,
    ``€1.234,56``, ``£12.50``, ``₹1,08,218.36``, ``USD 12.00``, ``-$3.00``, ``$-3.00`` and
    the accountants' ``($3.00)`` are read, also inside CSV quotes (``"MX$5,310.54"``). A
    bare ``$`` means ``dollar`` (CAD on amazon.ca).
    """
    cleaned = _clean(text)
    if len(cleaned) >= 2 and cleaned[0] == cleaned[-1] == '"':
        cleaned = cleaned[1:-1].strip()  # a CSV cell copied with its quotes
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative = True
        cleaned = cleaned[1:-1].strip()
    match = _MONEY.fullmatch(cleaned)
    if not cleaned or match is None:
        raise ParseError(t("errors.import.not_money", text=repr(text)))
    signs = [sign for sign in (match["sign1"], match["sign2"]) if sign]
    if len(signs) > 1 or (signs and negative):
        raise ParseError(t("errors.import.two_signs", text=repr(text)))
    if match["pre"] and match["post"]:
        raise ParseError(t("errors.import.two_currencies", text=repr(text)))
    symbol = match["pre"] or match["post"]
    currency = _currency_code(symbol, dollar, text) if symbol else None
    value = _number(match["num"], decimal, text)
    if negative or signs == ["-"]:
        value = -value
    return value, currency


def parse_percent(text: str, *, decimal: DecimalMark = None) -> Decimal:
    """``12.34%`` → ``Decimal("0.1234")``; also ``0,97%`` and Turkish ``%12,5``.

    The ``%`` sign is required: a bare ``12.34`` could be a fraction or a percentage.
    """
    cleaned = _clean(text)
    if cleaned.endswith("%"):
        body = cleaned[:-1]
    elif cleaned.startswith("%"):
        body = cleaned[1:]
    else:
        raise ParseError(t("errors.import.no_percent_sign", text=repr(text)))
    try:
        return parse_number(body, decimal=decimal).scaleb(-2)
    except ParseError:
        raise ParseError(
            t("errors.import.not_percentage", text=repr(text), how=_describe(decimal))
        ) from None


def parse_count(text: str, *, decimal: DecimalMark = None) -> int:
    """A whole, non-negative count: ``1,514``, ``1.514`` (European), ``1 514``, ``12``."""
    cleaned = _clean(text)
    value: Decimal | None = None
    marks = {char for char in cleaned if char in ".,"}
    if decimal is None and len(marks) == 1 and _PLAIN.fullmatch(cleaned):
        # A count has no fraction, so a lone kind of mark is tried as grouping first:
        # "1.514" is 1514 here, while parse_number would read 1.514.
        grouping_only: DecimalMark = "," if marks == {"."} else "."
        try:
            value = parse_number(cleaned, decimal=grouping_only)
        except ParseError:
            value = None
    if value is None:
        value = parse_number(cleaned, decimal=decimal)
    if value != value.to_integral_value():
        raise ParseError(t("errors.import.not_whole", text=repr(text)))
    if value < 0:
        raise ParseError(t("errors.import.negative_count", text=repr(text)))
    return int(value)


_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
#: English month names, their three-letter abbreviations and "sept".
_MONTHS: dict[str, int] = {
    **{name: number for number, name in enumerate(_MONTH_NAMES, start=1)},
    **{name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)},
    "sept": 9,
}
_TIME_SUFFIX = re.compile(
    r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|[AP]M|UTC|GMT|[A-Z]{3,4}|[-+]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_YEAR_FIRST = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_NUMERIC = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})")
_MONTH_FIRST = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_DAY_FIRST = re.compile(r"(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{2}|\d{4})")
_MONTH_ONLY = (
    re.compile(r"(?P<month>[A-Za-z]{3,9})\.?[\s-]+(?P<year>\d{4})"),
    re.compile(r"(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*月?"),
    re.compile(r"(?P<month>\d{1,2})\s*[-/.]\s*(?P<year>\d{4})"),
)


def _month_number(name: str, text: str) -> int:
    number = _MONTHS.get(name.casefold())
    if number is None:
        raise ParseError(t("errors.import.not_month_name", text=repr(text), name=repr(name)))
    return number


def _year(digits: str) -> int:
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _make_date(year: int, month: int, day: int, text: str, order: DateOrder | None) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        hint = ""
        if order == "MDY" and month > 12 >= day:
            hint = t("errors.import.day_first")
        elif order == "DMY" and month > 12 >= day:
            hint = t("errors.import.month_first")
        raise ParseError(t("errors.import.invalid_date", text=repr(text), hint=hint)) from None


def parse_date(text: str, order: DateOrder, fmt: str | None = None) -> date:
    """A calendar date.

    With ``fmt`` (a ``strptime`` format) only that format is accepted. Otherwise:
    ``2026-11-25``, ``2026/11/25`` and ``2026年11月25日`` are year-first whatever ``order``
    says; ``May 16, 2026`` and ``16 May 2026`` use the month name; ``11/25/2026``,
    ``25/11/2026``, ``5/1/26`` (two-digit years are 20xx) follow ``order``. A time of day
    after the date is ignored.
    """
    if order not in ("MDY", "DMY", "YMD"):
        raise ValueError(f"date order must be MDY, DMY or YMD, got {order!r}")
    cleaned = _clean(text)
    if not cleaned:
        raise ParseError(t("errors.import.empty_date"))
    if fmt is not None:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            raise ParseError(
                t("errors.import.date_format", text=repr(text), format=repr(fmt))
            ) from None
    cleaned = _TIME_SUFFIX.sub("", cleaned).strip()
    if match := _YEAR_FIRST.fullmatch(cleaned):
        return _make_date(int(match[1]), int(match[2]), int(match[3]), text, None)
    if match := _NUMERIC.fullmatch(cleaned):
        first, _, second, third = match.groups()
        if order == "MDY":
            return _make_date(_year(third), int(first), int(second), text, order)
        if order == "DMY":
            return _make_date(_year(third), int(second), int(first), text, order)
        if len(third) <= 2:  # year first with two digits: 26/05/16
            return _make_date(_year(first), int(second), int(third), text, order)
    if match := _MONTH_FIRST.fullmatch(cleaned):
        month = _month_number(match[1], text)
        return _make_date(int(match[3]), month, int(match[2]), text, None)
    if match := _DAY_FIRST.fullmatch(cleaned):
        month = _month_number(match[2], text)
        return _make_date(_year(match[3]), month, int(match[1]), text, None)
    raise ParseError(
        t("errors.import.not_a_date", text=repr(text), order=t(f"errors.import.order_{order}"))
    )


def parse_month(text: str) -> date:
    """A month without a day (``May 2026``, ``2026-05``, ``05/2026``, ``2026年5月``) → its 1st."""
    cleaned = _clean(text)
    for pattern in _MONTH_ONLY:
        if match := pattern.fullmatch(cleaned):
            month_text = match["month"]
            month = int(month_text) if month_text.isdigit() else _month_number(month_text, text)
            return _make_date(int(match["year"]), month, 1, text, None)
    raise ParseError(t("errors.import.not_a_month", text=repr(text)))
