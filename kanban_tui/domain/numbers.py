"""The one parser of the numbers and amounts a seller types (pure: no I/O, no i18n).

Every surface that reads a typed number — the KPI entry form, the goal form, the KPI
service's targets and the CLI's ``kpi add`` / ``goal set`` — goes through
:func:`parse_number`, so they accept the same text:

* thousands commas and spaces: ``1,250.50``, ``1 250.5``;
* a trailing percent sign: ``12.8%`` (the caller decides whether a percentage is allowed
  and turns it into a fraction with :attr:`Number.fraction`);
* a currency sign before the amount, or after a minus: ``$1,250``, ``-€3``, ``¥980``;
* full-width digits and signs as an input method types them: ``１２５０``, ``１２．８％``,
  ``￥９８０``, ``１，２５０``.

Anything else (letters, two decimal points, ``NaN``, ``Infinity``, a lone ``%``) is refused
with :class:`NumberError`, whose :attr:`~NumberError.reason` names why, so each caller can
word the message in the reader's language.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

#: Signs a seller may put before an amount (full-width forms are folded into these first).
CURRENCY_SIGNS = "$€£¥₹₩"

Reason = Literal["empty", "not_a_number", "too_large"]


class NumberError(ValueError):
    """Typed text that is not a number (``reason``: empty, not_a_number, too_large)."""

    def __init__(self, text: str, reason: Reason) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.text = text
        self.reason: Reason = reason


@dataclass(frozen=True)
class Number:
    """A parsed number as written (``12.8%`` → 12.8 with ``percent``)."""

    value: Decimal
    percent: bool = False

    @property
    def fraction(self) -> Decimal:
        """The value with a percentage read as a fraction (``12.8%`` → 0.128)."""
        return self.value / 100 if self.percent else self.value


def normalise(text: str) -> str:
    """Full-width forms folded to ASCII, surrounding space dropped."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_number(text: str, *, limit: Decimal | int | None = None) -> Number:
    """``text`` as a :class:`Number`; raises :class:`NumberError`.

    ``limit``: refuse values whose size is ``limit`` or more (``too_large``).
    """
    cleaned = normalise(text)
    if not cleaned:
        raise NumberError(text, "empty")
    cleaned = cleaned.replace(",", "").replace(" ", "")
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1]
    sign = ""
    if cleaned[:1] in "+-":
        sign, cleaned = cleaned[:1], cleaned[1:]
    if cleaned[:1] and cleaned[:1] in CURRENCY_SIGNS:
        cleaned = cleaned[1:]
    if not cleaned or not (cleaned[0].isdigit() or cleaned[0] == "."):
        raise NumberError(text, "not_a_number")
    try:
        value = Decimal(sign + cleaned)
    except InvalidOperation:
        raise NumberError(text, "not_a_number") from None
    if not value.is_finite():
        raise NumberError(text, "not_a_number")
    if limit is not None and abs(value) >= limit:
        raise NumberError(text, "too_large")
    return Number(value, percent)


__all__ = ["CURRENCY_SIGNS", "Number", "NumberError", "normalise", "parse_number"]
