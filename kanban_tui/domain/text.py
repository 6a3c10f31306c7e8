"""Showing user text literally in a terminal.

Titles and notes are rendered as plain :class:`rich.text.Text`, never parsed as markup; on
top of that every control character (ESC of a CSI/OSC sequence, BEL, backspace, C1 codes…)
is replaced by a visible stand-in so nothing the user typed or imported can drive the
terminal.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"[\r\n\t]+")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␛, ␇, …: Unicode control pictures
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def literal(text: str) -> str:
    """``text`` with control characters made visible (keeps newlines and tabs)."""
    return _CONTROL.sub(_picture, text)


def one_line(text: str) -> str:
    """``text`` on one line, for a card row or a table cell."""
    return literal(_NEWLINES.sub(" ", text))
